#!/bin/bash
# tokenize train vs the reference trainer on random corpora over tiny alphabets: long runs of
# one letter (overlapping pairs), repeats, mixed counts, multi-byte characters, trained to
# exhaustion and with limits. Any slip in the incremental pair deltas or the heap shows here.
. "$(dirname "$0")/lib.sh"
TRAIN="${TRAIN:-$GRIST tokenize train}"
REF="python3 $FIX/../train_ref.py"
merges_of() { python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["model"]["merges"]))' "$1"; }
for seed in 1 2 3 4 5 6; do
	python3 - "$seed" > r$seed.jsonl <<'PY'
import json, random, sys
rng = random.Random(int(sys.argv[1]))
alpha = rng.choice(["ab", "abc", "aab ", "ab\u00e9 ", "a\u4e2db "])
for _ in range(rng.randint(20, 60)):
    words = []
    for _ in range(rng.randint(1, 12)):
        w = "".join(rng.choice(alpha) for _ in range(rng.randint(1, 9)))
        words.append(w * rng.randint(1, 3))
    print(json.dumps({"text": " ".join(words)}))
PY
	opts="--vocab-size 100000"
	[ $seed -eq 5 ] && opts="--vocab-size 100000 --max-token-length 5"
	[ $seed -eq 6 ] && opts="--vocab-size 100000 --min-frequency 2 --pattern [a-z]+|[^a-z]+"
	$TRAIN -q $opts -o r$seed.json r$seed.jsonl 2> /dev/null || fail "seed $seed: train failed"
	$REF train $opts r$seed.jsonl > r$seed.ref || fail "seed $seed: reference failed"
	merges_of r$seed.json > r$seed.merges
	expect_file_eq "seed $seed merges" r$seed.ref r$seed.merges
	[ -s r$seed.ref ] || fail "seed $seed: no merges"
done
done_testing
