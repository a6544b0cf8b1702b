# Redaction through the CLI: e-mail and public IPv4 replaced, private ranges and PII-free text
# byte-identical, custom patterns, drop-if, drop-lines, bad patterns with PCRE2's message.
. ./lib.sh
cat > in.jsonl <<'J'
{"id":1,"text":"Write to jane.doe@example.com or admin@mail.example.org.","z":0}
{"id":2,"text":"Our server 93.184.216.34 talks to 10.0.0.1 and 192.168.1.20 and 8.8.8.8."}
{"id":3,"text":"No personal data here: version 1.2.3.4.5, score 3.14, a@b, @handle."}
{"id":4,"text":"Call 555-123-4567 today"}
{"id":5,"text":"keep this\nSPONSORED: buy now\nand this"}
{"id":6,"text":"this one is secret stuff"}
J
$GRIST clean -q --lang-id off --filters none --redact email,ip --redact-regex 'PHONE=\d{3}-\d{3}-\d{4}' \
	--drop-lines '^SPONSORED' --drop-if 'secret' --rejects rej --stats st in.jsonl > out
cat > expect <<'J'
{"id":1,"text":"Write to <EMAIL> or <EMAIL>.","z":0}
{"id":2,"text":"Our server <IPV4> talks to 10.0.0.1 and 192.168.1.20 and <IPV4>."}
{"id":3,"text":"No personal data here: version 1.2.3.4.5, score 3.14, a@b, @handle."}
{"id":4,"text":"Call <PHONE> today"}
{"id":5,"text":"keep this\nand this"}
J
expect_file_eq "redacted output" expect out
expect_grep "drop-if reject" '"rule":"drop_if","value":1' rej
expect_grep "redaction counts" '"redacted":{"redact.email":2,"redact.ip":2,"redact.PHONE":1}' st
expect_grep "dropped lines counted" '"lines_dropped":1' st
# PII-free input: byte-identical
sed -n 3p in.jsonl > clean.jsonl
$GRIST clean -q --lang-id off --filters none --redact email,ip clean.jsonl > clean.out
expect_file_eq "PII-free text is byte-identical" clean.jsonl clean.out
# bad patterns: exit 2, the pattern, PCRE2's message and offset
$GRIST clean -q --redact-regex 'X=ab(c' in.jsonl > /dev/null 2> err; rc=$?
expect_eq "bad pattern exit code" 2 $rc
expect_grep "bad pattern message" "bad pattern 'ab(c': missing closing parenthesis at offset 4" err
expect_exit "bad drop-if" 2 $GRIST clean -q --drop-if '[z-a]' in.jsonl
expect_exit "unknown redact kind" 2 $GRIST clean -q --redact phone in.jsonl
# a text that repair or --drop-lines leaves empty is dropped as emptied_text, with any --filters;
# --on-missing empty still writes "" for a record without text
printf '{"id":"esc","text":"\\u001b[31m\\u0007"}\n{"id":"lines","text":"drop me\\ndrop too"}\n{"id":"none"}\n{"id":"kept","text":"stays"}\n' > e.jsonl
$GRIST clean -q --filters none --on-missing empty --drop-lines drop --rejects e.rej e.jsonl > e.out
expect_eq "emptied records rejected" "esc emptied_text 0
lines emptied_text 0" "$(/usr/bin/python3 -c '
import json
for l in open("e.rej"):
    r = json.loads(l); print(r["record"]["id"], r["rule"], r["value"])')"
expect_eq "kept: the one with text and the missing one" "none: kept:stays" "$(/usr/bin/python3 -c '
import json; print(" ".join("%s:%s" % (r["id"], r["text"]) for r in map(json.loads, open("e.out"))))')"
done_testing
