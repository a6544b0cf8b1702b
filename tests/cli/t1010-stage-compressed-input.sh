#!/bin/bash
# Every record stage reads compressed input (gzip, zstd, xz, bzip2, lz4) through the same
# byte source as ingest, recognised by magic bytes and not by name: clean, dedup (and its
# sharded sign and filter steps), tokenize and tokenize train give on a compressed file, on a
# compressed file with a misleading name and on compressed stdin exactly what they give on the
# plain file. Compressed files are written by the real tools (gzip, zstd, xz, bzip2, lz4).
. "$(dirname "$0")/lib.sh"

python3 - <<'EOF'
import json, random
r = random.Random(7)
words = ["alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "green", "quiet", "table",
         "the", "of", "and", "to", "with", "that", "have", "be"]
with open("d.jsonl", "w") as f:
    for i in range(400):
        n = r.randint(3, 40)
        t = " ".join(r.choice(words) for _ in range(n)) + "."
        if i % 7 == 0:
            t = "Same document repeated for dedup: " + " ".join(words)
        f.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
EOF

# One command line per stage; each is run on the plain file and on every compressed form.
run_stage() { # NAME INPUT -> stdout
	case $1 in
	clean) "$GRIST" clean -q --filters none "$2" ;;
	dedup) "$GRIST" dedup -q "$2" ;;
	dedup-exact) "$GRIST" dedup -q --exact "$2" ;;
	dedup-sharded) # sign (reads records), match, cluster, filter (reads records again)
		rm -rf w && mkdir w && "$GRIST" dedup sign -q --exact --task 0 -o w/p "$2" &&
		"$GRIST" dedup match -q --band 0 --tasks 1 w/p && "$GRIST" dedup cluster -q --tasks 1 w/p &&
		"$GRIST" dedup filter -q --task 0 w/p "$2" && cat w/p_0_*.dd | xxhsum -H3 - | cut -d' ' -f1 ;;
	tokenize) "$GRIST" tokenize -q -t gpt2 --to jsonl "$2" ;;
	train) "$GRIST" tokenize train -q --vocab-size 300 -o tok.json "$2" && cat tok.json ;;
	esac
}

stages="clean dedup dedup-exact dedup-sharded tokenize train"
for s in $stages; do
	run_stage $s d.jsonl > $s.plain 2> $s.plain.err || fail "$s on the plain file: exit $? ($(head -c 300 $s.plain.err))"
	[ -s $s.plain ] || fail "$s: no output on the plain file"
done

for c in gz zst xz bz2 lz4; do
	case $c in gz) z="gzip -c";; zst) z="zstd -q -c";; xz) z="xz -c";; bz2) z="bzip2 -c";; lz4) z="lz4 -q -c";; esac
	$z d.jsonl > d.jsonl.$c
	$z d.jsonl > misnamed.$c.jsonl   # the name says JSONL: the magic says compressed
	for s in $stages; do
		run_stage $s d.jsonl.$c > $s.$c 2> $s.$c.err
		rc=$?
		[ $rc -eq 0 ] || fail "$s on .$c: exit $rc ($(head -c 300 $s.$c.err))"
		# ids and sources of dedup rejects name the file; the records themselves must match
		expect_file_eq "$s on .$c" $s.plain $s.$c
		run_stage $s misnamed.$c.jsonl > $s.$c.mis 2>/dev/null
		expect_file_eq "$s on a .$c file named .jsonl" $s.plain $s.$c.mis
	done
	# stdin
	"$GRIST" clean -q --filters none < d.jsonl.$c > clean.$c.stdin
	expect_file_eq "clean on .$c from stdin" clean.plain clean.$c.stdin
	"$GRIST" tokenize -q -t gpt2 --to jsonl - < d.jsonl.$c > tokenize.$c.stdin
	expect_file_eq "tokenize on .$c from stdin" tokenize.plain tokenize.$c.stdin
done

# Nested (zstd inside gzip) and concatenated streams, as the tools read them.
zstd -q -c d.jsonl | gzip -c > nested.gz
"$GRIST" clean -q --filters none nested.gz > clean.nested
expect_file_eq "clean on zstd inside gzip" clean.plain clean.nested
head -200 d.jsonl | xz -c > cat.xz
tail -n +201 d.jsonl | xz -c >> cat.xz
"$GRIST" clean -q --filters none cat.xz > clean.cat
expect_file_eq "clean on two concatenated xz streams" clean.plain clean.cat

# -j 2 gives the same bytes.
"$GRIST" clean -q --filters none -j 2 d.jsonl.zst > clean.j2
expect_file_eq "clean -j 2 on .zst" clean.plain clean.j2
done_testing
