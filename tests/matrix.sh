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
# REPEAT: check-repeat runs each example this many times at once on each
# backend (twenty runs in all, as many as the suite can afford: each is
# a process, and starting one costs more than most examples run).
REPEAT=5

# suite SUITE: sets dir to where the programs built for SUITE are,
# version to the version of its libtevent (0.16.2; the Makefile exports
# the installed one's as TEVENT_VERSION), and skip_why to why SUITE
# cannot be tested (empty if it can), vg_opts to the options valgrind
# needs there (tests/versions.sh). Variables rather than output:
# each process costs some milliseconds, and the tests start thousands.
suite() {
	skip_why=
	version=
	vg_opts=()
	if [ -z "$1" ]; then
		dir=build
		version=${TEVENT_VERSION:-$(pkg-config --modversion tevent)}
		return
	fi
	dir=build/v/$1
	if [ -f "build/versions/$1/skip" ]; then
		read -r skip_why <"build/versions/$1/skip"
	elif [ -f "build/versions/$1/version" ]; then
		read -r version <"build/versions/$1/version"
		[ ! -s "build/versions/$1/valgrind" ] ||
			read -r -a vg_opts <"build/versions/$1/valgrind"
	else
		skip_why="not fetched (tests/versions.sh $1 fetches it)"
	fi
}

# lesson_error NAME: true if the example's valgrind golden has errors,
# that is, if a memory error is what the example teaches.
lesson_error() {
	[ -f "tests/golden/$1.valgrind" ] &&
		! grep -qx 'errors: 0' "tests/golden/$1.valgrind"
}

# static_skip TEST: sets why to the reason the test is skipped whatever
# the machine (empty if it runs). tests/unit.sh skips it; the testing
# page lists it.
static_skip() {
	why=
	case $1 in
	valgrind:*)
		! lesson_error "${1#valgrind:}" ||
			why="its memory error is the lesson; golden:${1#valgrind:} checks the report"
		;;
	oom:pitfall_teardown_order)
		why="it writes into freed memory on purpose; after that its behaviour is undefined"
		;;
	esac
}

# The reference solutions of the exercises (tests/exercises/NAME/
# solution.c) are programs too, named exercise_NAME: every part of the
# suite runs them as it runs the examples.
#
# src_of NAME: sets src to the program's source file.
src_of() {
	case $1 in
	exercise_*) src=tests/exercises/${1#exercise_}/solution.c ;;
	*) src=examples/$1.c ;;
	esac
}

# golden_dir NAME: sets gdir to the folder of the program's golden files:
# tests/golden; for an exercise's solution, build/exercises/golden, where
# its golden is the output that the exercise's README.md shows (the page
# shows that file, and the learner's program is checked against it).
golden_dir() {
	local f r
	case $1 in
	exercise_*)
		gdir=build/exercises/golden
		f=$gdir/$1.out
		r=exercises/${1#exercise_}/README.md
		if [ ! -f "$f" ] || [ "$r" -nt "$f" ]; then
			mkdir -p "$gdir"
			bash exercises/check.sh --expected "${1#exercise_}" >"$f.$$" &&
				mv "$f.$$" "$f"
		fi
		;;
	*) gdir=tests/golden ;;
	esac
}

# threaded NAME: true if the program starts threads (tsan runs it; the
# OOM sweep runs its plain build).
threaded() {
	case ${1#exercise_} in
	thread_*|pitfall_thread_*) return 0 ;;
	esac
	return 1
}
