# Install and drop: CREATE EXTENSION jwt_auth CASCADE installs cleanly,
# DROP EXTENSION jwt_auth leaves nothing behind (no object in schema
# jwt_auth, nor the schema, which the extension created; no function,
# type, table, view, role, event trigger, dependency or privilege that
# was not there before), installing again works, and a backend that used
# the dropped extension's keys does not keep trusting them.
#
# Updates: ALTER EXTENSION jwt_auth UPDATE on the newest version says it is
# already installed. Updating from 1.0 (its data, and a catalog equal to a
# fresh install's) is test/t/009_update.pl.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('install');
$node->init;
$node->append_conf('postgresql.conf', "log_statement = 'none'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE install');

# SQL in database install: its output, its stderr (notices, warnings, errors).
sub run
{
	my ($sql) = @_;
	my ($ret, $out, $err) = $node->psql('install', $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	$err =~ s/^psql:<stdin>:\d+: //mg;    # the line of the script
	$err =~ s/^LOCATION: .*\n?//mg;       # the line of the server's source
	return ($out, $err);
}

# SQL that must succeed: its output.
sub run_ok
{
	my ($sql) = @_;
	return $node->safe_psql('install', $sql);
}

# Every object the catalogs of this database (and the shared ones) hold,
# described, one per line: what an install adds and a drop must take away.
# Dependencies, initial privileges and comments are listed too, and the
# settings of roles and databases.
my $catalog_objects = q{
WITH objects(classid, objid) AS (
    SELECT 'pg_namespace'::regclass, oid FROM pg_namespace
    UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class
    UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type
    UNION ALL SELECT 'pg_proc'::regclass, oid FROM pg_proc
    UNION ALL SELECT 'pg_operator'::regclass, oid FROM pg_operator
    UNION ALL SELECT 'pg_opclass'::regclass, oid FROM pg_opclass
    UNION ALL SELECT 'pg_opfamily'::regclass, oid FROM pg_opfamily
    UNION ALL SELECT 'pg_cast'::regclass, oid FROM pg_cast
    UNION ALL SELECT 'pg_collation'::regclass, oid FROM pg_collation
    UNION ALL SELECT 'pg_conversion'::regclass, oid FROM pg_conversion
    UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint
    UNION ALL SELECT 'pg_attrdef'::regclass, oid FROM pg_attrdef
    UNION ALL SELECT 'pg_rewrite'::regclass, oid FROM pg_rewrite
    UNION ALL SELECT 'pg_trigger'::regclass, oid FROM pg_trigger
    UNION ALL SELECT 'pg_event_trigger'::regclass, oid FROM pg_event_trigger
    UNION ALL SELECT 'pg_policy'::regclass, oid FROM pg_policy
    UNION ALL SELECT 'pg_language'::regclass, oid FROM pg_language
    UNION ALL SELECT 'pg_am'::regclass, oid FROM pg_am
    UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid FROM pg_foreign_data_wrapper
    UNION ALL SELECT 'pg_foreign_server'::regclass, oid FROM pg_foreign_server
    UNION ALL SELECT 'pg_ts_config'::regclass, oid FROM pg_ts_config
    UNION ALL SELECT 'pg_ts_dict'::regclass, oid FROM pg_ts_dict
    UNION ALL SELECT 'pg_ts_parser'::regclass, oid FROM pg_ts_parser
    UNION ALL SELECT 'pg_ts_template'::regclass, oid FROM pg_ts_template
    UNION ALL SELECT 'pg_statistic_ext'::regclass, oid FROM pg_statistic_ext
    UNION ALL SELECT 'pg_transform'::regclass, oid FROM pg_transform
    UNION ALL SELECT 'pg_publication'::regclass, oid FROM pg_publication
    UNION ALL SELECT 'pg_default_acl'::regclass, oid FROM pg_default_acl
    UNION ALL SELECT 'pg_extension'::regclass, oid FROM pg_extension
    UNION ALL SELECT 'pg_authid'::regclass, oid FROM pg_authid
    UNION ALL SELECT 'pg_database'::regclass, oid FROM pg_database
    UNION ALL SELECT 'pg_tablespace'::regclass, oid FROM pg_tablespace
)
SELECT coalesce(pg_describe_object(classid, objid, 0), classid::text || ' ' || objid) FROM objects
UNION ALL
SELECT 'dependency: ' || coalesce(pg_describe_object(classid, objid, objsubid), classid || ' ' || objid)
       || ' -> ' || coalesce(pg_describe_object(refclassid, refobjid, refobjsubid), refclassid || ' ' || refobjid)
       || ' (' || deptype::text || ')'
  FROM pg_depend
UNION ALL
SELECT 'shared dependency: ' || coalesce(pg_describe_object(classid, objid, objsubid), classid || ' ' || objid)
       || ' -> ' || coalesce(pg_describe_object(refclassid, refobjid, 0), refclassid || ' ' || refobjid)
       || ' (' || deptype::text || ')'
  FROM pg_shdepend
UNION ALL
SELECT 'initial privileges: ' || coalesce(pg_describe_object(classoid, objoid, objsubid), classoid || ' ' || objoid)
       || ' ' || privtype::text || ' ' || initprivs::text
  FROM pg_init_privs
UNION ALL
SELECT 'comment: ' || coalesce(pg_describe_object(classoid, objoid, objsubid), classoid || ' ' || objoid)
  FROM pg_description
UNION ALL
SELECT 'setting: ' || setdatabase || ' ' || setrole || ' ' || setconfig::text FROM pg_db_role_setting
ORDER BY 1
};

# Objects that name jwt_auth, by name or by where they live.
my $named_jwt_auth = q{
SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname ~* 'jwt'
UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extname ~* 'jwt'
UNION ALL SELECT 'function ' || p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname ~* 'jwt' OR p.proname ~* 'jwt' OR p.prosrc ~* 'jwt_auth' OR p.probin ~* 'jwt_auth'
UNION ALL SELECT 'type ' || t.oid::regtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname ~* 'jwt' OR t.typname ~* 'jwt'
UNION ALL SELECT 'relation ' || c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname ~* 'jwt' OR c.relname ~* 'jwt'
UNION ALL SELECT 'role ' || rolname FROM pg_roles WHERE rolname ~* 'jwt'
UNION ALL SELECT 'event trigger ' || evtname FROM pg_event_trigger
UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname ~* 'jwt|keys_changed'
UNION ALL SELECT 'setting ' || setconfig::text FROM pg_db_role_setting WHERE setconfig::text ~* 'jwt'
ORDER BY 1
};

# Lines of $after that $before has not (as many times), numbers aside:
# OIDs are in the names of toast tables and foreign-key triggers.
sub added
{
	my ($before, $after) = @_;
	my %count;
	$count{ s/\d+/N/gr }++ for split /\n/, $before;
	my @added;
	for (map { s/\d+/N/gr } split /\n/, $after)
	{
		if ($count{$_}) { $count{$_}-- }
		else { push @added, $_ }
	}
	return @added;
}

# Leave out the database the test made for reference.
sub not_ours
{
	return grep { !/^(database |shared dependency: database )/ } @_;
}

my $default = run_ok(q{SELECT default_version FROM pg_available_extensions WHERE name = 'jwt_auth'});
note "default version: $default";

# --- the install script refuses to run outside CREATE EXTENSION -----------

my $sharedir = $node->config_data('--sharedir');
my ($script_out, $script_err) = run_command(
	[ 'psql', '-X', '-d', $node->connstr('install'), '-f', "$sharedir/extension/jwt_auth--1.0.sql" ]);
like($script_out . $script_err, qr/Use "CREATE EXTENSION jwt_auth" to load this file/,
	'the install script run by psql says to use CREATE EXTENSION');
is(run_ok(q{SELECT count(*) FROM pg_namespace WHERE nspname = 'jwt_auth'}),
	'0', 'and creates nothing (no schema jwt_auth)');

# --- install ------------------------------------------------------------------

# a table of the test's, for tokens to outlive the extension
my $kept = 'CREATE TABLE public.kept (name text PRIMARY KEY, token text)';
run_ok($kept);
my $pristine = run_ok($catalog_objects);
my ($out, $err) = run('CREATE EXTENSION jwt_auth CASCADE');
is(run_ok(q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	$default, "CREATE EXTENSION jwt_auth CASCADE installs version $default");
is($err =~ s/^NOTICE:  00000: installing required extension "pgcrypto"\n?//r,
	'', 'with no message but that it installs pgcrypto (no warning)');
is( run_ok(
		q{SELECT count(*) FROM pg_depend
           WHERE classid = 'pg_namespace'::regclass AND objid = 'jwt_auth'::regnamespace AND deptype = 'e'
             AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'jwt_auth')}),
	'1', 'with its schema jwt_auth, which is a member of the extension');

my $installed = run_ok($catalog_objects);
my $with_pgcrypto_only = do
{
	# what the drop must come back to: the database with pgcrypto alone
	$node->safe_psql('postgres', 'CREATE DATABASE reference');
	$node->safe_psql('reference', "$kept; CREATE EXTENSION pgcrypto");
	$node->safe_psql('reference', $catalog_objects);
};
my @added = added($pristine, $installed);
note scalar(@added) . ' catalog entries added by the install (with pgcrypto\'s)';

is( run_ok(
		q{SELECT string_agg(pg_describe_object(classid, objid, 0), ', ') FROM (
    SELECT 'pg_class'::regclass AS classid, c.oid AS objid FROM pg_class c
     WHERE c.relnamespace = 'jwt_auth'::regnamespace AND c.relkind NOT IN ('i', 't')
    UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace = 'jwt_auth'::regnamespace
    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t
     WHERE t.typnamespace = 'jwt_auth'::regnamespace AND t.typrelid = 0 AND t.typelem = 0) o
 WHERE NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'e'
                      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'jwt_auth'))}),
	'', 'every table, view, function and type in schema jwt_auth is a member of the extension');
is( join(', ', grep { /^(role |event trigger |setting: )/ } @added),
	'', 'the install creates no role, no event trigger, no role or database setting');

# --- drop -------------------------------------------------------------------

# Drop in a session that used the extension, then check from a new one.
($out, $err) = run(
	q{SELECT jwt_auth.key_generate('HS256', 'install-k1');
INSERT INTO kept VALUES ('before drop', jwt_auth.jwt_sign('{"sub":"old","exp":4102444800}'::jsonb));
SELECT jwt_auth.jwt_valid(token) FROM kept;
DROP EXTENSION jwt_auth;});
is($err, '', 'DROP EXTENSION jwt_auth succeeds, with no message');

my $dropped = run_ok($catalog_objects);
my @left = not_ours(added($with_pgcrypto_only, $dropped));
is(join("\n", @left), '',
	'after DROP EXTENSION, the catalogs hold nothing the install added (schema, initial privileges and all)');
is(run_ok($named_jwt_auth), '',
	'no schema, function, type, table, view, role, event trigger or setting names jwt_auth');

is(run_ok(q{SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'}),
	'1', 'pgcrypto, which CASCADE installed, stays (DROP EXTENSION does not cascade up)');

# --- install again ------------------------------------------------------------

# a schema jwt_auth that is not the extension's is refused, not adopted
run_ok('CREATE SCHEMA jwt_auth');
($out, $err) = run('CREATE EXTENSION jwt_auth');
like($err, qr/ERROR:  42P06: schema "jwt_auth" already exists/,
	'CREATE EXTENSION refuses when a schema jwt_auth already exists (42P06), not taking it over');
is(run_ok(q{SELECT count(*) FROM pg_extension WHERE extname = 'jwt_auth'}),
	'0', 'and installs nothing');
run_ok('DROP SCHEMA jwt_auth');

($out, $err) = run('CREATE EXTENSION jwt_auth');
is($err, '', 'CREATE EXTENSION jwt_auth again (pgcrypto is there) succeeds, with no message');
my $reinstalled = run_ok($catalog_objects);
is( join("\n",
		(map { "only now: $_" } not_ours(added($installed, $reinstalled))),
		(map { "only after the first install: $_" } not_ours(added($reinstalled, $installed)))),
	'', 'and the catalogs describe the same objects as after the first install');
($out, $err) = run('CREATE EXTENSION IF NOT EXISTS jwt_auth');
like($err, qr/NOTICE:  42710: extension "jwt_auth" already exists, skipping/,
	'CREATE EXTENSION IF NOT EXISTS on the installed extension only says it is there');

# a backend that trusted a key of the dropped extension must not go on
# trusting a token of it, even if a new key takes the same kid
is( run_ok(
		q{SELECT jwt_auth.key_generate('HS256', 'install-k1');
SELECT jwt_auth.jwt_valid(token) FROM kept WHERE name = 'before drop';
SELECT jwt_auth.jwt_verify(jwt_auth.jwt_sign('{"sub":"new","exp":4102444800}'::jsonb))->>'sub';}),
	"install-k1\nf\nnew",
	'after reinstall, a token of the dropped extension\'s key is refused, even under the same kid; '
	  . 'the new key signs and verifies');
($out, $err) = run(
	q{SELECT jwt_auth.key_generate('HS256', 'install-k2');
DROP EXTENSION jwt_auth;
CREATE EXTENSION jwt_auth;
SELECT jwt_auth.key_generate('HS256', 'install-k2');
SELECT jwt_auth.jwt_valid(token) FROM kept WHERE name = 'before drop';});
is($out, "install-k2\ninstall-k2\nf",
	'in one session: drop, reinstall, the same kid again: the old token is still refused')
  or diag $err;

# --- pgcrypto in a schema of its own -----------------------------------------

# jwt_auth calls pgcrypto's bcrypt wherever pgcrypto was installed
{
	local $ENV{JWT_AUTH_TEST_PASSWORD} = join '', map { ('a' .. 'z', 0 .. 9)[ int rand 36 ] } 1 .. 20;
	($out, $err) = run(
		q{\getenv password JWT_AUTH_TEST_PASSWORD
DROP EXTENSION jwt_auth;
DROP EXTENSION pgcrypto;
CREATE SCHEMA elsewhere;
CREATE EXTENSION pgcrypto SCHEMA elsewhere;
CREATE EXTENSION jwt_auth;
SET jwt_auth.bcrypt_cost = 4;
SELECT jwt_auth.key_generate('HS256', 'install-k3');
SELECT jwt_auth.user_create('elsewhere', :'password') IS NOT NULL;
SELECT jwt_auth.auth_login('elsewhere', :'password') ? 'access_token';
SELECT count(*) FROM pg_proc WHERE proname = 'crypt' AND pronamespace = 'elsewhere'::regnamespace;});
}
is($out, "install-k3\nt\nt\n1", 'with pgcrypto in schema elsewhere, users are created and log in') or diag $err;
run_ok(q{DROP EXTENSION jwt_auth; DROP EXTENSION pgcrypto; DROP SCHEMA elsewhere;
CREATE EXTENSION jwt_auth CASCADE;});

# --- updates ----------------------------------------------------------------

($out, $err) = run('ALTER EXTENSION jwt_auth UPDATE');
like($err, qr/NOTICE:  00000: version "\Q$default\E" of extension "jwt_auth" is already installed/,
	"ALTER EXTENSION jwt_auth UPDATE says version $default is already installed");
is(run_ok(q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	$default, 'and the extension stays at it');
my @versions = split /\n/,
  run_ok(q{SELECT version FROM pg_available_extension_versions WHERE name = 'jwt_auth' ORDER BY version});
note 'available versions: ' . join(', ', @versions);

$node->stop;
done_testing();
