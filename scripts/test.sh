#!/usr/bin/env bash
# test.sh [URL...] - the whole test run, from a fresh Debian 12 machine:
#
#   1. installs the test dependencies (scripts/install-deps.sh test)
#   2. starts the database servers the URLs need (scripts/services.sh)
#   3. configures build-test/ (Debug, -Werror, AddressSanitizer and
#      UndefinedBehaviorSanitizer) with QUARRY_TEST_URLS set to the URLs,
#      and builds it with -j2
#   4. runs ctest, then prints how many tests ran and passed per backend
#   5. runs scripts/check-install.sh (install to a temporary prefix and
#      build a consumer program with find_package and with pkg-config)
#   6. runs the extra checks (run_check below), each one pass or failure:
#      scripts/check-drivers-optional.sh (drivers OFF, and drivers as
#      loadable modules only), scripts/tsan.sh (the pool and thread tests
#      under ThreadSanitizer), scripts/valgrind.sh (the SQLite unit and
#      suite tests under valgrind memcheck), scripts/fuzz.sh (each fuzz
#      target for QUARRY_FUZZ_SECONDS, default 30), and the benchmark
#      suite at 1/100 of its size, once, on every URL (bench/, a few
#      seconds: that every variant runs, not how fast)
#
# URLs: the backend-neutral suite runs once per URL. Without arguments the
# URLs are those of the backends named in QUARRY_TEST_BACKENDS (space or
# comma separated: sqlite postgresql mysql), or, when that is unset, of
# every backend whose driver is in the tree: sqlite always, postgresql and
# mysql once dialects/<name>/CMakeLists.txt links a client library
# (quarry_link_driver_lib). The default URLs are
#
#   sqlite:///:memory:
#   postgresql://quarry:quarry@127.0.0.1:5432/quarry_test
#   mysql://quarry:quarry@127.0.0.1:3306/quarry_test
#
# With CI=true a database server that cannot be started or reached fails
# the run; elsewhere its backend is left out with a warning.
#
# Environment: QUARRY_TEST_BACKENDS (above), QUARRY_TEST_BUILD_DIR (default
# build-test), QUARRY_CTEST_JOBS (default 1: suite programs of one backend
# share one database), QUARRY_SKIP_SERVICES=1 (servers already there),
# QUARRY_SKIP_INSTALL_CHECK=1, ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS
# (sensible defaults below).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${QUARRY_TEST_BUILD_DIR:-$repo/build-test}
ci=${CI:-false}

PG_URL="postgresql://quarry:quarry@127.0.0.1:5432/quarry_test"
MY_URL="mysql://quarry:quarry@127.0.0.1:3306/quarry_test"

section() { printf '\n==== %s ====\n' "$*"; }

# "postgresql+libpq://..." -> "postgresql"
backend_of() {
	local b=${1%%://*}
	echo "${b%%+*}"
}

default_url() {
	case "$1" in
	sqlite) echo "sqlite:///:memory:" ;;
	postgresql) echo "$PG_URL" ;;
	mysql) echo "$MY_URL" ;;
	*)
		echo "test.sh: unknown backend '$1' (sqlite, postgresql, mysql)" >&2
		return 1
		;;
	esac
}

# A dialect has a driver once its CMakeLists.txt links a client library.
has_driver() {
	[[ -f "dialects/$1/CMakeLists.txt" ]] &&
		grep -q quarry_link_driver_lib "dialects/$1/CMakeLists.txt"
}

as_root() {
	if ((EUID == 0)); then
		"$@"
	else
		sudo "$@"
	fi
}

# ------------------------------------------------------------------ URLs
urls=()
if (($# > 0)); then
	urls=("$@")
else
	backends=()
	if [[ -n "${QUARRY_TEST_BACKENDS:-}" ]]; then
		read -ra backends <<<"${QUARRY_TEST_BACKENDS//,/ }"
	else
		backends=(sqlite)
		for d in postgresql mysql; do
			if has_driver "$d"; then
				backends+=("$d")
			fi
		done
	fi
	for b in "${backends[@]}"; do
		urls+=("$(default_url "$b")")
	done
fi
if ((${#urls[@]} == 0)); then
	echo "test.sh: no URL to test" >&2
	exit 2
fi

section "dependencies"
bash scripts/install-deps.sh test

# --------------------------------------------------------------- servers
servers=()
for u in "${urls[@]}"; do
	b=$(backend_of "$u")
	if [[ "$b" == postgresql || "$b" == mysql ]] &&
		[[ " ${servers[*]} " != *" $b "* ]]; then
		servers+=("$b")
	fi
done
if ((${#servers[@]} > 0)) && [[ "${QUARRY_SKIP_SERVICES:-0}" != 1 ]]; then
	section "database servers: ${servers[*]}"
	for b in "${servers[@]}"; do
		if ! as_root bash scripts/services.sh start "$b"; then
			if [[ "$ci" == true ]]; then
				echo "test.sh: ERROR: the $b server is not available (CI=true: not skipping)" >&2
				exit 1
			fi
			echo "test.sh: WARNING: the $b server is not available; leaving out its URLs" >&2
			kept=()
			for u in "${urls[@]}"; do
				if [[ "$(backend_of "$u")" != "$b" ]]; then
					kept+=("$u")
				fi
			done
			urls=("${kept[@]}")
		fi
	done
	if ((${#urls[@]} == 0)); then
		echo "test.sh: no reachable backend left" >&2
		exit 1
	fi
fi

# ----------------------------------------------------------------- build
section "configure and build ($build)"
echo "test URLs:"
printf '  %s\n' "${urls[@]}"
url_list=$(
	IFS=';'
	echo "${urls[*]}"
)
cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DQUARRY_WERROR=ON
	"-DQUARRY_SANITIZE=address,undefined" "-DQUARRY_TEST_URLS=$url_list")
# A backend under test must have its driver: never build without it.
for u in "${urls[@]}"; do
	case "$(backend_of "$u")" in
	sqlite) cmake_args+=(-DQUARRY_WITH_SQLITE=ON) ;;
	postgresql) cmake_args+=(-DQUARRY_WITH_POSTGRESQL=ON) ;;
	mysql) cmake_args+=(-DQUARRY_WITH_MYSQL=ON) ;;
	esac
done
cmake -S "$repo" -B "$build" "${cmake_args[@]}"
cmake --build "$build" -j2

# ------------------------------------------------------------------ tests
section "tests (ctest)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
if [[ -z "${LSAN_OPTIONS:-}" && -f "$repo/tests/lsan.supp" ]]; then
	export LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0"
fi
echo "ASAN_OPTIONS=$ASAN_OPTIONS"
echo "UBSAN_OPTIONS=$UBSAN_OPTIONS"
ctest_log=$build/ctest.log
set +e
ctest --test-dir "$build" --output-on-failure --no-tests=error \
	-j "${QUARRY_CTEST_JOBS:-1}" 2>&1 | tee "$ctest_log"
ctest_rc=${PIPESTATUS[0]}
set -e

# Per backend: "suite.<name>[<backend>]" and "<dialect>.<name>" belong to
# that backend, "unit.<name>" to none ("unit"), anything else to its prefix.
section "results per backend"
summary=$(awk '
	/Test +#[0-9]+: / {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^#[0-9]+:$/) { name = $(i + 1); break }
		if (match(name, /\[[^]]*\]$/))
			group = substr(name, RSTART + 1, RLENGTH - 2)
		else {
			group = name
			sub(/\..*/, "", group)
		}
		run[group]++
		if ($0 ~ / Passed +[0-9.]+ sec/) pass[group]++
		else if ($0 ~ /Skipped +[0-9.]+ sec/) skip[group]++
		else fail[group]++
		tr++
	}
	END {
		for (g in run) {
			printf "  %-12s %4d run, %4d passed, %4d failed", g, run[g], pass[g] + 0, fail[g] + 0
			if (skip[g]) printf ", %d skipped", skip[g]
			printf "\n"
		}
	}' "$ctest_log" | sort)
echo "${summary:-  (no test ran)}"
ctest_passed=$(grep -cE 'Test +#[0-9]+: .* Passed +[0-9.]+ sec' "$ctest_log" || true)
ctest_run=$(grep -cE 'Test +#[0-9]+: ' "$ctest_log" || true)
ctest_skipped=$(grep -cE 'Test +#[0-9]+: .*Skipped +[0-9.]+ sec' "$ctest_log" || true)
ctest_failed=$((ctest_run - ctest_passed - ctest_skipped))
for u in "${urls[@]}"; do
	b=$(backend_of "$u")
	if ! grep -qE "^  $b " <<<"$summary"; then
		echo "  note: no test ran against $b ($u)"
	fi
done

# --------------------------------------------------------- install check
install_passed=0
install_failed=0
if [[ "${QUARRY_SKIP_INSTALL_CHECK:-0}" != 1 ]]; then
	section "installation and consumer check"
	install_log=$build/check-install.log
	set +e
	bash scripts/check-install.sh 2>&1 | tee "$install_log"
	install_rc=${PIPESTATUS[0]}
	set -e
	line=$(grep -E '^check-install: [0-9]+ passed, [0-9]+ failed$' "$install_log" | tail -n 1 || true)
	if [[ -n "$line" ]]; then
		read -r _ install_passed _ install_failed _ <<<"$line"
	fi
	if ((install_rc != 0 && install_failed == 0)); then
		install_failed=1
	fi
fi

# ---------------------------------------------------------- extra checks
# Each further check is a script counted as one pass or one failure.
extra_passed=0
extra_failed=0
run_check() {
	local name=$1
	shift
	section "$name"
	if "$@"; then
		extra_passed=$((extra_passed + 1))
	else
		extra_failed=$((extra_failed + 1))
		echo "test.sh: check failed: $name"
	fi
}
if [[ "${QUARRY_SKIP_EXTRA_CHECKS:-0}" != 1 ]]; then
	run_check "drivers optional and loadable as modules" \
		bash scripts/check-drivers-optional.sh "${urls[@]}"
	run_check "pool and thread tests under ThreadSanitizer" \
		bash scripts/tsan.sh
	run_check "SQLite unit and suite tests under valgrind memcheck" \
		bash scripts/valgrind.sh
	run_check "fuzz targets, ${QUARRY_FUZZ_SECONDS:-30} s each" \
		bash scripts/fuzz.sh "${QUARRY_FUZZ_SECONDS:-30}"
	# Every benchmark variant runs (not a timing test): each suite at
	# 1/100 of its size, one run, on every URL (a few seconds).
	run_check "benchmark suite at CI size (scale 0.01, one run)" \
		"$build/bench/quarry_bench" --scale 0.01 --runs 1 --warmup 0 \
		--csv "$build/bench-smoke.csv" "${urls[@]}"
fi

section "summary"
total_passed=$((ctest_passed + install_passed + extra_passed))
total_failed=$((ctest_failed + install_failed + extra_failed))
echo "ctest: $ctest_run run, $ctest_passed passed, $ctest_failed failed, $ctest_skipped skipped (exit $ctest_rc)"
echo "install checks: $install_passed passed, $install_failed failed"
echo "extra checks: $extra_passed passed, $extra_failed failed"
final="test.sh: $total_passed passed, $total_failed failed"
echo "$final" >"$build/test-summary.txt"
echo "$final"
if ((ctest_rc != 0 || total_failed != 0)); then
	exit 1
fi
