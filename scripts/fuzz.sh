#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] - builds quarry's libFuzzer targets (fuzz/)
# with clang, AddressSanitizer and UndefinedBehaviorSanitizer, and runs
# each target for SECONDS seconds (default 30), one after the other.
#
# Targets: fuzz_url fuzz_text fuzz_value fuzz_expr (default: all). Each starts from
# its seed corpus fuzz/corpus/<target>/ and a working corpus in
# <build>/corpus/<target>/ that keeps what earlier runs found (the seed
# folder in the repository is never written). Before fuzzing, every file
# of both corpora is replayed once, so an input that once crashed and was
# added to the seeds is a regression check.
#
# A crash, leak, timeout or violated property stops that target; its input
# is saved as <build>/artifacts/<target>-crash-<sha1> (reproduce with
# <build>/fuzz/<target> <file>). The script exits non-zero when any target
# failed, after running the others.
#
# Environment: QUARRY_FUZZ_BUILD_DIR (default build-fuzz), CC (default
# clang), QUARRY_FUZZ_JOBS (build parallelism, default 2).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
seconds=${1:-30}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
	targets=(fuzz_url fuzz_text fuzz_value fuzz_expr)
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
	echo "usage: $0 [SECONDS] [TARGET...]" >&2
	exit 2
fi
build=${QUARRY_FUZZ_BUILD_DIR:-$repo/build-fuzz}
cc=${CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz.sh: $cc not found (scripts/install-deps.sh test installs clang)" >&2
	exit 1
fi
# libFuzzer's runtime comes with Debian's libclang-rt-<version>-dev.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
	cat "$probe/err" >&2
	echo "fuzz.sh: $cc cannot link libFuzzer (install libclang-rt-14-dev)" >&2
	exit 1
fi

echo "==== fuzz: configure and build ($build)"
CC=$cc cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_C_FLAGS="-O1 -g" -DQUARRY_FUZZ=ON \
	-DQUARRY_SANITIZE=address,undefined -DQUARRY_BUILD_TESTS=OFF \
	-DQUARRY_BUILD_EXAMPLES=OFF -DQUARRY_BUILD_BENCH=OFF \
	-DQUARRY_WITH_SQLITE=OFF -DQUARRY_WITH_POSTGRESQL=OFF \
	-DQUARRY_WITH_MYSQL=OFF >/dev/null
cmake --build "$build" -j "${QUARRY_FUZZ_JOBS:-2}" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build/artifacts"
failed=()
for t in "${targets[@]}"; do
	seeds=$repo/fuzz/corpus/$t
	work=$build/corpus/$t
	mkdir -p "$work" "$seeds"
	log=$build/$t.log
	echo "==== fuzz: $t for ${seconds}s (log $log)"
	set +e
	# Replay every saved input once, then fuzz.
	"$build/fuzz/$t" -runs=0 "$work" "$seeds" >"$log" 2>&1 &&
		"$build/fuzz/$t" -max_total_time="$seconds" -timeout=20 \
			-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
			-artifact_prefix="$build/artifacts/$t-" \
			"$work" "$seeds" >>"$log" 2>&1
	rc=$?
	set -e
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" | sed 's/^/  /' || true
	if ((rc != 0)); then
		echo "fuzz.sh: $t FAILED (exit $rc); the end of its log:" >&2
		tail -n 40 "$log" >&2
		failed+=("$t")
	else
		echo "  $t: clean, corpus $(find "$work" -type f | wc -l) inputs"
	fi
done

if ((${#failed[@]} > 0)); then
	echo "fuzz.sh: failed: ${failed[*]} (inputs in $build/artifacts/)" >&2
	exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets clean for ${seconds}s each"
