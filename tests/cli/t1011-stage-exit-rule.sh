#!/bin/bash
# One exit rule for every record stage (README "Exit codes"): a run that read records and
# dropped every one by the record rules (invalid JSON, text missing or not a string, binary
# content) exits 1 with one line saying what the input looks like and what to do; an empty
# input, or records all removed by the stage's own filters, exits 0 with a warning; a run
# that keeps anything exits 0. The cases are those of issue 11.2: a top-level JSON array, a
# Parquet file, a tar archive, plain text, records whose text is under another key, a text
# field holding an array.
. "$(dirname "$0")/lib.sh"

printf '[{"text":"first document"},\n {"text":"second document"}]\n' > array.json
printf '{"content":"A document under another key.","url":"http://a","id":"1"}\n{"content":"Another one.","url":"http://b","id":"2"}\n' > keys.jsonl
printf '{"text":["a","list"],"url":"http://a"}\n{"text":["b"],"url":"http://b"}\n' > arrtext.jsonl
printf 'Just some text.\nMore text.\n' > plain.txt
printf '{"text":"one"}\n' | "$GRIST" ingest -q -o pq.parquet - || fail "writing a Parquet file"
tar cf arch.tar keys.jsonl
: > empty.jsonl
printf '{"text":"good record with several words in it"}\n{bad json\n' > mixed.jsonl

# stage NAME FILE [OPTIONS]: run the stage on FILE (stdout discarded)
stage() {
	local s=$1 f=$2; shift 2
	case $s in
	clean) "$GRIST" clean "$@" "$f" ;;
	dedup) "$GRIST" dedup "$@" "$f" ;;
	dedup-sign) rm -rf w && mkdir w && "$GRIST" dedup sign --task 0 -o w/p "$@" "$f" ;;
	tokenize) "$GRIST" tokenize -t gpt2 "$@" "$f" ;;
	train) "$GRIST" tokenize train --vocab-size 300 -o tok.json "$@" "$f" ;;
	esac > /dev/null
}

# fails WHAT STAGE FILE PATTERN: exit 1, and the last stderr line (the error) matches PATTERN
fails() {
	stage "$2" "$3" 2> err.txt
	local rc=$?
	expect_eq "$1 ($2): exit" 1 $rc
	tail -1 err.txt > last.txt
	expect_grep "$1 ($2): says why" "all [0-9]* records were dropped" last.txt
	expect_grep "$1 ($2): says what to do" "$4" last.txt
}

for s in clean dedup dedup-sign tokenize train; do
	fails "JSON array" $s array.json "a JSON array.*jq -c"
	fails "Parquet" $s pq.parquet "Parquet.*grist ingest"
	fails "tar archive" $s arch.tar "tar archive.*grist ingest"
	fails "plain text" $s plain.txt "text, not JSONL.*grist ingest"
	fails "text under another key" $s keys.jsonl 'no string field "text".*keys: content, url, id.*--text-field content'
	fails "text holds an array" $s arrtext.jsonl 'field "text" holds an array'
	# the suggestion works
	stage $s keys.jsonl --text-field content 2> err.txt || fail "$s --text-field content: exit $? ($(tail -1 err.txt))"
	# mixed input: something is kept, exit 0
	stage $s mixed.jsonl 2> err.txt || fail "$s on mixed input: exit $? ($(tail -1 err.txt))"
	# empty input: exit 0 with a warning (train has nothing to learn from: its own error)
	if [ $s != train ]; then
		stage $s empty.jsonl 2> err.txt
		expect_eq "empty input ($s): exit" 0 $?
		expect_grep "empty input ($s): warning" "warning: no records in the input" err.txt
	fi
done

# --on-missing empty keeps the records: exit 0.
expect_exit "clean --on-missing empty" 0 "$GRIST" clean -q --filters none --on-missing empty keys.jsonl > /dev/null
# Records all removed by clean's filters: exit 0 and a warning.
printf '{"text":"too short"}\n' > short.jsonl
"$GRIST" clean short.jsonl > /dev/null 2> err.txt
expect_eq "all filtered: exit" 0 $?
expect_grep "all filtered: warning" "warning: all 1 records were removed" err.txt
# No file is published when the rule fails (a failed run leaves none); the summary counts.
"$GRIST" clean keys.jsonl -o out.jsonl --stats st.json --rejects rj.jsonl 2> err.txt
[ -e out.jsonl ] && fail "-o out.jsonl published although every record was dropped"
[ -e st.json ] || [ -e rj.jsonl ] && fail "--stats/--rejects published although the run failed"
expect_grep "summary counts" "2 records in, 0 out, 2 rejected (missing_text 2)" err.txt
# ingest: things it cannot read.
printf '\0\1\2\3binary' > bin.dat
"$GRIST" ingest bin.dat > /dev/null 2> err.txt
expect_eq "ingest binary: exit" 1 $?
expect_grep "ingest binary: says why" "binary" err.txt
"$GRIST" ingest keys.jsonl > /dev/null 2> err.txt
expect_eq "ingest keys: exit" 1 $?
expect_grep "ingest keys: suggestion" "\-\-text-field content" err.txt
expect_exit "ingest --text-field content" 0 "$GRIST" ingest -q --text-field content keys.jsonl > /dev/null
"$GRIST" ingest empty.jsonl > /dev/null 2> err.txt
expect_eq "ingest empty: exit" 0 $?
expect_grep "ingest empty: warning" "no records" err.txt
done_testing
