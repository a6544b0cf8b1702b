#!/bin/bash
# ingest with several inputs goes on after a damaged one by default (issue 11.4): the case
# `grist ingest bad.zst ok.tar.gz | ...` read nothing of ok.tar.gz and a pipe without
# pipefail looked fine. Now ok.tar.gz is read, the failure is named and counted, and the exit
# code is non-zero at the end; --fail-fast stops at the first; --keep-going is still accepted.
. "$(dirname "$0")/lib.sh"

python3 -c "
import json
with open('big.jsonl', 'w') as f:
    for i in range(3000):
        f.write(json.dumps({'text': 'document %d with some words in it' % i, 'id': 'b%d' % i}, separators=(',', ':')) + '\n')
with open('ok.jsonl', 'w') as f:
    for i in range(5):
        f.write(json.dumps({'text': 'intact document %d' % i, 'id': 'ok%d' % i}, separators=(',', ':')) + '\n')
"
zstd -q -c big.jsonl > big.zst
s=$(stat -c %s big.zst); head -c $((s / 2)) big.zst > bad.zst
tar czf ok.tar.gz ok.jsonl
ref=$(zstd -dc bad.zst 2>/dev/null | wc -l)

for mode in "" --keep-going "-j 2"; do
	"$GRIST" ingest $mode bad.zst ok.tar.gz > out.jsonl 2> err.txt
	expect_eq "default$mode: exit" 1 $?
	expect_eq "default$mode: ok.tar.gz read" 5 "$(grep -c '"id":"ok' out.jsonl)"
	[ "$(grep -c '"id":"b' out.jsonl)" -ge "$ref" ] || fail "default$mode: fewer lines of bad.zst than zstd -dc gives"
	expect_grep "default$mode: names the damaged input" "bad.zst: truncated zstd stream.*going on with the next input" err.txt
	expect_grep "default$mode: last line counts failures" "1 of 2 inputs failed" err.txt
	expect_grep "default$mode: counted in the summary" 'input_errors 1' err.txt
done
# -q keeps the error lines
"$GRIST" ingest -q bad.zst ok.tar.gz > /dev/null 2> err.txt
expect_grep "-q still names the damaged input" "bad.zst: truncated" err.txt

# -o FILE: the run failed, so nothing is published under the final name
"$GRIST" ingest -q -o kg.jsonl bad.zst ok.tar.gz 2>/dev/null
expect_eq "-o: exit" 1 $?
[ -e kg.jsonl ] && fail "-o kg.jsonl was published although an input failed"

# --fail-fast: the old behaviour
"$GRIST" ingest --fail-fast bad.zst ok.tar.gz > ff.jsonl 2> ff.txt
expect_eq "--fail-fast: exit" 1 $?
expect_eq "--fail-fast: ok.tar.gz not read" 0 "$(grep -c '"id":"ok' ff.jsonl)"
expect_grep "--fail-fast: names the input" "bad.zst: truncated zstd stream" ff.txt

# an unreadable input: exit 3 at the end, the rest read
"$GRIST" ingest -q ok.tar.gz missing.jsonl ok.jsonl > m.jsonl 2> m.txt
expect_eq "missing input: exit" 3 $?
expect_eq "missing input: the others read" 10 "$(wc -l < m.jsonl)"
expect_grep "missing input named" "missing.jsonl" m.txt

# The pipe of the issue, with set -o pipefail as the README says: it fails.
set -o pipefail
"$GRIST" ingest -q bad.zst ok.tar.gz 2>/dev/null | "$GRIST" clean -q --filters none > piped.jsonl 2>/dev/null
expect_eq "pipefail: the pipe fails" 1 $?
expect_eq "pipefail: ok.tar.gz went through" 5 "$(grep -c '"id":"ok' piped.jsonl)"
set +o pipefail
done_testing
