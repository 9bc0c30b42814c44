#!/usr/bin/env bash
# install-deps.sh [build|test] - installs what quarry needs from Debian's
# packages (Debian 12). Idempotent: when every package is already installed
# it neither updates the package lists nor calls apt-get at all.
#
#   build  compiler, cmake, pkg-config, SQLite and cmocka headers (default)
#   test   build + PostgreSQL 15 and MariaDB servers, their client
#          libraries, valgrind, and clang with libFuzzer (scripts/fuzz.sh)
#
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail

mode=${1:-build}

build_pkgs=(gcc make libc6-dev cmake pkg-config libsqlite3-dev libcmocka-dev)
test_pkgs=(postgresql mariadb-server mariadb-client libpq-dev libmariadb-dev
	libmariadb-dev-compat valgrind clang libclang-rt-14-dev)

case "$mode" in
build) pkgs=("${build_pkgs[@]}") ;;
test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
-h | --help)
	sed -n '2,10p' "$0"
	exit 0
	;;
*)
	echo "usage: $0 [build|test]" >&2
	exit 2
	;;
esac

# Packages of the list that are not fully installed.
missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	if [[ "$status" != "install ok installed" ]]; then
		missing+=("$p")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all $mode dependencies are installed"
	exit 0
fi

as_root=()
if ((EUID != 0)); then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
	as_root=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
# UTF-8 so that the cluster the postgresql package creates is UTF-8.
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
