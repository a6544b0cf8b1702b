#!/bin/bash
# Language identification accuracy of `grist clean --lang` (CLD2) on a labelled set built from
# installed Debian packages (bench/clean_langid_set.py: fortunes in en/de/es/it/ru/zh and the
# translated man pages under /usr/share/man/<lang>). Labels are the package's language, so
# untranslated English inside translated man pages counts as an error: this is a floor.
set -eu
cd "$(dirname "$0")"
BENCH_DIR="${BENCH_DIR:-/tmp/grist-bench}"
GRIST="${GRIST:-../grist}"
mkdir -p "$BENCH_DIR"
SET="$BENCH_DIR/clean-langid.jsonl"
[ -s "$SET" ] || /usr/bin/python3 clean_langid_set.py "$SET" 200 150
"$GRIST" clean -q --filters none --lang any "$SET" > "$BENCH_DIR/clean-langid.out"
/usr/bin/python3 - "$BENCH_DIR/clean-langid.out" <<'PY'
import collections, json, sys
tot, ok, conf = collections.Counter(), collections.Counter(), collections.Counter()
by_src = collections.defaultdict(lambda: [0, 0])
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    lab, got = r["label"], r["lang"]
    tot[lab] += 1
    kind = r["source"].split(":")[0]
    by_src[kind][1] += 1
    if got == lab:
        ok[lab] += 1
        by_src[kind][0] += 1
    else:
        conf[(lab, got)] += 1
print("%-6s %6s %9s" % ("lang", "docs", "accuracy"))
for k in sorted(tot):
    print("%-6s %6d %9.3f" % (k, tot[k], ok[k] / tot[k]))
n, c = sum(tot.values()), sum(ok.values())
print("overall: %d/%d = %.3f; macro average over %d languages: %.3f"
      % (c, n, c / n, len(tot), sum(ok[k] / tot[k] for k in tot) / len(tot)))
for kind, (a, b) in sorted(by_src.items()):
    print("  %s documents: %d/%d = %.3f" % (kind, a, b, a / b))
print("most frequent confusions (label -> detected):",
      ", ".join("%s->%s %d" % (a, b, k) for (a, b), k in conf.most_common(8)))
PY
