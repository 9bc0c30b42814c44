#!/usr/bin/env bash
# bench.sh [URL...] - quarry's benchmark suite against the hand-written C
# references (see docs/PERFORMANCE.md):
#
#   1. builds quarry and bench/ in Release (-O2) into build-bench/ (-j2)
#   2. starts the database servers the URLs need (scripts/services.sh),
#      unless QUARRY_SKIP_SERVICES=1
#   3. runs every suite for each URL with bench/quarry_bench, printing the
#      tables, and writes bench/results/<backend>.csv
#      (suite,test,backend,n,seconds,rows_per_s,ratio_to_raw,peak_rss_kb)
#      and the tables to bench/results/<backend>.txt
#
# URLs default to every backend whose driver is built:
#   sqlite:///:memory:
#   postgresql://quarry:quarry@127.0.0.1:5432/quarry_test
#   mysql://quarry:quarry@127.0.0.1:3306/quarry_test
#
# Environment:
#   QUARRY_BENCH_SCALE   size factor for every suite (default 1; CI: 0.01)
#   QUARRY_BENCH_RUNS    timed runs per variant, median reported (default 5)
#   QUARRY_BENCH_SUITES  comma-separated suites (default all; see
#                        build-bench/bench/quarry_bench --list)
#   QUARRY_BENCH_BUILD_DIR  build folder (default build-bench)
#   QUARRY_BENCH_RESULTS    where the CSV and tables go (default
#                           bench/results)
#   QUARRY_SKIP_SERVICES=1  the servers are already running
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${QUARRY_BENCH_BUILD_DIR:-$repo/build-bench}
results=${QUARRY_BENCH_RESULTS:-$repo/bench/results}
scale=${QUARRY_BENCH_SCALE:-1}
runs=${QUARRY_BENCH_RUNS:-5}
suites=${QUARRY_BENCH_SUITES:-}

PG_URL="postgresql://quarry:quarry@127.0.0.1:5432/quarry_test"
MY_URL="mysql://quarry:quarry@127.0.0.1:3306/quarry_test"

section() { printf '\n==== %s ====\n' "$*"; }

backend_of() {
	local b=${1%%://*}
	echo "${b%%+*}"
}

as_root() {
	if ((EUID == 0)); then
		"$@"
	else
		sudo "$@"
	fi
}

urls=()
if (($# > 0)); then
	urls=("$@")
else
	urls=("sqlite:///:memory:")
	pkg-config --exists libpq 2>/dev/null && urls+=("$PG_URL")
	pkg-config --exists libmariadb 2>/dev/null && urls+=("$MY_URL")
fi

# ----------------------------------------------------------------- build
section "build (Release, $build)"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release \
	-DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_EXAMPLES=OFF \
	-DQUARRY_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target quarry_bench
bench=$build/bench/quarry_bench

# --------------------------------------------------------------- servers
if [[ "${QUARRY_SKIP_SERVICES:-0}" != 1 ]]; then
	kept=()
	for u in "${urls[@]}"; do
		b=$(backend_of "$u")
		if [[ "$b" == postgresql || "$b" == mysql ]]; then
			if ! as_root bash scripts/services.sh start "$b" >/dev/null; then
				echo "bench.sh: WARNING: the $b server is not available; skipping $u" >&2
				continue
			fi
		fi
		kept+=("$u")
	done
	urls=("${kept[@]}")
fi
if ((${#urls[@]} == 0)); then
	echo "bench.sh: no URL to benchmark" >&2
	exit 1
fi

# ------------------------------------------------------------------ runs
section "machine"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | head -1)
echo "commit:   $commit${dirty:+ (with local changes)}"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
echo "memory:   $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel:   $(uname -sr)"
echo "compiler: $(${CC:-cc} --version | head -1)"
echo "scale:    $scale, runs: $runs (medians)"

mkdir -p "$results"
status=0
args=(--scale "$scale" --runs "$runs")
if [[ -n "$suites" ]]; then
	args+=(--suite "$suites")
fi
for u in "${urls[@]}"; do
	b=$(backend_of "$u")
	section "$b ($u)"
	rm -f "$results/$b.csv"
	set +e
	"$bench" "${args[@]}" --csv "$results/$b.csv" "$u" | tee "$results/$b.txt"
	rc=${PIPESTATUS[0]}
	set -e
	if ((rc != 0)); then
		echo "bench.sh: some $b benchmarks failed (exit $rc)" >&2
		status=1
	fi
done
section "results"
ls -1 "$results"/*.csv
exit $status
