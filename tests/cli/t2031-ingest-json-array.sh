#!/bin/bash
# ingest: files whose top level is a JSON array of objects (the usual Alpaca/Dolly download)
# are read as records, one per element, streamed: pretty-printed or on one line, plain or
# gzip'ed, inside archives; ids SOURCE:N (N the 1-based element number) unless the element
# has one; values copied byte for byte (only whitespace between tokens goes). Checked against
# python's json module. Malformed arrays: an error naming file, element and byte offset, after
# the elements before it.
. "$(dirname "$0")/lib.sh"

cat > gen.py <<'PY'
import json, sys
recs = [
    {"instruction": "Say hi", "input": "", "output": "Hi!\n", "text": "first \u00e9 \"q\" \\ \t end"},
    {"text": "two", "id": 7, "n": [1, 2.50e+3, {"k": "v v", "e": []}], "t": True, "z": None},
    {"text": "nul \u0000 and \U0001F600 and raw é", "meta": {"a": {"b": [[], {}]}}},
    {"id": "own-id", "text": "  spaces kept  \n\n"},
]
json.dump(recs, open("pretty.json", "w"), indent=2, ensure_ascii=False)
json.dump(recs, open("ascii.json", "w"), indent="\t")  # \u escapes, tabs
open("oneline.json", "w").write(json.dumps(recs, separators=(",", ":"), ensure_ascii=False))
PY
/usr/bin/python3 gen.py || fail "gen.py"

# The independent reader: python's json module on the whole array.
cat > check.py <<'PY'
import json, sys
src, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
want = json.load(open(src, encoding="utf-8"))
got = [json.loads(l) for l in open(out, encoding="utf-8")]
assert len(got) == len(want), (len(got), len(want))
for n, (w, g) in enumerate(zip(want, got), 1):
    e = dict(w)
    if "id" not in e:
        e["id"] = "%s:%d" % (name, n)
    e["source"] = name
    assert list(g.items()) == list(e.items()), (n, g, e)
PY
for f in pretty ascii oneline; do
	expect_exit "$f" 0 "$GRIST" ingest -q $f.json > $f.out
	/usr/bin/python3 check.py $f.json $f.json $f.out || fail "$f.json: records differ from python's reading"
	expect_eq "$f: one line per element" 4 "$(wc -l < $f.out)"
done
# Byte for byte: escapes stay as written (python wrote \u00e9 and \ud83d\ude00 in ascii.json).
expect_grep "escapes kept" 'nul \\u0000 and \\ud83d\\ude00 and raw \\u00e9' ascii.out
expect_grep "numbers kept" '"n":\[1,2500.0,{"k":"v v","e":\[\]}\]' ascii.out
# Pretty-printed and one-line arrays give the same records.
sed 's/oneline[.]json/pretty.json/g' oneline.out > oneline.norm
expect_file_eq "pretty = one line" pretty.out oneline.norm

# A BOM, CRLF line ends, an empty array, a one-element array with space around it.
printf '\xef\xbb\xbf[\r\n {"text" : "a"} ,\r\n {"text":"b"}\r\n]\r\n' > bom.json
expect_exit "bom" 0 "$GRIST" ingest -q bom.json > bom.out
expect_eq "bom records" '{"text":"a","id":"bom.json:1","source":"bom.json"}
{"text":"b","id":"bom.json:2","source":"bom.json"}' "$(cat bom.out)"
printf ' [ ] \n' > empty.json
expect_exit "empty array" 0 "$GRIST" ingest -q empty.json > empty.out
expect_eq "empty array: no records" "" "$(cat empty.out)"

# Elements that are not objects, or not valid JSON, are counted invalid_json rejects with
# their element number; the others come out.
printf '[{"text":"a"},1,"s",{"text":"bad \\x"},true,{"text":"c"}]' > mixed.json
expect_exit "mixed" 0 "$GRIST" ingest -q --rejects rej.jsonl mixed.json > mixed.out
expect_eq "mixed kept" '{"text":"a","id":"mixed.json:1","source":"mixed.json"}
{"text":"c","id":"mixed.json:6","source":"mixed.json"}' "$(cat mixed.out)"
/usr/bin/python3 - <<'PY' || fail "mixed rejects"
import json
r = [json.loads(l) for l in open("rej.jsonl")]
assert [x["rule"] for x in r] == ["invalid_json"] * 4, r
assert [x["source"] for x in r] == ["mixed.json:%d" % n for n in (2, 3, 4, 5)], r
assert [x["raw"] for x in r] == ["1", '"s"', '{"text":"bad \\x"}', "true"], r
PY
expect_exit "mixed --on-invalid error" 1 "$GRIST" ingest -q --on-invalid error mixed.json > /dev/null 2> oi.err
expect_grep "--on-invalid error names the element" 'mixed.json:2' oi.err

# Compressed, and inside an archive; a file whose name says nothing.
gzip -c pretty.json > pretty.json.gz
expect_exit "gzip" 0 "$GRIST" ingest -q pretty.json.gz > gz.out
/usr/bin/python3 check.py pretty.json pretty.json.gz gz.out || fail "gzip'ed array"
zstd -q -c oneline.json > data.zst
expect_exit "zstd, no extension" 0 "$GRIST" ingest -q data.zst > zst.out
/usr/bin/python3 check.py pretty.json data.zst zst.out || fail "zstd array without extension"
mkdir -p d && cp pretty.json d/alpaca.json && cp oneline.json d/noext
tar -cf t.tar -C d alpaca.json noext
expect_exit "tar" 0 "$GRIST" ingest -q t.tar > tar.out
head -4 tar.out > tar1.out; tail -4 tar.out > tar2.out
/usr/bin/python3 check.py pretty.json 't.tar!alpaca.json' tar1.out || fail "array member of a tar"
/usr/bin/python3 check.py pretty.json 't.tar!noext' tar2.out || fail "array member without extension"
# Content without a JSON extension is an array only when it starts with '[' then '{' or ']':
# an INI file stays text; a .txt file is text whatever it holds.
printf '[section]\nkey = value\n' > setup.cfg
cp oneline.json list.txt
expect_exit "ini, txt" 0 "$GRIST" ingest -q setup.cfg list.txt > text.out
expect_eq "ini and txt are one text record each" 2 "$(wc -l < text.out)"
expect_grep "ini text" '"text":"\[section\]\\nkey = value\\n"' text.out

# Malformed arrays: the error names file, element and byte offset (python finds the same
# offset); the elements before it are written, exit 1; --keep-going goes on with the next file.
bad() { # NAME CONTENT EXPECTED-RECORDS MESSAGE-PART
	printf '%s' "$2" > "$1"
	"$GRIST" ingest -q "$1" > "$1.out" 2> "$1.err"; local rc=$?
	expect_eq "$1: exit" 1 $rc
	expect_eq "$1: records before the damage" "$3" "$(wc -l < "$1.out")"
	expect_grep "$1: message" "$1: malformed JSON array $4" "$1.err"
}
bad nocomma.json '[{"text":"a"},{"text":"b"} {"text":"c"}]' 2 "after element 2, byte 27: expected ',' or ']'"
bad trunc.json '[{"text":"a"},{"text":"b"},{"text":"c' 2 "in element 3, byte 37: the input ends inside the array"
bad trailing.json '[{"text":"a"},]' 1 "at element 2, byte 14: ']' after ','"
bad mismatch.json '[{"text":"a"},{"a":[1}]' 1 "in element 2, byte 21: '}' closes an array"
bad after.json '[{"text":"a"}] {"text":"b"}' 1 "after its end (1 elements), byte 15: data after the closing ']'"
bad lead.json '[,{"text":"a"}]' 0 "at element 1, byte 1: ',' where an element was expected"
/usr/bin/python3 - <<'PY' || fail "offsets agree with python"
import json
for f, want in (("nocomma.json", 27), ("mismatch.json", 21), ("after.json", 15)):
    try:
        json.loads(open(f).read())
    except json.JSONDecodeError as e:
        assert e.pos == want, (f, e.pos, want)
    else:
        raise AssertionError(f + " parsed")
PY
expect_exit "keep-going" 1 "$GRIST" ingest -q --keep-going nocomma.json pretty.json > kg.out 2> kg.err
expect_eq "keep-going: both files' good records" 6 "$(wc -l < kg.out)"
# A truncated gzip of an array: the whole elements before the damage come out.
head -c $(($(stat -c %s pretty.json.gz) / 2)) pretty.json.gz > cut.json.gz
"$GRIST" ingest -q cut.json.gz > cut.out 2> cut.err; rc=$?
expect_eq "cut gzip: exit" 1 $rc
expect_grep "cut gzip: names the file" 'cut.json.gz' cut.err
/usr/bin/python3 -c '
import json, sys
for l in open("cut.out"): json.loads(l)
' || fail "cut gzip: whole records only"

# A big array (200,000 elements, pretty-printed) is streamed: all records, same output for
# -j 1 and -j 2, and memory far below the file size (a loose bound, not a measurement).
/usr/bin/python3 - <<'PY'
import json
with open("big.json", "w") as f:
    f.write("[\n")
    for i in range(200000):
        if i:
            f.write(",\n")
        json.dump({"instruction": "Question %d" % i, "input": "" if i % 3 else "ctx \u00e9",
                   "text": "answer %d " % i + "word " * 40}, f, indent=2, ensure_ascii=i % 2 == 0)
    f.write("\n]\n")
PY
size=$(stat -c %s big.json)
/usr/bin/time -v "$GRIST" ingest -q -j 1 big.json > big1.out 2> big1.time || fail "big -j 1"
"$GRIST" ingest -q -j 2 --batch-bytes 64K big.json > big2.out || fail "big -j 2"
expect_eq "big: every element" 200000 "$(wc -l < big1.out)"
expect_file_eq "big: -j 1 = -j 2" big1.out big2.out
expect_eq "big: last id" '"id":"big.json:200000"' "$(tail -1 big1.out | grep -o '"id":"[^"]*"')"
rss=$(awk -F': ' '/Maximum resident/ {print $2}' big1.time)
[ -n "$rss" ] && [ "$rss" -lt $((size / 1024)) ] ||
	fail "big: max RSS ${rss:-?} KiB not below the file size ($size bytes)"
# Several inputs decoded in parallel (-j 2 over two files) keep input order.
"$GRIST" ingest -q -j 2 pretty.json big.json > two.out
cat pretty.out big1.out > two.want
expect_file_eq "two inputs -j 2" two.want two.out
done_testing
