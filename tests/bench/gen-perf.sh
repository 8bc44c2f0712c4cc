#!/bin/bash
# Write OUTDIR/perf.dox and the charts OUTDIR/perf_writer.svg and
# OUTDIR/perf_scale.svg for the page "What a queue costs"
# (doc/performance.dox), from the committed results of make bench
# (tests/bench/results.txt). Nothing is measured here: the site shows
# the last results committed, and make stays fast. The page takes each
# part with \snippet{doc} perf.dox TAG, and the charts with \image.
#
#   tests/bench/gen-perf.sh [OUTDIR]     (default build/gen)
set -eu
cd "${0%/*}/../.."
out=${1:-build/gen}
res=tests/bench/results.txt
mkdir -p "$out"
f=$out/perf.dox.tmp

if ! command -v gnuplot >/dev/null; then
	echo "gnuplot is missing (Debian package gnuplot-nox; make deps)" >&2
	exit 1
fi

# value NAME: the value of a measurement, or "?" if the file has none
value() {
	awk -F'\t' -v n="$1" '$1 == n { print $2; found = 1 }
		END { if (!found) print "?" }' "$res"
}
# fmt FORMAT NAME: the value, printed with FORMAT
fmt() {
	local x
	x=$(value "$2")
	if [ "$x" = "?" ]; then echo "?"; else LC_ALL=C printf "$1" "$x"; fi
}
table() {
	awk -f tests/bench/tables.awk -v table="$1" -v html=1 "$res"
}

{
for t in machine cost scale writer counts syscalls targets; do
	echo "/*! [$t] */"
	table "$t"
	echo "/*! [$t] */"
done

echo "/*! [cost_summary] */"
echo "On the machine above, one request through the queue, one at a time,"
echo "took $(fmt %.0f cost.queue_one.ns.median) ns of CPU time"
echo "(median), $(fmt %.2f cost.ratio.queue_one_vs_immediate.median) times a turn of the"
echo "loop that runs one immediate event, and"
echo "$(fmt %.2f cost.ratio.queue_one_vs_post.median) times a request that finishes"
echo "with tevent_req_post(). Counted in instructions, which do not depend on"
echo "the machine's load: $(fmt %.0f ir.queue_one) for the queued request,"
echo "$(fmt %.0f ir.post) for the posted one, $(fmt %.0f ir.immediate) for the"
echo "immediate event, and $(fmt %.0f ir.lifecycle) for a request that never"
echo "meets the loop."
echo "/*! [cost_summary] */"

echo "/*! [scale_summary] */"
echo "One waiting request, with its state and its queue entry, holds"
echo "$(fmt %.0f scale.bytes.talloc) bytes by talloc_total_size(), and takes"
echo "$(fmt %.0f scale.bytes.malloc) bytes of the heap, counting the headers"
echo "of talloc and of malloc: a million waiting requests take about"
echo "$(fmt %.0f scale.bytes.malloc) MB."
echo "/*! [scale_summary] */"

echo "/*! [writer_summary] */"
echo "With 4 KiB messages, the write-first writer reached"
echo "$(fmt %.2f writer.ratio.write_first_vs_blocking.4096.median) of the blocking"
echo "writer's throughput and the fd-first writer"
echo "$(fmt %.2f writer.ratio.fd_first_vs_blocking.4096.median); with 1 MiB"
echo "messages, $(fmt %.2f writer.ratio.write_first_vs_blocking.1048576.median)"
echo "and $(fmt %.3f writer.ratio.fd_first_vs_blocking.1048576.median)."
echo "/*! [writer_summary] */"

# for the queue's pitfalls page: the fd-first writer's price, by name
echo "/*! [fd_first_ratio] */"
echo "Against a blocking <tt>write()</tt> loop (\\ref perf_writer), the fd-first"
echo "writer reached"
echo "$(fmt %.2f writer.ratio.fd_first_vs_blocking.4096.median) of its throughput with 4 KiB messages"
echo "and $(fmt %.3f writer.ratio.fd_first_vs_blocking.1048576.median) with 1 MiB messages; the"
echo "write-first writer $(fmt %.2f writer.ratio.write_first_vs_blocking.4096.median) and"
echo "$(fmt %.2f writer.ratio.write_first_vs_blocking.1048576.median)."
echo "/*! [fd_first_ratio] */"

echo "/*! [settings] */"
echo "The settings of this run: the request paths, $(fmt %.0f cost.requests_per_run)"
echo "requests a run, $(fmt %.0f cost.repetitions) runs each; the queue lengths,"
echo "a batch of $(fmt %.0f scale.batch), $(fmt %.0f scale.repetitions) runs each;"
echo "the writers, $(fmt %.0f writer.mib_per_run) MiB a run, $(fmt %.0f writer.repetitions)"
echo "runs each at each message size."
echo "/*! [settings] */"
} >"$f"
mv "$f" "$out/perf.dox"

# ---- the charts ----------------------------------------------------------

# The writers' ratio to blocking, per message size: median, min, max.
awk -F'\t' '
	/^writer\.ratio\.(fd_first|write_first)_vs_blocking\./ {
		split($1, p, ".")	# writer ratio W_vs_blocking SIZE STAT
		w = p[3]; sub(/_vs_blocking/, "", w)
		r[w, p[4], p[5]] = $2; sizes[p[4]] = 1
	}
	END {
		n = split("fd_first write_first", ws, " ")
		for (i = 1; i <= n; i++) {
			print "# " ws[i]
			for (s = 4096; s <= 8388608; s *= 2)
				if ((ws[i], s, "median") in r)
					print s / 1024, r[ws[i], s, "median"], \
						r[ws[i], s, "min"], r[ws[i], s, "max"]
			print ""; print ""
		}
	}' "$res" >"$out/perf_writer.dat"

# ns per add and per free, per queue length: median, min, max; and Ir.
awk -F'\t' '
	/^scale\.(add|free)\.[0-9]+\.ns\./ {
		split($1, p, ".")	# scale OP LENGTH ns STAT
		t[p[2], p[3], p[5]] = $2
	}
	/^ir\.scale\.(add|free)\.[0-9]+\t/ {
		split($1, p, ".")	# ir scale OP LENGTH
		ir[p[3], p[4]] = $2
	}
	END {
		n = split("add free", ops, " ")
		for (i = 1; i <= n; i++) {
			print "# " ops[i]
			for (L = 10; L <= 1000000; L *= 10)
				if ((ops[i], L, "median") in t)
					print L, t[ops[i], L, "median"], \
						t[ops[i], L, "min"], t[ops[i], L, "max"], \
						((ops[i], L) in ir ? ir[ops[i], L] : "NaN")
			print ""; print ""
		}
	}' "$res" >"$out/perf_scale.dat"

gnuplot <<GNUPLOT
set terminal svg size 720,400 font "Helvetica,13" background rgb "white"
set key top left box opaque
set grid
set logscale x 2
set tics nomirror

set output "$out/perf_writer.svg"
set title "Socket writers against a blocking write() loop"
set xlabel "message size (KiB)"
set ylabel "throughput / blocking"
set xtics ("4" 4, "16" 16, "64" 64, "256" 256, "1024" 1024, "8192" 8192)
set yrange [0:1.4]
set xrange [3:11000]
plot 1 title "blocking" with lines dashtype 2 lc rgb "#666666", \
     "$out/perf_writer.dat" index 1 using 1:2:3:4 title "write-first" \
	with yerrorlines lw 2 pt 7 lc rgb "#1f5fa8", \
     "$out/perf_writer.dat" index 0 using 1:2:3:4 title "fd-first" \
	with yerrorlines lw 2 pt 5 lc rgb "#c0392b"

set output "$out/perf_scale.svg"
set title "Adding to and freeing from a queue of L waiting requests"
set logscale x 10
set xlabel "requests already waiting (L)"
set ylabel "CPU time per operation (ns)"
set xtics ("10" 10, "100" 100, "1000" 1000, "10^4" 10000, "10^5" 100000, "10^6" 1000000)
set xrange [5:2000000]
set yrange [0:*]
set y2label "instructions per operation (Ir)"
set y2range [0:*]
set y2tics
set key below horizontal maxrows 2 nobox
set bmargin 6
set terminal svg size 720,460 font "Helvetica,13" background rgb "white"
plot "$out/perf_scale.dat" index 0 using 1:2:3:4 title "add (create, queue): ns" \
	with yerrorlines lw 2 pt 7 lc rgb "#1f5fa8", \
     "$out/perf_scale.dat" index 1 using 1:2:3:4 title "free: ns" \
	with yerrorlines lw 2 pt 5 lc rgb "#c0392b", \
     "$out/perf_scale.dat" index 0 using 1:5 axes x1y2 title "add: Ir" \
	with linespoints dashtype 2 pt 6 lc rgb "#1f5fa8", \
     "$out/perf_scale.dat" index 1 using 1:5 axes x1y2 title "free: Ir" \
	with linespoints dashtype 2 pt 4 lc rgb "#c0392b"
GNUPLOT
rm -f "$out/perf_writer.dat" "$out/perf_scale.dat"
