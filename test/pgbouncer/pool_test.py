#!/usr/bin/python3
"""The client side of the PgBouncer suite: many clients, one pooled role, nothing leaks. Prints TAP.

Usage: /usr/bin/python3 pool_test.py    (run by test/pgbouncer/run, which sets up everything)
Reads from the environment:
    PGHOST, PGPORT, PGUSER    the cluster, for the set-up and for watching pg_stat_activity
    POOL_PORT                 PgBouncer on 127.0.0.1 (transaction pooling, default_pool_size 4)
    POOL_DB                   the database, the same name in PgBouncer and in the cluster
    POOL_AUTHENTICATOR        the one login role every client connects as
    POOL_ROLE_PREFIX          the users' NOLOGIN roles are PREFIX01 .. PREFIXnn
    POOL_CLIENTS              how many clients (default 20), one user and one role each
    POOL_TRANSACTIONS         transactions per client (default 40)
    POOL_SIZE                 the pool's size, the most server connections allowed (default 4)

Each client, in a thread of its own, logs in as its own user through PgBouncer (auth_login), then
runs transactions that alternate COMMIT and ROLLBACK: BEGIN; authenticate(its token); checks that
current_user is its role, uid() its id, and that row-level security shows its rows only. Between
them a fresh transaction must have no claims and the authenticator as current_user, whichever
server connection PgBouncer gave it. Some clients also leave request.jwt.claims set on the server
connection they happen to get (a session-level set_config, which transaction pooling carries over
to the next client): with jwt_auth.trust_request_claims off for the authenticator, claims() must
ignore it. A watcher polls PgBouncer's SHOW SERVERS and pg_stat_activity meanwhile.

The users' passwords are random and stay in this process; no token, password or key is printed.
Exits 1 if any test failed.
"""

import json
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict

import psycopg2

env = os.environ
POOL_PORT = int(env["POOL_PORT"])
DB = env["POOL_DB"]
AUTHENTICATOR = env["POOL_AUTHENTICATOR"]
ROLE_PREFIX = env["POOL_ROLE_PREFIX"]
CLIENTS = int(env.get("POOL_CLIENTS", "20"))
TRANSACTIONS = int(env.get("POOL_TRANSACTIONS", "40"))
POOL_SIZE = int(env.get("POOL_SIZE", "4"))
ADMIN = env.get("PGUSER", "postgres")

results = []


def check(name, passed, why=""):
    results.append(passed)
    print(f"{'ok' if passed else 'not ok'} {len(results)} - {name}")
    if not passed and why:
        print(f"#   {why}")
    sys.stdout.flush()


def pooled(user=AUTHENTICATOR, dbname=DB):
    """A client connection through PgBouncer; statements outside BEGIN are transactions of their own."""
    conn = psycopg2.connect(host="127.0.0.1", port=POOL_PORT, dbname=dbname, user=user,
                            application_name="jwt_auth pgbouncer suite", connect_timeout=10)
    conn.autocommit = True
    return conn


def direct():
    """A superuser connection straight to the cluster (PGHOST, PGPORT, PGUSER)."""
    conn = psycopg2.connect(dbname=DB)
    conn.autocommit = True
    return conn


def one(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchone()


def failure(e):
    """What to say about an exception: its SQLSTATE and first line, never a query or a token."""
    code = getattr(e, "pgcode", None)
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return f"{code or type(e).__name__}: {first[:200]}"


# --- set-up, straight to the cluster: one user per client, each with its own rows ----------

users = []  # {name, password, role, uid, rows}
with direct() as conn, conn.cursor() as cur:
    cur.execute("SET log_statement = 'none'")
    cur.execute("SET log_min_error_statement = 'panic'")
    for i in range(1, CLIENTS + 1):
        u = {"name": f"pool-user-{i:02d}", "password": secrets.token_urlsafe(18),
             "role": f"{ROLE_PREFIX}{i:02d}", "rows": 1 + i % 4}
        u["uid"] = one(cur, "SELECT jwt_auth.user_create(%s, %s, %s)::text",
                       (u["name"], u["password"], u["role"]))[0]
        cur.execute("INSERT INTO notes (owner, body) SELECT %s, 'note ' || n FROM generate_series(1, %s) n",
                    (u["uid"], u["rows"]))
        users.append(u)
    cur.execute("INSERT INTO notes (owner, body) SELECT gen_random_uuid(), 'nobody''s' FROM generate_series(1, 7)")
conn.close()

# --- the pooler itself --------------------------------------------------------------------------

try:
    with pooled() as conn, conn.cursor() as cur:
        row = one(cur, "SELECT current_user, current_setting('jwt_auth.trust_request_claims', true)")
    conn.close()
    check("a client connects through PgBouncer as the authenticator", row[0] == AUTHENTICATOR,
          f"current_user is {row[0]}")
    check("jwt_auth.trust_request_claims is off for the authenticator", row[1] == "off",
          f"it is {row[1]!r}")
except psycopg2.Error as e:
    check("a client connects through PgBouncer as the authenticator", False, failure(e))
    print(f"Bail out! no connection through PgBouncer")
    sys.exit(1)

# --- the watcher: server connections, as PgBouncer and as the server see them -------------------

watch = {"servers": 0, "backends": 0, "waiting": 0, "polls": 0, "error": None}
stop_watching = threading.Event()


def watcher():
    try:
        admin = pooled(user=ADMIN, dbname="pgbouncer")
        server = direct()
        acur, scur = admin.cursor(), server.cursor()
        while not stop_watching.is_set():
            acur.execute("SHOW SERVERS")
            cols = [d[0] for d in acur.description]
            servers = sum(1 for r in acur.fetchall() if dict(zip(cols, r))["database"] == DB)
            acur.execute("SHOW POOLS")
            cols = [d[0] for d in acur.description]
            waiting = sum(dict(zip(cols, r))["cl_waiting"] for r in acur.fetchall()
                          if dict(zip(cols, r))["database"] == DB)
            backends = one(scur, "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s",
                           (AUTHENTICATOR, DB))[0]
            watch["servers"] = max(watch["servers"], servers)
            watch["backends"] = max(watch["backends"], backends)
            watch["waiting"] = max(watch["waiting"], waiting)
            watch["polls"] += 1
            time.sleep(0.01)
        admin.close()
        server.close()
    except Exception as e:  # reported as a failed check
        watch["error"] = failure(e)


# --- the clients ---------------------------------------------------------------------------------

lock = threading.Lock()
counts = Counter()  # check name -> times it held
bad = defaultdict(list)  # check name -> what was wrong (first few)
pids_by_client = defaultdict(set)
start_together = threading.Barrier(CLIENTS)


def expect(name, passed, why):
    with lock:
        if passed:
            counts[name] += 1
        else:
            counts[name + " FAILED"] += 1
            if len(bad[name]) < 3:
                bad[name].append(why)


def fresh(cur, name):
    """A transaction of its own on whatever server connection comes: no claims, the authenticator."""
    claims_null, user, uid_null = one(cur, "SELECT jwt_auth.claims() IS NULL, current_user, jwt_auth.uid() IS NULL")
    expect(name, claims_null and uid_null and user == AUTHENTICATOR,
           f"claims() IS NULL: {claims_null}, uid() IS NULL: {uid_null}, current_user: {user}")


def client(k):
    u = users[k]
    rng = random.Random(k)
    conn = None
    try:
        conn = pooled()
        cur = conn.cursor()
        start_together.wait(timeout=60)
        token = one(cur, "SELECT jwt_auth.auth_login(%s, %s)->>'access_token'",
                    (u["name"], u["password"]))[0]
        expect("login", token is not None and token.count(".") == 2, "auth_login gave no access token")
        fresh(cur, "fresh after login")
        for t in range(TRANSACTIONS):
            commit = t % 2 == 0
            cur.execute("BEGIN")
            claims_null, user = one(cur, "SELECT jwt_auth.claims() IS NULL, current_user")
            expect("before authenticate", claims_null and user == AUTHENTICATOR,
                   f"claims() IS NULL: {claims_null}, current_user: {user}")
            sub = one(cur, "SELECT jwt_auth.authenticate(%s)->>'sub'", (token,))[0]
            expect("authenticate returns own sub", sub == u["uid"], "another user's sub")
            time.sleep(rng.uniform(0, 0.003))  # hold the server connection: others wait their turn
            user, uid, pid = one(cur, "SELECT current_user, jwt_auth.uid()::text, pg_backend_pid()")
            expect("own role", user == u["role"], f"current_user is {user}, not {u['role']}")
            expect("own uid", uid == u["uid"], "uid() is not the client's user")
            total, own = one(cur, "SELECT count(*), count(*) FILTER (WHERE owner = jwt_auth.uid()) FROM notes")
            expect("own rows", total == own == u["rows"], f"{total} rows visible, {own} own, {u['rows']} expected")
            with lock:
                pids_by_client[k].add(pid)
            cur.execute("COMMIT" if commit else "ROLLBACK")
            fresh(cur, "fresh after COMMIT" if commit else "fresh after ROLLBACK")
            if t % 4 == 1:
                # leave forged claims on this server connection for whoever gets it next
                forged = json.dumps({"sub": u["uid"], "role": u["role"]})
                cur.execute("SELECT set_config('request.jwt.claims', %s, false)", (forged,))
                with lock:
                    counts["forgeries"] += 1
            # what is left on the server connection this statement gets
            left, claims_null = one(cur, "SELECT nullif(current_setting('request.jwt.claims', true), ''), "
                                         "jwt_auth.claims() IS NULL")
            if left is not None:
                with lock:
                    counts["forged setting seen"] += 1
                    if json.loads(left).get("sub") != u["uid"]:
                        counts["another client's forgery seen"] += 1
                expect("forged setting ignored", claims_null, "claims() read the request.jwt.claims setting")
    except Exception as e:
        expect("no client error", False, f"client {k + 1}: {failure(e)}")
    finally:
        if conn is not None:
            conn.close()


watching = threading.Thread(target=watcher, daemon=True)
watching.start()
began = time.monotonic()
threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
for th in threads:
    th.start()
for th in threads:
    th.join(timeout=300)
elapsed = time.monotonic() - began
stop_watching.set()
watching.join(timeout=10)
print(f"# {CLIENTS} clients x {TRANSACTIONS} transactions in {elapsed:.1f} s; "
      f"the watcher polled {watch['polls']} times, saw at most {watch['waiting']} clients waiting")

# --- the results ----------------------------------------------------------------------------------

n = CLIENTS * TRANSACTIONS


def held(name, want, label):
    got, failed = counts[name], counts[name + " FAILED"]
    why = "; ".join(bad[name]) or f"held {got} times, {want} expected"
    check(f"{label} ({got} of {want})", got == want and failed == 0, why)


check("no client raised an error", counts["no client error FAILED"] == 0, "; ".join(bad["no client error"]))
held("login", CLIENTS, f"each of the {CLIENTS} clients logs in as its own user through PgBouncer")
held("fresh after login", CLIENTS, "after the login, a fresh transaction has no claims and the authenticator role")
held("before authenticate", n, "inside BEGIN, before authenticate(), no claims and the authenticator role")
held("authenticate returns own sub", n, "authenticate() returns the client's own user id")
held("own role", n, "after authenticate(), current_user is the client's own role")
held("own uid", n, "after authenticate(), jwt_auth.uid() is the client's own id")
held("own rows", n, "row-level security shows the client's own rows and no other")
held("fresh after COMMIT", n - n // 2, "after COMMIT, a fresh transaction has no claims and the authenticator role")
held("fresh after ROLLBACK", n // 2, "after ROLLBACK, a fresh transaction has no claims and the authenticator role")
others_seen = counts["another client's forgery seen"]
check(f"forged request.jwt.claims left on pooled server connections reached other clients' transactions "
      f"({counts['forgeries']} forgeries, seen {counts['forged setting seen']} times, "
      f"{others_seen} of them another client's)",
      counts["forgeries"] > 0 and others_seen > 0,
      "no forgery reached another client, so the next check proves little")
check(f"and claims() ignored it every time (trust_request_claims off)",
      counts["forged setting ignored FAILED"] == 0
      and counts["forged setting ignored"] == counts["forged setting seen"],
      "; ".join(bad["forged setting ignored"]))
check(f"PgBouncer opened at most {POOL_SIZE} server connections (SHOW SERVERS: at most {watch['servers']})",
      watch["error"] is None and 1 <= watch["servers"] <= POOL_SIZE,
      watch["error"] or f"{watch['servers']} server connections")
check(f"the server saw at most {POOL_SIZE} backends of the authenticator (pg_stat_activity: at most {watch['backends']})",
      watch["error"] is None and 1 <= watch["backends"] <= POOL_SIZE,
      watch["error"] or f"{watch['backends']} backends")
all_pids = set().union(*pids_by_client.values()) if pids_by_client else set()
clients_per_pid = Counter(pid for pids in pids_by_client.values() for pid in pids)
check(f"the clients' transactions ran on {len(all_pids)} server backends, at most {POOL_SIZE}",
      1 <= len(all_pids) <= POOL_SIZE, f"{len(all_pids)} backends")
check(f"server backends were shared between clients (the busiest served {max(clients_per_pid.values(), default=0)} clients)",
      max(clients_per_pid.values(), default=0) >= 2, "no backend served two clients")

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
