# Every line of Unicode's NormalizationTest.txt through `grist clean`: c2 == NFC(c1..c3),
# c4 == NFC(c4, c5), c4 == NFKC(c1..c5). The expected values come from the file itself.
. ./lib.sh
NT=/usr/share/unicode/NormalizationTest.txt.bz2
[ -r "$NT" ] || { fail "missing $NT (Debian package unicode-data)"; done_testing; }
bzip2 -dc "$NT" | /usr/bin/python3 -c '
import json, sys
src = open("in.jsonl", "w", encoding="utf-8")
nfc = open("nfc.expected", "w", encoding="utf-8")
nfkc = open("nfkc.expected", "w", encoding="utf-8")
n = 0
for line in sys.stdin:
    if line.startswith(("#", "@")) or not line.strip():
        continue
    cols = ["".join(chr(int(h, 16)) for h in c.split()) for c in line.split(";")[:5]]
    for k, c in enumerate(cols):
        src.write(json.dumps({"id": "%d.%d" % (n, k), "text": c}) + "\n")
        nfc.write(json.dumps(cols[1] if k < 3 else cols[3]) + "\n")
        nfkc.write(json.dumps(cols[3]) + "\n")
    n += 1
'
for form in nfc nfkc; do
	$GRIST clean -q --lang-id off --filters none --repair off --normalize $form in.jsonl > out.$form
	expect_eq "$form: record count" "$(wc -l < in.jsonl)" "$(wc -l < out.$form)"
	/usr/bin/python3 -c '
import json, sys
form = sys.argv[1]
got = [json.dumps(json.loads(l)["text"]) for l in open("out." + form, encoding="utf-8")]
want = [l.rstrip("\n") for l in open(form + ".expected", encoding="utf-8")]
bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
print("%s: %d records, %d mismatches" % (form, len(got), len(bad)))
sys.exit(1 if bad or len(got) != len(want) else 0)
' $form || fail "$form results differ from NormalizationTest.txt"
done
# --normalize none leaves the text alone: every record comes back byte-identical.
$GRIST clean -q --lang-id off --filters none --repair off --normalize none in.jsonl > out.none
expect_file_eq "normalize none is byte-identical" in.jsonl out.none
done_testing
