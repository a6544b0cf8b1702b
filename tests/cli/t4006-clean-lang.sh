# Language identification (CLD2): --lang keeps the listed languages, adds lang and lang_score
# at the end of each record; --lang-min-score; rejects carry the detected language.
. ./lib.sh
cat > in.jsonl <<'J'
{"id":"en","text":"The committee will meet again next week to discuss the budget for the new library and the repairs to the old school building."}
{"id":"de","text":"Der Ausschuss wird sich nächste Woche erneut treffen, um über den Haushalt für die neue Bibliothek und die Reparaturen am alten Schulgebäude zu beraten."}
{"id":"fr","text":"Le comité se réunira de nouveau la semaine prochaine pour discuter du budget de la nouvelle bibliothèque et des réparations de la vieille école."}
{"id":"zh","text":"委员会将于下周再次开会，讨论新图书馆的预算以及旧学校大楼的维修问题。"}
{"id":"x","text":"zzq xqj vvk"}
J
$GRIST clean -q --filters none --lang en,de --rejects rej in.jsonl > out
expect_eq "kept ids and languages" "en en
de de" "$(/usr/bin/python3 -c '
import json
for l in open("out"):
    r = json.loads(l); assert list(r)[-2:] == ["lang", "lang_score"] and 0.5 < r["lang_score"] <= 1
    print(r["id"], r["lang"])')"
expect_eq "rejected with the detected language" "fr fr
zh zh
x un" "$(/usr/bin/python3 -c '
import json
for l in open("rej"):
    r = json.loads(l); assert r["rule"] == "lang"
    print(r["record"]["id"], r["value"])')"
$GRIST clean -q --filters none --lang any --stats st in.jsonl > all
expect_eq "lang any keeps everything" 5 "$(wc -l < all)"
expect_grep "languages in stats" '"languages":{"de":{"in":1,"kept":1,"rejects":{}},"en":{"in":1,"kept":1,"rejects":{}},"fr":{"in":1,"kept":1,"rejects":{}},"un":{"in":1,"kept":1,"rejects":{}},"zh":{"in":1,"kept":1,"rejects":{}}}' st
# --lang takes ISO 639-1 and 639-3 (and 639-2/B) codes and CLD2 names, in any case (issue 11.2)
for spec in EN,de eng,DEU English,german en,ger; do
	$GRIST clean -q --filters none --lang "$spec" in.jsonl > sp || fail "--lang $spec: exit $?"
	expect_eq "--lang $spec keeps en and de" "en de" "$(/usr/bin/python3 -c '
import json; print(" ".join(json.loads(l)["lang"] for l in open("sp")))')"
done
$GRIST clean -q --lang zho --filters none in.jsonl > z
expect_eq "--lang zho is zh" "zh" "$(/usr/bin/python3 -c '
import json; print(" ".join(json.loads(l)["id"] for l in open("z")))')"
for bad in xx en,xx english2 ''; do
	$GRIST clean -q --lang "$bad" in.jsonl > /dev/null 2> err; rc=$?
	expect_eq "--lang '$bad' is a usage error" 2 $rc
	[ -z "$bad" ] || expect_grep "--lang '$bad' names the code" "unknown language '${bad#en,}'" err
done
$GRIST clean -q --filters none --lang-min-score 0.5 --rejects rej2 in.jsonl > hi
expect_grep "min score rejects the gibberish" '"rule":"lang.min_score","value":0' rej2
expect_eq "min score keeps the rest" 4 "$(wc -l < hi)"
# A low-confidence identification is not trusted to choose rules (--lang-rules-min-score,
# default 0.25): three languages in one document make CLD2 answer fr with score 0.2, so the
# [lang.fr] stop-word threshold that rejects everything does not apply; the language-independent
# rules still do (the second document's curly bracket, reached after the language: both are
# identified first, --lang-id all).
# The whole text is identified (--lang-sample 0): a 512-byte sample of its start, middle and
# end weighs the three languages differently.
/usr/bin/python3 - > mixed.jsonl <<'PY'
import json
en = ("The committee will meet again next week to discuss the budget for the new library and the "
      "repairs to the old school building, and the mayor said that the work on the square would begin in May.")
de = ("Der Ausschuss wird sich nächste Woche erneut treffen, um über den Haushalt für die neue Bibliothek "
      "und die Reparaturen am alten Schulgebäude zu beraten, und der Bürgermeister sagte, die Arbeiten beginnen im Mai.")
fr = ("Le comité se réunira de nouveau la semaine prochaine pour discuter du budget de la nouvelle "
      "bibliothèque et des réparations de la vieille école, et le maire a dit que les travaux commenceraient en mai.")
print(json.dumps({"id": "mixed", "text": "\n".join([en, de, fr])}, ensure_ascii=False))
print(json.dumps({"id": "mixed-code", "text": "\n".join([en, de, fr + " {x}"])}, ensure_ascii=False))
PY
printf '[lang.fr]\ngopher.min_stop_words = 1000\n' > fr.cfg
$GRIST clean -q --lang-id all --lang-sample 0 --config fr.cfg --stats lst --rejects lrej mixed.jsonl > low
expect_eq "low confidence: kept, lang and score as CLD2 said" "mixed fr 0.2" "$(/usr/bin/python3 -c '
import json
for l in open("low"):
    r = json.loads(l); print(r["id"], r["lang"], r["lang_score"])')"
expect_grep "low confidence: language-independent rules apply" '"rule":"c4.curly_bracket"' lrej
expect_grep "low confidence: counted" '"lang_low_confidence_docs":2' lst
expect_grep "low confidence: language rules not applied" '"gopher.min_stop_words":2' lst
$GRIST clean -q --lang-id all --lang-sample 0 --config fr.cfg --lang-rules-min-score 0 --rejects lrej0 mixed.jsonl > low0
expect_eq "--lang-rules-min-score 0 trusts fr" "gopher.min_stop_words gopher.min_stop_words" \
	"$(/usr/bin/python3 -c '
import json; print(*[json.loads(l)["rule"] for l in open("lrej0")])')"
# Identified when a rule first needs the language (the default), a document that C4's curly
# bracket rejects is rejected before that, unidentified: its rule is C4's, not the stop words'
$GRIST clean -q --lang-sample 0 --config fr.cfg --lang-rules-min-score 0 --stats lst1 --rejects lrej1 mixed.jsonl > low1
expect_eq "the curly bracket rejects before identification" "gopher.min_stop_words c4.curly_bracket" \
	"$(/usr/bin/python3 -c '
import json; print(*[json.loads(l)["rule"] for l in open("lrej1")])')"
expect_grep "... and that document is not identified" '"rejected_before_lang_id":{"in":1,"kept":0,"rejects":{"c4.curly_bracket":1}}' lst1
# --lang-id off takes lang_score from the record too
printf '{"id":"a","lang":"fr","lang_score":0.1,"text":"%s"}\n{"id":"b","lang":"fr","text":"%s"}\n' \
	"$(sed -n 1p mixed.jsonl | /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["text"])[1:-1])')" \
	"$(sed -n 1p mixed.jsonl | /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["text"])[1:-1])')" > off.jsonl
$GRIST clean -q --lang-id off --config fr.cfg --rejects offrej off.jsonl > offout
expect_eq "--lang-id off: the record's low lang_score counts, no score is certain" "a" "$(/usr/bin/python3 -c '
import json; print(*[json.loads(l)["id"] for l in open("offout")])')"
done_testing
