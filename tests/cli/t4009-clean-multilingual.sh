# Issue 14's acceptance on the multilingual corpus built from Debian's translations, translated
# man pages and fortunes (corpora/build-multilingual.py): with the default settings >= 90% of
# the UI translations are kept, every language's prose survives within 15 points of English
# prose of the same genre (man pages compared on the same pages), and every kind of junk of
# every script (boilerplate, keyword lists, repeated lines, symbol soup, mis-encoded text) is
# removed as English junk is, except the gaps named in corpora/measure-multilingual.py.
. ./lib.sh
ROOT=$(cd "$FIX/../.." && pwd)
/usr/bin/python3 "$ROOT/corpora/build-multilingual.py" corpus || fail "building the corpus"
for f in translations prose junk; do
	[ "$(wc -l < corpus/$f.jsonl)" -gt 50 ] || fail "corpus/$f.jsonl is nearly empty (Debian packages missing?)"
done
/usr/bin/python3 "$ROOT/corpora/measure-multilingual.py" --check corpus "$GRIST" > report; rc=$?
grep '^check' report
expect_eq "acceptance check (report above)" 0 $rc
done_testing
