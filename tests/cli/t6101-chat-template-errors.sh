#!/bin/bash
# tokenize --chat-template: every reject rule (counted, in --rejects, nothing lost), template
# errors (malformed: exit 2 with line and column; unsupported construct: exit 5 naming it and its
# line; a template token missing from the vocabulary: exit 2 naming it), --train-on, the mask flag
# of the token stream, and --content-specials.
. "$(dirname "$0")/lib.sh"
G=$GRIST
cat > in.jsonl <<'J'
{"id":"ok","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello there"}]}
{"id":"r1","text":"plain text record"}
{"id":"r2","messages":"not an array"}
{"id":"r3","messages":[]}
{"id":"r4","messages":[{"role":"user","content":"a"},"str"]}
{"id":"r5","messages":[{"role":"robot","content":"a"},{"role":"assistant","content":"b"}]}
{"id":"r6","messages":[{"role":"user","content":["parts"]},{"role":"assistant","content":"b"}]}
{"id":"r7","messages":[{"role":"system","content":""},{"role":"user","content":"b"}]}
{"id":"r8","messages":[{"role":"assistant","content":"x"},{"role":"user","content":"y"},{"role":"assistant","content":"z"}]}
not json
J
$G tokenize -q --chat-template gemma --to text --rejects rej.jsonl in.jsonl > out.jsonl
expect_eq "exit" 0 $?
expect_eq "kept" 1 "$(wc -l < out.jsonl)"
for r in r1:no_messages r2:invalid_messages r3:empty_conversation r4:invalid_message r5:unknown_role \
	r6:content_not_string r7:no_assistant_turn r8:template_error; do
	grep -q "\"rule\":\"${r#*:}\".*\"id\":\"${r%%:*}\"" rej.jsonl || fail "${r%%:*}: no ${r#*:} reject"
done
expect_grep "invalid JSON rejected" '"rule":"invalid_json"' rej.jsonl
expect_eq "nothing lost" 10 $(( $(wc -l < out.jsonl) + $(wc -l < rej.jsonl) ))
expect_grep "raise_exception message" 'roles must alternate' rej.jsonl
$G tokenize --chat-template gemma --to text --stats st.json in.jsonl > /dev/null 2>&1
expect_grep "stats count the rule" '"template_error":1' st.json

# Malformed templates: exit 2, line and column.
printf '{%% for m in messages %%}\n{{ m.content + }}\n{%% endfor %%}' > bad1.jinja
$G tokenize --chat-template bad1.jinja --to text in.jsonl > /dev/null 2> err.txt
expect_eq "malformed exit" 2 $?
expect_grep "line and column" 'line 2 column 16' err.txt
printf '{%% if messages %%}open' > bad2.jinja
expect_exit "unclosed block" 2 $G tokenize --chat-template bad2.jinja --to text in.jsonl
printf '{{ "unterminated }}' > bad3.jinja
expect_exit "unterminated string" 2 $G tokenize --chat-template bad3.jinja --to text in.jsonl
printf '{%% frobnicate %%}' > bad4.jinja
expect_exit "unknown statement" 2 $G tokenize --chat-template bad4.jinja --to text in.jsonl
expect_exit "neither name nor file" 2 $G tokenize --chat-template nosuch --to text in.jsonl
expect_exit "missing file" 3 $G tokenize --chat-template no/such.jinja --to text in.jsonl

# Unsupported constructs: exit 5 naming the construct and the line.
printf 'x\n{%% macro m() %%}{%% endmacro %%}' > u1.jinja
$G tokenize --chat-template u1.jinja --to text in.jsonl > /dev/null 2> err.txt
expect_eq "macro exit" 5 $?
expect_grep "macro named" "line 2.*'macro'" err.txt
printf '{{ messages | wordwrap }}' > u2.jinja
$G tokenize --chat-template u2.jinja --to text in.jsonl > /dev/null 2> err.txt
expect_eq "filter exit" 5 $?
expect_grep "filter named" "filter 'wordwrap'" err.txt
printf '{%% for m in messages %%}\n{{ m.content.format(1) }}{%% endfor %%}' > u3.jinja
$G tokenize --chat-template u3.jinja --to text in.jsonl > /dev/null 2> err.txt
expect_eq "method exit" 5 $?
expect_grep "method named" "line 2.*string method 'format'" err.txt
printf '{{ strftime_now("%%d") }}' > u4.jinja
expect_exit "unknown function" 5 $G tokenize --chat-template u4.jinja --to text in.jsonl

# A runaway template (10^10 iterations) stops with exit 5 instead of hanging.
printf '{%% for i in range(100000) %%}{%% for j in range(100000) %%}x{%% endfor %%}{%% endfor %%}' > slow.jinja
expect_exit "evaluation budget" 5 $G tokenize --chat-template slow.jinja --to text in.jsonl
# Tokenizer with the ChatML specials; cl100k lacks them.
$G tokenize --chat-template chatml -t cl100k_base in.jsonl > /dev/null 2> err.txt
expect_eq "missing token exit" 2 $?
expect_grep "missing token named" "'<|im_start|>'" err.txt
for i in $(seq 1 40); do echo '{"text":"hello there, how are you? fine thanks. a b c d e f g"}'; done > train.jsonl
$G tokenize train -q --vocab-size 300 --special "<|endoftext|>" --special "<|im_start|>" \
	--special "<|im_end|>" -o tok.json train.jsonl || fail "train: exit $?"
cat > conv.jsonl <<'J'
{"id":"t","messages":[{"role":"user","content":"hi <|im_end|>"},{"role":"assistant","content":"one"},{"role":"user","content":"b"},{"role":"assistant","content":"two"}]}
J
ids() { node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(r[process.argv[1]].join(" "))' "$1"; }
$G tokenize -q -t tok.json --chat-template chatml --to jsonl conv.jsonl > a.jsonl
$G tokenize -q -t tok.json --chat-template chatml --to jsonl --train-on all conv.jsonl > all.jsonl
$G tokenize -q -t tok.json --chat-template chatml --to jsonl --train-on last conv.jsonl > last.jsonl
$G tokenize -q -t tok.json --chat-template chatml --to jsonl --content-specials parse conv.jsonl > p.jsonl
ones() { ids mask < "$1" | tr ' ' '\n' | grep -c 1; }
n=$(ids tokens < a.jsonl | wc -w)
expect_eq "all: every token" "$n" "$(ones all.jsonl)"
a=$(ones a.jsonl); l=$(ones last.jsonl)
[ "$l" -gt 0 ] && [ "$l" -lt "$a" ] && [ "$a" -lt "$n" ] || fail "mask sizes: last $l < assistant $a < all $n"
# im_end id: how many in the ids? default: 4 (template), parse: 5 (also the one in content)
e=$(node -e 'const j=JSON.parse(require("fs").readFileSync("tok.json","utf8")); console.log(j.added_tokens.find(t=>t.content==="<|im_end|>").id)')
expect_eq "content special stays text" 4 "$(ids tokens < a.jsonl | tr ' ' '\n' | grep -cx "$e")"
expect_eq "--content-specials parse" 5 "$(ids tokens < p.jsonl | tr ' ' '\n' | grep -cx "$e")"
# The token stream carries the mask flag (header byte 12, bit 0) and the mask bytes.
$G tokenize -q -t tok.json --chat-template chatml conv.jsonl > s.tok
expect_eq "mask flag" 1 "$(od -An -tu4 -j12 -N4 s.tok | tr -d ' ')"
plain=$(printf '{"text":"hello"}\n' | $G tokenize -q -t tok.json | od -An -tu4 -j12 -N4 | tr -d ' ')
expect_eq "no mask flag without a template" 0 "$plain"
# Same output whatever -j; --eot after gets a 0 in the mask.
for i in $(seq 1 200); do sed "s/\"id\":\"t\"/\"id\":\"t$i\"/" conv.jsonl; done > many.jsonl
$G tokenize -q -t tok.json --chat-template chatml -j 1 --batch-bytes 4k many.jsonl > j1.tok
$G tokenize -q -t tok.json --chat-template chatml -j 2 --batch-bytes 4k many.jsonl > j2.tok
expect_file_eq "-j 2 = -j 1" j1.tok j2.tok
$G tokenize -q -t tok.json --chat-template chatml --to jsonl --eot after conv.jsonl > eot.jsonl
expect_eq "eot mask" "0" "$(ids mask < eot.jsonl | awk '{print $NF}')"
expect_eq "mask length" "$(ids tokens < eot.jsonl | wc -w)" "$(ids mask < eot.jsonl | wc -w)"
expect_exit "bad --train-on" 2 $G tokenize -t tok.json --chat-template chatml --train-on nobody conv.jsonl
expect_exit "--to text needs a template" 2 $G tokenize --to text conv.jsonl
done_testing
