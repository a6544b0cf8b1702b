#!/bin/bash
# grist run fails loudly and resumes: a corrupt input fails its task, names the input, and no
# manifest is published; a task killed with SIGKILL is redone alone on the next run and the
# result equals a clean run's; a changed stage option reruns exactly the units that depend on
# it; an unchanged rerun runs nothing.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 - <<'PY'
import json, random
random.seed(7)
words = "alpha beta gamma delta epsilon zeta theta iota kappa lambda sigma omega river stone".split()
for name in "abcde":
    with open(f"in/{name}.jsonl", "w") as f:
        for i in range(200):
            text = " ".join(random.choice(words) for _ in range(40)) + "."
            f.write(json.dumps({"id": f"{name}{i}", "text": text}) + "\n")
PY
# the third input changes name below (a damaged .gz, a FIFO, a file)
cat >p.yaml <<'YAML'
inputs: [in/a.jsonl, in/b.jsonl, in/C, in/d.jsonl, in/e.jsonl]
output: run
tasks: 5
jobs: 5
pipeline: ingest | clean --filters none | dedup | tokenize -t gpt2 | shard --format llmc --shard-tokens 5K
YAML

# 1. a corrupt input fails the run, names the input, publishes no manifest
cp in/c.jsonl c.keep
gzip -c c.keep >whole.gz
head -c $(($(stat -c %s whole.gz) / 2)) whole.gz >in/c.jsonl.gz
rm in/c.jsonl
sed 's|in/C|in/c.jsonl.gz|' p.yaml >gz.yaml
expect_exit "corrupt input fails the run" 1 $GRIST run gz.yaml 2>fail.err
expect_grep "the failure names the input" "c.jsonl.gz" fail.err
expect_grep "the failure names the log" "logs/task0002.ingest.log" fail.err
[ ! -e run/shards/data.manifest.json ] || fail "no manifest after a failed task"
ls run/shards/*.bin >/dev/null 2>&1 && fail "no shards after a failed task"
$GRIST run --status gz.yaml >status.txt && fail "--status exits non-zero when a task failed"
expect_grep "--status lists the failed task" "task 2: failed" status.txt
rm in/c.jsonl.gz
sed -i 's|in/C|in/c.jsonl|' p.yaml

# 2. SIGKILL one task (its input is a FIFO nobody writes, so it blocks), then rerun
mkfifo in/c.jsonl
$GRIST run p.yaml 2>kill.err &
runpid=$!
# Wait for the four other tasks and for task 2's ingest to have exec'ed (its command line names
# its input list; a forked child that has not exec'ed yet still reads "grist run"). Generous
# bound: sanitizer builds on a loaded machine are slow.
killpat="--files-from=.*/task0002/inputs.txt"
for i in $(seq 1 1200); do
	n=$(ls run/work/markers/task.*.done 2>/dev/null | wc -l)
	[ "$n" -ge 4 ] && pgrep -f -- "$killpat" >/dev/null && break
	sleep 0.1
done
[ "$n" -ge 4 ] || fail "four tasks should finish while task 2 blocks"
if ! pkill -9 -f -- "$killpat"; then
	fail "no task 2 ingest process to kill"
	# unblock the FIFO so the run ends instead of hanging the test suite
	timeout 10 sh -c ': > in/c.jsonl'
fi
wait $runpid
rc=$?
[ $rc -ne 0 ] || fail "a killed task fails the run"
expect_grep "the killed stage is named" "killed by signal 9" kill.err
[ ! -e run/shards/data.manifest.json ] || fail "no manifest after a killed task"
stat -c %Y.%i run/logs/task0000.ingest.log >log0.before
rm in/c.jsonl
cp c.keep in/c.jsonl
touch -d '2020-01-01' in/c.jsonl
sleep 1
$GRIST run p.yaml 2>resume.err || { fail "resume"; cat resume.err; }
expect_eq "resume redoes only task 2" "task 2" "$(grep -o 'task [0-9]* done' resume.err | sed 's/ done//' | tr '\n' ' ' | sed 's/ $//')"
stat -c %Y.%i run/logs/task0000.ingest.log >log0.after
expect_file_eq "task 0's log untouched" log0.before log0.after
# the same inputs from scratch give the same bytes
sed 's/output: run/output: fresh/' p.yaml >fresh.yaml
$GRIST run -q fresh.yaml || fail "fresh run"
for f in fresh/shards/*.bin fresh/shards/*.docs.jsonl; do
	expect_file_eq "resumed run equals a fresh run: $(basename $f)" $f run/shards/$(basename $f)
done

# 3. an unchanged rerun runs nothing; a shard option change reruns only shard; a clean option
#    change reruns every task and what follows
$GRIST run p.yaml 2>same.err || fail "unchanged rerun"
expect_grep "unchanged rerun runs nothing" "0 units run" same.err
sed -i 's/--shard-tokens 5K/--shard-tokens 6K/' p.yaml
$GRIST run p.yaml 2>shardopt.err || fail "rerun after a shard option change"
expect_eq "a shard option reruns only shard" "shard 0" "$(grep -o '^grist run: [a-z]* [0-9]* done' shardopt.err | sed 's/^grist run: //; s/ done//' | tr '\n' ' ' | sed 's/ $//')"
sed -i 's/clean --filters none/clean --filters none --normalize nfkc/' p.yaml
$GRIST run p.yaml 2>cleanopt.err || fail "rerun after a clean option change"
expect_eq "a clean option reruns all 5 tasks" 5 "$(grep -c '^grist run: task [0-9]* done' cleanopt.err)"
expect_eq "... and every filter unit" 5 "$(grep -c '^grist run: filter [0-9]* done' cleanopt.err)"
expect_grep "... and shard" "^grist run: shard 0 done" cleanopt.err
done_testing
