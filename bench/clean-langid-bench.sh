#!/bin/bash
# Language identification accuracy of `grist clean --lang` (CLD2) on a labelled set built from
# installed Debian packages (bench/clean_langid_set.py: fortunes in en/de/es/it/ru/zh and the
# translated man pages under /usr/share/man/<lang>; 200 documents per language, BENCH_SIZE=small:
# 20). Labels are the package's language, so untranslated English inside translated man pages
# counts as an error: this is a floor. Also timed: clean --filters none --lang any on the set.
set -eu
. "$(dirname "$0")/lib.sh"
PER=$(bench_size 200 20)
SET="$BENCH_DIR/clean-langid-$PER.jsonl"
[ -s "$SET" ] || /usr/bin/python3 "$ROOT/bench/clean_langid_set.py" "$SET" "$PER" 150
BYTES=$(stat -c %s "$SET")
S=clean-langid
bench_section $S "Language identification (clean --lang, CLD2)" \
	"$(wc -l < "$SET") labelled documents from Debian packages (bench/clean_langid_set.py, $PER per language)" ""
bench_run $S grist "clean --filters none --lang any" "$BYTES" "$GRIST" clean -q --filters none --lang any "$SET"
"$GRIST" clean -q --filters none --lang any "$SET" > "$BENCH_TMP/langid.out"
/usr/bin/python3 - "$BENCH_TMP/langid.out" > "$BENCH_TMP/langid.txt" <<'PY'
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
n, c = sum(tot.values()), sum(ok.values())
print("accuracy: %d/%d = %.3f overall; macro average over %d languages: %.3f"
      % (c, n, c / n, len(tot), sum(ok[k] / tot[k] for k in tot) / len(tot)))
print("by source: " + "; ".join("%s %d/%d = %.3f" % (k, a, b, a / b) for k, (a, b) in sorted(by_src.items())))
print("by language: " + ", ".join("%s %.3f (%d)" % (k, ok[k] / tot[k], tot[k]) for k in sorted(tot)))
print("most frequent confusions (label -> detected): " +
      ", ".join("%s->%s %d" % (a, b, k) for (a, b), k in conf.most_common(8)))
PY
while IFS= read -r line; do bench_note $S "$line"; done < "$BENCH_TMP/langid.txt"
