#!/bin/bash
# Issue 11.9: `dedup sign` and `dedup cluster` publish all their outputs together, after all are
# complete: when one output cannot be written, none of the others appears under a final name.
. "$(dirname "$0")/lib.sh"
python3 - <<'E'
import json
with open("in.jsonl", "w") as f:
    for i in range(40):
        f.write(json.dumps({"id": "d%d" % i, "text": "document number %d says %s" % (i % 20, "word " * (i % 7))}) + "\n")
E
mkdir w
# band 5's final name is taken by a directory: sign must fail and leave no sigs/ids/bands
mkdir -p w/p_0_band5.dd/x
$GRIST dedup sign -q --task 0 -o w/p in.jsonl 2>err.txt
[ $? -ne 0 ] || fail "sign succeeded although band5 cannot be written"
expect_eq "sign: no output under a final name" "" "$(ls w | grep -v '^p_0_band5.dd$')"
rm -r w/p_0_band5.dd
# a good run, then cluster with task 1's removal list blocked
split -n l/2 -d --additional-suffix=.jsonl in.jsonl in
for t in 0 1; do $GRIST dedup sign -q --task $t -o w/p in0$t.jsonl || fail "sign $t"; done
for b in $(seq 0 13); do $GRIST dedup match -q --band $b --tasks 2 w/p || fail "match $b"; done
mkdir -p w/p_1_remove.dd/x
$GRIST dedup cluster -q --tasks 2 w/p 2>err.txt
[ $? -ne 0 ] || fail "cluster succeeded although p_1_remove.dd cannot be written"
[ -e w/p_0_remove.dd ] && fail "cluster published task 0's list without task 1's"
expect_eq "no temporaries left" "" "$(ls w | grep tmp)"
rm -r w/p_1_remove.dd
expect_exit "cluster after unblocking" 0 $GRIST dedup cluster -q --tasks 2 w/p
[ -f w/p_0_remove.dd ] && [ -f w/p_1_remove.dd ] || fail "both removal lists"
done_testing
