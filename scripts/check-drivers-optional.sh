#!/usr/bin/env bash
# check-drivers-optional.sh - proves that the server drivers are optional
# and pluggable:
#
#   1. build-nodrivers/: PostgreSQL and MySQL drivers OFF. libquarry must
#      not link libpq or libmariadb, and every SQLite and unit test passes.
#   2. build-modules/: both drivers MODULE (loadable modules only, not in
#      libquarry). libquarry again links neither client library, and the
#      backend-neutral suite passes on every URL given, the server drivers
#      being found at run time as quarry-<dialect>.so via
#      QUARRY_PLUGIN_PATH.
#
# Usage: check-drivers-optional.sh [URL...]   (default: the three test URLs)
# The database servers must be running (scripts/services.sh start).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
jobs=${QUARRY_BUILD_JOBS:-2}
urls=("$@")
if ((${#urls[@]} == 0)); then
	urls=("sqlite:///:memory:"
		"postgresql://quarry:quarry@127.0.0.1:5432/quarry_test"
		"mysql://quarry:quarry@127.0.0.1:3306/quarry_test")
fi
url_list=$(
	IFS=';'
	echo "${urls[*]}"
)

fail() {
	echo "check-drivers-optional: $*" >&2
	exit 1
}

# libquarry.so must not depend on a server client library.
no_client_libs() {
	local lib=$1/libquarry.so
	[[ -f "$lib" ]] || fail "$lib was not built"
	if ldd "$lib" | grep -Eq 'libpq|libmariadb|libmysqlclient'; then
		ldd "$lib" >&2
		fail "$lib links a server client library"
	fi
	echo "check-drivers-optional: $lib links no server client library"
}

configure_build() {
	local dir=$1
	shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DQUARRY_WERROR=ON \
		-DQUARRY_BUILD_BENCH=OFF "$@" >"$dir.configure.log" 2>&1 ||
		{
			cat "$dir.configure.log" >&2
			fail "configuring $dir failed"
		}
	cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 ||
		{
			tail -50 "$dir.build.log" >&2
			fail "building $dir failed"
		}
}

echo "==== drivers OFF: core and SQLite alone"
configure_build build-nodrivers -DQUARRY_WITH_POSTGRESQL=OFF \
	-DQUARRY_WITH_MYSQL=OFF "-DQUARRY_TEST_URLS=sqlite:///:memory:"
no_client_libs build-nodrivers
if grep -rqE 'libpq-fe\.h|include/(mysql|mariadb)/' build-nodrivers/CMakeFiles/quarry_obj.dir; then
	fail "libquarry includes a client library header with drivers OFF"
fi
(cd build-nodrivers && ctest --output-on-failure --no-tests=error)

echo "==== drivers as loadable modules only"
configure_build build-modules -DQUARRY_WITH_POSTGRESQL=MODULE \
	-DQUARRY_WITH_MYSQL=MODULE "-DQUARRY_TEST_URLS=$url_list"
no_client_libs build-modules
for m in postgresql/quarry-postgresql.so mysql/quarry-mysql.so; do
	[[ -f build-modules/dialects/$m ]] || fail "module $m was not built"
done
(cd build-modules && ctest --output-on-failure --no-tests=error -L suite)
echo "check-drivers-optional: ok"
