#!/bin/bash
# Is clean's English path unchanged by per-language filtering (issue 14)? Runs two grist
# binaries with their default settings on the English benchmark corpus (bench/gen_jsonl.py,
# seed 7, as bench/clean-bench.sh builds it) and compares what they keep: the same record ids,
# with byte-identical text.
#
# usage: bench/clean-english-path.sh OLD_GRIST NEW_GRIST [MB]   (default 20 MB)
#
# OLD_GRIST is grist from before issue 14 (English-only rules), commit 5364dd5, the parent of
# ea81fa7 ("clean: language decides the rules"); build it without touching your tree:
#   git worktree add --detach /tmp/grist-5364dd5 5364dd5 &&
#   make -C /tmp/grist-5364dd5 -j2 BUILD=release build
# The corpus samples the licences and documentation Debian installs, so it changes whenever a
# package is installed or removed: this compares two binaries on the same input instead of
# keeping a list made once. Exit 0 when they agree; the differences are printed otherwise.
set -eu
OLD=$1 NEW=$2 MB=${3:-20}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/clean-english-path.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
/usr/bin/python3 "$(dirname "$0")/gen_jsonl.py" "$DIR/in.jsonl" "$MB" 7
"$OLD" clean -q -j 2 "$DIR/in.jsonl" > "$DIR/old.jsonl"
"$NEW" clean -q -j 2 --stats "$DIR/new.stats" "$DIR/in.jsonl" > "$DIR/new.jsonl"
/usr/bin/python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
def kept(path):
    return {r["id"]: r["text"] for r in map(json.loads, open(path, encoding="utf-8"))}
old, new = kept(d + "/old.jsonl"), kept(d + "/new.jsonl")
n = sum(1 for _ in open(d + "/in.jsonl", encoding="utf-8"))
langs = {}
for r in map(json.loads, open(d + "/new.jsonl", encoding="utf-8")):
    langs[r["lang"]] = langs.get(r["lang"], 0) + 1
only_old, only_new = sorted(set(old) - set(new)), sorted(set(new) - set(old))
diff = sorted(i for i in set(old) & set(new) if old[i] != new[i])
print("records %d; kept: old %d, new %d; only old %d, only new %d, text differs %d; new's lang "
      "of kept records: %s" % (n, len(old), len(new), len(only_old), len(only_new), len(diff),
                               ", ".join("%s %d" % kv for kv in sorted(langs.items(), key=lambda kv: -kv[1]))))
for what, ids in (("only old", only_old), ("only new", only_new), ("text differs", diff)):
    if ids:
        print("  %s: %s" % (what, " ".join(ids[:20])))
sys.exit(1 if only_old or only_new or diff else 0)
PY
