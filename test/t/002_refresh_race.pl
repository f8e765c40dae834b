# Refresh-token races: sixteen sessions present the same refresh token at
# once. A holder session locks the token's row first, so every racer is
# inside auth_refresh, waiting on that row, before any of them goes on;
# then the holder lets go and they take turns on the row lock.
#
# Within jwt_auth.refresh_reuse_interval every racer gets a fresh access
# token and the same child refresh token (one chain, never sixteen), and the
# token is rotated exactly once; with an interval of 0 one racer gets
# a pair and the others meet a used token, which revokes the session.
# Last, reuse detection without a race: a used token presented after the
# interval revokes the session, and the tokens it had are refused.
#
# Refresh tokens never leave the server: each is kept in the table tokens
# under a name, and the SQL the test sends (which the test log shows)
# names them. The password reaches the server as a psql variable.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my $racers = 16;
my @password = ('-v', 'password=racing-password-1');

my $node = PostgreSQL::Test::Cluster->new('refresh_race');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('racer', :'password');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
-- every UPDATE of a refresh token, so that "rotated once" is seen, not inferred
CREATE TABLE token_updates (token_id uuid, old_used_at timestamptz, new_used_at timestamptz);
CREATE FUNCTION log_token_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.token_updates VALUES (OLD.id, OLD.used_at, NEW.used_at);
    RETURN NEW;
END
$$;
CREATE TRIGGER log_token_update AFTER UPDATE ON jwt_auth.refresh_tokens
    FOR EACH ROW EXECUTE FUNCTION log_token_update();
}, extra_params => \@password);

# The racers, and a session to look on
my @racer = map { psql_session($node) } 1 .. $racers;
my $admin = psql_session($node);

# A fresh login of the user; its refresh token is kept as $name.
sub login
{
	my ($name) = @_;
	$node->safe_psql('postgres',
		"SET log_statement = 'none';\n"
		  . "INSERT INTO tokens SELECT '$name', jwt_auth.auth_login('racer', :'password')->>'refresh_token'",
		extra_params => \@password);
}

# SQL that presents the token named $from to auth_refresh and keeps the new
# refresh token as $to; it outputs whether the pair has an access token.
sub refresh_sql
{
	my ($from, $to) = @_;
	return "WITH r AS (SELECT jwt_auth.auth_refresh((SELECT token FROM tokens WHERE name = '$from')) AS p), "
	  . "i AS (INSERT INTO tokens SELECT '$to', p->>'refresh_token' FROM r) "
	  . "SELECT p ? 'access_token' FROM r";
}

# auth_refresh in a session: '' when it gave a pair (kept as $to), else its
# error text.
sub refresh
{
	my ($session, $from, $to) = @_;
	my ($out, $err) = run($session, refresh_sql($from, $to));
	return $err if $err ne '';
	die "auth_refresh returned no access token" unless $out eq 't';
	return '';
}

# The id of the row that holds the token named $name.
sub token_id
{
	my ($name) = @_;
	return run_ok($admin,
		"SELECT r.id FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = '$name'");
}

# The session of the token named $name.
sub session_of
{
	my ($name) = @_;
	return run_ok($admin,
		"SELECT session_id FROM jwt_auth.refresh_tokens WHERE id = '" . token_id($name) . "'");
}

# Every racer presents the token named $from at once; racer i keeps its new
# refresh token as "$from.i". Returns one outcome per racer: { name => the
# new token's name } or { error => its error text }.
sub race
{
	my ($from) = @_;
	my $holder = $node->background_psql('postgres');
	$holder->query_safe('BEGIN');
	$holder->query_safe(
		"SELECT 1 FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = '$from' "
		  . "FOR UPDATE OF r");

	# each racer starts its auth_refresh, which blocks on the row
	for my $i (0 .. $#racer)
	{
		$racer[$i]{stderr} = '';
		$racer[$i]->query_until(qr/racing\n/,
			"\\echo racing\n" . refresh_sql($from, "$from.$i") . ";\n");
	}
	$node->poll_query_until('postgres',
		"SELECT count(*) = $racers FROM pg_stat_activity "
		  . "WHERE wait_event_type = 'Lock' AND query LIKE '%auth_refresh%'")
	  or die 'the racers did not all wait on the token\'s row';

	$holder->query_safe('COMMIT');
	$holder->quit;

	my @outcome;
	for my $i (0 .. $#racer)
	{
		my $s = $racer[$i];
		my $out = $s->query_until(qr/raced\n/, "\\echo raced\n\\warn raced\n");
		pump_until($s->{run}, $s->{timeout}, \$s->{stderr}, qr/raced\n/);
		my $err = $s->{stderr};
		$err =~ s/raced\n//;
		$s->{stderr} = '';
		if ($err ne '')
		{
			push @outcome, { error => $err };
		}
		elsif ($out =~ /^t$/m)
		{
			push @outcome, { name => "$from.$i" };
		}
		else
		{
			die "racer $i got neither a pair with an access token nor an error";
		}
	}
	return @outcome;
}

my $refused_revoked = qr/ERROR:  28000: invalid refresh token\nDETAIL:  The session is revoked\.\n/;

# --- within the reuse interval: every racer gets a pair, one rotation ------

login('t0');
my $t0_id = token_id('t0');
my $session0 = session_of('t0');

my @outcome = race('t0');
my @won = grep { defined $_->{name} } @outcome;
my @lost = grep { defined $_->{error} } @outcome;
is(scalar @won, $racers, "all $racers racers within the reuse interval get a fresh pair");
is(scalar @lost, 0, 'no racer gets an error');
is( run_ok($admin, "SELECT count(DISTINCT token) FROM tokens WHERE name LIKE 't0.%'"),
	'1', 'every racer gets the same child refresh token: one chain, not one per racer');

is( run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id = '$t0_id'"),
	'1', 'the raced token was updated exactly once');
is( run_ok($admin,
		"SELECT old_used_at IS NULL AND new_used_at IS NOT NULL FROM token_updates WHERE token_id = '$t0_id'"),
	't', 'and that update set used_at where there was none');
is(run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id <> '$t0_id'"),
	'0', 'no other token was updated');
is( run_ok($admin, "SELECT count(*) FROM jwt_auth.refresh_tokens WHERE parent_id = '$t0_id'"),
	'1', 'the raced token has exactly one child');
is( run_ok($admin,
		"SELECT count(*) FROM jwt_auth.refresh_tokens WHERE session_id = '$session0' "
		  . "AND parent_id IS DISTINCT FROM '$t0_id' AND id <> '$t0_id'"),
	'0', 'the session has no token besides the raced one and its children');
is( run_ok($admin,
		"SELECT count(*) FROM jwt_auth.refresh_tokens WHERE session_id = '$session0' AND used_at IS NOT NULL"),
	'1', 'the raced token is the session\'s only used token');
is( run_ok($admin,
		"SELECT count(*) FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) "
		  . "WHERE t.name LIKE 't0.%' AND r.parent_id = '$t0_id'"),
	scalar @won, 'each racer\'s new refresh token is one of those children');
is(run_ok($admin, "SELECT revoked_at IS NULL FROM jwt_auth.sessions WHERE id = '$session0'"),
	't', 'the session is not revoked');
is(refresh($admin, $won[-1]{name}, 't0.next'), '', 'a racer\'s new refresh token rotates in turn');

# --- reuse interval 0: one racer gets a pair, the others revoke ------------

run_ok($_, 'SET jwt_auth.refresh_reuse_interval = 0') for @racer, $admin;
is( join(',', map { run_ok($_, 'SHOW jwt_auth.refresh_reuse_interval') } @racer),
	join(',', ('0') x $racers), 'the racers run with a reuse interval of 0');

login('t1');
my $t1_id = token_id('t1');
my $session1 = session_of('t1');
@outcome = race('t1');
@won = grep { defined $_->{name} } @outcome;
@lost = grep { defined $_->{error} } @outcome;
note scalar(@won) . " of $racers racers got a pair with a reuse interval of 0";
# reuse is measured by the clock when the token is presented, so a racer
# whose transaction began before the winner's is no exception
is(scalar @won, 1, 'with a reuse interval of 0, exactly one racer gets a pair');
cmp_ok(scalar @won, '>=', 1, 'at least one racer gets a pair');
is(scalar(grep { $_->{error} =~ /ERROR:  28000: invalid refresh token\n/ } @lost),
	$racers - scalar @won, 'every other racer gets 28000 invalid refresh token');
is(scalar(grep { $_->{error} =~ /DETAIL:  The refresh token was already used; the session is revoked\./ } @lost),
	1, 'one of them found the token used and revoked the session; the rest found it revoked');
is(run_ok($admin, "SELECT revoked_reason FROM jwt_auth.sessions WHERE id = '$session1'"),
	'reuse', 'the session ends revoked for reuse');
is(run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id = '$t1_id'"),
	'1', 'the raced token was updated exactly once');
is( run_ok($admin, "SELECT count(*) FROM jwt_auth.refresh_tokens WHERE parent_id = '$t1_id'"),
	scalar @won, 'the raced token has one child per racer that got a pair');
is( scalar(grep { refresh($admin, $_->{name}, "$_->{name}.next") =~ $refused_revoked } @won),
	scalar @won, 'the new refresh token the winner got is refused: the session is revoked');

# --- reuse detection, one step at a time ---------------------------------

run_ok($admin, "SET jwt_auth.refresh_reuse_interval = '1s'");
login('a');
is(refresh($admin, 'a', 'b'), '', 'a refresh token A is rotated to B');
is(refresh($admin, 'a', 'c'), '', 'A presented again within the reuse interval gets a pair, C');
my $a_id = token_id('a');
my $session2 = session_of('a');
is( run_ok($admin, "SELECT (SELECT token FROM tokens WHERE name = 'b') = (SELECT token FROM tokens WHERE name = 'c')"),
	't', 'C\'s refresh token is B\'s: the same child, not a second chain');
is( run_ok($admin, "SELECT count(*) FROM jwt_auth.refresh_tokens WHERE parent_id = '$a_id'"),
	'1', 'A has exactly one child');
is( run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id = '$a_id'"),
	'1', 'A\'s used_at was set once');
# wait until A was used more than the interval ago
$node->poll_query_until('postgres',
	"SELECT now() - used_at > interval '1s' FROM jwt_auth.refresh_tokens WHERE id = '$a_id'")
  or die 'A\'s use never got older than the interval';
like(
	refresh($admin, 'a', 'a.late'),
	qr/ERROR:  28000: invalid refresh token\nDETAIL:  The refresh token was already used; the session is revoked\.\n/,
	'A presented after the reuse interval gets 28000: already used, the session is revoked');
is(run_ok($admin, "SELECT revoked_reason FROM jwt_auth.sessions WHERE id = '$session2'"),
	'reuse', 'the revocation outlives the error: revoked_reason is reuse');
like(refresh($admin, 'b', 'b.next'), $refused_revoked, 'B is refused: the session is revoked');
like(refresh($admin, 'c', 'c.next'), $refused_revoked, 'C is refused: the session is revoked');

# --- a reuse in a transaction that began before the token's first use ------
#
# The first use sets used_at to its transaction's start; the reuse is
# judged by the reusing transaction's start, now(), which can be earlier
# than used_at however late the token is presented: now() - used_at is
# then negative, never over the interval, and the reuse gets a pair.

my $x = psql_session($node);
run_ok($x, "SET jwt_auth.refresh_reuse_interval = '1s'");
login('d');
run_ok($x, 'BEGIN');
run_ok($x, 'SELECT now()');
is(refresh($admin, 'd', 'd2'), '', 'D is rotated while another session has a transaction open');
$node->poll_query_until('postgres',
	"SELECT clock_timestamp() - used_at > interval '2s' FROM jwt_auth.refresh_tokens "
	  . "WHERE id = '" . token_id('d') . "'")
  or die 'D\'s use never got older than the interval';
like(
	refresh($x, 'd', 'd.late'),
	qr/ERROR:  28000: invalid refresh token\n/,
	'D presented 2 s after its use (interval 1 s) is refused, '
	  . 'even in a transaction that began before that use');
run($x, 'ROLLBACK');
$x->quit;

$_->quit for @racer, $admin;
$node->stop;

# --- reuse detection when no background worker can start ------------------
#
# The revocation is committed by a background worker; with no worker slot
# free it cannot be, and auth_refresh says so instead of claiming it was.

my $busy = PostgreSQL::Test::Cluster->new('no_workers');
$busy->init;
$busy->append_conf('postgresql.conf', 'max_worker_processes = 0');
$busy->start;
$busy->safe_psql(
	'postgres', q{
SET log_statement = 'none';
CREATE EXTENSION jwt_auth CASCADE;
SELECT jwt_auth.key_generate('HS256');
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.user_create('racer', :'password');
CREATE TABLE tokens (name text PRIMARY KEY, token text NOT NULL);
INSERT INTO tokens SELECT 'e', jwt_auth.auth_login('racer', :'password')->>'refresh_token';
}, extra_params => \@password);
$admin = psql_session($busy);
run_ok($admin, 'SET jwt_auth.refresh_reuse_interval = 0');
is(refresh($admin, 'e', 'f'), '', 'with max_worker_processes = 0, E is rotated to F');
like(
	refresh($admin, 'e', 'e.again'),
	qr/ERROR:  53400: refresh token reuse detected, but the session could not be revoked\n/,
	'E presented again is refused with 53400, saying the session could not be revoked');
is(run_ok($admin, 'SELECT count(*) FROM jwt_auth.sessions WHERE revoked_at IS NOT NULL'),
	'0', 'and indeed no session was revoked: nothing claims otherwise');
$admin->quit;
$busy->stop;

done_testing();
