#!/bin/bash
# The checker of the exercises (make exercise runs it).
#
#   bash exercises/check.sh                 every exercise, with its status
#   bash exercises/check.sh NAME [FILE]     check FILE (exercises/NAME/start.c)
#   bash exercises/check.sh --expected NAME the output the exercise expects
#
# A check builds the program with -Wall -Wextra, checks that its source
# uses what the exercise asks for, runs it (with a timeout, and with
# TALLOC_FREE_FILL set, so that memory read after talloc freed it holds
# garbage), compares its output with the one the exercise's README.md
# shows, counts the calls it made (exercises/probe.c, preloaded: code
# that never runs does not count), and runs it under valgrind with this
# project's suppression and the leak check. It stops at the first thing
# wrong and prints "FAIL: " and one line that says what, and where; or,
# when all is well, "PASS". The exit status is 0 for PASS.
#
# An exercise is a folder exercises/NAME with README.md (the statement:
# its first line is "# Exercise: TITLE", its expected output the first
# code block under the heading "## Expected output"), start.c, and
# check.conf, which sets:
#   AFTER          the id of the page the exercise follows (the site's
#                  page of the exercise says so; tests/gen-exercises.sh)
#   USES           functions the source must call (comments do not count)
#   CALLS          "FUNCTION>=N": calls the program must make when it runs
#                  (the names exercises/probe.c counts)
#   ARGS           arguments to run the program with (none by default)
#   TIMEOUT        seconds the program may run (5 by default; a program
#                  that hangs fails when they are up)
set -u
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
probe=$B/exercises/probe.so

# expected NAME: the expected output, from the README.
expected() {
	awk '
		/^## Expected output/ { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "exercises/$1/README.md"
}

# first_line FILE: its first line that is not empty, cut to 160 columns.
first_line() {
	grep -m 1 . "$1" | cut -c1-160
}

# freed_hint: if the run printed a value of memory that talloc had
# freed (TALLOC_FREE_FILL=165 fills it with bytes 0xa5), says so.
freed_hint() {
	if grep -qiE -- '-1515870811|2779096485|a5a5a5a5' \
		"$tmp/out" "$tmp/err" 2>/dev/null; then
		echo "; a value printed holds the bytes 0xa5 that TALLOC_FREE_FILL=165 writes into freed memory: something was read after talloc freed it"
	fi
}

# fail WHAT: the verdict.
fail() {
	echo "FAIL: $*"
	exit 1
}

# status NAME: not started, failing or passing, as the last check left it.
status() {
	local st=$B/exercises/$1.status
	if git diff --quiet HEAD -- "exercises/$1/start.c" 2>/dev/null &&
	   [ ! -f "$st" ]; then
		echo "not started"
	elif [ -f "$st" ] && [ "$st" -nt "exercises/$1/start.c" ]; then
		cat "$st"
	else
		echo "changed, not checked yet"
	fi
}

if [ $# -eq 0 ]; then
	printf '%-24s %-26s %s\n' EXERCISE STATUS TITLE
	for d in exercises/*/; do
		name=$(basename "$d")
		[ -f "$d/check.conf" ] || continue
		printf '%-24s %-26s %s\n' "$name" "$(status "$name")" \
			"$(sed -n '1s/^# Exercise: //p' "$d/README.md")"
	done
	echo
	echo "Check one: make exercise NAME=name   (it checks exercises/NAME/start.c)"
	exit 0
fi

if [ "$1" = --expected ]; then
	[ -f "exercises/${2:-}/README.md" ] || { echo "no exercise ${2:-}" >&2; exit 2; }
	expected "$2"
	exit
fi

name=$1
src=${2:-exercises/$name/start.c}
[ -f "exercises/$name/check.conf" ] || { echo "no exercise $name (make exercise lists them)"; exit 2; }
USES= CALLS= ARGS= TIMEOUT=
. "exercises/$name/check.conf"
timeout_s=${EXERCISE_TIMEOUT:-${TIMEOUT:-5}}
mkdir -p "$B/exercises"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/prog
file=${src##*/}

check() {
	# 1. It builds.
	if ! cc -g -Wall -Wextra -o "$bin" "$src" \
		$(pkg-config --cflags --libs tevent talloc) >"$tmp/cc" 2>&1; then
		fail "does not build: $(grep -m 1 'error' "$tmp/cc" | sed "s|^$src|$file|" | cut -c1-160)"
	fi
	if [ -s "$tmp/cc" ]; then
		echo "(the compiler warns: $(grep -m 1 'warning' "$tmp/cc" | sed "s|^$src|$file|" | cut -c1-140))"
	fi

	# 2. The source uses what the exercise asks for (comments stripped).
	gcc -fpreprocessed -dD -E -P "$src" 2>/dev/null >"$tmp/code"
	for fn in $USES; do
		grep -qE "\\b$fn\\b *\\(" "$tmp/code" ||
			fail "$file does not call $fn() (the exercise asks for it)"
	done

	# 3. It runs, and prints what the README shows.
	expected "$name" >"$tmp/want"
	# shellcheck disable=SC2086
	TALLOC_FREE_FILL=165 timeout -k 2 "$timeout_s" \
		env PROBE_OUT="$tmp/calls" LD_PRELOAD="$PWD/$probe" \
		"$bin" $ARGS >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		fail "still running after ${timeout_s} s: it waits for something that never comes$( [ -s "$tmp/out" ] && echo " (its last line: \"$(tail -n 1 "$tmp/out" | cut -c1-80)\")")"
	fi
	if [ "$st" -gt 128 ]; then
		sig=$(kill -l $((st - 128)) 2>/dev/null)
		msg=$(grep -m 1 -iE 'talloc|tevent' "$tmp/err" | cut -c1-120)
		fail "crashed with SIG$sig${msg:+; talloc or tevent said: $msg}"
	fi
	if ! cmp -s "$tmp/want" "$tmp/out"; then
		awk -v f="$tmp/want" '
			{ if ((getline want < f) <= 0) {
				printf "line %d is one too many: \"%s\"\n", NR, $0; exit }
			  if ($0 != want) {
				printf "line %d of the output differs: expected \"%s\", got \"%s\"\n", NR, want, $0; exit } }
			END { if (NR == 0 || (getline want < f) > 0)
				printf "the output ends after %d lines; line %d should be \"%s\"\n", NR, NR + 1, want }' \
			"$tmp/out" >"$tmp/diff"
		why=$(head -n 1 "$tmp/diff" | cut -c1-200)
		if [ "$st" -ne 0 ]; then
			why="$why (exit status $st$( [ -s "$tmp/err" ] && echo "; stderr: $(first_line "$tmp/err" | cut -c1-80)"))"
		fi
		fail "$why$(freed_hint)"
	fi
	if [ "$st" -ne 0 ]; then
		fail "exit status $st$( [ -s "$tmp/err" ] && echo "; stderr: $(first_line "$tmp/err")")$(freed_hint)"
	fi
	if [ -s "$tmp/err" ]; then
		fail "it wrote to stderr: $(first_line "$tmp/err")"
	fi

	# 4. It made the calls the exercise asks for, when it ran.
	for want in $CALLS; do
		fn=${want%%>=*}
		n=${want#*>=}
		got=$(awk -v f="$fn" '$1 == f { print $2 }' "$tmp/calls")
		[ "${got:-0}" -ge "$n" ] ||
			fail "$fn() was called ${got:-0} times when the program ran; the exercise asks for $( [ "$n" -eq 1 ] && echo "a call" || echo "at least $n")"
	done

	# 5. valgrind: no memory error, no leak (but libtevent's own).
	# shellcheck disable=SC2086
	valgrind -q --read-inline-info=no --leak-check=full --errors-for-leak-kinds=definite,possible \
		--show-leak-kinds=definite,possible --error-exitcode=99 \
		--child-silent-after-fork=yes \
		--suppressions=tests/valgrind.supp "$bin" $ARGS \
		>/dev/null 2>"$tmp/vg" </dev/null
	if [ -s "$tmp/vg" ]; then
		# the error's first line, and its first frame in the file
		what=$(sed -n 's/^==[0-9]*== \([A-Z0-9].*\)/\1/p' "$tmp/vg" | head -n 1)
		where=$(grep -m 1 -oE "[a-z_0-9]+ \($file:[0-9]+\)" "$tmp/vg")
		fail "valgrind: $what${where:+, in $where}"
	fi
	echo PASS
}

# The verdict on the learner's own start.c is kept for `make exercise`.
if [ "$src" = "exercises/$name/start.c" ]; then
	(check) >"$tmp/verdict"
	st=$?
	cat "$tmp/verdict"
	if [ "$st" -eq 0 ]; then
		echo passing >"$B/exercises/$name.status"
	else
		echo failing >"$B/exercises/$name.status"
	fi
	exit $st
fi
check
