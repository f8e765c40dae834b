"""bench/run's curves report (step 7, issue 15): reads curves.txt and writes curves.md and curves.png.

    /usr/bin/python3 bench/curves.py CURVES_TXT OUT_DIR

curves.txt holds "name|value" lines; a name ending in .rN is one round of several, the figure
is their median. Every target is a ratio of figures from this one run (or a bound the settings
set), marked met or not; the chart (gnuplot) draws the curves.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile


def load(path):
    raw, runs, trace = {}, {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "|" not in line:
                continue
            name, value = line.split("|", 1)
            if name == "curve.purge.trace":
                t, ms = value.split("|")
                trace.append((float(t), float(ms)))
                continue
            m = re.fullmatch(r"(.*)\.r\d+", name)
            if m:
                runs.setdefault(m.group(1), []).append(float(value))
            else:
                raw[name] = value
    for name, values in runs.items():
        raw[name] = str(statistics.median(values))
    return raw, runs, trace


def fmt_n(n):
    return f"10^{len(str(n)) - 1}" if str(n).startswith("1") and set(str(n)[1:]) <= {"0"} else f"{n:,}"


class Curves:
    def __init__(self, loaded):
        self.r, self.runs, self.trace = loaded
        self.targets = []

    def num(self, name):
        return float(self.r[name])

    def has(self, *names):
        return all(n in self.r for n in names)

    def sizes(self):
        return sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.ops\.(\d+)\.", n)] if m})

    def target(self, what, measured, target, met, why=""):
        self.targets.append(dict(what=what, measured=measured, target=target, met=met, why=why))

    def build(self):
        sizes = self.sizes()
        if len(sizes) >= 2:
            lo, hi = sizes[0], sizes[-1]
            for op, label, limit in (("authenticate", "`authenticate()` per call", 1.5),
                                     ("refresh", "`auth_refresh` per call", 1.5),
                                     ("login", "`auth_login` per call (bcrypt cost 4)", None)):
                cpu = self.num(f"curve.ops.{hi}.{op}.cpu_us") / self.num(f"curve.ops.{lo}.{op}.cpu_us")
                wall = self.num(f"curve.ops.{hi}.{op}.wall_us") / self.num(f"curve.ops.{lo}.{op}.wall_us")
                what = f"{label}, {fmt_n(hi)} sessions ÷ {fmt_n(lo)}"
                measured = f"{cpu:.2f}× CPU time ({wall:.2f}× wall)"
                if limit is None:
                    self.target(what, measured, "shown (no target)", None)
                else:
                    short = "" if hi >= 10 ** 7 else f" (run reached {fmt_n(hi)} only, not 10^7)"
                    self.target(what, measured, f"≤ {limit:g}×{short}", cpu <= limit)
        sz = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.payload\.(\d+)\.us$", n)] if m})
        if len(sz) >= 3:
            us = {s: self.num(f"curve.payload.{s}.us") for s in sz}
            # linear: the cost of each further kB stays the same as the payload grows
            slopes = [(us[b] - us[a]) / ((b - a) / 1000) for a, b in zip(sz, sz[1:]) if a >= 4000]
            spread = max(slopes) / min(slopes)
            self.target("`jwt_verify` per call by payload size, 4 kB → 128 kB: µs per further kB, "
                        "largest ÷ smallest step", f"{spread:.2f}× ({', '.join(f'{x:.2f}' for x in slopes)} µs/kB)",
                        "≤ 1.5× (linear)", spread <= 1.5)
        if self.has("curve.payload.refused.outcome"):
            out = self.r["curve.payload.refused.outcome"]
            self.target(f"a token of {int(self.num('curve.payload.refused.token_bytes')):,} bytes "
                        "(200 kB of claims), over the 256 kB cap", out, "refused", out != "accepted")
        keys = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.keys\.(\d+)\.newest_us$", n)] if m})
        if len(keys) >= 2:
            for which in ("newest", "oldest"):
                ratio = self.num(f"curve.keys.{keys[-1]}.{which}_us") / self.num(f"curve.keys.{keys[0]}.{which}_us")
                self.target(f"stored-key `jwt_verify(token)`, the {which} key's token, {keys[-1]:,} keys ÷ "
                            f"{keys[0]}", f"{ratio:.2f}×", "≤ 1.2× (flat)", ratio <= 1.2)
        if self.has("curve.purge.seconds", "curve.purge.login.before.p50_ms"):
            before = self.num("curve.purge.login.before.p50_ms")
            if self.has("curve.purge.login.during.max_ms"):
                mx = self.num("curve.purge.login.during.max_ms")
                p50 = self.num("curve.purge.login.during.p50_ms")
                self.target(f"logins during `purge_expired()` ({self.num('curve.purge.seconds'):.1f} s): the slowest",
                            f"{mx:.1f} ms (median {p50:.2f} ms, {p50 / before:.2f}× the median before the purge)",
                            "≤ 1,000 ms (no lock wait)", mx <= 1000)
            else:
                self.target("logins during `purge_expired()`", "no login started during the purge", "some", False)
        for label in sorted({m.group(1) for n in self.r for m in [re.match(r"curve\.mem\.([^.]+)\.", n)] if m}):
            lim_e, lim_kb = MEM_LIMITS.get(label, (None, None))
            seen = sorted({int(m.group(1)) for n in self.r
                           for m in [re.match(rf"curve\.mem\.{label}\.(\d+)\.anon_kb$", n)] if m})
            first, last = seen[0], seen[-1]
            grow = self.num(f"curve.mem.{label}.{last}.anon_kb") - self.num(f"curve.mem.{label}.{first}.anon_kb")
            max_e = max(self.num(f"curve.mem.{label}.{s}.entries") for s in seen)
            max_b = max(self.num(f"curve.mem.{label}.{s}.bytes") for s in seen)
            met = lim_e is not None and max_e <= lim_e and max_b <= lim_kb * 1024 and grow <= lim_kb + 2048
            self.target(f"backend memory, {last:,} distinct tokens through the cache "
                        f"(entries {lim_e:,}, size {lim_kb // 1024} MB)",
                        f"RssAnon {grow:+,.0f} kB; at most {max_e:,.0f} entries, {max_b / 1048576:.1f} MB",
                        "entries and bytes within the settings, RssAnon growth ≤ size + 2 MB", met)

    def markdown(self, png):
        r = self.r
        add = []
        a = add.append
        a("# jwt_auth cost curves (issue 15)")
        a("")
        if r.get("meta.mode") == "quick":
            a("**Quick smoke run (BENCH_QUICK=1): small sizes; the figures show that the tooling works.**")
            a("")
        a(f"Made by `BENCH_STEPS=curves bench/run` (step 7) on {r.get('meta.date', '?')}, in one run; "
          f"{r.get('meta.nproc', '?')} cores, {r.get('meta.cpu', '?')}, {r.get('meta.postgres', '?')}; load "
          f"average (1, 5, 15 min) {r.get('meta.load_start', '?')} at the start, {r.get('meta.load_end', '?')} at "
          "the end. The machine was shared with other engineers' test suites: ratios, not absolute times, "
          "are the claim.")
        a("")
        a(f"![the curves]({png})")
        a("")
        met = sum(1 for t in self.targets if t["met"])
        judged = sum(1 for t in self.targets if t["met"] is not None)
        a(f"## Targets: {met} of {judged} met")
        a("")
        a("| | measured | ratio / figure | target | |")
        a("|---|---|---|---|---|")
        for i, t in enumerate(self.targets, 1):
            mark = "—" if t["met"] is None else ("met" if t["met"] else "**not met**")
            a(f"| {i} | {t['what']} | {t['measured']} | {t['target']} | {mark} |")
        a("")
        sizes = self.sizes()
        if sizes:
            a("## authenticate(), auth_refresh, auth_login by the number of sessions")
            a("")
            a("Each size: the tables filled by one `INSERT … SELECT generate_series` each (half the sessions "
              "and their refresh tokens expired, users one per ten sessions, at least 100), then `ANALYZE`; "
              "per round, 1,000 live sessions drawn at random from the whole table (quick run: 200) get an "
              "access and a refresh token (`_issue`, as a login does); `authenticate()` of each access token "
              "once (its first sight: the HS256 signature checked, then its session and user read by index), "
              "`auth_refresh` of each refresh token once, and logins of random users at bcrypt cost 4; "
              "µs per call, median of the rounds. CPU time is the backend's (pages read from the OS cache "
              "count); wall time also counts waiting for a core.")
            a("")
            a("| sessions | users | tables + indexes | fill | authenticate, µs CPU (wall) | auth_refresh, µs CPU (wall) "
              "| auth_login, µs CPU (wall) |")
            a("|---|---|---|---|---|---|---|")
            for n in sizes:
                cells = []
                for op in ("authenticate", "refresh", "login"):
                    cells.append(f"{self.num(f'curve.ops.{n}.{op}.cpu_us'):,.1f} "
                                 f"({self.num(f'curve.ops.{n}.{op}.wall_us'):,.1f})")
                a(f"| {n:,} | {int(self.num(f'curve.size.{n}.users_rows')):,} | "
                  f"{self.num(f'curve.size.{n}.bytes') / 1048576:,.0f} MB | "
                  f"{self.num(f'curve.fill.{n}.seconds'):,.1f} s | " + " | ".join(cells) + " |")
            a("")
        if self.has("curve.purge.seconds"):
            a("## purge_expired()")
            a("")
            sb, tb = int(self.num("curve.purge.sessions_before")), int(self.num("curve.purge.refresh_tokens_before"))
            sp = int(self.num("curve.purge.sessions_purgeable_before")) - int(self.num("curve.purge.sessions_purgeable_after"))
            tp = (int(self.num("curve.purge.refresh_tokens_purgeable_before"))
                  - int(self.num("curve.purge.refresh_tokens_purgeable_after")))
            a(f"At {sb:,} sessions and {tb:,} refresh tokens, `purge_expired()` deleted {sp:,} sessions and "
              f"{tp:,} refresh tokens ({sp + tp:,} rows: those revoked or expired before it and none after it; it returned "
              f"{int(self.num('curve.purge.returned')):,}: the tokens that went with their sessions by the "
              f"foreign key's cascade are not in its count) in {self.num('curve.purge.seconds'):.1f} s, in one "
              "transaction. Meanwhile another backend logged in random users (bcrypt cost 4), one transaction "
              "each:")
            a("")
            a("| logins | count | median ms | p99 ms | slowest ms |")
            a("|---|---|---|---|---|")
            for w, label in (("before", "5 s before the purge"), ("during", "during the purge"),
                             ("around", "the 2 s before and after it, same backend"), ("after", "5 s after")):
                if self.has(f"curve.purge.login.{w}.count"):
                    g = lambda k: self.num(f"curve.purge.login.{w}.{k}")  # noqa: E731
                    a(f"| {label} | {g('count'):,.0f} | {g('p50_ms'):.2f} | {g('p99_ms'):.2f} | {g('max_ms'):.2f} |")
            a("")
        sz = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.payload\.(\d+)\.us$", n)] if m})
        if sz:
            a("## jwt_verify by payload size")
            a("")
            a("`jwt_verify(token, key)`, HS256 with the key in the call (never cached), claims JSON of the "
              "given size (a padding claim), µs of CPU time per call, median of the rounds:")
            a("")
            a("| claims | token | µs per call | µs per kB of claims |")
            a("|---|---|---|---|")
            for s in sz:
                us = self.num(f"curve.payload.{s}.us")
                a(f"| {s:,} B | {int(self.num(f'curve.payload.{s}.token_bytes')):,} B | {us:,.2f} | "
                  f"{us / (s / 1000):,.2f} |")
            a("")
            if self.has("curve.payload.refused.outcome"):
                a(f"A token of {int(self.num('curve.payload.refused.token_bytes')):,} bytes (200 kB of claims): "
                  f"`{self.r['curve.payload.refused.outcome']}`. The cap is on the token's length (256 kB, "
                  "`JWS_MAX_TOKEN_LENGTH`), so claims up to about 190 kB pass.")
                a("")
        keys = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.keys\.(\d+)\.newest_us$", n)] if m})
        if keys:
            a("## Stored-key verify by the number of keys")
            a("")
            a("`jwt_verify(token)` with the stored keys, the verified-token cache off (every call verifies), "
              "HS256 keys (each new one active, the one before retired), a token of the newest key and "
              "one of the oldest; µs of CPU time per call, median of the rounds (alternating):")
            a("")
            a("| keys | newest key's token | oldest key's token |")
            a("|---|---|---|")
            for k in keys:
                a(f"| {k:,} | {self.num(f'curve.keys.{k}.newest_us'):.2f} | {self.num(f'curve.keys.{k}.oldest_us'):.2f} |")
            a("")
        labels = sorted({m.group(1) for n in self.r for m in [re.match(r"curve\.mem\.([^.]+)\.", n)] if m})
        if labels:
            a("## Backend memory through the verified-token cache")
            a("")
            a("One backend per setting, distinct tokens (stored HS256 key) through `jwt_verify(token)`, after a "
              "warm-up of 1,000 others; RssAnon from `/proc/<pid>/status`, the cache from "
              "`_token_cache_state()` (entries, bytes counted against `token_cache_size`, the context's "
              "allocated memory):")
            a("")
            a("| settings | tokens seen | RssAnon kB | entries | bytes | allocated |")
            a("|---|---|---|---|---|---|")
            for label in labels:
                seen = sorted({int(m.group(1)) for n in self.r
                               for m in [re.match(rf"curve\.mem\.{label}\.(\d+)\.anon_kb$", n)] if m})
                for s in (seen[0], seen[len(seen) // 2], seen[-1]):
                    g = lambda k: int(self.num(f"curve.mem.{label}.{s}.{k}"))  # noqa: E731
                    a(f"| {label} | {s:,} | {g('anon_kb'):,} | {g('entries'):,} | {g('bytes'):,} | {g('allocated'):,} |")
            a("")
        return "\n".join(add) + "\n"

    def chart(self, png):
        sizes = self.sizes()
        with tempfile.TemporaryDirectory() as d:
            def write(name, rows):
                path = os.path.join(d, name)
                with open(path, "w", encoding="utf-8") as f:
                    for row in rows:
                        f.write("\t".join(str(x) for x in row) + "\n")
                return path
            plots = []
            if sizes:
                lo = sizes[0]
                ops = write("ops.tsv", [(n, *(self.num(f"curve.ops.{n}.{op}.cpu_us") / self.num(f"curve.ops.{lo}.{op}.cpu_us")
                                             for op in ("authenticate", "refresh", "login"))) for n in sizes])
                plots.append(f"""
set title "per call ÷ the same at {lo:,} sessions (CPU time)"
set logscale x; unset logscale y; set xlabel "sessions (and refresh tokens) in the tables"; set ylabel "× the cost at {lo:,}"
set yrange [0:*]; set key top left
plot '{ops}' u 1:2 w lp lw 2 t 'authenticate()', '' u 1:3 w lp lw 2 t 'auth\\_refresh', '' u 1:4 w lp lw 2 t 'auth\\_login (bcrypt 4)', 1.5 w l dt 2 lc rgb '#cc0000' t 'target 1.5×'
""")
            sz = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.payload\.(\d+)\.us$", n)] if m})
            if sz:
                pay = write("payload.tsv", [(s, self.num(f"curve.payload.{s}.us")) for s in sz])
                plots.append(f"""
set title "jwt\\_verify(token, key) HS256 by size of the claims"
set logscale x; set logscale y; set xlabel "claims, bytes"; set ylabel "µs of CPU per call"
set yrange [*:*]; set key top left
set arrow 1 from 196000, graph 0 to 196000, graph 1 nohead dt 2 lc rgb '#cc0000'
set label 1 "token cap 256 kB: refused beyond" at 180000, graph 0.5 right tc rgb '#cc0000'
plot '{pay}' u 1:2 w lp lw 2 pt 7 t 'µs per call'
unset arrow 1; unset label 1
""")
            keys = sorted({int(m.group(1)) for n in self.r for m in [re.match(r"curve\.keys\.(\d+)\.newest_us$", n)] if m})
            if keys:
                kf = write("keys.tsv", [(k, self.num(f"curve.keys.{k}.newest_us"), self.num(f"curve.keys.{k}.oldest_us"))
                                        for k in keys])
                plots.append(f"""
set title "stored-key jwt\\_verify(token), cache off, by keys in the store"
set logscale x; unset logscale y; set xlabel "keys in jwt\\_auth.keys"; set ylabel "µs of CPU per call"
set yrange [0:*]; set key bottom right
plot '{kf}' u 1:2 w lp lw 2 t "newest key's token", '' u 1:3 w lp lw 2 t "oldest key's token", {self.num(f'curve.keys.{keys[0]}.newest_us') * 1.2} w l dt 2 lc rgb '#cc0000' t '1.2× (1 key)'
""")
            labels = sorted({m.group(1) for n in self.r for m in [re.match(r"curve\.mem\.([^.]+)\.", n)] if m})
            if labels:
                series = []
                for label in labels:
                    seen = sorted({int(m.group(1)) for n in self.r
                                   for m in [re.match(rf"curve\.mem\.{label}\.(\d+)\.anon_kb$", n)] if m})
                    base = self.num(f"curve.mem.{label}.{seen[0]}.anon_kb")
                    f = write(f"mem_{label}.tsv", [(s, (self.num(f"curve.mem.{label}.{s}.anon_kb") - base) / 1024,
                                                   self.num(f"curve.mem.{label}.{s}.bytes") / 1048576) for s in seen])
                    series.append(f"'{f}' u 1:2 w lp lw 2 t 'RssAnon growth, {label.replace('_', ' ')}'")
                    series.append(f"'{f}' u 1:3 w l dt 3 lw 2 t 'cache bytes, {label.replace('_', ' ')}'")
                plots.append(f"""
set title "one backend's memory, distinct tokens through the verified-token cache"
unset logscale x; unset logscale y; set xlabel "tokens seen"; set ylabel "MB"
set yrange [0:*]; set key top left
plot {', '.join(series)}
""")
            if self.trace and self.has("curve.purge.seconds"):
                tr = write("trace.tsv", self.trace)
                p = self.num("curve.purge.seconds")
                plots.append(f"""
set title "logins while purge\\_expired() runs (between the dashed lines)"
unset logscale x; set logscale y; set xlabel "s since the purge began"; set ylabel "login latency, ms"
set yrange [*:*]; set key top left
set arrow 2 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#cc0000'
set arrow 3 from {p}, graph 0 to {p}, graph 1 nohead dt 2 lc rgb '#cc0000'
plot '{tr}' u 1:2 w p pt 7 ps 0.3 t 'one login (bcrypt cost 4): every 20th, and every one over 5 ms'
unset arrow 2; unset arrow 3
""")
            if sizes:
                fill = write("fill.tsv", [(n, self.num(f"curve.fill.{n}.seconds"), self.num(f"curve.size.{n}.bytes") / 1048576)
                                          for n in sizes])
                plots.append(f"""
set title "filling the tables (one INSERT per table per decade)"
set logscale x; set logscale y; set xlabel "sessions"; set ylabel "seconds / MB"
set yrange [*:*]; set key top left
plot '{fill}' u 1:2 w lp lw 2 t 'fill time, s (this decade)', '' u 1:3 w lp lw 2 t 'tables + indexes, MB'
""")
            cols = 3
            rows = (len(plots) + cols - 1) // cols
            mode = " — QUICK SMOKE RUN" if self.r.get("meta.mode") == "quick" else ""
            script = f"""
set terminal pngcairo noenhanced size 1800,{560 * rows} font "DejaVu Sans,10"
set output '{png}'
set datafile separator "\\t"
set grid lc rgb "#dddddd"
set multiplot layout {rows},{cols} title "jwt_auth cost curves{mode}: {self.r.get('meta.date', '')}, {self.r.get('meta.nproc', '?')} cores, {self.r.get('meta.cpu', '')}"
""" + "".join(plots) + "unset multiplot\n"
            gp = os.path.join(d, "curves.gp")
            with open(gp, "w", encoding="utf-8") as f:
                f.write(script)
            subprocess.run(["gnuplot", gp], check=True)


# label: (token_cache_entries, token_cache_size in kB), as bench/run sets them
MEM_LIMITS = {"default": (1024, 8192), "entries_1e6_size_8MB": (1000000, 8192),
              "entries_1e6_size_64MB": (1000000, 65536)}


def main():
    path, out = sys.argv[1:]
    c = Curves(load(path))
    c.build()
    md, png = os.path.join(out, "curves.md"), os.path.join(out, "curves.png")
    with open(md, "w", encoding="utf-8") as f:
        f.write(c.markdown("curves.png"))
    if shutil.which("gnuplot"):
        c.chart(os.path.abspath(png))
    for t in c.targets:
        mark = "—" if t["met"] is None else ("met" if t["met"] else "NOT MET")
        print(f"{t['what']}: {t['measured']} (target {t['target']}) {mark}")
    print(f"\nwrote {md} and {png}")


if __name__ == "__main__":
    main()
