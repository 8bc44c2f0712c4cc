#!/bin/bash
# Run one example the way the tests do, and compare or record its output.
#
#   tests/golden.sh check NAME [ARGS...]   compare with tests/golden/NAME.out
#   tests/golden.sh update NAME            rewrite tests/golden/NAME.out
#
# ARGS go to the example (check-backends passes "-b BACKEND"): the output
# must be the same golden output. Where a backend legitimately differs,
# tests/golden/NAME@BACKEND.out (and .status) hold what it gives, and
# NAME@BACKEND.why says why. The valgrind report (below) is only compared
# for a run without ARGS.
#
# The golden file is the example's exact standard output; the page shows
# that very file. The exit status must be 0, or the number stored in
# tests/golden/NAME.status. Standard error must be empty. An example that
# runs longer than TEST_TIMEOUT seconds (default 10) fails as a hang.
#
# If tests/golden/NAME.msc exists, the example also runs with -t (its
# trace points printed), and tests/timeline.awk must turn that output
# into exactly this message sequence chart, which the site draws.
#
# If tests/golden/NAME.valgrind exists, the example is also run under
# valgrind memcheck (built with fixed flags as build/vg/NAME), and the
# report, reduced by tests/valgrind-reduce.awk to what does not change
# from run to run, must equal that file. Create it empty and run
# `make update-golden` to start one.
set -u
mode=$1
name=$2
shift 2
bin=build/examples/$name
golden=tests/golden/$name.out
status_file=tests/golden/$name.status
vg_golden=tests/golden/$name.valgrind
msc_golden=tests/golden/$name.msc
timeout_s=${TEST_TIMEOUT:-10}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Line-buffered, so that a hung example still shows how far it got.
timeout -k 2 "$timeout_s" stdbuf -oL "$bin" "$@" >"$tmp/out" 2>"$tmp/err" \
	</dev/null
status=$?

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	echo "$name: timed out after ${timeout_s}s (a hang?); output so far:"
	sed 's/^/  | /' "$tmp/out"
	exit 1
fi

# run_valgrind: the reduced report of a valgrind run, in $tmp/vg.
run_valgrind() {
	make -s "build/vg/$name" >/dev/null || return 1
	timeout -k 2 $((timeout_s * 6)) valgrind -q --leak-check=no \
		--error-exitcode=0 "build/vg/$name" >/dev/null 2>"$tmp/vg.raw" \
		</dev/null
	awk -v prog="$name" -f tests/valgrind-reduce.awk "$tmp/vg.raw" >"$tmp/vg"
}

# run_timeline: the chart of a run with -t, in $tmp/msc.
run_timeline() {
	timeout -k 2 "$timeout_s" "$bin" -t 2>/dev/null </dev/null |
		awk -f tests/timeline.awk >"$tmp/msc"
}

if [ "$mode" = update ]; then
	if [ -f "$msc_golden" ]; then
		run_timeline && cp "$tmp/msc" "$msc_golden" &&
			echo "  GOLDEN  $msc_golden"
	fi
	if [ -f "$vg_golden" ]; then
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
	[ -s "$tmp/err" ] && { echo "  warning: $name wrote to stderr:"; sed 's/^/  | /' "$tmp/err"; }
	exit 0
fi

# A backend's own golden, if it has one.
if [ "${1:-}" = -b ] && [ -f "tests/golden/$name@$2.out" ]; then
	golden=tests/golden/$name@$2.out
	status_file=tests/golden/$name@$2.status
	echo "(backend $2 has its own golden: $(cat "tests/golden/$name@$2.why"))"
fi
expected_status=0
[ -f "$status_file" ] && expected_status=$(cat "$status_file")
ok=0
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
if [ -f "$msc_golden" ] && [ $# -eq 0 ]; then
	run_timeline
	if ! diff -u --label "expected ($msc_golden)" \
		--label "actual ($bin -t | awk -f tests/timeline.awk)" \
		"$msc_golden" "$tmp/msc" >"$tmp/diff"; then
		echo "$name: the timeline of a run with -t differs from the golden chart:"
		cat "$tmp/diff"
		ok=1
	fi
fi
if [ -f "$vg_golden" ] && [ $# -eq 0 ]; then
	if ! run_valgrind; then
		echo "$name: could not build or run build/vg/$name"
		ok=1
	elif ! diff -u --label "expected ($vg_golden)" \
		--label "actual (valgrind build/vg/$name, reduced)" \
		"$vg_golden" "$tmp/vg" >"$tmp/diff"; then
		echo "$name: the valgrind report differs from the golden file:"
		cat "$tmp/diff"
		ok=1
	fi
fi
exit $ok
