#!/usr/bin/env bash
# demo.sh - builds quarry and runs its demo program, from a fresh Debian 12
# machine: installs the build dependencies (scripts/install-deps.sh build),
# configures build-demo/ (RelWithDebInfo, no tests), builds the demo and
# runs it. The demo is examples/orm_tutorial.c: SQLAlchemy's ORM tutorial
# on an in-memory SQLite database, with echo on. QUARRY_DEMO=<example
# name> runs another example (hello_core, core_tutorial, ...).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=${QUARRY_DEMO_BUILD_DIR:-$repo/build-demo}
demo=${QUARRY_DEMO:-orm_tutorial}

if [[ ! -f "examples/$demo.c" ]]; then
	echo "demo.sh: examples/$demo.c does not exist" >&2
	exit 1
fi

echo "==== dependencies"
bash scripts/install-deps.sh build

echo "==== configure and build ($build)"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_BENCH=OFF \
	-DQUARRY_BUILD_EXAMPLES=ON --log-level=WARNING
cmake --build "$build" -j2 --target "$demo"

echo "==== running examples/$demo.c"
"$build/examples/$demo"
