# The dispatcher owns stdout: a full disk is an error with a message; a closed pipe is quiet.
. ./lib.sh
/usr/bin/python3 -c '
for i in range(200000): print("{\"text\":\"record number %d with some words in it\"}" % i)' > many.jsonl
$GRIST ingest -q many.jsonl > /dev/full 2> err
rc=$?
[ $rc -ne 0 ] || fail "/dev/full: exit 0"
expect_eq "/dev/full exit code is I/O" 3 $rc
expect_grep "/dev/full message" "write error on standard output" err
$GRIST ingest -q many.jsonl 2> err | head -1 > first
expect_eq "head -1 got a record" 1 "$(wc -l < first)"
[ ! -s err ] || { fail "closed pipe printed a message"; cat err; }
# Same through a small output: the error must surface at the final flush too.
printf '{"text":"x"}\n' | $GRIST ingest -q > /dev/full 2> err
expect_eq "/dev/full small output" 3 $?
done_testing
