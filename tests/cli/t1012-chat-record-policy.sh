#!/bin/bash
# One record policy for chat records in every stage that takes them (lib/stage.c,
# stage_check_record with check->chat): a record with "messages" and no text field is a
# conversation in clean, dedup and tokenize --chat-template; --on-missing (skip, empty, error)
# applies to a record with neither, the same in all three; --max-doc-bytes limits a
# conversation's decoded content bytes, the same in all three.
. "$(dirname "$0")/lib.sh"
G=$GRIST
cat > chat.jsonl <<'J'
{"id":"a","messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris is the capital of France."}]}
{"id":"b","messages":[{"role":"user","content":"Name a prime number."},{"role":"assistant","content":"Seven is a prime number."}]}
J
{ cat chat.jsonl; echo '{"id":"n","other":"neither text nor messages"}'; } > mixed.jsonl
TPL=(--chat-template chatml --to text)
# conversations pass under --on-missing error (they are not records with a missing text)
for st in "clean --lang-id off --filters none" "dedup" "tokenize ${TPL[*]}"; do
	# shellcheck disable=SC2086
	$G $st -q --on-missing error chat.jsonl > out.jsonl 2>err
	expect_eq "$st --on-missing error on conversations: exit" 0 $?
	expect_eq "$st: both conversations out" 2 "$(wc -l < out.jsonl)"
done
# a record with neither: error names it, skip counts it, empty keeps it (clean, dedup) or makes
# an empty document (tokenize)
for st in "clean --lang-id off --filters none" "dedup" "tokenize ${TPL[*]}"; do
	# shellcheck disable=SC2086
	$G $st -q --on-missing error mixed.jsonl > out.jsonl 2>err
	expect_eq "$st --on-missing error, a record without text or messages: exit" 1 $?
	expect_grep "$st: the error names line 3" 'mixed.jsonl:3' err
	# shellcheck disable=SC2086
	$G $st -q --on-missing skip --rejects rej.jsonl mixed.jsonl > out.jsonl 2>err
	expect_eq "$st --on-missing skip: exit" 0 $?
	expect_eq "$st --on-missing skip: two out" 2 "$(wc -l < out.jsonl)"
	expect_grep "$st --on-missing skip: the reject says missing_text" '"rule":"missing_text"' rej.jsonl
done
for st in "clean --lang-id off --filters none" "dedup"; do
	# shellcheck disable=SC2086
	$G $st -q --on-missing empty mixed.jsonl > out.jsonl 2>err
	expect_eq "$st --on-missing empty: three out" 3 "$(wc -l < out.jsonl)"
done
# --max-doc-bytes: the first conversation has 61 content bytes, the second 44
for st in "clean --lang-id off --filters none" "dedup" "tokenize ${TPL[*]}"; do
	# shellcheck disable=SC2086
	$G $st -q --max-doc-bytes 50 --rejects rej.jsonl chat.jsonl > out.jsonl 2>err
	expect_eq "$st --max-doc-bytes 50: exit" 0 $?
	expect_eq "$st --max-doc-bytes 50: one conversation out" 1 "$(wc -l < out.jsonl)"
	expect_grep "$st --max-doc-bytes 50: rejected by max_doc_bytes" '"rule":"max_doc_bytes"' rej.jsonl
done
done_testing
