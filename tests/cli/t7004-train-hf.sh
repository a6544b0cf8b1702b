#!/bin/bash
# tokenize train against HuggingFace `tokenizers` (npm, native):
#   - on the same lines, grist learns exactly the merges of its BpeTrainer (default trainer run
#     to exhaustion), with the gpt2 pattern (ByteLevel) and cl100k and o200k (Split), which
#     checks the documented tie-break and the patterns;
#   - the package loads grist's tokenizer.json (specials included) and encodes text to the ids
#     that the reference's merge-by-rank encoder gives.
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
NPM="$FIX/../npm"
[ -d "$NPM/node_modules/tokenizers" ] || { fail "npm packages missing: run make deps"; done_testing; }

python3 - "$FIX/train/small.jsonl" <<'PY'
import json, sys
lines = []
for l in open(sys.argv[1], encoding="utf-8"):
    lines += json.loads(l)["text"].split("\n")
with open("lines.txt", "w", encoding="utf-8") as f, open("lines.jsonl", "w", encoding="utf-8") as g:
    for x in lines:
        f.write(x + "\n")
        g.write(json.dumps({"text": x + "\n"}) + "\n")
PY
same_merges() { # WHAT HF.json GRIST.json
	python3 - "$2" "$3" <<'PY' || fail "$1: merges differ from tokenizers'"
import json, sys
a = [" ".join(m) if isinstance(m, list) else m for m in json.load(open(sys.argv[1]))["model"]["merges"]]
b = json.load(open(sys.argv[2]))["model"]["merges"]
if a != b:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    sys.exit("tokenizers %d merges, grist %d; first difference at %d: %r vs %r"
             % (len(a), len(b), i, a[i:i + 1], b[i:i + 1]))
assert len(b) > 2000, len(b)
PY
}
node "$NPM/train-hf.js" hf.json lines.txt > /dev/null 2>&1 || fail "tokenizers could not train"
$TRAIN -q --vocab-size 100000 -o grist.json lines.jsonl 2> /dev/null || fail "grist could not train"
same_merges "gpt2 (ByteLevel)" hf.json grist.json
# The other known patterns, through the Split pre-tokenizer grist writes (regex from its file).
for p in cl100k o200k; do
	$TRAIN -q --vocab-size 100000 --pattern $p -o grist-$p.json lines.jsonl 2> /dev/null || fail "grist $p"
	re=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"])' grist-$p.json)
	node "$NPM/train-hf.js" --regex "$re" hf-$p.json lines.txt > /dev/null 2>&1 || fail "tokenizers $p"
	same_merges "$p (Split)" hf-$p.json grist-$p.json
done

# Load and encode: a text with words the vocabulary has and has not seen.
$TRAIN -q --vocab-size 700 --special '<|endoftext|>' -o v.json "$FIX/train/small.jsonl" || fail "train v"
python3 -c '
import json
docs = [json.loads(l)["text"] for l in open("'"$FIX"'/train/small.jsonl", encoding="utf-8")]
open("sample.txt", "w", encoding="utf-8").write("\n".join(docs[::7]) + " Zyzzyva\u00e9\u4e2d 12345  \t x")
'
node "$NPM/train-eval.js" --ids v.json sample.txt > hf.ids || fail "tokenizers could not load/encode"
python3 "$FIX/../train_ref.py" encode v.json sample.txt > ref.ids
expect_file_eq "ids" ref.ids hf.ids
[ "$(wc -w < hf.ids)" -gt 500 ] || fail "too few ids"
done_testing
