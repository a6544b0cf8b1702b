#!/usr/bin/env python3
"""Prints clean's per-language survival table from its --stats file: clean.json -> stdout."""
import json
import sys

ss = json.load(open(sys.argv[1]))["stage_stats"]
print("%-12s %8s %8s %7s  %s" % ("language", "in", "kept", "kept%", "top reject rules"))
rows = sorted(ss["languages"].items(), key=lambda kv: -kv[1]["in"])
early = ss.get("rejected_before_lang_id", {"in": 0, "kept": 0, "rejects": {}})
rows.append(("(not needed)", early))
for code, v in rows:
    top = sorted(v["rejects"].items(), key=lambda kv: -kv[1])[:3]
    print("%-12s %8d %8d %6.1f%%  %s" % (code, v["in"], v["kept"], 100.0 * v["kept"] / max(1, v["in"]),
                                         ", ".join("%s %d" % kv for kv in top)))
print("(not needed): rejected by a language-independent rule before the language was looked up")
