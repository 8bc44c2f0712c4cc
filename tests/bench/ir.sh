#!/bin/bash
# The instructions (callgrind's Ir) that one request of a path costs:
#
#   tests/bench/ir.sh BIN [ARGS...]
#
# BIN is build/bench/ir_queue (ARGS: -p PATH). callgrind counts only
# what runs inside its function ir_run(), once for N requests and once
# for 2N; the difference, divided by N, is the cost of one request
# without what a run costs once (the first allocation of a pool, the
# first call of each library function through the PLT). Prints it with
# one decimal. The count does not move from run to run; it changes with
# the tevent, talloc and libc builds, and with the compiler.
# IR_N sets N (1000).
set -u
n=${IR_N:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ir REQUESTS: the Ir inside ir_run() for that many requests.
ir() {
	if ! timeout -k 2 300 valgrind --tool=callgrind \
		--callgrind-out-file="$tmp/cg.$1" --toggle-collect='ir_run*' \
		"${cmd[@]}" "$1" >"$tmp/out" 2>"$tmp/err"; then
		echo "tests/bench/ir.sh: callgrind failed on ${cmd[*]} $1:" >&2
		cat "$tmp/out" "$tmp/err" >&2
		return 1
	fi
	sed -n 's/^summary: //p' "$tmp/cg.$1"
}
cmd=("$@")
one=$(ir "$n") || exit 1
two=$(ir "$((2 * n))") || exit 1
awk -v a="$one" -v b="$two" -v n="$n" 'BEGIN { printf "%.1f\n", (b - a) / n }'
