#!/bin/bash
# clean on chat records (docs/chat.md): repair, NFC normalization and redaction apply to every
# message's content (checked with python's unicodedata), every other byte passes unchanged; a
# --drop-if match in any content drops the conversation; the web quality filters are off for
# chat records unless --filters is on the command line; malformed conversations are counted
# rejects with lib/chat.c's rules; -j 1 = -j 2; plain records are cleaned as before.
. "$(dirname "$0")/lib.sh"

cat > in.jsonl <<'J'
{"id":"a","messages":[{"role":"system","content":""},{"role":"user","content":"Cafe\u0301 ok? mail jane.doe@example.com"},{"role":"assistant","content":"Sure \u00e9 \n\"x\"","name":"bot"}],"meta":{"k":[1, 2]}}
{"id":"b","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yo"}]}
{"id":"c","messages":[{"role":"user","content":"this is secret"},{"role":"assistant","content":"fine"}]}
{"id":"d","messages":[{"role":"user","content":"q"}]}
{"id":"e","messages":[]}
{"id":"f","messages":[{"role":"robot","content":"q"},{"role":"assistant","content":"a"}]}
{"id":"g","messages":[{"role":"user","content":null},{"role":"assistant","content":"a"}]}
{"id":"h","messages":"no"}
{"id":"i","text":"This is a plain record with a text field. It is long enough to pass the filters, with several sentences in it.\nThe quality filters see it as they always do, and it has plenty of ordinary words to keep them happy.\nWe write a few more lines here so that the number of words is well above the minimum that the rules ask for.\nThe weather was fine and the people in the town went out to walk in the park and talk to each other."}
{"id":"j","other":"neither text nor messages"}
J
G=$GRIST
$G clean -q --lang-id off --redact email --drop-if secret --rejects rej.jsonl in.jsonl > out.jsonl
expect_eq "exit" 0 $?
/usr/bin/python3 - <<'PY' || fail "contents repaired, normalized, redacted; the rest unchanged"
import json, unicodedata
src = {json.loads(l)["id"]: (l.rstrip("\n"), json.loads(l)) for l in open("in.jsonl")}
out = [l.rstrip("\n") for l in open("out.jsonl")]
ids = [json.loads(l)["id"] for l in out]
assert ids == ["a", "b", "i"], ids
a = json.loads(out[0])
want = [unicodedata.normalize("NFC", m["content"]).replace("jane.doe@example.com", "<EMAIL>")
        for m in src["a"][1]["messages"]]
assert [m["content"] for m in a["messages"]] == want, a
assert a["messages"][1]["content"] == "Caf\u00e9 ok? mail <EMAIL>", a
assert a["messages"][2] == src["a"][1]["messages"][2] and a["meta"] == {"k": [1, 2]}
# untouched contents keep their escapes and spacing byte for byte; b is byte-identical
assert '"content":"Sure \\u00e9 \\n\\"x\\"","name":"bot"}],"meta":{"k":[1, 2]}' in out[0], out[0]
assert out[1] == src["b"][0], out[1]
PY
/usr/bin/python3 - <<'PY' || fail "chat rejects"
import json
rej = {json.loads(l)["record"]["id"]: json.loads(l)["rule"] for l in open("rej.jsonl")}
want = {"c": "drop_if", "d": "no_assistant_turn", "e": "empty_conversation", "f": "unknown_role",
        "g": "content_not_string", "h": "invalid_messages", "j": "missing_text"}
assert rej == want, rej
PY
expect_eq "nothing lost" 10 $(( $(wc -l < out.jsonl) + $(wc -l < rej.jsonl) ))

# Web filters: off for chat records by default (a two-word reply passes); on when asked.
$G clean -q --lang-id off --rejects frej.jsonl in.jsonl > f.out
expect_grep "default: short conversation kept" '"id":"b"' f.out
$G clean -q --lang-id off --filters length,gopher --rejects frej2.jsonl in.jsonl > f2.out
expect_eq "--filters: short conversation judged" 0 "$(grep -c '"id":"b"' f2.out)"
expect_grep "--filters: rejected by a filter" '"record":{"id":"b"' frej2.jsonl
# Language identification on the joined contents sets lang/lang_score as for plain records.
$G clean -q in.jsonl > l.out
expect_grep "lang set on a chat record" '"id":"a".*"lang":"en","lang_score":' l.out
# -j 2 gives the same bytes.
for i in 1 2 3 4 5 6; do cat in.jsonl; done > many.jsonl
$G clean -q -j 1 --batch-bytes 1K --redact email many.jsonl > j1.out
$G clean -q -j 2 --batch-bytes 1K --redact email many.jsonl > j2.out
expect_file_eq "-j 1 = -j 2" j1.out j2.out
# --on-missing error still stops on a plain record without text, not on a chat record.
head -2 in.jsonl > chatonly.jsonl
expect_exit "--on-missing error, chat only" 0 sh -c "$G clean -q --on-missing error chatonly.jsonl > /dev/null"
expect_exit "--on-missing error, plain record without text" 1 sh -c "$G clean -q --on-missing error in.jsonl > /dev/null 2>&1"
done_testing
