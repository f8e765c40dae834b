-- What the SQL test scripts under test/ share, made in pg_temp (so again
-- after each \connect): tap(passed, what) prints a TAP line without a number;
-- sqlstate(query) is the SQLSTATE a statement ends with ('00000' if it succeeds).
CREATE FUNCTION pg_temp.tap(passed boolean, what text) RETURNS text
LANGUAGE sql AS $$ SELECT CASE WHEN passed THEN 'ok - ' ELSE 'not ok - ' END || what $$;
CREATE FUNCTION pg_temp.sqlstate(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE query;
    RETURN '00000';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
