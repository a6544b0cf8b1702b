# -o, --stats and --rejects onto something that is not a regular file (a FIFO, a character
# device such as /dev/null) write to it in place: renaming a temporary over it would replace
# the device with a regular file (it happened to /dev/null once).
. ./lib.sh
printf '{"text":"a"}\n{"bad\n' > in.jsonl
mkfifo fifo
timeout 20 cat fifo > from-fifo &
reader=$!
timeout 20 $GRIST ingest -q in.jsonl -o fifo; expect_eq "-o FIFO exit" 0 $?
wait $reader
[ -p fifo ] || fail "the FIFO was replaced"
expect_eq "records through the FIFO" 1 "$(wc -l < from-fifo)"
if mknod nulldev c 1 3 2>/dev/null; then
	$GRIST ingest -q in.jsonl -o nulldev --stats nulldev --rejects nulldev; expect_eq "-o device exit" 0 $?
	[ -c nulldev ] || fail "the character device was replaced by a regular file"
else
	echo "note: mknod not permitted here; only the FIFO case ran"
fi
[ -z "$(ls | grep '\.tmp\.')" ] || fail "temporary files left: $(ls)"
mkdir adir
$GRIST ingest -q in.jsonl -o adir 2> err; expect_eq "-o directory is an I/O error" 3 $?
expect_grep "directory named" "adir" err
done_testing
