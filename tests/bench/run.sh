#!/bin/bash
# make bench: run the benchmarks of tests/bench, write their results to
# tests/bench/results.txt and print them as tables.
#
#   tests/bench/run.sh [BUILDDIR]      (the programs in BUILDDIR/bench)
#
# The environment can make a run shorter: BENCH_REPS (repetitions of
# bench_cost and bench_scale, 21), WRITER_REPS (5) and WRITER_MIB (MiB
# per writer run, 256). The results file is replaced only when every
# benchmark has finished. Takes a few minutes; run it on a quiet
# machine, and commit the results file: the site's page "What a queue
# costs" is made from it (tests/bench/gen-perf.sh).
set -eu
cd "${0%/*}/../.."
bin=${1:-build}/bench
out=tests/bench/results.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reps=${BENCH_REPS:-21}
wreps=${WRITER_REPS:-5}
wmib=${WRITER_MIB:-256}
r=$tmp/results

step() { echo "bench: $*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }

{
cat <<'HEAD'
# tests/bench/results.txt: the measurements of make bench
# (tests/bench/run.sh), from which tests/bench/gen-perf.sh makes the
# tables and charts of the page "What a queue costs".
#
# One measurement a line: NAME, VALUE and UNIT, separated by tabs; lines
# that start with # are comments, the line "name value unit" is the
# header. A value measured over repetitions comes as three lines,
# NAME.median, NAME.min and NAME.max. A ratio (unit x) is the median,
# minimum and maximum of the ratios taken within each repetition, not a
# ratio of medians. Counts per request or per message are means.
#   machine.*  where and when it ran (VALUE is text)
#   cost.*     tests/bench/bench_cost.c: CPU time (ns) per request of
#              each path, loop turns per request, ratios between paths
#   scale.*    tests/bench/bench_scale.c: CPU time (ns) per add and per
#              free at each queue length, ratios to length 10, bytes
#              per waiting request
#   ir.*       callgrind's Ir (instructions executed) per request
#              (tests/bench/ir.sh on ir_queue) or per add and per free
#              (bench_scale -c LENGTH)
#   writer.*   tests/bench/bench_writer.c: MiB/s (wall time), ratios to
#              the blocking writer, per message counts
#   strace.*   strace -c -f of one run of a writer at a message size:
#              system calls per message (WRITER.SIZE.SYSCALL)
HEAD
printf 'name\tvalue\tunit\n'
printf 'machine.nproc\t%s\tcores\n' "$(nproc)"
printf 'machine.cpu\t%s\ttext\n' \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf 'machine.kernel\t%s\ttext\n' "$(uname -r)"
printf 'machine.tevent\t%s\ttext\n' "$(pkg-config --modversion tevent)"
printf 'machine.talloc\t%s\ttext\n' "$(pkg-config --modversion talloc)"
printf 'machine.cc\t%s\ttext\n' "${CC:-cc} $(${CC:-cc} -dumpfullversion) -O2"
printf 'machine.date\t%s\ttext\n' "$(date -u +%Y-%m-%d)"
printf 'machine.load_start\t%s\ttext\n' "$(load)"
} >"$r"

step "cost per request (bench_cost)"
"$bin/bench_cost" -r "$reps" >>"$r"
step "queue length (bench_scale)"
"$bin/bench_scale" -r "$reps" >>"$r"

step "instructions per request (callgrind)"
for p in lifecycle immediate post queue_one queue_filled; do
	printf 'ir.%s\t%s\tIr/request\n' "$p" \
		"$(bash tests/bench/ir.sh "$bin/ir_queue" -p "$p")" >>"$r"
done
for len in 10 100 1000 10000 100000 1000000; do
	rm -f "$tmp"/cg*
	valgrind --tool=callgrind --instr-atstart=no \
		--callgrind-out-file="$tmp/cg" "$bin/bench_scale" -c "$len" \
		>/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	# the dumps: .1 the adds, .2 the frees, of one batch
	batch=$(awk -F'\t' '$1 == "scale.batch" { print $2 }' "$r")
	for part in 1:add 2:free; do
		awk -v b="$batch" -v n="ir.scale.${part#*:}.$len" '
			/^summary:/ { printf "%s\t%.1f\tIr/%s\n", n, $2 / b, "op" }' \
			"$tmp/cg.${part%:*}" >>"$r"
	done
done

step "socket writers (bench_writer, $wreps x $wmib MiB)"
"$bin/bench_writer" -r "$wreps" -m "$wmib" >>"$r"

step "system calls of the writers (strace -c -f)"
for size in 4096 65536 1048576; do
	for w in blocking fd_first write_first; do
		# (the run prints nothing: its only write() calls are
		# the blocking writer's)
		strace -f -c -o "$tmp/strace" -e 'trace=!recvfrom' \
			"$bin/bench_writer" -w "$w" -s "$size" -m 32
		awk -v m="$((32 * 1048576 / size))" -v k="strace.$w.$size" '
			$NF ~ /^(write|sendto|epoll_wait|epoll_pwait|epoll_ctl)$/ {
				n[$NF] = $4; total += $4 }
			END {
				for (s in n) printf "%s.%s\t%.3f\tcalls/message\n", k, s, n[s] / m
				printf "%s.total\t%.3f\tcalls/message\n", k, total / m
			}' "$tmp/strace" >>"$r"
	done
done
printf 'machine.load_end\t%s\ttext\n' "$(load)" >>"$r"

mv "$r" "$out"
awk -f tests/bench/tables.awk -v table=all "$out"
echo
echo "bench: wrote $out (commit it: the site's page is made from it)"
