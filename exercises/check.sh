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
# that never runs does not count), runs it under valgrind with this
# project's suppression and the leak check, and then once for each
# allocation it makes, with that allocation failing (tests/failmalloc.c,
# preloaded). It stops at the first thing wrong and prints "FAIL: " and
# one line that says what, and where (a valgrind error's frame in the
# file; for a crash, valgrind's first error; the line that made the
# allocation whose failure the program did not handle); or, when all is
# well, "PASS". The exit status is 0 for PASS.
#
# An exercise is a folder exercises/NAME with README.md (the statement:
# its first line is "# Exercise: TITLE", its expected output the first
# code block under the heading "## Expected output"), start.c, and
# check.conf, which sets:
#   AFTER          the id of the page the exercise follows (the site's
#                  page of the exercise says so; tests/gen-exercises.sh)
#   SEE            ids of other lesson pages the exercise draws on (its
#                  page links them)
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
for f in "$probe" "$B/failmalloc.so"; do
	[ -f "$f" ] || { echo "$f is missing: run the check with make exercise NAME=$name"; exit 2; }
done
mkdir -p "$B/exercises"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/prog
file=${src##*/}

check() {
	# 1. It builds.
	if ! cc -g -Wall -Wextra -o "$bin" "$src" \
		$(pkg-config --cflags --libs tevent talloc) >"$tmp/cc" 2>&1; then
		fail "does not build: $(grep -m 1 -E 'error:|undefined reference' "$tmp/cc" |
			sed "s|^$src|$file|; s|^/usr/bin/ld: [^ ]*: ||" | cut -c1-160)"
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
	# (In a group whose stderr goes nowhere: the shell's own line about
	# a crash is not the program's.)
	# shellcheck disable=SC2086
	{ TALLOC_FREE_FILL=165 timeout -k 2 "$timeout_s" \
		env PROBE_OUT="$tmp/calls" PROBE_TRACE="$tmp/crash" \
		LD_PRELOAD="$PWD/$probe" \
		"$bin" $ARGS >"$tmp/out" 2>"$tmp/err" </dev/null; } 2>/dev/null
	st=$?
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		fail "still running after ${timeout_s} s, though the expected output takes well under a second: it waits for something that never comes, or comes too late$( [ -s "$tmp/out" ] && echo " (its last line: \"$(tail -n 1 "$tmp/out" | cut -c1-80)\")" || echo " (it printed nothing)")"
	fi
	if [ "$st" -gt 128 ]; then
		sig=$(kill -l $((st - 128)) 2>/dev/null)
		msg=$(grep -m 1 -iE 'talloc|tevent|type mismatch' "$tmp/err" |
			sed "s|$(dirname "$src")/||g" | cut -c1-120)
		case $msg in
		*"Bad talloc magic value"*)
			msg="$msg (talloc was given a pointer to memory that it had freed, or never allocated)" ;;
		esac
		at=$(trace_site "$tmp/crash")
		vg_first_error crash
		# (where it crashed is said once)
		[ -z "$at" ] || vg=${vg/, in $at/}
		fail "crashed with SIG$sig${at:+ in $at}${msg:+; talloc or tevent said: $msg}${vg:+; valgrind: $vg}"
	fi
	if ! cmp -s "$tmp/want" "$tmp/out"; then
		awk -v f="$tmp/want" '
			{ if ((getline want < f) <= 0) {
				printf "line %d is one too many: \"%s\"\n", NR, $0; exit }
			  if ($0 != want) {
				printf "line %d of the output differs: expected \"%s\", got \"%s\"\n", NR, want, $0; exit } }
			END { if (NR == 0 || (getline want < f) > 0)
				printf "the output ends after %d line%s; line %d should be \"%s\"\n", NR, NR == 1 ? "" : "s", NR + 1, want }' \
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
	vg_first_error
	[ -z "$vg" ] || fail "valgrind: $vg"

	# 6. Every allocation failure is handled.
	oom_sweep
	echo PASS
}

# vg_first_error [crash]: runs the program under valgrind, with this
# project's suppression and the leak check; sets vg to its first error
# ("" if none), told by the learner's frames: where it happened, where
# the block was made and where it was freed, each with the library
# function that frame called (a leak: the call that made the block).
# With "crash", leaks do not count (a program that dies leaks).
vg_first_error() {
	# shellcheck disable=SC2086
	{ TALLOC_FREE_FILL=165 valgrind -q --read-inline-info=no \
		--leak-check=full --errors-for-leak-kinds=definite,possible \
		--show-leak-kinds=definite,possible --error-exitcode=99 \
		--child-silent-after-fork=yes \
		--suppressions=tests/valgrind.supp "$bin" $ARGS \
		>/dev/null 2>"$tmp/vg" </dev/null; } 2>/dev/null
	vg=
	[ -s "$tmp/vg" ] || return 0
	vg=$(awk -v file="$file" -v crash="${1:-}" '
		# "FN (start.c:N)" for a frame of the learner, "FN (libX)"
		# for a library one, "libX" for one without a name, "FN"
		# for the malloc() and free() of valgrind; "" if unknown
		function frame(line,   fn, loc) {
			sub(/^==[0-9]+==[ \t]+(at|by) 0x[0-9A-F]+: /, "", line)
			fn = line; sub(/ .*/, "", fn); sub(/@.*/, "", fn)
			if (index(line, "(" file ":")) {
				loc = line; sub(/.*\(/, "", loc); sub(/\).*/, "", loc)
				return fn " (" loc ")"
			}
			if (line ~ /\(in \/.*vgpreload/) return fn
			if (line ~ /\(in \//) {
				loc = line; sub(/.*\//, "", loc); sub(/[.]so.*/, "", loc)
				return fn == "???" ? loc : fn " (" loc ")"
			}
			return fn == "???" ? "" : fn
		}
		function mine(f) { return index(f, "(" file ":") > 0 }
		# "F, called from MINE": the function of a library that the
		# learner called, and the frame of the learner that called
		# it (not the frames inside the library, which may be
		# misnamed: valgrind names a static function of a stripped
		# library after an exported one near it)
		function told(callee, mine_f) {
			if (mine_f == "") return ""
			if (callee == "") return mine_f
			return callee ", called from " mine_f
		}
		/^==[0-9]+== [A-Z0-9]/ {
			if (what != "") exit
			w = $0; sub(/^==[0-9]+== /, "", w)
			if (crash != "" && w ~ / lost in loss record /) next
			what = w; part = "err"; prev = ""; next
		}
		what == "" { next }
		/^==[0-9]+== +Address .* free.d$/ { part = "free"; prev = ""; next }
		/^==[0-9]+== +Block was alloc.d at/ { part = "alloc"; prev = ""; next }
		/^==[0-9]+== +(at|by) 0x/ {
			f = frame($0)
			if (f == "") next
			if (mine(f) && my[part] == "") {
				my[part] = f
				callee[part] = prev
			}
			prev = f
		}
		END {
			if (what == "") exit
			out = what
			# a leak: the call of the learner that made the block
			if (what ~ / lost in loss record /) {
				sub(/ in loss record .*/, "", out)
				sub(/ 1 blocks are/, " 1 block is", out)
				print out ", made by " told(callee["err"], my["err"])
				exit
			}
			w = told(callee["err"], my["err"])
			if (w != "") out = out ", in " w
			w = told(callee["alloc"], my["alloc"])
			if (w != "") out = out ", inside a block made by " w
			w = told(callee["free"], my["free"])
			if (w != "") out = out " and freed by " w
			print out
		}' "$tmp/vg")
}

# oom_sweep: makes each allocation of a run fail in turn (malloc, calloc
# and realloc, by tests/failmalloc.c, preloaded), eight runs at a time.
# At each, the program must end within the time limit, without a
# signal, and either recover (exit status 0, the expected output) or
# give up (a nonzero exit status and one line on stderr). The first that
# does not fails the check, with the line of the file that made that
# allocation.
oom_sweep() {
	local shim=$PWD/$B/failmalloc.so points n i end st why
	FAILMALLOC_COUNT=$tmp/count LD_PRELOAD=$shim "$bin" $ARGS \
		>/dev/null 2>&1 </dev/null
	read -r points <"$tmp/count" 2>/dev/null || points=0
	mkdir "$tmp/oom"
	for ((n = 1; n <= points; n += 8)); do
		end=$((n + 7 <= points ? n + 7 : points))
		for ((i = n; i <= end; i++)); do
			# shellcheck disable=SC2086
			( FAILMALLOC_AT=$i LD_PRELOAD=$shim timeout -k 2 "$timeout_s" \
				"$bin" $ARGS >"$tmp/oom/$i.out" 2>"$tmp/oom/$i.err" \
				</dev/null; echo $? >"$tmp/oom/$i.st" ) 2>/dev/null &
		done
		wait
		for ((i = n; i <= end; i++)); do
			read -r st <"$tmp/oom/$i.st"
			why=
			if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
				why="it was still running after ${timeout_s} s"
			elif [ "$st" -gt 128 ]; then
				why="it crashed with SIG$(kill -l $((st - 128)) 2>/dev/null)"
			elif [ "$st" -eq 0 ] && ! cmp -s "$tmp/want" "$tmp/oom/$i.out"; then
				why="it ended with exit status 0, but its output differs from the expected one"
			elif [ "$st" -ne 0 ] && [ "$(grep -c '' "$tmp/oom/$i.err")" -ne 1 ]; then
				why="it ended with exit status $st and $(grep -c '' "$tmp/oom/$i.err") lines on stderr; one line saying why is expected"
			fi
			[ -z "$why" ] || fail "when allocation $i of $points fails$(alloc_site "$i"), $why"
		done
	done
}

# alloc_site N: " (made in FUNCTION, start.c:LINE)": the first frame in
# the learner's file of the stack of allocation N, if there is one.
alloc_site() {
	local at
	rm -f "$tmp/trace"
	# shellcheck disable=SC2086
	# (the trace is written when the allocation fails: a second is
	# plenty, even for a run that then hangs)
	{ FAILMALLOC_AT=$1 FAILMALLOC_TRACE=$tmp/trace \
		LD_PRELOAD=$PWD/$B/failmalloc.so timeout -k 1 1 \
		"$bin" $ARGS >/dev/null 2>&1 </dev/null; } 2>/dev/null
	at=$(trace_site "$tmp/trace")
	# (in parentheses itself: "FUNCTION, start.c:LINE")
	[ -z "$at" ] || printf ' (made in %s)' "$(echo "$at" | sed 's/ (\(.*\))$/, \1/')"
}

# trace_site TRACE: "FUNCTION (start.c:LINE)", the first frame in the
# learner's file of a stack that tests/failmalloc.c or exercises/probe.c
# wrote (return addresses, then "maps" and /proc/self/maps), if any.
trace_site() {
	[ -s "$1" ] || return 0
	awk -v bin="$(readlink -f "$bin")" '
		function hex(s,    v, i) {
			sub(/^0x/, "", s)
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		/^maps$/ { maps = 1; next }
		!maps { frame[++n] = $1; next }
		$NF == bin {
			# (numbers kept as numbers: as strings, awk would
			# round them to six digits)
			split($1, r, "-")
			lo[++k] = hex(r[1]); hi[k] = hex(r[2])
			if ($3 == "00000000") base = lo[k]
		}
		END {
			for (i = 1; i <= n; i++) {
				a = hex(frame[i])
				for (j = 1; j <= k; j++) {
					if (a >= lo[j] && a < hi[j]) {
						printf "0x%x\n", a - base - 1
						break
					}
				}
			}
		}' "$1" >"$tmp/offsets"
	[ -s "$tmp/offsets" ] || return 0
	# shellcheck disable=SC2046
	addr2line -f -e "$bin" $(cat "$tmp/offsets") | paste - - |
		awk -v f="$file" '{ n = split($2, p, "/"); sub(/ .*/, "", p[n]) }
			p[n] ~ "^" f ":[0-9]+$" { printf "%s (%s)", $1, p[n]; exit }'
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
