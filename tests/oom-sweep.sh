#!/bin/bash
# Fault injection: make the Nth allocation of an example fail, for every
# N from 1 to the number of allocations a clean run makes, and check
# that the example copes. `make check-oom` runs it for every example.
#
#   tests/oom-sweep.sh NAME [N]     all points, or only point N
#
# At each point the example must end within the timeout, without a
# signal, and either
#   - with exit status 0 and its golden output (the failure was
#     recovered from), or
#   - with a nonzero exit status and exactly one line on stderr.
# The example runs as built for check-asan (build/asan/NAME), so a
# memory error on an error path fails the point too. failmalloc.so sits
# in front of AddressSanitizer's malloc (see tests/failmalloc.c).
set -u
name=$1
only=${2:-}
bin=build/asan/$name
# A pitfall whose memory error is its lesson (its valgrind golden has
# errors) runs as built normally: AddressSanitizer would stop at that
# error on every run.
vg=tests/golden/$name.valgrind
if [ -f "$vg" ] && ! grep -qx 'errors: 0' "$vg"; then
	bin=build/examples/$name
fi
golden=tests/golden/$name.out
shim=$PWD/build/failmalloc.so
timeout_s=${TEST_TIMEOUT:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

FAILMALLOC_COUNT=$tmp/count LD_PRELOAD=$shim "$bin" >/dev/null 2>&1 </dev/null
points=$(cat "$tmp/count" 2>/dev/null || echo 0)
if [ "$points" -lt 1 ]; then
	echo "$name: could not count its allocations"
	exit 1
fi

bad=0
for n in $(seq 1 "$points"); do
	[ -n "$only" ] && [ "$n" != "$only" ] && continue
	FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout -k 2 "$timeout_s" "$bin" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	lines=$(wc -l <"$tmp/err")
	why=
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		why="hang (killed after ${timeout_s}s)"
	elif [ "$status" -gt 128 ]; then
		why="killed by signal $((status - 128))"
	elif grep -q 'Sanitizer' "$tmp/err"; then
		why="sanitizer report"
	elif [ "$status" -eq 0 ] && ! cmp -s "$golden" "$tmp/out"; then
		why="exit status 0, but the output differs from $golden"
	elif [ "$status" -ne 0 ] && [ "$lines" -ne 1 ]; then
		why="exit status $status with $lines lines on stderr, expected 1"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "$name: allocation $n of $points failed: $why"
		sed 's/^/  stderr| /' "$tmp/err" | head -n 12
		echo "  rerun alone: make $bin build/failmalloc.so && tests/oom-sweep.sh $name $n"
	fi
done
echo "$name: $points injection points, $bad bad"
[ "$bad" -eq 0 ]
