#!/bin/bash
# run-grist.sh GRIST PAGES_DIR MODE OUT.jsonl: grist ingest --html MODE on every page, as
# {"name","text"} records for score.py.
set -eu
g=$1 dir=$2 mode=$3 out=$4
"$g" ingest -q --html "$mode" "$dir"/*.html -o "$out.raw"
python3 -c '
import json, os, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        r = json.loads(line)
        o.write(json.dumps({"name": os.path.basename(r["source"])[:-5], "text": r["text"]}) + "\n")
' "$out.raw" "$out"
rm -f "$out.raw"
