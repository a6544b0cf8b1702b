#!/bin/bash
# grist run, locally: a tasks=1 run and a tasks=4 run (with dedup's sharded steps across tasks)
# give shards byte-identical to the plain pipe; the manifest covers all shards and verifies; an
# unchanged rerun runs nothing; --print shows the plan without running it.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)

# inputs: slices of the demo corpus (real text in several languages) plus planted near-duplicates
# spread over the files, so that dedup has to find pairs across tasks
"$ROOT/corpora/build-demo.sh" demo >/dev/null 2>&1 || fail "build demo corpus"
mkdir in
for f in fortunes-en fortunes-de fortunes-ru fortunes-zh copyright; do
	head -n 150 demo/$f.jsonl >in/$f.jsonl
done
python3 "$FIX/dedup/planted.py" gen 60 60 3 planted.jsonl truth.tsv || fail "planted corpus"
split -n l/3 -d --additional-suffix=.jsonl planted.jsonl in/planted
PIPE='ingest | clean --redact email,ip | dedup | tokenize -t gpt2 | shard --format llmc --val-fraction 0.1 --seed 1 --shard-tokens 20K'

set -o pipefail
$GRIST ingest -q in | $GRIST clean -q --redact email,ip | $GRIST dedup -q --rejects plain.rej | $GRIST tokenize -q -t gpt2 |
	$GRIST shard -q --format llmc --val-fraction 0.1 --seed 1 --shard-tokens 20K -o plain/demo ||
	fail "plain pipe"
set +o pipefail
nplain=$(ls plain/*.bin | wc -l)
[ "$nplain" -ge 3 ] || fail "the plain pipe should give several shards (got $nplain)"

for t in 1 4; do
	cat >p$t.yaml <<YAML
inputs: [in]
output: run$t
tasks: $t
jobs: 2
prefix: demo
pipeline: $PIPE
YAML
	$GRIST run --print p$t.yaml >print$t.txt || fail "--print tasks=$t"
	[ ! -d run$t ] || fail "--print must not create the run directory"
	expect_grep "--print lists the tasks" "task000$((t - 1)): " print$t.txt
	$GRIST run p$t.yaml 2>run$t.err || { fail "run tasks=$t"; cat run$t.err; }
	for f in plain/*.bin plain/*.docs.jsonl; do
		expect_file_eq "tasks=$t: $(basename $f) equals the plain pipe" $f run$t/shards/$(basename $f)
	done
	expect_eq "tasks=$t: same number of shard files" "$(ls plain | grep -c bin$)" "$(ls run$t/shards | grep -c bin$)"
	$GRIST shard verify run$t/shards/demo >verify$t.txt || fail "verify tasks=$t"
	expect_grep "the manifest covers every shard" "all $((2 * nplain)) files match" verify$t.txt
	[ "$(ls run$t/shards | grep -c manifest.json)" = 1 ] || fail "one manifest"
	for s in ingest clean dedup tokenize; do
		[ -s run$t/stats/task0000.$s.json ] || fail "stats file task0000.$s.json"
		[ -f run$t/logs/task0000.$s.log ] || fail "log file task0000.$s.log"
	done
	[ -s run$t/stats/shard.json ] || fail "shard stats"
done
grep -q "task0003: " print4.txt || fail "4 tasks planned"
[ -s run4/stats/task0003.clean.json ] || fail "per-task stats of task 3"
# dedup across tasks removed the planted duplicates as the single process did
plain_rej=$(grep -c near_duplicate plain.rej)
run_rej=$(cat run4/rejects/task*.dedup.jsonl | grep -c near_duplicate)
[ "$plain_rej" -gt 5 ] || fail "the planted corpus should have near-duplicates (got $plain_rej)"
expect_eq "dedup across 4 tasks removes what one process removes" "$plain_rej" "$run_rej"

# an unchanged rerun runs nothing
$GRIST run p4.yaml 2>rerun.err || fail "rerun"
expect_grep "unchanged rerun runs nothing" "0 units run" rerun.err
$GRIST run --status p4.yaml >status.txt || fail "--status exits 0 when all done"
expect_grep "--status counts" "0 failed, 0 missing, 0 stale" status.txt
done_testing
