-- The database side of the Django example (examples/django/): its roles, its one table and the
-- row-level security that keeps each user to their own notes.
--
-- Run as a superuser in the app's database, after CREATE EXTENSION jwt_auth CASCADE:
--   psql -d app -f examples/django/schema.sql
-- then, as the database's owner, Django's own tables and the users:
--   ./manage.py migrate && ./manage.py jwt_auth_import_users
--
-- app_authenticator is the role the app serves requests as. It can do nothing by itself: it is
-- NOINHERIT, so it holds none of app_user's privileges until jwt_auth.authenticate() verifies a
-- token and switches to the token's role (SET LOCAL ROLE, undone at the end of the request's
-- transaction). It cannot read Django's tables (auth_user and the rest): the app's requests
-- never touch them. app_user is the role the tokens name (jwt_auth_import_users --role).
-- Roles belong to the whole cluster, so they are created only when missing. Give
-- app_authenticator a password (\password app_authenticator) where connections need one.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'app_user') THEN
        CREATE ROLE app_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'app_authenticator') THEN
        CREATE ROLE app_authenticator LOGIN NOINHERIT;
    END IF;
END
$$;
GRANT app_user TO app_authenticator;

-- The app calls authenticate() before anything else, so claims() must never fall back to the
-- request.jwt.claims setting, which any session can set for itself.
ALTER ROLE app_authenticator SET jwt_auth.trust_request_claims = off;

CREATE TABLE notes (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner uuid NOT NULL DEFAULT jwt_auth.uid(),
    body  text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000)
);
COMMENT ON TABLE notes IS 'one row per note; each user sees and writes only their own (row-level security)';

ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes TO app_user
    USING (owner = jwt_auth.uid())
    WITH CHECK (owner = jwt_auth.uid());

-- Only app_user touches the table; app_authenticator on its own cannot read a row.
REVOKE ALL ON notes FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE (body), DELETE ON notes TO app_user;
