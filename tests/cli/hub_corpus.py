#!/usr/bin/env python3
"""hub_corpus.py OUT.jsonl MIXED.jsonl ML_DIR: the large parity corpus of t6016.

Concatenates, as {"id","text"} records: MIXED (bench/tokenize-corpus.js mixed: translated man
pages and fortunes in ~25 languages interleaved with code and English prose), ML_DIR's
translations.jsonl (the same 60 GTK/GLib messages in ~78 languages and scripts: Arabic, Hebrew,
Devanagari, Bengali, Thai, Khmer, Burmese, Tibetan, Georgian, Armenian, CJK, ...) and
junk.jsonl (boilerplate, keyword lists, repeated lines, symbol soup, mis-encoded text, each in
every script), all made by corpora/build-multilingual.py. Into one document in 50 (seeded) it
inserts special-token strings the hub tokenizers define (<|endoftext|>, <s>, <|im_start|>,
<start_of_turn>, DeepSeek's full-width bars, ...) with and without spaces or newlines around
them, so --allow-special (tokenizers' default matching of added tokens with lstrip, rstrip,
single_word and normalized) meets them at many positions. Standard library only; deterministic.
"""
import json
import random
import sys

SPECIAL = ["<|endoftext|>", "<s>", "</s>", "<unk>", "<pad>", "<mask>", "<bos>", "<eos>",
           "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>",
           "<|im_start|>", "<|im_end|>", "<start_of_turn>", "<end_of_turn>", "<|start|>",
           "<|end|>", "<|message|>", "<|channel|>", "<think>", "</think>",
           "<\uff5cbegin\u2581of\u2581sentence\uff5c>", "<\uff5cUser\uff5c>", "<|fim_prefix|>"]
AROUND = [("", ""), (" ", ""), ("", " "), (" ", " "), ("\n", "\n"), ("  ", "\t")]


def main():
    out_path, mixed, ml = sys.argv[1:4]
    rnd = random.Random(15)
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for path in (mixed, ml + "/translations.jsonl", ml + "/junk.jsonl"):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    text = r["text"]
                    if rnd.randrange(50) == 0:
                        for _ in range(1 + rnd.randrange(4)):
                            at = rnd.randrange(len(text) + 1)
                            a, b = rnd.choice(AROUND)
                            text = text[:at] + a + rnd.choice(SPECIAL) + b + text[at:]
                    out.write(json.dumps({"id": "d%d" % n, "text": text}, ensure_ascii=False) + "\n")
                    n += 1


if __name__ == "__main__":
    main()
