# What the Perl TAP tests in test/t share: long-lived psql sessions, and
# running SQL in them with its errors kept apart from its output.
#
# background_psql writes every statement it sends to the test's log, so
# the tests never put a token, a password or a key in that SQL: tokens are
# kept in a table or a psql variable under a name, passwords arrive as psql
# variables.
package JwtAuthTest;

use strict;
use warnings;

use Exporter 'import';

our @EXPORT = qw(psql_session run run_ok);

# A long-lived session in database postgres on $node. Errors do not end it;
# VERBOSITY verbose puts the SQLSTATE in each error ("ERROR:  28000: ...").
# Options: extra_params (more psql arguments); quiet => 1 keeps every
# statement of the session out of the server log, even a failed one.
sub psql_session
{
	my ($node, %opt) = @_;
	my $s = $node->background_psql(
		'postgres',
		on_error_stop => 0,
		extra_params => $opt{extra_params} // []);
	$s->query_safe('\set VERBOSITY verbose');
	if ($opt{quiet})
	{
		$s->query_safe("SET log_statement = 'none'");
		$s->query_safe("SET log_min_error_statement = 'panic'");
	}
	return $s;
}

# Run SQL in a session: its output and its errors (this statement's only).
sub run
{
	my ($session, $sql) = @_;
	$session->{stderr} = '';
	my $out = $session->query($sql);
	my $err = $session->{stderr};
	$session->{stderr} = '';
	return ($out, $err);
}

# Run SQL that must succeed; its output.
sub run_ok
{
	my ($session, $sql) = @_;
	my ($out, $err) = run($session, $sql);
	die "query failed: $sql\n$err" if $err ne '';
	return $out;
}

1;
