# Crash recovery: a backend doing auth_login, auth_refresh or auth_logout
# is killed with SIGKILL (not pg_terminate_backend, which is SIGTERM), so
# the postmaster resets the whole cluster and replays the WAL
# (restart_after_crash = on). After each crash the auth tables must hold:
#
#  - every refresh token the client held works exactly once (its first
#    auth_refresh gives a pair, the same token again is refused), and every
#    token it gave up (logged out, or rotated) is refused, twice alike;
#  - no half-rotation: a used token has a child, as the rotation is one
#    transaction;
#  - no orphan: every refresh token's session exists, every session's user
#    exists, every session has a token; no live session the client does not
#    hold (a login that did not commit left nothing behind);
#  - no user or key lost or changed;
#  - a transaction killed before its COMMIT left no trace at all.
#
# Four kinds of iteration, each JWT_AUTH_CRASH_ITERATIONS times (default 30,
# fewer if the default run passes 100 s):
# "login", "refresh" and "logout" run the call in a transaction that then
# sleeps, and are killed in the sleep, after the call, before the COMMIT;
# "random" runs a stream of short login, refresh and logout transactions
# and is killed at a random moment, which may fall in a call, a COMMIT or
# between transactions. JWT_AUTH_CRASH_SEED replays a run's random choices.
#
# The client is the table "held": one refresh token per slot, each updated
# in the very transaction that rotated it, so it holds a token exactly when
# that transaction committed, like a client that got its answer. Tokens and
# passwords stay in the server's tables; the SQL the test sends names them.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

# 30 rounds (one iteration of each kind) by default, but no new round after
# 100 s, so that a slow or busy machine stays near two minutes; a number
# of rounds asked for in JWT_AUTH_CRASH_ITERATIONS is run whatever the time
my $per_kind = $ENV{JWT_AUTH_CRASH_ITERATIONS} // 30;
my $budget = defined $ENV{JWT_AUTH_CRASH_ITERATIONS} ? undef : 100;
my $seed = $ENV{JWT_AUTH_CRASH_SEED} // (time() ^ $$) & 0x7fffffff;
srand($seed);
note "random seed $seed (JWT_AUTH_CRASH_SEED replays it)";

my $slots = 4;    # tokens the client holds at the start of an iteration
my $users = 8;
my $password = join '', map { ('a' .. 'z', 'A' .. 'Z', 0 .. 9)[ int rand 62 ] } 1 .. 24;

# psql reads it from its environment (\getenv), so that no command line holds it
$ENV{JWT_AUTH_TEST_PASSWORD} = $password;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
restart_after_crash = on
log_statement = 'none'
log_min_error_statement = 'panic'
jwt_auth.bcrypt_cost = 4
# a used token presented again is always reuse: refused, its session revoked
jwt_auth.refresh_reuse_interval = 0
});
$node->start;

$node->safe_psql(
	'postgres', qq{
\\getenv password JWT_AUTH_TEST_PASSWORD
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256', 'crash-hs256');
SELECT jwt_auth.key_generate('ES256', 'crash-es256');   -- active; the HS256 key retires
CREATE TABLE creds (username text PRIMARY KEY, password text NOT NULL);
INSERT INTO creds SELECT 'user' || i, :'password' || i FROM generate_series(1, $users) i;
SELECT count(jwt_auth.user_create(username, password)) FROM creds;

-- what the client holds, and what it gave up (in the same transactions)
CREATE TABLE held (slot int PRIMARY KEY, username text NOT NULL, token text NOT NULL);
CREATE TABLE spent (iteration int, slot int, token text);
CREATE TABLE logged_out (iteration int, slot int, token text);

-- users and keys as they must stay
CREATE TABLE users_before AS
    SELECT id, username, password_hash, role, claims, disabled FROM jwt_auth.users;
CREATE TABLE keys_before AS
    SELECT kid, alg, status, md5(private_key) AS private_md5, public_jwk FROM jwt_auth.keys;

-- the state a transaction killed before COMMIT must leave as it was
CREATE VIEW state AS SELECT
    (SELECT count(*) FROM jwt_auth.sessions) AS sessions,
    (SELECT count(*) FROM jwt_auth.sessions WHERE revoked_at IS NOT NULL) AS revoked,
    (SELECT count(*) FROM jwt_auth.refresh_tokens) AS tokens,
    (SELECT count(*) FROM jwt_auth.refresh_tokens WHERE used_at IS NOT NULL) AS used,
    (SELECT md5(string_agg(slot || ':' || token, ',' ORDER BY slot)) FROM held) AS held,
    (SELECT count(*) FROM spent) AS spent,
    (SELECT count(*) FROM logged_out) AS logged_out;
CREATE TABLE state_before AS SELECT * FROM state WITH NO DATA;

-- auth_refresh's outcome without ending the transaction: ok and the new
-- refresh token, or the SQLSTATE and the error's detail
CREATE FUNCTION try_refresh(tok text, OUT outcome text, OUT token text, OUT detail text)
LANGUAGE plpgsql AS \$\$
BEGIN
    token := jwt_auth.auth_refresh(tok)->>'refresh_token';
    outcome := 'ok';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS outcome = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
END
\$\$;
CREATE TABLE rotated (slot int, old_token text, new_token text, outcome text, detail text);
CREATE TABLE outcomes (iteration int, kind text, step text, outcome text, detail text);
});

# --- the client's transactions -------------------------------------------

# Log in again as the slot's user; the slot holds the new refresh token.
sub relogin_sql
{
	my ($slot) = @_;
	return "UPDATE held h SET token = jwt_auth.auth_login(c.username, c.password)->>'refresh_token' "
	  . "FROM creds c WHERE h.slot = $slot AND c.username = h.username;\n";
}

# The body of one transaction of the given operation, in iteration $it.
sub operation_sql
{
	my ($op, $it) = @_;
	my $slot = 1 + int rand $slots;
	if ($op eq 'refresh')
	{
		return "INSERT INTO spent SELECT $it, slot, token FROM held WHERE slot = $slot;\n"
		  . "UPDATE held SET token = jwt_auth.auth_refresh(token)->>'refresh_token' WHERE slot = $slot;\n";
	}
	elsif ($op eq 'logout')
	{
		# log out, then back in, so that the slot holds a live token again
		return "INSERT INTO logged_out SELECT $it, slot, token FROM held WHERE slot = $slot;\n"
		  . "SELECT jwt_auth.auth_logout(token) FROM held WHERE slot = $slot;\n"
		  . relogin_sql($slot);
	}
	else
	{
		# a new slot: another session of a user, held by the client
		my $user = 'user' . (1 + int rand $users);
		return "INSERT INTO held SELECT (SELECT max(slot) + 1 FROM held), username, "
		  . "jwt_auth.auth_login(username, password)->>'refresh_token' FROM creds WHERE username = '$user';\n";
	}
}

# The client's script for one iteration of a kind.
sub script
{
	my ($kind, $it) = @_;
	if ($kind ne 'random')
	{
		return "BEGIN;\n" . operation_sql($kind, $it) . "SELECT pg_sleep(60);\nCOMMIT;\n";
	}
	# far more than can run before the kill; each transaction may pause
	my $sql = '';
	for (1 .. 3000)
	{
		my $op = (qw(refresh refresh refresh refresh refresh login logout logout))[ int rand 8 ];
		$sql .= "BEGIN;\n" . operation_sql($op, $it);
		$sql .= sprintf("SELECT pg_sleep(%.3f);\n", rand 0.005) if rand() < 0.2;
		$sql .= "COMMIT;\n";
	}
	return $sql;
}

# --- one iteration -------------------------------------------------------

my $script_file = "${PostgreSQL::Test::Utils::tmp_check}/crash_client.sql";
my $crashes = 0;
my %crashes_by_kind;
my %moments;       # where the client was last seen before its kill => count
my %violations;    # invariant => [ "kind #iteration: detail", ... ]

sub violation
{
	my ($invariant, $where, $detail) = @_;
	push @{ $violations{$invariant} }, "$where: $detail";
}

# A psql session of the test's own: its answers, quietly (BackgroundPsql
# notes every query and result). A crash ends it; open a new one after.
sub session_open
{
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (1)
	{
		my $s = { in => '', out => '', err => '', n => 0,
			timeout => IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default) };
		$s->{run} = IPC::Run::start(
			[ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=0', '-d', $node->connstr('postgres') ],
			'<', \$s->{in}, '>', \$s->{out}, '2>', \$s->{err}, $s->{timeout});
		my $ok = eval { query('SELECT 1', $s) eq '1' };
		return $s if $ok;
		eval { $s->{run}->kill_kill };
		die "no connection to the server: $s->{err}" if time() > $deadline;
		sleep 0.02;
	}
}

sub session_close
{
	my ($s) = @_;
	$s->{in} .= "\\q\n";
	$s->{run}->finish;
}

my $session;    # the test's session, between two crashes

# The answer to SQL that must succeed, one row per line, in the test's
# session (or the one given).
sub query
{
	my ($sql, $s) = @_;
	$s //= $session;
	my $n = ++$s->{n};
	$s->{out} = $s->{err} = '';
	$s->{in} .= "$sql\n;\n\\echo done-$n\n\\warn done-$n\n";
	$s->{timeout}->start($PostgreSQL::Test::Utils::timeout_default);
	$s->{run}->pump until $s->{out} =~ /^done-$n\n/m && $s->{err} =~ /^done-$n\n/m;
	(my $out = $s->{out}) =~ s/^done-$n\n//m;
	(my $err = $s->{err}) =~ s/^done-$n\n//m;
	die "query failed: $err" if $err =~ /ERROR|FATAL/;
	chomp $out;
	return $out;
}

# Wait until the client's backend shows up (in its sleep, when asked); its pid.
sub client_backend
{
	my ($in_sleep) = @_;
	my $cond = "application_name = 'crash_client'";
	$cond .= " AND wait_event = 'PgSleep'" if $in_sleep;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (time() < $deadline)
	{
		my $pid = query("SELECT pid FROM pg_stat_activity WHERE $cond");
		return $pid if $pid ne '';
		sleep 0.005;
	}
	die "the client's backend did not show up" . ($in_sleep ? ' in its sleep' : '');
}

# Wait until the log, from $offset on, says the server accepts connections again.
sub wait_until_ready
{
	my ($offset) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	until (slurp_file($node->logfile, $offset) =~ /database system is ready to accept connections/)
	{
		die 'the cluster did not come back after the crash' if time() > $deadline;
		sleep 0.01;
	}
}

sub iteration
{
	my ($kind, $it) = @_;
	my $where = "$kind #$it";

	# a fresh start: the client holds one token of each of $slots sessions
	query("SELECT jwt_auth.purge_expired();\n"
		  . "TRUNCATE held, rotated;\n"
		  . "INSERT INTO held SELECT i, 'user' || i, '' FROM generate_series(1, $slots) i;\n"
		  . join('', map { relogin_sql($_) } 1 .. $slots)
		  . "TRUNCATE state_before; INSERT INTO state_before SELECT * FROM state;");

	open my $fh, '>', $script_file or die "cannot write $script_file: $!";
	print $fh script($kind, $it);
	close $fh;

	my ($out, $err) = ('', '');
	my $client = IPC::Run::start(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=0', '-f', $script_file,
			'-d', $node->connstr('postgres') . ' application_name=crash_client'
		],
		'>', \$out, '2>', \$err);

	my $pid;
	if ($kind eq 'random')
	{
		$pid = client_backend(0);
		sleep(0.02 + rand 0.3);
	}
	else
	{
		$pid = client_backend(1);
		sleep(rand 0.05);
	}
	# what the backend was doing just before a random kill (it may have moved on)
	my ($state, $sql) = split /\|/, query(
		"SELECT state, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_activity WHERE pid = $pid"), 2;
	my ($what) = ($sql // '') =~ /(auth_\w+|pg_sleep|COMMIT|BEGIN)/;
	$moments{ ($state // 'gone') . ($state && $state eq 'active' ? ': ' . ($what // 'other') : '') }++
	  if $kind eq 'random';
	session_close($session);
	my $log_offset = -s $node->logfile;
	kill 'KILL', $pid or die "could not send SIGKILL to backend $pid: $!";
	$client->finish;    # psql ends when the server goes away (exit status 2)
	wait_until_ready($log_offset);
	$session = session_open();
	die 'the server is still in recovery' if query('SELECT pg_is_in_recovery()') ne 'f';
	my $log = slurp_file($node->logfile, $log_offset);
	if ($log =~ /server process \(PID $pid\) was terminated by signal 9/
		&& $log =~ /all server processes terminated; reinitializing/
		&& $log =~ /automatic recovery in progress/)
	{
		$crashes++;
		$crashes_by_kind{$kind}++;
	}
	else
	{
		violation('crash', $where, 'the SIGKILL did not lead to crash recovery');
	}
	violation('client', $where, "the client's script failed before the kill: $err")
	  if $err =~ /ERROR/;

	# --- the tables, read after recovery ---
	my %count = split /[|\n]/, query(
		q{
SELECT 'half_rotations', count(*) FROM jwt_auth.refresh_tokens r
 WHERE r.used_at IS NOT NULL
   AND NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens c WHERE c.parent_id = r.id)
UNION ALL
SELECT 'orphan_tokens', count(*) FROM jwt_auth.refresh_tokens r
 WHERE NOT EXISTS (SELECT FROM jwt_auth.sessions s WHERE s.id = r.session_id)
    OR (r.parent_id IS NOT NULL
        AND NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens p WHERE p.id = r.parent_id))
UNION ALL
SELECT 'orphan_sessions', count(*) FROM jwt_auth.sessions s
 WHERE NOT EXISTS (SELECT FROM jwt_auth.users u WHERE u.id = s.user_id)
    OR NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens r WHERE r.session_id = s.id)
UNION ALL
-- every held token is in the table, unused, of a live session
SELECT 'held_not_live', count(*) FROM held h
 WHERE NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens r JOIN jwt_auth.sessions s ON s.id = r.session_id
                    WHERE r.token_hash = jwt_auth._refresh_token_hash(h.token)
                      AND r.used_at IS NULL AND s.revoked_at IS NULL)
UNION ALL
-- every live session is one the client holds, by exactly one unused token
SELECT 'live_not_held', count(*) FROM jwt_auth.sessions s
 WHERE s.revoked_at IS NULL
   AND ((SELECT count(*) FROM jwt_auth.refresh_tokens r WHERE r.session_id = s.id AND r.used_at IS NULL) <> 1
        OR NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens r JOIN held h
                         ON r.token_hash = jwt_auth._refresh_token_hash(h.token)
                        WHERE r.session_id = s.id))
UNION ALL
SELECT 'users_changed', count(*) FROM (
    (SELECT id, username, password_hash, role, claims, disabled FROM jwt_auth.users
     EXCEPT SELECT * FROM users_before)
    UNION ALL
    (SELECT * FROM users_before
     EXCEPT SELECT id, username, password_hash, role, claims, disabled FROM jwt_auth.users)) x
UNION ALL
SELECT 'keys_changed', count(*) FROM (
    (SELECT kid, alg, status, md5(private_key), public_jwk FROM jwt_auth.keys EXCEPT SELECT * FROM keys_before)
    UNION ALL
    (SELECT * FROM keys_before EXCEPT SELECT kid, alg, status, md5(private_key), public_jwk FROM jwt_auth.keys)) x
UNION ALL
SELECT 'state_changed', count(*) FROM (
    (SELECT * FROM state EXCEPT SELECT * FROM state_before)
    UNION ALL (SELECT * FROM state_before EXCEPT SELECT * FROM state)) x
UNION ALL
SELECT 'held', count(*) FROM held
UNION ALL
SELECT 'spent', count(*) FROM spent WHERE iteration = } . $it . q{
UNION ALL
SELECT 'logged_out', count(*) FROM logged_out WHERE iteration = } . $it);

	for my $inv (qw(half_rotations orphan_tokens orphan_sessions held_not_live live_not_held
		users_changed keys_changed))
	{
		violation($inv, $where, "$count{$inv} rows") if $count{$inv} != 0;
	}
	# a transaction killed in its sleep, before COMMIT, left nothing behind
	violation('rolled_back', $where, "$count{state_changed} differences from before")
	  if $kind ne 'random' && $count{state_changed} != 0;
	note "$where: the client holds $count{held} tokens, "
	  . "gave up $count{spent} by rotation and $count{logged_out} by logout";

	# --- the tokens, presented after recovery ---
	# each held token: a pair the first time; the same token again is reuse
	# (refused, the session revoked), and so the new token is refused too
	query(
		qq{
INSERT INTO rotated SELECT h.slot, h.token, r.token, r.outcome, r.detail FROM held h, try_refresh(h.token) r;
INSERT INTO outcomes SELECT $it, '$kind', 'held, first use', outcome, detail FROM rotated;
INSERT INTO outcomes SELECT $it, '$kind', 'held, second use', r.outcome, r.detail
  FROM rotated x, try_refresh(x.old_token) r;
INSERT INTO outcomes SELECT $it, '$kind', 'held, its child', r.outcome, r.detail
  FROM rotated x, try_refresh(x.new_token) r WHERE x.new_token IS NOT NULL;
INSERT INTO outcomes SELECT $it, '$kind', 'logged out, first use', r.outcome, r.detail
  FROM logged_out x, try_refresh(x.token) r WHERE x.iteration = $it;
INSERT INTO outcomes SELECT $it, '$kind', 'logged out, second use', r.outcome, r.detail
  FROM logged_out x, try_refresh(x.token) r WHERE x.iteration = $it;
INSERT INTO outcomes SELECT $it, '$kind', 'rotated, first use', r.outcome, r.detail
  FROM (SELECT token FROM spent WHERE iteration = $it ORDER BY random() LIMIT 40) x, try_refresh(x.token) r;
});
	my @wrong = split /\n/, query(
		qq{
SELECT step || ': ' || outcome || ' ' || coalesce(detail, '') || ' (' || count(*) || ')'
  FROM outcomes
 WHERE iteration = $it AND kind = '$kind'
   AND outcome <> CASE step WHEN 'held, first use' THEN 'ok' ELSE '28000' END
 GROUP BY step, outcome, detail});
	violation('tokens', $where, $_) for @wrong;
	return;
}

my @kinds = qw(refresh login logout random);
my $started = time();
$session = session_open();
my $rounds = 0;
for my $it (1 .. $per_kind)
{
	if (defined $budget && time() - $started > $budget)
	{
		note "no new round after ${budget}s: $rounds rounds of $per_kind";
		last;
	}
	iteration($_, $it) for @kinds;
	$rounds++;
}
$per_kind = $rounds;
my $iterations = $per_kind * @kinds;
note sprintf('%d iterations, %d crashes with recovery, in %.0f s', $iterations, $crashes, time() - $started);
note "the client's backend, last seen before a random kill: "
  . join(', ', map { "$_ ($moments{$_})" } sort keys %moments);

# --- results ---------------------------------------------------------------

sub no_violation
{
	my ($invariant, $name) = @_;
	my $v = $violations{$invariant} // [];
	ok(!@$v, $name) or diag join "\n", @$v[ 0 .. ($#$v < 9 ? $#$v : 9) ];
}

is($crashes, $iterations, "each of the $iterations SIGKILLs ($per_kind per kind) led to crash recovery");
is($crashes_by_kind{$_} // 0, $per_kind, "$per_kind crashes while a client was in $_") for @kinds;
no_violation('crash', 'the log shows each crash and its recovery');
no_violation('client', 'the client\'s transactions ran without error until killed');

my %outcome = split /[|\n]/, query(
	q{SELECT step || ' ' || outcome, count(*) FROM outcomes GROUP BY step, outcome});
cmp_ok($outcome{'held, first use ok'} // 0, '>=', $iterations * $slots,
	'the held tokens were presented after the crashes (' . ($outcome{'held, first use ok'} // 0) . ' of them)');
cmp_ok($outcome{'rotated, first use 28000'} // 0, '>', 0,
	'tokens the client had rotated were presented after the crashes ('
	  . ($outcome{'rotated, first use 28000'} // 0) . ')');
cmp_ok($outcome{'logged out, first use 28000'} // 0, '>', 0,
	'tokens the client had logged out were presented after the crashes ('
	  . ($outcome{'logged out, first use 28000'} // 0) . ')');
no_violation('tokens',
	'every held token works exactly once (then the same token is refused: 28000), and every token '
	  . 'given up by rotation or logout is refused (28000), twice alike');
no_violation('half_rotations', 'no used refresh token without a child: no half-done rotation');
no_violation('orphan_tokens', 'every refresh token\'s session (and parent token) exists');
no_violation('orphan_sessions', 'every session\'s user exists, and every session has a refresh token');
no_violation('held_not_live', 'every refresh token the client holds is stored, unused, of a live session');
no_violation('live_not_held', 'every live session is held by the client through exactly one unused token');
no_violation('users_changed', 'no user row lost or changed');
no_violation('keys_changed', 'no key row lost or changed (kid, alg, status, private material)');
no_violation('rolled_back',
	'a login, refresh or logout killed before its COMMIT left the tables exactly as they were');

session_close($session);
$node->stop;
done_testing();
