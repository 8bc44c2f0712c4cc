#!/bin/bash
# The names of the tests of `make check`, one a line, in the order they
# are best started (the longest first):
#
#   tests/units.sh [PATTERN...]  only names that match one of the shell
#                                patterns, e.g. 'golden:*' 'versions:sid:*'
#   tests/units.sh --skips       the tests skipped on every machine, as
#                                "SKIP NAME: why"
#
# A name is PART:WHAT, and the part says what runs (tests/unit.sh runs
# one test by its name):
#
#   site:doxygen               the site builds with zero warnings
#   site:compat                its page on compatibility gets this run's
#                              results
#   browser:site               every page in headless Chromium
#   exercise:NAME              the checker of an exercise (exercises/):
#                              the solution passes, each wrong variant
#                              fails with the message of its .expect
#                              file, and the start file fails
#   build:NAME                 an example, an exercise's solution
#                              (exercise_NAME) or a claim-test file
#                              compiles
#   copy-build:NAME            an example builds from a copy, as a reader
#                              builds it (copy-build:canonical runs the
#                              command most examples give)
#   golden:NAME                its output equals its golden file
#   args:NAME                  it rejects bad arguments
#   claims:FILE                the claim tests of tests/FILE.c
#   lint:pages, lint:api-coverage
#   backend:list               the library has the backends we test
#   backends:NAME              an example's golden, or a file of claim
#                              tests, on every backend
#   valgrind:NAME, asan:NAME, leaks:NAME, oom:NAME
#   tsan:NAME                  ThreadSanitizer, for the examples with
#                              threads (thread_*, pitfall_thread_*)
#   repeat:NAME                five runs at once on each backend
#   perf:ir-queue              the instructions per request of the queue
#                              path stay within 2% of their baseline
#                              (tests/bench/ir-check.sh)
#   versions:SUITE:...         the same on another tevent (tests/versions.sh):
#                              backends (its list), claims:FILE (every
#                              backend), and example:NAME, which checks an
#                              example's build, golden (every backend),
#                              arguments and valgrind in one test
set -u
cd "$(dirname "$0")/.." || exit 2

. tests/matrix.sh

examples=$(ls examples/*.c | sed 's|examples/\(.*\)\.c|\1|')
# the exercises, and their solutions as programs (exercise_NAME)
exercises=$(ls tests/exercises/*/solution.c | sed 's|tests/exercises/\(.*\)/solution\.c|\1|')
solutions=$(printf 'exercise_%s\n' $exercises)
tests=$(ls tests/test_*.c | sed 's|tests/\(.*\)\.c|\1|')

skips=false
if [ "${1:-}" = --skips ]; then
	skips=true
	shift
fi
set -f		# the patterns are for names, not for files
# shellcheck disable=SC2206  # split "a b" into two patterns
patterns=($*)
[ ${#patterns[@]} -gt 0 ] || patterns=('*')

{
	echo site:doxygen
	echo browser:site
	echo perf:ir-queue
	for e in $examples $solutions; do echo "oom:$e"; done
	for e in $examples $solutions; do echo "repeat:$e"; done
	for x in $exercises; do echo "exercise:$x"; done
	for e in $examples $solutions $tests; do echo "build:$e"; done
	echo copy-build:canonical
	for e in $examples; do echo "copy-build:$e"; done
	for e in $examples $solutions; do echo "golden:$e"; done
	for e in $examples $solutions; do echo "args:$e"; done
	for t in $tests; do echo "claims:$t"; done
	echo lint:pages
	echo lint:api-coverage
	echo backend:list
	for e in $examples $solutions $tests; do echo "backends:$e"; done
	for e in $examples $solutions; do
		echo "valgrind:$e"
		echo "asan:$e"
		echo "leaks:$e"
		! threaded "$e" || echo "tsan:$e"
	done
	for s in $SUITES; do
		echo "versions:$s:backends"
		for t in $tests; do echo "versions:$s:claims:$t"; done
		for e in $examples $solutions; do echo "versions:$s:example:$e"; done
	done
	echo site:compat
} | while read -r name; do
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053  # the pattern is meant to match
		if [[ $name == $p ]]; then
			if ! $skips; then
				echo "$name"
			else
				static_skip "$name"
				[ -z "$why" ] || echo "SKIP $name: $why"
			fi
			break
		fi
	done
done
