# Other fields pass byte-for-byte, in order; \u0000 and every escape survive a round trip.
. ./lib.sh
cat > p.jsonl <<'J'
{"a" : 1.50e+2 , "text":"nul \u0000 tab\t q\" bs\\ sl\/ \b\f\n\r u\u00e9 s\ud83d\ude00 raw é 😀","z":[true,false,null,{"k":"v"}],  "id":"x"}
J
$GRIST ingest -q p.jsonl > out
expect_eq "line unchanged except the appended source" \
 "$(sed 's/}$/,"source":"p.jsonl"}/' p.jsonl)" "$(cat out)"
/usr/bin/python3 - <<'PY' || fail "decoded text round trip"
import json
a = json.loads(open("p.jsonl").readline())
b = json.loads(open("out").readline())
assert a["text"] == b["text"] and "\x00" in b["text"], b["text"]
assert list(b.keys()) == ["a", "text", "z", "id", "source"], list(b.keys())
PY
# Text files: NUL bytes and control characters become escapes that decode to the same bytes.
printf 'a\000b\001c\x7f\xe2\x82\xacd' > ctl.txt
$GRIST ingest -q ctl.txt > out
/usr/bin/python3 -c '
import json
r = json.loads(open("out").readline())
assert r["text"].encode("utf-8") == b"a\x00b\x01c\x7f\xe2\x82\xacd", r
assert r["id"] == "ctl.txt:1" and r["source"] == "ctl.txt"
' || fail "text file bytes survive"
done_testing
