#!/bin/bash
# ingest at decompression speed (issue 3, DESIGN.md section 10): grist ingest of a ~200 MB
# JSONL as .jsonl.gz and .jsonl.zst against zcat / zstdcat to /dev/null, same files, same run.
# Target: grist within 1.3x of the decompressor alone. Best of RUNS runs each (the machine is
# shared; say so when quoting numbers).
# Usage: bench/ingest-bench.sh [SIZE_MB] [WORKDIR]   (env: GRIST, RUNS)
set -eu
SIZE=${1:-200}
WORK=${2:-${TMPDIR:-/tmp}/grist-bench-ingest}
GRIST=${GRIST:-$(cd "$(dirname "$0")/.." && pwd)/grist}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
J="$WORK/data-$SIZE.jsonl"
if [ ! -s "$J" ]; then
	/usr/bin/python3 "$HERE/gen_jsonl.py" "$J" "$SIZE"
fi
[ -s "$J.gz" ] || gzip -6 -c "$J" > "$J.gz"
[ -s "$J.zst" ] || zstd -q -3 -c "$J" > "$J.zst"
BYTES=$(stat -L -c %s "$J")

# best wall time of RUNS runs of a command (stdout to /dev/null)
best() {
	local b="" t
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -o "$WORK/time.out" -f %e "$@" > /dev/null 2>/dev/null
		t=$(tail -1 "$WORK/time.out")
		if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$t; fi
	done
	echo "$b"
}
mbs() { awk -v n="$BYTES" -v t="$1" 'BEGIN{ printf "%.0f", (t > 0 ? n / t / 1e6 : 0) }'; }

echo "ingest-bench: $(awk -v n="$BYTES" 'BEGIN{printf "%.0f", n/1e6}') MB JSONL ($(nproc) cores, best of $RUNS)"
for kind in gz zst; do
	if [ $kind = gz ]; then peer=zcat; else peer=zstdcat; fi
	tp=$(best $peer "$J.$kind")
	tg=$(best "$GRIST" ingest -q "$J.$kind")
	tg1=$(best "$GRIST" ingest -q --readahead off "$J.$kind")
	ratio=$(awk -v g="$tg" -v p="$tp" 'BEGIN{printf "%.2f", g / p}')
	printf "%-5s %-8s %6.2f s %5s MB/s | grist ingest %6.2f s %5s MB/s | ratio %s (target <= 1.30) | no read-ahead %6.2f s\n" \
		"$kind" "$peer" "$tp" "$(mbs "$tp")" "$tg" "$(mbs "$tg")" "$ratio" "$tg1"
done
tc=$(best "$GRIST" ingest -q "$J")
printf "plain JSONL: grist ingest %.2f s %s MB/s\n" "$tc" "$(mbs "$tc")"
