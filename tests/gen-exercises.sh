#!/bin/bash
# Write OUTDIR/exercises.dox: the page "Exercises" (id exercises), and a
# page for each exercise (id exercise_NAME), made from exercises/NAME:
# the statement is its README.md's part between the lines
# "<!-- [statement] -->", with the expected output that the checker and
# the solution's golden test take from it, the file to start from is
# start.c as it is,
# and the page follows the lesson that check.conf names (AFTER). The
# reference solution is not on the page: a link loads the tested file,
# which tests/doxygen.sh copies into the site as
# solutions/NAME.c.txt (.txt: a browser shows it rather than saving
# it).
#
#   tests/gen-exercises.sh [OUTDIR]     (default build/gen)
set -eu
cd "${0%/*}/.."
out=${1:-build/gen}
mkdir -p "$out"
f=$out/exercises.dox.tmp

# title NAME: the exercise's title, from its README's first line.
title() {
	sed -n '1s/^# Exercise: //p' "exercises/$1/README.md"
}

# statement NAME: the part of its README.md between the lines
# "<!-- [statement] -->", as it is: Doxygen reads it as Markdown, as a
# reader of the file does. (Not with \snippet{doc}: Doxygen 1.9.4 takes a
# snippet in after its Markdown pass, so blank lines, headings and
# fenced blocks are lost.)
statement() {
	local r=exercises/$1/README.md
	if grep -q '\*/' "$r"; then
		echo "$r: '*/' would end the page's comment" >&2
		exit 1
	fi
	awk '/<!-- \[statement\] -->/ { on = !on; next } on' "$r"
}

# The exercises in the order of the learning path (doc/nav.sh): by the
# place of the page each follows, then by name.
path=$(sh doc/nav.sh --path)
names=$(for c in exercises/*/check.conf; do
	x=${c#exercises/}
	x=${x%/check.conf}
	after=$(sed -n 's/^AFTER=//p' "$c" | tr -d '"')
	n=$(echo "$path" | grep -nx "$after" | cut -d: -f1)
	echo "${n:-999} $x"
done | sort -k1,1n -k2 | cut -d' ' -f2)

{
cat <<'EOF'
/**
@page exercises Exercises

An exercise asks you to write a program that a checker then judges, the
way the tests of this site judge its examples. Each follows a lesson or
a page of pitfalls, and each gives you a file that builds but does not
do the job yet, <tt>start.c</tt>: you edit that file, in a checkout of
this site's repository, and run

    make exercise NAME=queue_serialize

(with the exercise's name). It prints <tt>PASS</tt>, or
<tt>FAIL:</tt> and one line that names the first thing wrong: an error
of the compiler, a function the program should call and does not, the
first line of output that differs from the expected one, a crash, the
first error valgrind found, or an allocation whose failure the program
does not handle, with the line of your file where it happened.
<tt>make exercise</tt> alone lists the exercises with your status in
each: not started, failing or passing.

The checker, <tt>exercises/check.sh</tt>, in this order:
-# builds <tt>start.c</tt> with <tt>-Wall -Wextra</tt> (a warning is
   shown, but does not fail the check);
-# checks that the source calls the functions the exercise asks for
   (comments do not count);
-# runs the program, with a time limit (5 seconds, unless the exercise
   says less), and with
   <tt>TALLOC_FREE_FILL=165</tt> in its environment, so that memory
   talloc has freed is overwritten with the bytes <tt>0xa5</tt> (a
   program that reads freed memory then prints nonsense or crashes, even
   where, run by hand, it seems to work);
-# compares its standard output with the expected output of the
   statement, line by line; its exit status must be 0 and its standard
   error empty;
-# counts the calls the program made while it ran (a probe,
   <tt>exercises/probe.c</tt>, is loaded into it): code that never runs
   does not count;
-# runs it under valgrind, with the leak check and the suppression file
   of the tests: no invalid read or write, no leak;
-# runs it once for each allocation it makes (malloc(), calloc() and
   realloc(), whoever calls them), with that allocation failing: each
   run must either recover (exit status 0 and the expected output) or
   give up cleanly (a nonzero exit status and one line on standard
   error), and never crash or hang.

When the program crashes, the message names the function and line of
your file that was running, what talloc or tevent said, and the first
error valgrind finds in a run of it: for memory that was freed, the
lines that made and freed it. When an allocation's
failure is not handled, the message names the line of your file that
made the allocation.

Each exercise has a reference solution, which the test suite runs like
every example (on each backend, under valgrind, AddressSanitizer and
the rest, and on each tevent version), and known-wrong programs, each
of which the suite checks fails with the message shown to a learner. The
page of each exercise links to its solution; try first.

The exercises, in the order of the learning path, each after the page
it follows:
EOF
for x in $names; do
	AFTER=
	. "exercises/$x/check.conf"
	echo "- \\subpage exercise_$x, after \\ref $AFTER"
done
echo "*/"

for x in $names; do
	AFTER=
	SEE=
	. "exercises/$x/check.conf"
	see=
	if [ -n "$SEE" ]; then
		# "\ref a", "\ref a and \ref b", "\ref a, \ref b and \ref c"
		see=" Other lessons it draws on: $(echo "$SEE" | sed 's/\([a-z_0-9]*\)/\\ref \1/g; s/ \\ref/, \\ref/g; s/, \([^,]*\)$/ and \1/')."
	fi
	cat <<EOF

/**
@page exercise_$x Exercise: $(title "$x")

This exercise follows \\ref $AFTER.$see The folder
<tt>exercises/$x</tt> holds the statement (<tt>README.md</tt>,
shown here) and the file to start from; \\ref exercises says how the
check works.

@section exercise_${x}_task The task

$(statement "$x")

@section exercise_${x}_start The file to start from

<tt>exercises/$x/start.c</tt> builds, and fails the check:

@include $x/start.c

@section exercise_${x}_solution The solution

Only when you are done, or stuck:
<a href="solutions/$x.c.txt">show the solution</a>. It is the file
<tt>tests/exercises/$x/solution.c</tt>, which the test suite checks
with this checker and runs with every other test of the site.
*/
EOF
done
} >"$f"
mv "$f" "$out/exercises.dox"
