# -j N gives byte-identical output, rejects and counts, whatever the batch size.
. ./lib.sh
/usr/bin/python3 - <<'PY'
import json, random
rng = random.Random(7)
with open("in.jsonl", "w") as f:
    for i in range(20000):
        r = rng.random()
        if r < 0.01: f.write("{broken %d\n" % i)
        elif r < 0.02: f.write('{"id":"n%d","text":null}\n' % i)
        elif r < 0.03: f.write("\n")
        else: f.write(json.dumps({"text": "doc %d " % i + "w" * rng.randint(0, 3000), "n": i}) + "\n")
PY
$GRIST ingest -q in.jsonl --rejects r1 --stats s1 > o1
for j in 2 3 8; do
	for bb in 1K 64K; do
		$GRIST ingest -q -j $j --batch-bytes $bb in.jsonl --rejects rj --stats sj > oj
		expect_file_eq "-j $j --batch-bytes $bb output" o1 oj
		expect_file_eq "-j $j --batch-bytes $bb rejects" r1 rj
		expect_eq "-j $j counts" "$(grep -o '"records_in.*"rejects":{[^}]*}' s1)" "$(grep -o '"records_in.*"rejects":{[^}]*}' sj)"
	done
done
expect_eq "records out" "$(grep -c . o1)" "$(/usr/bin/python3 -c 'import json; print(json.load(open("s1"))["records_out"])')"
done_testing
