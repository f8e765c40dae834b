# Every way a call of auth_login, auth_refresh or auth_logout can end
# before it commits, and what is left afterwards: nothing half-done.
#
# - lock_timeout, statement_timeout, pg_cancel_backend and
#   pg_terminate_backend while the call waits on a row that a holder
#   session has locked, in the middle of its writes: auth_refresh has
#   marked its token used and waits to update the session; auth_login has
#   checked the password and waits to update the user; a global
#   auth_logout has revoked the sessions and waits to update the user;
# - idle_in_transaction_session_timeout after the call, in a transaction
#   left open;
# - an ERROR at each write, raised by BEFORE triggers this test puts on
#   jwt_auth.users, sessions and refresh_tokens when test.fail names the
#   table and operation.
#
# After each: the refresh token is unused with no child (or used with its
# child stored), a session is never without its refresh token, a logout
# revoked everything it names or nothing, and the same token or password
# still works afterwards.
#
# Tokens are kept in the table tokens under a name; the password reaches
# the server as a psql variable.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my @password = ('-v', 'password=faulty-password-1');

my $node = PostgreSQL::Test::Cluster->new('faults');
$node->init;
$node->append_conf('postgresql.conf', "jwt_auth.bcrypt_cost = 4\n");
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SELECT jwt_auth.user_create('faulty', :'password');
SELECT jwt_auth.user_create('leaver', :'password');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
CREATE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('test.fail', true) = TG_TABLE_NAME || ':' || TG_OP THEN
        RAISE EXCEPTION 'injected fault at % of %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'XX000';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER inject_fault BEFORE INSERT OR UPDATE ON jwt_auth.users
    FOR EACH ROW EXECUTE FUNCTION inject_fault();
CREATE TRIGGER inject_fault BEFORE INSERT OR UPDATE ON jwt_auth.sessions
    FOR EACH ROW EXECUTE FUNCTION inject_fault();
CREATE TRIGGER inject_fault BEFORE INSERT OR UPDATE ON jwt_auth.refresh_tokens
    FOR EACH ROW EXECUTE FUNCTION inject_fault();
-- what must hold after every fault: each session has its first refresh
-- token, each used token its child, no unused token a child
CREATE FUNCTION half_done() RETURNS text LANGUAGE sql AS $$
SELECT concat_ws(', ',
    (SELECT count(*) || ' session(s) without a refresh token' FROM jwt_auth.sessions s
      WHERE NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens r WHERE r.session_id = s.id AND r.parent_id IS NULL)
     HAVING count(*) > 0),
    (SELECT count(*) || ' used token(s) without a child' FROM jwt_auth.refresh_tokens r
      WHERE r.used_at IS NOT NULL AND NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens c WHERE c.parent_id = r.id)
     HAVING count(*) > 0),
    (SELECT count(*) || ' unused token(s) with a child' FROM jwt_auth.refresh_tokens r
      WHERE r.used_at IS NULL AND EXISTS (SELECT FROM jwt_auth.refresh_tokens c WHERE c.parent_id = r.id)
     HAVING count(*) > 0))
$$;
}, extra_params => \@password);

my $admin = psql_session($node, quiet => 1, extra_params => \@password);

# The error text of SQL run in a session ('' if none).
sub err { my (undef, $e) = run(@_); return $e; }

sub token_sql { my ($name) = @_; return "(SELECT token FROM tokens WHERE name = '$name')"; }

sub login_sql
{
	my ($user, $name) = @_;
	return "INSERT INTO tokens SELECT '$name', jwt_auth.auth_login('$user', :'password')->>'refresh_token'";
}

sub refresh_sql
{
	my ($from, $to) = @_;
	return "INSERT INTO tokens SELECT '$to', jwt_auth.auth_refresh(" . token_sql($from) . ")->>'refresh_token'";
}

sub global_logout_sql
{
	my ($name) = @_;
	return "SELECT jwt_auth.auth_logout(" . token_sql($name) . ", 'global')";
}

sub token_row
{
	my ($name) = @_;
	return run_ok($admin,
		"SELECT r.id FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = '$name'");
}

sub session_of
{
	my ($name) = @_;
	return run_ok($admin, "SELECT session_id FROM jwt_auth.refresh_tokens WHERE id = '" . token_row($name) . "'");
}

# The state a fault must not change: the user's row, its sessions, their tokens.
sub snapshot
{
	my ($user) = @_;
	return run_ok($admin,
		"SELECT md5(concat_ws('|', (SELECT u::text FROM jwt_auth.users u WHERE username = '$user'), "
		  . "(SELECT string_agg(s::text, ',' ORDER BY s.id) FROM jwt_auth.sessions s "
		  . " JOIN jwt_auth.users u ON u.id = s.user_id WHERE u.username = '$user'), "
		  . "(SELECT string_agg(r::text, ',' ORDER BY r.id) FROM jwt_auth.refresh_tokens r "
		  . " JOIN jwt_auth.sessions s ON s.id = r.session_id JOIN jwt_auth.users u ON u.id = s.user_id "
		  . " WHERE u.username = '$user')))");
}

sub hold
{
	my ($lock_sql) = @_;
	my $holder = $node->background_psql('postgres');
	$holder->query_safe('BEGIN');
	$holder->query_safe($lock_sql);
	return $holder;
}

# Run $sql in a new session and end it by $how while it waits on the lock
# $holder holds; returns the error text ('' if none; 'terminated' when the
# backend was terminated and is gone).
sub interrupt
{
	my ($how, $sql, $written) = @_;
	my $s = psql_session($node, quiet => 1, extra_params => \@password);
	my $pid = run_ok($s, 'SELECT pg_backend_pid()');
	if ($how eq 'lock_timeout' || $how eq 'statement_timeout')
	{
		run_ok($s, "SET $how = '200ms'");
		my ($out, $err) = run($s, $sql);
		$s->quit;
		return $err;
	}
	if ($how eq 'idle_in_transaction_session_timeout')
	{
		run_ok($s, "SET $how = '200ms'");
		run_ok($s, 'BEGIN');
		my ($out, $err) = run($s, $sql);
		die "the call failed: $err" if $err ne '';
		$node->poll_query_until('postgres', "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid)")
		  or die 'the idle transaction was not ended';
		eval { $s->quit };
		my $log = slurp_file($node->logfile);
		return $log =~ /FATAL:  terminating connection due to idle-in-transaction timeout/ ? 'terminated' : '';
	}
	$s->{stderr} = '';
	$s->query_until(qr/waiting\n/, "\\echo waiting\n$sql;\n");
	$node->poll_query_until('postgres',
		"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid")
	  or die 'the call never waited on the lock';
	# midway: the call has already written to $written (its UPDATE holds the table's RowExclusiveLock)
	is( run_ok($admin,
			"SELECT count(*) FROM pg_locks WHERE pid = $pid AND relation = '$written'::regclass "
			  . "AND mode = 'RowExclusiveLock' AND granted"),
		'1', "$how: the waiting call has written to $written")
	  if $written;
	if ($how eq 'cancel')
	{
		run_ok($admin, "SELECT pg_cancel_backend($pid)");
		my $out = $s->query_until(qr/done\n/, "\\echo done\n\\warn done\n");
		pump_until($s->{run}, $s->{timeout}, \$s->{stderr}, qr/done\n/);
		my $err = $s->{stderr};
		$err =~ s/done\n//;
		$s->{stderr} = '';
		$s->quit;
		return $err;
	}
	run_ok($admin, "SELECT pg_terminate_backend($pid)");
	$node->poll_query_until('postgres', "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid)")
	  or die 'the backend was not terminated';
	eval { $s->quit };
	return 'terminated';
}

my %expect = (
	lock_timeout => qr/ERROR:  55P03: canceling statement due to lock timeout\n/,
	statement_timeout => qr/ERROR:  57014: canceling statement due to statement timeout\n/,
	cancel => qr/ERROR:  57014: canceling statement due to user request\n/,
	terminate => qr/^terminated$/,
	idle_in_transaction_session_timeout => qr/^terminated$/);

my @fault_table;
my $n = 0;

# --- timeouts, cancel and terminate in the middle of each call --------------
for my $how ('lock_timeout', 'statement_timeout', 'cancel', 'terminate', 'idle_in_transaction_session_timeout')
{
	my $idle = $how eq 'idle_in_transaction_session_timeout';
	$n++;

	# auth_login: the password checked, waiting to update the user
	my $before = snapshot('faulty');
	my $holder = $idle ? undef : hold("SELECT 1 FROM jwt_auth.users WHERE username = 'faulty' FOR UPDATE");
	like(interrupt($how, login_sql('faulty', "login$n")), $expect{$how}, "login, $how: the call ends");
	if ($holder) { $holder->query_safe('COMMIT'); $holder->quit; }
	is(snapshot('faulty'), $before, "login, $how: the user, its sessions and tokens are as before");
	is(run_ok($admin, 'SELECT half_done()'), '', "login, $how: nothing half-done");
	is(err($admin, login_sql('faulty', "login$n")), '', "login, $how: the password still logs in");
	push @fault_table, "auth_login   | $how | nothing kept; login works after";

	# auth_refresh: its token marked used, waiting to update the session
	my $sid = session_of("login$n");
	$before = snapshot('faulty');
	$holder = $idle ? undef : hold("SELECT 1 FROM jwt_auth.sessions WHERE id = '$sid' FOR UPDATE");
	like(interrupt($how, refresh_sql("login$n", "refresh$n"), 'jwt_auth.refresh_tokens'), $expect{$how}, "refresh, $how: the call ends");
	if ($holder) { $holder->query_safe('COMMIT'); $holder->quit; }
	is(snapshot('faulty'), $before, "refresh, $how: the token is unused, with no child; the session as before");
	is(run_ok($admin, 'SELECT half_done()'), '', "refresh, $how: nothing half-done");
	is(err($admin, refresh_sql("login$n", "refresh$n")), '', "refresh, $how: the same token refreshes afterwards");
	is(run_ok($admin, 'SELECT half_done()'), '', "refresh, $how: and then its child is stored");
	push @fault_table, "auth_refresh | $how | token unused, no child; refreshes after";

	# a global auth_logout: the sessions revoked, waiting to update the user
	run_ok($admin, login_sql('leaver', "leaver$n.$_")) for 1 .. 2;
	$before = snapshot('leaver');
	$holder = $idle ? undef : hold("SELECT 1 FROM jwt_auth.users WHERE username = 'leaver' FOR UPDATE");
	like(interrupt($how, global_logout_sql("leaver$n.1"), 'jwt_auth.sessions'), $expect{$how}, "global logout, $how: the call ends");
	if ($holder) { $holder->query_safe('COMMIT'); $holder->quit; }
	is(snapshot('leaver'), $before, "global logout, $how: no session revoked, logout_before as before");
	is(run_ok($admin, "SELECT count(*) FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id "
			  . "WHERE u.username = 'leaver' AND s.revoked_at IS NULL"),
		2 * $n, "global logout, $how: the user's sessions are all live");
	is(err($admin, refresh_sql("leaver$n.2", "leaver$n.3")), '', "global logout, $how: the user's tokens still refresh");
	push @fault_table, "auth_logout  | $how | nothing revoked; tokens work after";
}
is(err($admin, global_logout_sql("leaver$n.3")), '', 'a global logout without a fault succeeds');
is(run_ok($admin, "SELECT count(*) FROM jwt_auth.sessions s JOIN jwt_auth.users u ON u.id = s.user_id "
		  . "WHERE u.username = 'leaver' AND s.revoked_at IS NULL"),
	'0', 'and revokes every session of the user');

# --- an ERROR at each write -------------------------------------------------
my $injected = qr/ERROR:  XX000: injected fault at (\w+) of (\w+)\n/;
my $user = 'faulty';
for my $at ('users:UPDATE', 'sessions:INSERT', 'refresh_tokens:INSERT')
{
	$n++;
	my $before = snapshot($user);
	run_ok($admin, "SET test.fail = '$at'");
	like(err($admin, login_sql($user, "login$n")), $injected, "login, an error at $at: refused");
	run_ok($admin, 'RESET test.fail');
	is(snapshot($user), $before, "login, an error at $at: nothing kept");
	is(run_ok($admin, 'SELECT half_done()'), '', "login, an error at $at: nothing half-done");
	push @fault_table, "auth_login   | ERROR at $at | nothing kept";
}
is(err($admin, login_sql($user, 'fresh')), '', 'the password logs in once no fault is injected');
for my $at ('refresh_tokens:UPDATE', 'sessions:UPDATE', 'refresh_tokens:INSERT')
{
	my $before = snapshot($user);
	run_ok($admin, "SET test.fail = '$at'");
	like(err($admin, refresh_sql('fresh', "fresh.$at")), $injected, "refresh, an error at $at: refused");
	run_ok($admin, 'RESET test.fail');
	is(snapshot($user), $before, "refresh, an error at $at: the token is unused, with no child");
	is(run_ok($admin, 'SELECT half_done()'), '', "refresh, an error at $at: nothing half-done");
	push @fault_table, "auth_refresh | ERROR at $at | token unused, no child";
}
is(err($admin, refresh_sql('fresh', 'fresh.next')), '', 'the same token refreshes once no fault is injected');
is(run_ok($admin, 'SELECT half_done()'), '', 'and its child is stored');
run_ok($admin, login_sql('leaver', 'leaver.a'));
run_ok($admin, login_sql('leaver', 'leaver.b'));
for my $case (['local', 'sessions:UPDATE'], ['global', 'sessions:UPDATE'], ['global', 'users:UPDATE'])
{
	my ($scope, $at) = @$case;
	my $before = snapshot('leaver');
	run_ok($admin, "SET test.fail = '$at'");
	like(err($admin, "SELECT jwt_auth.auth_logout(" . token_sql('leaver.a') . ", '$scope')"),
		$injected, "$scope logout, an error at $at: refused");
	run_ok($admin, 'RESET test.fail');
	is(snapshot('leaver'), $before, "$scope logout, an error at $at: nothing revoked");
	push @fault_table, "auth_logout  | ERROR at $at ($scope) | nothing revoked";
}
is(err($admin, "SELECT jwt_auth.auth_logout(" . token_sql('leaver.a') . ")"), '', 'a local logout without a fault succeeds');
is( run_ok($admin, "SELECT s.revoked_reason FROM jwt_auth.sessions s WHERE s.id = '" . session_of('leaver.a') . "'"),
	'logout', 'and revokes the session');
is(run_ok($admin, 'SELECT half_done()'), '', 'at the end, nothing half-done');

note 'fault table:';
note "  $_" for @fault_table;

$admin->quit;
$node->stop;
done_testing();
