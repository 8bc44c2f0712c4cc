#!/bin/bash
# Run one example the way the tests do, and compare or record its output.
#
#   tests/golden.sh check NAME [BACKEND]  compare with its golden files
#   tests/golden.sh backends NAME         the same on every backend, at once
#   tests/golden.sh repeat NAME [N]       N runs (20) on every backend
#   tests/golden.sh valgrind NAME         only the valgrind report
#   tests/golden.sh update NAME           rewrite tests/golden/NAME.out
#
# The environment variable SUITE names the tevent the example was built
# for (tests/versions.sh: backports, sid); unset or empty, the installed
# one. BACKEND goes to the example as "-b BACKEND".
#
# The golden file is the example's exact standard output; the page shows
# that very file. The exit status must be 0, or the number stored in
# NAME.status beside it. Standard error must be empty. An example that
# runs longer than TEST_TIMEOUT seconds (default 10) fails as a hang.
#
# Where a tevent version or a backend legitimately differs, it has a
# golden of its own, found in this order (VERSION is major.minor, such
# as 0.16; FROM+ means that version and later, the latest FROM that is
# not later than the version running):
#   NAME@VERSION@BACKEND.out, NAME@VERSION.out, NAME@FROM+.out,
#   NAME@BACKEND.out, NAME.out
# Each qualified golden has a .why file beside it that says why (and may
# have a .status).
#
# If tests/golden/NAME.msc exists, the example also runs with -t (its
# trace points printed), and tests/timeline.awk must turn that output
# into exactly this message sequence chart, which the site draws
# (installed tevent, default backend).
#
# If tests/golden/NAME.valgrind (or NAME@VERSION.valgrind) exists, the
# example is also run under valgrind memcheck (built with fixed flags as
# BINDIR/vg/NAME), and the report, reduced by tests/valgrind-reduce.awk to
# what does not change from run to run, must equal that file (default
# backend only). Create it empty and run `make update-golden` to start
# one.
#
# The runs on the several backends, and the repeated runs, go at once:
# the examples spend their time waiting on millisecond timers, and a run
# among others is a harder test of their output than a run alone.
set -u
cd "${0%/*}/.." || exit 2
. tests/matrix.sh
mode=$1
name=$2
shift 2
suite=${SUITE:-}
suite "$suite"
bin=$dir/examples/$name
golden_dir "$name"
version=${version%.*}		# 0.16.2 -> 0.16
timeout_s=${TEST_TIMEOUT:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# golden_file EXT [BACKEND]: sets golden to the most specific golden
# with that extension (a version's own before a backend's).
golden_file() {
	local q f from best=
	for q in "@$version@${2:-}" "@$version"; do
		case $q in
		*@) continue ;;		# no backend given
		esac
		golden=$gdir/$name$q.$1
		[ -f "$golden" ] && return
	done
	# NAME@FROM+.EXT: the latest FROM not later than this version
	for f in "$gdir/$name@"*+."$1"; do
		[ -f "$f" ] || continue
		from=${f##*@}
		from=${from%+.*}
		if version_le "$from" "$version" &&
		   { [ -z "$best" ] || version_le "$best" "$from"; }; then
			best=$from
			golden=$f
		fi
	done
	[ -n "$best" ] && return
	golden=$gdir/$name@${2:-}.$1
	[ -n "${2:-}" ] && [ -f "$golden" ] && return
	golden=$gdir/$name.$1
}

# version_le A B: A is not later than B (both major.minor).
version_le() {
	local a=${1#*.} b=${2#*.}
	[ "${1%%.*}" -lt "${2%%.*}" ] ||
		{ [ "${1%%.*}" -eq "${2%%.*}" ] && [ "$a" -le "$b" ]; }
}

# expected_status GOLDEN: sets expected to the exit status that goes
# with a golden file.
expected_status() {
	expected=0
	[ ! -f "${1%.out}.status" ] || read -r expected <"${1%.out}.status"
}

# run_example OUT [BACKEND [plain]]: a run's stdout, stderr and exit
# status in OUT.out, OUT.err and OUT.status. Line-buffered, so that a
# hung example still shows how far it got; "plain" (the repeated runs)
# saves the process that takes.
run_example() {
	local buf="stdbuf -oL"
	[ "${3:-}" != plain ] || buf=
	timeout -k 2 "$timeout_s" $buf "$bin" ${2:+-b "$2"} \
		>"$1.out" 2>"$1.err" </dev/null
	echo $? >"$1.status"
}

# judge OUT [BACKEND]: compare a run with its golden; report and fail if
# it differs.
judge() {
	local out=$1 b=${2:-} golden status expected ok=0 why
	golden_file out "$b"
	read -r status <"$out.status"
	expected_status "$golden"
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "$name${b:+ -b $b}: timed out after ${timeout_s}s (a hang?); output so far:"
		sed 's/^/  | /' "$out.out"
		return 1
	fi
	if [ "$golden" != "$gdir/$name.out" ]; then
		read -r why <"${golden%.out}.why"
		echo "(${b:+backend $b: }a golden of its own: ${golden#$gdir/}: $why)"
	fi
	if [ ! -f "$golden" ]; then
		echo "$name: no golden file $golden (make update-golden writes it)"
		ok=1
	elif ! cmp -s "$golden" "$out.out"; then
		diff -u --label "expected ($golden)" \
			--label "actual ($bin${b:+ -b $b})" "$golden" "$out.out" \
			>"$out.diff"
		echo "$name${b:+ -b $b}: stdout differs from the golden file:"
		cat "$out.diff"
		ok=1
	fi
	if [ "$status" -ne "$expected" ]; then
		echo "$name${b:+ -b $b}: exit status $status, expected $expected"
		ok=1
	fi
	if [ -s "$out.err" ]; then
		echo "$name${b:+ -b $b}: wrote to stderr, expected nothing:"
		sed 's/^/  | /' "$out.err"
		ok=1
	fi
	return $ok
}

# run_batch LABEL:BACKEND...: runs of the example at once, one on each
# backend named, each one process, under one timeout(1) for them all
# (these parts start thousands of runs, and each process costs); a
# run's stdout, stderr and exit status in $tmp/LABEL.out, .err and
# .status (124 if the timeout stopped it).
run_batch() {
	local spec
	timeout -k 2 "$timeout_s" bash -c '
		bin=$1 dir=$2
		shift 2
		for spec in "$@"; do
			"$bin" -b "${spec#*:}" >"$dir/${spec%%:*}.out" \
				2>"$dir/${spec%%:*}.err" </dev/null &
			pids+=($!)
			labels+=("${spec%%:*}")
		done
		for i in "${!pids[@]}"; do
			wait "${pids[i]}"
			echo $? >"$dir/${labels[i]}.status"
		done' _ "$bin" "$tmp" "$@" 2>/dev/null
	for spec in "$@"; do
		[ -f "$tmp/${spec%%:*}.status" ] ||
			echo 124 >"$tmp/${spec%%:*}.status"
	done
}

# same OUT BACKEND: the run is its golden, compared in the shell (no
# process): output, exit status, empty stderr.
same() {
	local golden expected got want status
	golden_file out "$2"
	expected_status "$golden"
	[ -f "$golden" ] || return 1
	IFS= read -r -d '' want <"$golden"
	IFS= read -r -d '' got <"$1.out"
	read -r status <"$1.status"
	[ "$got" = "$want" ] && [ "$status" -eq "$expected" ] && [ ! -s "$1.err" ]
}

# run_valgrind: the reduced report of a valgrind run, in $tmp/vg.
run_valgrind() {
	[ -x "$dir/vg/$name" ] || return 1
	timeout -k 2 $((timeout_s * 6)) valgrind -q --leak-check=no \
		"${vg_opts[@]}" --error-exitcode=0 "$dir/vg/$name" \
		>/dev/null 2>"$tmp/vg.raw" \
		</dev/null
	awk -v prog="$name" -f tests/valgrind-reduce.awk "$tmp/vg.raw" >"$tmp/vg"
}

# run_timeline: the chart of a run with -t, in $tmp/msc.
run_timeline() {
	timeout -k 2 "$timeout_s" "$bin" -t 2>/dev/null </dev/null |
		awk -f tests/timeline.awk >"$tmp/msc"
}

# check_timeline: the chart of a run with -t.
check_timeline() {
	local msc=$gdir/$name.msc
	run_timeline
	diff -u --label "expected ($msc)" \
		--label "actual ($bin -t | awk -f tests/timeline.awk)" \
		"$msc" "$tmp/msc" >"$tmp/diff" && return 0
	echo "$name: the timeline of a run with -t differs from the golden chart:"
	cat "$tmp/diff"
	return 1
}

# check_valgrind: the reduced report of a valgrind run.
check_valgrind() {
	local vg golden
	golden_file valgrind
	vg=$golden
	if ! run_valgrind; then
		echo "$name: could not run $dir/vg/$name"
		return 1
	fi
	diff -u --label "expected ($vg)" \
		--label "actual (valgrind $dir/vg/$name, reduced)" \
		"$vg" "$tmp/vg" >"$tmp/diff" && return 0
	echo "$name: the valgrind report differs from the golden file:"
	cat "$tmp/diff"
	return 1
}

if [ ! -x "$bin" ]; then
	echo "$name: $bin was not built${suite:+ for $suite}:"
	sed 's/^/  | /' "$bin.log" 2>/dev/null
	exit 1
fi

case $mode in
check)
	ok=0
	run_example "$tmp/run" "${1:-}"
	judge "$tmp/run" "${1:-}" || ok=1
	# The chart and the valgrind report: for a run on the installed
	# tevent with its default backend.
	if [ $# -eq 0 ] && [ -z "$suite" ]; then
		if [ -f "$gdir/$name.msc" ]; then
			check_timeline || ok=1
		fi
		golden_file valgrind
		if [ -f "$golden" ]; then
			check_valgrind || ok=1
		fi
	fi
	exit $ok
	;;
backends)
	# One run on each backend, all at once.
	specs=()
	for b in $BACKENDS; do
		specs+=("$b:$b")
	done
	run_batch "${specs[@]}"
	ok=0
	for b in $BACKENDS; do
		same "$tmp/$b" "$b" || { judge "$tmp/$b" "$b"; ok=1; }
	done
	[ $ok -eq 0 ] && echo "$name: the golden output on each of: $BACKENDS"
	exit $ok
	;;
repeat)
	# The runs of one backend, all at once.
	n=${1:-$REPEAT}
	for b in $BACKENDS; do
		specs=()
		for ((i = 1; i <= n; i++)); do
			specs+=("$b.$i:$b")
		done
		run_batch "${specs[@]}"
		for ((i = 1; i <= n; i++)); do
			same "$tmp/$b.$i" "$b" && continue
			echo "run $i of $n at once, on backend $b:"
			judge "$tmp/$b.$i" "$b"
			exit 1
		done
	done
	echo "$name: $n runs at once on each of $BACKENDS, each the golden output"
	;;
valgrind)
	check_valgrind
	;;
update)
	run_example "$tmp/run"
	golden=tests/golden/$name.out
	if [ -f "tests/golden/$name.msc" ]; then
		run_timeline && cp "$tmp/msc" "tests/golden/$name.msc" &&
			echo "  GOLDEN  tests/golden/$name.msc"
	fi
	if [ -f "tests/golden/$name.valgrind" ]; then
		make -s "$dir/vg/$name" >/dev/null
		run_valgrind && cp "$tmp/vg" "tests/golden/$name.valgrind" &&
			echo "  GOLDEN  tests/golden/$name.valgrind"
	fi
	cp "$tmp/run.out" "$golden"
	status=$(cat "$tmp/run.status")
	if [ "$status" -eq 0 ]; then
		rm -f "${golden%.out}.status"
	else
		echo "$status" >"${golden%.out}.status"
	fi
	echo "  GOLDEN  $golden (exit status $status)"
	if [ -s "$tmp/run.err" ]; then
		echo "  warning: $name wrote to stderr:"
		sed 's/^/  | /' "$tmp/run.err"
	fi
	;;
*)
	echo "usage: tests/golden.sh check|backends|repeat|valgrind|update NAME" >&2
	exit 2
	;;
esac
