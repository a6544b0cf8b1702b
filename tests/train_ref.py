#!/usr/bin/env python3
"""A plain, slow, obviously-correct byte-level BPE trainer: the test oracle for
`grist tokenize train` (tokenize/train_merge.c must learn exactly these merges).

  train_ref.py train [--vocab-size N] [--pattern gpt2|REGEX] [--special T]... [--min-frequency N]
                     [--max-token-length N] JSONL...
      prints the learned tokens' merges, one per line, spelled as in tokenizer.json ("a b"),
      then writes nothing else. With --tiktoken FILE also the tokens as a .tiktoken file.
  train_ref.py encode TOKENIZER_JSON TEXT_FILE [--pattern gpt2|REGEX]
      prints the ids of the text (one line, space-separated), applying the file's merges by
      rank (HuggingFace BPE semantics) to each piece.

Every merge step recounts every pair over every word from scratch. Rules (the same as grist):
  - pair count: sum over distinct pieces of count * adjacent occurrences (overlaps included);
  - best pair: highest count; ties: smallest (order(left), order(right)) where a byte's order
    is its rank in GPT-2 byte-to-unicode code point order and a learned token's is its id;
  - merges apply left to right without overlap; a pair is merged at most once;
  - a token whose bytes exist already keeps its id; vocab counts distinct tokens + specials;
  - pairs making a token longer than --max-token-length bytes, or spelled like a special
    token, are never merged; stop when the best count is below max(1, --min-frequency).
Pre-tokenization: `gpt2` is a hand-written scanner for GPT-2's pattern with PCRE2's UCP classes
(\\s = Z, \\h, \\v); any other pattern goes to Python's re (use ASCII-only regexes).
"""
import base64
import json
import re
import sys
import unicodedata
from collections import Counter

CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
H_SPACE = set('\t \u00a0\u1680\u180e\u202f\u205f\u3000') | {chr(c) for c in range(0x2000, 0x200b)}
V_SPACE = set('\n\x0b\x0c\r\x85\u2028\u2029')


def is_space(ch):
    return ch in H_SPACE or ch in V_SPACE or unicodedata.category(ch).startswith('Z')


def is_letter(ch):
    return unicodedata.category(ch).startswith('L')


def is_number(ch):
    return unicodedata.category(ch).startswith('N')


def is_other(ch):
    return not (is_space(ch) or is_letter(ch) or is_number(ch))


def gpt2_match(s, i):
    """Length of the match of GPT-2's pattern at s[i] (always >= 1)."""
    n = len(s)
    for c in CONTRACTIONS:
        if s.startswith(c, i):
            return len(c)
    for cls in (is_letter, is_number, is_other):
        j = i + 1 if s[i] == ' ' and i + 1 < n and cls(s[i + 1]) else i
        if cls(s[j]):
            k = j
            while k < n and cls(s[k]):
                k += 1
            return k - i
    # whitespace: \s+(?!\S) then \s+
    k = i
    while k < n and is_space(s[k]):
        k += 1
    if k == n or k - i == 1:
        return k - i
    return k - i - 1


def split(text, pattern):
    if pattern == 'gpt2':
        i = 0
        while i < len(text):
            m = gpt2_match(text, i)
            yield text[i:i + m]
            i += m
        return
    gap = 0
    for m in re.finditer(pattern, text):
        if m.end() == m.start():
            continue
        if m.start() > gap:
            yield text[gap:m.start()]
        yield m.group(0)
        gap = m.end()
    if gap < len(text):
        yield text[gap:]


def byte_codepoints():
    cps, n = [], 0
    for b in range(256):
        if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or b >= 0xAE:
            cps.append(b)
        else:
            cps.append(256 + n)
            n += 1
    return cps


CPS = byte_codepoints()
BYTE_ORDER = {b: r for r, b in enumerate(sorted(range(256), key=lambda b: CPS[b]))}
UNSPELL = {chr(c): b for b, c in enumerate(CPS)}


def spell(bs):
    return ''.join(chr(CPS[b]) for b in bs)


def read_texts(paths):
    for p in paths:
        with open(p, encoding='utf-8') as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    if isinstance(rec.get('text'), str):
                        yield rec['text']


def merge_word(w, a, b, x):
    out, i = [], 0
    while i < len(w):
        if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
            out.append(x)
            i += 2
        else:
            out.append(w[i])
            i += 1
    return tuple(out)


def train(words, vocab_size, specials, min_frequency, max_len):
    tokens = [bytes([b]) for b in range(256)]
    ids = {t: i for i, t in enumerate(tokens)}
    order = [BYTE_ORDER[b] for b in range(256)]
    special_set = set(specials)
    merged = set()
    merges = []
    while len(tokens) + len(specials) < vocab_size:
        counts = Counter()
        for w, c in words.items():
            for p in zip(w, w[1:]):
                counts[p] += c
        cands = []
        for p, c in counts.items():
            if p in merged:
                continue
            tb = tokens[p[0]] + tokens[p[1]]
            if max_len and len(tb) > max_len:
                continue
            if spell(tb) in special_set:
                continue
            cands.append((-c, order[p[0]], order[p[1]], p))
        if not cands:
            break
        negc, _, _, best = min(cands)
        if -negc < max(1, min_frequency):
            break
        tb = tokens[best[0]] + tokens[best[1]]
        if tb in ids:
            x = ids[tb]
        else:
            x = len(tokens)
            tokens.append(tb)
            ids[tb] = x
            order.append(x)
        merged.add(best)
        merges.append((best[0], best[1], x))
        words = Counter({merge_word(w, best[0], best[1], x): c for w, c in words.items()})
    return tokens, merges


def cmd_train(args):
    vocab_size, pattern, specials, min_frequency, max_len = 30000, 'gpt2', [], 0, 0
    tiktoken, dump, paths = None, None, []
    it = iter(args)
    for a in it:
        if a == '--vocab-size':
            vocab_size = int(next(it))
        elif a == '--pattern':
            pattern = next(it)
        elif a == '--special':
            specials.append(next(it))
        elif a == '--min-frequency':
            min_frequency = int(next(it))
        elif a == '--max-token-length':
            max_len = int(next(it))
        elif a == '--dump-pieces':
            dump = next(it)
        elif a == '--tiktoken':
            tiktoken = next(it)
        else:
            paths.append(a)
    words = Counter()
    for text in read_texts(paths):
        for piece in split(text, pattern):
            words[tuple(piece.encode('utf-8'))] += 1
    if dump:
        with open(dump, 'w') as f:
            for w, c in words.items():
                f.write('%d %s\n' % (c, bytes(w).hex()))
    tokens, merges = train(words, vocab_size, specials, min_frequency, max_len)
    for a, b, _ in merges:
        print(spell(tokens[a]) + ' ' + spell(tokens[b]))
    if tiktoken:
        with open(tiktoken, 'w') as f:
            for i, t in enumerate(tokens):
                f.write('%s %d\n' % (base64.b64encode(t).decode(), i))


def cmd_encode(args):
    tok_path, text_path = args[0], args[1]
    pattern = args[args.index('--pattern') + 1] if '--pattern' in args else 'gpt2'
    tj = json.load(open(tok_path, encoding='utf-8'))
    vocab = tj['model']['vocab']
    rank = {}
    for r, m in enumerate(tj['model']['merges']):
        a, b = m.split(' ') if isinstance(m, str) else m
        rank.setdefault((a, b), r)
    text = open(text_path, encoding='utf-8').read()
    out = []
    for piece in split(text, pattern):
        syms = [spell([b]) for b in piece.encode('utf-8')]
        while len(syms) > 1:
            best = None
            for i in range(len(syms) - 1):
                r = rank.get((syms[i], syms[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            syms[i:i + 2] = [syms[i] + syms[i + 1]]
        out.extend(vocab[s] for s in syms)
    print(' '.join(map(str, out)))


if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('train', 'encode'):
        sys.exit(__doc__)
    (cmd_train if sys.argv[1] == 'train' else cmd_encode)(sys.argv[2:])
