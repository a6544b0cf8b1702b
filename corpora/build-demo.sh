#!/bin/sh
# Build the demo corpus into DIR (default corpora/demo) from installed Debian packages.
set -eu
DIR=${1:-corpora/demo}
rm -rf "$DIR"
/usr/bin/python3 "$(dirname "$0")/build-demo.py" "$DIR"
du -sh "$DIR" | sed 's/^/demo corpus size: /'
