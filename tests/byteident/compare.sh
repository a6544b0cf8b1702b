#!/bin/bash
# compare.sh A B IN OUT: run two grist binaries on the same inputs (ingest, tokenize train,
# Parquet, then clean, dedup, tokenize and shard on ingest's records) and compare every output
# byte for byte: -o, --rejects, --stats, stdout, stderr and the
# exit code of each case (cmpdirs.py; only timings and the version string are taken out).
# IN is made by make-inputs.py. Used to show a refactor changes no output (issue 12):
#   python3 tests/byteident/make-inputs.py . corpora/demo /tmp/in
#   tests/byteident/compare.sh /tmp/grist-before build/release/grist /tmp/in /tmp/cmp
set -u
A=$1 B=$2 IN=$3 OUT=$4
rm -rf "$OUT"; mkdir -p "$OUT"
find "$IN/demo" "$IN/text" -type f | sort > "$OUT/files-list"
ncase=0
run() { # run NAME STDIN ARGS...
	local name=$1 stdin=$2; shift 2
	ncase=$((ncase + 1))
	for side in a b; do
		local bin=$A; [ $side = b ] && bin=$B
		local d="$OUT/$side/$name"; mkdir -p "$d"
		(cd "$d" && "$bin" "$@" < "$stdin" > stdout 2> stderr; echo $? > rc)
	done
}
ING="ingest --rejects rej --stats st.stats -o out.jsonl"
# every input file alone, default options, -j 1
i=0
while read -r f; do
	i=$((i + 1)); run "one-$i-${f##*/}" /dev/null $ING "$f"
done < <(find "$IN" -type f -not -path '*/html/*' -not -path '*/demo/*' | sort)
# every input file as stdin (no name hint, no seeking)
i=0
while read -r f; do
	i=$((i + 1)); run "stdin-$i-${f##*/}" "$f" $ING -
done < <(find "$IN/arc" "$IN/warc" "$IN/json" "$IN/fuzz" "$IN/text" "$IN/bad" -type f | sort)
GOOD="$IN/arc $IN/warc $IN/json $IN/fuzz $IN/text $IN/fix $IN/html $IN/demo $IN/chat"
for j in 1 2 3; do
	run "all-j$j" /dev/null $ING -j $j $GOOD
	run "bad-j$j" /dev/null $ING -j $j "$IN/bad" "$IN/fix"
	run "all-ff-j$j" /dev/null $ING -j $j --fail-fast "$IN"
	run "tiny-batches-j$j" /dev/null $ING -j $j --batch-bytes 1K "$IN/warc" "$IN/json" "$IN/arc" "$IN/chat" "$IN/text"
done
for mode in main text raw; do
	run "html-$mode" /dev/null $ING -j 2 --html $mode "$IN/html" "$IN/warc" "$IN/arc/pages.tar.gz"
done
run warc-all /dev/null $ING --warc-types all --warc-status all "$IN/warc" "$IN/fix"
run warc-sel /dev/null $ING --warc-types conversion,resource --warc-status 2xx,404 "$IN/warc"
run warc-fmt /dev/null $ING --format warc "$IN/fix/ingest-sample.wet" "$IN/warc/pages.warc"
run split-lines /dev/null $ING --split-lines "$IN/text" "$IN/demo/licenses"
run split-lines-j2 /dev/null $ING -j 2 --split-lines --batch-bytes 4K "$IN/text/lines.txt"
run small-docs /dev/null $ING --max-doc-bytes 2000 "$IN/warc" "$IN/arc" "$IN/json" "$IN/text" "$IN/html"
run on-missing-empty /dev/null $ING --on-missing empty "$IN/arc/wds.tar" "$IN/fix" "$IN/warc"
run on-missing-error /dev/null $ING --on-missing error "$IN/arc/wds.tar"
run on-invalid-error /dev/null $ING --on-invalid error "$IN/json/arr-scalars.json"
run fields /dev/null $ING --text-field body --id-field key "$IN/arc/wds.tar" "$IN/fix/records-mixed.jsonl" "$IN/warc/pages.warc"
for c in tar wds raw zip 7z cpio ar; do
	run "format-$c" /dev/null $ING --format $c "$IN/arc/wds.tar" "$IN/arc/pages.zip" "$IN/arc/pages.7z" "$IN/arc/pages.cpio" "$IN/arc/pages.a" "$IN/text/doc.jsonl.gz"
done
for f in jsonl text html; do
	run "format-$f" /dev/null $ING --format $f "$IN/text" "$IN/fix/records-mixed.jsonl" "$IN/html/blog-00.html"
done
run chat /dev/null $ING --chat "$IN/chat" "$IN/fuzz/ingest-chat.jsonl" "$IN/fuzz/ingest-json-array-chat" "$IN/text/lines.txt" "$IN/arc/wds.tar" "$IN/warc/pages.warc"
run chat-j2 /dev/null $ING --chat -j 2 --batch-bytes 2K "$IN/chat"
run readahead-off /dev/null $ING --readahead off "$IN/arc" "$IN/warc/pages.warc.gz"
run files-from "$OUT/files-list" ingest -o out.jsonl --files-from -
run demo-j2 /dev/null $ING -j 2 "$IN/demo"
# Parquet: written by each binary, then read by each (pq_write, pq_file, pq_column, pq_json)
run pq-write /dev/null ingest -o out.parquet --stats st.stats "$IN/demo" "$IN/fix/records-mixed.jsonl"
printf '{"text":"string","lang_hint":"string","collection":"string","id":"string","source":"string"}' > "$OUT/schema.json"
run pq-write-schema /dev/null ingest -o out.parquet --schema "$OUT/schema.json" "$IN/demo/fortunes-en.jsonl"
run pq-write-badschema /dev/null ingest -o out.parquet --schema "$OUT/no-such-schema.json" "$IN/demo/fortunes-en.jsonl"
"$A" ingest -q -o "$OUT/demo.parquet" "$IN/demo" "$IN/fix/records-mixed.jsonl"
run pq-read /dev/null $ING "$OUT/demo.parquet"
run pq-read-j2 /dev/null $ING -j 2 --columns text,lang_hint "$OUT/demo.parquet"
run pq-read-stdin "$OUT/demo.parquet" $ING -
# tokenize train
T="$IN/fix/train-small.jsonl"
D="$IN/demo"
run train-small /dev/null tokenize train --vocab-size 600 -o tok.json --tiktoken tok.tiktoken --stats st.stats --dump-pieces pieces "$T"
run train-demo /dev/null tokenize train --vocab-size 2k -o tok.json --tiktoken tok.tiktoken --stats st.stats "$D"/fortunes-en.jsonl "$D"/copyright.jsonl
run train-demo-j2 /dev/null tokenize train -j 2 --vocab-size 3000 --special '<|endoftext|>' --special '<pad>' -o tok.json "$D"/*.jsonl
run train-cl100k /dev/null tokenize train --pattern cl100k --vocab-size 1500 --min-frequency 3 -o tok.json --tiktoken t.tiktoken "$D"/fortunes-ru.jsonl "$D"/fortunes-zh.jsonl "$D"/fortunes-de.jsonl
run train-o200k /dev/null tokenize train --pattern o200k --vocab-size 1200 --max-token-length 4 -o tok.json "$D"/fortunes-es.jsonl "$D"/fortunes-it.jsonl
run train-regex /dev/null tokenize train --pattern '\p{L}+|\s+|[^\s\p{L}]+' --vocab-size 800 -o tok.json "$D"/fortunes-en.jsonl
run train-prune /dev/null tokenize train --vocab-size 1000 --max-pieces 2000 --stats st.stats -o tok.json "$D"/copyright.jsonl
run train-minfreq /dev/null tokenize train --vocab-size 100000 --min-frequency 50 -o tok.json "$T"
run train-special-byte /dev/null tokenize train --vocab-size 400 --special 'Ā' -o tok.json "$T"
run train-mixed /dev/null tokenize train --vocab-size 500 --rejects rej -o tok.json "$IN/fix/records-mixed.jsonl"
run train-empty /dev/null tokenize train --vocab-size 500 -o tok.json "$IN/text/empty.txt"
run train-small-vocab /dev/null tokenize train --vocab-size 257 --special a --special b -o tok.json "$T"
run train-stdin "$T" tokenize train --vocab-size 700 --batch-bytes 2K -j 3 -o tok.json
# the stages after ingest (clean, dedup and its sharded steps, tokenize, shard), each on the
# same records: ingest's output of the demo corpus and the chat fixtures, made by A
REPO=$(cd "$(dirname "$0")/../.." && pwd)
R="$OUT/records.jsonl" CH="$OUT/chat.jsonl"
"$A" ingest -q -o "$R" "$IN/demo" "$IN/fix/records-mixed.jsonl"
"$A" ingest -q --chat -o "$CH" "$IN/chat"
runsh() { # runsh NAME SCRIPT: SCRIPT run by sh with $G the binary, $R, $CH, $IN, $REPO set
	local name=$1 script=$2
	ncase=$((ncase + 1))
	for side in a b; do
		local bin=$A; [ $side = b ] && bin=$B
		local d="$OUT/$side/$name"; mkdir -p "$d"
		(cd "$d" && G=$bin R=$R CH=$CH IN=$IN REPO=$REPO sh -c "$script" > stdout 2> stderr; echo $? > rc)
	done
}
OUTS="--rejects rej --stats st.stats -o out.jsonl"
run clean /dev/null clean $OUTS "$R"
run clean-j2 /dev/null clean -j 2 --redact email,ip $OUTS "$R"
run dedup /dev/null dedup $OUTS "$R"
run dedup-exact-j2 /dev/null dedup --exact -j 2 $OUTS "$R"
run dedup-chars /dev/null dedup --char-ngrams 5 --verify 0.5 --bands 10 --rows 4 $OUTS "$R"
run dedup-against /dev/null dedup --against "$IN/demo/copyright.jsonl" $OUTS "$R"
run dedup-badopt /dev/null dedup --verify 2 "$R"
runsh dedup-sharded 'head -n 1500 $R > a.jsonl; tail -n +1501 $R > b.jsonl; mkdir w
$G dedup sign --task 0 -o w/d a.jsonl && $G dedup sign --task 1 --stats s1.stats -o w/d b.jsonl &&
for b in 0 1 2 3 4 5 6 7 8 9 10 11 12 13; do $G dedup match --band $b --tasks 2 w/d || exit; done &&
$G dedup cluster --tasks 2 --stats c.stats w/d && $G dedup filter --task 0 --stats f.stats -o a.out w/d a.jsonl &&
$G dedup filter --task 1 --rejects b.rej -o b.out w/d b.jsonl && rm -f w/*.dd'
TK="$REPO/vocabs/gpt2.tiktoken"
runsh tokenize 'for t in gpt2 cl100k_base o200k_base; do
$G tokenize -t $REPO/vocabs/$t.tiktoken --stats $t.stats -o $t.tok $R || exit; done
$G tokenize -t $REPO/vocabs/cl100k_base.tiktoken --to jsonl -j 2 --batch-bytes 64K -o j.jsonl $R &&
$G tokenize -t $REPO/vocabs/cl100k_base.tiktoken --decode -o d.jsonl j.jsonl'
run tokenize-hf /dev/null tokenize -t "$REPO/tests/fixtures/tokenize/tiny-tokenizer.json" --to jsonl $OUTS "$R"
run tokenize-badopt /dev/null tokenize -t "$TK" --batch-bytes 1x "$R"
for tpl in chatml mistral phi3; do
	run "chat-$tpl" /dev/null tokenize --chat-template "$REPO/tests/fixtures/chat/$tpl.jinja" --to text $OUTS "$CH"
done
runsh shard '$G tokenize -q -t $REPO/vocabs/gpt2.tiktoken -o in.tok $R || exit
$G shard --format llmc --shard-tokens 100K --min-shard-tokens 0 --val-tokens 20K --stats l.stats -o l/p in.tok &&
$G shard --format megatron --shard-tokens 100K --append-eod --stats m.stats -o m/p in.tok &&
$G shard --format nanogpt --val-fraction 0.1 --seed 7 -o n/p in.tok &&
$G shard --format llmc --shuffle --seed 3 --shuffle-buckets 16 --shuffle-memory 64K --shard-tokens 50K --min-shard-tokens 0 -o s/p in.tok &&
$G shard verify l/p && $G shard verify m/p && $G shard inspect -n 2 --max-ids 8 l/p_train_000001.bin &&
$G shard inspect -t $REPO/vocabs/gpt2.tiktoken -n 1 in.tok'
runsh shard-pack 'head -n 300 $R > t.jsonl
$G tokenize train -q --vocab-size 600 --special "<|im_start|>" --special "<|im_end|>" --special "<|endoftext|>" -o tt.json t.jsonl &&
$G tokenize -q -t tt.json --chat-template $REPO/tests/fixtures/chat/chatml.jinja -o c.tok $CH || exit
$G shard --format jsonl --pack 256 --on-overlong truncate -o j/p c.tok &&
$G shard --format llmc --pack 256 --val-tokens 300 --min-shard-tokens 0 --rejects r.jsonl -o k/p c.tok &&
$G tokenize -q -t $REPO/vocabs/o200k_base.tiktoken -o w.tok $R && $G shard --format megatron -o w/p w.tok &&
$G shard --format llmc --min-shard-tokens 0 -o x/p w.tok'
run shard-badopt /dev/null shard -j 2 --format llmc -o u/p "$IN/demo/copyright.jsonl"
echo "cases run: $ncase"
python3 "$(dirname "$0")/cmpdirs.py" "$OUT"
