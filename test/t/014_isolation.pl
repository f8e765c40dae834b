# auth_refresh, auth_login and auth_logout under each isolation level
# (READ COMMITTED, REPEATABLE READ, SERIALIZABLE), with sessions racing
# on the same rows. A holder session locks the row the racers need, so
# every racer is inside the function, waiting, before any goes on.
#
# Under every level a raced refresh token gets exactly one child (within
# jwt_auth.refresh_reuse_interval every winner gets that same child: one
# chain, never a second pair); a racer that does not win either gets that
# chain, or 28000, or a serialization failure (40001) with a hint to
# retry, and its retry then gets the chain (or 28000 when reused). A
# logout that commits while a refresh waits is never lost: the refresh
# is refused (28000 or 40001), nothing of it is kept; so is one that
# waits while its user is disabled. Logins of one user at once each make
# a session with its refresh token, or fail with 40001 and leave nothing.
#
# Refresh tokens never leave the server: they are kept in the table
# tokens under a name. The password reaches the server as a psql variable.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use JwtAuthTest;

my $racers = 8;
my @password = ('-v', 'password=isolation-password-1');

my $node = PostgreSQL::Test::Cluster->new('isolation');
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
CREATE TABLE token_updates (token_id uuid);
CREATE FUNCTION log_token_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.token_updates VALUES (OLD.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER log_token_update AFTER UPDATE ON jwt_auth.refresh_tokens
    FOR EACH ROW EXECUTE FUNCTION log_token_update();
ALTER SYSTEM SET jwt_auth.bcrypt_cost = 4;
SELECT pg_reload_conf();
}, extra_params => \@password);

my @racer = map { psql_session($node, quiet => 1, extra_params => \@password) } 1 .. $racers;
my $admin = psql_session($node, quiet => 1, extra_params => \@password);

sub login
{
	my ($name) = @_;
	run_ok($admin,
		"INSERT INTO tokens SELECT '$name', jwt_auth.auth_login('racer', :'password')->>'refresh_token'");
}

sub refresh_sql
{
	my ($from, $to) = @_;
	return "WITH r AS (SELECT jwt_auth.auth_refresh((SELECT token FROM tokens WHERE name = '$from')) AS p), "
	  . "i AS (INSERT INTO tokens SELECT '$to', p->>'refresh_token' FROM r) "
	  . "SELECT p ? 'access_token' FROM r";
}

sub refresh
{
	my ($session, $from, $to) = @_;
	my ($out, $err) = run($session, refresh_sql($from, $to));
	return $err if $err ne '';
	die "auth_refresh returned no access token" unless $out eq 't';
	return '';
}

sub token_id
{
	my ($name) = @_;
	return run_ok($admin,
		"SELECT r.id FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = '$name'");
}

sub session_of
{
	my ($name) = @_;
	return run_ok($admin,
		"SELECT session_id FROM jwt_auth.refresh_tokens WHERE id = '" . token_id($name) . "'");
}

# Start $sql in each of @sessions; they must all wait on a lock.
sub start_waiting
{
	my ($like, $sessions, $sqls) = @_;
	for my $i (0 .. $#$sessions)
	{
		$sessions->[$i]{stderr} = '';
		$sessions->[$i]->query_until(qr/waiting\n/, "\\echo waiting\n$sqls->[$i];\n");
	}
	my $n = scalar @$sessions;
	$node->poll_query_until('postgres',
		"SELECT count(*) = $n FROM pg_stat_activity "
		  . "WHERE wait_event_type = 'Lock' AND query LIKE '%$like%'")
	  or die "not all $n sessions waited on a lock";
}

# The outcome of what start_waiting started in $s: { out => ..., error => ... }.
sub finish
{
	my ($s) = @_;
	my $out = $s->query_until(qr/done\n/, "\\echo done\n\\warn done\n");
	pump_until($s->{run}, $s->{timeout}, \$s->{stderr}, qr/done\n/);
	my $err = $s->{stderr};
	$err =~ s/done\n//;
	$s->{stderr} = '';
	$out =~ s/done\n$//;
	$out =~ s/\n$//;
	return { out => $out, error => $err };
}

# A holder's transaction that locks the rows $lock_sql selects.
sub hold
{
	my ($lock_sql) = @_;
	my $holder = $node->background_psql('postgres');
	$holder->query_safe('BEGIN');
	$holder->query_safe($lock_sql);
	return $holder;
}

sub hold_token
{
	my ($name) = @_;
	return hold("SELECT 1 FROM tokens t JOIN jwt_auth.refresh_tokens r "
		  . "ON r.token_hash = jwt_auth._refresh_token_hash(t.token) WHERE t.name = '$name' "
		  . "FOR UPDATE OF r");
}

# raised inside the function: its hint; at commit (SERIALIZABLE): PostgreSQL's own
my $retryable = qr/ERROR:  40001: could not serialize access .*\n(?:.*\n)*?HINT:  (?:Another transaction changed the same rows; retry the whole transaction|The transaction might succeed if retried)\.\n/;
my $refused = qr/ERROR:  28000: invalid refresh token\n/;

my %matrix;
for my $level ('read committed', 'repeatable read', 'serializable')
{
	my $serial = $level ne 'read committed';
	run_ok($_, "SET default_transaction_isolation = '$level'") for @racer;
	run_ok($_, "RESET jwt_auth.refresh_reuse_interval") for @racer;

	# --- racers on one token within the reuse interval --------------------
	my $from = "$level.t0" =~ s/ /_/gr;
	login($from);
	my $id = token_id($from);
	my $sid = session_of($from);
	my $holder = hold_token($from);
	start_waiting('auth_refresh', \@racer, [ map { refresh_sql($from, "$from.$_") } 0 .. $#racer ]);
	$holder->query_safe('COMMIT');
	$holder->quit;
	my @o = map { finish($_) } @racer;
	my @won = grep { $o[$_]{error} eq '' } 0 .. $#o;
	my @lost = grep { $o[$_]{error} ne '' } 0 .. $#o;
	is(scalar(grep { $o[$_]{out} eq 't' } @won), scalar @won, "$level: every winner got a pair");
	cmp_ok(scalar @won, '>=', 1, "$level: at least one racer gets a pair");
	if ($serial)
	{
		is(scalar(grep { $o[$_]{error} =~ $retryable } @lost), scalar @lost,
			"$level: every other racer gets 40001 with a hint to retry");
	}
	else
	{
		is(scalar @won, $racers, "$level: within the reuse interval every racer gets the chain");
	}
	is( run_ok($admin, "SELECT count(DISTINCT token) FROM tokens WHERE name LIKE '$from.%'"),
		'1', "$level: one child refresh token among the winners, not one per racer");
	is(run_ok($admin, "SELECT count(*) FROM jwt_auth.refresh_tokens WHERE parent_id = '$id'"),
		'1', "$level: the raced token has exactly one child");
	is(run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id = '$id'"),
		'1', "$level: the raced token was updated exactly once");
	# the losers retry, one after another, in a new transaction each
	is(scalar(grep { refresh($racer[$_], $from, "$from.retry$_") eq '' } @lost),
		scalar @lost, "$level: each loser's retry gets a pair");
	is( run_ok($admin, "SELECT count(DISTINCT token) FROM tokens WHERE name LIKE '$from.%'"),
		'1', "$level: the retries got the same child: still one chain");
	is(run_ok($admin, "SELECT revoked_at IS NULL FROM jwt_auth.sessions WHERE id = '$sid'"),
		't', "$level: the session is not revoked");
	$matrix{$level}{'refresh race, reuse interval'} = scalar(@won) . ' pair(s) of one chain, '
	  . scalar(@lost) . ' x 40001 (retry: same chain)';

	# --- racers on one token with a reuse interval of 0 -------------------
	run_ok($_, 'SET jwt_auth.refresh_reuse_interval = 0') for @racer;
	$from = "$level.t1" =~ s/ /_/gr;
	login($from);
	$id = token_id($from);
	$sid = session_of($from);
	$holder = hold_token($from);
	start_waiting('auth_refresh', \@racer, [ map { refresh_sql($from, "$from.$_") } 0 .. $#racer ]);
	$holder->query_safe('COMMIT');
	$holder->quit;
	@o = map { finish($_) } @racer;
	@won = grep { $o[$_]{error} eq '' } 0 .. $#o;
	@lost = grep { $o[$_]{error} ne '' } 0 .. $#o;
	is(scalar @won, 1, "$level, reuse interval 0: exactly one racer gets a pair");
	my $want = $serial ? $retryable : $refused;
	is(scalar(grep { $o[$_]{error} =~ $want } @lost), $racers - 1,
		"$level, reuse interval 0: every other racer gets " . ($serial ? '40001 with a hint' : '28000'));
	is(run_ok($admin, "SELECT count(*) FROM jwt_auth.refresh_tokens WHERE parent_id = '$id'"),
		'1', "$level, reuse interval 0: the raced token has exactly one child");
	is(run_ok($admin, "SELECT count(*) FROM token_updates WHERE token_id = '$id'"),
		'1', "$level, reuse interval 0: the raced token was updated exactly once");
	if ($serial)
	{
		is(run_ok($admin, "SELECT revoked_at IS NULL FROM jwt_auth.sessions WHERE id = '$sid'"),
			't', "$level, reuse interval 0: the losers revoked nothing (their transactions failed)");
		like(refresh($racer[ $lost[0] ], $from, "$from.retry"), $refused,
			"$level, reuse interval 0: a loser's retry presents a used token: 28000");
	}
	is(run_ok($admin, "SELECT revoked_reason FROM jwt_auth.sessions WHERE id = '$sid'"),
		'reuse', "$level, reuse interval 0: the session ends revoked for reuse");
	like(refresh($admin, "$from.$won[0]", "$from.next"), $refused,
		"$level, reuse interval 0: the winner's new token is refused");
	$matrix{$level}{'refresh race, interval 0'} = '1 pair, ' . scalar(@lost) . ' x '
	  . ($serial ? '40001 (retry: 28000, revoked)' : '28000 (revoked)');

	# --- a logout commits while a refresh of the same session waits -------
	$from = "$level.t2" =~ s/ /_/gr;
	login($from);
	$id = token_id($from);
	$sid = session_of($from);
	$holder = hold_token($from);
	start_waiting('auth_refresh', [ $racer[0] ], [ refresh_sql($from, "$from.r") ]);
	run_ok($admin, "SELECT jwt_auth.auth_logout((SELECT token FROM tokens WHERE name = '$from'))");
	$holder->query_safe('COMMIT');
	$holder->quit;
	my $r = finish($racer[0]);
	like($r->{error}, $serial ? $retryable : qr/ERROR:  28000: invalid refresh token\nDETAIL:  The session is revoked\.\n/,
		"$level: a refresh waiting while a logout commits is refused (" . ($serial ? '40001' : '28000') . ')');
	is( run_ok($admin,
			"SELECT used_at IS NULL AND NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens c WHERE c.parent_id = r.id) "
			  . "FROM jwt_auth.refresh_tokens r WHERE id = '$id'"),
		't', "$level: the token stays unused, with no child");
	is(run_ok($admin, "SELECT revoked_reason FROM jwt_auth.sessions WHERE id = '$sid'"),
		'logout', "$level: the logout is not lost");
	like(refresh($racer[0], $from, "$from.r2"), qr/DETAIL:  The session is revoked\./,
		"$level: a retry is refused: the session is revoked");
	$matrix{$level}{'refresh waiting, logout commits'} = ($serial ? '40001' : '28000') . ', logout kept';

	# --- the user is disabled while a refresh of one of its sessions waits -
	$from = "$level.t3" =~ s/ /_/gr;
	login($from);
	$id = token_id($from);
	$sid = session_of($from);
	$holder = hold_token($from);
	start_waiting('auth_refresh', [ $racer[0] ], [ refresh_sql($from, "$from.r") ]);
	run_ok($admin, "SELECT jwt_auth.user_set_disabled('racer')");
	$holder->query_safe('COMMIT');
	$holder->quit;
	$r = finish($racer[0]);
	like($r->{error}, $serial ? $retryable : qr/ERROR:  28000: invalid refresh token\nDETAIL:  The session is revoked\.\n/,
		"$level: a refresh waiting while its user is disabled is refused (" . ($serial ? '40001' : '28000') . ')');
	is( run_ok($admin,
			"SELECT used_at IS NULL AND NOT EXISTS (SELECT FROM jwt_auth.refresh_tokens c WHERE c.parent_id = r.id) "
			  . "FROM jwt_auth.refresh_tokens r WHERE id = '$id'"),
		't', "$level: the token stays unused, with no child");
	is(run_ok($admin, "SELECT revoked_reason FROM jwt_auth.sessions WHERE id = '$sid'"),
		'disabled', "$level: the revocation by disabling is not lost");
	like(refresh($racer[0], $from, "$from.r2"), qr/DETAIL:  The session is revoked\./,
		"$level: a retry is refused: the session is revoked");
	run_ok($admin, "SELECT jwt_auth.user_set_disabled('racer', false)");
	$matrix{$level}{'refresh waiting, user disabled'} = ($serial ? '40001' : '28000') . ', revocation kept';

	# --- logins of one user at once ---------------------------------------
	my $before = run_ok($admin, 'SELECT count(*) FROM jwt_auth.sessions');
	$holder = hold("SELECT 1 FROM jwt_auth.users WHERE username = 'racer' FOR UPDATE");
	my $tag = "$level.login" =~ s/ /_/gr;
	start_waiting('auth_login', \@racer,
		[ map { "INSERT INTO tokens SELECT '$tag.$_', jwt_auth.auth_login('racer', :'password')->>'refresh_token'" } 0 .. $#racer ]);
	$holder->query_safe('COMMIT');
	$holder->quit;
	@o = map { finish($_) } @racer;
	@won = grep { $o[$_]{error} eq '' } 0 .. $#o;
	@lost = grep { $o[$_]{error} ne '' } 0 .. $#o;
	is(scalar(grep { $o[$_]{error} =~ $retryable } @lost),
		scalar @lost, "$level: a login that does not succeed fails with 40001 and a hint");
	is(scalar @won, $serial ? 1 : $racers, "$level: " . ($serial ? 'one login' : 'every login') . ' succeeds');
	is(run_ok($admin, 'SELECT count(*) FROM jwt_auth.sessions') - $before, scalar @won,
		"$level: one new session per successful login, none for a failed one");
	is( run_ok($admin,
			"SELECT count(*) FROM jwt_auth.sessions s WHERE NOT EXISTS "
			  . "(SELECT FROM jwt_auth.refresh_tokens r WHERE r.session_id = s.id)"),
		'0', "$level: no session without its refresh token");
	$matrix{$level}{'logins of one user'} = scalar(@won) . ' ok, ' . scalar(@lost) . ' x 40001';
}

note "isolation matrix ($racers racers):";
for my $level ('read committed', 'repeatable read', 'serializable')
{
	note sprintf('  %-16s %-30s %s', $level, $_, $matrix{$level}{$_}) for sort keys %{ $matrix{$level} };
}

$_->quit for @racer, $admin;
$node->stop;
done_testing();
