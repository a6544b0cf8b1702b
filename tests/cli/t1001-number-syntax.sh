#!/bin/bash
# One number syntax (README "Numbers in options", lib/opts_num.c), table-driven over every
# stage: each row runs a command with one numeric option set to a good or a bad value. A good
# value must run (exit 0); a bad one must be a usage error (exit 2) whose one message line names
# the option. Rows: "COMMAND-KEY|OPTION|VALUE|EXPECTED-EXIT".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
export GRIST_VOCABS=$ROOT/vocabs
printf '%s\n' '{"id":"a","text":"Hello world, hello there."}' \
	'{"id":"b","text":"Another document with some words in it."}' > in.jsonl

# How each command key runs; "$@" is the option and its value.
run() {
	local key=$1; shift
	case $key in
	ingest) $GRIST ingest -q "$@" in.jsonl -o out.jsonl ;;
	clean) $GRIST clean -q "$@" in.jsonl -o out.jsonl ;;
	dedup) $GRIST dedup -q "$@" in.jsonl -o out.jsonl ;;
	tokenize) $GRIST tokenize -q -t gpt2 "$@" in.jsonl -o out.tok ;;
	train) $GRIST tokenize train -q --vocab-size 300 "$@" in.jsonl -o out.json ;;
	shard) rm -rf sh; $GRIST shard -q --format llmc -o sh/x "$@" in.tok ;;
	inspect) $GRIST shard inspect "$@" in.tok ;;
	run) $GRIST run --print "$@" p.yaml ;;
	*) echo "no command key $key"; return 99 ;;
	esac
}

rows='
ingest|-j|2|0
ingest|-j|0|2
ingest|-j|abc|2
ingest|-j|1.5|2
ingest|-j|-1|2
ingest|-j|257|2
ingest|--max-doc-bytes|1K|0
ingest|--max-doc-bytes|1KiB|0
ingest|--max-doc-bytes|1.5G|2
ingest|--max-doc-bytes|0|2
ingest|--max-doc-bytes|12x|2
ingest|--max-doc-bytes|99999999999999999999|2
ingest|--batch-bytes|64KiB|0
ingest|--batch-bytes|64k|0
ingest|--batch-bytes|1M|0
ingest|--batch-bytes|100|2
ingest|--batch-bytes|2G|2
ingest|--batch-bytes|1e6|2
clean|-j|2|0
clean|-j|two|2
clean|--max-doc-bytes|256M|0
clean|--max-doc-bytes|-5|2
clean|--batch-bytes|1MiB|0
clean|--batch-bytes|1MB|0
clean|--batch-bytes|0x1000|2
dedup|-j|2|0
dedup|-j||2
dedup|--max-doc-bytes|1G|0
dedup|--max-doc-bytes|1 G|2
dedup|--batch-bytes|4M|0
dedup|--batch-bytes|4.0M|2
tokenize|-j|2|0
tokenize|-j|2k|2
tokenize|--max-doc-bytes|1G|0
tokenize|--max-doc-bytes|1Gi|2
tokenize|--batch-bytes|4M|0
tokenize|--batch-bytes|+4M|2
train|--vocab-size|1k|0
train|--vocab-size|300|0
train|--vocab-size|1.5k|2
train|--vocab-size|30kk|2
train|--min-frequency|2|0
train|--min-frequency|-1|2
train|--max-token-length|16|0
train|--max-token-length|1e3|2
dedup|--verify|0.8|0
dedup|--verify|.5|0
dedup|--verify|1.5|2
dedup|--verify|0x1|2
dedup|--bands|14|0
dedup|--bands|1k|2
shard|--shard-tokens|1k|0
shard|--shard-tokens|1.5K|2
shard|--seed|010|0
shard|--seed|-1|2
shard|--val-fraction|0.5|0
shard|--val-fraction|2|2
inspect|-n|2|0
inspect|-n|abc|2
inspect|--max-ids|8|0
inspect|--max-ids|-3|2
run|-j|2|0
run|-j|2000|2
run|--index|3|0
run|--index|3x|2
run|--plan|00ff00ff00ff00ff|0
run|--plan|zz|2
run|--plan|0x12|2
run|--plan|00ff00ff00ff00ff0|2
'
$GRIST tokenize -q -t gpt2 in.jsonl -o in.tok || fail "make in.tok"
printf 'inputs: [in.jsonl]\noutput: runout\npipeline: ingest | clean\n' > p.yaml
n=0
while IFS='|' read -r key opt val want; do
	[ -n "$key" ] || continue
	n=$((n + 1))
	rm -f out.jsonl out.tok
	run "$key" "$opt" "$val" >/dev/null 2>err.txt
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$key $opt '$val': exit $rc, expected $want: $(head -c 300 err.txt)"
	elif [ "$want" -eq 2 ]; then
		grep -q -- "$opt" err.txt || fail "$key $opt '$val': message does not name $opt: $(head -c 300 err.txt)"
		[ "$(wc -l < err.txt)" -eq 1 ] || fail "$key $opt '$val': not one line: $(head -c 300 err.txt)"
	fi
done <<< "$rows"
[ $n -gt 30 ] || fail "only $n rows ran"
done_testing
