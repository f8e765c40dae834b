# Login throttling, with jwt_auth in shared_preload_libraries: failed
# logins are counted per username and per client address (TCP only; a
# Unix-socket connection has no address). Over a limit, auth_login fails
# at once with the same 28P01 as a wrong password, and no bcrypt work;
# auth_unlock clears a username; the lockout ends after lockout_time.
# A collation the caller brings changes neither which user a name finds
# nor which counter counts it. Without preloading there is no throttling,
# and jwt_auth.throttle says so.
#
# Passwords reach the server as psql variables set on psql's command line
# (:'right', :'wrong'), so the SQL the test log shows does not hold them,
# and the sessions keep them out of the server log.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;
use Time::HiRes qw(time sleep);

my @passwords = ('-v', 'right=throttle-password-1', '-v', 'wrong=not-the-password');

my $node = PostgreSQL::Test::Cluster->new('throttle');
$node->init;
$node->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'jwt_auth'
listen_addresses = '127.0.0.1'
track_functions = 'all'
jwt_auth.bcrypt_cost = 4
jwt_auth.max_failed_logins = 3
jwt_auth.max_failed_logins_per_address = 5
jwt_auth.lockout_time = '1h'
});
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SELECT jwt_auth.user_create(name, :'right') FROM unnest(ARRAY[
    'account1', 'account2', 'account3', 'account4', 'account5', 'account6', 'account7']) AS name;
CREATE ROLE throttle_guesser LOGIN;
}, extra_params => \@passwords);

# A session over the Unix socket, or over TCP to 127.0.0.1 (PGHOSTADDR
# overrides the socket directory the framework puts in host). Errors do not
# end it; VERBOSITY verbose puts the SQLSTATE in each error.
sub session
{
	my ($cluster, $tcp) = @_;
	local $ENV{PGHOSTADDR} = '127.0.0.1' if $tcp;
	return psql_session($cluster, extra_params => \@passwords, quiet => 1);
}

# auth_login in a session with the right or the wrong password: 'ok' when
# it returned an access token, the SQLSTATE of its error otherwise.
sub login
{
	my ($session, $username, $which) = @_;
	return login_as($session, "'$username'", $which);
}

# The same, with the username as an SQL expression (e.g. one with COLLATE).
sub login_as
{
	my ($session, $username, $which) = @_;
	my ($out, $err) = run($session,
		"SELECT jwt_auth.auth_login($username, :'$which') ? 'access_token'");
	return 'ok' if $err eq '' && $out eq 't';
	return $1 if $err =~ /ERROR:  ([0-9A-Z]{5}): invalid username or password\n/;
	die "auth_login failed in an unexpected way: $err";
}

# How often a session has hashed a password (jwt_auth._password_verify or _password_new) so far. A forced
# flush makes its own calls visible in pg_stat_user_functions at once.
sub crypt_calls
{
	my ($session) = @_;
	run_ok($session, 'SELECT pg_stat_force_next_flush()');
	return run_ok($session,
		"SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions "
		  . "WHERE schemaname = 'jwt_auth' AND funcname IN ('_password_verify', '_password_new')");
}

# The throttle view as "enabled counters locked".
sub throttle
{
	my ($session) = @_;
	return run_ok($session,
		"SELECT concat_ws(' ', enabled, counters, locked) FROM jwt_auth.throttle");
}

my $unix = session($node, 0);
my $tcp = session($node, 1);
is(run_ok($unix, 'SELECT inet_client_addr() IS NULL'), 't', 'one session is on the Unix socket');
is(run_ok($tcp, 'SELECT host(inet_client_addr())'), '127.0.0.1', 'the other is on TCP, from 127.0.0.1');

is( run_ok($unix,
		"SELECT concat_ws(' ', enabled, max_failed_logins, max_failed_logins_per_address, lockout_time) "
		  . "FROM jwt_auth.throttle"),
	't 3 5 01:00:00', 'the throttle view shows throttling on, with its limits');

# --- per username (over the Unix socket: no address is counted) -----------

is(login($unix, 'account1', 'right'), 'ok', 'the right password logs in');
is( join(' ', map { login($unix, 'account1', 'wrong') } 1 .. 3),
	'28P01 28P01 28P01', 'three wrong passwords fail with 28P01');
is(throttle($unix), 't 1 1', 'the view shows one counter, locked (the username\'s; no address)');

my $crypt_before = crypt_calls($unix);
my $logins_before = run_ok($unix,
	"SELECT concat_ws(' ', u.last_login_at, md5(u.password_hash), count(s.id)) FROM jwt_auth.users u "
	  . "LEFT JOIN jwt_auth.sessions s ON s.user_id = u.id WHERE u.username = 'account1' "
	  . "GROUP BY u.id");
is(login($unix, 'account1', 'right'), '28P01',
	'the fourth attempt, with the right password, fails with 28P01: locked');
is(login($unix, 'ACCOUNT1', 'right'), '28P01', 'the lock holds for the username in any case');
is(login($unix, 'account1', 'wrong'), '28P01', 'a wrong password fails as well');
is(crypt_calls($unix), $crypt_before, 'the locked attempts did no bcrypt work');
is( run_ok($unix,
		"SELECT concat_ws(' ', u.last_login_at, md5(u.password_hash), count(s.id)) FROM jwt_auth.users u "
		  . "LEFT JOIN jwt_auth.sessions s ON s.user_id = u.id WHERE u.username = 'account1' "
		  . "GROUP BY u.id"),
	$logins_before, 'and changed nothing: no last login, no new hash, no session');
is(throttle($unix), 't 1 1', 'nor did they add a counter');

is(login($unix, 'account2', 'right'), 'ok', 'another username logs in meanwhile');
is(crypt_calls($unix), $crypt_before + 1, 'with one bcrypt (what the count above would have seen)');

run_ok($unix, "SELECT jwt_auth.auth_unlock('account1')");
is(throttle($unix), 't 0 0', 'auth_unlock clears the username\'s counter');
is(login($unix, 'account1', 'right'), 'ok', 'after auth_unlock the right password logs in again');

is( join(' ',
		map { login($unix, 'account1', $_) } qw(wrong wrong right wrong wrong right)),
	'28P01 28P01 ok 28P01 28P01 ok',
	'a good login clears the count: two failures, a login, two failures, a login');

# --- a collation the caller brings -------------------------------------------
#
# Any role can create a nondeterministic collation in pg_temp. Under this
# one (case- and accent-insensitive) 'áccount7' equals 'account7': a lookup
# made under it would find account7 while the throttle counted another
# name, so guesses would never lock it, and a locked account would log in.
# Usernames are compared under the database's collation, and counted for
# the user found.

my $guesser = session($node, 0);
run_ok($guesser, 'SET SESSION AUTHORIZATION throttle_guesser');
run_ok($guesser,
	"CREATE COLLATION pg_temp.ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)");
is( run_ok($guesser, "SELECT current_user || ' ' || ('áccount7' = 'account7' COLLATE pg_temp.ci)"),
	'throttle_guesser true',
	'an ordinary role makes a collation under which áccount7 equals account7');
is(login_as($guesser, "'áccount7' COLLATE pg_temp.ci", 'right'), '28P01',
	'áccount7 under that collation, with account7\'s password, does not log in as account7');
is(login_as($guesser, "'ACCOUNT7' COLLATE pg_temp.ci", 'right'), 'ok',
	'ACCOUNT7 under it logs in (usernames are case-insensitive, by the database\'s rules)');
is( join(' ',
		login_as($guesser, "'ACCOUNT7' COLLATE pg_temp.ci", 'wrong'),
		login_as($guesser, "'Account7' COLLATE \"C\"",    'wrong'),
		login($guesser, 'account7', 'wrong')),
	'28P01 28P01 28P01', 'three wrong passwords for account7, spelled three ways');
is(throttle($unix), 't 2 1',
	'they count on one counter, now locked (the other counts áccount7, which names no user)');
is( join(' ', map { login_as($guesser, "'$_' COLLATE pg_temp.ci", 'right') } qw(áccount7 ÀCCOUNT7 account7)),
	'28P01 28P01 28P01', 'the right password fails under the collation, however it is spelled: locked');
is(login($unix, 'account7', 'right'), '28P01', 'and without it');
run_ok($unix, "SELECT jwt_auth.auth_unlock(name) FROM unnest(ARRAY['account7', 'áccount7', 'ÀCCOUNT7']) AS name");
is(throttle($unix), 't 0 0', 'auth_unlock clears the three names\' counters');
is(login_as($guesser, "'account7' COLLATE pg_temp.ci", 'right'), 'ok', 'and account7 logs in again');
$guesser->quit;

# Concurrent guesses: twelve sessions wait on an advisory lock, then each
# tries one wrong password for the same (unknown) username, with bcrypt
# cost 10 for the work done on an unknown username. Only the first
# max_failed_logins of them should get as far as bcrypt.
my $guessers = 12;
my @guesser = map { session($node, 0) } 1 .. $guessers;
run_ok($_, 'SET jwt_auth.bcrypt_cost = 10') for @guesser;
run_ok($unix, 'SELECT pg_advisory_lock(3)');
for my $g (@guesser)
{
	$g->query_until(qr/guessing\n/,
		"\\echo guessing\nSELECT pg_advisory_lock_shared(3);\n"
		  . "SELECT jwt_auth.auth_login('nobody-concurrent', :'wrong');\n"
		  . "SELECT pg_stat_force_next_flush();\n");
}
$node->poll_query_until('postgres',
	"SELECT count(*) = $guessers FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
  or die 'the guessers did not all wait on the advisory lock';
$crypt_before = crypt_calls($unix);
run_ok($unix, 'SELECT pg_advisory_unlock(3)');
my $failed = 0;
for my $g (@guesser)
{
	$g->query_until(qr/guessed\n/, "\\echo guessed\n\\warn guessed\n");
	pump_until($g->{run}, $g->{timeout}, \$g->{stderr}, qr/guessed\n/);
	$failed++ if $g->{stderr} =~ /ERROR:  28P01: invalid username or password\n/;
	$g->quit;
}
is($failed, $guessers, "$guessers concurrent guesses for one username all fail with 28P01");
my $bcrypts = crypt_calls($unix) - $crypt_before;
note "$bcrypts of the $guessers concurrent guesses did bcrypt work";
# attempts are counted before the bcrypt work, so guesses sent together cannot all pass
cmp_ok($bcrypts, '<=', 3, 'at most max_failed_logins (3) of them do bcrypt work');
run_ok($unix, "SELECT jwt_auth.auth_unlock('nobody-concurrent')");

# Unix-socket failures are not counted per address: more than
# max_failed_logins_per_address of them, each for another username.
is( join(' ', map { login($unix, "nobody$_", 'wrong') } 1 .. 7),
	join(' ', ('28P01') x 7), 'seven failed logins over the Unix socket, each for another username');
is(throttle($unix), 't 7 0',
	'they make one counter per username, none locked, none for an address');
is(login($unix, 'account3', 'right'), 'ok', 'a login over the Unix socket still works');
is(login($tcp, 'account3', 'right'), 'ok', 'so does one over TCP: the address counted nothing');

# --- per client address (over TCP) ----------------------------------------

is( join(' ', map { login($tcp, "stranger$_", 'wrong') } 1 .. 5),
	'28P01 28P01 28P01 28P01 28P01',
	'five failed logins from 127.0.0.1, each for another username');
is( run_ok($unix, 'SELECT locked FROM jwt_auth.throttle'),
	'1', 'the view shows one counter locked: the address\'s');
$crypt_before = crypt_calls($tcp);
is(login($tcp, 'account4', 'right'), '28P01',
	'a username that never failed, with the right password, fails from the locked address');
is(crypt_calls($tcp), $crypt_before, 'without bcrypt work');
my $tcp2 = session($node, 1);
is(login($tcp2, 'account4', 'right'), '28P01', 'so it does in a new connection from the address');
is(login($unix, 'account4', 'right'), 'ok', 'the same login over the Unix socket works');
run_ok($unix, "SELECT jwt_auth.auth_unlock('account4')");
is(login($tcp, 'account4', 'right'), '28P01', 'auth_unlock of the username does not unlock the address');

# --- the lockout ends after lockout_time ------------------------------------
#
# A shorter lockout_time applies to the counters already there: their
# windows began before it, so the address is free at once; new lockouts
# last 2 s from their first failure.

run_ok($unix, "ALTER SYSTEM SET jwt_auth.lockout_time = '2s'");
run_ok($unix, 'SELECT pg_reload_conf()');
$node->poll_query_until('postgres', "SELECT lockout_time = '2s' FROM jwt_auth.throttle")
  or die 'lockout_time did not change';
$node->poll_query_until('postgres', "SELECT locked = 0 FROM jwt_auth.throttle")
  or die 'the old lockouts did not end';
run_ok($_, 'SELECT 1') for $unix, $tcp;  # both sessions take in the reload

# the windows begin at the first failures, after $start and before $failed_by
my $start = time;
my @fails = map { login($unix, 'account5', 'wrong') } 1 .. 3;
push @fails, map { login($tcp, "late$_", 'wrong') } 1 .. 5;
my $failed_by = time;
my $locked_user = login($unix, 'account5', 'right');
my $locked_addr = login($tcp, 'account6', 'right');
my $elapsed = time - $start;
is(join(' ', @fails), join(' ', ('28P01') x 8), 'with lockout_time 2 s, new failures');
SKIP:
{
	skip "the attempts took ${elapsed}s, too close to the 2 s lockout", 2 if $elapsed >= 1.8;
	is($locked_user, '28P01', 'lock the username again');
	is($locked_addr, '28P01', 'and the address');
}
sleep($failed_by + 2.2 - time) if time < $failed_by + 2.2;
is(login($unix, 'account5', 'right'), 'ok', 'after lockout_time the username logs in again');
is(login($tcp, 'account6', 'right'), 'ok', 'and logins from the address work again');
is(throttle($unix), 't 0 0', 'the view shows no counter in use');

$_->quit for $unix, $tcp, $tcp2;
$node->stop;

# --- without preloading: no throttling --------------------------------------

my $plain = PostgreSQL::Test::Cluster->new('unthrottled');
$plain->init;
$plain->append_conf(
	'postgresql.conf', qq{
jwt_auth.bcrypt_cost = 4
jwt_auth.max_failed_logins = 3
});
$plain->start;
$plain->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SELECT jwt_auth.user_create('account1', :'right');
}, extra_params => \@passwords);
my $p = session($plain, 0);
is( $plain->safe_psql('postgres',
		"SELECT concat_ws(' ', enabled, max_failed_logins, max_failed_logins_per_address) FROM jwt_auth.throttle"),
	'f 3 100', 'without shared_preload_libraries the throttle view says disabled (and shows the limits)');
is( join(' ', map { login($p, 'account1', 'wrong') } 1 .. 10),
	join(' ', ('28P01') x 10), 'ten wrong passwords fail');
is(login($p, 'account1', 'right'), 'ok', 'and the right password still logs in');
is(throttle($p), 'f 0 0', 'no counters');
run_ok($p, "SELECT jwt_auth.auth_unlock('account1')");
pass('auth_unlock is harmless without throttling');
$p->quit;
$plain->stop;

done_testing();
