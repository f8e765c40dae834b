# A failed login takes as long for an unknown username as for a known one
# with a wrong password: auth_login does the same bcrypt work for a
# username it does not find, so timing does not tell which usernames exist.
#
# With the default bcrypt cost (10) and no throttling (jwt_auth is not
# preloaded), one session times 15 wrong-password logins of a known user
# and 15 logins of an unknown username, alternating, each inside SQL with
# clock_timestamp(); the medians must be within 20% of each other.
#
# The passwords reach the server as psql variables and settings, so no SQL
# the test sends or prints holds them.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $attempts = 15;
my @passwords = ('-v', 'right=timing-password-1', '-v', 'wrong=not-the-password');

my $node = PostgreSQL::Test::Cluster->new('login_timing');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SELECT jwt_auth.user_create('account1', :'right');
}, extra_params => \@passwords);

is( $node->safe_psql('postgres',
		"SELECT concat_ws(' ', current_setting('jwt_auth.bcrypt_cost'), enabled) FROM jwt_auth.throttle"),
	'10 f', 'bcrypt cost 10, throttling off');
is( $node->safe_psql('postgres', "SELECT substr(password_hash, 1, 7) FROM jwt_auth.users"),
	'$2a$10$', 'the known user\'s hash has cost 10');

# One session: a warm-up of each kind, then the attempts, alternating
# which kind goes first. Each attempt must fail with 28P01; its time in
# milliseconds goes to the temporary table timings.
my $medians = $node->safe_psql(
	'postgres', qq{
SET log_statement = 'none';
SET timing.wrong = :'wrong';
CREATE TEMP TABLE timings (kind text, attempt int, ms float8);
DO \$\$
DECLARE
    started timestamptz;
    kind text;
    username text;
BEGIN
    FOR i IN 0 .. $attempts LOOP
        FOREACH kind IN ARRAY CASE WHEN i % 2 = 0 THEN ARRAY['known', 'unknown']
                                   ELSE ARRAY['unknown', 'known'] END LOOP
            username := CASE kind WHEN 'known' THEN 'account1' ELSE 'account1-unknown' END;
            started := clock_timestamp();
            BEGIN
                PERFORM jwt_auth.auth_login(username, current_setting('timing.wrong'));
                RAISE EXCEPTION 'the login of % succeeded', kind;
            EXCEPTION WHEN invalid_password THEN
                NULL;
            END;
            IF i > 0 THEN    -- attempt 0 is the warm-up
                INSERT INTO timings VALUES (kind, i,
                    EXTRACT(epoch FROM clock_timestamp() - started) * 1000);
            END IF;
        END LOOP;
    END LOOP;
END
\$\$;
SELECT concat_ws(' ', count(*) FILTER (WHERE kind = 'known'), count(*) FILTER (WHERE kind = 'unknown'),
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 'known'),
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 'unknown'))
  FROM timings;
}, extra_params => \@passwords);

my ($n_known, $n_unknown, $known, $unknown) = split / /, $medians;
is("$n_known $n_unknown", "$attempts $attempts", "$attempts timed failures of each kind, all 28P01");
diag(sprintf('median failed login: known user %.1f ms, unknown username %.1f ms (%+.1f%%)',
	$known, $unknown, 100 * ($unknown - $known) / $known));
cmp_ok($known, '>', 1, 'a failed login of the known user does bcrypt work');
cmp_ok(abs($unknown - $known), '<=', 0.2 * $known,
	'the unknown-username median is within 20% of the known-user median');

$node->stop;

done_testing();
