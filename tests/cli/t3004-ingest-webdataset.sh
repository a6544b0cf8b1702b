#!/bin/bash
# ingest: WebDataset tars. Consecutive members sharing a key (path up to the first dot of the
# basename) form one record: .txt is the text, .json members are merged, other parts counted.
. "$(dirname "$0")/lib.sh"

mkdir -p s/shard
printf 'first sample text' > s/shard/000.txt
printf '{"lang":"en","score":0.5,"id":"sample-0"}' > s/shard/000.json
printf '\x89PNG\r\n' > s/shard/000.png
printf 'second sample' > s/shard/001.txt
printf '{"lang":"de"}' > s/shard/001.json
printf '{"text":"text from json","n":[1,2]}' > s/shard/002.json
printf 'not json' > s/shard/003.json
printf 'fourth' > s/shard/003.txt
(cd s && bsdtar -cf ../wds.tar shard/000.txt shard/000.json shard/000.png shard/001.txt \
	shard/001.json shard/002.json shard/003.txt shard/003.json)
cat > expect <<'X'
{"id":"sample-0","text":"first sample text","source":"wds.tar","lang":"en","score":0.5}
{"id":"wds.tar!shard/001","text":"second sample","source":"wds.tar","lang":"de"}
{"id":"wds.tar!shard/002","text":"text from json","source":"wds.tar","n":[1,2]}
{"id":"wds.tar!shard/003","text":"fourth","source":"wds.tar"}
X
expect_exit "wds auto" 0 "$GRIST" ingest -q --stats st.json wds.tar > out
expect_file_eq "WebDataset records (auto-detected)" expect out
expect_grep "ignored parts counted" '"wds_part_ignored":1' st.json
expect_grep "bad json part counted" '"wds_invalid_json":1' st.json
# Compressed, and forced with --format wds, and -j 3.
zstd -q -c wds.tar > wds.tar.zst
"$GRIST" ingest -q -j 3 --format wds wds.tar.zst | sed 's/wds[.]tar[.]zst/wds.tar/g' > out2
expect_file_eq "WebDataset .tar.zst, --format wds, -j 3" expect out2
# An ordinary tar whose first two members do not share a key is not a WebDataset.
printf 'x' > s/a.txt; printf 'y' > s/b.txt
(cd s && bsdtar -cf ../plain.tar a.txt b.txt)
expect_eq "plain tar" '{"id":"plain.tar!a.txt:1","text":"x","source":"plain.tar!a.txt"}
{"id":"plain.tar!b.txt:1","text":"y","source":"plain.tar!b.txt"}' "$("$GRIST" ingest -q plain.tar)"
# A sample over --max-doc-bytes is rejected whole.
head -c 5000 /dev/zero | tr '\0' a > s/shard/001.txt
(cd s && bsdtar -cf ../big.tar shard/000.txt shard/000.json shard/001.txt shard/001.json)
expect_exit "wds max-doc-bytes" 0 "$GRIST" ingest -q --max-doc-bytes 1000 --rejects rej big.tar > big.out
expect_eq "wds big: one record" 1 "$(wc -l < big.out)"
expect_grep "wds big: rejected with its size" '"rule":"max_doc_bytes","value":5000,"source":"big.tar!shard/001:2"' rej
done_testing
