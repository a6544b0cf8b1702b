#!/bin/bash
# grist clean throughput with the default filters (repair, NFC, length, Gopher repetition and
# quality, C4, FineWeb) on 100 MB (BENCH_SIZE=small: 5 MB) of sampled English
# (bench/gen_jsonl.py: real sentences from Debian's licences and documentation, never whole
# repeated documents), one thread. Target (docs/design.md section 9): >= 100 MB/s per core: on a
# shared machine the CPU-second rate is the per-core figure. Also shown: the stages on their
# own, the defaults without language identification (--lang-id off), and the kept/rejected
# split (rejected documents stop at the first failing rule). Then the multilingual corpus of
# corpora/build-multilingual.py (prose, UI translations and junk in 78 languages, 17 MB; CJK,
# Thai and Khmer words through ICU): the defaults (CLD2 on) and --lang-id off, target >= 50 MB/s
# with CLD2 (issue 14), and CLD2's own cost there (--filters none with and without it).
set -eu
. "$(dirname "$0")/lib.sh"
MB=$(bench_size 100 5)
IN="$BENCH_DIR/clean-en-${MB}mb.jsonl"
[ -s "$IN" ] || /usr/bin/python3 "$ROOT/bench/gen_jsonl.py" "$IN" "$MB" 7
BYTES=$(stat -L -c %s "$IN")
S=clean
bench_section $S "clean with the default filters" \
	"$((BYTES / 1000000)) MB of sampled English JSONL (bench/gen_jsonl.py, seed 7), one thread unless -j2" \
	">= 100 MB/s per core (MB/s per CPU second) with the default filters"
bench_run $S peer "cat > /dev/null" "$BYTES" cat "$IN"
bench_run $S variant "clean --repair off --normalize none --filters none" "$BYTES" \
	"$GRIST" clean -q -j 1 --repair off --normalize none --filters none "$IN"
bench_run $S variant "clean --filters none (repair + NFC)" "$BYTES" "$GRIST" clean -q -j 1 --filters none "$IN"
bench_run $S grist "clean (defaults) -j1" "$BYTES" "$GRIST" clean -q -j 1 "$IN"
bench_run $S variant "clean --lang-id off -j1 (no CLD2)" "$BYTES" "$GRIST" clean -q -j 1 --lang-id off "$IN"
bench_run $S variant "clean (defaults) -j2" "$BYTES" "$GRIST" clean -q -j 2 "$IN"
"$GRIST" clean -q -j 1 --stats "$BENCH_TMP/clean.stats.json" "$IN" > /dev/null
bench_note $S "$(/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("records in %d, kept %d, rejected %d; top rules: %s" % (s["records_in"], s["records_out"],
      s["rejected"], ", ".join("%s %d" % kv for kv in sorted(s["rejects"].items(), key=lambda kv: -kv[1])[:5])))
' "$BENCH_TMP/clean.stats.json")"
ML="$BENCH_DIR/clean-multilingual"
[ -s "$ML/junk.jsonl" ] || /usr/bin/python3 "$ROOT/corpora/build-multilingual.py" "$ML" > /dev/null
cat "$ML/prose.jsonl" "$ML/translations.jsonl" "$ML/junk.jsonl" > "$BENCH_TMP/ml.jsonl"
MLB=$(stat -c %s "$BENCH_TMP/ml.jsonl")
bench_run $S variant "clean (defaults) -j1, multilingual corpus" "$MLB" "$GRIST" clean -q -j 1 "$BENCH_TMP/ml.jsonl"
bench_run $S variant "clean --lang-id off -j1, multilingual corpus" "$MLB" "$GRIST" clean -q -j 1 --lang-id off "$BENCH_TMP/ml.jsonl"
# CLD2 alone on the same input: with --filters none every document is kept, so identified
bench_run $S variant "clean --filters none -j1, multilingual (CLD2 on every document)" "$MLB" \
	"$GRIST" clean -q -j 1 --filters none "$BENCH_TMP/ml.jsonl"
bench_run $S variant "clean --filters none --lang-id off -j1, multilingual" "$MLB" \
	"$GRIST" clean -q -j 1 --filters none --lang-id off "$BENCH_TMP/ml.jsonl"
