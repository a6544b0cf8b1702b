#!/bin/bash
# Bad and odd input: empty texts, one-word documents, whitespace-only and punctuation-only
# texts, a 64 MiB document, --on-missing=empty, character shingles.
. "$(dirname "$0")/lib.sh"

printf '{"id":"e1","text":""}\n{"id":"e2","text":""}\n{"id":"w1","text":"word"}\n{"id":"w2","text":"Word!"}\n{"id":"w3","text":"other"}\n{"id":"n","text":null}\n' >in.jsonl
$GRIST dedup -q --on-missing=empty --rejects rej.jsonl in.jsonl >out.jsonl
expect_eq "kept ids" "e1 w1 w3" "$(grep -o '"id":"[a-z0-9]*"' out.jsonl | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//')"
expect_grep "empty duplicates empty" '"duplicate_of":"e1","record":{"id":"e2"' rej.jsonl
expect_grep "null emptied then duplicate" '"duplicate_of":"e1","record":{"id":"n","text":null}' rej.jsonl
expect_grep "one word" '"duplicate_of":"w1","record":{"id":"w2"' rej.jsonl

# a 64 MiB document (plus a copy of it after one other document)
python3 - <<'E'
import json, random
rng = random.Random(1)
words = ["w" + "".join(rng.choice("abcdefghij") for _ in range(5)) for _ in range(50000)]
text = []
n = 0
while n < 64 << 20:
    w = rng.choice(words)
    text.append(w)
    n += len(w) + 1
t = " ".join(text)
with open("big.jsonl", "w") as f:
    f.write(json.dumps({"id": "big", "text": t}, separators=(",", ":")) + "\n")
    f.write(json.dumps({"id": "small", "text": "a b c d e f g"}, separators=(",", ":")) + "\n")
    f.write(json.dumps({"id": "big2", "text": t[:-3] + " tail"}, separators=(",", ":")) + "\n")
E
$GRIST dedup -q --rejects bigrej.jsonl big.jsonl >bigout.jsonl
expect_eq "64 MiB exit" 0 $?
expect_eq "64 MiB kept" "big small" "$(grep -o '"id":"[a-z0-9]*"' bigout.jsonl | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//')"
expect_grep "64 MiB copy removed" '"duplicate_of":"big"' bigrej.jsonl
rm -f big.jsonl bigout.jsonl bigrej.jsonl

# character shingles find a near-copy without spaces (CJK-like text)
printf '{"id":"c1","text":"%s"}\n{"id":"c2","text":"%s"}\n' \
	"天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜" \
	"天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为冰" >cjk.jsonl
$GRIST dedup -q --char-ngrams 3 cjk.jsonl >cjk3.jsonl
expect_eq "char 3-grams find it" 1 "$(wc -l <cjk3.jsonl)"
$GRIST dedup -q cjk.jsonl >cjkw.jsonl
expect_eq "word shingles cannot (one 'word' each)" 2 "$(wc -l <cjkw.jsonl)"
done_testing
