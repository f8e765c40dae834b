# What other sessions' transactions cannot do to the session checks:
#
# - a REPEATABLE READ transaction that began before a global logout, or
#   before the user was disabled, does not keep authenticating the user's
#   tokens: the session and user checks read the latest committed state;
# - reuse detection cannot be stalled: a thief that refreshed the chain's
#   newest token in a transaction it keeps open holds the session's row;
#   the victim who then presents the used token is told that the session
#   will be revoked when that transaction ends, and it is, once it ends;
#   the thief's new tokens are refused from then on;
# - logout without a refresh token acts on verified claims only: with
#   jwt_auth.trust_request_claims on, request.jwt.claims naming another
#   user's session logs nobody out.
#
# Tokens never appear in the SQL the test log shows: they are kept in the
# table tokens under a name.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my @password = ('-v', 'password=hardening-password-1');

my $node = PostgreSQL::Test::Cluster->new('session_hardening');
$node->init;
$node->append_conf('postgresql.conf', "jwt_auth.refresh_reuse_interval = 0\n");
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SET jwt_auth.bcrypt_cost = 4;
CREATE ROLE app_user NOLOGIN;
SELECT jwt_auth.user_create('reader', :'password', 'app_user');
SELECT jwt_auth.user_create('victim', :'password', 'app_user');
SELECT jwt_auth.user_create('bystander', :'password', 'app_user');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
GRANT SELECT ON tokens TO PUBLIC;
}, extra_params => \@password);

# log in as user; keep its access and refresh tokens as NAME.access and NAME.refresh
sub login
{
	my ($name, $user) = @_;
	$node->safe_psql('postgres', qq{
SET log_statement = 'none';
WITH l AS (SELECT jwt_auth.auth_login('$user', :'password') AS r)
INSERT INTO tokens SELECT '$name.access', r->>'access_token' FROM l
UNION ALL SELECT '$name.refresh', r->>'refresh_token' FROM l;
}, extra_params => \@password);
}

sub token_sql { my ($name) = @_; return "(SELECT token FROM tokens WHERE name = '$name')"; }

# --- REPEATABLE READ sees the latest logout and disabling --------------------------------
login('reader1', 'reader');
my $rr = psql_session($node);
my $admin = psql_session($node);

run_ok($rr, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
my $out = run_ok($rr, "SELECT jwt_auth.authenticate(" . token_sql('reader1.access') . ") ? 'sid'");
is($out, 't', 'a REPEATABLE READ transaction authenticates a live token');
run_ok($rr, 'RESET ROLE');
run_ok($admin, "SELECT jwt_auth.auth_logout(" . token_sql('reader1.refresh') . ", 'global')");
my ($o, $err) = run($rr, "SELECT jwt_auth.authenticate(" . token_sql('reader1.access') . ")");
like($err, qr/28000: invalid token.*\n.*The session is revoked/,
	'after a global logout committed elsewhere, the same REPEATABLE READ transaction refuses the token');
run($rr, 'ROLLBACK');

login('reader2', 'reader');
run_ok($rr, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
run_ok($rr, 'SELECT count(*) FROM tokens');    # the snapshot is taken here
run_ok($admin, "SELECT jwt_auth.user_set_disabled('reader')");
($o, $err) = run($rr, "SELECT jwt_auth.authenticate(" . token_sql('reader2.access') . ")");
like($err, qr/28000: invalid token/,
	'after the user is disabled elsewhere, a REPEATABLE READ transaction begun before refuses the token');
run($rr, 'ROLLBACK');
run_ok($admin, "SELECT jwt_auth.user_set_disabled('reader', false)");
($o, $err) = run($rr, "SELECT jwt_auth.authenticate(" . token_sql('reader2.access') . ")");
like($err, qr/28000: invalid token/, 'enabling the user again does not revive the token');

# --- reuse detection while a thief holds the session --------------------------------------
login('v0', 'victim');
# the victim refreshes once: v0 is used, v1 is the chain's newest token
$node->safe_psql('postgres', q{
SET log_statement = 'none';
INSERT INTO tokens SELECT 'v1.refresh', jwt_auth.auth_refresh(token)->>'refresh_token'
  FROM tokens WHERE name = 'v0.refresh';
});
my $thief = psql_session($node);
run_ok($thief, 'BEGIN');
run_ok($thief, "CREATE TEMP TABLE stolen AS SELECT jwt_auth.auth_refresh(" . token_sql('v1.refresh') . ") AS r");
# the victim presents the used token while the thief's transaction is open
my $t0 = time;
($o, $err) = run($admin, "SELECT jwt_auth.auth_refresh(" . token_sql('v0.refresh') . ")");
like($err, qr/28000: invalid refresh token.*\n.*will be revoked as soon as the transaction that holds it ends/,
	'the victim is told the session will be revoked when the transaction holding it ends');
cmp_ok(time - $t0, '<', 30, 'and is told so within seconds, not when the thief lets go');
my $sid = "(SELECT (jwt_auth.jwt_decode(token)).payload->>'sid' FROM tokens WHERE name = 'v0.access')";
is(run_ok($admin, "SELECT revoked_at IS NULL FROM jwt_auth.sessions WHERE id::text = $sid"),
	't', 'the session is not revoked while the thief holds it');
run_ok($thief, 'SELECT 1');    # the thief is still there, its transaction open
run_ok($thief, 'COMMIT');
ok( $node->poll_query_until('postgres',
		"SELECT revoked_reason = 'reuse' FROM jwt_auth.sessions WHERE id::text = $sid"),
	'once the thief commits, the worker revokes the session for reuse');
($o, $err) = run($thief, "SELECT jwt_auth.auth_refresh(r->>'refresh_token') FROM stolen");
like($err, qr/28000: invalid refresh token.*\n.*The session is revoked/, "the thief's new refresh token is refused");
($o, $err) = run($thief, "SELECT jwt_auth.authenticate(r->>'access_token') FROM stolen");
like($err, qr/28000: invalid token.*\n.*The session is revoked/, "the thief's new access token is refused");

# --- logout never acts on request.jwt.claims ----------------------------------------------
login('b', 'bystander');
my $claims = "(SELECT (jwt_auth.jwt_decode(token)).payload::text FROM tokens WHERE name = 'b.access')";
my $forger = psql_session($node);
run_ok($forger, 'BEGIN');
run_ok($forger, "SELECT set_config('request.jwt.claims', $claims, true)");
($o, $err) = run($forger, "SELECT jwt_auth.auth_logout(NULL, 'global')");
like($err, qr/no session to log out/, "a global logout with another user's claims in request.jwt.claims is refused");
run($forger, 'ROLLBACK');
$sid = "(SELECT (jwt_auth.jwt_decode(token)).payload->>'sid' FROM tokens WHERE name = 'b.access')";
is(run_ok($admin, "SELECT revoked_at IS NULL FROM jwt_auth.sessions WHERE id::text = $sid"),
	't', "the bystander's session stays live");

$_->quit for ($rr, $admin, $thief, $forger);
$node->stop;
done_testing();
