#!/bin/bash
# The guard of make check (the test perf:ir-queue): the instructions
# that one request of the queue path costs, one request at a time
# (build/bench/ir_queue, the code that bench_cost times as queue_one),
# counted by callgrind (tests/bench/ir.sh), must stay within 2% of the
# baseline in tests/bench/ir-baseline.txt.
#
#   tests/bench/ir-check.sh          check; exit 0 pass, 1 fail, 77 skip
#   tests/bench/ir-check.sh update   measure and write the baseline
#
# The count depends on the builds of libtevent, libtalloc and libc, and
# on the compiler: the baseline names them, and where they differ the
# check is skipped (the last line says why), since another build's
# count says nothing about a change here.
#
# To watch it fail, build the queue path with one allocation more per
# request (BENCH_SLOW_QUEUE in tests/bench/requests.c):
#   rm build/bench/ir_queue
#   make build/bench/ir_queue BENCH_CFLAGS='-g -O2 -pthread -DBENCH_SLOW_QUEUE'
#   make check T=perf:ir-queue
# and rm build/bench/ir_queue again afterwards.
set -u
cd "${0%/*}/../.." || exit 2
base=tests/bench/ir-baseline.txt
bin=build/bench/ir_queue
tolerance=2		# percent

platform() {
	echo "libtevent $(pkg-config --modversion tevent)," \
		"libtalloc $(pkg-config --modversion talloc)," \
		"$(getconf GNU_LIBC_VERSION)," \
		"${CC:-cc} $(${CC:-cc} -dumpfullversion)"
}

if [ ! -x "$bin" ]; then
	echo "$bin is missing (make $bin builds it)"
	exit 1
fi
here=$(platform)
measured=$(bash tests/bench/ir.sh "$bin" -p queue_one) || exit 1

if [ "${1:-}" = update ]; then
	{
		echo "# The instructions (callgrind's Ir) per request of the queue"
		echo "# path, one request at a time, for the guard of make check"
		echo "# (tests/bench/ir-check.sh; written by its 'update')."
		echo "# Valid only for the builds on the platform line."
		echo "platform	$here"
		echo "queue_one	$measured	Ir/request"
	} >"$base"
	echo "wrote $base: $measured Ir per request on $here"
	exit 0
fi

expected=$(awk -F'\t' '$1 == "queue_one" { print $2 }' "$base")
was=$(awk -F'\t' '$1 == "platform" { print $2 }' "$base")
echo "Ir per request of the queue path, one at a time ($bin -p queue_one):"
echo "  expected $expected ($base, measured on $was)"
echo "  measured $measured (on $here)"
if [ "$was" != "$here" ]; then
	echo "the baseline is for another build: $was, not $here"
	exit 77
fi
awk -v e="$expected" -v m="$measured" -v t="$tolerance" 'BEGIN {
	r = m / e
	printf "  ratio    %.4f (allowed %.2f to %.2f)\n", r, 1 - t / 100, 1 + t / 100
	if (r < 1 - t / 100 || r > 1 + t / 100) {
		printf "the instructions per request moved by %+.1f%%;", (r - 1) * 100
		printf " if that is meant, write the new baseline with\n"
		printf "  bash tests/bench/ir-check.sh update\n"
		exit 1
	}
}'
