#!/bin/bash
# Run one example the way the tests do, and compare or record its output.
#
#   tests/golden.sh check NAME [-b BACKEND]   compare with its golden file
#   tests/golden.sh valgrind NAME             only the valgrind report
#   tests/golden.sh update NAME               rewrite tests/golden/NAME.out
#
# The environment variable SUITE names the tevent the example was built
# for (tests/versions.sh: backports, sid); unset or empty, the installed
# one. "-b BACKEND" goes to the example.
#
# The golden file is the example's exact standard output; the page shows
# that very file. The exit status must be 0, or the number stored in
# NAME.status beside it. Standard error must be empty. An example that
# runs longer than TEST_TIMEOUT seconds (default 10) fails as a hang.
#
# Where a tevent version or a backend legitimately differs, it has a
# golden of its own, found in this order (VERSION is major.minor, such
# as 0.16):
#   NAME@VERSION@BACKEND.out, NAME@VERSION.out, NAME@BACKEND.out, NAME.out
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
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/matrix.sh
mode=$1
name=$2
shift 2
suite=${SUITE:-}
dir=$(bindir "$suite")
bin=$dir/examples/$name
version=$(suite_version "$suite")
version=${version%.*}		# 0.16.2 -> 0.16
backend=
[ "${1:-}" = -b ] && backend=${2:-}
timeout_s=${TEST_TIMEOUT:-10}

# golden_file EXT: the most specific golden with that extension.
golden_file() {
	local q
	for q in "@$version@$backend" "@$version" "@$backend" ""; do
		case $q in
		*@) continue ;;		# no backend given
		esac
		if [ -f "tests/golden/$name$q.$1" ]; then
			echo "tests/golden/$name$q.$1"
			return
		fi
	done
	echo "tests/golden/$name.$1"
}
golden=$(golden_file out)
status_file=${golden%.out}.status
vg_golden=$(golden_file valgrind)
msc_golden=tests/golden/$name.msc

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_example ARGS...: its stdout, stderr and exit status in $tmp/out,
# $tmp/err and $status; false on a hang. Line-buffered, so that a hung
# example still shows how far it got.
run_example() {
	timeout -k 2 "$timeout_s" stdbuf -oL "$bin" "$@" >"$tmp/out" \
		2>"$tmp/err" </dev/null
	status=$?
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "$name: timed out after ${timeout_s}s (a hang?); output so far:"
		sed 's/^/  | /' "$tmp/out"
		return 1
	fi
}

# run_valgrind: the reduced report of a valgrind run, in $tmp/vg.
run_valgrind() {
	[ -x "$dir/vg/$name" ] || return 1
	timeout -k 2 $((timeout_s * 6)) valgrind -q --leak-check=no \
		--error-exitcode=0 "$dir/vg/$name" >/dev/null 2>"$tmp/vg.raw" \
		</dev/null
	awk -v prog="$name" -f tests/valgrind-reduce.awk "$tmp/vg.raw" >"$tmp/vg"
}

# run_timeline: the chart of a run with -t, in $tmp/msc.
run_timeline() {
	timeout -k 2 "$timeout_s" "$bin" -t 2>/dev/null </dev/null |
		awk -f tests/timeline.awk >"$tmp/msc"
}

# check_output ARGS...: stdout, exit status and stderr of a run.
check_output() {
	local ok=0 expected_status=0
	run_example "$@" || return 1
	if [ "$golden" != "tests/golden/$name.out" ]; then
		echo "(a golden of its own: ${golden#tests/golden/}: $(cat "${golden%.out}.why"))"
	fi
	[ -f "$status_file" ] && expected_status=$(cat "$status_file")
	if [ ! -f "$golden" ]; then
		echo "$name: no golden file $golden (make update-golden writes it)"
		ok=1
	elif ! diff -u --label "expected ($golden)" --label "actual ($bin $*)" \
		"$golden" "$tmp/out" >"$tmp/diff"; then
		echo "$name: stdout differs from the golden file:"
		cat "$tmp/diff"
		ok=1
	fi
	if [ "$status" -ne "$expected_status" ]; then
		echo "$name: exit status $status, expected $expected_status"
		ok=1
	fi
	if [ -s "$tmp/err" ]; then
		echo "$name: wrote to stderr, expected nothing:"
		sed 's/^/  | /' "$tmp/err"
		ok=1
	fi
	return $ok
}

# check_timeline: the chart of a run with -t.
check_timeline() {
	run_timeline
	diff -u --label "expected ($msc_golden)" \
		--label "actual ($bin -t | awk -f tests/timeline.awk)" \
		"$msc_golden" "$tmp/msc" >"$tmp/diff" && return 0
	echo "$name: the timeline of a run with -t differs from the golden chart:"
	cat "$tmp/diff"
	return 1
}

# check_valgrind: the reduced report of a valgrind run.
check_valgrind() {
	if ! run_valgrind; then
		echo "$name: could not run $dir/vg/$name"
		return 1
	fi
	diff -u --label "expected ($vg_golden)" \
		--label "actual (valgrind $dir/vg/$name, reduced)" \
		"$vg_golden" "$tmp/vg" >"$tmp/diff" && return 0
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
update)
	run_example || exit 1
	golden=tests/golden/$name.out
	status_file=tests/golden/$name.status
	if [ -f "$msc_golden" ]; then
		run_timeline && cp "$tmp/msc" "$msc_golden" &&
			echo "  GOLDEN  $msc_golden"
	fi
	vg_golden=tests/golden/$name.valgrind
	if [ -f "$vg_golden" ]; then
		make -s "$dir/vg/$name" >/dev/null
		run_valgrind && cp "$tmp/vg" "$vg_golden" &&
			echo "  GOLDEN  $vg_golden"
	fi
	cp "$tmp/out" "$golden"
	if [ "$status" -eq 0 ]; then
		rm -f "$status_file"
	else
		echo "$status" >"$status_file"
	fi
	echo "  GOLDEN  $golden (exit status $status)"
	if [ -s "$tmp/err" ]; then
		echo "  warning: $name wrote to stderr:"
		sed 's/^/  | /' "$tmp/err"
	fi
	;;
valgrind)
	check_valgrind
	;;
check)
	ok=0
	check_output "$@" || ok=1
	# The chart and the valgrind report: for a run on the installed
	# tevent with its default backend.
	if [ $# -eq 0 ] && [ -z "$suite" ]; then
		if [ -f "$msc_golden" ]; then
			check_timeline || ok=1
		fi
		if [ -f "$vg_golden" ]; then
			check_valgrind || ok=1
		fi
	fi
	exit $ok
	;;
*)
	echo "usage: tests/golden.sh check|valgrind|update NAME [-b BACKEND]" >&2
	exit 2
	;;
esac
