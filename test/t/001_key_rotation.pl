# Key rotation seen from two sessions: a key generated, activated or revoked
# in session A is in effect in session B from B's next statement on, with
# no reconnect and no time-based expiry: B's per-backend key cache follows
# every committed change to jwt_auth.keys, and nothing that is not committed.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my $claims = '{"sub":"user-1","exp":4102444800}';

my $node = PostgreSQL::Test::Cluster->new('rotation');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION jwt_auth CASCADE');

# Two long-lived sessions
my $sa = psql_session($node);
my $sb = psql_session($node);

# Tokens stay out of the SQL the test log shows: session A writes each one
# to a file, and both sessions read it into a psql variable of its name.
my $tokens = PostgreSQL::Test::Utils::tempdir;

# Sign claims in session A with the active stored key: the token is :name in A and B.
sub sign_in_a
{
	my ($name, $subject) = @_;
	run_ok($sa,
		"SELECT jwt_auth.jwt_sign('{\"sub\":\"$subject\",\"exp\":4102444800}'::jsonb) \\g $tokens/$name");
	run_ok($_, "\\set $name `cat $tokens/$name`") for ($sa, $sb);
}

# The kid in the header of token :name, read in session A.
sub kid_of
{
	my ($name) = @_;
	return run_ok($sa, "SELECT (jwt_auth.jwt_decode(:'$name')).header->>'kid'");
}

# jwt_valid(:name) in a session: 't' or 'f'.
sub valid_in
{
	my ($session, $name) = @_;
	return run_ok($session, "SELECT jwt_auth.jwt_valid(:'$name')");
}

# --- rotation -----------------------------------------------------------

run_ok($sa, "SELECT jwt_auth.key_generate('ES256', 'k1')");
sign_in_a('t1', 'old');
is(kid_of('t1'), 'k1', 'session A signs a token with its stored key k1');

is( run_ok($sb, "SELECT jwt_auth.jwt_verify(:'t1')->>'sub'"),
	'old', 'session B verifies the token A signed (B\'s key cache is now warm)');

run_ok($sa, "SELECT jwt_auth.key_generate('ES256', 'k2')");
sign_in_a('t2', 'new');
is(kid_of('t2'), 'k2', 'after a rotation in A, A signs with the new key k2');

is(valid_in($sb, 't1'), 't', 'after the rotation, B still verifies the old key\'s token');
is( run_ok($sb, "SELECT jwt_auth.jwt_verify(:'t2')->>'sub'"),
	'new', 'B verifies a token of the key A generated after B\'s cache was filled');

run_ok($sa, "SELECT jwt_auth.key_set_status('k1', 'revoked')");
my ($out, $err) = run($sb, "SELECT jwt_auth.jwt_verify(:'t1')");
like(
	$err,
	qr/ERROR:  28000: invalid token\nDETAIL:  the token's key has been revoked/,
	'B\'s very next statement refuses the revoked key\'s token: 28000, key revoked');
is(valid_in($sb, 't2'), 't', 'B still verifies the new key\'s token');
is( run_ok($sb, "SELECT string_agg(k->>'kid', ',') FROM jsonb_array_elements(jwt_auth.jwks()->'keys') k"),
	'k2', 'B\'s jwks() no longer lists the revoked key');

# --- a revocation inside B's open READ COMMITTED transaction -------------

run_ok($sa, "SELECT jwt_auth.key_generate('EdDSA', 'k3')");
sign_in_a('t3', 'third');
run_ok($sb, 'BEGIN ISOLATION LEVEL READ COMMITTED');
is(valid_in($sb, 't2'), 't', 'in B\'s open transaction, the retired key k2 verifies');
run_ok($sa, "SELECT jwt_auth.key_set_status('k2', 'revoked')");
is(valid_in($sb, 't2'), 'f',
	'in the same open READ COMMITTED transaction, B\'s next statement sees the revocation');
is(valid_in($sb, 't3'), 't', 'and verifies the active key\'s token');
run_ok($sb, 'COMMIT');

# --- nothing uncommitted is seen -----------------------------------------

run_ok($sa, 'BEGIN');
run_ok($sa, "SELECT jwt_auth.key_generate('ES384', 'k4')");
sign_in_a('t4', 'fourth');
is(valid_in($sa, 't4'), 't', 'A verifies a token of the key it generated in its open transaction');
($out, $err) = run($sb, "SELECT jwt_auth.jwt_verify(:'t4')");
like(
	$err,
	qr/ERROR:  28000: invalid token\nDETAIL:  no key has the token's kid/,
	'a key generated in A\'s uncommitted transaction is unknown to B (28000, no key has the kid)');
is( run_ok($sb, "SELECT count(*) FROM jsonb_array_elements(jwt_auth.jwks()->'keys') k WHERE k->>'kid' = 'k4'"),
	'0', 'B\'s jwks() does not list the uncommitted key');
is(valid_in($sb, 't3'), 't', 'B still verifies with k3, still the active key for B');
run_ok($sa, 'COMMIT');
is( run_ok($sb, "SELECT jwt_auth.jwt_verify(:'t4')->>'sub'"),
	'fourth', 'once A commits, B\'s next statement verifies the new key\'s token');

run_ok($sa, 'BEGIN');
run_ok($sa, "SELECT jwt_auth.key_set_status('k4', 'revoked')");
is(valid_in($sa, 't4'), 'f', 'A refuses the token of the key it revoked in its open transaction');
is(valid_in($sb, 't4'), 't', 'B still verifies it: the revocation is not committed');
run_ok($sa, 'ROLLBACK');
is(valid_in($sb, 't4'), 't', 'after A rolls the revocation back, B verifies the token');
is(valid_in($sa, 't4'), 't', 'and so does A');

# --- a revocation committed while a statement of B runs ------------------
#
# B's statement takes its snapshot, then waits on an advisory lock; A
# revokes the key and commits; the statement goes on, and its jwt_valid
# takes in A's invalidation while its snapshot still shows the key not
# revoked. Whatever that statement answers, B's next statement, with a
# new snapshot, must see the revocation: a cache filled from an old
# snapshot must not outlive it.

my $sc = psql_session($node);
run_ok($sc, 'SELECT pg_advisory_lock(4242)');
$sb->query_until(qr/waiting\n/,
	"\\echo waiting\nSELECT pg_advisory_lock_shared(4242) IS NOT NULL AND jwt_auth.jwt_valid(:'t4');\n");
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
  or die 'B did not wait on the advisory lock';
run_ok($sa, "SELECT jwt_auth.key_set_status('k4', 'revoked')");
run_ok($sc, 'SELECT pg_advisory_unlock(4242)');
my $during = $sb->query_until(qr/statement done\n/, "\\echo statement done\n");
# (whether that statement still accepts the token is its snapshot's business)
like($during, qr/^[tf]$/m,
	'the statement of B that began before the revocation completes once the lock is free');
run_ok($sb, 'SELECT pg_advisory_unlock_shared(4242)');
is(valid_in($sb, 't4'), 'f',
	'B\'s next statement sees the revocation committed while its last statement ran');
$sc->quit;

# --- a revocation committed during B's REPEATABLE READ transaction -------
#
# Inside the transaction B sees its snapshot; once it ends, B's next
# statement must see the revocation and sign with the newly active key.

run_ok($sa, "SELECT jwt_auth.key_generate('ES256', 'k5')");
sign_in_a('t5', 'fifth');
run_ok($sb, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
is(valid_in($sb, 't5'), 't', 'B verifies k5\'s token in a REPEATABLE READ transaction');
run_ok($sa, "SELECT jwt_auth.key_generate('ES256', 'k6')");
run_ok($sa, "SELECT jwt_auth.key_set_status('k5', 'revoked')");
# inside the transaction (the cache takes in A's changes, read with B's snapshot)
run($sb, "SELECT jwt_auth.jwt_valid(:'t5')");
run_ok($sb, 'COMMIT');
is(valid_in($sb, 't5'), 'f',
	'after B\'s REPEATABLE READ transaction ends, B\'s next statement sees the revocation');
is( run_ok($sb, "SELECT (jwt_auth.jwt_decode(jwt_auth.jwt_sign('$claims'::jsonb))).header->>'kid'"),
	'k6', 'and B signs with the key A activated meanwhile');

$sa->quit;
$sb->quit;
$node->stop;

done_testing();
