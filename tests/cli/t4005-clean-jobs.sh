# -j N gives byte-identical output, rejects and counts to -j 1 (many small batches).
. ./lib.sh
/usr/bin/python3 - <<'PY'
import json, random
rng = random.Random(4)
words = ("the of and to in is that with have be river town market bread music lake train "
         "paintings summer quiet food valley hundred years museum children fountain").split()
with open("in.jsonl", "w") as f:
    for i in range(3000):
        lines = []
        for _ in range(rng.randint(1, 12)):
            lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(2, 25))) + rng.choice([".", "!", "", "..."]))
        text = "\n".join(lines)
        if i % 7 == 0:
            text += "\nmail me at user%d@example.com from 8.8.%d.%d" % (i, i % 250, i % 200)
        f.write(json.dumps({"id": i, "text": text}) + "\n")
PY
for j in 1 2 4; do
	$GRIST clean -q -j $j --batch-bytes 4K --redact email,ip --rejects rej.$j --stats st.$j in.jsonl > out.$j
done
expect_file_eq "-j 2 output" out.1 out.2
expect_file_eq "-j 4 output" out.1 out.4
expect_file_eq "-j 2 rejects" rej.1 rej.2
expect_file_eq "-j 4 rejects" rej.1 rej.4
n_out=$(wc -l < out.1); n_rej=$(wc -l < rej.1)
expect_eq "every record accounted for" 3000 $((n_out + n_rej))
[ "$n_out" -gt 0 ] && [ "$n_rej" -gt 0 ] || fail "expected both kept and rejected records ($n_out, $n_rej)"
strip() { sed 's/"elapsed_s":[0-9.]*//; s/"argv":\[[^]]*\]//; s/"jobs":[0-9]*//' "$1"; }
expect_eq "stats identical apart from time and argv" "$(strip st.1)" "$(strip st.4)"
done_testing
