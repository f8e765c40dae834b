# The password lifecycle under the login throttle (jwt_auth preloaded):
# a wrong old password in auth_change_password counts as a failed login of
# the user; bad reset tokens count for the client address; every sign-up
# counts for the client address (over TCP), and sign-ups of different
# names are not one shared counter.
#
# Passwords reach the server as psql variables; the reset token stays in
# the table tokens.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my @passwords = ('-v', 'right=lifecycle-password-1', '-v', 'other=lifecycle-password-2');

my $node = PostgreSQL::Test::Cluster->new('lifecycle_throttle');
$node->init;
$node->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'jwt_auth'
listen_addresses = '127.0.0.1'
jwt_auth.bcrypt_cost = 4
jwt_auth.max_failed_logins = 3
jwt_auth.max_failed_logins_per_address = 6
jwt_auth.lockout_time = '1h'
jwt_auth.default_role = 'member'
jwt_auth.signup_enabled = on
});
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE member NOLOGIN;
SELECT jwt_auth.key_generate('HS256');
SELECT jwt_auth.user_create('changer', :'right');
SELECT jwt_auth.user_create('resetter', :'right');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
}, extra_params => \@passwords);

sub session
{
	my ($tcp) = @_;
	local $ENV{PGHOSTADDR} = '127.0.0.1' if $tcp;
	return psql_session($node, extra_params => \@passwords, quiet => 1);
}

# the SQLSTATE of a statement's error, or 'ok'
sub state_of
{
	my ($s, $sql) = @_;
	my ($out, $err) = run($s, $sql);
	return 'ok' if $err eq '';
	return $1 if $err =~ /ERROR:  ([0-9A-Z]{5}):/;
	die "unexpected: $err";
}

# --- change: a wrong old password counts for the user ----------------------
my $local = session(0);
run_ok($local, "SELECT jwt_auth.auth_login('changer', :'right') ->> 'access_token' AS t \\gset");
my @got;
for (1 .. 3)
{
	push @got, state_of($local,
		"BEGIN; SELECT jwt_auth.authenticate(:'t') IS NOT NULL; "
		  . "SELECT jwt_auth.auth_change_password('not the password', :'other'); ROLLBACK");
	run($local, 'ROLLBACK');
}
is("@got", '28P01 28P01 28P01', 'three wrong old passwords: 28P01 each');
is( state_of(
		$local,
		"BEGIN; SELECT jwt_auth.authenticate(:'t') IS NOT NULL; "
		  . "SELECT jwt_auth.auth_change_password(:'right', :'other'); COMMIT"),
	'28P01',
	'then the right old password is refused too: the user is locked');
run($local, 'ROLLBACK');
is(state_of($local, "SELECT jwt_auth.auth_login('changer', :'right')"),
	'28P01', 'and so is a login: the failures were the user\'s');

# --- sign-up: counted per client address over TCP ---------------------------
my $tcp = session(1);
@got = map { state_of($tcp, "SELECT jwt_auth.auth_signup('newcomer$_', :'right')") } 1 .. 6;
is("@got", 'ok ok ok ok ok ok', 'six sign-ups of different names from one address');
is(state_of($tcp, "SELECT jwt_auth.auth_signup('newcomer7', :'right')"),
	'53400', 'the seventh from that address is refused: 53400');
is(state_of($tcp, "SELECT jwt_auth.auth_login('resetter', :'right')"),
	'28P01', 'the address is locked for logins as well (one counter per address)');
is(state_of($local, "SELECT jwt_auth.auth_signup('newcomer8', :'right')"),
	'ok', 'a sign-up over the Unix socket is not counted by address (it has none)');

# --- reset: bad tokens count for the address ------------------------------
$node->safe_psql('postgres',
	"INSERT INTO tokens SELECT 'reset', jwt_auth.auth_reset_request('resetter')");
my $tcp2 = session(1);
$node->safe_psql('postgres', "SELECT jwt_auth.auth_unlock('resetter')");
is( state_of(
		$tcp2,
		"SELECT jwt_auth.auth_reset((SELECT token FROM tokens WHERE name = 'reset'), :'other')"),
	'28000',
	'a good reset token from a locked address is refused (28000) and stays');
is( state_of(
		$local,
		"SELECT jwt_auth.auth_reset((SELECT token FROM tokens WHERE name = 'reset'), :'other')"),
	'ok',
	'the same token from an address not locked resets');

$_->quit for $local, $tcp, $tcp2;
$node->stop;
done_testing();
