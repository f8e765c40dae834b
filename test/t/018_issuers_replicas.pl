# Other issuers on replicas (issue 17, "Standby"; DESIGN.md, Scale-out):
# tokens of an issuer registered on the primary verify wherever the issuers
# table arrives, and a change to the issuer reaches sessions that were open
# before it, as soon as it is replayed or applied.
#
# One primary (wal_level = logical) with two kinds of replica:
#   - a hot standby (streaming, jwt_auth preloaded there), and
#   - a subscriber: another cluster with jwt_auth installed that receives
#     jwt_auth.issuers by logical replication (as 013 receives the keys).
#
# On the primary, issuer A is registered with a pushed JWK set of two keys:
# a1, the P-256 key of RFC 7515 A.3, and a2, the Ed25519 key of RFC 8037
# A.1. Its tokens are signed on the primary with those private keys and
# kept in the table tokens, which both replicas receive; the SQL the test
# sends names them and never holds one.
#
#   - On both replicas A's tokens verify (jwt_verify(token)), and
#     authenticate() takes its default role, user_id() its sub, and a policy
#     on user_id() shows each user its own rows.
#   - The standby refuses the issuer functions (read-only: 25006).
#   - Issuer B has a jwks_uri (nothing listens there) and no keys yet: on
#     the standby a token of B is refused at once for its unknown kid; the
#     standby asks for no fetch (jwt_auth.fetch_wait is long there, and the
#     refusal does not wait for it) and the row as replayed has no fetch.
#     Once the primary stores a set for B as its fetch would, the standby
#     verifies B's token with the replayed set.
#   - The primary pushes A's set without a1: a1's token is refused in the
#     standby and subscriber sessions open (their caches warm) since before,
#     a2's still verifies; the time from the primary's commit to the first
#     refusal in each session is printed. Then A is disabled: a2's token is
#     refused in both, and in new sessions. Each timed change is preceded by
#     a verification in each open session, so that its caches are warm.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

use JwtAuthTest;

my $far = 4102444800;    # exp of the tokens: 2100
my $iss_a = 'https://idp-a.example';
my $iss_b = 'https://idp-b.example';
# RFC 7515 A.3 (ES256) and RFC 8037 A.1 (Ed25519): published test keys
my $ec_jwk =
  '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}';
my $ed_jwk =
  '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}';
# the wait for an unknown kid's fetch on the standby: long, so that a wait would show
my $fetch_wait_s = 20;

# Roles and the table a policy on user_id() guards: on the primary (the standby
# replays them) and on the subscriber (logical replication brings no roles).
my $app_schema = q{
CREATE ROLE iss_reader NOLOGIN;
CREATE ROLE iss_authenticator LOGIN NOINHERIT;
GRANT iss_reader TO iss_authenticator;
CREATE TABLE notes (owner text NOT NULL, body text NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes TO iss_reader USING (owner = jwt_auth.user_id());
GRANT SELECT ON notes TO iss_reader;
INSERT INTO notes VALUES ('user-1', 'one of user-1'), ('user-1', 'two of user-1'),
                         ('user-2', 'one of user-2'), ('someone', 'not theirs');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
GRANT SELECT ON tokens TO PUBLIC;
};

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 'logical');
$primary->start;
$primary->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
$app_schema
-- the issuer's private keys, on the primary only (as its provider would hold them)
CREATE TABLE provider_keys (name text PRIMARY KEY, jwk jsonb NOT NULL);
INSERT INTO provider_keys VALUES ('ec', '$ec_jwk'), ('ed', '$ed_jwk');
REVOKE ALL ON provider_keys FROM PUBLIC;
SELECT jwt_auth.issuer_add('$iss_a',
    jsonb_build_object('keys', jsonb_build_array(
        (SELECT jwk - 'd' FROM provider_keys WHERE name = 'ec') || '{"kid":"a1","alg":"ES256","use":"sig"}',
        (SELECT jwk - 'd' FROM provider_keys WHERE name = 'ed') || '{"kid":"a2"}')),
    audience => '{api}', default_role => 'iss_reader');
INSERT INTO tokens SELECT 'a1', jwt_auth.jwt_sign(
    '{"iss":"$iss_a","aud":"api","sub":"user-1","iat":1700000000,"exp":$far}'::jsonb,
    jwk, 'ES256', '{"kid":"a1"}') FROM provider_keys WHERE name = 'ec';
INSERT INTO tokens SELECT 'a2', jwt_auth.jwt_sign(
    '{"iss":"$iss_a","aud":"api","sub":"user-2","iat":1700000000,"exp":$far}'::jsonb,
    jwk, 'EdDSA', '{"kid":"a2"}') FROM provider_keys WHERE name = 'ed';
-- a token of issuer B (registered later, with a jwks_uri), under a kid B has not published
INSERT INTO tokens SELECT 'b', jwt_auth.jwt_sign(
    '{"iss":"$iss_b","aud":"api","sub":"user-3","iat":1700000000,"exp":$far}'::jsonb,
    jwk, 'ES256', '{"kid":"b-rotated"}') FROM provider_keys WHERE name = 'ec';
-- for the subscriber: docs/deployment.md's replication role, reading the issuers
CREATE ROLE jwt_auth_replicator LOGIN REPLICATION;
GRANT SELECT ON jwt_auth.issuers TO jwt_auth_replicator;
CREATE PUBLICATION jwt_auth_issuers FOR TABLE jwt_auth.issuers;
CREATE PUBLICATION test_tokens FOR TABLE tokens;
GRANT SELECT ON tokens TO jwt_auth_replicator;
});

# The hot standby, jwt_auth preloaded: the fetch machinery is there, the worker is not.
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'jwt_auth'
jwt_auth.fetch_wait = '${fetch_wait_s}s'
});
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');

# The subscriber: jwt_auth installed, the roles and notes of its own, subscribed to
# the issuers (and the test's tokens).
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->start;
my $connstr = $primary->connstr . ' dbname=postgres user=jwt_auth_replicator';
$subscriber->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
CREATE EXTENSION jwt_auth CASCADE;
$app_schema
CREATE SUBSCRIPTION jwt_auth_issuers CONNECTION '$connstr' PUBLICATION jwt_auth_issuers, test_tokens;
});
$subscriber->wait_for_subscription_sync($primary, 'jwt_auth_issuers');
is( $subscriber->safe_psql(
		'postgres',
		"SELECT issuer || ' ' || enabled || ' ' || jsonb_array_length(jwks->'keys') FROM jwt_auth.issuers"),
	"$iss_a true 2",
	'the initial copy brings issuer A and its set of two keys to the subscriber');

# a token, by name, in SQL
sub tok { return "(SELECT token FROM tokens WHERE name = '$_[0]')" }

# Sessions open from here to the end: each replica's superuser, and its authenticator.
my $s_su = psql_session($standby);
my $s_app = psql_session($standby, extra_params => [ '-U', 'iss_authenticator' ]);
my $l_app = psql_session($subscriber, extra_params => [ '-U', 'iss_authenticator' ]);
my %where = ($s_app => 'standby', $l_app => 'subscriber');

my ($out, $err);

# --- A's tokens verify on both replicas -----------------------------------

for my $app ($s_app, $l_app)
{
	my $on = $where{$app};
	is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('a1') . ")->>'sub'"),
		'user-1', "$on: jwt_verify(token) verifies A's ES256 token with the replicated set");
	is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('a2') . ")->>'sub'"),
		'user-2', "$on: and A's EdDSA token");
	# twice more: the verified-token cache holds them from here
	is(run_ok($app, "SELECT jwt_auth.jwt_valid(" . tok('a1') . ") AND jwt_auth.jwt_valid(" . tok('a2') . ")"),
		't', "$on: both verify again (cached)");
	run_ok($app, 'BEGIN');
	is(run_ok($app, "SELECT jwt_auth.authenticate(" . tok('a1') . ")->>'iss'"),
		$iss_a, "$on: authenticate() takes A's token");
	is( run_ok($app, "SELECT current_user || ' ' || jwt_auth.user_id() || ' ' || (jwt_auth.uid() IS NULL)"),
		'iss_reader user-1 true',
		"$on: as A's default role, user_id() its sub, uid() NULL (not a jwt_auth user)");
	is(run_ok($app, 'SELECT string_agg(body, \', \' ORDER BY body) FROM notes'),
		'one of user-1, two of user-1', "$on: the policy on user_id() shows user-1 its own rows");
	run_ok($app, 'COMMIT');
	run_ok($app, 'BEGIN');
	run_ok($app, "SELECT jwt_auth.authenticate(" . tok('a2') . ") IS NOT NULL");
	is(run_ok($app, 'SELECT string_agg(body, \', \' ORDER BY body) FROM notes'),
		'one of user-2', "$on: and user-2 its own");
	run_ok($app, 'COMMIT');
	is(run_ok($app, 'SELECT current_user'), 'iss_authenticator', "$on: after COMMIT, the connecting role again");
}

# --- the standby is read-only: the issuer functions are refused -----------

my $read_only = qr/ERROR:  25006: /;
($out, $err) = run($s_su,
	"SELECT jwt_auth.issuer_add('https://idp-c.example', jwks_uri => 'https://idp-c.example/jwks', "
	  . "audience => '{api}', default_role => 'iss_reader')");
like($err, $read_only, 'issuer_add on the standby: 25006');
($out, $err) = run($s_su, "SELECT jwt_auth.issuer_set_jwks('$iss_a', '{\"keys\":[]}')");
like($err, $read_only, 'issuer_set_jwks on the standby: 25006');
($out, $err) = run($s_su, "SELECT jwt_auth.issuer_alter('$iss_a', enabled => false)");
like($err, $read_only, 'issuer_alter on the standby: 25006');
($out, $err) = run($s_su, "SELECT jwt_auth.issuer_remove('$iss_a')");
like($err, $read_only, 'issuer_remove on the standby: 25006');
is(run_ok($s_app, "SELECT jwt_auth.jwt_valid(" . tok('a1') . ")"), 't', 'none of that changed A on the standby');

# --- a jwks_uri issuer on the standby: no fetch there ----------------------

$primary->safe_psql('postgres',
	"SELECT jwt_auth.issuer_add('$iss_b', jwks_uri => 'https://127.0.0.1:9/jwks', audience => '{api}', default_role => 'iss_reader')"
);
$primary->wait_for_catchup($standby);
is(run_ok($s_su, 'SHOW jwt_auth.fetch_wait'), "${fetch_wait_s}s",
	'the standby has jwt_auth preloaded, its fetch_wait long');
is( run_ok($s_su,
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'jwt_auth key fetcher'"),
	'0', 'no key fetcher runs on the standby');
my $started = time;
($out, $err) = run($s_app, "SELECT jwt_auth.jwt_verify(" . tok('b') . ")");
my $took = time - $started;
like($err, qr/ERROR:  28000: invalid token\nDETAIL:  no key has the token's kid/,
	'a token of B with a kid B has not published is refused on the standby: 28000, unknown kid');
unlike($err, qr/not registered/, 'the detail does not call B unregistered (it is registered, keys and all)');
ok($took < $fetch_wait_s / 2,
	"and refused without waiting for a fetch (fetch_wait ${fetch_wait_s}s; "
	  . sprintf('%.0f ms', $took * 1000) . ')');
my $fetch_status =
  "SELECT (jwks IS NULL) || ' ' || (fetched_at IS NULL) || ' ' || (fetch_attempted_at IS NULL) || ' ' "
  . "|| (fetch_error IS NULL) || ' ' || (next_fetch_at IS NOT NULL) FROM jwt_auth.issuers WHERE issuer = '$iss_b'";
is(run_ok($s_su, $fetch_status), 'true true true true true',
	'B as replayed on the standby: no keys, no fetch attempted (fetch_attempted_at NULL), one scheduled');
is($primary->safe_psql('postgres', $fetch_status), 'true true true true true',
	'the same on the primary (no worker there): nothing was fetched on the standby\'s behalf');

# The primary stores B's set as its fetch does (issuer_refresh stores a fetched set
# with _issuer_store_jwks; no HTTPS server here): the standby verifies with the
# replayed set, in the session that refused the token just before.
$primary->safe_psql('postgres',
	"SELECT jwt_auth._issuer_store_jwks('$iss_b', jsonb_build_object('keys', jsonb_build_array("
	  . "(SELECT jwk - 'd' FROM provider_keys WHERE name = 'ec') || '{\"kid\":\"b-rotated\"}')))");
$primary->wait_for_catchup($standby);
is(run_ok($s_app, "SELECT jwt_auth.jwt_verify(" . tok('b') . ")->>'sub'"), 'user-3',
	'a set the primary fetched for B, replayed: the open standby session verifies B\'s token with it');
is(run_ok($s_su, "SELECT fetched_at IS NOT NULL FROM jwt_auth.issuers WHERE issuer = '$iss_b'"),
	't', 'and the standby sees the primary\'s fetch time');

# --- a set pushed without a1: refused in the open sessions, commit to refusal timed ---

# Each session's check says 't' (verified: its caches are warm, and hold every
# change before this one); then $change runs on the primary, and each session's
# check is polled until it says 'f' (refused), for $max_wait seconds at most:
# the milliseconds from the primary's commit to the refusal, per session.
my $max_wait = 20;
sub time_to_refusal
{
	my ($change, $check, @sessions) = @_;
	for my $sn (@sessions)
	{
		is(run_ok($sn, $check), 't', "before the change, the open $where{$sn} session verifies the token");
	}
	$primary->safe_psql('postgres', $change);
	my $committed = time;
	my %ms;
	while (scalar(keys %ms) < scalar(@sessions) && time - $committed < $max_wait)
	{
		for my $sn (grep { !exists $ms{$_} } @sessions)
		{
			$ms{$sn} = (time - $committed) * 1000 if run_ok($sn, $check) eq 'f';
		}
		usleep(2_000);
	}
	return map { $ms{$_} } @sessions;
}

sub ms_or_never { return defined $_[0] ? sprintf('%.0f ms', $_[0]) : "not within ${max_wait}s" }

my ($standby_ms, $subscriber_ms) = time_to_refusal(
	"SELECT jwt_auth.issuer_set_jwks('$iss_a', jsonb_build_object('keys', jsonb_build_array("
	  . "(SELECT jwk - 'd' FROM provider_keys WHERE name = 'ed') || '{\"kid\":\"a2\"}')))",
	"SELECT jwt_auth.jwt_valid(" . tok('a1') . ")",
	$s_app, $l_app);
ok(defined $standby_ms, 'A\'s set pushed without a1 on the primary: a1\'s token refused in the open standby session');
ok(defined $subscriber_ms, 'and in the open subscriber session');
diag(sprintf 'timeline: %s -> refused in the open session on the standby: %s, on the subscriber: %s',
	'set without a1 committed on the primary', ms_or_never($standby_ms), ms_or_never($subscriber_ms));

for my $app ($s_app, $l_app)
{
	my $on = $where{$app};
	($out, $err) = run($app, "SELECT jwt_auth.jwt_verify(" . tok('a1') . ")");
	like($err, qr/ERROR:  28000: invalid token\nDETAIL:  no key has the token's kid/,
		"$on: a1's token: 28000, unknown kid");
	run_ok($app, 'BEGIN');
	($out, $err) = run($app, "SELECT jwt_auth.authenticate(" . tok('a1') . ")");
	like($err, qr/ERROR:  28000: invalid token/, "$on: authenticate() refuses it too");
	run($app, 'ROLLBACK');
	is(run_ok($app, "SELECT jwt_auth.jwt_verify(" . tok('a2') . ")->>'sub'"),
		'user-2', "$on: a2, still in the set, verifies");
}

# --- A disabled on the primary ---------------------------------------------

($standby_ms, $subscriber_ms) = time_to_refusal(
	"SELECT jwt_auth.issuer_alter('$iss_a', enabled => false)",
	"SELECT jwt_auth.jwt_valid(" . tok('a2') . ")",
	$s_app, $l_app);
ok(defined $standby_ms, 'A disabled on the primary: a2\'s token refused in the open standby session');
ok(defined $subscriber_ms, 'and in the open subscriber session');
diag(sprintf 'timeline: %s -> refused in the open session on the standby: %s, on the subscriber: %s',
	'A disabled on the primary', ms_or_never($standby_ms), ms_or_never($subscriber_ms));

for my $app ($s_app, $l_app)
{
	my $on = $where{$app};
	($out, $err) = run($app, "SELECT jwt_auth.jwt_verify(" . tok('a2') . ")");
	like($err, qr/ERROR:  28000: invalid token\nDETAIL:  the token's issuer is disabled/,
		"$on: a2's token: 28000, issuer disabled");
	run_ok($app, 'BEGIN');
	($out, $err) = run($app, "SELECT jwt_auth.authenticate(" . tok('a2') . ")");
	like($err, qr/ERROR:  28000: invalid token\nDETAIL:  the token's issuer is disabled/,
		"$on: authenticate() refuses it too");
	run($app, 'ROLLBACK');
	is(run_ok($app, 'SELECT current_user'), 'iss_authenticator', "$on: the connecting role kept");
}
$primary->wait_for_catchup($standby);
$primary->wait_for_catchup('jwt_auth_issuers');
for my $node ($standby, $subscriber)
{
	my $fresh = psql_session($node, extra_params => [ '-U', 'iss_authenticator' ]);
	($out, $err) = run($fresh, "SELECT jwt_auth.jwt_verify(" . tok('a2') . ")");
	like($err, qr/DETAIL:  the token's issuer is disabled/, $node->name . ': a new session refuses it too');
	$fresh->quit;
}
is($subscriber->safe_psql('postgres', 'SELECT srsubstate FROM pg_subscription_rel ORDER BY srrelid::regclass::text'),
	"r\nr", 'the subscription is still streaming');

$s_su->quit;
$s_app->quit;
$l_app->quit;
$subscriber->stop;
$standby->stop;
$primary->stop;

done_testing();
