# The test matrix, sourced by tests/units.sh, tests/unit.sh and
# tests/golden.sh.
#
# BACKENDS: every example and claim test runs on each; backend:list and
# versions:SUITE:backends check that each library has exactly these, so
# that a backend added or removed upstream cannot go untested.
BACKENDS="standard epoll poll_mt poll"
# SUITES: the other tevents (tests/versions.sh fetches them); the
# installed one is the suite "" in the functions below.
SUITES="backports sid"

# bindir SUITE: where the programs built for SUITE are.
bindir() {
	if [ -z "$1" ]; then echo build; else echo "build/v/$1"; fi
}

# suite_version SUITE: the version of its libtevent, as 0.16.2.
suite_version() {
	if [ -z "$1" ]; then
		pkg-config --modversion tevent
	else
		cat "build/versions/$1/version" 2>/dev/null
	fi
}

# suite_skip SUITE: why SUITE cannot be tested (nothing if it can).
suite_skip() {
	[ -z "$1" ] && return 0
	if [ -f "build/versions/$1/skip" ]; then
		cat "build/versions/$1/skip"
	elif [ ! -f "build/versions/$1/version" ]; then
		echo "not fetched (tests/versions.sh $1 fetches it)"
	fi
}
