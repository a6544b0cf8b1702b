#!/bin/bash
# Issue 11.7 and 11.9: -o DIR (an existing directory) and -o /dev/null are refused; a short last
# llm.c shard joins the one before it (--min-shard-tokens); a refused run leaves no directory;
# two runs on one prefix: the second is refused; an input that shrinks during the run is an
# error (no SIGBUS) that leaves no temporary file.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
$PY "$HERE/shard_gen.py" gen in.tok --docs 200 --min-len 50 --max-len 150 || fail "gen"

# -o DIR where DIR is a directory
mkdir outdir
expect_exit "-o DIR refused" 2 $GRIST shard -q --format llmc -o outdir in.tok 2>err
expect_grep "directory message" "outdir is a directory; give outdir/PREFIX" err
expect_eq "nothing beside or inside it" "" "$(ls outdir; ls | grep '^outdir_')"
# a device or special file as DIR/PREFIX
expect_exit "-o /dev/null refused" 2 $GRIST shard -q --format llmc -o /dev/null in.tok 2>err
expect_grep "device message" "/dev/null: a device or special file, not DIR/PREFIX" err
for f in /dev/null.manifest.json /dev/null_train_000001.bin /dev/null_train_000001.docs.jsonl; do
	[ -e $f ] && { fail "$f created"; rm -f $f; }
done
mkfifo fifo
expect_exit "-o FIFO refused" 2 $GRIST shard -q --format llmc -o fifo in.tok 2>/dev/null
expect_exit "-o FILE/x refused" 2 $GRIST shard -q --format llmc -o in.tok/x in.tok 2>err
expect_grep "not a directory" "in.tok is not a directory" err

# --min-shard-tokens: a last shard below it joins the one before
$GRIST shard -q --format llmc -o m/p --shard-tokens 3000 --min-shard-tokens 2500 in.tok || fail "min run"
$PY "$HERE/shard_read.py" check --format llmc --dir m --prefix p --stream in.tok --shard-tokens 3000 \
	--min-shard-tokens 2500 >c.out 2>&1 || { fail "min check"; cat c.out; }
total=$($PY -c "import json; print(json.load(open('m/p.manifest.json'))['tokens'])")
last=$($PY -c "import json; print(json.load(open('m/p.manifest.json'))['shards'][-1]['tokens'])")
[ $((total % 3000)) -lt 2500 ] || fail "test input must leave a short last shard (total $total)"
[ "$last" -gt 3000 ] || fail "the short last shard was not merged (last shard $last tokens)"
$GRIST shard -q --format megatron -o mg/p --shard-tokens 3000 --min-shard-tokens 2500 in.tok || fail "megatron min"
$PY "$HERE/shard_read.py" check --format megatron --dir mg --prefix p --stream in.tok --shard-tokens 3000 \
	--min-shard-tokens 2500 >c.out 2>&1 || { fail "megatron min check"; cat c.out; }
# the default for llmc: 1,048,577 (llm.c's B*T+1)
$PY "$HERE/shard_gen.py" gen big.tok --docs 1500 --min-len 900 --max-len 1100 || fail "gen big"
$GRIST shard -q --format llmc -o d/p --shard-tokens 1100000 big.tok || fail "default min"
expect_eq "default min: one shard of all tokens" 1 "$(ls d | grep -c '_train_.*[0-9]\.bin$')"
$PY "$HERE/shard_read.py" check --format llmc --dir d --prefix p --stream big.tok --shard-tokens 1100000 \
	>c.out 2>&1 || { fail "default min check"; cat c.out; }
$GRIST shard -q --format llmc -o d0/p --shard-tokens 1100000 --min-shard-tokens 0 big.tok || fail "min 0"
expect_eq "--min-shard-tokens 0: two shards" 2 "$(ls d0 | grep -c '_train_.*[0-9]\.bin$')"
expect_exit "min above shard size" 2 $GRIST shard -q --format llmc -o u/p --shard-tokens 100 --min-shard-tokens 200 in.tok 2>/dev/null
expect_exit "min for nanogpt" 2 $GRIST shard -q --format nanogpt -o u/p --min-shard-tokens 200 in.tok 2>/dev/null
expect_exit "-j refused (ignored before)" 2 $GRIST shard -q -j 2 --format llmc -o u/p in.tok 2>err
expect_grep "-j message" "does not apply to shard" err
expect_eq "refused runs leave no directory" "" "$(ls -d u 2>/dev/null)"

# nanoGPT refuses a vocabulary that does not fit uint16 and leaves nothing
$PY "$HERE/shard_gen.py" gen wide.tok --vocab 100277 --eot 100257 --docs 10 || fail "gen wide"
expect_exit "nanogpt wide eot" 2 $GRIST shard -q --format nanogpt -o new/sub/n wide.tok 2>/dev/null
expect_eq "no directory left (refused at the header)" "" "$(ls -d new 2>/dev/null)"
$PY "$HERE/shard_gen.py" gen wide2.tok --vocab 100277 --eot 60000 --docs 30 --big-id 17 || fail "gen wide2"
expect_exit "nanogpt big id" 1 $GRIST shard -q --format nanogpt -o new2/sub/n wide2.tok 2>/dev/null
expect_eq "no directory left (refused at a document)" "" "$(ls -A new2 2>/dev/null)"

# Two runs on one prefix: the second is refused while the first holds the lock.
mkfifo feed
$GRIST shard -q --format llmc -o lk/p <feed &
pid=$!
exec 3>feed
head -c 100000 in.tok >&3
for i in $(seq 100); do [ -e lk/.p.lock ] && break; sleep 0.1; done
expect_exit "second run refused" 3 $GRIST shard -q --format llmc -o lk/p in.tok 2>err
expect_grep "lock message" "another grist shard is writing lk/p" err
tail -c +100001 in.tok >&3
exec 3>&-
wait $pid
expect_eq "first run completes" 0 $?
expect_exit "first run's set verifies" 0 $GRIST shard verify lk/p >/dev/null
expect_eq "lock file removed" "" "$(ls -A lk | grep lock)"
$GRIST shard -q --format llmc -o lk/p in.tok
expect_eq "a later run goes ahead" 0 $?

# The input shrinks while shard reads it: an error naming the stream, no temporary file.
$PY "$HERE/shard_gen.py" bench shrink.tok --tokens 40000000 >/dev/null || fail "gen shrink"
$GRIST shard -q --format llmc --shard-tokens 1M -o sh/p shrink.tok 2>err &
pid=$!
for i in $(seq 2000); do ls sh 2>/dev/null | grep -q '\.tmp\.' && break; sleep 0.005; done
truncate -s 1000000 shrink.tok
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
	fail "shard finished before the input was truncated: the check did not run"
else
	expect_eq "shrunk input: data error, not a signal" 1 $rc
	expect_grep "shrunk input message" "shrink.tok at byte" err
	expect_eq "no temporaries left" "" "$(ls -A sh 2>/dev/null)"
fi
done_testing
