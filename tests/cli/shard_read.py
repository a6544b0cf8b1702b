#!/usr/bin/python3
"""Independent reader/checker for `grist shard` output, written from the format specs
(docs/shard.md, "Shard formats"), not from the C writer.

  shard_read.py check --format F --dir DIR --prefix P --stream S [--stream S2 ...]
                [--shard-tokens N] [--val-tokens N | --val-fraction F] [--seed S]
                [--shuffle [--buckets K]] [--append-eod]

Reads every shard with numpy, splits documents at the end-of-text tokens (llm.c: before each
document; nanoGPT: after) or with the Megatron .idx, and compares tokens, document boundaries,
counts, headers, the .docs.jsonl index, the train/val split, the cut rule, file sizes and the
manifest's XXH3-64 checksums against the input token stream. The expected order under --shuffle
is recomputed here from the documented method. Prints OK and exits 0, or lists problems, exit 1.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import xxhash

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shard_gen import read_stream  # noqa: E402

M64 = (1 << 64) - 1
problems = []


def bad(msg):
    problems.append(msg)


def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def hash3(seed, stream, index):
    return mix64(mix64(mix64(seed) ^ stream) ^ index)


def unit(seed, stream, index):
    return (hash3(seed, stream, index) >> 11) * 2.0 ** -53


def shuffled(docs, seed, k):
    """The documented bucket shuffle: bucket by hash, Fisher-Yates per bucket (Lemire draws)."""
    buckets = [[] for _ in range(k)]
    for i, d in enumerate(docs):
        buckets[(hash3(seed, 0x6275636B6574, i) * k) >> 64].append(d)
    out = []
    for b, items in enumerate(buckets):
        state = [hash3(seed, 0x7065726D, b)]

        def draw():
            state[0] = (state[0] + 0x9E3779B97F4A7C15) & M64
            return mix64(state[0])

        def bounded(r):
            m = draw() * r
            low = m & M64
            if low < r:
                t = ((1 << 64) - r) % r
                while low < t:
                    m = draw() * r
                    low = m & M64
            return m >> 64

        for i in range(len(items), 1, -1):
            j = bounded(i)
            items[i - 1], items[j] = items[j], items[i - 1]
        out.extend(items)
    return out


def file_check(d, entry):
    path = os.path.join(d, entry["file"])
    if not os.path.exists(path):
        bad(f"{entry['file']}: missing")
        return None
    data = open(path, "rb").read()
    if len(data) != entry["bytes"]:
        bad(f"{entry['file']}: {len(data)} bytes, manifest {entry['bytes']}")
    if xxhash.xxh3_64_hexdigest(data) != entry["xxh3"]:
        bad(f"{entry['file']}: xxh3 {xxhash.xxh3_64_hexdigest(data)}, manifest {entry['xxh3']}")
    return data


def split_at_eot(toks, eot, before):
    """Documents of a token array delimited by eot before (llm.c) or after (nanoGPT) each."""
    pos = np.flatnonzero(toks == eot)
    docs = []
    if before:
        if len(toks) and toks[0] != eot:
            bad("llm.c shard does not start with the end-of-text token")
        bounds = list(pos) + [len(toks)]
        for a, b in zip(bounds, bounds[1:]):
            docs.append((a + 1, toks[a + 1:b]))
    else:
        if len(toks) and toks[-1] != eot:
            bad("nanoGPT file does not end with the end-of-text token")
        start = 0
        for p in pos:
            docs.append((start, toks[start:p]))
            start = p + 1
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["check"])
    ap.add_argument("--format", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--stream", action="append", required=True)
    ap.add_argument("--shard-tokens", type=int, default=0)
    ap.add_argument("--val-tokens", type=int, default=0)
    ap.add_argument("--val-fraction", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("--buckets", type=int, default=256)
    ap.add_argument("--append-eod", action="store_true")
    ap.add_argument("--min-shard-tokens", type=int, default=None,
                    help="default: 1048577 for llmc when the shard limit is at least that, else 0")
    a = ap.parse_args()

    hdr, docs = None, []
    for s in a.stream:
        h, d = read_stream(s)
        hdr = hdr or h
        docs.extend(d)
    vocab, eot = hdr["vocab"], hdr["eot"]
    mf = json.load(open(os.path.join(a.dir, a.prefix + ".manifest.json")))

    # Expected: order (input or shuffled), empty documents dropped, split decided.
    indexed = [(i, rid, ids, mask) for i, (rid, ids, mask) in enumerate(docs)]
    order = shuffled(indexed, a.seed, a.buckets) if a.shuffle else indexed
    expect = {"val": [], "train": []}
    val_tok = 0
    for i, rid, ids, mask in order:
        if len(ids) == 0:
            continue
        if a.val_tokens:
            split = "val" if val_tok < a.val_tokens else "train"
        elif a.val_fraction > 0:
            split = "val" if unit(a.seed, 0x76616C, i) < a.val_fraction else "train"
        else:
            split = "train"
        extra = 1 if (a.format != "megatron" or a.append_eod) else 0
        if split == "val":
            val_tok += len(ids) + extra
        expect[split].append((i, rid, ids, mask))

    # Format facts from the specs.
    if a.format == "llmc":
        width = 2 if vocab <= 65536 else 4
        magic, version = (20240520, 1) if width == 2 else (20240801, 7)
        limit = a.shard_tokens or 100_000_000
    elif a.format == "megatron":
        width = 2 if vocab < 65500 else 4
        limit = a.shard_tokens or None
    else:
        width, limit = 2, None
    dt = {2: "<u2", 4: "<i4" if a.format == "megatron" else "<u4"}[width]

    for key, want in (("format", a.format), ("vocab_size", vocab), ("eot_id", eot)):
        if mf.get(key) != want:
            bad(f"manifest {key} = {mf.get(key)!r}, expected {want!r}")
    if mf["tokenizer"]["name"] != hdr["name"] or mf["tokenizer"]["xxh3"] != f"{hdr['hash']:016x}":
        bad(f"manifest tokenizer {mf['tokenizer']} != stream {hdr['name']} {hdr['hash']:016x}")

    got = {"val": [], "train": []}
    per_split_shards = {"val": [], "train": []}
    total_tokens = 0
    for sh in mf["shards"]:
        split = sh["split"]
        n = len(per_split_shards[split])
        per_split_shards[split].append(sh)
        if a.format == "llmc":
            want_name = f"{a.prefix}_{split}_{n + (1 if split == 'train' else 0):06d}.bin"
        elif a.format == "megatron":
            want_name = (f"{a.prefix}_{split}_{n:06d}_text_document.bin" if a.shard_tokens
                         else f"{a.prefix}_{split}_text_document.bin")
        else:
            want_name = f"{split}.bin"
        if sh["file"] != want_name:
            bad(f"shard name {sh['file']}, expected {want_name}")
        data = file_check(a.dir, sh)
        if data is None:
            continue
        extras = {f["role"]: f for f in sh["files"]}
        if a.format == "llmc":
            head = np.frombuffer(data[:1024], dtype="<i4")
            if head[0] != magic or head[1] != version or head[2] != sh["tokens"] or any(head[3:]):
                bad(f"{sh['file']}: header {head[:3]} (expected {magic} {version} {sh['tokens']}, rest zero)")
            if len(data) != 1024 + head[2] * width:
                bad(f"{sh['file']}: size {len(data)} != 1024 + {head[2]} x {width}")
            if len(data) >= 2 ** 31:
                bad(f"{sh['file']}: 2 GiB or more")
            toks = np.frombuffer(data, dtype=dt, offset=1024).astype(np.int64)
            seqs = split_at_eot(toks, eot, True)
        elif a.format == "megatron":
            toks = np.frombuffer(data, dtype=dt).astype(np.int64)
            idx = file_check(a.dir, extras["idx"])
            if idx is None:
                continue
            if idx[:9] != b"MMIDIDX\x00\x00" or struct.unpack_from("<Q", idx, 9)[0] != 1:
                bad(f"{extras['idx']['file']}: bad header")
            code = idx[17]
            if code != (8 if width == 2 else 4):
                bad(f"dtype code {code}")
            nseq, ndoc = struct.unpack_from("<QQ", idx, 18)
            off = 34
            lens = np.frombuffer(idx, dtype="<i4", count=nseq, offset=off)
            ptrs = np.frombuffer(idx, dtype="<i8", count=nseq, offset=off + 4 * nseq)
            didx = np.frombuffer(idx, dtype="<i8", count=ndoc, offset=off + 12 * nseq)
            if len(idx) != off + 12 * nseq + 8 * ndoc:
                bad("idx size")
            if ndoc != nseq + 1 or list(didx) != list(range(ndoc)):
                bad(f"document indices {list(didx)[:10]}")
            seqs = []
            for ln, p in zip(lens, ptrs):
                seq = toks[p // width:p // width + ln]
                if a.append_eod:
                    if seq[-1] != eot:
                        bad("megatron sequence does not end with eod")
                    seq = seq[:-1]
                seqs.append((p // width, seq))
            if int(lens.sum()) != len(toks):
                bad("sequence lengths do not cover the .bin")
        else:
            toks = np.frombuffer(data, dtype="<u2").astype(np.int64)
            seqs = split_at_eot(toks, eot, False)
        total_tokens += len(toks)
        if len(toks) != sh["tokens"] or len(seqs) != sh["documents"]:
            bad(f"{sh['file']}: {len(toks)} tokens / {len(seqs)} documents, manifest {sh['tokens']} / {sh['documents']}")
        # The document index beside the shard.
        dj = file_check(a.dir, extras["docs"])
        lines = [json.loads(x) for x in dj.decode().splitlines()] if dj is not None else []
        if len(lines) != len(seqs):
            bad(f"{extras['docs']['file']}: {len(lines)} entries for {len(seqs)} documents")
        masks = None
        if "mask" in extras:
            mdata = file_check(a.dir, extras["mask"])
            masks = np.frombuffer(mdata, dtype=np.uint8) if mdata is not None else None
            if masks is not None and len(masks) != len(toks):
                bad("mask length differs from the token count")
        for (start, seq), line in zip(seqs, lines):
            if line["offset"] != start or line["tokens"] != len(seq):
                bad(f"{extras['docs']['file']}: entry {line} vs document at {start} of {len(seq)} tokens")
            got[split].append((line["doc"], line["id"], seq, masks[start:start + len(seq)] if masks is not None else None, start, masks))

    for split in ("val", "train"):
        e, g = expect[split], got[split]
        if len(e) != len(g):
            bad(f"{split}: {len(g)} documents, expected {len(e)}")
        for (i, rid, ids, mask), (gi, grid, gseq, gmask, start, allmask) in zip(e, g):
            if i != gi or rid != grid:
                bad(f"{split}: document {gi} ({grid!r}) where {i} ({rid!r}) was expected")
                break
            if len(ids) != len(gseq) or not np.array_equal(ids.astype(np.int64), gseq):
                bad(f"{split}: tokens of document {i} ({rid!r}) differ")
                break
            if mask is not None:
                if gmask is None or not np.array_equal(mask, gmask):
                    bad(f"{split}: mask of document {i} differs")
                    break
                eot_pos = start - 1 if a.format == "llmc" else start + len(ids)
                if 0 <= eot_pos < len(allmask) and allmask[eot_pos] != 0:
                    bad(f"{split}: mask is not 0 on the inserted end-of-text token")
                    break
        # The cut rule (docs/shard.md): whole documents; a shard is closed before a document that
        # would take it past the limit; then a last shard shorter than the minimum joins the one
        # before it. Simulated from the expected documents, compared shard by shard.
        shards = per_split_shards[split]
        if limit:
            extra = 1 if (a.format != "megatron" or a.append_eod) else 0
            want = []  # token counts per shard
            for _, _, ids, _ in e:
                n = len(ids) + extra
                if want and want[-1] and want[-1] + n > limit:
                    want.append(0)
                if not want:
                    want.append(0)
                want[-1] += n
            mn = a.min_shard_tokens
            if mn is None:
                mn = 1048577 if a.format == "llmc" and limit >= 1048577 else 0
            if len(want) >= 2 and want[-1] < mn:
                short = want.pop()
                want[-1] += short
            have = [sh["tokens"] for sh in shards]
            if have != want:
                bad(f"{split}: shard sizes {have[:8]}..., expected {want[:8]}... (cut rule, min {mn})")

    if mf["tokens"] != total_tokens:
        bad(f"manifest tokens {mf['tokens']} != {total_tokens}")
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems[:30]))
        return 1
    print(f"OK {a.format}: {len(mf['shards'])} shards, {total_tokens} tokens, "
          f"{len(expect['val'])} val + {len(expect['train'])} train documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
