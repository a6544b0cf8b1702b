#!/bin/bash
# --against: documents sharing a word 13-gram (normalized) with the reference are removed under
# their own rule, whether the reference is JSONL or plain text; --against-ngram changes n.
. "$(dirname "$0")/lib.sh"

cat >eval.jsonl <<'E'
{"question":"q1","text":"Which planet in the solar system has the most moons according to the latest published survey results?"}
{"text":"short eval item"}
E
cat >docs.jsonl <<'E'
{"id":"1","text":"Students often ask: which PLANET in the solar system has the most moons, according to the latest published survey results? Saturn."}
{"id":"2","text":"Which planet in our solar system has the most moons according to the latest survey?"}
{"id":"3","text":"An unrelated document about gardening, soil, compost and the best time to plant tomatoes in spring."}
{"id":"4","text":"This short eval item appears here but is shorter than the minimum, so it never matches."}
E
$GRIST dedup -q --against eval.jsonl --rejects rej.jsonl --stats st.json docs.jsonl >out.jsonl
expect_eq "kept" "2 3 4" "$(sed 's/.*"id":"\([0-9]\)".*/\1/' out.jsonl | tr '\n' ' ' | sed 's/ $//')"
expect_grep "rule" '"rule":"contaminated","value":"which planet in the solar system has the most moons according to the","source":"docs.jsonl:1"' rej.jsonl
expect_grep "stats" '"contaminated":1' st.json

# plain-text reference, smaller n: now document 2 matches as well
printf 'Which planet in the solar system\nhas the most moons according to the latest survey\n' >eval.txt
$GRIST dedup -q --against eval.txt --against-ngram 8 docs.jsonl >out8.jsonl
expect_eq "kept with n=8" "3 4" "$(sed 's/.*"id":"\([0-9]\)".*/\1/' out8.jsonl | tr '\n' ' ' | sed 's/ $//')"
expect_exit "missing reference" 3 $GRIST dedup --against nope.jsonl docs.jsonl 2>/dev/null
done_testing
