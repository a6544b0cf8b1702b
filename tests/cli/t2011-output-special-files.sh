#!/bin/bash
# Outputs (-o, --stats, --rejects) and what their names point at (issue 11.1):
# - a FIFO or a character device (/dev/null) is written in place: renaming a temporary over it
#   would replace the device with a regular file (it happened to /dev/null once);
# - a symlink is written through: the temporary goes beside the resolved target and is renamed
#   over the target, so the link stays and the target gets the new content;
# - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N (and links to them) write to that open
#   descriptor (appending to a `2>>log`), never replacing the name; this is checked through links
#   made here, so a broken grist cannot replace the system's /dev/stderr while the test runs;
# - as a non-root user, --rejects /dev/stderr works (it said "cannot create /dev/stderr").
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
	echo "note: mknod not permitted here; the device case runs on /dev/null itself"
	$GRIST ingest -q in.jsonl -o /dev/null --stats /dev/null --rejects /dev/null; expect_eq "-o /dev/null exit" 0 $?
fi
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
[ -z "$(ls | grep '\.tmp\.')" ] || fail "temporary files left: $(ls)"
mkdir adir
$GRIST ingest -q in.jsonl -o adir 2> err; expect_eq "-o directory is an I/O error" 3 $?
expect_grep "directory named" "adir" err

# A symlink to a regular file: the target is updated, the link stays.
mkdir other
echo old > other/real.jsonl
ln -s other/real.jsonl link.jsonl
ln -s link.jsonl chain.jsonl          # a link to a link
ln -s other/new.jsonl dangling.jsonl  # a link to a file not there yet
mkdir sub
ln -s ../other/stats.json sub/statlink  # relative to the link's own directory
$GRIST ingest -q in.jsonl -o link.jsonl --rejects dangling.jsonl --stats sub/statlink
expect_eq "through links: exit" 0 $?
[ -L link.jsonl ] && [ "$(readlink link.jsonl)" = other/real.jsonl ] || fail "-o replaced the symlink link.jsonl"
[ -L dangling.jsonl ] || fail "--rejects replaced the dangling symlink"
[ -L sub/statlink ] || fail "--stats replaced the symlink statlink"
expect_eq "target of -o updated" '{"text":"a","id":"in.jsonl:1","source":"in.jsonl"}' "$(cat other/real.jsonl)"
expect_grep "target of --rejects created" '"rule":"invalid_json"' other/new.jsonl
expect_grep "target of --stats created" '"stage":"ingest"' other/stats.json
$GRIST ingest -q in.jsonl -o chain.jsonl; expect_eq "chain: exit" 0 $?
[ -L chain.jsonl ] && [ -L link.jsonl ] || fail "a link of the chain was replaced"
expect_eq "chain: target updated" 1 "$(wc -l < other/real.jsonl)"
ln -s loop1 loop2; ln -s loop2 loop1
$GRIST ingest -q in.jsonl -o loop1 2>err; expect_eq "symlink loop is an I/O error" 3 $?
expect_grep "loop message" "loop1" err
[ -z "$(ls . other | grep '\.tmp\.')" ] || fail "temporary files left: $(ls . other)"
ln -s fifo fifolink
timeout 20 cat fifo > from-fifo &
reader=$!
timeout 20 $GRIST ingest -q in.jsonl -o fifolink; expect_eq "-o link to FIFO exit" 0 $?
wait $reader
[ -p fifo ] && [ -L fifolink ] || fail "the FIFO or its link was replaced"
expect_eq "records through the FIFO's link" 1 "$(wc -l < from-fifo)"

# Standard streams and open descriptors, through links made here (never the system's own names
# while a broken build might rename over them).
ln -s /proc/self/fd/2 errlink
ln -s /proc/self/fd/1 outlink
echo "before" > log
$GRIST ingest -q in.jsonl -o out.jsonl --rejects errlink 2>>log; expect_eq "--rejects link to fd 2: exit" 0 $?
[ -L errlink ] || fail "--rejects replaced the link to /proc/self/fd/2"
expect_eq "log kept what it held" before "$(head -n 1 log)"
expect_grep "rejects appended to the redirected stderr" '"rule":"invalid_json"' log
$GRIST ingest -q in.jsonl -o outlink > stdout.jsonl; expect_eq "-o link to fd 1: exit" 0 $?
[ -L outlink ] || fail "-o replaced the link to /proc/self/fd/1"
expect_eq "records on the redirected stdout" 1 "$(wc -l < stdout.jsonl)"
$GRIST ingest -q in.jsonl -o outlink | cat > piped.jsonl
expect_eq "records through a pipe" 1 "$(wc -l < piped.jsonl)"
$GRIST ingest -q in.jsonl --stats /proc/self/fd/3 -o /dev/null 3> fd3.json; expect_eq "--stats /proc/self/fd/3 exit" 0 $?
expect_grep "stats on fd 3" '"stage":"ingest"' fd3.json
$GRIST ingest -q in.jsonl --stats /dev/fd/3 -o /dev/null 3> fd3b.json; expect_eq "--stats /dev/fd/3 exit" 0 $?
expect_grep "stats on /dev/fd/3" '"stage":"ingest"' fd3b.json
$GRIST ingest -q in.jsonl --stats /proc/self/fd/7 -o /dev/null 2>err; expect_eq "a closed descriptor is an I/O error" 3 $?
for n in stdin stdout stderr; do
	[ -L /dev/$n ] || fail "/dev/$n is no longer a symlink"
done

# Not root: --rejects /dev/stderr and -o /dev/stdout (harmless as a user who cannot write /dev).
chmod 755 "$TMP"
mkdir user && chmod 777 user
as_user=()
if [ "$(id -u)" != 0 ]; then
	as_user=()
elif command -v setpriv >/dev/null; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
elif command -v runuser >/dev/null; then
	as_user=(runuser -u nobody --)
else
	fail "running as root without setpriv or runuser: the non-root case cannot run"
fi
if [ "$(id -u)" != 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	if ! "${as_user[@]}" sh -c 'test "$(id -u)" != 0'; then
		fail "the non-root case would still run as root: not run"
	else
	(cd user && echo before > ulog && "${as_user[@]}" $GRIST ingest -q ../in.jsonl -o out.jsonl \
		--rejects /dev/stderr 2>>ulog > /dev/null)
	expect_eq "user: --rejects /dev/stderr exit" 0 $?
	expect_grep "user: rejects on stderr" '"rule":"invalid_json"' user/ulog
	expect_eq "user: log kept" before "$(head -n 1 user/ulog)"
	(cd user && "${as_user[@]}" $GRIST ingest -q ../in.jsonl -o /dev/stdout > uout.jsonl)
	expect_eq "user: -o /dev/stdout exit" 0 $?
	expect_eq "user: records on stdout" 1 "$(wc -l < user/uout.jsonl)"
	fi
fi
done_testing
