#!/bin/bash
# Run every CLI test script tests/cli/t*.sh against $GRIST. Each script exits non-zero on failure.
set -u
: "${GRIST:?set GRIST to the grist binary}"
export GRIST
cd "$(dirname "$0")/cli" || exit 1
pass=0 fail=0 failed=()
for t in t*.sh; do
	out=$(bash "$t" 2>&1)
	if [ $? -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("$t")
		echo "--- FAIL: $t"; echo "$out" | tail -40
	fi
done
echo "cli tests ($BUILD): $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
