#!/bin/bash
# Issue 11.9: temporaries and signals. A stage killed by SIGPIPE (`| head`), SIGTERM, SIGINT,
# SIGHUP or SIGXFSZ (a file past `ulimit -f`) removes its temporary files before dying; after
# SIGKILL, the next run of any command that writes the same output removes the temporaries the
# dead process left (NAME.tmp.PID.XXXXXX, PID gone), and never those of a process that is still
# running.
. ./lib.sh
python3 - <<'PY'
import json
with open("big.jsonl", "w") as f:
    for i in range(120000):
        f.write(json.dumps({"id": "d%d" % i, "text": "record %d " % i + "lorem ipsum dolor sit amet " * 12}) + "\n")
        if i % 100 == 0:
            f.write('{"bad\n')
PY
temps() { ls -A "${1:-.}" | grep '\.tmp\.'; }

# SIGPIPE: the reader of stdout goes away; the rejects temporary must not stay behind.
$GRIST ingest -q big.jsonl --rejects rej.jsonl --stats st.json | head -c 1000 > /dev/null
rc=${PIPESTATUS[0]}
expect_eq "ingest | head: killed by SIGPIPE (128+13)" 141 $rc
expect_eq "SIGPIPE: no temporary left" "" "$(temps)"
[ -e rej.jsonl ] && fail "SIGPIPE: rejects published by a killed run"
$GRIST clean -q big.jsonl --rejects rej.jsonl | head -c 10 > /dev/null
expect_eq "clean | head: no temporary left" "" "$(temps)"
rm -f -- *.tmp.* # each case below starts clean

# SIGTERM while running (input from a FIFO, so the run is waiting with its files open).
mkfifo feed
for sig in TERM INT HUP; do
	$GRIST clean -q -o out.jsonl --rejects rej.jsonl --stats st.json < feed &
	pid=$!
	exec 3> feed
	head -n 1000 big.jsonl >&3
	for i in $(seq 100); do [ -n "$(temps)" ] && break; sleep 0.05; done
	[ -n "$(temps)" ] || fail "SIG$sig: the run made no temporary (the check cannot run)"
	kill -$sig $pid
	wait $pid
	rc=$?
	exec 3>&-
	[ $rc -gt 128 ] || fail "SIG$sig: exit $rc, expected death by the signal"
	expect_eq "SIG$sig: no temporary left" "" "$(temps)"
	[ -e out.jsonl ] && fail "SIG$sig: output published by a killed run"
done

# SIGXFSZ: a write past the file-size limit (ulimit -f) kills the process like the signals
# above; it must not leave NAME.tmp.PID.XXXXXX behind either (the output is ~40 MB, the limit
# 1 MB; the rejects and the stats file are small and still open when the output grows past it).
(ulimit -f 1024; exec $GRIST ingest -q big.jsonl -o fs.jsonl --rejects fsrej.jsonl --stats fs.json)
expect_eq "ulimit -f: killed by SIGXFSZ (128+25)" 153 $?
expect_eq "SIGXFSZ: no temporary left" "" "$(temps)"
[ -e fs.jsonl ] && fail "SIGXFSZ: output published by a killed run"
rm -f -- *.tmp.*
(ulimit -f 1024; exec $GRIST clean -q big.jsonl --rejects fsrej.jsonl > fs.out)
expect_eq "stdout past ulimit -f: killed by SIGXFSZ" 153 $?
expect_eq "SIGXFSZ on stdout: no temporary left" "" "$(temps)"
rm -f -- *.tmp.* fs.out core core.*

# SIGKILL leaves temporaries; the next run writing those names removes them, whatever the stage.
killed() { # killed N ARGS...: start grist ARGS reading the FIFO, kill -9 it once it has made
	# N temporaries of its own (else the rerun's check below would test nothing)
	local n=$1 base
	shift
	base=$(temps w | wc -l)
	"$GRIST" "$@" < feed &
	local pid=$!
	exec 3> feed
	head -n 1000 big.jsonl >&3
	for i in $(seq 200); do [ "$(temps w | wc -l)" -ge $((base + n)) ] && break; sleep 0.05; done
	[ "$(temps w | wc -l)" -ge $((base + n)) ] ||
		fail "$1 $2: fewer than $n temporaries before the kill (the check cannot run): $(ls w)"
	kill -9 $pid
	wait $pid 2>/dev/null
	exec 3>&-
}
mkdir w
printf 'keep\n' > w/alive.jsonl.tmp.$$.abcdef       # this shell is alive: never removed
printf 'old\n' > w/out.jsonl.tmp.99999999.Zz0123     # no such process: removed
# (the killed run itself sweeps the dead process's temporary: base + 1 is out + rej)
killed 1 ingest -q -o w/out.jsonl --rejects w/rej.jsonl --stats w/st.json
[ "$(temps w | wc -l)" -ge 3 ] || fail "SIGKILL left no temporaries (the check cannot run): $(ls w)"
$GRIST ingest -q big.jsonl -o w/out.jsonl --rejects w/rej.jsonl --stats w/st.json || fail "ingest rerun"
expect_eq "ingest rerun removed the dead run's temporaries" "alive.jsonl.tmp.$$.abcdef" "$(temps w)"
rm -f w/*.jsonl w/*.json
killed 2 clean -q -o w/out.jsonl --rejects w/rej.jsonl
$GRIST clean -q big.jsonl -o w/out.jsonl --rejects w/rej.jsonl || fail "clean rerun"
expect_eq "clean rerun" "alive.jsonl.tmp.$$.abcdef" "$(temps w)"
killed 1 dedup -q -o w/out.jsonl --rejects w/rej.jsonl
$GRIST dedup -q big.jsonl -o w/out.jsonl --rejects w/rej.jsonl || fail "dedup rerun"
expect_eq "dedup rerun" "alive.jsonl.tmp.$$.abcdef" "$(temps w)"
killed 1 tokenize -q -t "$FIX/tokenize/tiny-tokenizer.json" -o w/out.tok
$GRIST tokenize -q -t "$FIX/tokenize/tiny-tokenizer.json" big.jsonl -o w/out.tok || fail "tokenize rerun"
expect_eq "tokenize rerun" "alive.jsonl.tmp.$$.abcdef" "$(temps w)"
killed 2 dedup sign -q --task 0 -o w/p -
[ "$(temps w | wc -l)" -ge 3 ] || fail "dedup sign: no temporaries after SIGKILL: $(ls w)"
$GRIST dedup sign -q --task 0 -o w/p big.jsonl || fail "dedup sign rerun"
expect_eq "dedup sign rerun" "alive.jsonl.tmp.$$.abcdef" "$(temps w)"
[ -f w/alive.jsonl.tmp.$$.abcdef ] || fail "a live process's temporary was removed"
done_testing
