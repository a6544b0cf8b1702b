#!/bin/bash
# An empty directory (and one holding only empty directories) is empty input: exit 0, no
# records. Under the sanitizer build this also guards against qsort(NULL, 0) in the walk.
. ./lib.sh
mkdir empty nested nested/a nested/b
for d in empty nested; do
	$GRIST ingest $d > out 2> err; expect_eq "$d: exit" 0 $?
	expect_eq "$d: no records" 0 "$(wc -c < out)"
	grep -q "runtime error" err && fail "$d: sanitizer report: $(cat err)"
done
done_testing
