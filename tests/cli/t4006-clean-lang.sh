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
done_testing
