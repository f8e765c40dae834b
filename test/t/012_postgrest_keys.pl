# Keys reach PostgREST without files: jwt_auth.postgrest_config(), PostgREST's
# db-pre-config, sets pgrst.jwt_secret for its transaction, and every change
# to jwt_auth.keys sends NOTIFY pgrst, 'reload config' at commit (never on
# rollback), on which PostgREST calls it again.
#
# A listening session stands in for PostgREST: it hears the notification a
# key revocation sends when it commits, calls postgrest_config() as the
# authenticator role, and no longer finds the revoked key. The time from the
# revocation's commit to the notification is noted (not judged: timing is
# the benchmarks' business). Secrets stay in the server: the test reads only
# kids and counts.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

use JwtAuthTest;

my $node = PostgreSQL::Test::Cluster->new('postgrest_keys');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256', 'old');
SELECT jwt_auth.key_generate('ES256', 'new');
CREATE ROLE authenticator LOGIN NOINHERIT;
CREATE ROLE somebody LOGIN;
GRANT EXECUTE ON FUNCTION jwt_auth.postgrest_config() TO authenticator;
});

my $notification = qr/Asynchronous notification "pgrst" with payload "reload config" received/;
my $kids = "SELECT string_agg(k->>'kid', ',' ORDER BY k->>'kid') "
  . "FROM jsonb_array_elements(current_setting('pgrst.jwt_secret')::jsonb -> 'keys') k";

my $postgrest = psql_session($node, extra_params => [ '-U', 'authenticator' ]);
my $admin = psql_session($node);
my $other = psql_session($node, extra_params => [ '-U', 'somebody' ]);

run_ok($postgrest, 'LISTEN pgrst');
run_ok($postgrest, 'BEGIN');
run_ok($postgrest, 'SELECT jwt_auth.postgrest_config()');
is(run_ok($postgrest, $kids), 'new,old', 'postgrest_config() gives the authenticator every key not revoked');
run_ok($postgrest, 'COMMIT');
is(run_ok($postgrest, "SELECT coalesce(current_setting('pgrst.jwt_secret', true), '')"),
	'', 'and the secret is gone with its transaction');

my ($out, $err) = run($other, 'SELECT jwt_auth.postgrest_config()');
like($err, qr/42501: permission denied for function postgrest_config/,
	'a role it was not granted to cannot call it (the set holds HMAC secrets)');

# a change that rolls back notifies nobody; one that commits notifies at commit
run_ok($admin, 'BEGIN');
run_ok($admin, "SELECT jwt_auth.key_generate('HS256', 'never', 'standby')");
($out) = run($postgrest, 'SELECT 1');
unlike($out, $notification, 'no notification while the change is not committed');
run_ok($admin, 'ROLLBACK');
($out) = run($postgrest, 'SELECT 1');
unlike($out, $notification, 'nor after it rolls back');

run_ok($admin, "SELECT jwt_auth.key_set_status('old', 'revoked')");
my $committed = time;
my $heard;
for (1 .. 200)
{
	($out) = run($postgrest, 'SELECT 1');
	if ($out =~ $notification)
	{
		$heard = time;
		last;
	}
	Time::HiRes::sleep(0.01);
}
ok(defined $heard, 'a revocation sends NOTIFY pgrst, \'reload config\' when it commits');
note(sprintf('from the revocation\'s commit to the notification: %.0f ms', 1000 * ($heard - $committed)))
  if defined $heard;
run_ok($postgrest, 'BEGIN');
run_ok($postgrest, 'SELECT jwt_auth.postgrest_config()');
is(run_ok($postgrest, $kids), 'new', 'called again on it, postgrest_config() no longer has the revoked key');
run_ok($postgrest, 'COMMIT');

$_->quit for ($postgrest, $admin, $other);
$node->stop;
done_testing();
