#!/bin/sh
# Run each unit-test binary; fail if any fails.
fail=0
for t in "$@"; do
	"$t" || { echo "FAIL: $t"; fail=1; }
done
exit $fail
