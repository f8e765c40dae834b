# A password reset token is used once, even when eight sessions present it
# at once. A holder session locks the token's row first, so every racer is
# inside auth_reset, waiting on that row, before any of them goes on; then
# the holder lets go. Exactly one racer sets its password; the others find
# the token gone (28000), and only the winner's password logs in.
#
# The token never appears in the SQL the test sends (which the test log
# shows): it is kept in the table tokens. Each racer's new password is
# derived in SQL from a secret that reaches the server as a psql variable.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my $racers = 8;
my @password = ('-v', 'password=resetting-password-1');

my $node = PostgreSQL::Test::Cluster->new('reset_race');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('resetter', :'password');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
INSERT INTO tokens SELECT 'reset', jwt_auth.auth_reset_request('resetter');
}, extra_params => \@password);

my @racer = map { psql_session($node, quiet => 1, extra_params => \@password) } 1 .. $racers;
my $admin = psql_session($node, extra_params => \@password);

sub reset_sql
{
	my ($i) = @_;
	return "SELECT jwt_auth.auth_reset((SELECT token FROM tokens WHERE name = 'reset'), "
	  . ":'password' || '-racer-$i')";
}

my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN');
$holder->query_safe(
	"SELECT 1 FROM tokens t JOIN jwt_auth.one_time_tokens o "
	  . "ON o.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = 'reset' "
	  . "FOR UPDATE OF o");
for my $i (0 .. $#racer)
{
	$racer[$i]{stderr} = '';
	$racer[$i]->query_until(qr/racing\n/, "\\echo racing\n" . reset_sql($i) . ";\n");
}
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = $racers FROM pg_stat_activity "
		  . "WHERE wait_event_type = 'Lock' AND query LIKE '%auth_reset%'"),
	"all $racers racers wait on the token's row inside auth_reset");
$holder->query_safe('COMMIT');
$holder->quit;

my (@won, @refused, @other);
for my $i (0 .. $#racer)
{
	my $s = $racer[$i];
	$s->query_until(qr/raced\n/, "\\echo raced\n\\warn raced\n");
	pump_until($s->{run}, $s->{timeout}, \$s->{stderr}, qr/raced\n/);
	my $err = $s->{stderr};
	$err =~ s/raced\n//;
	$s->{stderr} = '';
	if ($err eq '') { push @won, $i }
	elsif ($err =~ /ERROR:  28000: invalid or expired token/) { push @refused, $i }
	else { push @other, $err }
}
is(scalar(@won), 1, 'exactly one racer reset the password');
is(scalar(@refused), $racers - 1, 'every other racer found the token used (28000)');
is_deeply(\@other, [], 'no racer failed otherwise');

my $w = $won[0] // 0;
is( run_ok(
		$admin,
		"SELECT count(*) FROM generate_series(0, $racers - 1) i "
		  . "WHERE jwt_auth._password_verify(:'password' || '-racer-' || i, "
		  . "(SELECT password_hash FROM jwt_auth.users WHERE username = 'resetter'))"),
	'1',
	'the stored password is one racer\'s');
is( run_ok(
		$admin,
		"SELECT jwt_auth._password_verify(:'password' || '-racer-$w', "
		  . "(SELECT password_hash FROM jwt_auth.users WHERE username = 'resetter'))"),
	't',
	'and it is the winner\'s');
is(run_ok($admin, 'SELECT count(*) FROM jwt_auth.one_time_tokens'),
	'0', 'the token is gone');

$_->quit for @racer, $admin;
$node->stop;
done_testing();
