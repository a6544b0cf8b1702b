# Dispatcher: help, version, unknown stage/option exit codes (README "Exit codes").
. ./lib.sh
$GRIST --help > out 2>err; expect_eq "--help exit" 0 $?
expect_grep "--help lists ingest" "ingest" out
$GRIST --version > out; expect_eq "--version exit" 0 $?
expect_grep "--version prints a version" "^grist " out
$GRIST nosuchstage > out 2>err; expect_eq "unknown stage exit" 2 $?
expect_grep "unknown stage named" "unknown stage 'nosuchstage'" err
$GRIST > out 2>err; expect_eq "no stage exit" 2 $?
$GRIST ingest --no-such-option > out 2>err; expect_eq "unknown option exit" 2 $?
expect_grep "unknown option gives usage" "usage: grist ingest" err
$GRIST ingest --help > out; expect_eq "stage --help exit" 0 $?
for opt in --text-field --on-missing --on-invalid --max-doc-bytes --stats --rejects --progress -j --split-lines --format; do
	expect_grep "ingest --help lists $opt" "$opt" out
done
expect_grep "help shows defaults" "default: skip" out
$GRIST ingest -j 0 < /dev/null > out 2>err; expect_eq "bad -j value" 2 $?
$GRIST ingest --on-missing=maybe < /dev/null > out 2>err; expect_eq "bad policy" 2 $?
$GRIST ingest /nonexistent/file.jsonl > out 2>err; expect_eq "missing input is an I/O error" 3 $?
expect_grep "missing input named" "/nonexistent/file.jsonl" err
done_testing
