#!/bin/bash
# Issue 11 ("Also"): fault injection. tests/faultinject/faultinject.so (LD_PRELOAD) makes write,
# pwrite, fsync or rename of output files (or reads of inputs) fail with ENOSPC or EIO after N
# calls; every stage, shard, dedup's sharded steps and tokenize train must then print the error,
# exit non-zero (3 for an output) and leave no file under a final name (nor a temporary). With every write cut short and every other write,
# read and fsync interrupted (EINTR), the outputs must be byte-identical to an undisturbed run.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SO=$(dirname "$GRIST")/tests/faultinject/faultinject.so
[ -f "$SO" ] || { fail "no $SO (make build makes it)"; done_testing; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TOK="$FIX/tokenize/tiny-tokenizer.json"
python3 - <<'PY'
import json
with open("in.jsonl", "w") as f:
    for i in range(1500):
        words = " ".join("word%d" % ((i * 7 + k) % 211) for k in range(40 + i % 50))
        f.write(json.dumps({"id": "d%d" % i, "text": "Record %d says that %s. It ends here. Then more follows." % (i % 700, words)}) + "\n")
        if i % 97 == 0:
            f.write('{"bad\n')
PY
$GRIST tokenize -q -t "$TOK" in.jsonl -o in.tok || fail "tokenize input"
mkdir d
$GRIST dedup sign -q --task 0 -o d/p in.jsonl || fail "sign input"
for b in $(seq 0 13); do $GRIST dedup match -q --band $b --tasks 1 d/p || fail "match $b"; done
$GRIST dedup cluster -q --tasks 1 d/p || fail "cluster input"

# Each command writes only under w/ (dedup filter reads d/, cluster writes d/p_0_remove.dd).
cmds=(
	"ingest -q in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json"
	"clean -q in.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json"
	"dedup -q in.jsonl -o w/out.jsonl.zst --rejects w/rej.jsonl --stats w/s.json"
	"tokenize -q -t $TOK in.jsonl -o w/out.tok --rejects w/rej.jsonl --stats w/s.json"
	"tokenize train -q --vocab-size 400 in.jsonl -o w/tok.json --tiktoken w/tok.tiktoken --stats w/s.json"
	"shard -q --format llmc --shard-tokens 20000 --min-shard-tokens 0 --val-tokens 5000 -o w/sh/p --stats w/s.json in.tok"
	"shard -q --format megatron --shuffle --seed 3 -o w/mg/p --stats w/s.json in.tok"
	"dedup sign -q --task 0 -o w/p in.jsonl --stats w/s.json"
	"dedup filter -q --task 0 -o w/out.jsonl --rejects w/rej.jsonl --stats w/s.json d/p in.jsonl"
)
runs=0
for cmd in "${cmds[@]}"; do
	for fault in write:0:ENOSPC write:1:EIO fsync:0:EIO fsync:1:ENOSPC rename:0:EIO rename:1:ENOSPC; do
		IFS=: read -r op n errname <<< "$fault"
		rm -rf w; mkdir w
		# shellcheck disable=SC2086
		LD_PRELOAD="$SO" FI_OP=$op FI_AFTER=$n FI_ERRNO=$errname $GRIST $cmd 2>err
		rc=$?
		runs=$((runs + 1))
		what="${cmd%% -q*} with $op failing after $n ($errname)"
		expect_eq "$what: exit" 3 $rc
		grep -q "No space left on device\|Input/output error" err || { fail "$what: no message"; cat err; }
		left=$(find w -type f)
		[ -z "$left" ] || fail "$what: files left: $left"
	done
done
# Reads of the inputs failing (EIO): a message, exit 3 (the system failed, not the data: a
# damaged input is exit 1, t3012), and no file. tokenize reads its tokenizer first (an unreadable
# tokenizer is a usage error, 2). Inputs also as gzip, tar and tar.gz, whose reads pass through
# decoders and libarchive.
gzip -c in.jsonl > in.jsonl.gz
tar -cf in.tar in.jsonl
gzip -c in.tar > in.tar.gz
cmds+=(
	"ingest -q in.jsonl.gz -o w/out.jsonl"
	"ingest -q in.tar -o w/out.jsonl"
	"ingest -q -j 1 in.tar.gz -o w/out.jsonl"
	"clean -q in.jsonl.gz -o w/out.jsonl"
)
for cmd in "${cmds[@]}"; do
	for n in 0 1 2; do
		rm -rf w; mkdir w
		# shellcheck disable=SC2086
		LD_PRELOAD="$SO" FI_OP=read FI_AFTER=$n FI_ERRNO=EIO $GRIST $cmd 2>err
		rc=$?
		runs=$((runs + 1))
		what="${cmd%% -q*} with read failing after $n"
		want=3
		case "$cmd" in
		"tokenize -q"*) [ $n -lt 2 ] && want=2 ;;
		esac
		expect_eq "$what: exit" $want $rc
		grep -q "Input/output error" err || { fail "$what: no message"; cat err; }
		left=$(find w -type f)
		[ -z "$left" ] || fail "$what: files left: $left"
	done
done
# cluster writes beside its inputs: no removal list may appear, nor a temporary
for fault in write:0:ENOSPC fsync:1:EIO rename:0:EIO rename:1:ENOSPC; do
	IFS=: read -r op n errname <<< "$fault"
	rm -f d/p_0_remove.dd
	LD_PRELOAD="$SO" FI_OP=$op FI_AFTER=$n FI_ERRNO=$errname $GRIST dedup cluster -q --tasks 1 d/p --stats s.json 2>err
	expect_eq "cluster with $op failing after $n: exit" 3 $?
	[ -e d/p_0_remove.dd ] || [ -e s.json ] && fail "cluster with $op failing after $n: an output was published"
	[ -z "$(ls d | grep '\.tmp\.')" ] || fail "cluster with $op failing after $n: temporaries left"
done
$GRIST dedup cluster -q --tasks 1 d/p || fail "cluster again"

# EINTR and short writes: retried, nothing lost.
for cmd in "${cmds[@]}"; do
	what="${cmd%% -q*}"
	rm -rf w ref; mkdir w
	# shellcheck disable=SC2086
	$GRIST $cmd || fail "$what: undisturbed run"
	mv w ref; mkdir w
	# shellcheck disable=SC2086
	LD_PRELOAD="$SO" FI_SHORT=1 FI_EINTR=1 $GRIST $cmd 2>err || { fail "$what: with EINTR and short writes"; cat err; }
	rm -f w/s.json ref/s.json # elapsed time differs
	diff -r ref w > /dev/null || fail "$what: output differs with EINTR and short writes"
done
echo "note: $runs injected failures"
done_testing
