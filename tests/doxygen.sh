#!/bin/sh
# Build the site with Doxygen into $1/html and fail on any warning.
# Doxygen 1.9.4 writes warnings about the sources to WARN_LOGFILE but
# configuration warnings to stderr only, with exit status 0, so both are
# checked here.
set -u
out=${1:-build}
mkdir -p "$out/gen"
log=$out/doxygen-warnings.log
err=$out/doxygen-stderr.log
rm -f "$log" "$err"

# The numbers of the page on testing, the page of the claim tests, the
# tables of the page on compatibility (from the latest test results),
# the pages of the exercises,
# from this build; the tables and charts of the page on performance,
# from the committed results of make bench; and the list of the
# functions the chapters teach, for the browser check.
sh tests/taught.sh >"$out/gen/taught.txt" 2>"$err" || {
	echo "doxygen: tests/taught.sh failed:"
	sed 's/^/  | /' "$err"
	exit 1
}
for gen in tests/gen-numbers tests/gen-claims tests/gen-compat \
	   tests/gen-exercises tests/bench/gen-perf; do
	if ! bash "$gen.sh" "$out/gen" 2>"$err"; then
		echo "doxygen: $gen.sh failed:"
		sed 's/^/  | /' "$err"
		exit 1
	fi
done

( cat Doxyfile
  echo "OUTPUT_DIRECTORY = $out"
  echo "WARN_LOGFILE = $log" ) | doxygen - >"$out/doxygen.log" 2>"$err"
status=$?

if [ "$status" -ne 0 ] || [ -s "$log" ] || [ -s "$err" ]; then
	echo "doxygen: the site must build with zero warnings (exit status $status)"
	cat "$log" "$err" 2>/dev/null | grep -v '^$' | sed 's/^/  | /'
	echo "  rerun: sh tests/doxygen.sh $out"
	rm -f "$out/html/index.html"	# so that make does not take it as built
	exit 1
fi

# The exercises' solutions, behind the link "show the solution" of each
# exercise's page: the tested files, as they are.
mkdir -p "$out/html/solutions"
for sol in tests/exercises/*/solution.c; do
	x=${sol%/solution.c}
	cp "$sol" "$out/html/solutions/${x##*/}.c.txt"
done
