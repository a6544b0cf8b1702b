#!/bin/bash
# grist run refuses a bad pipeline file with exit 2 and a message naming what is wrong (and
# where), before running anything; an unreadable file is exit 3.
. "$(dirname "$0")/lib.sh"
mkdir in && echo '{"id":"a","text":"hello"}' >in/a.jsonl
check() { # check NAME EXPECTED-CODE PATTERN  (file content on stdin)
	cat >"$1.yaml"
	$GRIST run "$1.yaml" >out 2>err
	rc=$?
	[ $rc -eq "$2" ] || { fail "$1: exit $rc, expected $2"; cat err; }
	grep -q -- "$3" err || { fail "$1: no '$3' in the message:"; cat err; }
	[ ! -d "run-$1" ] || fail "$1: nothing may run (run-$1 exists)"
}
check unknown-key 2 "unknown key \`taks\`" <<'Y'
inputs: [in]
output: run-unknown-key
taks: 4
pipeline: ingest | clean
Y
check missing 2 "needs the keys.*pipeline" <<'Y'
inputs: [in]
output: run-missing
Y
check bad-stage 2 "\`cat\` is not a grist stage" <<'Y'
inputs: [in]
output: run-bad-stage
pipeline: ingest | cat | clean
Y
check output-option 2 "\`-o\` is set by grist run" <<'Y'
inputs: [in]
output: run-output-option
pipeline: ingest | clean -o x.jsonl
Y
check shell 2 "shell syntax" <<'Y'
inputs: [in]
output: run-shell
pipeline: ingest | clean > x.jsonl
Y
check quote 2 "unterminated single quote" <<'Y'
inputs: [in]
output: run-quote
pipeline: ingest | clean --text-field 'body
Y
check order 2 "shard\` must be the last stage, right after \`tokenize\`" <<'Y'
inputs: [in]
output: run-order
pipeline: ingest | shard --format llmc | tokenize -t gpt2
Y
check twice 2 "appears twice" <<'Y'
inputs: [in]
output: run-twice
pipeline: ingest | clean | clean
Y
check nomatch 2 "matches no file" <<'Y'
inputs: [nothing/*.jsonl]
output: run-nomatch
pipeline: ingest | clean
Y
check train 2 "not a pipe stage" <<'Y'
inputs: [in]
output: run-train
pipeline: ingest | tokenize train --vocab-size 1000
Y
check tasks 2 "not a whole number" <<'Y'
inputs: [in]
output: run-tasks
tasks: four
pipeline: ingest | clean
Y
check syntax 2 "syntax.yaml:2" <<'Y'
inputs: [in
output: [
Y
check slurm-key 2 "slurm option \`partitoin\`" <<'Y'
inputs: [in]
output: run-slurm-key
pipeline: ingest | clean
slurm: {partitoin: debug}
Y
expect_exit "a missing file is exit 3" 3 $GRIST run no-such.yaml 2>/dev/null
# a good file with the same shape runs (so the checks above are not refusing everything)
cat >good.yaml <<'Y'
inputs: [in]
output: run-good
pipeline: "grist ingest | grist clean --filters none --text-field 'text'"
Y
$GRIST run -q good.yaml || fail "a good file runs"
[ -s run-good/records/task0000.jsonl ] || fail "records published for a pipeline without tokenize"
done_testing
