-- jwt_auth 1.0 -> 1.1: ALTER EXTENSION jwt_auth UPDATE TO '1.1'
\echo Use "ALTER EXTENSION jwt_auth UPDATE TO '1.1'" to load this file. \quit

-- Every change to the SQL surface since 1.0, in the order it was made. The
-- result must equal a fresh 1.1 install (src/sql/): test/t/009_update.pl
-- compares the two catalogs.
