# Login throttling under a flood of junk usernames, with jwt_auth in
# shared_preload_libraries: the throttle keeps 16,384 counters in shared
# memory, and failed logins for more usernames than that, none of them a
# user's, neither reset the count of a user who failed before the flood
# (one more failure locks it) nor keep a user with no count from logging
# in. A junk username takes only a free or spent counter; a user's takes
# one of a junk username's when none is free.
#
# Two sessions fail 8,250 logins each (16,500 usernames that name no user,
# at bcrypt cost 4: about ten seconds on two cores), over the Unix socket
# (no address is counted). The passwords reach the server as psql
# variables, so the SQL the test log shows does not hold them, and the
# sessions keep them out of the server log.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my $slots = 16384;
my $flooders = 2;
my $per_flooder = 8250;    # 16,500 in all: more usernames than counters
my @passwords = ('-v', 'right=flood-password-1', '-v', 'wrong=not-the-password');

my $node = PostgreSQL::Test::Cluster->new('throttle_flood');
$node->init;
$node->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'jwt_auth'
jwt_auth.bcrypt_cost = 4
jwt_auth.max_failed_logins = 3
jwt_auth.lockout_time = '1h'
});
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
CREATE ROLE flood_user NOLOGIN;
SELECT jwt_auth.user_create(name, :'right', 'flood_user')
  FROM unnest(ARRAY['target', 'clean', 'late']) AS name;
}, extra_params => \@passwords);

sub session
{
	return psql_session($node, extra_params => \@passwords, quiet => 1);
}

# auth_login with the right or the wrong password: 'ok' when it returned an
# access token, the SQLSTATE of its error otherwise.
sub login
{
	my ($session, $username, $which) = @_;
	my ($out, $err) = run($session,
		"SELECT jwt_auth.auth_login('$username', :'$which') ? 'access_token'");
	return 'ok' if $err eq '' && $out eq 't';
	return $1 if $err =~ /ERROR:  ([0-9A-Z]{5}): invalid username or password\n/;
	die "auth_login failed in an unexpected way: $err";
}

# The throttle view as "counters locked".
sub throttle
{
	my ($session) = @_;
	return run_ok($session, "SELECT concat_ws(' ', counters, locked) FROM jwt_auth.throttle");
}

my $s = session();
is(run_ok($s, "SELECT enabled FROM jwt_auth.throttle"), 't', 'throttling is on');
is( join(' ', map { login($s, 'target', 'wrong') } 1 .. 2),
	'28P01 28P01', 'the target user fails twice (max_failed_logins is 3)');
is(throttle($s), '1 0', 'one counter, not locked');

# --- the flood -----------------------------------------------------------------
#
# Each flooder fails its logins in a DO block, each in a block of its own
# that takes the 28P01 (any other error stops it); it then says how many it
# failed.
my @flooder = map { session() } 1 .. $flooders;
run_ok($_, "SET flood.wrong = :'wrong'") for @flooder;
my $started = time;
for my $f (0 .. $#flooder)
{
	$flooder[$f]->query_until(
		qr/flooding\n/, qq{
\\echo flooding
DO \$\$
DECLARE
    failed int := 0;
BEGIN
    FOR i IN 1 .. $per_flooder LOOP
        BEGIN
            PERFORM jwt_auth.auth_login('junk-$f-' || i, current_setting('flood.wrong'));
        EXCEPTION WHEN invalid_password THEN
            failed := failed + 1;
        END;
    END LOOP;
    RAISE WARNING 'flooder failed % logins', failed;
END
\$\$;
\\warn flooded
});
}

# The clean user logs in once every counter is taken, while the flood goes
# on (or just after it ended: the junk usernames' counters stay for 1 h).
$node->poll_query_until('postgres', "SELECT counters = $slots FROM jwt_auth.throttle")
  or die 'the flood did not take every counter';
is(login($s, 'clean', 'right'), 'ok',
	'with every counter taken by junk usernames, a user with no count logs in with the right password');

my $failed = 0;
for my $f (@flooder)
{
	pump_until($f->{run}, $f->{timeout}, \$f->{stderr}, qr/flooded\n/);
	$failed += $1 if $f->{stderr} =~ /WARNING:  01000: flooder failed (\d+) logins/;
	unlike($f->{stderr}, qr/ERROR/, 'a flooder saw no error but 28P01');
	$f->quit;
}
my $took = time - $started;
note "the flood took about ${took}s";
is($failed, $flooders * $per_flooder, "$failed logins with junk usernames failed, all with 28P01");

# --- after it: the counts it could not reset ---------------------------------

is(login($s, 'junk-last', 'wrong'), '28P01',
	'one more junk username fails (taking the counter the clean user freed, if the flood did not)');
is(throttle($s), "$slots 0", "every counter is taken ($slots), none locked");
is(login($s, 'target', 'wrong'), '28P01', 'the target user fails a third time');
is(login($s, 'target', 'right'), '28P01',
	'and is locked: the right password fails, the two failures before the flood still count');
is( join(' ', map { login($s, 'late', 'wrong') } 1 .. 3),
	'28P01 28P01 28P01', 'a user with no count fails three times, every counter taken');
is(login($s, 'late', 'right'), '28P01', 'and is locked too: its count took a junk username\'s counter');
is(throttle($s), "$slots 2", 'every counter is taken, two locked: the users\'');
is(login($s, 'junk-new', 'wrong'), '28P01', 'a new junk username fails');
is(throttle($s), "$slots 2", 'and takes no counter from them');
is(login($s, 'clean', 'right'), 'ok', 'the clean user logs in again');
is(throttle($s), ($slots - 1) . ' 2', 'its counter (a junk username\'s before) is free after the good login');

run_ok($s, "SELECT jwt_auth.auth_unlock('target')");
is(login($s, 'target', 'right'), 'ok', 'auth_unlock lets the target log in');

$s->quit;
$node->stop;

done_testing();
