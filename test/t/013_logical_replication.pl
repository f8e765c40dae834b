# A cluster that only verifies, fed jwt_auth.keys by logical replication
# from the cluster that issues tokens (docs/deployment.md, "Verifying
# clusters fed by logical replication"), with the publication and the
# subscription that guide gives: every column of the keys but private_key.
#
#   - The initial copy brings the publisher's asymmetric keys without their
#     private part (the active one stored as retired), skips its HMAC key
#     (no secret, nothing to verify with), and keeps the subscriber's own.
#   - A token signed on the publisher verifies on the subscriber; one of an
#     HMAC key does not; a rotation reaches an open subscriber session.
#   - A key revoked on the publisher is refused on the subscriber once the
#     change is applied, in a session open (its key cache warm) since before
#     the revocation: the timeline, commit to refusal, is printed. Without
#     the trigger that fires in the apply worker (1.0 had none), that open
#     session keeps accepting the revoked key; a TRUNCATE of the keys on the
#     publisher reaches the open session too.
#   - The subscriber cannot sign: it has no private part of the publisher's
#     keys, and so no active key once its own is gone.
#
# Tokens never appear in the SQL the test sends: the publisher keeps them
# in a table tokens, which replicates too, and the SQL names them.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

use JwtAuthTest;

my $far = 4102444800;    # exp of the tokens: 2100

my $publisher = PostgreSQL::Test::Cluster->new('publisher');
$publisher->init(allows_streaming => 'logical');
$publisher->start;
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->start;

# The publisher issues tokens: an HS256 key signs one, then ES256 keys.
$publisher->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
SELECT jwt_auth.key_generate('HS256', 'hs-1');
INSERT INTO tokens VALUES ('hs', jwt_auth.jwt_sign('{"sub":"hs-subject","exp":$far}'::jsonb));
SELECT jwt_auth.key_generate('ES256', 'es-1');
INSERT INTO tokens VALUES ('es1',
    jwt_auth.jwt_sign('{"sub":"es-subject","role":"lr_reader","exp":$far}'::jsonb));
-- the guide's role and publication: the keys without their private part
CREATE ROLE jwt_auth_replicator LOGIN REPLICATION;
GRANT SELECT (kid, alg, status, public_jwk, created_at, status_changed_at)
    ON jwt_auth.keys TO jwt_auth_replicator;
CREATE PUBLICATION jwt_auth_keys
    FOR TABLE jwt_auth.keys (kid, alg, status, public_jwk, created_at, status_changed_at);
-- the test's own, for the tokens
CREATE PUBLICATION test_tokens FOR TABLE tokens;
GRANT SELECT ON tokens TO jwt_auth_replicator;
});

# The subscriber: jwt_auth installed, a key of its own made before it subscribes.
my $connstr = $publisher->connstr . ' dbname=postgres user=jwt_auth_replicator';
$subscriber->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
CREATE ROLE lr_reader NOLOGIN;
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
SELECT jwt_auth.key_generate('ES256', 'sub-own');
CREATE SUBSCRIPTION jwt_auth_keys CONNECTION '$connstr' PUBLICATION jwt_auth_keys, test_tokens;
});
$subscriber->wait_for_subscription_sync($publisher, 'jwt_auth_keys');

# The state after the initial copy.
is( $subscriber->safe_psql(
		'postgres', q{
SELECT string_agg(format('%s %s %s', kid, status, private_key IS NOT NULL), ', ' ORDER BY kid)
  FROM jwt_auth.keys}),
	'es-1 retired f, sub-own active t',
	'initial copy: es-1 without its private part and stored as retired, hs-1 skipped, '
	  . "the subscriber's own key kept");

# a token, by name, in SQL
sub tok { return "(SELECT token FROM tokens WHERE name = '$_[0]')" }

is( $subscriber->safe_psql(
		'postgres', "SELECT jwt_auth.jwt_verify(@{[tok('es1')]}) ->> 'sub'"),
	'es-subject',
	'a token the publisher signed with es-1 verifies on the subscriber');
is( $subscriber->safe_psql('postgres', "SELECT jwt_auth.jwt_valid(@{[tok('hs')]})"),
	'f', 'a token of the publisher\'s HMAC key does not: its secret is not published');
is( $subscriber->safe_psql(
		'postgres', q{
SELECT string_agg(k ->> 'kid', ', ' ORDER BY k ->> 'kid')
  FROM jsonb_array_elements(jwt_auth.jwks() -> 'keys') k}),
	'es-1, sub-own',
	"the subscriber's jwks() lists the replicated key");
is( $subscriber->safe_psql(
		'postgres', qq{
BEGIN;
SELECT jwt_auth.authenticate(@{[tok('es1')]}) IS NOT NULL;
SELECT current_user || ' ' || (jwt_auth.claim('sub') #>> '{}');
COMMIT;}),
	"t\nlr_reader es-subject",
	'authenticate() on the subscriber takes the role and claims of a token without a session');

# An open subscriber session, its key cache warm; another listens as PostgREST does.
my $open = psql_session($subscriber);
my $listener = psql_session($subscriber);
run_ok($listener, 'LISTEN pgrst');
my $valid = sub {
	my ($session, $name) = @_;
	return run_ok($session, "SELECT jwt_auth.jwt_valid(" . tok($name) . ")");
};
is($valid->($open, 'es1'), 't', 'the open session verifies es1');

# Rotation on the publisher reaches the open session.
$publisher->safe_psql(
	'postgres', qq{
SELECT jwt_auth.key_generate('ES256', 'es-2');
INSERT INTO tokens VALUES ('es2', jwt_auth.jwt_sign('{"sub":"es-subject","exp":$far}'::jsonb));
});
$publisher->wait_for_catchup('jwt_auth_keys');
is($valid->($open, 'es2'), 't', 'after a rotation the open session verifies a token of es-2');
is( $subscriber->safe_psql(
		'postgres', "SELECT status FROM jwt_auth.keys WHERE kid = 'es-2'"),
	'retired', 'the new active key is stored as retired on the subscriber');
like(run_ok($listener, 'SELECT 1'),
	qr/Asynchronous notification "pgrst" with payload "reload config"/,
	"the applied change sends PostgREST's reload on the subscriber too");

# Revocation: commit on the publisher, then poll the open session until it refuses.
$publisher->safe_psql('postgres', "SELECT jwt_auth.key_set_status('es-1', 'revoked')");
my $committed = time;
my ($refused_after, $polls) = (undef, 0);
while (time - $committed < $PostgreSQL::Test::Utils::timeout_default)
{
	$polls++;
	if ($valid->($open, 'es1') eq 'f')
	{
		$refused_after = (time - $committed) * 1000;
		last;
	}
	usleep(5_000);
}
ok(defined $refused_after,
	'a key revoked on the publisher is refused in the subscriber session open since before');
note(sprintf 'timeline: revocation committed on the publisher -> refused in the open '
	  . 'subscriber session after %.0f ms (%d polls)', $refused_after // -1, $polls);
$publisher->wait_for_catchup('jwt_auth_keys');
is($subscriber->safe_psql('postgres', "SELECT jwt_auth.jwt_valid(@{[tok('es1')]})"),
	'f', 'and in a new session');
is($valid->($open, 'es2'), 't', 'es-2 still verifies in the open session');

# The trigger is what does it: without keys_applied (as in 1.0) the open session, its
# cache warm, keeps accepting a key revoked and applied; a new session refuses it.
$subscriber->safe_psql('postgres',
	'ALTER TABLE jwt_auth.keys DISABLE TRIGGER keys_applied');
is($valid->($open, 'es2'), 't', 'keys_applied disabled: the open session verifies es2');
$publisher->safe_psql('postgres', "SELECT jwt_auth.key_set_status('es-2', 'revoked')");
$publisher->wait_for_catchup('jwt_auth_keys');
is( $subscriber->safe_psql('postgres',
		"SELECT status FROM jwt_auth.keys WHERE kid = 'es-2'"),
	'revoked', 'the revocation of es-2 is applied');
is($valid->($open, 'es2'), 't',
	'without the trigger, the open session still accepts the revoked key (the 1.0 behaviour)');
is($subscriber->safe_psql('postgres', "SELECT jwt_auth.jwt_valid(@{[tok('es2')]})"),
	'f', 'a new session refuses it');
$subscriber->safe_psql('postgres',
	'ALTER TABLE jwt_auth.keys ENABLE REPLICA TRIGGER keys_applied');
is($valid->($open, 'es2'), 'f',
	'the trigger enabled again (ALTER TABLE invalidates the cache): refused');

# A TRUNCATE of the keys on the publisher, applied: keys_changed fires always, so
# for the TRUNCATE the apply worker does (and the table's new file invalidates it too).
$publisher->safe_psql(
	'postgres', qq{
SELECT jwt_auth.key_generate('ES256', 'es-3');
INSERT INTO tokens VALUES ('es3', jwt_auth.jwt_sign('{"sub":"es-subject","exp":$far}'::jsonb));
});
$publisher->wait_for_catchup('jwt_auth_keys');
is($valid->($open, 'es3'), 't', 'the open session verifies a token of es-3');
$publisher->safe_psql('postgres', 'TRUNCATE jwt_auth.keys');
$publisher->wait_for_catchup('jwt_auth_keys');
is($valid->($open, 'es3'), 'f',
	'the publisher truncates its keys: refused in the open session once applied');
is($subscriber->safe_psql('postgres', 'SELECT count(*) FROM jwt_auth.keys'),
	'0', "the applied TRUNCATE removed the subscriber's own key too");

# The replication role reads no private key on the publisher.
my ($out, $err) = run(psql_session($publisher, extra_params => ['-U', 'jwt_auth_replicator']),
	'SELECT private_key FROM jwt_auth.keys');
like($err, qr/42501: permission denied/, 'the replication role cannot read private_key');

# The subscriber cannot sign with what it receives.
$publisher->safe_psql('postgres', "SELECT jwt_auth.key_generate('ES256', 'es-4')");
$publisher->wait_for_catchup('jwt_auth_keys');
($out, $err) = run($open, q{SELECT jwt_auth.jwt_sign('{"sub":"forged"}'::jsonb)});
like($err, qr/55000: there is no active signing key/,
	'the subscriber cannot sign: its copy of the active key has no private part');
is( $subscriber->safe_psql(
		'postgres', "SELECT count(*) FROM jwt_auth.keys WHERE private_key IS NOT NULL"),
	'0', 'no private key reached the subscriber');
($out, $err) = run($open, q{SELECT jwt_auth.key_set_status('es-4', 'active')});
like($err, qr/22023: /,
	'nor can it make a replicated key its active one');
is( $subscriber->safe_psql(
		'postgres', 'SELECT srsubstate FROM pg_subscription_rel ORDER BY srrelid::regclass::text'),
	"r\nr", 'the subscription is still streaming');

$open->quit;
$listener->quit;
done_testing();
