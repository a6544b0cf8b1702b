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
vocab = ["".join(random.choice("abcdefghijklmnoprstuvwy") for _ in range(random.randint(3, 8)))
         for _ in range(3000)]
stop = "the of and to in that have with be".split()
def doc(nsent):  # sentences of made-up words and stop words: clean keeps the long ones
    return " ".join(" ".join(random.choice(vocab if random.random() < 0.6 else stop)
                             for _ in range(random.randint(8, 16))).capitalize() + "."
                    for _ in range(nsent))
for name in "abc":
    with open(f"in/{name}.jsonl", "w") as f:
        for i in range(120):
            f.write(json.dumps({"id": f"{name}{i}", "text": doc(random.choice([1, 8, 20]))}) + "\n")
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
# tokenizer compression: tokenize's per-language figures summed; they add up to its totals
comp = {}
tok = [f for f in files if f["stage"] == "tokenize"]
for f in tok:
    for code, l in f["stage_stats"]["languages"].items():
        c = comp.setdefault(code, [0, 0, 0])
        for i, k in enumerate(("documents", "bytes", "tokens")):
            c[i] += l[k]
got = {l["lang"]: [l["documents"], l["bytes"], l["tokens"]] for l in rep["compression"]}
check("compression per language", comp, got)
check("languages' tokens add up to tokenize's tokens", sum(f["stage_stats"]["tokens"] for f in tok),
      sum(c[2] for c in comp.values()))
check("languages' documents add up to tokenize's output", sum(f["records_out"] for f in tok),
      sum(c[0] for c in comp.values()))
for l in rep["compression"]:
    check(f"bytes per token of {l['lang']}", round(l["bytes"] / l["tokens"], 2), l["bytes_per_token"])
check("several languages' worth of documents", True, len(comp) >= 1 and sum(c[0] for c in comp.values()) > 50)
# sources: per stage, the stats files' per-source figures summed; kept = tokenize's out
shown = {s["path"]: s for s in rep["sources"]["shown"]}
check("kept after", "tokenize", rep["sources"]["kept_after"])
for stage in ("clean", "tokenize"):
    per = {}
    for f in files:
        if f["stage"] == stage:
            for p, v in f["sources"].items():
                x = per.setdefault(p, [0, 0, {}])
                x[0] += v["records_in"]; x[1] += v["records_out"]
                for r, n in v["rejects"].items():
                    x[2][r] = x[2].get(r, 0) + n
    for p, (i, o, rj) in per.items():
        st = shown[p]["stages"][stage]
        check(f"{p} {stage}", [i, o, rj], [st["records_in"], st["records_out"], st["rejects"]])
        if stage == "tokenize":
            check(f"{p} kept", o, shown[p]["kept"])
    check(f"{stage}: every record counted under its source",
          sum(f["records_in"] for f in files if f["stage"] == stage), sum(x[0] for x in per.values()))
check("kept documents add up to what shard wrote", sum(s["kept"] for s in shown.values()),
      [f for f in files if f["stage"] == "shard"][0]["records_in"])
sys.exit(1 if bad else 0)
PY

# the per-source rejects equal clean's rejects files, grouped by the record's source and rule
python3 - run/rejects run/report.json <<'PY' || fail "per-source clean rejects equal the rejects files"
import json, os, sys
want = {}
for f in os.listdir(sys.argv[1]):
    if f.endswith(".clean.jsonl"):
        for line in open(os.path.join(sys.argv[1], f)):
            r = json.loads(line)
            key = (r["record"]["source"].split("!")[0], r["rule"])
            want[key] = want.get(key, 0) + 1
got = {}
for s in json.load(open(sys.argv[2]))["sources"]["shown"]:
    for r in s["rejects"]:
        if r["stage"] == "clean":
            got[(s["path"], r["rule"])] = r["count"]
if not want or want != got:
    print("rejects files:", sorted(want.items())); print("report.json:", sorted(got.items()))
    sys.exit(1)
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
for s in rep["sources"]["shown"]:
    if str(s["kept"]) not in cells:
        print(f"source {s['path']} kept = {s['kept']} not in the page"); bad += 1
for l in rep["compression"]:
    for k in ("documents", "bytes", "tokens", "bytes_per_token"):
        if str(l[k]) not in cells:
            print(f"compression {l['lang']}.{k} = {l[k]} not in the page"); bad += 1
for k in ("<script", "http://", "https://", "src="):
    if k in page:
        print(f"the page must be self-contained: found {k}"); bad += 1
sys.exit(1 if bad else 0)
PY

# A fine-tuning run: tokenize --chat-template's turns and masked tokens, shard --pack's packing
python3 - <<'PY'
import json, random
random.seed(7)
words = "river stone house garden light water bread table window door paper music".split()
def say(n):
    return " ".join(random.choice(words) for _ in range(n)) + "."
with open("chat.jsonl", "w") as f:
    for i in range(150):
        msgs = []
        for _ in range(random.randint(1, 3)):
            msgs += [{"role": "user", "content": say(random.randint(3, 12))},
                     {"role": "assistant", "content": say(random.randint(5, 40))}]
        f.write(json.dumps({"id": f"c{i}", "messages": msgs}) + "\n")
PY
$GRIST tokenize -q --chat-template chatml --to text chat.jsonl |
	$GRIST tokenize train -q --vocab-size 400 --special "<|endoftext|>" --special "<|im_start|>" \
		--special "<|im_end|>" -o chat-tok.json || fail "a tokenizer for the chat run"
$GRIST tokenize -q -t chat-tok.json --chat-template chatml --stats ft-tok.json chat.jsonl |
	$GRIST shard -q --pack 512 --format jsonl -o ft/c --stats ft-shard.json || fail "chat tokenize | shard --pack"
$GRIST tokenize -q -t chat-tok.json --chat-template chatml --to jsonl chat.jsonl >masks.jsonl || fail "--to jsonl"
$GRIST report -q -o ft.html ft-tok.json ft-shard.json || fail "report of the fine-tuning run"
python3 - chat.jsonl masks.jsonl ft-shard.json ft.json ft.html <<'PY' || fail "fine-tuning figures"
import json, re, sys
convs = [json.loads(l) for l in open(sys.argv[1])]
rows = [json.loads(l) for l in open(sys.argv[2])]
shard, ft = json.load(open(sys.argv[3]))["stage_stats"], json.load(open(sys.argv[4]))["fine_tuning"]
page = re.findall(r"<td>([^<]*)</td>", open(sys.argv[5]).read())
turns = sum(len(c["messages"]) for c in convs)
toks = sum(len(r["tokens"]) for r in rows)
masked = sum(m == 0 for r in rows for m in r["mask"])
want = {"conversations": len(convs), "turns": turns, "tokens": toks, "masked_tokens": masked,
        "turns_per_conversation": round(turns / len(convs), 2),
        "masked_fraction": round(masked / toks, 4),
        "packing_efficiency": shard["packing_efficiency"]}
bad = 0
for k, v in want.items():
    if ft.get(k) != v:
        print(f"fine_tuning.{k}: expected {v}, report.json has {ft.get(k)}"); bad += 1
    if str(ft.get(k)) not in page:
        print(f"fine_tuning.{k} = {ft.get(k)} not on the page"); bad += 1
if not 0 < masked < toks:
    print(f"the masks mark some tokens and not others ({masked} of {toks})"); bad += 1
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
python3 - run/report.json dom.html <<'PY' || fail "the rendered page shows the sources' kept documents and the bytes per token"
import json, sys
rep, dom = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
want = [str(s["kept"]) for s in rep["sources"]["shown"]] + [str(l["bytes_per_token"]) for l in rep["compression"]]
missing = [w for w in want if f"<td>{w}</td>" not in dom]
sys.exit(print("not in the rendered page:", missing) or 1 if missing or not want else 0)
PY
done_testing
