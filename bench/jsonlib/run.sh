#!/bin/sh
# Build and run the JSON library benchmark (see docs/json-libraries.md).
#   bench/jsonlib/run.sh [FILE.jsonl] [MB] [runs]
# FILE is generated (sampled from Debian-shipped text) if missing.
# Needs: g++, pkg-config, libsimdjson-dev libjsmn-dev libjansson-dev libjson-c-dev
#        libcjson-dev libyajl-dev, python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-${TMPDIR:-/tmp}/grist-jsonlib-bench.jsonl}
mb=${2:-200}
runs=${3:-3}
build=${BUILD:-${TMPDIR:-/tmp}/grist-jsonlib-build}
mkdir -p "$build"

# jansson and json-c clash (same symbol names), so one binary per library; simdjson DOM is
# in each as the reference for decoded text lengths.
libs="simdjson jansson json-c libcjson yajl"
cc() { out=$1; shift
       g++ -std=c++17 -O2 -Wall -Wno-unused-function "$@" $(pkg-config --cflags $libs) \
           -o "$build/$out" "$here/jsonlib_bench.cpp" $(pkg-config --libs $libs); }
cc jb_simdjson -DUSE_SIMDJSON
# On-Demand is header-only and compiled for the build's target only (no runtime dispatch):
# plain -O2 gets the "fallback" kernel; -march=haswell gets "haswell" (AVX2+BMI+PCLMUL;
# note -march=x86-64-v3 alone lacks PCLMUL and still gets "fallback").
cc jb_simdjson_hsw -DUSE_SIMDJSON -DJB_ONLY_OD -march=haswell
cc jb_jsmn -DUSE_JSMN
cc jb_jansson -DUSE_JANSSON
cc jb_jsonc -DUSE_JSONC
cc jb_cjson -DUSE_CJSON
cc jb_yajl -DUSE_YAJL
bins="jb_simdjson jb_simdjson_hsw jb_jsmn jb_jansson jb_jsonc jb_cjson jb_yajl"

[ -s "$file" ] || python3 "$here/gen_jsonl.py" "$file" "$mb"

echo "== machine"
nproc; grep -m1 'model name' /proc/cpuinfo || true; uptime
echo "== versions"
for l in $libs; do printf '%s %s\n' "$l" "$(pkg-config --modversion $l)"; done
dpkg-query -W -f='${Package} ${Version}\n' libjsmn-dev 2>/dev/null || true

echo "== conformance (ok len N = accepted, decoded text length N)"
for b in $bins; do
    if [ "$b" = jb_simdjson ]; then "$build/$b" --conformance
    else "$build/$b" --conformance | cut -d'|' -f2-; fi > "$build/conf.$b"
done
(cd "$build" && paste -d'|' $(for b in $bins; do echo conf.$b; done))

echo "== cat FILE > /dev/null (page cache), $runs runs"
cat "$file" > /dev/null
bytes=$(wc -c < "$file")
for i in $(seq "$runs"); do
    t0=$(date +%s%N); cat "$file" > /dev/null; t1=$(date +%s%N)
    echo $(( bytes * 1000 / (t1 - t0) ))
done | sort -n | awk '{a[NR]=$1} END {print "cat MB/s (median): " a[int((NR+1)/2)]}'

echo "== parse (single thread, whole file in memory; each library's runs back to back)"
for b in $bins; do
    if [ "$b" = jb_simdjson ]; then JB_HEADER=1 "$build/$b" "$file" "$runs"
    else "$build/$b" "$file" "$runs"; fi
done
