#!/usr/bin/env bash
# tsan.sh [ctest arguments...] - the connection pool and engine thread
# tests under ThreadSanitizer: no data race, no lock-order inversion, no
# misuse of a mutex or condition variable.
#
# Builds build-tsan/ (Debug, -DQUARRY_SANITIZE=thread, -Werror, SQLite
# only, URL sqlite:///:memory:) with just the programs it runs, and runs
# with ctest:
#
#   unit.test_pool_*          strategies, lifecycle, custom strategies,
#                             fork safety, and the 16-thread stress test
#   suite.test_pool_*[sqlite] the engine's pool shared by threads
#
# Extra arguments go to ctest (e.g. -R threads). Environment:
# QUARRY_TSAN_BUILD_DIR (default build-tsan), TSAN_OPTIONS (default
# halt_on_error=1:second_deadlock_stack=1), QUARRY_POOL_STRESS_CYCLES
# (cycles per thread of the stress test, default 10000).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${QUARRY_TSAN_BUILD_DIR:-$repo/build-tsan}

targets=()
for src in tests/unit/test_pool_*.c; do
	targets+=("unit_$(basename "$src" .c)")
done
for src in tests/suite/test_pool_*.c; do
	targets+=("suite_$(basename "$src" .c)")
done

echo "==== tsan: configure and build ($build)"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DQUARRY_SANITIZE=thread -DQUARRY_WERROR=ON \
	-DQUARRY_WITH_SQLITE=ON -DQUARRY_WITH_POSTGRESQL=OFF \
	-DQUARRY_WITH_MYSQL=OFF -DQUARRY_BUILD_EXAMPLES=OFF \
	-DQUARRY_BUILD_BENCH=OFF "-DQUARRY_TEST_URLS=sqlite:///:memory:" \
	>/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
echo "TSAN_OPTIONS=$TSAN_OPTIONS"
run_ctest() {
	ctest --test-dir "$build" --output-on-failure --no-tests=error \
		-R '^(unit|suite)\.test_pool_' "$@"
}

echo "==== tsan: ctest (pool and thread tests)"
log=$build/tsan-ctest.log
set +e
run_ctest "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# Kernels with more address-space randomisation than this ThreadSanitizer
# expects refuse to start it: run again without randomisation.
if ((rc != 0)) && grep -q "unexpected memory mapping" "$log" &&
	command -v setarch >/dev/null 2>&1; then
	echo "==== tsan: again with address randomisation off (setarch -R)"
	set +e
	setarch "$(uname -m)" -R bash -c "$(declare -f run_ctest); build='$build'; run_ctest \"\$@\"" \
		tsan "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
fi
if ((rc != 0)); then
	echo "tsan.sh: FAILED (see $log)" >&2
	exit "$rc"
fi
echo "tsan.sh: ThreadSanitizer clean"
