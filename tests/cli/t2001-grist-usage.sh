# Dispatcher: help, version, unknown stage/option exit codes (README "Exit codes").
. ./lib.sh
$GRIST --help > out 2>err; expect_eq "--help exit" 0 $?
expect_grep "--help lists ingest" "ingest" out
$GRIST --version > out; expect_eq "--version exit" 0 $?
expect_grep "--version prints a version" "^grist " out
$GRIST nosuchstage > out 2>err; expect_eq "unknown stage exit" 2 $?
expect_grep "unknown stage named" "unknown stage 'nosuchstage'" err
$GRIST cleen > out 2>err; expect_eq "misspelt stage exit" 2 $?
expect_grep "misspelt stage: did you mean" "unknown stage 'cleen'; did you mean 'clean'?" err
expect_eq "misspelt stage: two lines, not the whole help" 2 "$(wc -l < err)"
$GRIST > out 2>err; expect_eq "no stage exit" 2 $?
$GRIST ingest --no-such-option > out 2>err; expect_eq "unknown option exit" 2 $?
expect_grep "unknown option named" "grist ingest: unknown option '--no-such-option'" err
expect_grep "unknown option points to --help" "'grist ingest --help' lists the options" err
expect_eq "unknown option: two lines, not the whole help" 2 "$(wc -l < err)"
# "did you mean" from each stage's option table; ambiguous abbreviations list the candidates;
# an option missing its value says so
check_bad() { # WHAT EXPECTED-LINE COMMAND...
	local what=$1 want=$2; shift 2
	"$@" > out 2>err; expect_eq "$what: exit" 2 $?
	expect_eq "$what: message" "$want" "$(head -n 1 err)"
}
check_bad "clean typo" "grist clean: unknown option '--filterz'; did you mean '--filters'?" $GRIST clean --filterz x
check_bad "run typo" "grist run: unknown option '--prnt'; did you mean '--print'?" $GRIST run --prnt p.yaml
check_bad "dedup sign typo" "grist dedup: unknown option '--tsk'; did you mean '--task'?" $GRIST dedup sign --tsk 3
check_bad "typo with =value" "grist tokenize: unknown option '--max-doc-bytez'; did you mean '--max-doc-bytes'?" $GRIST tokenize --max-doc-bytez=5
check_bad "ambiguous" "grist shard: option '--shuf' is ambiguous: --shuffle, --shuffle-memory, --shuffle-buckets" $GRIST shard --shuf
check_bad "missing value (long)" "grist ingest: option '--text-field' needs a value" $GRIST ingest --text-field
check_bad "missing value (short)" "grist tokenize: option '-t' needs a value" $GRIST tokenize -t
check_bad "unknown short" "grist ingest: unknown option '-Z'" $GRIST ingest -Z
check_bad "far from everything" "grist report: unknown option '--zzzzzzzzzz'" $GRIST report --zzzzzzzzzz
# the suggestions come from the command's option table, not its help text: shard inspect's
# help shows --docs only as -n
check_bad "typo of a long name the help does not spell" "grist shard: unknown option '--dosc'; did you mean '--docs'?" $GRIST shard inspect --dosc 2 x.tok
check_bad "inspect missing value" "grist shard: option '-n' needs a value" $GRIST shard inspect x.tok -n
check_bad "dedup sign missing value" "grist dedup: option '--task' needs a value" $GRIST dedup sign --task
check_bad "run typo with value" "grist run: unknown option '--partitoin'; did you mean '--partition'?" $GRIST run --partitoin=x p.yaml
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
