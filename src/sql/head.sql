-- jwt_auth 1.1: JWT signing, verification and login in SQL
\echo Use "CREATE EXTENSION jwt_auth" to load this file. \quit

-- Tokens are UTF-8 JSON; claims go through jsonb, which in another
-- encoding could not hold every claim a token may carry.
DO $$
BEGIN
    IF pg_catalog.getdatabaseencoding() <> 'UTF8' THEN
        RAISE EXCEPTION 'jwt_auth requires a database with UTF8 encoding'
            USING ERRCODE = 'feature_not_supported';
    END IF;
END
$$;


-- The extension's own schema, a member of it (see jwt_auth.control): it
-- fails here if a schema jwt_auth already exists, rather than adopt one
-- whose owner and privileges the extension does not know.
CREATE SCHEMA jwt_auth;
