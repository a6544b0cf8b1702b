# A 64 MiB record passes (lines of any length), with line numbers intact after it.
. ./lib.sh
/usr/bin/python3 - <<'PY'
import json
big = ("0123456789abcdef" * 4096) * 1024  # 64 MiB
with open("big.jsonl", "w") as f:
    f.write('{"text":"small"}\n')
    f.write(json.dumps({"text": big, "k": 1}) + "\n")
    f.write('{"text":"after"}\n')
PY
$GRIST ingest -q big.jsonl > out; expect_eq "exit" 0 $?
expect_eq "three records" 3 "$(wc -l < out)"
expect_eq "line number after the big record" '{"text":"after","id":"big.jsonl:3","source":"big.jsonl"}' "$(tail -n 1 out)"
# Compare files, not 64 MiB shell strings (bash is quadratic-ish on those).
sed -n 2p big.jsonl | sed 's/}$//' > want
sed -n 2p out | sed 's/,"id".*//' > got
expect_file_eq "big record intact" want got
done_testing
