#!/bin/bash
# clean's numeric options (issue 12): a good value runs (exit 0); a bad one is a usage error
# (exit 2) whose message names the option as it is written on the command line ("--NAME", the
# canonical spelling for the filter parameters, which also take '-' for '.' and '_'). Shares of a
# document (fractions of lines, words, characters) above 1 are bad values, as are negative,
# non-numeric, exponent, inf and nan values. Rows: "OPTION|VALUE|EXIT|NAME IN THE MESSAGE".
. ./lib.sh
printf '%s\n' '{"id":"a","text":"Hello world, hello there."}' > in.jsonl
rows='
--gopher.min_words|40|0|
--gopher.min_words|abc|2|--gopher.min_words
--gopher-min-words|1e3|2|--gopher.min_words
--gopher.min_words|-5|2|--gopher.min_words
--gopher.max_words|inf|2|--gopher.max_words
--mojibake.max_latin1_letters|nan|2|--mojibake.max_latin1_letters
--mojibake.max_latin1_letters|0.5|0|
--fineweb.min_line_punct|2|2|--fineweb.min_line_punct
--fineweb-min-line-punct|1|0|
--fineweb.max_short_lines|1.5|2|--fineweb.max_short_lines
--gopher_rep.dup_5gram|7|2|--gopher_rep.dup_5gram
--gopher.min_alpha_words|1.01|2|--gopher.min_alpha_words
--c4.max_list_words|3|2|--c4.max_list_words
--fineweb.max_newline_per_word|2|0|
--gopher.max_hash_ratio|1.5|0|
--c4.citations|maybe|2|--c4.citations
--gopher.min_words|off|0|
--lang-sample|-1|2|--lang-sample
--lang-sample|1K|0|
--lang-min-score|2|2|--lang-min-score
--lang-rules-min-score|abc|2|--lang-rules-min-score
--batch-bytes|0|2|--batch-bytes
'
n=0
while IFS='|' read -r opt val want name; do
	[ -n "$opt" ] || continue
	n=$((n + 1))
	$GRIST clean -q "$opt" "$val" in.jsonl > out.jsonl 2> err.txt
	rc=$?
	[ $rc -eq "$want" ] || { fail "$opt '$val': exit $rc, expected $want: $(head -c 300 err.txt)"; continue; }
	if [ "$want" = 2 ]; then
		grep -q -- "$name" err.txt || fail "$opt '$val': message does not name $name: $(head -c 300 err.txt)"
		[ "$(wc -l < err.txt)" -le 2 ] || fail "$opt '$val': more than one message line"
	fi
done <<< "$rows"
[ $n -gt 20 ] || fail "only $n rows ran"
# the same check on a --config file names the file and line
printf 'gopher.min_words = 40\nfineweb.max_short_lines = 1.5\n' > bad.cfg
$GRIST clean -q --config bad.cfg in.jsonl > /dev/null 2> err.txt
expect_eq "fraction above 1 in --config: exit" 2 $?
expect_grep "config error names file and line" "bad.cfg:2" err.txt
expect_grep "config error names the parameter" "fineweb.max_short_lines" err.txt
done_testing
