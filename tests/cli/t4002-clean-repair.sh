# Unicode repair through the CLI: escapes, controls, CRLF, C1, mojibake fixed; clean text and
# other fields byte-identical; counts in --stats.
. ./lib.sh
cat > in.jsonl <<'J'
{"id":1,"text":"\u001b[1;31mAlert\u001b[0m: disk\u0007 full\r\nnext line\u0000","n":[1,2]}
{"id":2,"text":"Caf\u00c3\u00a9 \u00e2\u0080\u0093 it\u00e2\u0080\u0099s na\u00c3\u00afve","keep":"\u00c3\u00a9"}
{"id":3,"text":"Correct text: caf\u00e9, \u201cCAF\u00c9\u201d, S\u00c3O PAULO.", "x" : true}
{"id":4,"text":"C1\u0085 control and e\u0301 combining"}
{"id":5, "text":"plain ascii stays byte-identical"}
J
cat > expect <<'J'
{"id":1,"text":"Alert: disk full\nnext line","n":[1,2]}
{"id":2,"text":"Café – it’s naïve","keep":"\u00c3\u00a9"}
{"id":3,"text":"Correct text: caf\u00e9, \u201cCAF\u00c9\u201d, S\u00c3O PAULO.", "x" : true}
{"id":4,"text":"C1 control and é combining"}
{"id":5, "text":"plain ascii stays byte-identical"}
J
$GRIST clean -q --lang-id off --filters none --stats stats.json in.jsonl > out
expect_file_eq "repaired records" expect out
expect_grep "escape sequences counted" '"escape_sequences":2' stats.json
expect_grep "controls counted" '"controls":2' stats.json
expect_grep "CRLF counted" '"crlf":1' stats.json
expect_grep "mojibake counted" '"mojibake_docs":1' stats.json
expect_grep "C1 counted" '"c1_controls":1' stats.json
# --repair off: controls stay (escaped in JSON), but normalization still runs
$GRIST clean -q --lang-id off --filters none --repair off in.jsonl > out2
expect_eq "repair off keeps controls" '{"id":1,"text":"\u001b[1;31mAlert\u001b[0m: disk\u0007 full\r\nnext line\u0000","n":[1,2]}' "$(head -1 out2)"
done_testing
