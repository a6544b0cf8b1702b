#!/bin/bash
# mojibake.max_foreign_letters: text of a language whose alphabet goes beyond Latin-1, written in
# its legacy code page and read as cp1252 (Python's codecs make the mis-decoded text), keeps
# only plausible Latin-1 letters ("svìtla" for "světla"), which the language-independent checks
# pass; it is rejected because most of its accented letters are not the language's (CLDR's
# alphabet through ICU). The correct text, a text with a few foreign names, English with
# accented names (English has no letters beyond Latin-1) and Romanian typed with cedillas (CLDR
# has the comma-below letters) are kept.
. ./lib.sh
/usr/bin/python3 - > in.jsonl <<'PY'
import json
cs = ("Praha je hlavní město České republiky a leží na řece Vltavě.\n"
      "Ve městě žije více než jeden milion obyvatel a každý rok přibývají další.\n"
      "Historické centrum Prahy je zapsáno na seznamu světového dědictví.\n"
      "Každý rok sem přijíždějí miliony turistů z celého světa.\n"
      "Nejznámější památkou je Pražský hrad, který stojí nad Malou Stranou.\n"
      "Karlův most spojuje obě strany řeky už od čtrnáctého století.\n"
      "V zimě bývá ve městě chladno a často sněží, v létě je naopak teplo.")
tr = ("İstanbul, Türkiye'nin en kalabalık şehridir ve iki kıtaya yayılır.\n"
      "Şehir, Boğaziçi'nin iki yakasında kurulmuştur ve çok eski bir geçmişe sahiptir.\n"
      "Tarih boyunca birçok imparatorluğa başkentlik yapmıştır.\n"
      "Bugün yaklaşık on beş milyon insan burada yaşamaktadır.\n"
      "Şehirde çok sayıda cami, saray ve müze bulunur, bu yüzden ziyaretçiler de çoktur.\n"
      "Her yıl milyonlarca turist bu güzel şehri ziyaret eder.\n"
      "Kışın hava soğuk ve yağmurlu olur, yazın ise sıcak ve nemli geçer.")
names = cs + "\nHrad navštívili také Müller, Françoise a Jürgen ze zahraničí."
en = ("The festival in Zürich was opened by Renée Müller and José Núñez on Friday evening.\n"
      "Later that night the orchestra played works by Dvořák, Janáček and Bartók for the crowd.\n"
      "The critics said that the hall was full and that the music was very good indeed.\n"
      "Tickets for the second concert, with pieces by Saint-Saëns and Fauré, are sold out.\n"
      "The organisers have said that they will add a third concert next year in the old café.\n"
      "A writer from Kraków and a painter from Besançon will also speak at the festival.")
# Romanian as CLDR writes it (s and t with comma below) and as most of it was typed (cedilla)
ro = ("România este o țară situată în sud-estul Europei Centrale, pe cursul inferior al Dunării.\n"
      "Capitala și cel mai mare oraș al țării este București, unde trăiesc aproape două milioane de oameni.\n"
      "Țara are o populație de aproximativ nouăsprezece milioane de locuitori și o suprafață mare.\n"
      "Limba oficială este limba română, o limbă romanică vorbită și în Republica Moldova.\n"
      "Munții Carpați traversează țara, iar Marea Neagră se află la est, lângă Delta Dunării.\n"
      "În fiecare an, mulți turiști vizitează castelele și mănăstirile din Transilvania și Bucovina.")
ro_cedilla = ro.translate(str.maketrans("șțȘȚ", "şţŞŢ"))
for i, (t, lang) in enumerate([(cs, "cs"), (tr, "tr"), (names, "cs"), (en, "en"), (ro, "ro"),
                               (ro_cedilla, "ro")]):
    print(json.dumps({"id": "ok%d" % i, "text": t}, ensure_ascii=False))
print(json.dumps({"id": "cp1250", "text": cs.encode("cp1250").decode("cp1252")}, ensure_ascii=False))
print(json.dumps({"id": "cp1254", "text": tr.encode("cp1254").decode("cp1252")}, ensure_ascii=False))
PY
$GRIST clean -q --rejects rej in.jsonl > out
expect_eq "correct text kept, with its language" "ok0 cs
ok1 tr
ok2 cs
ok3 en
ok4 ro
ok5 ro" "$(/usr/bin/python3 -c '
import json
for l in open("out"):
    r = json.loads(l); print(r["id"], r["lang"])')"
expect_eq "mis-decoded text rejected by its letters" "cp1250 mojibake.max_foreign_letters
cp1254 mojibake.max_foreign_letters" "$(/usr/bin/python3 -c '
import json
for l in open("rej"):
    r = json.loads(l); print(r["record"]["id"], r["rule"])')"
/usr/bin/python3 -c '
import json, sys
for l in open("rej"):
    r = json.loads(l)
    sys.exit(0 if r["value"] > 0.3 else 1)' || fail "the shares of foreign letters are well above the default 0.2 (Czech 0.375: á é í ó ú ý are the same in both code pages)"
# nothing else rejects them: with the rule off both are kept
$GRIST clean -q --mojibake.max_foreign_letters off in.jsonl > off
expect_eq "rule off: all kept" 8 "$(wc -l < off)"
done_testing
