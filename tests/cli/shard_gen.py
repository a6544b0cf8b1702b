#!/usr/bin/python3
"""Test-only writer and reader of grist token streams, written from the format in
lib/tokstream.h (not from the C code), so the C reader is checked against the spec too.

  shard_gen.py gen OUT --vocab V --eot E --docs N [--seed S] [--min-len A] [--max-len B]
               [--lognormal MEDIAN:SIGMA] [--mask [--chat-mask]] [--empty K] [--big-id DOC] [--name NAME] [--hash HEX] [--no-end]
  shard_gen.py bench OUT --tokens N [--doc-len L] [--vocab V]   (fast, for benchmarks)

Run with /usr/bin/python3 (Debian's numpy).
"""
import argparse
import struct
import sys

import numpy as np

MAGIC = b"GRISTTOK"
END = 0xFFFFFFFF
NO_EOT = 0xFFFFFFFF


def width_for(vocab):
    return 2 if vocab <= 65536 else 4


def header_bytes(vocab, eot, name, hash_, mask):
    nb = name.encode()
    return (MAGIC + struct.pack("<IIIIII", 1, 1 if mask else 0, width_for(vocab), vocab, eot, len(nb))
            + struct.pack("<Q", hash_) + nb)


def doc_bytes(rid, ids, width, mask=None):
    rb = rid.encode()
    dt = "<u2" if width == 2 else "<u4"
    out = struct.pack("<II", len(rb), len(ids)) + rb + np.asarray(ids, dtype=dt).tobytes()
    if mask is not None:
        out += np.asarray(mask, dtype=np.uint8).tobytes()
    return out


def end_bytes(ndocs, ntokens):
    return struct.pack("<IIQQ", END, 0, ndocs, ntokens)


def make_docs(args):
    """Deterministic documents: (record id, ids array, mask or None). Ids never equal eot."""
    rng = np.random.default_rng(args.seed)
    docs = []
    specials = ['q"uote', "tab\there", "back\\slash", "caf\u00e9", "nl\nline"]
    for i in range(args.docs):
        n = int(rng.integers(args.min_len, args.max_len + 1))
        if args.lognormal:  # conversation-like lengths: log-normal around a median, clipped
            med, sig = (float(x) for x in args.lognormal.split(":"))
            n = int(min(max(rng.lognormal(np.log(med), sig), args.min_len), args.max_len))
        if args.empty and i % args.empty == args.empty - 1:
            n = 0
        hi = min(args.vocab, 65536) if args.big_id is not None else args.vocab
        ids = rng.integers(0, hi - 1, size=n, dtype=np.int64)
        if args.eot != NO_EOT:
            ids[ids >= args.eot] += 1  # skip the end-of-text id
        ids = ids.astype(np.uint32)
        if args.big_id is not None and i == args.big_id and n:
            ids[n // 2] = 70000
        rid = f"src.jsonl:{i + 1}" if i % 7 else f"{specials[(i // 7) % len(specials)]}:{i + 1}"
        mask = rng.integers(0, 2, size=n).astype(np.uint8) if args.mask else None
        if args.mask and args.chat_mask and n:
            # prompt (0) then reply (1), as a chat template's assistant mask looks
            cut = int(rng.integers(0, n))
            mask = np.concatenate([np.zeros(cut, np.uint8), np.ones(n - cut, np.uint8)])
        docs.append((rid, ids, mask))
    return docs


def cmd_gen(args):
    docs = make_docs(args)
    w = width_for(args.vocab)
    with open(args.out, "wb") as f:
        f.write(header_bytes(args.vocab, args.eot, args.name, int(args.hash, 16), args.mask))
        for rid, ids, mask in docs:
            f.write(doc_bytes(rid, ids, w, mask))
        if not args.no_end:
            f.write(end_bytes(len(docs), sum(len(d[1]) for d in docs)))


def cmd_bench(args):
    """Equal-length documents built as one 2-D byte array per batch (no Python loop per doc)."""
    w = width_for(args.vocab)
    L = args.doc_len
    ndocs = args.tokens // L
    rng = np.random.default_rng(1)
    idw = 12
    rec = 8 + idw + L * w
    batch = max(1, (64 << 20) // rec)
    with open(args.out, "wb") as f:
        f.write(header_bytes(args.vocab, args.vocab - 1, "bench", 0, False))
        done = 0
        while done < ndocs:
            k = min(batch, ndocs - done)
            a = np.empty((k, rec), dtype=np.uint8)
            a[:, 0:8] = np.frombuffer(struct.pack("<II", idw, L), dtype=np.uint8)
            ids = np.char.zfill(np.arange(done, done + k).astype(str), idw).astype("S12")
            a[:, 8:8 + idw] = np.frombuffer(ids.tobytes(), dtype=np.uint8).reshape(k, idw)
            toks = rng.integers(0, args.vocab - 1, size=(k, L), dtype=np.uint32)
            a[:, 8 + idw:] = toks.astype("<u2" if w == 2 else "<u4").view(np.uint8).reshape(k, L * w)
            f.write(a.tobytes())
            done += k
        f.write(end_bytes(ndocs, ndocs * L))


def read_stream(path):
    """Parse a token stream: (header dict, [(record id, ids uint32 array, mask or None)])."""
    data = open(path, "rb").read()
    docs = []
    pos = 0
    hdr = None
    while pos < len(data):
        assert data[pos:pos + 8] == MAGIC, f"bad magic at {pos}"
        ver, flags, width, vocab, eot, nlen = struct.unpack_from("<IIIIII", data, pos + 8)
        (h,) = struct.unpack_from("<Q", data, pos + 32)
        name = data[pos + 40:pos + 40 + nlen].decode()
        this = dict(version=ver, flags=flags, width=width, vocab=vocab, eot=eot, name=name, hash=h)
        assert hdr is None or hdr == this, "concatenated streams differ"
        hdr = this
        pos += 40 + nlen
        dt = "<u2" if width == 2 else "<u4"
        while True:
            idlen, n = struct.unpack_from("<II", data, pos)
            if idlen == END:
                pos += 24
                break
            rid = data[pos + 8:pos + 8 + idlen].decode()
            p = pos + 8 + idlen
            ids = np.frombuffer(data, dtype=dt, count=n, offset=p).astype(np.uint32)
            p += n * width
            mask = None
            if flags & 1:
                mask = np.frombuffer(data, dtype=np.uint8, count=n, offset=p)
                p += n
            docs.append((rid, ids, mask))
            pos = p
    return hdr, docs


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--vocab", type=int, default=50257)
    g.add_argument("--eot", type=int, default=50256)
    g.add_argument("--docs", type=int, default=100)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--min-len", type=int, default=1)
    g.add_argument("--max-len", type=int, default=300)
    g.add_argument("--mask", action="store_true")
    g.add_argument("--chat-mask", action="store_true", help="with --mask: 0s then 1s per document")
    g.add_argument("--lognormal", default=None, help="MEDIAN:SIGMA document lengths (clipped to min/max)")
    g.add_argument("--empty", type=int, default=0, help="every K-th document is empty")
    g.add_argument("--big-id", type=int, default=None, help="document index that gets id 70000")
    g.add_argument("--name", default="gpt2")
    g.add_argument("--hash", default="0123456789abcdef")
    g.add_argument("--no-end", action="store_true", help="omit the end marker (truncated)")
    b = sub.add_parser("bench")
    b.add_argument("out")
    b.add_argument("--tokens", type=int, required=True)
    b.add_argument("--doc-len", type=int, default=1000)
    b.add_argument("--vocab", type=int, default=50257)
    args = ap.parse_args()
    if args.cmd == "gen":
        cmd_gen(args)
    else:
        cmd_bench(args)


if __name__ == "__main__":
    sys.exit(main())
