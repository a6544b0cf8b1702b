#!/bin/bash
# grist shard --pack SEQ_LEN (issue 13.5): whole conversations in rows of exactly SEQ_LEN tokens,
# checked by a reader written from the spec (pack_check.py, standard library only) for every
# format: no conversation split, no end-of-text between conversations, padding only at a row's
# end (pad id, mask 0), jsonl labels -100 exactly where the mask is 0 and position_ids restarting
# per conversation, nothing lost (output or rejects), packing efficiency >= 90% on a realistic
# mix of lengths, deterministic output.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PY=/usr/bin/python3
CHECK="python3 $HERE/pack_check.py"
# Conversation-like lengths: log-normal around 350 tokens, a few longer than the 2048-token rows.
$PY "$HERE/shard_gen.py" gen chat.tok --docs 3000 --mask --chat-mask --lognormal 350:0.9 \
	--min-len 8 --max-len 6000 --empty 500 || fail "gen"
for fmt in jsonl llmc megatron nanogpt; do
	$GRIST shard -q --format $fmt --pack 2048 --val-tokens 50000 -o $fmt/p --rejects $fmt-rej.jsonl \
		--stats $fmt-st.json chat.tok
	expect_eq "$fmt pack exit" 0 $?
	$CHECK --format $fmt --dir $fmt --prefix p --seq-len 2048 --stream chat.tok \
		--rejects $fmt-rej.jsonl --min-efficiency 0.90 >c.out 2>&1 || { fail "$fmt pack check"; cat c.out; }
	expect_exit "$fmt verify" 0 $GRIST shard verify $fmt/p >/dev/null
done
[ -s jsonl-rej.jsonl ] || fail "the input has overlong conversations: expected rejects"
expect_grep "rejects line" '^{"stage":"shard","rule":"overlong","value":[0-9]*,"source":"' jsonl-rej.jsonl
expect_file_eq "rejects equal across formats" jsonl-rej.jsonl llmc-rej.jsonl
expect_grep "efficiency in stats" '"packing_efficiency":0.9' jsonl-st.json
expect_grep "overlong counted" '"shard.overlong":' jsonl-st.json
ls jsonl | grep -q '^p_val_000000.jsonl$' || fail "jsonl val rows named PREFIX_val_NNNNNN.jsonl"
ls jsonl | grep -q '^p_train_000000.docs.jsonl$' || fail "jsonl document index keeps .docs.jsonl"
ls megatron | grep -q 'p_train_text_document.mask.bin' || fail "megatron mask beside the shard"
$PY - <<'E' || fail "megatron sequences are the rows"
import struct
idx = open("megatron/p_train_text_document.idx", "rb").read()
n = struct.unpack_from("<Q", idx, 18)[0]
lens = struct.unpack_from("<%di" % n, idx, 34)
assert n > 0 and set(lens) == {2048}, (n, set(lens))
E
# the checker can tell: a window of 10 conversations packs far worse
$GRIST shard -q --format jsonl --pack 2048 --pack-window 10 -o w10/p --rejects w10-rej.jsonl chat.tok
$CHECK --format jsonl --dir w10 --prefix p --seq-len 2048 --stream chat.tok --rejects w10-rej.jsonl \
	--min-efficiency 0.90 >c.out 2>&1 && fail "pack_check accepted an efficiency below 90%"
grep -q "packing efficiency 0\.[0-8]" c.out || { fail "pack_check's efficiency message"; cat c.out; }
# summary line
$GRIST shard --format jsonl --pack 2048 -o sum/p chat.tok 2>sum.txt
expect_grep "summary efficiency" "packing efficiency 9[0-9]\.[0-9]%" sum.txt

# truncate instead of reject; another pad id; another window; deterministic
$GRIST shard -q --format jsonl --pack 1024 --on-overlong truncate --pad-id 7 --pack-window 50 -o t/p chat.tok || fail "truncate"
$CHECK --format jsonl --dir t --prefix p --seq-len 1024 --stream chat.tok --truncate --pad-id 7 \
	>c.out 2>&1 || { fail "truncate check"; cat c.out; }
$GRIST shard -q --format jsonl --pack 1024 --on-overlong truncate --pad-id 7 --pack-window 50 -o t2/p chat.tok
for f in t/*; do cmp -s $f t2/$(basename $f) || fail "rerun differs: $f"; done
# an unmasked stream: mask 1 on real tokens, 0 on padding
$PY "$HERE/shard_gen.py" gen plain.tok --docs 400 --lognormal 200:0.7 --min-len 1 --max-len 900 || fail "gen plain"
$GRIST shard -q --format llmc --pack 1024 -o pl/p plain.tok || fail "unmasked pack"
$CHECK --format llmc --dir pl --prefix p --seq-len 1024 --stream plain.tok >c.out 2>&1 || { fail "unmasked check"; cat c.out; }
# jsonl without --pack: one row per document
$GRIST shard -q --format jsonl -o up/p chat.tok || fail "jsonl unpacked"
$PY - <<'E' || fail "unpacked jsonl rows"
import json
rows = [json.loads(l) for l in open("up/p_train_000000.jsonl")]
assert len(rows) == 2994, len(rows)  # 3000 minus the 6 empty ones
for r in rows:
    assert r["position_ids"] == list(range(len(r["input_ids"])))
    assert all(l == -100 or l == t for l, t in zip(r["labels"], r["input_ids"]))
E
# usage errors
expect_exit "--pad-id needs --pack" 2 $GRIST shard -q --format jsonl --pad-id 3 -o u/p chat.tok 2>/dev/null
expect_exit "--rejects needs --pack" 2 $GRIST shard -q --format llmc --rejects r.jsonl -o u/p chat.tok 2>/dev/null
expect_exit "bad --on-overlong" 2 $GRIST shard -q --format llmc --pack 64 --on-overlong drop -o u/p chat.tok 2>/dev/null
expect_exit "--pack 0" 2 $GRIST shard -q --format llmc --pack 0 -o u/p chat.tok 2>/dev/null
done_testing
