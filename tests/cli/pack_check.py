#!/usr/bin/env python3
"""Checks `grist shard --pack SEQ_LEN` output against the spec (docs/shard.md, "Packing" and
"Shard formats"), written from the spec, not from the C writer. Standard library only.

  pack_check.py --format F --dir DIR --prefix P --seq-len N --stream S [--rejects FILE]
                [--truncate] [--min-efficiency 0.9]

Checks: every row is exactly SEQ_LEN tokens; no conversation is split across rows; each
conversation's tokens and mask are the input's (a prefix of SEQ_LEN when truncated), back to back
with no end-of-text between them; padding only at a row's end, the pad id, mask 0; jsonl rows:
labels -100 exactly where the mask is 0 and the token elsewhere, position_ids restarting at 0 at
each conversation (and at the padding); nothing lost: every non-empty input conversation is in
the output or in the rejects (rule overlong, value = its length > SEQ_LEN).
"""
import argparse
import json
import os
import struct
import sys

problems = []


def bad(msg):
    problems.append(msg)


def read_stream(path):
    """The grist token stream (lib/tokstream.h layout): header, documents, end marker."""
    data = open(path, "rb").read()
    if data[:8] != b"GRISTTOK":
        sys.exit(f"{path}: not a token stream")
    _, flags, width, vocab, eot, nlen = struct.unpack_from("<6I", data, 8)
    pos = 40 + nlen
    docs = []
    while True:
        idlen, ntok = struct.unpack_from("<II", data, pos)
        pos += 8
        if idlen == 0xFFFFFFFF:
            break
        rid = data[pos:pos + idlen].decode("utf-8", "replace")
        pos += idlen
        fmt = "<%d%s" % (ntok, "H" if width == 2 else "I")
        ids = list(struct.unpack_from(fmt, data, pos))
        pos += ntok * width
        mask = None
        if flags & 1:
            mask = list(data[pos:pos + ntok])
            pos += ntok
        docs.append((rid, ids, mask))
    return {"width": width, "vocab": vocab, "eot": eot, "mask": bool(flags & 1)}, docs


def shard_tokens(fmt, path, vocab):
    data = open(path, "rb").read()
    if fmt == "llmc":
        magic, version, count = struct.unpack_from("<3i", data, 0)
        w = 2 if magic == 20240520 else 4
        return list(struct.unpack_from("<%d%s" % (count, "H" if w == 2 else "I"), data, 1024))
    if fmt == "megatron":
        w = 2 if vocab < 65500 else 4
        return list(struct.unpack("<%d%s" % (len(data) // w, "H" if w == 2 else "i"), data))
    if fmt == "nanogpt":
        return list(struct.unpack("<%dH" % (len(data) // 2), data))
    rows = [json.loads(line) for line in data.decode().splitlines()]
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--seq-len", type=int, required=True)
    ap.add_argument("--stream", required=True)
    ap.add_argument("--rejects")
    ap.add_argument("--truncate", action="store_true")
    ap.add_argument("--pad-id", type=int)
    ap.add_argument("--min-efficiency", type=float, default=0.0)
    a = ap.parse_args()
    L = a.seq_len
    hdr, docs = read_stream(a.stream)
    pad_id = a.pad_id if a.pad_id is not None else hdr["eot"]
    mf = json.load(open(os.path.join(a.dir, a.prefix + ".manifest.json")))
    seen = {}
    real = rows_total = 0
    for sh in mf["shards"]:
        files = {f["role"]: f["file"] for f in sh["files"]}
        toks = shard_tokens(a.format, os.path.join(a.dir, sh["file"]), hdr["vocab"])
        mask = list(open(os.path.join(a.dir, files["mask"]), "rb").read())
        if a.format == "jsonl":
            rows = toks
            flat = [t for r in rows for t in r["input_ids"]]
        else:
            flat = toks
            rows = None
        if len(flat) % L:
            bad(f"{sh['file']}: {len(flat)} tokens, not a multiple of {L}")
        if len(mask) != len(flat):
            bad(f"{sh['file']}: mask has {len(mask)} bytes for {len(flat)} tokens")
        nrows = len(flat) // L
        rows_total += nrows
        covered = [False] * len(flat)
        segs_by_row = {}
        for line in open(os.path.join(a.dir, files["docs"])):
            e = json.loads(line)
            off, n = e["offset"], e["tokens"]
            if off // L != (off + n - 1) // L:
                bad(f"conversation {e['doc']} split across rows (offset {off}, {n} tokens)")
            rid, ids, m = docs[e["doc"]]
            if rid != e["id"]:
                bad(f"conversation {e['doc']}: id {e['id']!r}, input has {rid!r}")
            want = ids[:L] if a.truncate else ids
            if len(ids) > L and not a.truncate:
                bad(f"conversation {e['doc']} of {len(ids)} tokens > {L} in the output")
            if flat[off:off + n] != want:
                bad(f"conversation {e['doc']}: tokens differ from the input")
            wm = (m[:L] if a.truncate else m) if m is not None else [1] * len(want)
            if mask[off:off + n] != wm:
                bad(f"conversation {e['doc']}: mask differs from the input")
            if e["doc"] in seen:
                bad(f"conversation {e['doc']} twice")
            seen[e["doc"]] = n
            real += n
            for i in range(off, off + n):
                covered[i] = True
            segs_by_row.setdefault(off // L, []).append((off % L, n))
        for r in range(nrows):
            segs = sorted(segs_by_row.get(r, []))
            at = 0
            for o, n in segs:  # back to back from the row's start: no end-of-text between
                if o != at:
                    bad(f"{sh['file']} row {r}: gap or overlap before offset {o} (expected {at})")
                at = o + n
            for i in range(r * L + at, (r + 1) * L):
                if covered[i] or flat[i] != pad_id or mask[i] != 0:
                    bad(f"{sh['file']} row {r}: position {i - r * L} should be padding")
                    break
            if rows is not None:
                row = rows[r]
                if not (len(row["input_ids"]) == len(row["labels"]) == len(row["position_ids"]) == L):
                    bad(f"{sh['file']} row {r}: lengths {len(row['input_ids'])}/{len(row['labels'])}/{len(row['position_ids'])}, expected {L}")
                    continue
                for i in range(L):
                    mk = mask[r * L + i]
                    want_label = row["input_ids"][i] if mk else -100
                    if row["labels"][i] != want_label:
                        bad(f"{sh['file']} row {r} position {i}: label {row['labels'][i]}, mask {mk}")
                        break
                want_pos = []
                for o, n in segs:
                    want_pos += list(range(n))
                want_pos += list(range(L - at))
                if row["position_ids"] != want_pos:
                    bad(f"{sh['file']} row {r}: position_ids do not restart at each conversation")
    rejected = {}
    if a.rejects:
        for line in open(a.rejects):
            e = json.loads(line)
            if e.get("stage") != "shard" or e.get("rule") != "overlong":
                bad(f"rejects line {e}")
            rejected[e["source"]] = e["value"]
    for i, (rid, ids, m) in enumerate(docs):
        if not ids:
            continue
        if i in seen:
            continue
        if rid in rejected and rejected[rid] == len(ids) and len(ids) > L:
            continue
        bad(f"conversation {i} ({rid!r}, {len(ids)} tokens) is neither in the output nor rejected")
    eff = real / (rows_total * L) if rows_total else 0
    if abs(mf["pack"]["efficiency"] - eff) > 1e-5:
        bad(f"manifest efficiency {mf['pack']['efficiency']} != {eff}")
    if eff < a.min_efficiency:
        bad(f"packing efficiency {eff:.4f} < {a.min_efficiency}")
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems[:30]))
        return 1
    print(f"OK {a.format} pack {L}: {rows_total} rows, {len(seen)} conversations, "
          f"{len(rejected)} rejected, efficiency {eff:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
