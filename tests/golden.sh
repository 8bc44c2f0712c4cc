#!/bin/bash
# Run one example the way the tests do, and compare or record its output.
#
#   tests/golden.sh check NAME    compare with tests/golden/NAME.out
#   tests/golden.sh update NAME   rewrite tests/golden/NAME.out
#
# The golden file is the example's exact standard output; the page shows
# that very file. The exit status must be 0, or the number stored in
# tests/golden/NAME.status. Standard error must be empty. An example that
# runs longer than TEST_TIMEOUT seconds (default 10) fails as a hang.
set -u
mode=$1
name=$2
bin=build/examples/$name
golden=tests/golden/$name.out
status_file=tests/golden/$name.status
timeout_s=${TEST_TIMEOUT:-10}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Line-buffered, so that a hung example still shows how far it got.
timeout -k 2 "$timeout_s" stdbuf -oL "$bin" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	echo "$name: timed out after ${timeout_s}s (a hang?); output so far:"
	sed 's/^/  | /' "$tmp/out"
	exit 1
fi

if [ "$mode" = update ]; then
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

expected_status=0
[ -f "$status_file" ] && expected_status=$(cat "$status_file")
ok=0
if [ ! -f "$golden" ]; then
	echo "$name: no golden file $golden (make update-golden writes it)"
	ok=1
elif ! diff -u --label "expected ($golden)" --label "actual ($bin)" \
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
exit $ok
