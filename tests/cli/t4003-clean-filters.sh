# The default filter set on fixture documents: clean English, Chinese and Japanese documents
# survive; the others are rejected with the rule and the measured value; --stats counts per
# rule; --filters none keeps everything byte-identical; thresholds from the command line and
# from a config file.
. ./lib.sh
IN="$FIX/clean/docs.jsonl"
$GRIST clean -q --rejects rej.jsonl --stats stats.json "$IN" > out
expect_eq "kept documents" "en-good zh-good ja-good" "$(/usr/bin/python3 -c '
import json; print(" ".join(json.loads(l)["id"] for l in open("out")))')"
expect_eq "rejects: id rule value" "short gopher_rep.top_2gram 0.333333
menu gopher_rep.dup_line_frac 0.916667
code c4.curly_bracket 1
lorem c4.lorem_ipsum 1
numbers gopher.min_alpha_words 0.00990099" "$(/usr/bin/python3 -c '
import json
for l in open("rej.jsonl"):
    r = json.loads(l)
    assert r["stage"] == "clean" and r["source"].startswith(r["source"].split(":")[0])
    print(r["record"]["id"], r["rule"], r["value"])')"
expect_grep "stats per rule" '"rejects":{"gopher_rep.top_2gram":1,"gopher_rep.dup_line_frac":1,"c4.curly_bracket":1,"c4.lorem_ipsum":1,"gopher.min_alpha_words":1}' stats.json
# Documents that rules needing no language reject are not identified (CLD2 costs more than
# the rules): the code and numbers documents, which reach Gopher's quality filter, are
# rejected by C4's curly bracket and Gopher's alpha words before their language is asked for
expect_grep "rejected before identification" '"rejected_before_lang_id":{"in":4,"kept":0,"rejects":{"c4.curly_bracket":1,"gopher.min_alpha_words":1,' stats.json
# identified first (--lang-id all), the numbers document has no language CLD2 can name: its
# language-dependent rules (mean word length, stop words) are not applied and counted, the
# others still reject it
$GRIST clean -q --lang-id all --rejects rej-all.jsonl --stats stats-all.json "$IN" > out-all
cmp -s out out-all || fail "--lang-id all keeps the same documents"
expect_grep "language rules not applied to un" '"lang_rules_not_applied":{"gopher.min_mean_word_length":1,"gopher.max_mean_word_length":1}' stats-all.json
expect_grep "stats: documents segmented by ICU" '"icu_segmented_docs":2' stats.json
# the kept English record: only text rewritten (C4 joins kept lines), other fields in order
/usr/bin/python3 - "$IN" <<'PY' || fail "kept record fields"
import json, sys
src = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open("out")]
assert list(out[0].keys()) == ["id", "text", "url", "meta", "lang", "lang_score"], out[0].keys()
assert [r["lang"] for r in out] == ["en", "zh", "ja"], [r["lang"] for r in out]
assert out[0]["meta"] == src[0]["meta"] and out[0]["text"] == src[0]["text"]
assert out[1]["text"] == src[1]["text"] and out[2]["text"] == src[2]["text"]
PY
# --filters none: all eight records, byte-identical (the fixture is clean NFC text)
$GRIST clean -q --lang-id off --filters none "$IN" > none.out
expect_file_eq "filters none is byte-identical" "$IN" none.out
# thresholds: from the command line (both spellings) and from a config file
$GRIST clean -q --filters gopher_quality --gopher.min_mean_word_length=1 --gopher.min_alpha_words off "$IN" > a
expect_grep "lowered threshold keeps the numbers document" '"id": "numbers"' a
$GRIST clean -q --filters gopher_quality --gopher-min-mean-word-length off --gopher-min-alpha-words=0 "$IN" > b
expect_file_eq "off equals a low threshold" a b
printf '# test config\nfilters = gopher_rep\ngopher_rep.dup_line_frac = 0.95 # relaxed\n' > cfg
$GRIST clean -q --config cfg --rejects r2 "$IN" > c
expect_eq "config file: the menu now fails a later rule" "gopher_rep.dup_line_char_frac" \
	"$(/usr/bin/python3 -c '
import json
print(*[r["rule"] for r in map(json.loads, open("r2")) if r["record"]["id"] == "menu"])')"
printf 'filters = gopher_rep\ngopher_rep.dup_line_frac = 0.9\n' > cfg2
$GRIST clean -q --config cfg2 --rejects r3 "$IN" > /dev/null
expect_grep "config file: 0.9 is still below 0.916667" '"rule":"gopher_rep.dup_line_frac"' r3
expect_exit "bad parameter value" 2 $GRIST clean -q --gopher.min_words=abc "$IN"
expect_exit "unknown filter" 2 $GRIST clean -q --filters c5 "$IN"
printf 'gopher.min_wordz = 3\n' > badcfg
$GRIST clean -q --config badcfg "$IN" > /dev/null 2> err
expect_grep "config error names file and line" 'badcfg:1: unknown filter parameter' err
# Google's C4 variant: 5 words per line and 3 sentences
printf '{"text":"One two three four five. Six seven eight nine ten!\\nshort line here\\nEleven twelve thirteen fourteen fifteen?"}\n' > g.jsonl
$GRIST clean -q --lang-id off --filters c4 --c4-variant google g.jsonl > g.out
expect_eq "google variant" '{"text":"One two three four five. Six seven eight nine ten!\nEleven twelve thirteen fourteen fifteen?"}' "$(cat g.out)"
$GRIST clean -q --filters c4 --rejects g.rej g.jsonl > /dev/null
expect_grep "c4 default needs 5 sentences" '"rule":"c4.min_sentences","value":4' g.rej
done_testing
