#!/bin/bash
# grist report: from the stats files of a run, report.json holds the sums a reader written here
# computes from the same files (stage funnel, rejects by rule sorted with thresholds, sources,
# languages, shards), and the page shows them. The page renders in headless Chromium with no
# console errors and no network (release build; Chromium is not run again under the sanitizers).
. "$(dirname "$0")/lib.sh"

mkdir in
python3 - <<'PY'
import json, random
random.seed(5)
words = "the of and to in that have with be river stone house garden light water".split()
for name in "abc":
    with open(f"in/{name}.jsonl", "w") as f:
        for i in range(120):
            n = random.choice([5, 60, 120])
            text = " ".join(random.choice(words) for _ in range(n)) + "."
            f.write(json.dumps({"id": f"{name}{i}", "text": text}) + "\n")
PY
cat >p.yaml <<'YAML'
inputs: [in]
output: run
tasks: 3
pipeline: ingest | clean | dedup | tokenize -t gpt2 | shard --format llmc --shard-tokens 2K
YAML
$GRIST run -q p.yaml || fail "run"
$GRIST report run 2>report.err || fail "report"
[ -s run/report.html ] && [ -s run/report.json ] || fail "report.html and report.json in the run directory"

python3 - run/stats run/report.json <<'PY' || fail "report.json equals the sums of the stats files"
import json, os, sys
stats_dir, rep = sys.argv[1], json.load(open(sys.argv[2]))
files = [json.load(open(os.path.join(stats_dir, f))) for f in sorted(os.listdir(stats_dir))]
bad = 0
def check(what, want, got):
    global bad
    if want != got:
        print(f"{what}: stats files give {want}, report.json has {got}"); bad += 1
stages = {s["stage"]: s for s in rep["stages"]}
for name in {f["stage"] for f in files}:
    mine = [f for f in files if f["stage"] == name]
    for k in ("records_in", "records_out", "bytes_in", "bytes_out", "rejected"):
        check(f"{name}.{k}", sum(f[k] for f in mine), stages[name][k])
    rules = {}
    for f in mine:
        for r, n in f["rejects"].items():
            rules[r] = rules.get(r, 0) + n
    got = [(r["rule"], r["count"]) for r in stages[name]["rejects"]]
    want = sorted(rules.items(), key=lambda x: (-x[1], x[0]))
    check(f"{name} rejects sorted by count", want, got)
    for r in stages[name]["rejects"]:
        opt = mine[0]["options"].get(r["rule"])
        check(f"{name} threshold of {r['rule']}", opt, r["threshold"])
order = [s["stage"] for s in rep["stages"]]
check("stage order", ["ingest", "clean", "dedup", "dedup-cluster", "tokenize", "shard"], order)
src = sum(len(f["stage_stats"]["inputs"]) for f in files if f["stage"] == "ingest")
check("sources", src, len(rep["sources"]["shown"]) + rep["sources"]["others"]["files"])
shard = [f for f in files if f["stage"] == "shard"][0]["stage_stats"]
check("tokens per shard", shard["tokens_per_shard"], rep["shards"]["tokens_per_shard"])
check("sharded tokens", shard["tokens_out"], rep["tokens"]["sharded"])
langs = {}
for f in files:
    if f["stage"] == "clean":
        for code, l in f["stage_stats"].get("languages", {}).items():
            langs.setdefault(code, [0, 0])
            langs[code][0] += l["in"]; langs[code][1] += l["kept"]
check("languages", langs, {l["lang"]: [l["in"], l["kept"]] for l in rep["languages"]})
sys.exit(1 if bad else 0)
PY

# the page shows the numbers of the model
python3 - run/report.json run/report.html <<'PY' || fail "the page shows the model's numbers"
import json, re, sys
rep, page = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
cells = re.findall(r"<td>([^<]*)</td>", page)
bad = 0
for s in rep["stages"]:
    for k in ("records_in", "records_out", "rejected", "bytes_in", "bytes_out"):
        if str(s[k]) not in cells:
            print(f"{s['stage']}.{k} = {s[k]} not in the page"); bad += 1
    for r in s["rejects"]:
        if str(r["count"]) not in cells:
            print(f"{s['stage']} rule {r['rule']} = {r['count']} not in the page"); bad += 1
for k in ("<script", "http://", "https://", "src="):
    if k in page:
        print(f"the page must be self-contained: found {k}"); bad += 1
sys.exit(1 if bad else 0)
PY

# -o names the page; the model goes beside it with .json for .html, and the page names that file
mkdir named
$GRIST report -q -o named/demo.html run/stats/*.json || fail "report -o named/demo.html"
[ -s named/demo.html ] && [ -s named/demo.json ] || fail "-o named/demo.html writes named/demo.json beside it"
[ ! -e named/report.json ] && [ ! -e report.json ] || fail "no report.json beside a page named otherwise"
expect_grep "the page names its model file" "<code>demo.json</code>" named/demo.html
grep -q "report\.json" named/demo.html && fail "the page names report.json, which was not written"
cmp -s <(python3 -c "import json,sys;d=json.load(open('named/demo.json'));d.pop('files');print(json.dumps(d,sort_keys=True))") \
	<(python3 -c "import json,sys;d=json.load(open('run/report.json'));d.pop('files');print(json.dumps(d,sort_keys=True))") ||
	fail "the same stats files give the same model whatever the page is called"

# bad input: a file that is not a stats file is an error naming it
echo '{"x":1}' >bogus.json
expect_exit "not a stats file" 1 $GRIST report -o r.html bogus.json 2>bogus.err
expect_grep "names the file" "bogus.json" bogus.err

if [ "${BUILD:-release}" = asan ]; then
	echo "NOTE: t9501's Chromium rendering runs in the release build only"
	done_testing
fi
command -v chromium >/dev/null || { fail "chromium is not installed (make deps installs it)"; done_testing; }
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$TMP/chrome --enable-logging=stderr --v=0"
timeout 120 chromium $flags --window-size=1100,1800 --screenshot="$TMP/shot.png" "file://$TMP/run/report.html" 2>chrome.err >/dev/null
[ -s shot.png ] || { tail -5 chrome.err; fail "Chromium took no screenshot"; }
[ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is a PNG"
[ "$(stat -c %s shot.png)" -gt 20000 ] || fail "the screenshot is not blank"
grep -i "CONSOLE" chrome.err && fail "console messages while rendering the report"
timeout 120 chromium $flags --dump-dom "file://$TMP/run/report.html" 2>/dev/null >dom.html
records=$(python3 -c "import json;print(json.load(open('run/report.json'))['stages'][0]['records_in'])")
grep -q "<td>$records</td>" dom.html || fail "the rendered page shows the input document count ($records)"
done_testing
