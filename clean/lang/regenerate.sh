#!/bin/sh
# Regenerates clean/clean_langtab.c from its sources (see clean/lang/gen_langtab.py).
# clean/lang/fineweb2.tsv itself comes from a FineWeb-2 checkout:
#   clean/lang/extract_fineweb2.py PATH/TO/fineweb-2 > clean/lang/fineweb2.tsv
set -eu
cd "$(dirname "$0")/../.."
python3 clean/lang/gen_langtab.py tests/npm/node_modules/stopwords-iso/stopwords-iso.json \
	clean/lang/fineweb2.tsv /usr/share/iso-codes/json > clean/clean_langtab.c.tmp
mv clean/clean_langtab.c.tmp clean/clean_langtab.c
