#!/bin/bash
# The names of the tests of `make check`, one a line, in the order they
# are best started (the longest first):
#
#   tests/units.sh [PATTERN...]  only names that match one of the shell
#                                patterns, e.g. 'golden:*' 'versions:sid:*'
#
# A name is PART:WHAT, and the part says what runs (tests/unit.sh runs
# one test by its name):
#
#   site:doxygen               the site builds with zero warnings
#   browser:site               every page in headless Chromium
#   build:NAME                 an example or a claim-test file compiles
#   copy-build:NAME            an example builds from a copy, as a reader
#                              builds it
#   golden:NAME                its output equals its golden file
#   args:NAME                  it rejects bad arguments
#   claims:FILE                the claim tests of tests/FILE.c
#   lint:pages, lint:api-coverage
#   backend:BACKEND:NAME       an example's golden, or a file of claim
#                              tests, on one backend
#   valgrind:NAME, asan:NAME, leaks:NAME, oom:NAME
#   repeat:BACKEND:NAME        twenty runs on one backend
#   versions:SUITE:...         the same on another tevent (tests/versions.sh):
#                              build:NAME, golden:BACKEND:NAME,
#                              claims:BACKEND:FILE, args:NAME, memory:NAME,
#                              and backends (its backend list)
set -u
cd "$(dirname "$0")/.." || exit 2

. tests/matrix.sh

examples=$(ls examples/*.c | sed 's|examples/\(.*\)\.c|\1|')
tests=$(ls tests/test_*.c | sed 's|tests/\(.*\)\.c|\1|')

set -f		# the patterns are for names, not for files
# shellcheck disable=SC2206  # split "a b" into two patterns
patterns=($*)
[ ${#patterns[@]} -gt 0 ] || patterns=('*')

{
	echo site:doxygen
	echo browser:site
	for e in $examples; do echo "oom:$e"; done
	for b in $BACKENDS; do
		for e in $examples; do echo "repeat:$b:$e"; done
	done
	for e in $examples $tests; do echo "build:$e"; done
	for e in $examples; do echo "copy-build:$e"; done
	for e in $examples; do echo "golden:$e"; done
	for e in $examples; do echo "args:$e"; done
	for t in $tests; do echo "claims:$t"; done
	echo lint:pages
	echo lint:api-coverage
	echo backend:list
	for b in $BACKENDS; do
		for e in $examples $tests; do echo "backend:$b:$e"; done
	done
	for e in $examples; do
		echo "valgrind:$e"
		echo "asan:$e"
		echo "leaks:$e"
	done
	for s in $SUITES; do
		echo "versions:$s:backends"
		for e in $examples $tests; do echo "versions:$s:build:$e"; done
		for b in $BACKENDS; do
			for e in $examples; do echo "versions:$s:golden:$b:$e"; done
			for t in $tests; do echo "versions:$s:claims:$b:$t"; done
		done
		for e in $examples; do
			echo "versions:$s:args:$e"
			echo "versions:$s:memory:$e"
		done
	done
} | while read -r name; do
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053  # the pattern is meant to match
		if [[ $name == $p ]]; then
			echo "$name"
			break
		fi
	done
done
