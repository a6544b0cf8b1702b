#!/bin/bash
# grist run --slurm on a real one-node Slurm cluster started here (slurmctld + slurmd + munge,
# tests/slurm/cluster.sh): job arrays chained with afterok give shards byte-identical to the
# local run of the same pipeline file. Release build only (the sanitizer build repeats the local
# tests, not the scheduler); where the daemons cannot start this test fails with the reason.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
if [ "${BUILD:-release}" = asan ]; then
	echo "SKIP: t9010 runs the Slurm cluster in the release build only"
	exit 77
fi
CL="$ROOT/tests/slurm/cluster.sh"
trap '"$CL" down "$TMP/slurm" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
"$CL" up "$TMP/slurm" 16837 >up.txt 2>&1 || { cat up.txt; fail "the Slurm cluster did not start"; done_testing; }
export SLURM_CONF=$TMP/slurm/slurm.conf

mkdir in
python3 - <<'PY'
import json, random
random.seed(3)
words = "north south east west rain snow wind sun cloud storm river field forest hill".split()
for name in "abcd":
    with open(f"in/{name}.jsonl", "w") as f:
        for i in range(150):
            text = " ".join(random.choice(words) for _ in range(30)) + "."
            f.write(json.dumps({"id": f"{name}{i}", "text": text}) + "\n")
        f.write(json.dumps({"id": f"{name}-dup", "text": "the same closing line in every file, " * 5}) + "\n")
PY
cat >p.yaml <<'YAML'
inputs: [in]
output: slurm-run
tasks: 4
pipeline: ingest | clean --filters none | dedup | tokenize -t gpt2 | shard --format llmc --shard-tokens 4K
slurm: {partition: debug, time: "00:10:00"}
YAML
sed 's/output: slurm-run/output: local-run/' p.yaml >local.yaml
$GRIST run -q local.yaml || fail "local run"

$GRIST run --slurm p.yaml >jobs.txt 2>submit.err || { cat submit.err; fail "submit"; }
expect_grep "a job array per phase" "^task [0-9]" jobs.txt
expect_grep "match phase submitted" "^match [0-9]" jobs.txt
expect_grep "shard phase submitted" "^shard [0-9]" jobs.txt
ok=0
end=$((SECONDS + 240))
while [ $SECONDS -lt $end ]; do
	$GRIST run --status p.yaml >status.txt 2>&1 && { ok=1; break; }
	grep -q -e ": failed" -e DependencyNeverSatisfied status.txt && break
	sleep 0.5
done
[ $ok = 1 ] || { cat status.txt; tail -20 slurm-run/logs/*.out 2>/dev/null; fail "the Slurm run did not finish"; }
n=0
for f in local-run/shards/*.bin local-run/shards/*.docs.jsonl; do
	expect_file_eq "Slurm equals local: $(basename $f)" $f slurm-run/shards/$(basename $f)
	n=$((n + 1))
done
[ $n -ge 4 ] || fail "expected several shard files (got $n)"
$GRIST shard verify slurm-run/shards/data >/dev/null || fail "verify the Slurm run"
ls slurm-run/logs/slurm-task-*.out >/dev/null 2>&1 || fail "one Slurm log per array task"
# a resubmission with everything done submits nothing
$GRIST run --slurm p.yaml >again.txt || fail "resubmit"
expect_eq "nothing left to submit" "" "$(cat again.txt)"
done_testing
