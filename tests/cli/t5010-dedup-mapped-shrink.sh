#!/bin/bash
# Issue 11.9: dedup's intermediate files are mapped (match uses every task's signatures by random
# access, more than memory may hold), so a file that shrinks while mapped (another process
# truncating or rewriting it in place) used to kill the step with a bare SIGBUS, leaving its
# temporaries. Now it is a read error naming the file and the byte, exit 3, and no output or
# temporary is left. The fault-injection shim truncates each file right after it is mapped.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SO=$(dirname "$GRIST")/tests/faultinject/faultinject.so
[ -f "$SO" ] || { fail "no $SO (make build makes it)"; done_testing; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
python3 "$FIX/dedup/planted.py" gen 300 300 5 corpus.jsonl truth.tsv || fail "generator"
split -n l/2 -d --additional-suffix=.jsonl corpus.jsonl in
mkdir w
for t in 0 1; do $GRIST dedup sign -q --task $t -o w/p in0$t.jsonl || fail "sign $t"; done
for b in $(seq 0 13); do $GRIST dedup match -q --band $b --tasks 2 w/p || fail "match $b"; done
$GRIST dedup cluster -q --tasks 2 w/p || fail "cluster"
[ "$(stat -c %s w/p_1_sigs.dd)" -gt 8192 ] || fail "premise: the signatures are over 8 KiB"

# step NAME FILE CUT-TO OUTPUT [ARGS...]: run a step with FILE cut to CUT-TO bytes once it is
# mapped; OUTPUT (removed first) must not be published.
step() {
	local what=$1 file=$2 to=$3 output=$4; shift 4
	rm -f "w/$output"
	cp -a w saved
	LD_PRELOAD="$SO" FI_OP=mmap FI_MATCH="$file" FI_TRUNCATE=$to $GRIST dedup "$@" 2>err >out
	local rc=$?
	expect_eq "$what: exit" 3 $rc
	expect_grep "$what: message" "read error on w/$file at byte [0-9]*: the file shrank while it was being read" err
	[ "$(stat -c %s w/$file)" = "$to" ] || fail "$what: premise: the shim cut w/$file"
	grep -q "Bus error\|AddressSanitizer" err && fail "$what: died of the signal"
	[ -e "w/$output" ] && fail "$what: w/$output was published"
	ls w | grep -q '\.tmp\.' && fail "$what: temporaries left: $(ls w | grep '\.tmp\.')"
	rm -rf w; mv saved w
}
step "match, signatures cut to 0" p_1_sigs.dd 0 p_3_pairs.dd match -q --band 3 --tasks 2 w/p
expect_grep "match: the byte" "at byte 0:" err
step "match, signatures cut to 4096" p_1_sigs.dd 4096 p_3_pairs.dd match -q --band 3 --tasks 2 w/p
step "cluster, ids cut" p_1_ids.dd 0 p_0_remove.dd cluster -q --tasks 2 w/p
$GRIST dedup match -q --band 3 --tasks 2 w/p || fail "match again"
$GRIST dedup cluster -q --tasks 2 w/p || fail "cluster again"
step "filter, removal list cut" p_0_remove.dd 0 kept.jsonl filter -q --task 0 w/p in00.jsonl -o w/kept.jsonl
# Undisturbed, the shim changes nothing.
LD_PRELOAD="$SO" FI_OP=mmap FI_MATCH=nothing-matches $GRIST dedup filter -q --task 0 w/p in00.jsonl -o k1.jsonl || fail "filter with the shim idle"
$GRIST dedup filter -q --task 0 w/p in00.jsonl -o k2.jsonl || fail "filter"
expect_file_eq "shim idle: same output" k2.jsonl k1.jsonl
[ "$(wc -l <k2.jsonl)" -lt "$(wc -l <in00.jsonl)" ] || fail "premise: filter removed duplicates"
done_testing
