#!/bin/bash
# make bench as one suite (bench/run.sh, bench/lib.sh, bench/report.py), on two small sections:
# BENCH_SIZE=small BENCH_ONLY="records shard" BENCH_REPS=1 into a scratch directory. bench.json
# holds the machine, the run (dates, load averages, git describe, size, scripts and exit codes)
# and exactly those two sections; every row's bytes equal the input sizes measured here (stat),
# its rates and the grist / peer ratios are recomputed here from its own seconds; the
# BENCHMARKS.md copy given through BENCH_OUT keeps everything outside the bench markers byte for
# byte and gets, between them, tables regenerated from bench.json (report.py markdown on a
# fresh copy gives the same file; a changed figure in bench.json changes the table). Light: the
# records input is a small JSONL written here, so the suite's own generator (slow) is not run.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
PY=/usr/bin/python3

mkdir -p bd out
# records-bench.sh uses $BENCH_DIR/records-5mb.jsonl when it exists (BENCH_SIZE=small)
$PY - <<'PY'
import json, random
random.seed(3)
w = "river stone house garden light water north field cloud iron".split()
with open("bd/records-5mb.jsonl", "w") as f:
    for i in range(3000):
        f.write(json.dumps({"id": i, "text": " ".join(random.choice(w) for _ in range(60))}) + "\n")
PY
cp "$ROOT/BENCHMARKS.md" out/BENCHMARKS.md
cp "$ROOT/BENCHMARKS.md" orig.md
BENCH_SIZE=small BENCH_ONLY="records shard" BENCH_REPS=1 BENCH_DIR=$PWD/bd BENCH_OUT=$PWD/out \
	bash "$ROOT/bench/run.sh" > run.log 2>&1
rc=$?
expect_eq "bench/run.sh exit code" 0 "$rc"
[ $rc = 0 ] || tail -n 30 run.log
[ -s out/bench.json ] || { fail "no out/bench.json"; cat run.log; done_testing; }
expect_grep "run.sh printed the records table" "grist ingest -j1" run.log

REC_BYTES=$(stat -c %s bd/records-5mb.jsonl)
$PY - out/bench.json "$(nproc)" "$REC_BYTES" <<'PY' > check.txt
import json, re, sys
doc = json.load(open(sys.argv[1]))
cores, rec_bytes = int(sys.argv[2]), int(sys.argv[3])
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
m, run = doc["machine"], doc["run"]
check(doc["schema"] == 1, "schema")
check(m["cores"] == cores, "cores %r" % m["cores"])
check(m["memory_gib"] > 0 and m["cpu"], "memory/cpu")
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
check(iso.match(run["started"] or "") and iso.match(run["finished"]), "dates")
check(run["started"] <= run["finished"], "started after finished")
for k in ("load_start", "load_end"):
    check(len(run[k]) == 3 and all(isinstance(x, float) and x >= 0 for x in run[k]), k)
check(run["git"], "git describe")
check(run["size"] == "small" and run["reps"] == 1, "size/reps")
check([(s["script"], s["rc"]) for s in run["scripts"]] ==
      [("bench/records-bench.sh", 0), ("bench/shard-bench.sh", 0)], "scripts %r" % run["scripts"])
ids = [s["id"] for s in doc["sections"]]
check(ids == ["records", "shard"], "sections %r (BENCH_ONLY)" % ids)
expect_bytes = {"records": rec_bytes, "shard": 2 * 2000000}
for s in doc["sections"]:
    check(s["title"] and s["script"] == "bench/%s-bench.sh" % s["id"], "section head %s" % s["id"])
    roles = [r["role"] for r in s["rows"]]
    check(roles.count("grist") == 1 and roles.count("peer") == 1, "roles %r" % roles)
    for r in s["rows"]:
        what = "%s/%s" % (s["id"], r["name"])
        check(r["source"] == "measured" and r["reps"] == 1 and not r.get("failed"), what + " source/reps")
        check(r["bytes"] == expect_bytes[s["id"]], what + " bytes %r" % r["bytes"])
        check(r["wall_s"] > 0 and r["cpu_s"] >= 0 and r["peak_rss_mb"] > 0, what + " figures")
        check(len(r["walls"]) == 1 and r["walls"][0] == r["wall_s"], what + " walls")
        check(abs(r["mb_s_wall"] - r["bytes"] / r["wall_s"] / 1e6) < 0.01, what + " MB/s")
    g = [r for r in s["rows"] if r["role"] == "grist"][0]
    p = [r for r in s["rows"] if r["role"] == "peer"][0]
    check(len(s["ratios"]) == 1, "%s: ratios %r" % (s["id"], s["ratios"]))
    q = s["ratios"][0]
    check((q["grist"], q["peer"]) == (g["name"], p["name"]), "ratio names")
    check(abs(q["wall"] - g["wall_s"] / p["wall_s"]) < 0.002, "wall ratio %r" % q)
    check(abs(q["peak_rss"] - g["peak_rss_mb"] / p["peak_rss_mb"]) < 0.002, "memory ratio %r" % q)
print("\n".join(bad) if bad else "ok")
PY
expect_eq "bench.json" ok "$(cat check.txt)"

# BENCHMARKS.md: outside the markers unchanged; inside, the tables of bench.json
split_md() { # FILE -> FILE.outside, FILE.inside
	awk -v o="$1.outside" -v i="$1.inside" '/<!-- bench:begin -->/ { inside = 1 } { print > (inside ? i : o) }
		/<!-- bench:end -->/ { inside = 0 }' "$1"
}
split_md orig.md
split_md out/BENCHMARKS.md
expect_file_eq "BENCHMARKS.md outside the markers" orig.md.outside out/BENCHMARKS.md.outside
G=out/BENCHMARKS.md.inside
expect_grep "small-size label" "BENCH_SIZE=small: every input shrunk" "$G"
expect_grep "records section" "### JSONL pass-through" "$G"
expect_grep "shard section" "### Shard writing to tmpfs" "$G"
expect_eq "generated tables" 2 "$(grep -c '^| run | role | wall s' "$G")"
$PY - out/bench.json "$G" <<'PY' > rows.txt
import json, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
for s in doc["sections"]:
    for r in s["rows"]:
        w = r["wall_s"]
        cell = "{:,.{}f}".format(w, 3 if w < 10 else 1)
        line = "| `%s` | %s | %s |" % (r["name"].replace("|", "\\|"), r["role"], cell)
        if line not in text:
            print("missing: " + line)
print("ok")
PY
expect_eq "every row of bench.json in the tables" ok "$(cat rows.txt)"

# regenerated from bench.json alone: same file; a changed figure shows
cp orig.md again.md
$PY "$ROOT/bench/report.py" markdown out/bench.json again.md
expect_file_eq "report.py markdown on a fresh copy" out/BENCHMARKS.md again.md
$PY "$ROOT/bench/report.py" markdown out/bench.json again.md
expect_file_eq "report.py markdown twice" out/BENCHMARKS.md again.md
$PY - out/bench.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sections"][0]["rows"][0]["wall_s"] = 7.654
d["run"]["load_start"] = [9.87, 6.54, 3.21]
json.dump(d, open("changed.json", "w"))
PY
$PY "$ROOT/bench/report.py" markdown changed.json again.md
expect_grep "changed wall seconds" "| 7.654 |" again.md
expect_grep "changed load average" "9.87 / 6.54 / 3.21 at the start" again.md
printf 'no markers here\n' > nomark.md
expect_exit "report.py markdown without markers" 1 $PY "$ROOT/bench/report.py" markdown out/bench.json nomark.md 2> /dev/null
expect_eq "file without markers untouched" "no markers here" "$(cat nomark.md)"
done_testing
