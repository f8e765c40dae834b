# A primary and a streaming hot standby. Verification is stateless and
# runs on the standby: jwt_verify with a key passed in and with the stored
# keys, jwks(), and authenticate(), which switches role and exposes the
# verified claims to row-level security (and pre_request() for PostgREST).
# What writes (auth_login, auth_refresh, auth_logout, the user and key
# functions) is refused there with 25006, with a hint to send it to the
# primary.
#
# The standby knows what it has replayed, no more: with replay paused, a
# new login's token verifies there but authenticate() refuses it (no such
# session yet), and a key revoked on the primary still verifies.
#
# Then revocation crosses the replication: a key revoked on the primary,
# and separately a global logout there, are refused on the standby once it
# has replayed them, both in a standby session that was open (and had its
# key cache warm) all along and in a new one.
#
# Tokens never leave the servers: the primary keeps them in the table
# tokens, which replicates, and the SQL the test sends names them (one
# that must not replicate yet goes through a file psql reads into a
# variable). The password and the HMAC secret are random, reach psql
# through its environment (\getenv), and the sessions keep statements out
# of the server log.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

# random, and never printed: psql reads them with \getenv
$ENV{STANDBY_TEST_PASSWORD} = join '', map { sprintf '%02x', int rand 256 } 1 .. 16;
$ENV{STANDBY_TEST_SECRET} = join '', map { sprintf '%02x', int rand 256 } 1 .. 32;
my $getenv = "\\getenv pw STANDBY_TEST_PASSWORD\n\\getenv secret STANDBY_TEST_SECRET\n";
my $far = 4102444800;    # exp of the hand-made tokens: 2100

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql(
	'postgres', $getenv . qq{
SET log_statement = 'none';
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE standby_app_user NOLOGIN;
CREATE ROLE standby_authenticator LOGIN NOINHERIT;
GRANT standby_app_user TO standby_authenticator;
ALTER ROLE standby_authenticator SET jwt_auth.trust_request_claims = off;
-- its statements carry the password too: none of them in the server log
ALTER ROLE standby_authenticator SET log_statement = 'none';
ALTER ROLE standby_authenticator SET log_min_error_statement = 'panic';

-- the tokens the test uses, by name; readable by the roles the test runs as
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
GRANT SELECT ON tokens TO PUBLIC;

-- an HS256 key signs one token, then an ES256 key becomes the signing key
SELECT jwt_auth.key_generate('HS256', 'hs-1');
INSERT INTO tokens VALUES ('hs', jwt_auth.jwt_sign('{"sub":"hs-subject","exp":$far}'::jsonb));
SELECT jwt_auth.key_generate('ES256', 'es-1');
INSERT INTO tokens VALUES ('es', jwt_auth.jwt_sign('{"sub":"es-subject","exp":$far}'::jsonb));
INSERT INTO tokens VALUES ('explicit',
    jwt_auth.jwt_sign('{"sub":"explicit-subject","exp":$far}'::jsonb, :'secret'));

SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('standby-user', :'pw', 'standby_app_user', '{"plan":"pro"}');
-- two logins of the user: sessions a and b
WITH l AS (SELECT jwt_auth.auth_login('standby-user', :'pw') AS r)
INSERT INTO tokens SELECT 'a.access', r->>'access_token' FROM l
         UNION ALL SELECT 'a.refresh', r->>'refresh_token' FROM l;
WITH l AS (SELECT jwt_auth.auth_login('standby-user', :'pw') AS r)
INSERT INTO tokens SELECT 'b.access', r->>'access_token' FROM l
         UNION ALL SELECT 'b.refresh', r->>'refresh_token' FROM l;

-- row-level security on the claims: each user sees its own notes
CREATE TABLE notes (owner uuid NOT NULL, body text NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes TO standby_app_user USING (owner = jwt_auth.uid());
GRANT SELECT ON notes TO standby_app_user;
INSERT INTO notes SELECT id, 'mine ' || n FROM jwt_auth.users, generate_series(1, 3) n;
INSERT INTO notes SELECT gen_random_uuid(), 'not mine ' || n FROM generate_series(1, 5) n;
});
my $uid = $primary->safe_psql('postgres',
	"SELECT id FROM jwt_auth.users WHERE username = 'standby-user'");
my $sid_a = $primary->safe_psql('postgres',
	"SELECT (jwt_auth.jwt_decode(token)).payload->>'sid' FROM tokens WHERE name = 'a.access'");

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is a hot standby in recovery');

# A long-lived session: errors do not end it; VERBOSITY verbose puts the
# SQLSTATE in each error ("ERROR:  25006: ..."); no statement reaches the
# server log, not even a failed one (for the authenticator, its role's
# settings say so).
sub session
{
	my ($node, $user) = @_;
	my $s = psql_session($node, extra_params => $user ? [ '-U', $user ] : [], quiet => !$user);
	$s->query_safe($getenv);
	return $s;
}

# SQL for the token named $name.
sub tok { return "(SELECT token FROM tokens WHERE name = '$_[0]')" }

my $s = session($standby);    # superuser, open from here to the end
my $app = session($standby, 'standby_authenticator');    # open from here to the end

# --- verification on the standby -----------------------------------------

is(run_ok($s, "SELECT jwt_auth.jwt_verify(" . tok('explicit') . ", :'secret')->>'sub'"),
	'explicit-subject', 'jwt_verify with a key passed in works on the standby');
is(run_ok($s, "SELECT jwt_auth.jwt_valid(" . tok('explicit') . ", :'secret' || 'x')"),
	'f', 'and refuses the token under another key');
is(run_ok($s, "SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{\"sub\":\"made-here\"}', :'secret'), :'secret')->>'sub'"),
	'made-here', 'jwt_sign with a key passed in works on the standby');
is(run_ok($s, "SELECT jwt_auth.jwt_verify(" . tok('hs') . ")->>'sub'"),
	'hs-subject', 'jwt_verify with the stored HS256 key (retired) works on the standby');
is(run_ok($s, "SELECT jwt_auth.jwt_verify(" . tok('es') . ")->>'sub'"),
	'es-subject', 'jwt_verify with the stored ES256 key (active) works on the standby');
is( run_ok($s, "SELECT (jwt_auth.jwt_decode(jwt_auth.jwt_sign('{\"sub\":\"x\"}'::jsonb))).header->>'kid'"),
	'es-1', 'jwt_sign with the stored active key works on the standby');
is( run_ok($s, "SELECT string_agg(k->>'kid' || ':' || (k->>'kty'), ',') FROM jsonb_array_elements(jwt_auth.jwks()->'keys') k"),
	'es-1:EC', 'jwks() on the standby lists the ES256 key, and no oct key');
is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('es') . ", jwt_auth.jwks(), 'ES256')->>'sub'"),
	'es-subject', 'a token verifies against the JWK set the standby exports');
is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('a.access') . ")->>'sub'"),
	$uid, 'the login\'s access token verifies on the standby with the stored keys');

# --- authenticate() on the standby ---------------------------------------

run_ok($app, 'BEGIN');
is(run_ok($app, "SELECT jwt_auth.authenticate(" . tok('a.access') . ")->>'sub'"),
	$uid, 'authenticate() on the standby returns the verified claims');
is(run_ok($app, 'SELECT current_user'), 'standby_app_user',
	'authenticate() on the standby switches to the token\'s role');
is(run_ok($app, 'SELECT jwt_auth.uid()'), $uid, 'uid() is the token\'s sub');
is(run_ok($app, "SELECT jwt_auth.claims()->>'sid'"), $sid_a, 'claims() is the verified claims (its sid)');
is(run_ok($app, "SELECT jwt_auth.claim('plan') #>> '{}'"), 'pro', 'claim() reads the user\'s own claims');
is(run_ok($app, "SELECT jwt_auth.role()"), 'standby_app_user', 'role() is the token\'s role');
is(run_ok($app, 'SELECT count(*) FROM notes'), '3', 'row-level security on the standby shows only the user\'s rows');
run_ok($app, 'COMMIT');
is(run_ok($app, 'SELECT current_user'), 'standby_authenticator', 'after COMMIT the role is the connecting one again');
is(run_ok($app, 'SELECT jwt_auth.claims() IS NULL'), 't', 'and there are no claims');
my ($out, $err) = run($app, "SET request.jwt.claims = '{\"sub\":\"$uid\"}'");
is(run_ok($app, 'SELECT jwt_auth.uid() IS NULL'), 't',
	'request.jwt.claims set by the authenticator is ignored (trust_request_claims is off)');
run($app, 'RESET request.jwt.claims');

# --- writes are refused on the standby: 25006, go to the primary -----------

my $to_primary =
  qr/ERROR:  25006: cannot log in, refresh or log out on a standby\n(?:.*\n)*?HINT:  [^\n]*primary/;
($out, $err) = run($app, "SELECT jwt_auth.auth_login('standby-user', :'pw')");
like($err, $to_primary, 'auth_login on the standby: 25006, with a hint naming the primary');
($out, $err) = run($app, "SELECT jwt_auth.auth_refresh(" . tok('a.refresh') . ")");
like($err, $to_primary, 'auth_refresh on the standby: 25006, with a hint naming the primary');
($out, $err) = run($app, "SELECT jwt_auth.auth_logout(" . tok('a.refresh') . ", 'global')");
like($err, $to_primary, 'auth_logout on the standby: 25006, with a hint naming the primary');
run_ok($app, 'BEGIN');
run_ok($app, "SELECT jwt_auth.authenticate(" . tok('a.access') . ") IS NOT NULL");
($out, $err) = run($app, "SELECT jwt_auth.auth_logout()");
like($err, $to_primary, 'auth_logout of the request\'s session on the standby: 25006 too');
run($app, 'ROLLBACK');
run_ok($s, 'SET jwt_auth.bcrypt_cost = 4');
($out, $err) = run($s, "SELECT jwt_auth.user_create('someone-new', :'pw')");
like($err, $to_primary, 'user_create on the standby: 25006, with a hint naming the primary');
($out, $err) = run($s, "SELECT jwt_auth.user_set_disabled('standby-user')");
like($err, $to_primary, 'user_set_disabled on the standby: 25006, with a hint naming the primary');
($out, $err) = run($s, "SELECT jwt_auth.key_generate('ES256', 'made-on-standby')");
like($err, qr/ERROR:  25006: /, 'key_generate on the standby: 25006 (PostgreSQL\'s own read-only error)');
is(run_ok($s, 'SELECT count(*) FROM jwt_auth.sessions WHERE revoked_at IS NULL'),
	'2', 'none of that changed anything: both sessions are live');

# --- the standby knows what it has replayed, no more ----------------------
#
# With replay paused, a login on the primary opens a session the standby
# has not seen: its token verifies there (the key is known) but
# authenticate() refuses it until replay catches up. The token reaches the
# standby session through a file the primary writes (COPY) and psql reads
# into a variable, so that it is never in the SQL the test log shows.

my $token_file = PostgreSQL::Test::Utils::tempdir() . '/lag.token';
run_ok($s, 'SELECT pg_wal_replay_pause()');
$standby->poll_query_until('postgres', "SELECT pg_get_wal_replay_pause_state() = 'paused'")
  or die 'replay did not pause';
$primary->safe_psql(
	'postgres', $getenv . qq{
SET log_statement = 'none';
COPY (SELECT jwt_auth.auth_login('standby-user', :'pw')->>'access_token') TO '$token_file';
});
run_ok($app, "\\set lagtok `cat $token_file`");
is(run_ok($app, "SELECT jwt_auth.jwt_verify(:'lagtok')->>'sub'"), $uid,
	'with replay paused, a token of a login just made on the primary verifies on the standby');
run_ok($app, 'BEGIN');
($out, $err) = run($app, "SELECT jwt_auth.authenticate(:'lagtok')");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  The session does not exist\./,
	'but authenticate() there refuses it, 28000: the session is not replayed yet');
run($app, 'ROLLBACK');
run_ok($s, 'SELECT pg_wal_replay_resume()');
$primary->wait_for_catchup($standby);
run_ok($app, 'BEGIN');
is(run_ok($app, "SELECT jwt_auth.authenticate(:'lagtok')->>'sub'"), $uid,
	'once replay resumes and catches up, authenticate() on the standby takes it');
run_ok($app, 'COMMIT');
run_ok($app, '\\unset lagtok');
unlink $token_file;

# --- a key revoked on the primary ----------------------------------------

# the open session's key cache holds es-1 (it verified with it above)
is(run_ok($app, "SELECT jwt_auth.jwt_valid(" . tok('es') . ")"), 't',
	'before the revocation, the open standby session verifies es-1\'s token');
# revoked with replay paused: the standby goes on with what it has replayed
run_ok($s, 'SELECT pg_wal_replay_pause()');
$standby->poll_query_until('postgres', "SELECT pg_get_wal_replay_pause_state() = 'paused'")
  or die 'replay did not pause';
$primary->safe_psql('postgres', "SELECT jwt_auth.key_set_status('es-1', 'revoked')");
is(run_ok($app, "SELECT jwt_auth.jwt_valid(" . tok('es') . ")"), 't',
	'with replay paused, the standby still verifies the token of a key revoked on the primary');
run_ok($s, 'SELECT pg_wal_replay_resume()');
$primary->wait_for_catchup($standby);

($out, $err) = run($app, "SELECT jwt_auth.jwt_verify(" . tok('es') . ")");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  the token's key has been revoked/,
	'once replayed, the open standby session refuses the revoked key\'s token: 28000');
run_ok($app, 'BEGIN');
($out, $err) = run($app, "SELECT jwt_auth.authenticate(" . tok('a.access') . ")");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  the token's key has been revoked/,
	'and authenticate() refuses the login token the revoked key signed: 28000');
run($app, 'ROLLBACK');
is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('hs') . ")->>'sub'"), 'hs-subject',
	'the open standby session still verifies the retired HS256 key\'s token');
is(run_ok($app, "SELECT count(*) FROM jsonb_array_elements(jwt_auth.jwks()->'keys')"), '0',
	'its jwks() no longer lists the revoked key');

my $fresh = session($standby, 'standby_authenticator');
($out, $err) = run($fresh, "SELECT jwt_auth.jwt_verify(" . tok('es') . ")");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  the token's key has been revoked/,
	'a new standby session refuses the revoked key\'s token: 28000');
run_ok($fresh, 'BEGIN');
($out, $err) = run($fresh, "SELECT jwt_auth.authenticate(" . tok('b.access') . ")");
like($err, qr/ERROR:  28000: invalid token/,
	'and authenticate() there refuses the other login token the revoked key signed');
run($fresh, 'ROLLBACK');
$fresh->quit;

# --- a global logout on the primary --------------------------------------

# a new signing key, and a new login (session c) signed by it
$primary->safe_psql(
	'postgres', $getenv . q{
SET log_statement = 'none';
SELECT jwt_auth.key_generate('ES256', 'es-2');
WITH l AS (SELECT jwt_auth.auth_login('standby-user', :'pw') AS r)
INSERT INTO tokens SELECT 'c.access', r->>'access_token' FROM l
         UNION ALL SELECT 'c.refresh', r->>'refresh_token' FROM l;
});
$primary->wait_for_catchup($standby);

run_ok($app, 'BEGIN');
is(run_ok($app, "SELECT jwt_auth.authenticate(" . tok('c.access') . ")->>'sub'"), $uid,
	'the open standby session authenticates the new login, signed by the new key');
is(run_ok($app, 'SELECT current_user || \' \' || jwt_auth.uid()'), "standby_app_user $uid",
	'as the token\'s role, with its uid');
run_ok($app, 'COMMIT');
# PostgREST's way on the standby: request.jwt.claims and request.headers, then pre_request()
my $pre_request = "BEGIN; SELECT set_config('request.jwt.claims', "
  . "jwt_auth.jwt_verify(" . tok('c.access') . ")::text, true) IS NOT NULL, "
  . "set_config('request.headers', json_build_object('authorization', 'Bearer ' || " . tok('c.access')
  . ")::text, true) IS NOT NULL; SELECT jwt_auth.pre_request()";
($out, $err) = run($s, $pre_request);
is($err, '', 'pre_request() on the standby lets the live session\'s claims through');
run($s, 'ROLLBACK');

# a global logout with session a's refresh token: every session, every token
$primary->safe_psql('postgres',
	"SET log_statement = 'none'; SELECT jwt_auth.auth_logout(" . tok('a.refresh') . ", 'global')");
$primary->wait_for_catchup($standby);

run_ok($app, 'BEGIN');
($out, $err) = run($app, "SELECT jwt_auth.authenticate(" . tok('c.access') . ")");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  The session is revoked\./,
	'once the global logout is replayed, the open standby session refuses the token: 28000, session revoked');
run($app, 'ROLLBACK');
is(run_ok($app, 'SELECT current_user'), 'standby_authenticator',
	'the refused authenticate() left the connecting role in place');
is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('c.access') . ")->>'sub'"), $uid,
	'jwt_verify alone is stateless: it still verifies the signature (only authenticate checks sessions)');

($out, $err) = run($s, $pre_request);
like($err, qr/ERROR:  PGRST: \{"code":"28000","message":"invalid token","details":"The session is revoked\.","hint":null\}\nDETAIL:  \{"status":401,/,
	'and pre_request() there refuses the same token: PostgREST\'s 401, session revoked');
run($s, 'ROLLBACK');

$fresh = session($standby, 'standby_authenticator');
run_ok($fresh, 'BEGIN');
($out, $err) = run($fresh, "SELECT jwt_auth.authenticate(" . tok('c.access') . ")");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  The session is revoked\./,
	'a new standby session refuses it too: 28000, session revoked');
run($fresh, 'ROLLBACK');
$fresh->quit;

# the global logout stands on its own too: a token of no session (no sid),
# issued before the logout, is refused for the user's logout_before
$primary->safe_psql(
	'postgres', qq{
SET log_statement = 'none';
INSERT INTO tokens SELECT 'nosid', jwt_auth.jwt_sign(jsonb_build_object(
    'sub', '$uid', 'role', 'standby_app_user',
    'iat', floor(extract(epoch FROM now())) - 60, 'exp', $far));
});
$primary->wait_for_catchup($standby);
run_ok($app, 'BEGIN');
($out, $err) = run($app, "SELECT jwt_auth.authenticate(" . tok('nosid') . ")");
like($err,
	qr/ERROR:  28000: invalid token\nDETAIL:  The token was issued before the user logged out everywhere\./,
	'a token without a session issued before the global logout is refused on the standby: 28000');
run($app, 'ROLLBACK');

is(run_ok($s, 'SELECT count(*) FROM jwt_auth.sessions WHERE revoked_at IS NULL'),
	'0', 'the standby sees every session of the user revoked');

$s->quit;
$app->quit;
$standby->stop;
$primary->stop;

done_testing();
