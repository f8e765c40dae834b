# A failed login takes as long for an unknown username as for a known one
# with a wrong password: auth_login does the same bcrypt work for a
# username it does not find, so timing does not tell which usernames exist.
# Nor does it tell which users have a hash cheaper than the configured
# bcrypt (imported with user_import: md5-crypt, or bcrypt of a lower cost):
# their failed logins do the configured bcrypt work as well.
#
# With the default bcrypt cost (10) and no throttling (jwt_auth is not
# preloaded), one session times 15 wrong-password logins of each kind (a
# user with a cost-10 hash, an unknown username, a user with an md5-crypt
# hash, one with a cost-4 bcrypt hash), taking turns in a rotating order,
# each inside SQL with clock_timestamp(); each median must be within 20% of
# the first kind's.
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
SELECT jwt_auth.user_import('account-md5', crypt(:'right', gen_salt('md5')));
SELECT jwt_auth.user_import('account-bf4', crypt(:'right', gen_salt('bf', 4)));
}, extra_params => \@passwords);

is( $node->safe_psql('postgres',
		"SELECT concat_ws(' ', current_setting('jwt_auth.bcrypt_cost'), enabled) FROM jwt_auth.throttle"),
	'10 f', 'bcrypt cost 10, throttling off');
is( $node->safe_psql('postgres', q{
SELECT string_agg(username || ' ' || substring(password_hash FROM '^(\$1\$|\$2a\$[0-9]+\$)'), ', '
                  ORDER BY username)
  FROM jwt_auth.users}),
	'account-bf4 $2a$04$, account-md5 $1$, account1 $2a$10$',
	'the hashes: bcrypt cost 10, md5-crypt, bcrypt cost 4');

# One session: a warm-up of each kind, then the attempts, the kinds taking
# turns in an order that rotates. Each attempt must fail with 28P01; its
# time in milliseconds goes to the temporary table timings.
my $medians = $node->safe_psql(
	'postgres', qq{
SET log_statement = 'none';
SET timing.wrong = :'wrong';
CREATE TEMP TABLE timings (kind text, attempt int, ms float8);
DO \$\$
DECLARE
    kinds text[] := ARRAY['known', 'unknown', 'md5', 'bf4'];
    started timestamptz;
    kind text;
    username text;
BEGIN
    FOR i IN 0 .. $attempts LOOP
        FOREACH kind IN ARRAY kinds[i % 4 + 1 :] || kinds[: i % 4] LOOP
            username := CASE kind WHEN 'known' THEN 'account1' WHEN 'unknown' THEN 'account1-unknown'
                                  ELSE 'account-' || kind END;
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
SELECT string_agg(concat_ws(' ', kind, n, median), E'\n' ORDER BY array_position(ARRAY['known', 'unknown', 'md5', 'bf4'], kind))
  FROM (SELECT kind, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median
          FROM timings GROUP BY kind) t;
}, extra_params => \@passwords);

my (%n, %median);
for (split /\n/, $medians)
{
	my ($kind, $n, $ms) = split / /;
	($n{$kind}, $median{$kind}) = ($n, $ms);
}
is( join(' ', map { $n{$_} // 0 } qw(known unknown md5 bf4)),
	join(' ', ($attempts) x 4), "$attempts timed failures of each kind, all 28P01");
my $known = $median{known};
diag(sprintf('median failed login: known user (bcrypt cost 10) %.1f ms; %s', $known,
	join(', ', map { sprintf('%s %.1f ms (%+.1f%%)', $_->[1], $median{ $_->[0] },
		100 * ($median{ $_->[0] } - $known) / $known) }
		([ 'unknown', 'unknown username' ], [ 'md5', 'md5-crypt user' ], [ 'bf4', 'bcrypt cost 4 user' ]))));
cmp_ok($known, '>', 1, 'a failed login of the known user does bcrypt work');
cmp_ok(abs($median{unknown} - $known), '<=', 0.2 * $known,
	'the unknown-username median is within 20% of the known-user median');
cmp_ok(abs($median{md5} - $known), '<=', 0.2 * $known,
	'the md5-crypt user\'s median is within 20% of the known-user median');
cmp_ok(abs($median{bf4} - $known), '<=', 0.2 * $known,
	'the bcrypt cost 4 user\'s median is within 20% of the known-user median');

$node->stop;

done_testing();
