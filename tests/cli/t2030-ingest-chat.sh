#!/bin/bash
# ingest --chat: OpenAI messages, ShareGPT conversations, Alpaca instruction/input/output, Dolly
# instruction/context/response and prompt/completion records (JSONL lines or JSON array
# elements) become canonical chat records (docs/chat.md), checked against an independent
# reader written here with python's json module; contents byte for byte; every reject rule
# counted and in --rejects (nothing lost); -j 1 = -j 2; the output is read as chat records by
# dedup and tokenize --chat-template chatml.
. "$(dirname "$0")/lib.sh"

# Inputs: JSONL with every layout and every reject, written by python (json.dumps escapes
# non-ASCII as \uXXXX half of the time; contents with spaces, newlines, quotes, NUL, emoji).
cat > gen.py <<'PY'
import json
C = [" lead and trail  ", "line\nbreak \"q\" back\\slash \t tab", "nul \u0000 é 😀 \u2028", ""]
ok = [
    {"id": "oa1", "messages": [{"role": "system", "content": ""}, {"role": "user", "content": C[0]},
                                {"role": "assistant", "content": C[1]}], "meta": {"k": [1, 2]}},
    {"messages": [{"role": "user", "content": C[2]}, {"role": "tool", "content": "{\"r\":1}", "tool_call_id": "t1"},
                  {"role": "assistant", "content": C[3], "name": "bot"}], "text": "dropped"},
    {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": C[1]},
                       {"from": "gpt", "value": C[0], "weight": 1}, {"from": "human", "value": "more"},
                       {"from": "gpt", "value": C[2]}], "source": "sg", "lang": "en"},
    {"conversations": [{"from": "user", "value": "u"}, {"from": "assistant", "value": "a"}],
     "system": "sys prompt"},
    {"instruction": C[1], "input": C[2], "output": C[0], "text": "### Instruction: ..."},
    {"instruction": "Only instruction", "input": "", "output": ""},
    {"instruction": "No input field", "output": "out", "id": 17},
    {"category": "qa", "instruction": "Dolly q", "context": "Dolly ctx", "response": "Dolly a"},
    {"instruction": "Dolly no ctx", "context": "", "response": "r"},
    {"prompt": C[2], "completion": C[1]},
    {"prompt": "p", "completion": "c", "system": ""},
]
bad = [
    ({"foo": "bar", "text": "plain"}, "unrecognized_layout", None),
    ({"messages": []}, "empty_conversation", None),
    ({"conversations": []}, "empty_conversation", None),
    ({"messages": "x"}, "invalid_messages", None),
    ({"conversations": {"from": "human"}}, "invalid_messages", None),
    ({"conversations": [{"from": "human", "value": "q"}, "str"]}, "invalid_message", "conversations[1]"),
    ({"messages": [{"role": "user", "content": "q"}]}, "no_assistant_turn", None),
    ({"conversations": [{"from": "human", "value": "q"}]}, "no_assistant_turn", None),
    ({"instruction": "q", "input": "i"}, "no_assistant_turn", None),
    ({"prompt": "q"}, "no_assistant_turn", None),
    ({"messages": [{"role": "robot", "content": "q"}, {"role": "assistant", "content": "a"}]}, "unknown_role", "messages[0]"),
    ({"conversations": [{"from": "human", "value": "q"}, {"from": "bard", "value": "a"}]}, "unknown_role", "conversations[1]"),
    ({"conversations": [{"value": "q"}, {"from": "gpt", "value": "a"}]}, "unknown_role", "conversations[0]"),
    ({"messages": [{"role": "user", "content": ["parts"]}, {"role": "assistant", "content": "a"}]}, "content_not_string", "messages[0]"),
    ({"conversations": [{"from": "human", "value": None}, {"from": "gpt", "value": "a"}]}, "content_not_string", "conversations[0]"),
    ({"instruction": 5, "output": "a"}, "content_not_string", "instruction"),
    ({"instruction": "q", "input": None, "output": "a"}, "content_not_string", "input"),
    ({"instruction": "q", "output": ["a"]}, "content_not_string", "output"),
    ({"prompt": "q", "completion": 3}, "content_not_string", "completion"),
    ({"prompt": "q", "completion": "a", "system": None}, "content_not_string", "system"),
]
with open("mixed.jsonl", "w", encoding="utf-8") as f:
    recs = ok + [b[0] for b in bad]
    for i, r in enumerate(recs):
        f.write(json.dumps(r, ensure_ascii=i % 2 == 0) + "\n")
    f.write("not json\n")
json.dump({"bad": [[b[1], b[2]] for b in bad], "nok": len(ok)}, open("expect.json", "w"))
# The usual Alpaca download: a pretty-printed JSON array (and Dolly's on one line).
alp = [{"instruction": "Give a word %d" % i, "input": "" if i % 2 else "hint é %d" % i,
        "output": "word %d\n" % i} for i in range(50)]
json.dump(alp, open("alpaca.json", "w", encoding="utf-8"), indent=4, ensure_ascii=False)
dol = [{"instruction": "q%d" % i, "context": "", "response": "r%d" % i, "category": "open_qa"}
       for i in range(20)]
open("dolly.json", "w").write(json.dumps(dol))
PY
/usr/bin/python3 gen.py || fail "gen.py"

# The independent reader: the mapping of docs/chat.md, on python's decoded values.
cat > expect.py <<'PY'
import json, sys
ROLE = {"human": "user", "gpt": "assistant"}
def canon(r, name, n):
    out = {}
    if "id" not in r:
        out["id"] = "%s:%d" % (name, n)
    if "messages" in r: layout, used = "openai", ["messages"]
    elif "conversations" in r: layout, used = "sharegpt", ["conversations", "system"]
    elif "instruction" in r and "response" in r and "output" not in r:
        layout, used = "dolly", ["instruction", "context", "response", "system"]
    elif "instruction" in r: layout, used = "alpaca", ["instruction", "input", "output", "system"]
    elif "prompt" in r: layout, used = "prompt", ["prompt", "completion", "system"]
    else: return None
    msgs = []
    if layout == "openai":
        msgs = r["messages"]
    elif layout == "sharegpt":
        if "system" in r:
            msgs.append({"role": "system", "content": r["system"]})
        for t in r["conversations"]:
            m = {"role": ROLE.get(t["from"], t["from"]), "content": t["value"]}
            m.update({k: v for k, v in t.items() if k not in ("from", "value", "role", "content")})
            msgs.append(m)
    else:
        u, x, a = {"alpaca": ("instruction", "input", "output"), "dolly": ("instruction", "context", "response"),
                   "prompt": ("prompt", None, "completion")}[layout]
        if "system" in r:
            msgs.append({"role": "system", "content": r["system"]})
        if not isinstance(r[u], str):
            uc = r[u]
        elif x and x in r and not isinstance(r[x], str):
            uc = r[x]
        else:
            uc = r[u] + ("\n\n" + r[x] if x and r.get(x) else "")
        msgs.append({"role": "user", "content": uc})
        if a in r:
            msgs.append({"role": "assistant", "content": r[a]})
    placed = False
    for k, v in r.items():
        if k in used:
            if not placed:
                out["messages"] = msgs
                placed = True
        elif k != "text":
            out[k] = v
    if "source" not in r:
        out["source"] = name
    return out
src, name, got_file = sys.argv[1], sys.argv[2], sys.argv[3]
if src.endswith(".jsonl"):
    recs = []
    for l in open(src, encoding="utf-8"):
        try: recs.append(json.loads(l))
        except ValueError: recs.append(None)
else:
    recs = json.load(open(src, encoding="utf-8"))
want = []
for n, r in enumerate(recs, 1):
    if r is None: continue
    try:
        e = canon(r, name, n)
    except (KeyError, TypeError, AttributeError):
        e = None  # a malformed layout: the reader has no record for it
    ok = (e is not None and isinstance(e["messages"], list) and e["messages"] and
          all(isinstance(m, dict) and m.get("role") in ("system", "user", "assistant", "tool")
              and isinstance(m.get("content"), str) for m in e["messages"]) and
          any(m["role"] == "assistant" for m in e["messages"]))
    if ok: want.append(e)
got = [json.loads(l) for l in open(got_file, encoding="utf-8")]
assert len(got) == len(want), (len(got), len(want))
for g, w in zip(got, want):
    assert list(g.items()) == list(w.items()), "\n%s\n%s" % (g, w)
    for a, b in zip(g["messages"], w["messages"]):
        assert list(a.items()) == list(b.items()), (a, b)
PY

expect_exit "mixed" 0 "$GRIST" ingest -q --chat --rejects rej.jsonl --stats st.json mixed.jsonl > out.jsonl
/usr/bin/python3 expect.py mixed.jsonl mixed.jsonl out.jsonl || fail "mixed: records differ from the reader's"
/usr/bin/python3 - <<'PY' || fail "mixed: rejects"
import json
e = json.load(open("expect.json"))
rej = [json.loads(l) for l in open("rej.jsonl")]
want = [[r, v] for r, v in e["bad"]] + [["invalid_json", None]]
got = [[r["rule"], r.get("value")] for r in rej]
got[-1][1] = None  # invalid_json's value is the parser's message
assert got == want, "\n%s\n%s" % (got, want)
first_bad = e["nok"] + 1
assert [r["source"] for r in rej] == ["mixed.jsonl:%d" % n for n in range(first_bad, first_bad + len(rej))]
# the original record, unchanged, is in the rejects file
src = open("mixed.jsonl", encoding="utf-8").read().split("\n")[:-1]  # not splitlines: U+2028
for r, n in zip(rej[:-1], range(first_bad, first_bad + len(rej))):
    assert r["record"] == json.loads(src[n - 1]), r
st = json.load(open("st.json"))
assert st["records_in"] == len(src) and st["records_out"] == e["nok"], st
assert st["rejected"] == len(rej), st
PY
expect_eq "nothing lost" "$(wc -l < mixed.jsonl)" $(( $(wc -l < out.jsonl) + $(wc -l < rej.jsonl) ))

# Byte for byte: escapes as written in the input (json.dumps wrote \u00e9, \ud83d\ude00,
# \u2028 and \u0000 in the even lines), nothing trimmed; Alpaca's "\n\n" between raw bodies.
expect_grep "escapes kept" '"content":"nul \\u0000 \\u00e9 \\ud83d\\ude00 \\u2028"' out.jsonl
expect_grep "spaces kept" '"content":" lead and trail  "' out.jsonl
expect_grep "empty system kept" '"messages":\[{"role":"system","content":""},' out.jsonl
expect_grep "alpaca join" '"content":"line\\nbreak \\"q\\" back\\\\slash \\t tab\\n\\nnul \\u0000 \\u00e9 \\ud83d\\ude00 \\u2028"' out.jsonl
expect_grep "id first, source last" '^{"id":"mixed.jsonl:2","messages":\[.*\],"source":"mixed.jsonl"}$' out.jsonl

# JSON arrays: a pretty-printed Alpaca file, a one-line Dolly file, gzip'ed; ids FILE:N.
expect_exit "arrays" 0 "$GRIST" ingest -q --chat alpaca.json dolly.json > arr.jsonl
head -50 arr.jsonl > a.out; tail -20 arr.jsonl > d.out
/usr/bin/python3 expect.py alpaca.json alpaca.json a.out || fail "alpaca.json"
/usr/bin/python3 expect.py dolly.json dolly.json d.out || fail "dolly.json"
expect_grep "element id" '^{"id":"alpaca.json:50",' a.out
gzip -c alpaca.json > alpaca.json.gz
expect_exit "gzip'ed array" 0 "$GRIST" ingest -q --chat alpaca.json.gz > gz.out
/usr/bin/python3 expect.py alpaca.json alpaca.json.gz gz.out || fail "alpaca.json.gz"

# -j 1 and -j 2 (one input split into small batches, and several inputs) give the same bytes.
"$GRIST" ingest -q --chat -j 1 mixed.jsonl alpaca.json dolly.json > j1.out
"$GRIST" ingest -q --chat -j 2 --batch-bytes 1K mixed.jsonl alpaca.json dolly.json > j2.out
"$GRIST" ingest -q --chat -j 2 --batch-bytes 1K alpaca.json > j2a.out
expect_file_eq "-j 1 = -j 2" j1.out j2.out
expect_file_eq "-j 2 one array" a.out j2a.out

# A text file is not a conversation: counted, not passed as a text record; as nothing else
# was read, the run fails with one line saying why (the exit rule, docs/design.md section 5).
printf 'just some text\n' > notes.txt
expect_exit "text input" 1 "$GRIST" ingest -q --chat notes.txt > t.out 2> t.err
expect_eq "text input: no record" "" "$(cat t.out)"
expect_grep "text input: says why" 'all 1 records were dropped (unrecognized_layout 1): no record is in a chat layout' t.err
printf '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n' > one.jsonl
expect_exit "text input beside a conversation" 0 "$GRIST" ingest -q --chat --rejects trej.jsonl notes.txt one.jsonl > t.out
expect_eq "text input beside a conversation: one record" 1 "$(wc -l < t.out)"
expect_grep "text input: unrecognized_layout" '"rule":"unrecognized_layout"' trej.jsonl

# The output is what the other stages read as chat records: tokenize renders every one
# (ChatML, checked against python's rendering of the reader's messages), dedup keeps them.
"$GRIST" tokenize -q --chat-template chatml --to text --rejects tokrej.jsonl j1.out > r.jsonl ||
	fail "tokenize --chat-template chatml: exit $?"
expect_eq "tokenize: no rejects" 0 "$(cat tokrej.jsonl 2>/dev/null | wc -l)"
/usr/bin/python3 - <<'PY' || fail "ChatML renderings"
import json
recs = [json.loads(l) for l in open("j1.out")]
got = [json.loads(l) for l in open("r.jsonl")]
assert len(got) == len(recs), (len(got), len(recs))
for r, g in zip(recs, got):
    want = "".join("<|im_start|>%s\n%s<|im_end|>\n" % (m["role"], m["content"]) for m in r["messages"])
    assert g["id"] == str(r["id"]) and g["text"] == want, (g, want)
PY
cat out.jsonl out.jsonl > twice.jsonl
"$GRIST" dedup -q --exact --rejects ddrej.jsonl twice.jsonl > dd.out || fail "dedup: exit $?"
expect_file_eq "dedup reads chat records (the second copies are duplicates)" out.jsonl dd.out
expect_eq "dedup: duplicates" "$(wc -l < out.jsonl)" "$(grep -c '"rule":"exact_duplicate"' ddrej.jsonl)"
done_testing
