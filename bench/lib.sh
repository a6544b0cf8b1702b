# Helpers for benchmark scripts (sourced).
# median_time CMD...: run CMD 5 times (after one warm-up), print the median wall seconds.
median_time() {
	"$@" > /dev/null 2>&1
	local ts=()
	for _ in 1 2 3 4 5; do
		local t0 t1
		t0=$(date +%s.%N)
		"$@" > /dev/null 2>&1
		t1=$(date +%s.%N)
		ts+=("$(echo "$t1 - $t0" | bc -l)")
	done
	printf '%s\n' "${ts[@]}" | sort -g | sed -n 3p
}
# mbps BYTES SECONDS
mbps() { echo "scale=1; $1 / $2 / 1000000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
