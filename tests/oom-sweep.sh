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
cd "${0%/*}/.." || exit 2
. tests/matrix.sh
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
# A program that starts threads runs as built normally too: ASan
# allocates when a thread starts (pthread_getattr_np), and stops on an
# internal check when that allocation fails.
! threaded "$name" || bin=build/examples/$name
golden_dir "$name"
golden=$gdir/$name.out
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

# judge N: one point's run, from its files; prints why it is bad, if it
# is. Shell builtins only: the sweep makes thousands of runs.
judge() {
	local n=$1 status err got
	status=124		# no status: killed with the batch
	[ ! -f "$tmp/$n.status" ] || read -r status <"$tmp/$n.status"
	mapfile -t err <"$tmp/$n.err"
	IFS= read -r -d '' got <"$tmp/$n.out"
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ] ||
	   [ "$status" -eq 143 ]; then
		why="hang (killed after ${timeout_s}s)"
	elif [ "$status" -gt 128 ]; then
		why="killed by signal $((status - 128))"
	elif [[ ${err[*]} == *Sanitizer* ]]; then
		why="sanitizer report"
	elif [ "$status" -eq 0 ] && [ "$got" != "$want" ]; then
		why="exit status 0, but the output differs from $golden"
	elif [ "$status" -ne 0 ] && [ "${#err[@]}" -ne 1 ]; then
		why="exit status $status with ${#err[@]} lines on stderr, expected 1"
	else
		return 0
	fi
	echo "$name: allocation $n of $points failed: $why"
	printf '  stderr| %s\n' "${err[@]:0:12}"
	echo "  rerun alone: make $bin build/failmalloc.so && tests/oom-sweep.sh $name $n"
	return 1
}

# The points run in batches, each point one process, a batch under one
# timeout(1): the examples mostly wait on their timers.
IFS= read -r -d '' want <"$golden"
batch=8
bad=0
first=1
[ -z "$only" ] || first=$only
last=$points
[ -z "$only" ] || last=$only
for ((n = first; n <= last; n += batch)); do
	end=$((n + batch - 1))
	[ "$end" -le "$last" ] || end=$last
	LD_PRELOAD=$shim timeout -k 2 "$timeout_s" bash -c '
		for ((i = $1; i <= $2; i++)); do
			FAILMALLOC_AT=$i "$3" >"$4/$i.out" 2>"$4/$i.err" </dev/null &
			pids[i]=$!
		done
		for ((i = $1; i <= $2; i++)); do
			wait "${pids[i]}"
			echo $? >"$4/$i.status"
		done' _ "$n" "$end" "$bin" "$tmp" 2>/dev/null
	for ((i = n; i <= end; i++)); do
		judge "$i" || bad=$((bad + 1))
	done
done
echo "$name: $points injection points, $bad bad"
[ "$bad" -eq 0 ]
