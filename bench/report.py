"""bench/run's report: reads its "name|value" lines and writes results.md and results.png.

    /usr/bin/python3 bench/report.py RESULTS_TXT OUT_DIR

A name ending in .rN is one run (round, turn) of several; the figure is their median. Every
target is a ratio of two figures measured in the same run (or a memory figure), marked met
or not met; when both figures come in rounds, the ratio is the median of the rounds' own
ratios, each of two figures taken close together; the chart draws each as the share of its target it uses (1 = exactly the target), so
that every bar reads the same way: under the line is met, over it is not.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile


def load(path):
    raw, runs = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "|" not in line:
                continue
            name, value = line.split("|", 1)
            m = re.fullmatch(r"(.*)\.r\d+", name)
            if m:
                runs.setdefault(m.group(1), []).append(float(value))
            else:
                raw[name] = value
    for name, values in runs.items():
        raw[name] = str(statistics.median(values))
        raw[name + ".runs"] = " ".join(f"{v:.1f}" for v in values)
    return raw, runs


class Report:
    def __init__(self, loaded):
        self.r, self.runs = loaded
        self.targets = []

    def num(self, name):
        return float(self.r[name])

    def paired(self, name, ref_name, f):
        """f(figure, reference) as the median over the rounds of each round's pair, when both
        come in the same rounds (a load that comes and goes then weighs on both sides of each
        pair alike); else f of the two figures"""
        a, b = self.runs.get(name), self.runs.get(ref_name)
        if a and b and len(a) == len(b):
            return statistics.median(f(x, y) for x, y in zip(a, b))
        return f(self.num(name), self.num(ref_name))

    def ratio(self, name, ref_name):
        return self.paired(name, ref_name, lambda x, y: x / y)

    def asym(self):
        """ASYM, with PS256 beside rsa2048 for results made before pss_speed timed RSA-PSS"""
        return [(alg, prim if self.has(f"openssl.{prim}.verify") else "rsa2048") for alg, prim in ASYM]

    def has(self, *names):
        return all(n in self.r for n in names)

    def target(self, group, what, against, value, ref, ratio, target_text, met, share, chart_label):
        self.targets.append(dict(group=group, what=what, against=against, value=value, ref=ref,
                                 ratio=ratio, target=target_text, met=met, share=share,
                                 chart=chart_label))

    # a cost that must be at most `limit` times a reference cost
    def at_most(self, group, what, name, against, ref_name, limit, unit="µs"):
        v, ref = self.num(name), self.num(ref_name)
        ratio = self.paired(name, ref_name, lambda x, y: x / y)
        self.target(group, what, against, f"{v:.2f} {unit}", f"{ref:.2f} {unit}", f"{ratio:.2f}×",
                    f"≤ {limit:g}×", ratio <= limit, ratio / limit,
                    f"{what}: {ratio:.2f}× {against} (≤ {limit:g}×)")

    def build(self):
        sql = "SQL"
        self.at_most(sql, "jwt_sign HS256", "sql.HS256.sign.explicit", "pgcrypto hmac()", "sql.hmac", 1.5)
        self.at_most(sql, "jwt_verify HS256", "sql.HS256.verify.explicit", "pgcrypto hmac()", "sql.hmac", 2.5)
        for op, fn in (("sign", "jwt_sign"), ("verify", "jwt_verify")):
            self.at_most(sql, f"{fn} HS256", f"sql.HS256.{op}.explicit", "libjwt (standalone)",
                         f"libjwt.HS256.{op}", 0.5)
        for op, fn in (("sign", "jwt_sign"), ("verify", "jwt_verify")):
            self.at_most(sql, f"{fn} HS256", f"sql.HS256.{op}.explicit", "PyJWT (standalone)",
                         f"pyjwt.HS256.{op}", 0.2)
        for op, fn in (("sign", "jwt_sign(payload)"), ("verify", "jwt_verify(token)")):
            self.at_most(sql, f"{fn} stored key", f"sql.HS256.{op}.stored", "explicit key",
                         f"sql.HS256.{op}.explicit", 1.25)
        for alg, prim in self.asym():
            for op in ("sign", "verify"):
                name, ref_name = f"sql.{alg}.{op}", f"openssl.{prim}.{op}"
                v, ref = self.num(name), self.num(ref_name)
                ratio = self.paired(name, ref_name, lambda x, y: x / y)
                over = self.paired(name, ref_name, lambda x, y: x - y)
                share = self.paired(name, ref_name, lambda x, y: x / (1.1 * y + 3))
                against = ("OpenSSL RSA-PSS 2048 (pss_speed, timed as openssl speed)"
                           if prim == "rsa2048_pss" else f"openssl speed {prim}")
                self.target(sql, f"jwt_{op} {alg}", against, f"{v:.1f} µs",
                            f"{ref:.1f} µs", f"{ratio:.2f}× ({over:+.1f} µs)", "≤ 1.1× + 3 µs",
                            share <= 1, share,
                            f"jwt_{op} {alg}: {ratio:.2f}× openssl ({over:+.1f} µs; ≤ 1.1× + 3 µs)")

        pg = "pgbench"
        crypt, login = self.num("pgbench.crypt"), self.num("pgbench.login")
        cost = self.paired("pgbench.crypt", "pgbench.login", lambda x, y: x / y)
        self.target(pg, "auth_login, bcrypt cost 10 (time per login)", "bare crypt() on the same hash",
                    f"{login:.1f} tps", f"{crypt:.1f} tps", f"{cost:.3f}×", "≤ 1.03×", cost <= 1.03,
                    cost / 1.03, f"auth_login: {cost:.3f}× the time of bare crypt() (≤ 1.03×)")
        for name, what, ref_name, against, limit in (
                ("refresh", "auth_refresh", "simple_update", "pgbench simple-update (-N)", 0.5),
                ("auth_select_es", "authenticate(ES256 token) + RLS select", "select",
                 "the select unauthenticated", 0.8),
                ("auth_select_hs", "authenticate(HS256 token) + RLS select", "select",
                 "the select unauthenticated", 0.8)):
            v, ref = self.num(f"pgbench.{name}"), self.num(f"pgbench.{ref_name}")
            ratio = self.paired(f"pgbench.{name}", f"pgbench.{ref_name}", lambda x, y: x / y)
            self.target(pg, what, against, f"{v:.1f} tps", f"{ref:.1f} tps", f"{ratio:.2f}×",
                        f"≥ {limit:g}×", ratio >= limit, limit / ratio,
                        f"{what}: {ratio:.2f}× the TPS of {against.replace('pgbench ', '')} (≥ {limit:g}×)")

        if self.has("pgbench.select_token"):
            # issue 15: authenticate() + the RLS select against the same statements unauthenticated
            for name, what in (("auth_select_hs", "authenticate(HS256 token) + RLS select"),
                               ("auth_select_es", "authenticate(ES256 token, reused) + RLS select")):
                v, ref = self.num(f"pgbench.{name}"), self.num("pgbench.select_token")
                ratio = self.paired(f"pgbench.{name}", "pgbench.select_token", lambda x, y: x / y)
                self.target(pg, what, "select_token (the same statements, no authenticate)",
                            f"{v:.1f} tps", f"{ref:.1f} tps", f"{ratio:.2f}×", "≥ 0.95×", ratio >= 0.95,
                            0.95 / ratio, f"{what}: {ratio:.2f}× the TPS of select_token (≥ 0.95×)")

        if self.has("auth.authenticate_us.es_cache_off", "auth.authenticate_us.hs_cache_off",
                    "openssl.ecdsap256.verify"):
            # issue 15: a token's first sight costs the signature and the path an HS256 token takes
            v = self.num("auth.authenticate_us.es_cache_off")
            ref = self.num("openssl.ecdsap256.verify") + self.num("auth.authenticate_us.hs_cache_off")
            self.target(pg, "authenticate(ES256 token), first sight (every call verifies)",
                        "openssl speed ecdsap256 verify + authenticate(HS256), every call verifying",
                        f"{v:.1f} µs", f"{ref:.1f} µs", f"{v / ref:.2f}×", "≤ 1.1×", v / ref <= 1.1,
                        v / ref / 1.1, f"authenticate(ES256), first sight: {v / ref:.2f}× ECDSA verify + "
                        "the HS256 path (≤ 1.1×)")
        if self.has("auth.rls_ms.uid", "auth.rls_ms.constant"):
            self.at_most(pg, "RLS select of 10,000 rows, policy owner = uid()", "auth.rls_ms.uid",
                         "the same select, the uid a constant", "auth.rls_ms.constant", 1.1, unit="ms")
        if self.has("pgbench.auth_select_iss", "pgbench.auth_select_es"):
            # issue 17: an issuer's token (its pushed JWK set in memory) costs no more than a
            # stored-key token of the same algorithm: TPS at least 1/1.1 of the stored-key one's
            for name, ref_name, what, against in (
                    ("auth_select_iss", "auth_select_es", "authenticate(issuer's ES256 token) + RLS select",
                     "the same with a stored-key ES256 token"),
                    ("auth_select_iss_nocache", "auth_select_es_nocache",
                     "the same, first sight (cache off)", "stored-key ES256, cache off")):
                if not self.has(f"pgbench.{name}", f"pgbench.{ref_name}"):
                    continue
                v, ref = self.num(f"pgbench.{name}"), self.num(f"pgbench.{ref_name}")
                ratio = self.paired(f"pgbench.{name}", f"pgbench.{ref_name}", lambda x, y: x / y)
                limit = 1 / 1.1
                self.target(pg, what, against, f"{v:.1f} tps", f"{ref:.1f} tps", f"{ratio:.2f}×",
                            "≥ 0.91× (≤ 1.1× the cost)", ratio >= limit, limit / ratio,
                            f"{what}: {ratio:.2f}× the TPS of {against} (≥ 0.91×)")

        mem = "memory"
        before, after = self.num("mem.verify.rss_kb.before"), self.num("mem.verify.rss_kb.after")
        grow = after - before
        calls = int(self.num("mem.verify.calls"))
        self.target(mem, f"backend RSS growth over {calls:,} jwt_verify calls", "",
                    f"{grow:+.0f} kB", "", f"{grow / 1024:+.2f} MB", "≤ 1 MB", grow <= 1024,
                    max(grow, 0) / 1024, f"RSS growth over {calls:,} verifies: {grow:+.0f} kB (≤ 1 MB)")
        grown = int(self.num("mem.rounds.ctx_grown"))
        rounds = int(self.num("mem.rounds.calls"))
        bytes_grown = self.num("mem.rounds.ctx_bytes.after") - self.num("mem.rounds.ctx_bytes.before")
        self.target(mem, f"memory contexts grown across {rounds:,} login/refresh rounds", "",
                    f"{grown} of {int(self.num('mem.rounds.ctx_count'))}", "",
                    f"{bytes_grown:+.0f} B in all", "none", grown == 0, 0.0 if grown == 0 else CLIP,
                    f"memory contexts grown over {rounds:,} rounds: {grown} (none)")
        if self.has("hash.pbkdf2.login_ms", "hash.openssl_pbkdf2_ms"):
            # the first login also re-hashes to bcrypt at the configured cost and checks the new
            # hash before it keeps it: two bcrypts on top of the PBKDF2, hence the margin
            self.at_most("password hashes", "first login, imported PBKDF2-SHA256 (260,000)", "hash.pbkdf2.login_ms",
                         "OpenSSL PBKDF2 alone", "hash.openssl_pbkdf2_ms", 2.5, unit="ms")
        if self.has("hash.argon2id.login_ms", "hash.libargon2_ms"):
            self.at_most("password hashes", "login, Argon2id (19 MiB, t=2, p=1)", "hash.argon2id.login_ms",
                         "libargon2 alone", "hash.libargon2_ms", 1.2, unit="ms")
        for name in sorted(n for n in self.r if n.startswith("memfail.") and n.endswith(".growth_kb")):
            cls = name[len("memfail."):-len(".growth_kb")]
            grow, calls = self.num(name), int(self.num(f"memfail.{cls}.calls"))
            self.target(mem, f"backend RSS growth over {calls:,} failing calls: {cls}", "",
                        f"{grow:+.0f} kB", "", f"{grow / 1024:+.2f} MB", "≤ 1 MB", grow <= 1024,
                        max(grow, 0) / 1024, f"RSS growth, {calls:,} failures ({cls}): {grow:+.0f} kB (≤ 1 MB)")

    # ---- results.md ----
    def markdown(self, png_name):
        r, t = self.r, self.targets
        met = sum(1 for x in t if x["met"])
        missed = [x for x in t if not x["met"]]
        lines = []
        add = lines.append
        add("# jwt_auth benchmark results")
        add("")
        if r.get("meta.mode") == "quick":
            add("**Quick smoke run (BENCH_QUICK=1): small sizes and short runs; "
                "the figures show that the tooling works, not how fast jwt_auth is.**")
            add("")
        add(f"Made by `bench/run` on {r['meta.date']}, in one run: every ratio below compares two "
            "figures measured in that run, on the same machine, under the same load.")
        add("")
        add("| machine | |")
        add("|---|---|")
        add(f"| cores (`nproc`) | {r['meta.nproc']} |")
        add(f"| CPU (`/proc/cpuinfo`) | {r['meta.cpu']} |")
        add(f"| system | {r['meta.os']} |")
        add(f"| software | {r['meta.postgres']}, {r['meta.openssl']}, libjwt {r['meta.libjwt']}, "
            f"PyJWT {r['meta.pyjwt']} |")
        add(f"| load average (1, 5, 15 min) at start / end | {r['meta.load_start']} / "
            f"{r.get('meta.load_end', '?')} |")
        add("")
        add("The machine was shared with other work (test suites running beside the benchmark): "
            "absolute times move from run to run; ratios measured in one run much less.")
        add("")
        add(f"![each ratio as the share of its target it uses]({png_name})")
        add("")
        add(f"## Targets: {met} of {len(t)} met")
        add("")
        if missed:
            add("Not met: " + "; ".join(f"{x['what']} vs {x['against']}" if x["against"] else x["what"]
                                        for x in missed) + ".")
            add("")
        add("| | measured | against | measured value | reference value | ratio | target | |")
        add("|---|---|---|---|---|---|---|---|")
        for i, x in enumerate(t, 1):
            add(f"| {i} | {x['what']} | {x['against']} | {x['value']} | {x['ref']} | {x['ratio']} | "
                f"{x['target']} | {'met' if x['met'] else '**not met**'} |")
        add("")

        add(f"## 1. Per call inside SQL")
        add("")
        clock = ("the backend's CPU time" if "CPU" in r.get("meta.clock", "") else "wall-clock time")
        add(f"µs of {clock} per call: the cost of one more call in a query over {int(r['meta.sql_rows']):,} rows "
            f"(HS256) or {int(r['meta.asym_rows']):,} rows per algorithm, whose inputs differ per row, "
            "less the same query without the call, and less the query on 1 row (so that what a statement "
            f"sets up once is not spread over its rows); median of {r['meta.runs']} rounds. "
            "A statement's first call is the 1-row query less its baseline: what an application pays "
            "when it sends one call per statement. With a key passed in the call, that includes parsing "
            "the key and setting up its OpenSSL contexts (kept per call site, so once per statement); "
            "stored keys are kept per backend. It also carries the difference in parse and plan time of "
            "the two queries: `hmac()`'s row shows about how much.")
        add("")
        hmac = self.num("sql.hmac")
        add("| operation | µs per call | × one pgcrypto `hmac()` | a statement's first call, µs |")
        add("|---|---|---|---|")
        for name, label in (("sql.hmac", "pgcrypto `hmac(signing_input, key, 'sha256')`"),
                            ("sql.HS256.sign.explicit", "`jwt_sign(claims::json, key)` HS256"),
                            ("sql.HS256.sign.explicit_jsonb", "`jwt_sign(claims::jsonb, key)` HS256"),
                            ("sql.HS256.sign.stored", "`jwt_sign(claims::json)`, stored HS256 key"),
                            ("sql.HS256.verify.explicit", "`jwt_verify(token, key)` HS256 (returns jsonb)"),
                            ("sql.HS256.verify.stored", "`jwt_verify(token)`, stored HS256 key"),
                            ("sql.HS256.valid.explicit", "`jwt_valid(token, key)` HS256 (boolean)")):
            v = self.num(name)
            add(f"| {label} | {v:.2f} | {self.ratio(name, 'sql.hmac'):.2f} | {self.num(name + '.first'):,.0f} |")
        add("")
        add("| alg | op | jwt_auth in SQL, µs | `openssl speed`, µs | ratio | µs over | limit: 1.1× + 3 µs | "
            "a statement's first call, µs |")
        add("|---|---|---|---|---|---|---|---|")
        for alg, prim in self.asym():
            for op in ("sign", "verify"):
                name, ref_name = f"sql.{alg}.{op}", f"openssl.{prim}.{op}"
                v, ref = self.num(name), self.num(ref_name)
                over = self.paired(name, ref_name, lambda x, y: x - y)
                add(f"| {alg} | {op} | {v:.1f} | {ref:.1f} | {self.ratio(name, ref_name):.2f} | {over:+.1f} | "
                    f"{1.1 * ref + 3:.1f} | {self.num(f'sql.{alg}.{op}.first'):,.0f} |")
        add("")
        pss = ("and, for PS256, OpenSSL's own RSA-PSS timed the same way (rsa2048_pss: "
               "bench/drivers/pss_speed.c, since `openssl speed` times only PKCS#1 v1.5) count"
               if dict(self.asym())["PS256"] == "rsa2048_pss" else "(PS256 is set beside rsa2048 too) counts")
        add(f"`openssl speed` (rsa2048, ecdsap256, ed25519) {pss} user CPU time: median of "
            f"{r['meta.runs']} rounds, each figure's runs: " + "; ".join(
                f"{p} {op} {r.get(f'openssl.{p}.{op}.runs', '?')} µs"
                for p in dict.fromkeys(["rsa2048"] + [p for _, p in self.asym()]) for op in ("sign", "verify")) + ".")
        add("")

        add("## 2. Standalone libraries")
        add("")
        add(("µs of CPU time" if "CPU" in r.get("meta.clock", "") else "µs") +
            " per call in one process, inputs varied per call, empty loop subtracted, median of "
            f"{r['meta.runs']} runs. libjwt 1.10 (C): sign = `jwt_new`, `jwt_add_grants_json`, "
            "`jwt_set_alg`, `jwt_encode_str`; verify = `jwt_decode` with the key (it takes PEM and parses "
            "it on every call; its API has no parsed-key object). PyJWT: `jwt.encode(dict, key)`, "
            "`jwt.decode(token, key, algorithms=[alg])`, keys loaded once as `cryptography` objects.")
        add("")
        add("| alg | op | jwt_auth in SQL | libjwt | jwt_auth ÷ libjwt | PyJWT | jwt_auth ÷ PyJWT |")
        add("|---|---|---|---|---|---|---|")
        for alg in ("HS256", "RS256", "ES256"):
            for op in ("sign", "verify"):
                name = f"sql.{alg}.{op}.explicit" if alg == "HS256" else f"sql.{alg}.{op}"
                v, lj, py = self.num(name), self.num(f"libjwt.{alg}.{op}"), self.num(f"pyjwt.{alg}.{op}")
                add(f"| {alg} | {op} | {v:.2f} | {lj:.2f} | {self.ratio(name, f'libjwt.{alg}.{op}'):.2f} | "
                    f"{py:.2f} | {self.ratio(name, f'pyjwt.{alg}.{op}'):.2f} |")
        add("")

        add("## 3. End to end with pgbench")
        add("")
        add(f"{r['meta.clients']} clients, 2 threads, prepared protocol, {r['meta.pg_seconds']} s per run "
            "(twice that for the bcrypt pair); the runs of each group take turns in rotated order "
            "(AB BA AB BA, ABCD BCDA CDAB DABC), so that a load rising or falling meanwhile weighs on each alike; "
            "median TPS; a ratio is the median of the turns' own ratios. Wall-clock throughput: the other work on the machine takes its share from every "
            "run of a group alike. Scripts in `bench/auth/`.")
        add("")
        add("| run | what each transaction does | TPS | each run's TPS |")
        add("|---|---|---|---|")
        for name, what in PGBENCH:
            if not self.has("pgbench." + name):
                continue
            add(f"| {name} | {what} | {self.num('pgbench.' + name):.1f} | "
                f"{r.get('pgbench.' + name + '.runs', '')} |")
        add("")
        if self.has("pgbench.select_token"):
            add("What bounds the `authenticate` + select target: the authenticated transaction sends one "
                "statement more than the select's. The same four statements without `authenticate()` "
                f"(select_token) run at {self.ratio('pgbench.select_token', 'pgbench.select'):.2f}× the "
                "select's TPS; against them, `authenticate()` with an HS256 token runs at "
                f"{self.ratio('pgbench.auth_select_hs', 'pgbench.select_token'):.2f}× and with an ES256 "
                f"token at {self.ratio('pgbench.auth_select_es', 'pgbench.select_token'):.2f}×.")
            if self.has("pgbench.select_role"):
                add("Of that, PostgreSQL's part: the same statements with a `SET LOCAL ROLE` (through "
                    "`set_config('role', …, true)`) and the policy, but no `authenticate()` (select_role), "
                    f"run at {self.ratio('pgbench.select_role', 'pgbench.select_token'):.2f}× select_token; "
                    "against select_role, `authenticate()` with an HS256 token runs at "
                    f"{self.ratio('pgbench.auth_select_hs', 'pgbench.select_role'):.2f}× and with an ES256 "
                    f"token at {self.ratio('pgbench.auth_select_es', 'pgbench.select_role'):.2f}×.")
            if self.has("pgbench.auth_select_hs_nocache", "pgbench.auth_select_es_nocache"):
                add("")
                add("The verified-token cache: each client reuses its tokens, as clients do for a token's "
                    "life, so after its first sight a token is not verified again. With the cache off "
                    "(every call verifies), against select_token: HS256 "
                    f"{self.ratio('pgbench.auth_select_hs_nocache', 'pgbench.select_token'):.2f}× "
                    f"(with it {self.ratio('pgbench.auth_select_hs', 'pgbench.select_token'):.2f}×), ES256 "
                    f"{self.ratio('pgbench.auth_select_es_nocache', 'pgbench.select_token'):.2f}× "
                    f"(with it {self.ratio('pgbench.auth_select_es', 'pgbench.select_token'):.2f}×).")
            if self.has("auth.authenticate_us.es_cache_on", "auth.authenticate_us.es_cache_off",
                        "auth.authenticate_us.hs_cache_on", "auth.authenticate_us.hs_cache_off"):
                a = {k: self.num("auth.authenticate_us." + k)
                     for k in ("es_cache_on", "es_cache_off", "hs_cache_on", "hs_cache_off")}
                add("")
                add("In one backend, µs of CPU time per `authenticate()` (the session and user lookups, "
                    "the role switch and the claims kept included), median of the rounds, cache on and "
                    f"off alternating: ES256 {a['es_cache_off']:.1f} without the cache, "
                    f"{a['es_cache_on']:.1f} with it; HS256 {a['hs_cache_off']:.1f} without, "
                    f"{a['hs_cache_on']:.1f} with it.")
            add("")
        if self.has("auth.login_ms.good", "auth.login_ms.bare_crypt"):
            good, bare = self.num("auth.login_ms.good"), self.num("auth.login_ms.bare_crypt")
            add("In one backend, alternating, median of 21: a good `auth_login` takes "
                f"{good:.2f} ms, bare `crypt()` on the same hash {bare:.2f} ms ({good / bare:.3f}×); "
                "a failed login costs the same bcrypt work whether the user exists or not: known user "
                f"{self.num('auth.login_ms.failed_known_user'):.2f} ms, unknown user "
                f"{self.num('auth.login_ms.failed_unknown_user'):.2f} ms.")
            add("")

        add("## 4. Memory of one backend")
        add("")
        add("One psql session; RSS from `/proc/<pg_backend_pid()>/status` (VmRSS, and RssAnon, the "
            "backend's private memory: VmRSS also counts the shared buffers it has touched), contexts from "
            "`pg_backend_memory_contexts`, by name and ident. Each phase starts after a warm-up of the "
            "same work.")
        add("")
        add("| phase | VmRSS before → halfway → after, kB | RssAnon before → halfway → after, kB | "
            "context bytes before → after | contexts grown |")
        add("|---|---|---|---|---|")
        for p, label in (("verify", "jwt_verify calls (HS256, half explicit key, half stored)"),
                         ("rounds", "login + refresh rounds (bcrypt cost 4)")):
            g = lambda w: int(self.num(f"mem.{p}.{w}"))  # noqa: E731
            mid = lambda w: (f"{g(w + '.middle'):,} → " if self.has(f"mem.{p}.{w}.middle") else "")  # noqa: E731
            add(f"| {g('calls'):,} {label} | {g('rss_kb.before'):,} → {mid('rss_kb')}{g('rss_kb.after'):,} "
                f"({g('rss_kb.after') - g('rss_kb.before'):+,}) | {g('anon_kb.before'):,} → "
                f"{mid('anon_kb')}{g('anon_kb.after'):,} ({g('anon_kb.after') - g('anon_kb.before'):+,}) | "
                f"{g('ctx_bytes.before'):,} → {g('ctx_bytes.after'):,} | {g('ctx_grown')} of "
                f"{g('ctx_count')} |")
        add("")
        for p in ("verify", "rounds"):
            grown = r.get(f"mem.{p}.ctx_grown_list", "")
            if grown:
                add(f"Grown over the {p} phase: {grown}.")
                add("")

        add("## How it is measured")
        add("")
        add("- `bench/run` (as root) installs what is missing (the project's packages, libjwt-dev, "
            "python3-jwt, gnuplot), builds and installs jwt_auth, builds `drivers/libjwt_bench.c` and "
            "`drivers/cpu_ns.c`, starts a throwaway cluster (fsync off) and removes it at the end. "
            "`BENCH_QUICK=1` is a smoke run. `results.txt` beside this file holds the raw figures: "
            "`bench/report.py results.txt DIR` redoes this report from them.")
        add("- In SQL (`hs256.sql`, `asym.sql`, `measure.sql`): each operation is a `count()` over a table "
            "whose inputs differ per row, timed on all rows and on 1 row, each beside the same query "
            "without the call; every round times every operation, so that other work on the machine "
            "falls on all alike. Times are the backend's CPU time (`drivers/cpu_ns.c`, "
            "CLOCK_PROCESS_CPUTIME_ID), as the drivers' and `openssl speed`'s are: on a shared machine "
            "wall-clock time would count the time the process waits for a core. The standalone drivers "
            "subtract their empty loop the same way.")
        add("- `authenticate` runs as `bench_app` (a member of `bench_user`) and its statement also reads "
            "the token from a table by primary key; the baseline runs the same BEGIN / select / COMMIT "
            "as `bench_plain` (BYPASSRLS). `auth_refresh` also writes the new refresh token back to a "
            "table; each pgbench client rotates tokens of its own.")
        add("- Asymmetric targets allow 1.1 × `openssl speed` + 3 µs for the JWT work around the "
            "primitive (base64url, JSON, the hash of the signing input).")
        add("")
        return "\n".join(lines)

    # ---- results.png ----
    def chart(self, png_path):
        t = self.targets
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "chart.tsv")
            with open(data, "w", encoding="utf-8") as f:
                y, group = -1, None
                for x in t:
                    y += 1 if x["group"] == group else (1 if group is None else 2)
                    group = x["group"]
                    share = max(min(x["share"], CLIP), 0.015)
                    clipped = "  ▶" if x["share"] > CLIP else ""
                    color = 0x8BC98E if x["met"] else 0xEF8A8A
                    name = f"{x['group']}: {x['chart']}{clipped}".replace('"', "'")
                    f.write(f"{y}\t{share:.4f}\t{color}\t{name}\n")
            n = len(t)
            rows = y + 1
            met = sum(1 for x in t if x["met"])
            mode = " — QUICK SMOKE RUN" if self.r.get("meta.mode") == "quick" else ""
            script = f"""
set terminal pngcairo noenhanced size 1400,{170 + 32 * rows} font "DejaVu Sans,11"
set output '{png_path}'
set datafile separator "\\t"
set title "jwt_auth: each ratio as the share of its target it uses ({met} of {n} met){mode}\\n\\
{self.r['meta.date']}, {self.r['meta.nproc']} cores, {self.r['meta.cpu']}; all figures from one run" font ",13"
set xrange [0:{CLIP + 0.05}]
set yrange [{rows} - 0.4:-0.6]
set xtics 0.25 nomirror
set grid xtics lc rgb "#dddddd"
unset ytics
set xlabel "share of the target used: ratio ÷ target for a cost, target ÷ ratio for a throughput; green: met, red: not met (▶: beyond the axis)"
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 dt 2 lc rgb "#333333"
set label "target" at 1.01, graph 0.995 left font ",10" tc rgb "#333333"
set style fill solid 0.85 noborder
set key off
plot '{data}' using ($2/2):1:(0):2:($1-0.36):($1+0.36):3 with boxxyerror lc rgb variable, \\
     '' using (0.01):1:4 with labels left font ",10" tc rgb "#000000"
"""
            gp = os.path.join(d, "chart.gp")
            with open(gp, "w", encoding="utf-8") as f:
                f.write(script)
            subprocess.run(["gnuplot", gp], check=True)


ASYM = (("RS256", "rsa2048"), ("PS256", "rsa2048_pss"), ("ES256", "ecdsap256"), ("EdDSA", "ed25519"))
PGBENCH = (
    ("crypt", "`SELECT crypt('…', h) = h` on a user's bcrypt hash (cost 10)"),
    ("login", "`SELECT jwt_auth.auth_login(user, password)`: bcrypt cost 10, session, refresh token, ES256 access token"),
    ("simple_update", "pgbench's built-in simple-update (`-N`), scale 1"),
    ("refresh", "`UPDATE bench_token SET token = auth_refresh(token)->>'refresh_token' WHERE id = …`"),
    ("select", "BEGIN; `SELECT body FROM bench_rows WHERE id = …`; COMMIT, as a BYPASSRLS role"),
    ("select_token", "BEGIN; `SELECT token FROM bench_access_hs WHERE n = …` (not authenticated); the select; COMMIT"),
    ("select_role", "select_token as bench_app, its first statement also `set_config('role', 'bench_user', true)` "
     "(the role switch alone); the select under RLS (no claims: no row); COMMIT"),
    ("auth_select_es", "BEGIN; `SELECT jwt_auth.authenticate(token) …` (ES256); the select under RLS; COMMIT"),
    ("auth_select_hs", "BEGIN; `SELECT jwt_auth.authenticate(token) …` (HS256); the select under RLS; COMMIT"),
    ("auth_select_es_nocache", "auth_select_es with the verified-token cache off (`jwt_auth.token_cache_entries = 0`)"),
    ("auth_select_hs_nocache", "auth_select_hs with the verified-token cache off"),
    ("auth_select_iss", "BEGIN; `SELECT jwt_auth.authenticate(token) …` (another issuer's ES256 token, "
     "pushed JWK set); the select under RLS on `user_id()`; COMMIT"),
    ("auth_select_iss_nocache", "auth_select_iss with the verified-token cache off"),
)
CLIP = 3.0


def main():
    results, out = sys.argv[1:]
    rep = Report(load(results))
    rep.build()
    md_path = os.path.join(out, "results.md")
    png_path = os.path.join(out, "results.png")
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(rep.markdown("results.png") + "\n")
    if shutil.which("gnuplot"):
        rep.chart(os.path.abspath(png_path))
    width = max(len(x["what"] + x["against"]) for x in rep.targets) + 4
    for x in rep.targets:
        what = f"{x['what']} vs {x['against']}" if x["against"] else x["what"]
        print(f"{what:<{width}} {x['ratio']:>22} {x['target']:>14}  {'met' if x['met'] else 'NOT MET'}")
    print(f"\nwrote {md_path} and {png_path}")


if __name__ == "__main__":
    main()
