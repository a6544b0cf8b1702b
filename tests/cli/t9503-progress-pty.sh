#!/bin/bash
# The progress display under a real terminal (tmux): a three-stage pipe shows one line with every
# stage on it (records, speed; percent and ETA for the stage that knows its input size), the
# stages' summary lines scroll above it without overwriting each other, and the data on the
# pipes carries none of it. For a compressed input the percent is of compressed bytes.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { fail "tmux is not installed (make deps installs it)"; done_testing; }
python3 - <<'PY'
import json, random
random.seed(9)
words = [("".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(2, 9))))
         for _ in range(5000)]
with open("in.jsonl", "w") as f:
    for i in range(12000):
        f.write(json.dumps({"id": str(i), "text": " ".join(random.choice(words) for _ in range(300))}) + "\n")
PY
sock="$TMP/tmux.sock"
trap 'tmux -S "$sock" kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
tmux -S "$sock" new-session -d -s t -x 200 -y 40 "bash -c 'cd $TMP; set -o pipefail; \
	$GRIST ingest in.jsonl | $GRIST clean --filters none | $GRIST tokenize -t gpt2 --to jsonl -o out.jsonl; \
	echo EXIT=\$? >exit.txt; sleep 60'" || { fail "tmux did not start"; done_testing; }
frames=0 mid=0
for _ in $(seq 1 1200); do
	tmux -S "$sock" capture-pane -p -t t >screen.txt 2>/dev/null
	frames=$((frames + 1))
	grep -q "ingest .*%.* | clean .* | tokenize " screen.txt && mid=1
	[ -s exit.txt ] && break
	sleep 0.1
done
sleep 0.3
tmux -S "$sock" capture-pane -p -t t >final.txt
expect_grep "the pipe succeeded" "EXIT=0" exit.txt
expect_grep "the final line shows all three stages" "^ingest done .* | clean done .* | tokenize done " final.txt
for s in ingest clean tokenize; do
	[ "$(grep -c "^grist $s: 12000 records in" final.txt)" = 1 ] || fail "$s's summary on a line of its own"
done
[ "$(grep -c 'grist .*grist ' final.txt)" = 0 ] || fail "no line holds two stages' messages (overwriting)"
[ $mid = 1 ] || fail "no frame during the run showed all stages with a percentage ($frames frames)"
python3 -c "
import json, sys
n = 0
for line in open('out.jsonl'):
    json.loads(line); n += 1
sys.exit(0 if n == 12000 else 1)" || fail "the piped output is clean JSONL with every record"
grep -q "rec " out.jsonl && fail "progress text leaked into the piped data"

# A compressed input: percent and ETA compare the compressed bytes read with the compressed
# file's size (not the decoded bytes, which pass it several times over). Under the terminal the
# percent never exceeds 100, reaches ~100, and stays close to the share of records done.
gzip -c in.jsonl >in.jsonl.gz
size=$(stat -c %s in.jsonl.gz) decoded=$(stat -c %s in.jsonl)
[ $((decoded / size)) -ge 2 ] || fail "the test input compresses ($decoded -> $size bytes)"
rm -f exit.txt
# A paced reader between the stages (100 lines per 20 ms, about 2.4 s for the input) holds
# ingest back, so the frames sampled every 0.1 s see its percent all the way up on a fast, idle
# machine too (unpaced, the whole run can fit between two frames).
cat >pace.py <<'PY'
import sys, time
for i, line in enumerate(sys.stdin):
    sys.stdout.write(line)
    if i % 100 == 99:
        sys.stdout.flush()
        time.sleep(0.02)
PY
tmux -S "$sock" new-window -t t "bash -c 'cd $TMP; set -o pipefail; \
	$GRIST ingest in.jsonl.gz | python3 pace.py | $GRIST clean --filters none -o out2.jsonl; \
	echo EXIT=\$? >exit.txt; sleep 60'" || fail "tmux did not open a second window"
: >gzframes.txt
for _ in $(seq 1 1200); do
	tmux -S "$sock" capture-pane -p -t t:1 2>/dev/null | grep "^ingest " >>gzframes.txt
	[ -s exit.txt ] && break
	sleep 0.1
done
expect_grep "the compressed pipe succeeded" "EXIT=0" exit.txt
python3 - gzframes.txt 12000 <<'PY' || fail "percent of a compressed input: compressed bytes read of its size"
import re, sys
bad, seen = 0, []
for line in open(sys.argv[1]):
    m = re.match(r"ingest ([0-9.]+)(k?) rec .*? ([0-9]+)% ", line)
    if not m:
        continue
    recs = float(m.group(1)) * (1000 if m.group(2) else 1)
    pct = int(m.group(3))
    seen.append(pct)
    if pct > 100:
        print(f"percent over 100: {line.strip()}"); bad += 1
    if pct - 100 * recs / int(sys.argv[2]) > 35:
        print(f"percent far ahead of the records done: {line.strip()}"); bad += 1
if not seen:
    print("no frame showed ingest's percent for the .gz input"); bad += 1
elif max(seen) < 80:
    print(f"the percent never came near 100: {sorted(set(seen))}"); bad += 1
sys.exit(1 if bad else 0)
PY
# Without a terminal, --progress prints plain lines: the same percent, and 100% at the end.
$GRIST clean --filters none --progress -o /dev/null in.jsonl.gz 2>plain.err
python3 - plain.err <<'PY' || fail "plain --progress on a .gz input: 0..100%, ending at 100%"
import re, sys
p = [int(x) for x in re.findall(r", ([0-9]+)%", open(sys.argv[1]).read())]
sys.exit(0 if p and max(p) <= 100 and p[-1] == 100 else print(p) or 1)
PY

ls -d "${TMPDIR:-/tmp}"/grist-progress-* 2>/dev/null | while read -r d; do
	[ -O "$d" ] && [ -z "$(ls "$d")" ] && fail "an empty progress directory was left behind: $d"
done
done_testing
