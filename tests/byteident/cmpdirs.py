#!/usr/bin/env python3
"""cmpdirs.py OUT: compare OUT/a/CASE/* with OUT/b/CASE/* byte for byte, after taking timings
and the version out of --stats files and summary lines (the only parts that may differ)."""
import json, os, re, sys
out = sys.argv[1]
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items()
                if k not in ('version', 'elapsed_s') and not k.endswith('_seconds')}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
def norm(path, b):
    if path.endswith('.stats'):
        try:
            return json.dumps(strip(json.loads(b))).encode()
        except ValueError:
            return b
    if path.endswith('.parquet') and b.endswith(b'PAR1'):
        # the footer's created_by names the version ("grist aaf702c"): the footer is compared
        # without it (and without its length prefixes), everything before the footer exactly
        flen = int.from_bytes(b[-8:-4], 'little')
        foot = re.sub(rb'.grist [0-9a-f]+(-dirty)?', b'', b[-8 - flen:-8])
        return b[:-8 - flen] + foot
    if path.endswith('stderr'):
        b = re.sub(rb' in [0-9.]+ s\b[^\n]*', b' in T s', b)
        b = re.sub(rb'[0-9.]+ s\b', b'T s', b)
        b = re.sub(rb'[0-9.]+ merges/s', b'R merges/s', b)
    return b
nfiles = ndiff = nbytes = 0
cases = sorted(os.listdir(os.path.join(out, 'a')))
def files(d):  # every file under d, as paths relative to it
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
for case in cases:
    fa, fb = (files(os.path.join(out, s, case)) for s in 'ab')
    if fa != fb:
        print('DIFF %s: files %s vs %s' % (case, fa, fb)); ndiff += 1
    for f in fa:
        pa, pb = (os.path.join(out, s, case, f) for s in 'ab')
        if not os.path.exists(pb):
            continue
        ra, rb_ = open(pa, 'rb').read(), open(pb, 'rb').read()
        nfiles += 1; nbytes += len(ra)
        exact = ra == rb_
        if not exact and norm(pa, ra) != norm(pb, rb_):
            print('DIFF %s %s' % (case, f)); ndiff += 1
print('cases %d, files compared %d (%d bytes), differing %d' % (len(cases), nfiles, nbytes, ndiff))
sys.exit(1 if ndiff else 0)
