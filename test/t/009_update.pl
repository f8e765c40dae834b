# Updates: ALTER EXTENSION jwt_auth UPDATE from the released 1.0 to the
# default version gives exactly what a fresh install of the default version
# gives, and keeps the data working.
#
# Database "updated": CREATE EXTENSION jwt_auth VERSION '1.0' CASCADE, then
# keys (an HS256 key, retired by an ES256 key), users, logins (a live
# session, one rotated once, one logged out) and tokens signed with the
# stored keys; then ALTER EXTENSION jwt_auth UPDATE.
# Database "fresh": CREATE EXTENSION jwt_auth CASCADE (the default version).
#
# The catalogs of the two extensions are described, member by member,
# without OIDs (functions with every attribute and their body or C symbol,
# tables with columns, constraints, indexes, triggers, policies, rules and
# RLS flags, views, sequences, types, event triggers, owners relative to the
# extension's owner, ACLs and initial privileges with role names, comments,
# dependencies, the tables registered for pg_dump and their conditions) and
# compared: a difference fails with the objects that differ, then a unified
# diff of the whole descriptions. The comparison is shown to see changes of
# each kind by making some in a transaction it rolls back. Settings (GUCs)
# are not in the catalogs and are not compared.
#
# After the update the rows of users, keys, sessions and refresh tokens are
# the same (count and a checksum of their 1.0 columns); tokens signed before
# it verify with the stored keys (also a retired key's); authenticate()
# takes a live session's token and refuses the logged-out one; a refresh
# token of 1.0 rotates, one rotated before the update is taken for reuse;
# the users log in. ALTER EXTENSION jwt_auth UPDATE again says the default
# version is already installed.
#
# Tokens stay in the table "tokens" (SQL refers to them by name) and the
# password reaches psql through its environment (\getenv): no SQL text and
# no test output holds them.
use strict;
use warnings;

use File::Temp ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $password = join '', map { ('a' .. 'z', 'A' .. 'Z', 0 .. 9)[ int rand 62 ] } 1 .. 24;
$ENV{JWT_AUTH_TEST_PASSWORD} = $password;

my $node = PostgreSQL::Test::Cluster->new('update');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
log_statement = 'none'
log_min_error_statement = 'panic'
jwt_auth.bcrypt_cost = 4
});
$node->start;
$node->safe_psql('postgres',
	'CREATE ROLE app_user NOLOGIN; CREATE DATABASE updated; CREATE DATABASE fresh');

# SQL in a database: its output and its stderr (notices, warnings, errors).
sub run
{
	my ($db, $sql) = @_;
	my ($ret, $out, $err) = $node->psql($db, $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	$err =~ s/^psql:<stdin>:\d+: //mg;    # the line of the script
	$err =~ s/^LOCATION: .*\n?//mg;       # the line of the server's source
	return ($out, $err);
}

# SQL that must succeed: its output.
sub run_ok
{
	my ($db, $sql) = @_;
	return $node->safe_psql($db, $sql);
}

# --- the catalog of the extension, described ---------------------------------

# One row per fact, "object<TAB>fact", sorted: every member of extension
# jwt_auth under its pg_describe_object name, its parts (columns,
# constraints, indexes, triggers, policies, rules, defaults) under the
# member they belong to, and the extension itself. No OID: roles by name
# (the extension's owner as "(extension owner)", so that who installed it
# does not matter), objects by name and argument types, bodies line by
# line. The helper functions are temporary (pg_temp), not in the catalog
# described.
my $describe = q{
CREATE FUNCTION pg_temp.who(r oid) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r = 0 THEN 'PUBLIC'
                WHEN r = (SELECT extowner FROM pg_extension WHERE extname = 'jwt_auth') THEN '(extension owner)'
                ELSE coalesce((SELECT rolname::text FROM pg_roles WHERE oid = r), 'no role ' || r) END
$$;
CREATE FUNCTION pg_temp.acl(a aclitem[]) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a IS NULL THEN 'default (NULL)' ELSE coalesce(
        (SELECT string_agg(item, '; ' ORDER BY item COLLATE "C")
           FROM (SELECT pg_temp.who(x.grantee)
                        || CASE WHEN x.grantor = e.extowner THEN '' ELSE ' (granted by ' || pg_temp.who(x.grantor) || ')' END
                        || ': ' || string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' with grant option' ELSE '' END,
                                              ', ' ORDER BY x.privilege_type COLLATE "C") AS item
                   FROM aclexplode(a) x, pg_extension e WHERE e.extname = 'jwt_auth'
                  GROUP BY x.grantee, x.grantor, e.extowner) s), 'none') END
$$;
CREATE FUNCTION pg_temp.lines(label text, body text) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT label || ' ' || lpad(n::text, 4, '0') || ' | ' || line
      FROM regexp_split_to_table(body, E'\n') WITH ORDINALITY AS b(line, n)
$$;

WITH ext AS (SELECT * FROM pg_extension WHERE extname = 'jwt_auth'),
members AS (
    SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS obj
      FROM ext
      JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
rel AS (SELECT m.obj, c.* FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid),
fn AS (
    SELECT m.obj, p.*, l.lanname FROM members m
      JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
      JOIN pg_language l ON l.oid = p.prolang
),
typ AS (SELECT m.obj, t.* FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid),
-- relations with columns: member tables and views, and member composite types
columned AS (
    SELECT obj, oid AS relid FROM rel WHERE relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
    UNION ALL SELECT obj, typrelid FROM typ WHERE typtype = 'c'
),
-- parts of member relations and types, which are not members themselves
parts AS (
    SELECT rel.obj, 'pg_constraint'::regclass AS classid, c.oid AS objid
      FROM rel JOIN pg_constraint c ON c.conrelid = rel.oid
    UNION ALL SELECT typ.obj, 'pg_constraint'::regclass, c.oid FROM typ JOIN pg_constraint c ON c.contypid = typ.oid
    UNION ALL SELECT rel.obj, 'pg_class'::regclass, i.indexrelid FROM rel JOIN pg_index i ON i.indrelid = rel.oid
    UNION ALL SELECT rel.obj, 'pg_trigger'::regclass, t.oid FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid
     WHERE NOT t.tgisinternal
    UNION ALL SELECT rel.obj, 'pg_policy'::regclass, p.oid FROM rel JOIN pg_policy p ON p.polrelid = rel.oid
    UNION ALL SELECT rel.obj, 'pg_rewrite'::regclass, r.oid FROM rel JOIN pg_rewrite r ON r.ev_class = rel.oid
    UNION ALL SELECT rel.obj, 'pg_attrdef'::regclass, a.oid FROM rel JOIN pg_attrdef a ON a.adrelid = rel.oid
),
everything AS (SELECT obj, classid, objid, false AS part FROM members UNION ALL SELECT obj, classid, objid, true FROM parts),
facts(obj, fact) AS (
    SELECT obj, 'member of the extension' FROM members

    -- the extension: version, schema, what it requires, the tables pg_dump keeps
    UNION ALL SELECT 'extension jwt_auth', f FROM ext, unnest(ARRAY[
        'version ' || extversion,
        'schema ' || extnamespace::regnamespace::text,
        'relocatable ' || extrelocatable,
        'owner ' || pg_temp.who(extowner)]) f
    UNION ALL SELECT 'extension jwt_auth', 'depends on ' || pg_describe_object(d.refclassid, d.refobjid, 0)
           || ' (' || d.deptype::text || ')'
      FROM ext JOIN pg_depend d ON d.classid = 'pg_extension'::regclass AND d.objid = ext.oid
    UNION ALL SELECT 'extension jwt_auth',
           'config table ' || coalesce(c.t::regclass::text, 'NULL') || ' condition ' || coalesce(quote_literal(c.cond), 'NULL')
      FROM ext, unnest(ext.extconfig, ext.extcondition) c(t, cond)
    UNION ALL SELECT 'extension jwt_auth', 'config tables and conditions not paired: '
           || coalesce(array_length(extconfig, 1), 0) || ' and ' || coalesce(array_length(extcondition, 1), 0)
      FROM ext WHERE coalesce(array_length(extconfig, 1), 0) <> coalesce(array_length(extcondition, 1), 0)

    -- schemas
    UNION ALL SELECT m.obj, f FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid,
        unnest(ARRAY['owner ' || pg_temp.who(n.nspowner), 'acl ' || pg_temp.acl(n.nspacl)]) f

    -- functions and procedures
    UNION ALL SELECT obj, f FROM fn, unnest(ARRAY[
        'kind ' || CASE prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                                WHEN 'w' THEN 'window' ELSE prokind::text END,
        'arguments ' || pg_get_function_arguments(oid),
        'result ' || coalesce(pg_get_function_result(oid), '(none)'),
        'language ' || lanname,
        'volatility ' || CASE provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
        'strict ' || proisstrict,
        'security definer ' || prosecdef,
        'leakproof ' || proleakproof,
        'parallel ' || CASE proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END,
        'cost ' || procost || ', rows ' || prorows,
        'support ' || prosupport::regproc::text,
        'config ' || coalesce(array_to_string(proconfig, ', '), '(none)'),
        'owner ' || pg_temp.who(proowner),
        'acl ' || pg_temp.acl(proacl),
        CASE WHEN lanname IN ('c', 'internal') THEN 'symbol ' || coalesce(probin || ' ', '') || prosrc END]) f
     WHERE f IS NOT NULL
    UNION ALL SELECT obj, pg_temp.lines('body', coalesce(pg_get_function_sqlbody(oid), prosrc))
      FROM fn WHERE lanname NOT IN ('c', 'internal')

    -- relations
    UNION ALL SELECT obj, f FROM rel, unnest(ARRAY[
        'kind ' || CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                                WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                                WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'composite type' ELSE relkind::text END,
        'persistence ' || CASE relpersistence WHEN 'p' THEN 'permanent' WHEN 'u' THEN 'unlogged' ELSE 'temporary' END,
        'owner ' || pg_temp.who(relowner),
        'acl ' || pg_temp.acl(relacl),
        'row level security ' || relrowsecurity || ', forced ' || relforcerowsecurity,
        'replica identity ' || relreplident::text,
        'options ' || coalesce(array_to_string(reloptions, ', '), '(none)'),
        CASE WHEN relam <> 0 THEN 'access method ' || (SELECT amname FROM pg_am WHERE oid = relam) END,
        CASE WHEN relispartition THEN 'partition of ' || (SELECT string_agg(inhparent::regclass::text, ', ')
                                                           FROM pg_inherits WHERE inhrelid = rel.oid) END]) f
     WHERE f IS NOT NULL
    UNION ALL SELECT obj, pg_temp.lines('definition', pg_get_viewdef(oid, true)) FROM rel WHERE relkind IN ('v', 'm')
    UNION ALL SELECT rel.obj, 'sequence ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart
           || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
           || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE ' no cycle' END
      FROM rel JOIN pg_sequence s ON s.seqrelid = rel.oid
    UNION ALL SELECT c.obj, 'column ' || lpad(a.pos::text, 2, '0') || ' ' || quote_ident(a.attname) || ' '
           || format_type(a.atttypid, a.atttypmod)
           || coalesce(' collate ' || quote_ident(co.collname), '')
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || CASE WHEN a.attgenerated = 's' THEN ' generated always as (' || pg_get_expr(d.adbin, d.adrelid) || ') stored'
                   ELSE coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') END
           || CASE a.attidentity WHEN 'a' THEN ' generated always as identity'
                                 WHEN 'd' THEN ' generated by default as identity' ELSE '' END
           || CASE WHEN a.attacl IS NOT NULL THEN ', acl ' || pg_temp.acl(a.attacl) ELSE '' END
      FROM columned c
      JOIN (SELECT *, row_number() OVER (PARTITION BY attrelid ORDER BY attnum) AS pos
              FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped) a ON a.attrelid = c.relid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
    UNION ALL SELECT rel.obj, 'constraint ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid, true)
      FROM rel JOIN pg_constraint c ON c.conrelid = rel.oid
    UNION ALL SELECT rel.obj, 'index ' || pg_get_indexdef(i.indexrelid)
           || CASE WHEN i.indisclustered THEN ' (clustered)' ELSE '' END
           || CASE WHEN i.indisreplident THEN ' (replica identity)' ELSE '' END
           || CASE WHEN NOT i.indisvalid THEN ' (invalid)' ELSE '' END
      FROM rel JOIN pg_index i ON i.indrelid = rel.oid
    UNION ALL SELECT rel.obj, 'trigger ' || pg_get_triggerdef(t.oid, true) || ' (enabled ' || t.tgenabled::text || ')'
      FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid WHERE NOT t.tgisinternal
    UNION ALL SELECT rel.obj, 'policy ' || quote_ident(p.polname)
           || CASE WHEN p.polpermissive THEN ' permissive' ELSE ' restrictive' END
           || ' for ' || CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
                                       WHEN 'd' THEN 'delete' ELSE 'all' END
           || ' to ' || (SELECT string_agg(pg_temp.who(r), ', ' ORDER BY pg_temp.who(r) COLLATE "C")
                           FROM unnest(p.polroles) r)
           || coalesce(' using (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
           || coalesce(' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')
      FROM rel JOIN pg_policy p ON p.polrelid = rel.oid
    UNION ALL SELECT rel.obj, 'rule ' || pg_get_ruledef(r.oid, true) || ' (enabled ' || r.ev_enabled::text || ')'
      FROM rel JOIN pg_rewrite r ON r.ev_class = rel.oid WHERE r.rulename <> '_RETURN'

    -- types
    UNION ALL SELECT obj, f FROM typ, unnest(ARRAY[
        'kind ' || CASE typtype WHEN 'b' THEN 'base' WHEN 'c' THEN 'composite' WHEN 'd' THEN 'domain'
                                WHEN 'e' THEN 'enum' WHEN 'p' THEN 'pseudo' WHEN 'r' THEN 'range'
                                WHEN 'm' THEN 'multirange' ELSE typtype::text END,
        'owner ' || pg_temp.who(typowner),
        'acl ' || pg_temp.acl(typacl),
        CASE WHEN typtype = 'd' THEN 'domain over ' || format_type(typbasetype, typtypmod)
                 || CASE WHEN typnotnull THEN ' not null' ELSE '' END
                 || coalesce(' default ' || typdefault, '')
                 || coalesce(' collate ' || (SELECT quote_ident(collname) FROM pg_collation WHERE oid = typcollation), '') END,
        CASE WHEN typtype = 'b' THEN 'input ' || typinput::text || ', output ' || typoutput::text
                 || ', receive ' || typreceive::text || ', send ' || typsend::text
                 || ', length ' || typlen || ', by value ' || typbyval || ', align ' || typalign::text
                 || ', storage ' || typstorage::text END,
        CASE WHEN typtype = 'r' THEN (SELECT 'range of ' || format_type(rngsubtype, NULL)
                                             || CASE WHEN rngsubdiff <> 0 THEN ' subtype diff ' || rngsubdiff::text ELSE '' END
                                        FROM pg_range WHERE rngtypid = typ.oid) END]) f
     WHERE f IS NOT NULL
    UNION ALL SELECT typ.obj, 'label ' || lpad(row_number() OVER (PARTITION BY e.enumtypid ORDER BY e.enumsortorder)::text, 3, '0')
           || ' ' || quote_literal(e.enumlabel)
      FROM typ JOIN pg_enum e ON e.enumtypid = typ.oid
    UNION ALL SELECT typ.obj, 'constraint ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid, true)
      FROM typ JOIN pg_constraint c ON c.contypid = typ.oid

    -- event triggers
    UNION ALL SELECT m.obj, 'on ' || e.evtevent || ' execute ' || e.evtfoid::regprocedure::text
           || ' (enabled ' || e.evtenabled::text || ')' || coalesce(' tags ' || array_to_string(e.evttags, ', '), '')
           || ', owner ' || pg_temp.who(e.evtowner)
      FROM members m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid

    -- of members and their parts: comments, initial privileges, dependencies
    -- (of the member itself: "comment", "initial privileges", "depends on")
    UNION ALL SELECT e.obj, 'comment'
           || CASE WHEN e.part OR d.objsubid <> 0 THEN ' on ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) ELSE '' END
           || ': ' || d.description
      FROM everything e JOIN pg_description d ON d.classoid = e.classid AND d.objoid = e.objid
    UNION ALL SELECT e.obj, 'initial privileges'
           || CASE WHEN e.part OR i.objsubid <> 0 THEN ' on ' || pg_describe_object(i.classoid, i.objoid, i.objsubid) ELSE '' END
           || ' (' || i.privtype::text || '): ' || pg_temp.acl(i.initprivs)
      FROM everything e JOIN pg_init_privs i ON i.classoid = e.classid AND i.objoid = e.objid
    UNION ALL SELECT e.obj, CASE WHEN e.part OR d.objsubid <> 0
                                 THEN 'dependency ' || pg_describe_object(d.classid, d.objid, d.objsubid) || ' ->'
                                 ELSE 'depends on' END
           || ' ' || pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) || ' (' || d.deptype::text || ')'
      FROM everything e JOIN pg_depend d ON d.classid = e.classid AND d.objid = e.objid AND d.deptype <> 'e'

    -- in the extension's schema, yet not a member (nor part of one)
    UNION ALL SELECT 'not a member: ' || pg_describe_object(o.classid, o.objid, 0), 'in schema jwt_auth'
      FROM (SELECT 'pg_class'::regclass AS classid, oid AS objid, relnamespace AS nsp FROM pg_class
             WHERE relkind NOT IN ('i', 'I', 't')
            UNION ALL SELECT 'pg_proc'::regclass, oid, pronamespace FROM pg_proc
            UNION ALL SELECT 'pg_type'::regclass, oid, typnamespace FROM pg_type
            UNION ALL SELECT 'pg_operator'::regclass, oid, oprnamespace FROM pg_operator
            UNION ALL SELECT 'pg_collation'::regclass, oid, collnamespace FROM pg_collation
            UNION ALL SELECT 'pg_conversion'::regclass, oid, connamespace FROM pg_conversion
            UNION ALL SELECT 'pg_statistic_ext'::regclass, oid, stxnamespace FROM pg_statistic_ext) o
     WHERE o.nsp = (SELECT oid FROM pg_namespace WHERE nspname = 'jwt_auth')
       AND NOT EXISTS (SELECT FROM members m WHERE m.classid = o.classid AND m.objid = o.objid)
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'i')
)
SELECT obj || E'\t' || fact FROM facts ORDER BY obj COLLATE "C", fact COLLATE "C";
};

# The description of the extension in a database: object name => its facts.
sub catalog
{
	my ($db) = @_;
	return facts(run_ok($db, $describe));
}

# The output of $describe, parsed.
sub facts
{
	my ($output) = @_;
	my %objects;
	my $last;
	for (split /\n/, $output)
	{
		s/\bpg_toast_\d+/pg_toast_N/g;    # OIDs in toast tables' names
		my ($obj, $fact) = split /\t/, $_, 2;
		if (!defined $fact && $last)    # a fact with a newline (a comment): go on
		{
			$$last .= "\\n$obj";
			next;
		}
		push @{ $objects{$obj} }, $fact;
		$last = \$objects{$obj}[-1];
	}
	return \%objects;
}

# An object and its facts, as text.
sub block
{
	my ($catalog, $obj) = @_;
	return '' unless $catalog->{$obj};
	return join '', "$obj\n", map { "    $_\n" } @{ $catalog->{$obj} };
}

# Whole descriptions, and the objects of two of them that differ (missing
# in one, or with other facts), as text.
sub whole
{
	my ($catalog) = @_;
	return join '', map { block($catalog, $_) } sort keys %$catalog;
}

sub differing
{
	my ($one, $two) = @_;
	my %all = (%$one, %$two);
	my @objects = grep { block($one, $_) ne block($two, $_) } sort keys %all;
	return (join('', map { block($one, $_) || "$_\n    (not there)\n" } @objects),
		join('', map { block($two, $_) || "$_\n    (not there)\n" } @objects));
}

# A unified diff of two texts (diff -u), for a failure's diagnostics.
sub unified_diff
{
	my ($label_one, $one, $label_two, $two) = @_;
	my $dir = File::Temp->newdir;
	my %file = ($label_one => $one, $label_two => $two);
	for my $label (keys %file)
	{
		open my $fh, '>', "$dir/$label" or die "$dir/$label: $!";
		print $fh $file{$label};
		close $fh;
	}
	my ($out, $err) = run_command([ 'diff', '-u', "$dir/$label_one", "$dir/$label_two" ]);
	return $out =~ s/^(---|\+\+\+) \Q$dir\E\//$1 /mgr . $err;
}

# --- 1.0, used ------------------------------------------------------------------

my $default = run_ok('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'jwt_auth'});
note "default version: $default";
cmp_ok($default, 'ne', '1.0', 'the default version is not 1.0, the released one');
is( run_ok(
		'postgres',
		qq{SELECT path FROM pg_extension_update_paths('jwt_auth')
            WHERE source = '1.0' AND target = '$default'}),
	"1.0--$default",
	"an update script leads from 1.0 to $default in one step");

my ($out, $err) = run('updated', q{CREATE EXTENSION jwt_auth VERSION '1.0' CASCADE});
is($err =~ s/^NOTICE:  00000: installing required extension "pgcrypto"\n?//r,
	'', q{CREATE EXTENSION jwt_auth VERSION '1.0' CASCADE succeeds, with no message but pgcrypto's});
is(run_ok('updated', q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	'1.0', 'the extension is at 1.0');

run_ok(
	'updated', q{
\getenv password JWT_AUTH_TEST_PASSWORD
-- name: a token; sub: the subject it must verify as
CREATE TABLE tokens (name text PRIMARY KEY, sub text, access text, refresh text);
GRANT SELECT ON tokens TO app_user;

SELECT jwt_auth.key_generate('HS256', 'update-hs256');
INSERT INTO tokens (name, sub, access) VALUES
    ('signed hs256', 'hs256-subject', jwt_auth.jwt_sign('{"sub":"hs256-subject","exp":4102444800}'::jsonb));
SELECT jwt_auth.key_generate('ES256', 'update-es256');   -- active; the HS256 key retires
INSERT INTO tokens (name, sub, access) VALUES
    ('signed es256', 'es256-subject', jwt_auth.jwt_sign('{"sub":"es256-subject","exp":4102444800}'::jsonb));

SELECT jwt_auth.user_create('ada', :'password', 'app_user', '{"plan":"pro"}');
SELECT jwt_auth.user_create('bob', :'password', 'app_user');

-- ada: a live session, and one logged out; bob: a session rotated once
INSERT INTO tokens (name, access, refresh) SELECT 'ada', r->>'access_token', r->>'refresh_token'
  FROM jwt_auth.auth_login('ada', :'password') r;
INSERT INTO tokens (name, access, refresh) SELECT 'ada out', r->>'access_token', r->>'refresh_token'
  FROM jwt_auth.auth_login('ada', :'password') r;
SELECT jwt_auth.auth_logout(refresh) FROM tokens WHERE name = 'ada out';
INSERT INTO tokens (name, access, refresh) SELECT 'bob.0', r->>'access_token', r->>'refresh_token'
  FROM jwt_auth.auth_login('bob', :'password') r;
INSERT INTO tokens (name, access, refresh) SELECT 'bob.1', r->>'access_token', r->>'refresh_token'
  FROM tokens t, jwt_auth.auth_refresh(t.refresh) r WHERE t.name = 'bob.0';
UPDATE tokens t SET sub = u.id::text FROM jwt_auth.users u
 WHERE t.sub IS NULL AND u.username = substring(t.name FROM '^[a-z]+');
});

# The rows of the extension's tables: count and an MD5 of the rows' text,
# over the columns the tables have in 1.0 (an update may add columns).
my @tables = qw(users keys sessions refresh_tokens);
my %columns_1_0 = map {
	$_ => run_ok(
		'updated',
		qq{SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'jwt_auth.$_'::regclass AND attnum > 0 AND NOT attisdropped})
} @tables;
my $rows = join "\nUNION ALL ", map {
	qq{SELECT '$_: ' || count(*) || ' rows, md5 ' || md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text COLLATE "C"), ''))
  FROM (SELECT $columns_1_0{$_} FROM jwt_auth.$_) r}
} @tables;

my $rows_before = run_ok('updated', $rows);
like(
	$rows_before,
	qr/^users: 2 rows, .*\nkeys: 2 rows, .*\nsessions: 3 rows, .*\nrefresh_tokens: 4 rows, /,
	'1.0 holds 2 users, 2 keys, 3 sessions and 4 refresh tokens');

# --- the update --------------------------------------------------------------

($out, $err) = run('updated', 'ALTER EXTENSION jwt_auth UPDATE');
is($err, '', 'ALTER EXTENSION jwt_auth UPDATE succeeds, with no message');
is(run_ok('updated', q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	$default, "the extension is at $default");

($out, $err) = run('fresh', 'CREATE EXTENSION jwt_auth CASCADE');
is(run_ok('fresh', q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	$default, "in another database, CREATE EXTENSION jwt_auth CASCADE installs $default")
  or diag $err;

# --- the catalogs compared ----------------------------------------------------

my $updated = catalog('updated');
my $fresh = catalog('fresh');
my ($n_objects, $n_facts) = (scalar keys %$fresh, 0);
$n_facts += @$_ for values %$fresh;
note "compared: $n_objects objects, $n_facts facts (fresh install)";
ok( $fresh->{'schema jwt_auth'}
	  && $fresh->{'table jwt_auth.users'}
	  && $fresh->{'function jwt_auth.auth_login(text,text)'}
	  && (grep { /^config table jwt_auth\.users / } @{ $fresh->{'extension jwt_auth'} })
	  && (grep { /^body 0001 / } @{ $fresh->{'function jwt_auth.auth_login(text,text)'} })
	  && (grep { /^initial privileges / } @{ $fresh->{'function jwt_auth.jwks()'} }),
	'the description holds the schema, tables, functions with bodies, initial privileges and the dump registrations')
  or diag whole($fresh);

my ($only_updated, $only_fresh) = differing($updated, $fresh);
is($only_updated, $only_fresh,
	"the updated extension's catalog equals a fresh install's (got: updated from 1.0, expected: fresh $default)")
  or diag "the whole descriptions, updated (---) against fresh (+++):\n"
  . unified_diff("updated-from-1.0", whole($updated), "fresh-$default", whole($fresh));

# The comparison sees changes of each kind: some made in a transaction that
# rolls back, in the fresh database.
my $changed = do
{
	my $sql = q{BEGIN;
ALTER FUNCTION jwt_auth.jwks() SET work_mem = '1MB';
ALTER FUNCTION jwt_auth.jwt_decode(text) VOLATILE;
CREATE OR REPLACE FUNCTION jwt_auth._require_primary() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$ BEGIN END $$;
GRANT SELECT ON jwt_auth.sessions TO app_user;
COMMENT ON COLUMN jwt_auth.keys.alg IS 'changed';
ALTER TABLE jwt_auth.users ALTER COLUMN claims SET DEFAULT '{"changed": true}';
CREATE INDEX changed ON jwt_auth.refresh_tokens (used_at);
ALTER TABLE jwt_auth.refresh_tokens ENABLE ROW LEVEL SECURITY;
} . $describe . q{ROLLBACK;};
	facts(run_ok('fresh', $sql));
};
my ($was, $now) = differing($fresh, $changed);
is( join(', ', grep { !/^ / } split /\n/, $now),
	join(', ',
		'function jwt_auth._require_primary()', 'function jwt_auth.jwks()',
		'function jwt_auth.jwt_decode(text)', 'table jwt_auth.keys',
		'table jwt_auth.refresh_tokens', 'table jwt_auth.sessions',
		'table jwt_auth.users'),
	'the comparison sees a changed body, setting, volatility, ACL, column comment and default, index and RLS flag'
) or diag "was:\n$was\nnow:\n$now";

# --- the data survives, and works ------------------------------------------------

is(run_ok('updated', $rows), $rows_before,
	'users, keys, sessions and refresh tokens: the same rows after the update (counts and checksums)');

is( run_ok(
		'updated',
		q{SELECT string_agg(name || ': ' || ((jwt_auth.jwt_verify(access)->>'sub') = sub), ', ' ORDER BY name)
            FROM tokens WHERE name IN ('ada', 'bob.1', 'signed es256', 'signed hs256')}),
	'ada: true, bob.1: true, signed es256: true, signed hs256: true',
	'tokens signed before the update verify after it with jwt_verify(token), by the retired key too');

is( run_ok(
		'updated',
		q{BEGIN;
SELECT (jwt_auth.authenticate(access)->>'sub') = sub FROM tokens WHERE name = 'ada';
SELECT current_user, jwt_auth.uid()::text = (SELECT sub FROM tokens WHERE name = 'ada');
ROLLBACK;}),
	"t\napp_user|t",
	"authenticate() takes a token of 1.0's live session (its role, its uid)");
($out, $err) = run('updated', q{SELECT jwt_auth.authenticate(access) FROM tokens WHERE name = 'ada out'});
like($err, qr/ERROR:  28000: /, "and refuses the token of a session logged out in 1.0 (28000)");

is( run_ok(
		'updated', q{
INSERT INTO tokens (name, sub, access, refresh) SELECT 'ada.1', t.sub, r->>'access_token', r->>'refresh_token'
  FROM tokens t, jwt_auth.auth_refresh(t.refresh) r WHERE t.name = 'ada';
SELECT (jwt_auth.jwt_verify(access)->>'sub') = sub, length(refresh) > 0 FROM tokens WHERE name = 'ada.1';
INSERT INTO tokens (name, sub, access, refresh) SELECT 'ada.2', t.sub, r->>'access_token', r->>'refresh_token'
  FROM tokens t, jwt_auth.auth_refresh(t.refresh) r WHERE t.name = 'ada.1';
SELECT (jwt_auth.jwt_verify(access)->>'sub') = sub FROM tokens WHERE name = 'ada.2';}),
	"t|t\nt",
	'a refresh token of 1.0 rotates after the update, and so does the one it gave');

($out, $err) = run(
	'updated', q{SET jwt_auth.refresh_reuse_interval = 0;
SELECT jwt_auth.auth_refresh(refresh) FROM tokens WHERE name = 'bob.0';});
like($err, qr/ERROR:  28000: invalid refresh token\nDETAIL:  The refresh token was already used/,
	'a refresh token rotated in 1.0, presented again after the update, is taken for reuse (28000)');
($out, $err) = run('updated', q{SELECT jwt_auth.auth_refresh(refresh) FROM tokens WHERE name = 'bob.1'});
like($err, qr/ERROR:  28000: invalid refresh token\nDETAIL:  The session is revoked/,
	'and revokes the session: the token it was rotated to is refused too');

is( run_ok(
		'updated', q{\getenv password JWT_AUTH_TEST_PASSWORD
SELECT jwt_auth.auth_login('ada', :'password') ? 'access_token';
SELECT jwt_auth.auth_login('bob', :'password') ? 'access_token';}),
	"t\nt", 'the users of 1.0 log in after the update');

# --- updating again ------------------------------------------------------------

($out, $err) = run('updated', 'ALTER EXTENSION jwt_auth UPDATE');
like($err, qr/NOTICE:  00000: version "\Q$default\E" of extension "jwt_auth" is already installed/,
	"ALTER EXTENSION jwt_auth UPDATE again says version $default is already installed");
is(run_ok('updated', q{SELECT extversion FROM pg_extension WHERE extname = 'jwt_auth'}),
	$default, "and the extension stays at $default");

$node->stop;
done_testing();
