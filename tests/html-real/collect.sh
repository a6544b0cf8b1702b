#!/bin/bash
# collect.sh: rebuild tests/html-real/pages/ from the Debian packages the pages come from
# (bookworm; the exact versions are in SOURCES). Not run by the tests: the pages are committed.
# Downloads the .debs with `apt-get download` and unpacks them with `dpkg -x` into a temporary
# directory (nothing is installed). The mail pages are MHonArc's (a mail-to-HTML archiver from
# Debian) rendering of the e-mails git-doc ships under howto/ (real git mailing-list posts).
#   Usage: tests/html-real/collect.sh [OUT_DIR]   (default: tests/html-real/pages)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/pages}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
PKGS="python3.11-doc debian-faq ikiwiki git-doc mhonarc libxslt1-dev valgrind libffi-dev"
apt-get download $PKGS > /dev/null 2>&1
for d in *.deb; do dpkg -x "$d" x; done
D=$TMP/x/usr/share/doc
mkdir -p "$OUT"
take() { cp "$D/$2" "$OUT/$1.html"; }
take docs-pycopy python3.11/html/library/copy.html
take docs-pycolorsys python3.11/html/library/colorsys.html
take docs-pyinterpreter python3.11/html/tutorial/interpreter.html
take docs-vgintro valgrind/html/manual-intro.html
take docs-xsltintro libxslt1-dev/html/intro.html
take docs-ffimemory libffi-dev/html/Memory-Usage.html
take docs-ikioptimising ikiwiki/html/tips/optimising_ikiwiki.html
take list-pytutorial python3.11/html/tutorial/index.html
take list-ikinews ikiwiki/html/news.html
take list-githowto git-doc/howto-index.html
take list-debfaq debian/FAQ/index.en.html
take list-xsltdocs libxslt1-dev/html/docs.html
take faq-debpkg debian/FAQ/pkg-basics.en.html
take faq-debgetting debian/FAQ/getting-debian.en.html
take faq-pygeneral python3.11/html/faq/general.html
take faq-xslt libxslt1-dev/html/FAQ.html
take faq-vg valgrind/html/faq.html
take news-iki3 ikiwiki/html/news/ikiwiki_version_3.0.html
take news-ikiswarm ikiwiki/html/news/code_swarm.html
take news-xslt libxslt1-dev/html/news.html
take news-pywhatsnew31 python3.11/html/whatsnew/3.1.html
# Mail archive pages: git's howto e-mails as an mbox, archived by MHonArc.
H=$D/git-doc/howto
for f in revert-a-faulty-merge rebase-from-internal-branch recover-corrupted-blob-object \
	keep-canonical-history-correct; do
	python3 - "$H/$f.txt" >> mbox <<'PY'
import sys
head, _, body = open(sys.argv[1], encoding="utf-8").read().partition("\n\n")
keep = [l.replace(":\t", ": ", 1) for l in head.split("\n")
        if not l.startswith(("Content-type:", "Abstract:", " "))]
print("From git@vger.kernel.org Thu Jan  1 00:00:00 2009")
print("\n".join(keep))
print("Content-Type: text/plain; charset=utf-8\n")
print("\n".join(">" + l if l.startswith("From ") else l for l in body.split("\n")))
PY
done
mkdir arch
perl -I x/usr/share/mhonarc x/usr/bin/mhonarc -quiet -outdir arch mbox
# MHonArc numbers the messages by date: find each by its subject.
for ns in "revert:Odd merge behaviour" "rebase:sending changesets" "corrupt:corrupt object on git-gc" \
	"pull:Pull is mostly evil"; do
	cp "$(grep -l "<title>.*${ns#*:}" arch/msg*.html | head -1)" "$OUT/mail-${ns%%:*}.html"
done
for d in *.deb; do echo "$(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version)"; done > "$HERE/SOURCES"
