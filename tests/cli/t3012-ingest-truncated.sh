#!/bin/bash
# Truncated archives and compressed streams: the records fully decoded before the damage come
# out, then the error and exit 1; never a partial line. The reference is what the real tools
# print before their own error: `tar xzO` for a .tar.gz holding one 20,000-line big.jsonl cut
# in half, `zcat`/`zstd -dc`/`xz -dc`/`bzip2 -dc`/`lz4 -dc` for bare streams (grist must give at
# least every whole line they print, each equal to the original line). Checked for ingest and
# for clean (which reads compressed input through the same byte source).
. "$(dirname "$0")/lib.sh"

python3 - <<'EOF'
import json, random
r = random.Random(11)
w = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 9))) for _ in range(5000)]
with open("big.jsonl", "w") as f:
    for i in range(20000):
        f.write(json.dumps({"text": " ".join(r.choice(w) for _ in range(r.randint(5, 60)))}) + "\n")
EOF

cut_half() { local s; s=$(stat -c %s "$1"); head -c $((s / 2)) "$1" > "$2"; }

# check WHAT OUT MIN: OUT holds records whose texts are the first lines of big.jsonl, in order,
# at least MIN of them and not all 20,000.
check_prefix() {
	local got
	got=$(python3 - "$2" "$3" <<'EOF'
import json, sys
orig = [json.loads(l)["text"] for l in open("big.jsonl")]
out = [json.loads(l)["text"] for l in open(sys.argv[1])]
need = int(sys.argv[2])
bad = [i for i, t in enumerate(out) if i >= len(orig) or t != orig[i]]
if bad:
    print("record %d differs from line %d of the original" % (bad[0], bad[0] + 1))
elif len(out) < need:
    print("%d records, fewer than the %d whole lines the tool printed" % (len(out), need))
elif len(out) >= len(orig):
    print("all %d records: the input was not cut?" % len(out))
else:
    print("ok")
EOF
)
	expect_eq "$1" ok "$got"
}

# A .tar.gz holding one big member, cut in half (the member is the tar's first file).
tar czf big.tgz big.jsonl
cut_half big.tgz cut.tgz
ref=$(tar xzOf cut.tgz 2>/dev/null | wc -l)
[ "$ref" -gt 9000 ] || fail "tar xzO printed only $ref lines"
"$GRIST" ingest -q cut.tgz > tgz.out 2> tgz.err
expect_eq "ingest cut.tgz exit" 1 $?
expect_grep "ingest cut.tgz names the damage" "truncated" tgz.err
check_prefix "ingest cut.tgz records ($ref whole lines from tar)" tgz.out "$ref"

# The same with zstd and xz around the tar, and a plain tar.
for c in zst xz; do
	case $c in zst) z="zstd -q -c"; d="zstd -dc";; xz) z="xz -0 -c"; d="xz -dc";; esac
	tar cf - big.jsonl | $z > big.tar.$c
	cut_half big.tar.$c cut.tar.$c
	ref=$($d cut.tar.$c 2>/dev/null | tar xOf - 2>/dev/null | wc -l)
	"$GRIST" ingest -q cut.tar.$c > tar$c.out 2>/dev/null
	expect_eq "ingest cut.tar.$c exit" 1 $?
	check_prefix "ingest cut.tar.$c records ($ref whole lines from $d | tar xO)" tar$c.out "$ref"
done
tar cf big.tar big.jsonl
cut_half big.tar cut.tar
ref=$(tar xOf cut.tar 2>/dev/null | wc -l)
"$GRIST" ingest -q cut.tar > tar.out 2>/dev/null
expect_eq "ingest cut.tar exit" 1 $?
check_prefix "ingest cut.tar records ($ref whole lines from tar xO)" tar.out "$ref"

# Bare compressed streams, cut in half: ingest and clean.
for c in gz zst xz bz2 lz4; do
	case $c in
	gz) z="gzip -c"; d="gzip -dc";; zst) z="zstd -q -c"; d="zstd -dc";; xz) z="xz -0 -c"; d="xz -dc";;
	bz2) z="bzip2 -c"; d="bzip2 -dc";; lz4) z="lz4 -q -c"; d="lz4 -dc";;
	esac
	$z big.jsonl > big.jsonl.$c
	cut_half big.jsonl.$c cut.jsonl.$c
	ref=$($d cut.jsonl.$c 2>/dev/null | wc -l)
	for j in 1 $([ $c = zst ] && echo 3); do
		"$GRIST" ingest -q -j $j cut.jsonl.$c > ing$c.out 2> ing$c.err
		expect_eq "ingest -j $j cut.jsonl.$c exit" 1 $?
		expect_grep "ingest cut.jsonl.$c message" "truncated $([ $c = gz ] && echo gzip || ([ $c = bz2 ] && echo bzip2) || echo $c)" ing$c.err
		if [ $c = lz4 ]; then
			# lz4 decodes whole 4 MiB blocks: half the file is inside the first one
			expect_eq "ingest cut.jsonl.lz4 records (lz4 -dc printed $ref)" "$ref" "$(wc -l < ing$c.out)"
		else
			check_prefix "ingest -j $j cut.jsonl.$c records ($ref whole lines from $d)" ing$c.out "$ref"
		fi
	done
	"$GRIST" clean -q --filters none --lang-id off cut.jsonl.$c > cl$c.out 2> cl$c.err
	expect_eq "clean cut.jsonl.$c exit" 1 $?
	expect_grep "clean cut.jsonl.$c message" "truncated" cl$c.err
	[ $c = lz4 ] || check_prefix "clean cut.jsonl.$c records ($ref whole lines from $d)" cl$c.out "$ref"
	# -o FILE: nothing is committed under the final name
	"$GRIST" clean -q --filters none --lang-id off cut.jsonl.$c -o kept.jsonl 2>/dev/null
	[ -e kept.jsonl ] && fail "clean -o kept.jsonl committed a file from a truncated .$c"
done
done_testing
