#!/bin/bash
# HTML to text (issue 18): `grist ingest --html main` (main-content extraction, the default)
# against `--html text` (whole-page text, the floor it is compared with) on two tars, -j 1:
# the HTML documentation of the Debian packages on this machine (/usr/share/doc/**/*.html,
# BENCH_SIZE=small: the first 40 files), the evaluation pages of tests/html-eval (web-like
# pages, many class attributes; the 100 pages 40 times, small: 4 times; extraction keeps no
# state from one page to the next) and the held-out real pages of tests/html-real (25 pages,
# 40 times, small: 4). MB/s are of HTML bytes (the files, not the tar). Target:
# >= 50 MB/s per core for --html main.
# Usage: bench/html-bench.sh   (env: GRIST, BENCH_DIR, BENCH_SIZE)
set -eu
. "$(dirname "$0")/lib.sh"
COPIES=$(bench_size 40 4)
# copies_tar NAME SRC_DIR: a tar of SRC_DIR/*.html $COPIES times, $BENCH_DIR/NAME-x$COPIES.tar
copies_tar() {
	local dir=$BENCH_DIR/$1-x$COPIES
	if [ ! -s "$dir.tar" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		for r in $(seq 1 "$COPIES"); do
			for f in "$2"/*.html; do
				cp "$f" "$dir/r$r-$(basename "$f")"
			done
		done
		tar -cf "$dir.tar" -C "$BENCH_DIR" "$(basename "$dir")"
		rm -rf "$dir"
	fi
	echo "$dir.tar"
}
EVAL_TAR=$(copies_tar html-eval "$ROOT/tests/html-eval/pages")
REAL_TAR=$(copies_tar html-real "$ROOT/tests/html-real/pages")
NDOC=$(bench_size 100000 40)
DOC_TAR=$BENCH_DIR/html-debian-doc-$(bench_size all 40).tar
[ -s "$DOC_TAR" ] || find /usr/share/doc -name '*.html' -type f -print0 | sort -z |
	head -z -n "$NDOC" | tar -cf "$DOC_TAR" --null -T - 2>/dev/null
html_bytes() { tar -tvf "$1" | awk '{ s += $3 } END { print s }'; }
S=html
DB=$(html_bytes "$DOC_TAR") EB=$(html_bytes "$EVAL_TAR") RB=$(html_bytes "$REAL_TAR")
bench_section $S "HTML main content vs whole-page text" \
	"Debian's HTML docs ($((DB / 1000000)) MB), the eval pages x$COPIES ($((EB / 1000000)) MB) and the held-out real pages x$COPIES ($((RB / 1000000)) MB) as tars; MB/s of HTML" \
	">= 50 MB/s per core for --html main"
for tarf in "$DOC_TAR" "$EVAL_TAR" "$REAL_TAR"; do
	B=$(html_bytes "$tarf")
	BENCH_GROUP=$(basename "$tarf" .tar)
	bench_run $S peer "grist ingest --html text" "$B" "$GRIST" ingest -q -j 1 --html text "$tarf"
	bench_run $S grist "grist ingest --html main" "$B" "$GRIST" ingest -q -j 1 --html main "$tarf"
done
