#!/usr/bin/env bash
# check-install.sh - checks that an installed quarry is usable from outside
# this tree. It builds quarry (Release, no tests or examples) in
# build-install/, installs it into a temporary prefix with "cmake --install",
# then checks:
#
#   layout     public headers, libraries, CMake package and quarry.pc are
#              installed, and no private header is
#   symbols    libquarry.so exports only public qr_* names (no internal
#              qr_<module>__<name>; a single trailing "_" marks the
#              function behind a variadic macro, e.g. qr_query_filter_);
#              loadable modules only quarry_module
#   relocated  the installed CMake and pkg-config files do not point into
#              the source or build tree
#   cmake      tests/consumer built with find_package(quarry), linking
#              quarry::quarry and quarry::static, runs
#   pkgconfig  tests/consumer/main.c built with
#              "pkg-config --cflags --libs quarry" (shared) runs
#   pkgstatic  the same linked against libquarry.a with
#              "pkg-config --static --libs quarry" runs
#
# Environment: CC (compiler for the pkg-config builds, default cc),
# QUARRY_INSTALL_BUILD_DIR (default build-install), QUARRY_KEEP_INSTALL=1
# keeps the temporary prefix for inspection.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${QUARRY_INSTALL_BUILD_DIR:-$repo/build-install}
cc=${CC:-cc}
work=$(mktemp -d "${TMPDIR:-/tmp}/quarry-install.XXXXXX")
prefix=$work/prefix

cleanup() {
	if [[ "${QUARRY_KEEP_INSTALL:-0}" == 1 ]]; then
		echo "check-install: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

echo "check-install: building and installing quarry into $prefix"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX="$prefix" -DQUARRY_WERROR=ON \
	-DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_EXAMPLES=OFF \
	-DQUARRY_BUILD_BENCH=OFF >"$work/configure.log" ||
	{
		cat "$work/configure.log"
		exit 1
	}
cmake --build "$build" -j2
cmake --install "$build" >"$work/install.log"

pcfile=$(find "$prefix" -name quarry.pc -print -quit)
if [[ -z "$pcfile" ]]; then
	echo "check-install: ERROR: quarry.pc was not installed" >&2
	exit 1
fi
libdir=$(cd "$(dirname "$pcfile")/.." && pwd)
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

passed=0
failed=0
failed_names=()

# Runs a check function in a subshell with -e; counts and reports it.
# (The subshell must not be an "if" condition: bash ignores -e there.)
check() {
	local name=$1 rc
	shift
	echo "---- check-install: $name"
	set +e
	(
		set -euo pipefail
		"$@"
	)
	rc=$?
	set -e
	if ((rc == 0)); then
		echo "---- check-install: $name: ok"
		passed=$((passed + 1))
	else
		echo "---- check-install: $name: FAILED" >&2
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
}

check_layout() {
	local f missing=0
	for f in include/quarry.h include/quarry/common.h \
		include/quarry/sys/driver.h include/quarry/sys/dialect.h \
		"${libdir#"$prefix"/}/libquarry.a" \
		"${libdir#"$prefix"/}/libquarry.so" \
		"${libdir#"$prefix"/}/cmake/quarry/quarryConfig.cmake" \
		"${libdir#"$prefix"/}/cmake/quarry/quarryConfigVersion.cmake" \
		"${libdir#"$prefix"/}/cmake/quarry/quarryTargets.cmake"; do
		if [[ ! -e "$prefix/$f" ]]; then
			echo "missing: $f" >&2
			missing=1
		fi
	done
	# Only the public headers: nothing from core/ or a dialect.
	local extra
	extra=$(find "$prefix/include" -type f ! -path "$prefix/include/quarry.h" \
		! -path "$prefix/include/quarry/*")
	if [[ -n "$extra" ]]; then
		echo "unexpected headers installed:" >&2
		echo "$extra" >&2
		missing=1
	fi
	((missing == 0))
}

check_symbols() {
	local bad
	bad=$(nm -D --defined-only "$libdir/libquarry.so" | awk '{print $3}' |
		grep -Ev '^(_init|_fini|_edata|_end|__bss_start)$' |
		grep -Ev '^qr_[a-z0-9]+(_[a-z0-9]+)*_?$' || true)
	if [[ -n "$bad" ]]; then
		echo "libquarry.so exports non-public symbols:" >&2
		echo "$bad" >&2
		return 1
	fi
	echo "$(nm -D --defined-only "$libdir/libquarry.so" | grep -c ' qr_') public symbols"
	# A loadable module exports its entry function only.
	local mod
	for mod in "$libdir"/quarry/*.so; do
		[[ -e "$mod" ]] || continue
		bad=$(nm -D --defined-only "$mod" | awk '{print $3}' |
			grep -Ev '^(_init|_fini|_edata|_end|__bss_start|quarry_module)$' || true)
		if [[ -n "$bad" ]]; then
			echo "$(basename "$mod") exports more than quarry_module:" >&2
			echo "$bad" >&2
			return 1
		fi
		echo "$(basename "$mod"): exports quarry_module"
	done
}

check_relocated() {
	local hits
	hits=$(grep -rlF -e "$repo" "$libdir/cmake" "$libdir/pkgconfig" || true)
	if [[ -n "$hits" ]]; then
		echo "installed files refer to the source/build tree:" >&2
		grep -rnF -e "$repo" "$libdir/cmake" "$libdir/pkgconfig" >&2
		return 1
	fi
}

check_cmake() {
	cmake -S "$repo/tests/consumer" -B "$work/consumer-cmake" \
		-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
	cmake --build "$work/consumer-cmake" -j2
	ctest --test-dir "$work/consumer-cmake" --output-on-failure
	# The static consumer must not need libquarry.so at run time.
	if ldd "$work/consumer-cmake/consumer_static" | grep -q libquarry; then
		echo "consumer_static links libquarry.so" >&2
		return 1
	fi
}

warn_flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes)

check_pkgconfig() {
	local cflags libs
	read -ra cflags <<<"$(pkg-config --cflags quarry)"
	read -ra libs <<<"$(pkg-config --libs quarry)"
	echo "pkg-config --cflags --libs quarry: ${cflags[*]} ${libs[*]}"
	"$cc" "${warn_flags[@]}" "${cflags[@]}" "$repo/tests/consumer/main.c" \
		-o "$work/consumer_pc" "${libs[@]}" -Wl,-rpath,"$libdir"
	"$work/consumer_pc"
}

check_pkgstatic() {
	local cflags libs arg link=()
	read -ra cflags <<<"$(pkg-config --cflags quarry)"
	read -ra libs <<<"$(pkg-config --static --libs quarry)"
	echo "pkg-config --static --libs quarry: ${libs[*]}"
	# -lquarry would pick the shared library: name the archive instead,
	# keeping its place before its dependencies.
	for arg in "${libs[@]}"; do
		if [[ "$arg" == -lquarry ]]; then
			link+=("$libdir/libquarry.a")
		else
			link+=("$arg")
		fi
	done
	"$cc" "${warn_flags[@]}" "${cflags[@]}" "$repo/tests/consumer/main.c" \
		-o "$work/consumer_pc_static" "${link[@]}"
	if ldd "$work/consumer_pc_static" | grep -q libquarry; then
		echo "consumer_pc_static links libquarry.so" >&2
		return 1
	fi
	"$work/consumer_pc_static"
}

check layout check_layout
check symbols check_symbols
check relocated check_relocated
check cmake check_cmake
check pkgconfig check_pkgconfig
check pkgstatic check_pkgstatic

if ((failed > 0)); then
	echo "check-install: failed: ${failed_names[*]}" >&2
fi
echo "check-install: $passed passed, $failed failed"
((failed == 0))
