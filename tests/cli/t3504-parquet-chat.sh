#!/bin/bash
# ingest --chat on Parquet (the HuggingFace hub's format for chat sets, e.g. UltraChat's
# messages: list<struct<role, content>>): rows are read as records and converted like JSONL
# lines; nested lists and structs arrive as JSON arrays and objects. Files written by DuckDB;
# the expected records are computed by python from DuckDB's own JSON rendering of the rows.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$FIX/../.." && pwd)
G=${GRIST:-$ROOT/grist}
NPM=$ROOT/tests/npm
PEER="node $NPM/parquet-peer.js"
[ -d "$NPM/node_modules/@duckdb/node-api" ] || { fail "no tests/npm/node_modules: run make deps"; done_testing; }

$PEER sql "COPY (SELECT 'p' || i AS prompt_id,
		[{'role': 'system', 'content': ''}, {'role': 'user', 'content': 'Q ' || i || ' é \"x\"'},
		 {'role': 'assistant', 'content': 'A ' || i || chr(10) || ' end '}] AS messages
	FROM range(3000) t(i)) TO 'uc.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000);
	COPY (SELECT 'Say ' || i AS instruction, CASE WHEN i % 2 = 0 THEN '' ELSE 'ctx ' || i END AS input,
		'Said ' || i AS output FROM range(4) t(i)) TO 'alp.parquet' (FORMAT parquet);
	COPY (SELECT [{'from': 'human', 'value': 'q'}] AS conversations, 'x' AS note)
		TO 'bad.parquet' (FORMAT parquet);
	COPY (SELECT * FROM 'uc.parquet') TO 'uc.json' (FORMAT json, ARRAY true);
	COPY (SELECT * FROM 'alp.parquet') TO 'alp.json' (FORMAT json, ARRAY true)" > /dev/null ||
	fail "DuckDB write"

"$G" ingest -q --chat --rejects rej.jsonl uc.parquet alp.parquet bad.parquet > out.jsonl
expect_eq "exit" 0 $?
/usr/bin/python3 - <<'PY' || fail "rows converted as python expects"
import json
def conv(r, name, n):
    out = {"id": "%s:%d" % (name, n)}
    if "messages" in r:
        for k, v in r.items():
            out[k] = v
    else:
        u = r["instruction"] + ("\n\n" + r["input"] if r["input"] else "")
        out["messages"] = [{"role": "user", "content": u}, {"role": "assistant", "content": r["output"]}]
    out["source"] = name
    return out
want = [conv(r, "uc.parquet", n) for n, r in enumerate(json.load(open("uc.json")), 1)]
want += [conv(r, "alp.parquet", n) for n, r in enumerate(json.load(open("alp.json")), 1)]
got = [json.loads(l) for l in open("out.jsonl")]
assert len(got) == len(want) == 3004, (len(got), len(want))
for g, w in zip(got, want):
    assert list(g.items()) == list(w.items()), (g, w)
rej = [json.loads(l) for l in open("rej.jsonl")]
assert [(r["rule"], r["source"]) for r in rej] == [("no_assistant_turn", "bad.parquet:1")], rej
PY
# the same bytes with -j 2 (row groups on two workers)
"$G" ingest -q --chat -j 2 uc.parquet alp.parquet > j2.jsonl
head -3004 out.jsonl > j1.jsonl
expect_file_eq "-j 1 = -j 2" j1.jsonl j2.jsonl
done_testing
