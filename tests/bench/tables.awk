# The tables of the benchmarks, from tests/bench/results.txt:
#
#   awk -f tests/bench/tables.awk -v table=NAME [-v html=1] results.txt
#
# NAME is machine, cost, scale, memory, writer, counts, syscalls or
# targets (or all, text only). As text (make bench prints them) or as HTML tables
# (tests/bench/gen-perf.sh puts them on the page "What a queue costs").
# Every number comes from the file; nothing is measured here.

BEGIN { FS = "\t" }
/^#/ || $1 == "name" { next }
{ v[$1] = $2; u[$1] = $3 }

function has(k) { return (k in v) }
function num(k, fmt) { return has(k) ? sprintf(fmt, v[k]) : "-" }
# "median (min-max)" of a series, or "-"
function series(k, fmt) {
	if (!has(k ".median")) return "-"
	return sprintf(fmt, v[k ".median"]) " (" sprintf(fmt, v[k ".min"]) \
		dash() sprintf(fmt, v[k ".max"]) ")"
}
function dash() { return html ? "&ndash;" : "-" }
function times() { return html ? "&times;" : "x" }
function ge() { return html ? "&ge;" : ">=" }
function le() { return html ? "&le;" : "<=" }
function pm() { return html ? "&plusmn;" : "+-" }
function size(b) {
	if (b >= 1048576) return (b / 1048576) " MiB"
	return (b / 1024) " KiB"
}

# A table: title, header cells and rows, each a string of cells
# separated by "|", rendered at the end as text or HTML.
function start(t) { title = t; nrows = 0 }
function row(cells) { rows[++nrows] = cells }
function finish(   i, j, n, c, w, line) {
	if (html) {
		print "<table>"
		for (i = 1; i <= nrows; i++) {
			n = split(rows[i], c, "|")
			line = "<tr>"
			for (j = 1; j <= n; j++)
				line = line (i == 1 ? "<th>" : "<td>") c[j] \
					(i == 1 ? "</th>" : "</td>")
			print line "</tr>"
		}
		print "</table>"
		return
	}
	print ""
	print title
	for (i = 1; i <= nrows; i++) {
		n = split(rows[i], c, "|")
		for (j = 1; j <= n; j++)
			if (length(c[j]) > w[j]) w[j] = length(c[j])
	}
	for (i = 1; i <= nrows; i++) {
		n = split(rows[i], c, "|")
		line = ""
		for (j = 1; j <= n; j++)
			line = line sprintf(j == 1 ? "  %-*s" : "  %*s", w[j], c[j])
		print line
	}
	delete w
}

function machine() {
	start("Machine")
	row("What|Value")
	row("Cores (nproc)|" v["machine.nproc"])
	row("CPU|" v["machine.cpu"])
	row("Kernel|" v["machine.kernel"])
	row("libtevent, libtalloc|" v["machine.tevent"] ", " v["machine.talloc"])
	row("Compiler|" v["machine.cc"])
	row("Date|" v["machine.date"])
	row("Load average, start and end|" v["machine.load_start"] ", " v["machine.load_end"])
	finish()
}

function cost(   n, i, p, d) {
	start("Cost per request (CPU time, ns: median (min" dash() "max) over " \
	      v["cost.repetitions"] " repetitions of " v["cost.requests_per_run"] " requests)")
	row("Path|ns per request|Loop turns|Ir (callgrind)|Against the immediate chain")
	n = split("call lifecycle immediate post queue_one queue_filled", p, " ")
	d["call"] = "a function call through a pointer"
	d["lifecycle"] = "request created, done, received, freed; no loop"
	d["immediate"] = "immediate chain: each schedules the next"
	d["post"] = "request finished in _send, tevent_req_post()"
	d["queue_one"] = "queue, one request at a time"
	d["queue_filled"] = "queue filled, then drained"
	for (i = 1; i <= n; i++)
		row(d[p[i]] "|" series("cost." p[i] ".ns", "%.1f") "|" \
		    num("cost." p[i] ".turns", "%g") "|" \
		    num("ir." p[i], "%.0f") "|" \
		    (p[i] == "immediate" ? "1" : \
		     series("cost.ratio." p[i] "_vs_immediate", "%.2f")))
	finish()
}

function scale(   L) {
	start("Adding to and freeing from a queue of L waiting requests (CPU time, ns per operation; Ir per operation)")
	row("L|ns per add|ns per free|add against L=10|free against L=10|Ir per add|Ir per free")
	for (L = 10; L <= 1000000; L *= 10) {
		if (!has("scale.add." L ".ns.median")) continue
		row(L "|" series("scale.add." L ".ns", "%.0f") "|" \
		    series("scale.free." L ".ns", "%.0f") "|" \
		    series("scale.ratio.add_" L "_vs_10", "%.2f") "|" \
		    series("scale.ratio.free_" L "_vs_10", "%.2f") "|" \
		    num("ir.scale.add." L, "%.0f") "|" num("ir.scale.free." L, "%.0f"))
	}
	finish()
}

function memory() {
	start("Memory of one waiting request (its state and queue entry included)")
	row("Counted by|Bytes")
	row("talloc_total_size() of the request|" num("scale.bytes.talloc", "%.0f"))
	row("malloc, per request, while 10^5 were added|" num("scale.bytes.malloc", "%.0f"))
	finish()
}

function writer(   i, n, s) {
	start("Socket writers: MiB/s (wall time), and the ratio to the blocking writer: median (min" dash() "max) of " \
	      v["writer.repetitions"] " runs of " v["writer.mib_per_run"] " MiB")
	row("Message|blocking write()|fd-first|write-first|fd-first against blocking|write-first against blocking")
	n = split(sizes, s, " ")
	for (i = 1; i <= n; i++)
		row(size(s[i]) "|" series("writer.blocking." s[i] ".mibps", "%.0f") "|" \
		    series("writer.fd_first." s[i] ".mibps", "%.0f") "|" \
		    series("writer.write_first." s[i] ".mibps", "%.0f") "|" \
		    series("writer.ratio.fd_first_vs_blocking." s[i], "%.3f") "|" \
		    series("writer.ratio.write_first_vs_blocking." s[i], "%.3f"))
	finish()
}

function counts(   i, n, s, w, j) {
	start("Per message, counted by the program (mean over the repetitions): send() or write() calls / loop turns / fd events added")
	row("Message|blocking write()|fd-first|write-first")
	n = split(sizes, s, " ")
	split("blocking fd_first write_first", w, " ")
	for (i = 1; i <= n; i++) {
		line = size(s[i])
		for (j = 1; j <= 3; j++)
			line = line "|" num("writer." w[j] "." s[i] ".sends", "%.2f") " / " \
				num("writer." w[j] "." s[i] ".turns", "%.2f") " / " \
				num("writer." w[j] "." s[i] ".fd_adds", "%.2f")
		row(line)
	}
	finish()
}

function syscalls(   k, parts, key, i, n, names, line) {
	start("System calls per message, by strace -c -f (one run; the reader's recvfrom() left out)")
	row("Writer, message|write|sendto|epoll_wait|epoll_ctl|all of these")
	n = split("write sendto epoll_wait epoll_ctl total", names, " ")
	for (k in v) {
		if (k !~ /^strace\..*\.total$/) continue
		split(k, parts, ".")
		keys[parts[3] + 0 "." parts[2]] = parts[2] "." parts[3]
	}
	m = asorti_keys()
	for (i = 1; i <= m; i++) {
		key = sorted[i]
		split(key, parts, ".")
		line = parts[1] ", " size(parts[2])
		for (j = 1; j <= n; j++)
			line = line "|" num("strace." key "." names[j], "%.2f")
		row(line)
	}
	finish()
}
# the strace keys, sorted by size then writer (plain awk has no sort)
function asorti_keys(   k, i, j, t, m) {
	m = 0
	for (k in keys) sorted[++m] = keys[k]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && before(sorted[j], sorted[j - 1]); j--) {
			t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t
		}
	return m
}
function before(a, b,   pa, pb) {
	split(a, pa, "."); split(b, pb, ".")
	if (pa[2] + 0 != pb[2] + 0) return pa[2] + 0 < pb[2] + 0
	return pa[1] < pb[1]
}

# verdict(ok): the last column of a target
function verdict(ok) { return ok ? "met" : (html ? "<b>missed</b>" : "MISSED") }
function targets(   i, n, s, r, worst, L, d) {
	start("Targets")
	row("Target|Measured|Verdict")
	n = split(sizes, s, " ")
	for (i = 1; i <= n; i++) {
		if (s[i] < 65536) continue
		r = v["writer.ratio.write_first_vs_blocking." s[i] ".median"]
		row("write-first " ge() " 0.95" times() " blocking at " size(s[i]) "|" \
		    sprintf("%.3f", r) times() "|" verdict(r >= 0.95))
	}
	r = v["writer.ratio.write_first_vs_blocking.4096.median"]
	row("write-first " ge() " 0.75" times() " blocking at 4 KiB|" sprintf("%.3f", r) times() "|" verdict(r >= 0.75))
	r = v["cost.ratio.queue_one_vs_immediate.median"]
	row("queue one at a time " le() " 1.25" times() " the immediate chain (time)|" sprintf("%.2f", r) times() "|" verdict(r <= 1.25))
	r = v["ir.queue_one"] / v["ir.immediate"]
	row("queue one at a time " le() " 1.25" times() " the immediate chain (Ir)|" sprintf("%.2f", r) times() "|" verdict(r <= 1.25))
	r = v["cost.ratio.queue_one_vs_post.median"]
	row("(no target) queue one at a time against the posted request (time)|" sprintf("%.2f", r) times() "|-")
	r = v["ir.queue_one"] / v["ir.post"]
	row("(no target) queue one at a time against the posted request (Ir)|" sprintf("%.2f", r) times() "|-")
	r = v["cost.queue_one.turns"]
	row("exactly one loop turn per request, queue one at a time|" r "|" verdict(r == 1))
	worst = 0
	for (L = 10; L <= 1000000; L *= 10) {
		if (!has("ir.scale.add." L)) continue
		d = v["ir.scale.add." L] / v["ir.scale.add.10"] - 1; if (d < 0) d = -d
		if (d > worst) worst = d
		d = v["ir.scale.free." L] / v["ir.scale.free.10"] - 1; if (d < 0) d = -d
		if (d > worst) worst = d
	}
	row("add and free flat (" pm() "10% Ir) from 10 to 10^6 waiting requests|" \
	    sprintf("at most %.1f%% off", worst * 100) "|" verdict(worst <= 0.10))
	finish()
}

END {
	sizes = "4096 16384 65536 262144 1048576 8388608"
	if (table == "machine" || table == "all") machine()
	if (table == "cost" || table == "all") cost()
	if (table == "scale" || table == "all") scale()
	if (table == "memory" || table == "all") memory()
	if (table == "writer" || table == "all") writer()
	if (table == "counts" || table == "all") counts()
	if (table == "syscalls" || table == "all") syscalls()
	if (table == "targets" || table == "all") targets()
}
