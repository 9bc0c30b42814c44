#!/usr/bin/env bash
# valgrind.sh [ctest arguments...] - the SQLite unit and suite tests under
# valgrind memcheck: no memory error and no definite or indirect leak.
#
# Builds build-valgrind/ (Debug, no sanitizers: valgrind and ASan do not
# mix; SQLite only, URL sqlite:///:memory:) and runs ctest there with
# every test program started through valgrind (CMake's
# CROSSCOMPILING_EMULATOR). Valgrind's options:
#
#   --leak-check=full --errors-for-leak-kinds=definite,indirect
#       a block still reachable at exit (SQLite's global caches, a
#       registry entry) is not an error; a lost one is
#   --error-exitcode=1
#       any error fails the test
#   --soname-synonyms=somalloc=nouserintercepts
#       programs that define malloc themselves (the allocation-failure
#       sweep in test_alloc_failure, test_url) keep their definitions, so
#       their failure injection runs under valgrind too
#
# unit.test_pool_fork runs apart with --leak-check=no: its forked children
# _exit() holding a copy of the parent's heap, which memcheck would report
# as their leaks; memory errors are still checked.
#
# Extra arguments go to ctest (e.g. -R unit.test_url). Environment:
# QUARRY_VALGRIND_BUILD_DIR (default build-valgrind),
# QUARRY_VALGRIND_JOBS (ctest parallelism, default 2).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${QUARRY_VALGRIND_BUILD_DIR:-$repo/build-valgrind}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind not found (scripts/install-deps.sh test installs it)" >&2
	exit 1
fi

supp=()
if [[ -f "$repo/tests/valgrind.supp" ]]; then
	supp=("--suppressions=$repo/tests/valgrind.supp")
fi
emulator="valgrind;--quiet;--tool=memcheck;--leak-check=full"
emulator+=";--errors-for-leak-kinds=definite,indirect"
emulator+=";--show-leak-kinds=definite,indirect;--error-exitcode=1"
emulator+=";--soname-synonyms=somalloc=nouserintercepts"
emulator+=";--num-callers=30"
for s in "${supp[@]}"; do
	emulator+=";$s"
done

echo "==== valgrind: configure and build ($build)"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DQUARRY_SANITIZE= \
	-DQUARRY_WITH_SQLITE=ON -DQUARRY_WITH_POSTGRESQL=OFF \
	-DQUARRY_WITH_MYSQL=OFF -DQUARRY_BUILD_EXAMPLES=OFF \
	-DQUARRY_BUILD_BENCH=OFF "-DQUARRY_TEST_URLS=sqlite:///:memory:" \
	"-DCMAKE_CROSSCOMPILING_EMULATOR=$emulator" >/dev/null
cmake --build "$build" -j2

echo "==== valgrind: ctest (unit, suite and sqlite tests under memcheck)"
# consumer.* builds programs with cmake: nothing to check there.
ctest --test-dir "$build" --output-on-failure --no-tests=error \
	-E '^consumer\.|^unit\.test_pool_fork$' \
	-j "${QUARRY_VALGRIND_JOBS:-2}" "$@"
if (($# == 0)) && [[ -x "$build/tests/unit_test_pool_fork" ]]; then
	echo "==== valgrind: unit_test_pool_fork (memory errors only)"
	valgrind --quiet --tool=memcheck --leak-check=no --error-exitcode=1 \
		--soname-synonyms=somalloc=nouserintercepts "${supp[@]}" \
		"$build/tests/unit_test_pool_fork"
fi
echo "valgrind.sh: memcheck clean"
