#!/bin/bash
# Issue 11.9: two outputs that lead to one regular file (`clean in.jsonl -o both.jsonl --rejects
# both.jsonl` exited 0 with the kept records gone) are a usage error (exit 2) naming both
# options, whatever the spelling (./, dir/.., a symlink, a hard link, a descriptor redirected to
# it), in every stage; the file is left as it was. Devices such as /dev/null may repeat.
. ./lib.sh
python3 - <<'PY'
import json
with open("in.jsonl", "w") as f:
    for i in range(30):
        words = " ".join("word%d" % ((i * 7 + k) % 97) for k in range(60 + i))
        f.write(json.dumps({"id": "d%d" % i, "text": "The document %d says that %s. It ends here." % (i, words)}) + "\n")
    f.write('{"text": 5}\n{"bad\n')
PY
echo keep > both.jsonl
# refused STAGE-ARGS...: exit 2, a message naming -o/--rejects/--stats, both.jsonl unchanged
refused() {
	local what=$1; shift
	"$@" 2>err; local rc=$?
	expect_eq "$what: exit" 2 $rc
	grep -q -- "name the same file\|are the same file" err || { fail "$what: message"; cat err; }
	expect_eq "$what: file untouched" keep "$(cat both.jsonl)"
	[ -z "$(ls -A | grep '\.tmp\.')" ] || fail "$what: temporary left"
}
refused "clean -o X --rejects X" $GRIST clean -q in.jsonl -o both.jsonl --rejects both.jsonl
expect_grep "both options named" "-o and --rejects" err
refused "clean ./ spelling" $GRIST clean -q in.jsonl -o both.jsonl --rejects ./both.jsonl
expect_grep "both spellings named" "-o both.jsonl and --rejects ./both.jsonl" err
mkdir sub
refused "dir/.. spelling" $GRIST clean -q in.jsonl -o sub/../both.jsonl --stats both.jsonl
ln -s both.jsonl alias.jsonl
refused "symlink" $GRIST clean -q in.jsonl -o alias.jsonl --rejects both.jsonl
ln both.jsonl hard.jsonl
refused "hard link" $GRIST clean -q in.jsonl -o hard.jsonl --rejects both.jsonl
# Descriptors through a link made here, never /dev/stdout itself: a grist without these checks,
# run as root, would rename a regular file over the system's /dev/stdout.
ln -s /proc/self/fd/1 outlink
refused "stdout redirected to -o's file" $GRIST clean -q in.jsonl -o both.jsonl --rejects outlink >>both.jsonl
refused "not there yet" $GRIST clean -q in.jsonl -o new.jsonl --rejects sub/../new.jsonl
[ -e new.jsonl ] && fail "new.jsonl created by a refused run"
refused "ingest" $GRIST ingest -q in.jsonl -o both.jsonl --stats both.jsonl
refused "dedup" $GRIST dedup -q in.jsonl -o both.jsonl --rejects both.jsonl
expect_exit "dedup sign --rejects (ignored before)" 2 $GRIST dedup sign -q --task 0 -o w in.jsonl --rejects r.jsonl 2>err
expect_grep "sign --rejects message" "applies to dedup filter" err
refused "tokenize" $GRIST tokenize -q -t "$FIX/tokenize/tiny-tokenizer.json" in.jsonl -o both.jsonl --stats both.jsonl
refused "train -o and --tiktoken" $GRIST tokenize train -q --vocab-size 300 in.jsonl -o both.jsonl --tiktoken both.jsonl
refused "train --stats and --tiktoken" $GRIST tokenize train -q --vocab-size 300 in.jsonl -o t.json --tiktoken both.jsonl --stats ./both.jsonl
[ -e t.json ] && fail "train wrote -o in a refused run"
mkdir sh
echo keep > sh/p.manifest.json
cp sh/p.manifest.json both.jsonl
refused "shard --stats onto its manifest" $GRIST shard -q --format llmc -o sh/p --stats sh/p.manifest.json < /dev/null
expect_grep "shard names the manifest" "manifest" err

# Devices and descriptors may repeat; distinct files are fine.
expect_exit "/dev/null three times" 0 $GRIST clean -q in.jsonl -o /dev/null --rejects /dev/null --stats /dev/null
$GRIST clean -q in.jsonl -o outlink --rejects outlink > shared.jsonl; expect_eq "stdout twice: exit" 0 $?
expect_eq "stdout twice: every line" "$(( $($GRIST clean -q in.jsonl | wc -l) + $($GRIST clean -q in.jsonl -o /dev/null --rejects outlink | wc -l) ))" "$(wc -l < shared.jsonl)"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a symlink"
expect_exit "distinct files" 0 $GRIST clean -q in.jsonl -o k.jsonl --rejects r.jsonl --stats s.json
done_testing
