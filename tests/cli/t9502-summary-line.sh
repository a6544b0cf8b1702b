#!/bin/bash
# The one-line summary every stage prints lists its reject rules by count, largest first, five
# of them and then "and N more rules"; the --stats file still has every rule.
. "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
random.seed(1)
def word(lo=3, hi=8):
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(lo, hi)))
stop = "the be to of and that have with".split()
def prose(n, extra=lambda i: None):
    out = []
    for i in range(n):
        out.append(random.choice(stop) if i % 4 == 0 else word())
        e = extra(i)
        if e:
            out.append(e)
    return " ".join(out) + "."
docs = []
docs += [prose(10) for _ in range(7)]                                   # gopher.min_words
docs += ["lorem ipsum " + prose(120) for _ in range(6)]                 # c4.lorem_ipsum
docs += [prose(120, lambda i: "{" if i == 50 else None) for _ in range(5)]  # c4.curly_bracket
docs += [prose(120, lambda i: "#" if i % 3 == 0 else None) for _ in range(4)]  # gopher.max_hash_ratio
docs += [prose(120, lambda i: "..." if i % 3 == 0 else None) for _ in range(3)]  # ellipsis ratio
docs += [" ".join(word() for _ in range(120)) + "." for _ in range(2)]  # gopher.min_stop_words
docs += [" ".join(random.choice(stop) if i % 4 == 0 else word(14, 20) for i in range(120)) + "."]
with open("in.jsonl", "w") as f:
    for i, t in enumerate(docs):
        f.write(json.dumps({"id": str(i), "text": t, "lang": "en"}) + "\n")
PY
# random letters are no language CLD2 knows: say the records are English (--lang-id off reads
# the lang field), so that English's stop-word and word-length rules apply to them
$GRIST clean --lang-id off in.jsonl -o /dev/null --stats st.json 2>err.txt
line=$(grep '^grist clean: ' err.txt)
python3 - "$line" st.json <<'PY' || fail "summary line: rules by count, top five, then the rest counted"
import json, re, sys
line, st = sys.argv[1], json.load(open(sys.argv[2]))
rules = sorted(st["rejects"].items(), key=lambda x: (-x[1], x[0]))
m = re.search(r"rejected \((.*)\);", line)
if not m:
    print("no rules in:", line); sys.exit(1)
parts = m.group(1).split(", ")
shown = [p for p in parts if not p.startswith("and ")]
want = [f"{r} {n}" for r, n in rules[:5]]
ok = shown == want
if len(rules) > 5:
    ok &= parts[-1] == f"and {len(rules) - 5} more rule{'s' if len(rules) - 5 != 1 else ''}"
else:
    ok &= len(parts) == len(rules)
if not ok:
    print("line:", line); print("want:", want, len(rules)); sys.exit(1)
if len(rules) <= 5:
    print(f"the fixture should break more than five rules (got {len(rules)})"); sys.exit(1)
PY
# Sub-commands are named as typed: "grist tokenize train:", not the stats id "tokenize-train".
printf '{"text":"one two three one two three"}\n' > tt.jsonl
$GRIST tokenize train --vocab-size 260 -o tt.json tt.jsonl 2> tt.err || fail "tokenize train exit $?"
expect_grep "summary names the command as typed" "^grist tokenize train: 1 records in" tt.err
done_testing
