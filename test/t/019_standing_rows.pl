# The session and user rows authenticate() keeps (src/pg/changes.c,
# src/pg/standing.c), with jwt_auth preloaded: a backend reads a token's
# session and user once and again only after a commit changed them, and
# no change is ever missed.
#
# Whether a call read the rows is counted in the index scans of
# sessions_pkey and users_pkey it made (pg_stat_get_xact_numscans): 2 when
# it read both, 0 when it kept both.
#
#   - An open session keeps the rows; a new session, and a session with
#     jwt_auth.token_cache_entries = 0, reads them.
#   - A logout, a user disabled (by UPDATE), logout_before set, two
#     refreshes, a user deleted, committed in another session: refused at
#     the next call of the open session. Uncommitted, or rolled back: still
#     accepted, with the rows kept.
#   - A transaction's own uncommitted revocation is seen by its own call;
#     rolled back (or to a savepoint), the token is accepted again.
#   - A REPEATABLE READ transaction begun before a logout refuses the token.
#   - With sessions_changed disabled, or enabled but not ALWAYS, nothing
#     is kept, and a revocation is still refused at once.
#   - A revocation prepared for two-phase commit: accepted while prepared,
#     refused once COMMIT PREPARED runs in another session; nothing is kept
#     afterwards until the server restarts.
#   - TRUNCATE of the sessions: refused.
#   - 8 clients authenticating one token while another session revokes it:
#     no call that started after the COMMIT returned is accepted.
#   - A hot standby (preloaded) keeps nothing, and refuses a revocation
#     once it has replayed it.
#   - A logical subscriber (preloaded) keeps rows, and a logout on the
#     publisher, applied, is refused in its open session.
#
# Tokens never appear in the SQL: they are kept in the table tokens.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use IPC::Run;

use JwtAuthTest;

my @password = ('-v', 'password=standing-rows-password-1');
my $preload = "shared_preload_libraries = 'jwt_auth'\n";

my $node = PostgreSQL::Test::Cluster->new('primary');
$node->init(allows_streaming => 'logical');
$node->append_conf('postgresql.conf', $preload . "max_prepared_transactions = 2\n");
$node->start;
$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE app_user NOLOGIN;
SELECT jwt_auth.key_generate('HS256');
SET jwt_auth.bcrypt_cost = 4;
SELECT count(jwt_auth.user_create('u' || i, :'password', 'app_user')) FROM generate_series(1, 20) AS i;
CREATE TABLE tokens (name text PRIMARY KEY, access text NOT NULL, refresh text NOT NULL);
ALTER SYSTEM SET jwt_auth.bcrypt_cost = 4;
SELECT pg_reload_conf();
}, extra_params => \@password);

sub session
{
	my ($on) = @_;
	return psql_session($on, quiet => 1, extra_params => \@password);
}

# the index scans of sessions_pkey and users_pkey this backend has counted so far
my $reads = "(SELECT pg_stat_get_xact_numscans('jwt_auth.sessions_pkey'::regclass) "
  . "+ pg_stat_get_xact_numscans('jwt_auth.users_pkey'::regclass))";

# authenticate() the access token kept as $name, in a transaction of its own: "ok N" with N
# the rows it read, or "SQLSTATE detail" of its error
sub auth
{
	my ($s, $name) = @_;
	my ($out, $err) = run($s,
		    "BEGIN;\nSELECT $reads AS r0 \\gset\n"
		  . "SELECT jwt_auth.authenticate(access) IS NOT NULL FROM tokens WHERE name = '$name';\n"
		  . "RESET ROLE;\nSELECT $reads - :r0;\nCOMMIT;");
	return $err =~ /ERROR:  (\w+): [^\n]*\nDETAIL:  ([^\n]*)/ ? "$1 $2" : "error: $err"
	  if $err ne '';
	my @lines = split /\n/, $out;
	return "ok $lines[-1]";
}

my $admin = session($node);

# log user u$n in and keep its tokens as $name
sub login
{
	my ($name, $n) = @_;
	run_ok($admin,
		    "INSERT INTO tokens SELECT '$name', r->>'access_token', r->>'refresh_token' "
		  . "FROM jwt_auth.auth_login('u$n', :'password') AS r");
}

# the SQL that revokes the session of the token kept as $name
sub revoke_sql
{
	my ($name) = @_;
	return "UPDATE jwt_auth.sessions SET revoked_at = now(), revoked_reason = 'logout' "
	  . "WHERE id = ((jwt_auth.jwt_decode((SELECT access FROM tokens WHERE name = '$name'))).payload->>'sid')::uuid";
}

login("t$_", $_) for 1 .. 12;
my $app = session($node);

# --- kept, and read ---------------------------------------------------------------
is(auth($app, 't1'), 'ok 2', 'the first call reads the session and the user');
is(auth($app, 't1'), 'ok 0', 'the next call in the same session keeps both');
is(auth($app, 't1'), 'ok 0', 'and the one after');
my $other = session($node);
is(auth($other, 't1'), 'ok 2', 'another session reads them for itself');
run_ok($other, 'SET jwt_auth.token_cache_entries = 0');
is(auth($other, 't1'), 'ok 2', 'with jwt_auth.token_cache_entries = 0 every call reads them');
is(auth($other, 't1'), 'ok 2', 'again');

# --- changes committed elsewhere ----------------------------------------------------
run_ok($admin, "SELECT jwt_auth.auth_logout((SELECT refresh FROM tokens WHERE name = 't1'))");
is(auth($app, 't1'), '28000 The session is revoked.',
	'auth_logout committed in another session: refused at the next call');

is(auth($app, 't2'), 'ok 2', 't2: read');
run_ok($admin, "BEGIN; UPDATE jwt_auth.users SET disabled = true WHERE username = 'u2'");
is(auth($app, 't2'), 'ok 0', 'its user disabled but not committed: accepted, the rows kept');
run_ok($admin, 'ROLLBACK');
is(auth($app, 't2'), 'ok 0', 'rolled back: accepted, the rows still kept');
run_ok($admin, "UPDATE jwt_auth.users SET disabled = true WHERE username = 'u2'");
is(auth($app, 't2'), '28000 The user is disabled.', 'committed: refused at the next call');
run_ok($admin, "UPDATE jwt_auth.users SET disabled = false WHERE username = 'u2'");
is(auth($app, 't2'), 'ok 1', 'enabled again: accepted, the user read again, the session kept');

is(auth($app, 't3'), 'ok 2', 't3: read');
run_ok($admin, "UPDATE jwt_auth.users SET logout_before = now() + interval '1 minute' WHERE username = 'u3'");
like(auth($app, 't3'), qr/^28000 The token was issued before the user logged out everywhere/,
	'the user logged out everywhere (logout_before set): refused at the next call');

is(auth($app, 't4'), 'ok 2', 't4: read');
run_ok($admin,
	"INSERT INTO tokens SELECT 't4b', r->>'access_token', r->>'refresh_token' "
	  . "FROM jwt_auth.auth_refresh((SELECT refresh FROM tokens WHERE name = 't4')) AS r");
is(auth($app, 't4'), 'ok 1', 'one refresh: the token of the generation before still verifies, its session read again');
is(auth($app, 't4'), 'ok 0', 'and kept again');
run_ok($admin, "SELECT jwt_auth.auth_refresh((SELECT refresh FROM tokens WHERE name = 't4b')) IS NOT NULL");
like(auth($app, 't4'), qr/^28000 /, 'a second refresh: the token two generations back is refused at the next call');

is(auth($app, 't5'), 'ok 2', 't5: read');
run_ok($admin, "DELETE FROM jwt_auth.users WHERE username = 'u5'");
is(auth($app, 't5'), '28000 The session does not exist.', 'its user deleted (its sessions with it): refused');

# --- the transaction's own changes --------------------------------------------------
is(auth($app, 't6'), 'ok 2', 't6: read');
my ($out, $err) = run($app,
	"BEGIN;\n" . revoke_sql('t6') . ";\nSELECT jwt_auth.authenticate(access) IS NOT NULL FROM tokens WHERE name = 't6';");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  The session is revoked\./,
	'a transaction that revoked the session itself refuses the token before it commits');
run_ok($app, 'ROLLBACK');
is(auth($app, 't6'), 'ok 0', 'rolled back: accepted, the rows kept from before');
$out = run_ok($app,
	    "BEGIN;\nSAVEPOINT s;\n" . revoke_sql('t6') . ";\nROLLBACK TO SAVEPOINT s;\n"
	  . "SELECT jwt_auth.authenticate(access) IS NOT NULL FROM tokens WHERE name = 't6';\nRESET ROLE;\nCOMMIT;");
is($out, 't', 'revoked in a savepoint rolled back: accepted in the same transaction');
is(auth($app, 't6'), 'ok 1',
	'and after it; its session read again (a change rolled back to a savepoint still counts at commit)');

is(auth($app, 't7'), 'ok 2', 't7: read');
run_ok($app, 'BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM tokens');
run_ok($admin, revoke_sql('t7'));
($out, $err) = run($app, "SELECT jwt_auth.authenticate(access) IS NOT NULL FROM tokens WHERE name = 't7'");
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  The session is revoked\./,
	'a REPEATABLE READ transaction begun before the revocation refuses the token');
run_ok($app, 'ROLLBACK');

# --- the triggers -------------------------------------------------------------------
is(auth($app, 't8'), 'ok 2', 't8: read');
is(auth($app, 't8'), 'ok 0', 't8: kept');
run_ok($admin, 'ALTER TABLE jwt_auth.sessions DISABLE TRIGGER sessions_changed');
is(auth($app, 't8'), 'ok 2', 'sessions_changed disabled: nothing is kept');
is(auth($app, 't8'), 'ok 2', 'nothing at all');
run_ok($admin, revoke_sql('t8'));
is(auth($app, 't8'), '28000 The session is revoked.', 'and a revocation the trigger did not see is refused at once');
run_ok($admin, 'ALTER TABLE jwt_auth.sessions ENABLE TRIGGER sessions_changed');
is(auth($app, 't9'), 'ok 2', 'enabled, but not ALWAYS (a replication apply would not fire it): nothing kept');
is(auth($app, 't9'), 'ok 2', 'still nothing');
run_ok($admin, 'ALTER TABLE jwt_auth.sessions ENABLE ALWAYS TRIGGER sessions_changed');
is(auth($app, 't9'), 'ok 2', 'ALWAYS again: read');
is(auth($app, 't9'), 'ok 0', 'and kept');

# --- two-phase commit ---------------------------------------------------------------
run_ok($admin, "BEGIN;\n" . revoke_sql('t9') . ";\nPREPARE TRANSACTION 'revoke_t9';");
is(auth($app, 't9'), 'ok 2', 'a revocation prepared: accepted, and the rows read again');
run_ok($other, "COMMIT PREPARED 'revoke_t9'");
is(auth($app, 't9'), '28000 The session is revoked.', 'COMMIT PREPARED in a third session: refused at once');
is(auth($app, 't10'), 'ok 2', 'after a prepared change nothing is kept');
is(auth($app, 't10'), 'ok 2', 'nothing at all, until the server restarts');

$_->quit for $app, $other, $admin;
$node->restart;
$app = session($node);
$admin = session($node);
is(auth($app, 't10'), 'ok 2', 'restarted: read');
is(auth($app, 't10'), 'ok 0', 'and kept again');
run_ok($admin, "SET client_min_messages = warning; TRUNCATE jwt_auth.sessions CASCADE; RESET client_min_messages");
is(auth($app, 't10'), '28000 The session does not exist.', 'TRUNCATE of the sessions: refused at once');

# --- concurrent sessions -----------------------------------------------------------
# 8 pgbench clients authenticate one token over and over, each call noting when it started
# and whether it was accepted, while another session revokes the token's session: no call
# that started after the revocation's COMMIT returned may have been accepted.
login('c1', 13);
$node->safe_psql(
	'postgres', q{
CREATE TABLE outcomes (started timestamptz NOT NULL, accepted boolean NOT NULL);
CREATE FUNCTION try_auth() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    BEGIN
        PERFORM jwt_auth.authenticate((SELECT access FROM tokens WHERE name = 'c1'));
        RESET ROLE;
        INSERT INTO outcomes VALUES (t0, true);
    EXCEPTION WHEN invalid_authorization_specification THEN
        INSERT INTO outcomes VALUES (t0, false);
    END;
END
$$;
});
my $script = $node->basedir . '/try_auth.sql';
open(my $fh, '>', $script) or die "cannot write $script: $!";
print $fh "SELECT try_auth();\n";
close($fh);
my ($bench_out, $bench_err) = ('', '');
my $bench = IPC::Run::start(
	[
		'pgbench', '-n', '-c', '8', '-j', '2', '-T', '4', '-f', $script,
		'-h', $node->host, '-p', $node->port, 'postgres'
	],
	'>', \$bench_out, '2>', \$bench_err);
usleep(1_500_000);
my $before = run_ok($admin, 'SELECT clock_timestamp()');
run_ok($admin, revoke_sql('c1'));
my $after = run_ok($admin, 'SELECT clock_timestamp()');
$bench->finish;
like($bench_out, qr/number of failed transactions: 0 /, 'the 8 clients ran to the end');
my ($accepted_before, $accepted_after, $refused_calls) = split(
	/\|/,
	run_ok($admin,
		    "SELECT count(*) FILTER (WHERE accepted AND started < '$before'), "
		  . "count(*) FILTER (WHERE accepted AND started > '$after'), "
		  . "count(*) FILTER (WHERE NOT accepted) FROM outcomes"));
cmp_ok($accepted_before, '>', 100, "before the revocation the clients were accepted ($accepted_before calls)");
is($accepted_after, 0, 'no call that started after the revocation committed was accepted');
cmp_ok($refused_calls, '>', 100, "after it they were refused ($refused_calls calls)");

# --- a hot standby ------------------------------------------------------------------
login('s1', 11);
$node->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($node, 'base', has_streaming => 1);
$standby->append_conf('postgresql.conf', $preload);
$standby->start;
$node->wait_for_catchup($standby, 'replay');
my $reader = session($standby);
is(auth($reader, 's1'), 'ok 2', 'on a hot standby: read');
is(auth($reader, 's1'), 'ok 2', 'and read again: a standby keeps nothing (replay fires no trigger)');
run_ok($admin, revoke_sql('s1'));
$node->wait_for_catchup($standby, 'replay');
is(auth($reader, 's1'), '28000 The session is revoked.', 'a revocation replayed: refused on the standby');
$reader->quit;
$standby->stop;

# --- a logical subscriber -----------------------------------------------------------
login('l1', 12);
$node->safe_psql('postgres',
	'CREATE PUBLICATION standing FOR TABLE jwt_auth.keys, jwt_auth.users, jwt_auth.sessions, public.tokens');
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->append_conf('postgresql.conf', $preload);
$subscriber->start;
$subscriber->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE app_user NOLOGIN;
CREATE TABLE tokens (name text PRIMARY KEY, access text NOT NULL, refresh text NOT NULL);
});
$subscriber->safe_psql('postgres',
	"CREATE SUBSCRIPTION standing CONNECTION '" . $node->connstr . " dbname=postgres' PUBLICATION standing");
$subscriber->wait_for_subscription_sync($node, 'standing');
my $sub_app = session($subscriber);
is(auth($sub_app, 'l1'), 'ok 2', 'on a logical subscriber: read');
is(auth($sub_app, 'l1'), 'ok 0', 'and kept');
my $start = time;
run_ok($admin, "SELECT jwt_auth.auth_logout((SELECT refresh FROM tokens WHERE name = 'l1'))");
my $refused;
for (1 .. 1000)
{
	$refused = auth($sub_app, 'l1');
	last if $refused ne 'ok 0';
	usleep(10_000);
}
is($refused, '28000 The session is revoked.',
	'a logout on the publisher, applied: refused in the subscriber session that kept the rows');
note(sprintf('refused on the subscriber %.0f ms after the logout committed', 1000 * (time - $start)));

$sub_app->quit;
$admin->quit;
done_testing();
