#!/bin/bash
# Run one test of the suite by its name (tests/units.sh lists them all
# and says what each part is):
#
#   tests/unit.sh NAME
#
# Alone, it prints the test's report and then PASS, FAIL or SKIP with the
# name; the exit status is 1 on FAIL. It does not build anything: the
# programs it runs must be built (`make check T=NAME` builds them and
# runs it). Under `make check`, CHECK_DIR is set: the report goes to
# CHECK_DIR/NAME.log, the status line to CHECK_DIR/NAME.res (":" in the
# name becomes "/"), and one line of progress to stdout.
set -u
cd "${0%/*}/.." || exit 2
. tests/matrix.sh
export TEST_TIMEOUT=${TEST_TIMEOUT:-10}
name=$1
# Where the test keeps its files: under make check, beside its result
# (a prefix: $tmp.NAME), so that no process is spent on a folder.
if [ -n "${CHECK_DIR:-}" ]; then
	out=$CHECK_DIR/${name//:/\/}
	[ -d "${out%/*}" ] || mkdir -p "${out%/*}"
	tmp=$out.tmp
	log=$out.log
else
	tmp=${TMPDIR:-/tmp}/unit.$$
	log=$tmp.log
fi
cleanup() {
	local f=("$tmp".*)
	[ ! -e "${f[0]}" ] || rm -rf "${f[@]}"
}
trap cleanup EXIT

# skip WHY: end the test as skipped.
skip() {
	echo "$1" >"$tmp.skip"
	return 77
}

# ---- examples: build, golden, arguments --------------------------------

# built BIN: is BIN there? If not, say why (its build log).
built() {
	[ -x "$1" ] && return 0
	echo "$1 was not built:"
	sed 's/^/  | /' "$1.log" 2>/dev/null
	return 1
}

# bin_of SUITE NAME: sets bin to an example's or a claim-test file's
# program (a variable, not an echo: every process costs here).
bin_of() {
	local d=build
	[ -z "$1" ] || d=build/v/$1
	case $2 in
	test_*) bin=$d/tests/$2 ;;
	*) bin=$d/examples/$2 ;;
	esac
}

# build SUITE NAME: it compiled with -Wall -Wextra -Werror (make built
# it before this test runs; a failure left its log beside it).
build() {
	local bin
	bin_of "$1" "$2"
	built "$bin" || return 1
	echo "built $bin with -Wall -Wextra -Werror"
	[ ! -f "$bin.log" ] || cat "$bin.log"
}

# copy_build NAME: the example builds and runs from a copy in an empty
# folder, with the command of its top comment, as a reader who copied
# the file builds it. Most examples give the same command, the canonical
# one (CANONICAL below); build:NAME compiles them that way already, with
# stricter flags, so for them this test checks the command's text and
# that the file needs nothing beside it (no #include "..."), and the
# test copy-build:canonical builds one of them for real. Any other
# command is run for real.
CANONICAL='cc NAME.c $(pkg-config --cflags --libs tevent talloc)'
copy_build() {
	local e=$1 dir cmd
	cmd=$(sed -n '/^ \* Build:$/{n;s/^ \* //p;q}' "examples/$e.c")
	if [ -z "$cmd" ]; then
		echo "examples/$e.c has no ' * Build:' line in its top comment"
		return 1
	fi
	if grep -n '^#include "' "examples/$e.c"; then
		echo "examples/$e.c includes a file of its own: a copy of it alone does not build"
		return 1
	fi
	echo "\$ $cmd"
	if [ "$cmd" = "${CANONICAL/NAME/$e}" ]; then
		echo "the canonical command: build:$e compiled the file with it, and stricter flags; copy-build:canonical runs it from an empty folder"
		return 0
	fi
	dir=$tmp.copy
	mkdir "$dir"
	cp "examples/$e.c" "$dir/"
	(cd "$dir" && sh -c "$cmd" &&
		timeout -k 2 "$TEST_TIMEOUT" ./a.out >/dev/null)
}

# copy_build_canonical: the canonical command builds and runs an example
# (the one the main page shows) from a copy in an empty folder.
copy_build_canonical() {
	local e=queue_serialized dir=$tmp.copy cmd
	cmd=${CANONICAL/NAME/$e}
	mkdir "$dir"
	cp "examples/$e.c" "$dir/"
	echo "\$ $cmd && ./a.out"
	(cd "$dir" && sh -c "$cmd" &&
		timeout -k 2 "$TEST_TIMEOUT" ./a.out >/dev/null)
}

# bad_args SUITE NAME ARGS...: exit status 2, one usage line on stderr,
# no output.
bad_args() {
	local bin status err
	bin_of "$1" "$2"
	shift 2
	"$bin" "$@" >"$tmp.args.out" 2>"$tmp.args.err" </dev/null
	status=$?
	mapfile -t err <"$tmp.args.err"
	echo "\$ $bin $*"
	echo "  expected: exit status 2, one line on stderr starting 'usage: ', no output"
	echo "  came: exit status $status, ${#err[@]} lines on stderr:"
	printf '  | %s\n' "${err[@]}"
	[ "$status" -eq 2 ] && [ "${#err[@]}" -eq 1 ] && [ ! -s "$tmp.args.out" ] &&
		[[ ${err[0]} == "usage: "* ]]
}

# args SUITE NAME: every bad argument is refused.
args() {
	local ok=0 bin src
	bin_of "$1" "$2"
	built "$bin" || return 1
	bad_args "$1" "$2" -b no-such-backend || ok=1
	bad_args "$1" "$2" -x || ok=1
	bad_args "$1" "$2" extra || ok=1
	src_of "$2"
	if grep -q '"b:n:"' "$src"; then
		bad_args "$1" "$2" -n four || ok=1
		bad_args "$1" "$2" -n 0 || ok=1
		bad_args "$1" "$2" -n 27 || ok=1
	fi
	return $ok
}

# golden SUITE NAME: the golden output, on the default backend (the
# installed tevent) or on every backend (another suite).
golden() {
	if [ -z "$1" ]; then
		bash tests/golden.sh check "$2"
	else
		SUITE=$1 bash tests/golden.sh backends "$2"
	fi
}

# ---- claims ------------------------------------------------------------

# claims SUITE FILE [BACKEND...]: the claim tests of one file, each
# reported; on each backend given (at once: they mostly wait on timers),
# or on the default one.
claims() {
	local bin suite=$1 file=$2 b bad=0
	shift 2
	bin_of "$suite" "$file"
	built "$bin" || return 1
	[ $# -gt 0 ] || set -- ""
	for b in "$@"; do
		TEVENT_TEST_BACKEND=$b CMOCKA_MESSAGE_OUTPUT=TAP \
			timeout -k 2 "$((TEST_TIMEOUT * 3))" "$bin" \
			>"$tmp.tap.$b" 2>&1 &
	done
	wait
	for b in "$@"; do
		claims_report "$bin" "$b" || bad=1
	done
	return $bad
}

# claims_report BIN BACKEND: one backend's TAP report, judged.
claims_report() {
	local bin=$1 b=$2 tap=$tmp.tap.$2 line n=0 bad=0
	while read -r line; do
		case $line in
		"ok "*) n=$((n + 1)) ;;
		"not ok "*)
			n=$((n + 1))
			bad=$((bad + 1))
			echo "FAIL ${line#* - }"
			tap_failure "${line#* - }" "$tap" | sed 's/^/    /'
			echo "    rerun alone: ${b:+TEVENT_TEST_BACKEND=$b }$bin ${line#* - }"
			;;
		esac
	done <"$tap"
	echo "$n claim tests on ${b:-the default backend}, $bad failed"
	if ! grep -q '^1\.\.[0-9]' "$tap" ||
	   [ "$(grep -c '^\(not \)\{0,1\}ok ' "$tap")" -ne "$(sed -n 's/^1\.\.//p' "$tap")" ]; then
		echo "$bin${b:+ on $b}: the run did not report every test; its output:"
		sed 's/^/  | /' "$tap"
		return 1
	fi
	[ "$bad" -eq 0 ]
}

# tap_failure NAME FILE: the diagnostics of a failed test in a TAP-like
# report ("not ok [N] - NAME" and the lines after it), as cmocka and
# tests/site/check-site.mjs write them.
tap_failure() {
	awk -v name="$1" '
		/^(not )?ok / {
			line = $0
			sub(/^not ok [0-9]* ?- /, "", line)
			show = ($0 ~ /^not ok / && line == name)
			next
		}
		show' "$2"
}

# ---- lint --------------------------------------------------------------

# The pages use every example and golden, and every claim names a test.
lint_pages() {
	local ok=0 name
	# (A few passes over the whole tree rather than a process per file:
	# the tree has hundreds of files.)
	# Every example is shown on a page, every golden too (or, for the
	# golden of a version or backend of its own, has its reason beside
	# it), and every chart is drawn.
	grep -ohE '[@\\](snippet|include)(\{[a-z]+\})? +[a-z0-9_]+\.c|[@\\](verbinclude|mscfile) +[^ ]+' doc/*.dox |
		awk '{ print $NF }' | sort -u >"$tmp.shown"
	for name in examples/*.c tests/golden/*.out tests/golden/*.valgrind \
		    tests/golden/*.msc; do
		[ -e "$name" ] || continue
		case $name in
		*@*)	[ -s "${name%.*}.why" ] ||
				{ echo "$name has no ${name%.*}.why"; ok=1; }
			continue ;;
		esac
		echo "${name##*/}"
	done | sort -u >"$tmp.files"
	for name in $(comm -23 "$tmp.files" "$tmp.shown"); do
		echo "$name is not shown on any page (\\snippet, \\include, \\verbinclude or \\mscfile)"
		ok=1
	done
	# The examples share the command-line block [backend] word for word
	# (each example stays one file to copy): a change to one copy must
	# reach them all. And each snippet tag opens and closes a region
	# exactly once.
	awk '
		FNR == 1 { on = 0; block = "" }
		/\/\*! \[backend\] \*\// { on = !on; if (!on) blocks[FILENAME] = block }
		on { block = block $0 "\n" }
		{
			line = $0
			while (match(line, /\/\*! \[[^]]*\] \*\//)) {
				tags[FILENAME SUBSEP substr(line, RSTART, RLENGTH)]++
				line = substr(line, RSTART + RLENGTH)
			}
		}
		END {
			for (f in blocks) {
				if (first == "") { first = f; ref = blocks[f] }
				if (blocks[f] != ref) {
					print f ": its [backend] block differs from the one in " first
					bad = 1
				}
			}
			for (k in tags) if (tags[k] != 2) {
				split(k, kf, SUBSEP)
				print kf[1] ": snippet marker " kf[2] " appears " tags[k] " times, not 2"
				bad = 1
			}
			exit bad
		}' examples/*.c exercises/*/start.c tests/exercises/*/*.c || ok=1
	# Every page of the learning path but the chapter pages shows an
	# output.
	sh doc/nav.sh --path | grep -v '^chapter_' >"$tmp.path"
	awk '
		NR == FNR { want[$1] = 1; next }
		/^@page[ \t]/ { page = $2 }
		/[@\\]verbinclude / { shows[page] = 1 }
		/\*\// { page = "" }
		END {
			for (p in want) if (!(p in shows)) {
				print "the page " p " shows no output (\\verbinclude)"
				bad = 1
			}
			exit bad
		}' "$tmp.path" doc/*.dox || ok=1
	# Each exercise is linked from the page it follows (AFTER in its
	# check.conf), a lesson or a page of pitfalls of the path.
	for name in exercises/*/check.conf; do
		x=${name%/check.conf}
		x=${x#exercises/}
		after=$(sed -n 's/^AFTER=//p' "$name")
		if ! grep -qx "$after" "$tmp.path"; then
			echo "$name: AFTER=$after is no lesson or page of pitfalls"
			ok=1
		elif ! awk -v p="$after" -v x="exercise_$x" '
			/^@page[ \t]/ { page = $2 }
			page == p && index($0, "\\ref " x) { found = 1 }
			/\*\// { page = "" }
			END { exit !found }' doc/*.dox; then
			echo "the page $after does not link to the exercise that follows it (\\ref exercise_$x)"
			ok=1
		fi
	done
	# A claim must open its paragraph: \xrefitem takes the paragraph
	# to its end, so one inside a list item swallows the items after it.
	awk 'FNR == 1 { prev = "" }
	     /^[ \t]*\\claim[a-z0-9]*\{/ && prev !~ /^[ \t]*$/ {
		print FILENAME ":" FNR ": \\claim does not open a paragraph"
		bad = 1
	     }
	     { prev = $0 }
	     END { exit bad }' doc/*.dox || ok=1
	# The names cited: \claim{T}, \claim2{T,U}, \tested{T} (a table
	# cell), and \claimgolden{NAME} (NAME\@QUALIFIER: Doxygen needs the
	# @ escaped) as golden:NAME.
	grep -ohE '\\(claim[a-z0-9]*|tested)\{[a-z0-9_,.@\\]+\}' doc/*.dox |
		tr -d '\\' |
		sed 's/^claimgolden{/claim{golden:/; s/.*{\(.*\)}/\1/' |
		tr ',' '\n' | sort -u >"$tmp.cited"
	sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' tests/test_*.c |
		sort >"$tmp.tests.all"
	# A test's name is its anchor on the page of the claim tests: one
	# name, one test, in all the files.
	for name in $(uniq -d "$tmp.tests.all"); do
		echo "two tests are named $name: $(grep -l "T($name)" tests/test_*.c | tr '\n' ' ')"
		ok=1
	done
	uniq "$tmp.tests.all" >"$tmp.tests"
	if [ ! -s "$tmp.cited" ] || [ ! -s "$tmp.tests" ]; then
		echo "found no \\claim in doc/*.dox or no T(test) in tests/test_*.c"
		ok=1
	fi
	for name in $(comm -23 "$tmp.cited" "$tmp.tests"); do
		case $name in
		golden:*@*)
			# golden:NAME@QUALIFIER, a claim checked by the golden a
			# version or backend has of its own
			g=${name#golden:}
			[ -s "tests/golden/$g.why" ] && continue
			echo "doc/*.dox cites \\claim{$name}, but tests/golden/$g.why is missing"
			;;
		golden:*)
			# a claim checked by an example's valgrind golden
			lesson_error "${name#golden:}" && continue
			echo "doc/*.dox cites \\claim{$name}, but tests/golden/${name#golden:}.valgrind has no error"
			;;
		*)
			echo "doc/*.dox cites \\claim{$name}, but no test in tests/test_*.c has that name"
			;;
		esac
		ok=1
	done
	for name in $(comm -13 "$tmp.cited" "$tmp.tests"); do
		echo "tests/test_*.c has $name, but no page cites it with \\claim"
		ok=1
	done
	[ $ok -eq 0 ] && echo "$(wc -l <"$tmp.cited") claims cited, $(wc -l <"$tmp.tests") claim tests"
	return $ok
}

# Every function the chapters teach (tests/taught.sh), and every queue
# function of the installed header, is used by an example.
lint_api_coverage() {
	local ok=0 fn n=0 q=0
	for fn in $(sh tests/taught.sh); do
		if ! grep -qw "$fn" examples/*.c; then
			echo "$fn: named on a page of the path, used by no example"
			ok=1
		fi
		n=$((n + 1))
	done
	# declarations only, not the header's comments (" * ...")
	for fn in $(grep -v '^ \*' /usr/include/tevent.h |
			grep -oE '\b_?tevent_(queue_[a-z_]+|[gs]et_trace_queue_callback)\(' |
			tr -d '(' | sed 's/^_//' | sort -u); do
		if ! grep -qw "$fn" examples/*.c; then
			echo "$fn: used by no example"
			ok=1
		fi
		if ! grep -qw "$fn" doc/*.dox; then
			echo "$fn: named on no page"
			ok=1
		fi
		q=$((q + 1))
	done
	echo "$n functions taught on the pages of the path, $q queue functions in /usr/include/tevent.h"
	[ "$q" -ge 15 ] || ok=1
	return $ok
}

# ---- backends ----------------------------------------------------------

# backend_list SUITE: the library has exactly the backends of the matrix.
backend_list() {
	local have
	suite "$1"
	have=$("$dir/backends" | tr '\n' ' ')
	echo "tevent_backend_list() of libtevent $version: $have"
	echo "the tests cover: $BACKENDS"
	[ "${have% }" = "$BACKENDS" ]
}

# ---- memory ------------------------------------------------------------

# valgrind_clean SUITE NAME: no error, no definite or possible leak, but
# the one stack of tests/valgrind.supp (libtevent's backend registry).
valgrind_clean() {
	local bin status
	bin_of "$1" "$2"
	built "$bin" || return 1
	suite "$1"
	echo "\$ valgrind ${vg_opts[*]} --suppressions=tests/valgrind.supp $bin"
	# --child-silent-after-fork: queue_untrigger's children abort on
	# purpose, with their memory still allocated.
	# --read-inline-info=no: a fifth of valgrind's start-up, which is
	# most of a run; only the names of inlined frames are lost.
	timeout -k 2 $((TEST_TIMEOUT * 6)) valgrind -q --error-exitcode=99 \
		--read-inline-info=no \
		--child-silent-after-fork=yes \
		--leak-check=full --errors-for-leak-kinds=definite,possible \
		--show-leak-kinds=definite,possible \
		--suppressions=tests/valgrind.supp "${vg_opts[@]}" \
		"$bin" >/dev/null 2>"$tmp.vg" </dev/null
	status=$?
	echo "expected: exit status 0 and no report; came: exit status $status"
	cat "$tmp.vg"
	[ "$status" -eq 0 ] && [ ! -s "$tmp.vg" ]
}

# asan_check SUITE NAME: the golden output and a clean stderr; for a
# pitfall whose lesson is a memory error, ASan must report it.
asan_check() {
	local e=$2 bin status golden gdir
	bin=build/asan/$e
	[ -z "$1" ] || bin=build/v/$1/asan/$e
	built "$bin" || return 1
	echo "\$ $bin"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		timeout -k 2 $((TEST_TIMEOUT * 3)) "$bin" \
		>"$tmp.asan.out" 2>"$tmp.asan.err" </dev/null
	status=$?
	if [ "$e" = pitfall_teardown_order ]; then
		# Its bad accesses happen inside libtevent, which is not built
		# with ASan: ASan cannot see them (valgrind can, golden:$e).
		echo "ASan is blind here: the accesses are inside libtevent"
	elif lesson_error "$e"; then
		echo "expected: ASan reports heap-use-after-free, nonzero exit status"
		echo "came: exit status $status"
		head -n 5 "$tmp.asan.err"
		[ "$status" -ne 0 ] &&
			grep -q 'ERROR: AddressSanitizer: heap-use-after-free' "$tmp.asan.err"
		return
	fi
	suite "$1"
	golden_dir "$e"
	golden=$gdir/$e@${version%.*}.out
	[ -f "$golden" ] || golden=$gdir/$e.out
	echo "expected: exit status 0, the golden output, nothing on stderr"
	echo "came: exit status $status"
	cat "$tmp.asan.err"
	diff -u --label "expected ($golden)" --label "actual" \
		"$golden" "$tmp.asan.out" &&
		[ "$status" -eq 0 ] && [ ! -s "$tmp.asan.err" ]
}

# tsan_check NAME: built with ThreadSanitizer, the golden output and
# nothing on stderr (no data race, no lock-order inversion).
tsan_check() {
	local bin=build/tsan/$1 status gdir
	built "$bin" || return 1
	golden_dir "$1"
	echo "\$ $bin"
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		timeout -k 2 $((TEST_TIMEOUT * 3)) "$bin" \
		>"$tmp.tsan.out" 2>"$tmp.tsan.err" </dev/null
	status=$?
	echo "expected: exit status 0, the golden output, nothing on stderr"
	echo "came: exit status $status"
	cat "$tmp.tsan.err"
	diff -u --label "expected ($gdir/$1.out)" --label "actual" \
		"$gdir/$1.out" "$tmp.tsan.out" &&
		[ "$status" -eq 0 ] && [ ! -s "$tmp.tsan.err" ]
}

# memory SUITE NAME: valgrind on that tevent (with the options
# tests/versions.sh found it needs there). A pitfall whose lesson is a
# memory error must give its golden report instead.
memory() {
	local checker
	read -r checker <"build/versions/$1/memcheck"
	if [ "$checker" != valgrind ]; then
		skip "valgrind cannot start the programs of $1 here ($checker only)"
		return
	fi
	suite "$1"
	echo "valgrind on libtevent $version"
	if lesson_error "$2"; then
		echo "its memory error is the lesson: the report must be the golden one"
		SUITE=$1 bash tests/golden.sh valgrind "$2"
		return
	fi
	valgrind_clean "$1" "$2"
}

# version_example SUITE NAME: on another tevent, the example's build,
# golden output on every backend, bad arguments and valgrind, in one
# test (each is a second or less, and a test costs some processes of
# its own). Each check ends with a line "CHECK: PASS", "CHECK: FAIL" or
# "CHECK: SKIP: why", which tests/gen-compat.sh counts.
version_example() {
	local ok=0 check status why
	for check in build golden args memory; do
		echo "== $check"
		"$check" "$1" "$2"
		status=$?
		if [ "$status" -eq 77 ]; then
			read -r why <"$tmp.skip"
			echo "$check: SKIP: $why"
		elif [ "$status" -eq 0 ]; then
			echo "$check: PASS"
		else
			echo "$check: FAIL"
			ok=1
			# not built: the other checks would only say so again
			[ "$check" = build ] && return 1
		fi
	done
	return $ok
}

# leaks NAME: talloc, nothing left on the NULL context at exit.
leaks() {
	local status
	built "build/examples/$1" || return 1
	echo "\$ LD_PRELOAD=build/leakcheck.so build/examples/$1"
	LD_PRELOAD=$PWD/build/leakcheck.so timeout -k 2 "$TEST_TIMEOUT" \
		"build/examples/$1" >/dev/null 2>"$tmp.leaks" </dev/null
	status=$?
	echo "expected: exit status 0, nothing left; came: exit status $status"
	cat "$tmp.leaks"
	[ "$status" -eq 0 ] && [ ! -s "$tmp.leaks" ]
}

# ---- exercises ---------------------------------------------------------

# exercise NAME: the checker of exercises/NAME, proven. The reference
# solution (tests/exercises/NAME/solution.c) passes; each known-wrong
# variant (wrong-*.patch beside it, at least two: the mistake, as a
# change to the solution) fails with exactly the line its .expect file
# holds, the line the learner would see; and the start file fails. Each
# runs as the learner's start.c, from a copy.
exercise() {
	local x=$1 d=tests/exercises/$1 f want got ok=0 n=0
	mkdir "$tmp.ex"
	for f in "$d/solution.c" "$d"/wrong-*.patch "exercises/$x/start.c"; do
		[ -f "$f" ] || continue
		if [[ $f == *.patch ]]; then
			rm -f "$tmp.ex/start.c"
			if ! patch -s --no-backup-if-mismatch -o "$tmp.ex/start.c" \
				"$d/solution.c" "$f" >"$tmp.ex/patch" 2>&1; then
				echo "$f: does not apply to $d/solution.c:"
				sed 's/^/  | /' "$tmp.ex/patch"
				ok=1
				continue
			fi
		else
			cp "$f" "$tmp.ex/start.c"
		fi
		bash exercises/check.sh "$x" "$tmp.ex/start.c" >"$tmp.ex/verdict" 2>&1
		got=$(tail -n 1 "$tmp.ex/verdict")
		case $f in
		*/solution.c) want=PASS ;;
		*/start.c) want="FAIL: *" ;;
		*)
			n=$((n + 1))
			if [ ! -s "${f%.patch}.expect" ]; then
				echo "$f: no ${f%.patch}.expect (the FAIL line the checker must print)"
				ok=1
				continue
			fi
			want=$(cat "${f%.patch}.expect")
			;;
		esac
		echo "$f"
		echo "  expected: $want"
		echo "  came:     $got"
		# (start.c: any FAIL; else the very line, which may hold
		# brackets: no pattern)
		if { [ "$want" = "FAIL: *" ] && [[ $got != "FAIL: "* ]]; } ||
		   { [ "$want" != "FAIL: *" ] && [ "$got" != "$want" ]; }; then
			sed 's/^/  | /' "$tmp.ex/verdict"
			ok=1
		fi
	done
	if [ "$n" -lt 2 ]; then
		echo "$d has $n wrong variants; each exercise needs at least two"
		ok=1
	fi
	given_parts "$x" || ok=1
	return $ok
}

# given_parts NAME: each part of exercises/NAME/start.c whose heading
# says "you need not change" (from that line to the next "/* ---- "
# heading) stands in the solution word for word, so that the solution
# the suite proves is a solution of the file the learner has.
given_parts() {
	local start=exercises/$1/start.c sol=tests/exercises/$1/solution.c
	local head ok=0
	# part FILE HEADING: that part of FILE
	part() {
		awk -v h="$2" '$0 == h { on = 1; print; next }
			on && /^\/\* ---- / { exit } on' "$1"
	}
	while IFS= read -r head; do
		if ! diff -u --label "$start" --label "$sol" \
			<(part "$start" "$head") <(part "$sol" "$head") \
			>"$tmp.given"; then
			echo "a given part of $start differs in $sol:"
			sed 's/^/  | /' "$tmp.given"
			ok=1
		fi
	done < <(grep '^/\* ---- .*you need not change' "$start")
	return $ok
}

# ---- the site ----------------------------------------------------------

# site_built: make built the site (tests/doxygen.sh) with zero warnings.
site_built() {
	if [ -f build/html/index.html ] && [ ! -s build/doxygen-warnings.log ] &&
	   [ ! -s build/doxygen-stderr.log ]; then
		echo "the site is built, with zero Doxygen warnings: build/html"
		return 0
	fi
	echo "the site did not build with zero warnings:"
	cat build/doxygen-warnings.log build/doxygen-stderr.log 2>/dev/null |
		grep -v '^$' | sed 's/^/  | /'
	echo "  rebuild: sh tests/doxygen.sh build"
	return 1
}

# browser: every page in headless Chromium (tests/site/check-site.mjs):
# no console error, missing image, broken link or empty listing; the
# search works; nothing comes from another host.
browser() {
	local status
	if [ ! -f build/html/index.html ]; then
		echo "build/html/index.html is missing: see site:doxygen"
		return 1
	fi
	# playwright-core, from the npm registry at the version that
	# tests/site/package-lock.json pins (build/.site-deps says when).
	if [ ! -f build/.site-deps ] ||
	   [ tests/site/package-lock.json -nt build/.site-deps ] ||
	   [ ! -d tests/site/node_modules/playwright-core ]; then
		(cd tests/site && npm ci --no-audit --no-fund --loglevel=error) ||
			{ echo "npm ci in tests/site failed"; return 1; }
		: >build/.site-deps
	fi
	timeout -k 5 600 node tests/site/check-site.mjs build/html \
		build/site-check >"$tmp.browser" 2>&1
	status=$?
	grep -c '^ok - ' "$tmp.browser" | sed 's/$/ checks passed/'
	grep '^not ok - \|^# ' "$tmp.browser"
	[ "$status" -eq 0 ] && grep -q '^# screenshot' "$tmp.browser"
}

# ---- performance -------------------------------------------------------

# perf_ir: the Ir guard of the queue path (tests/bench/ir-check.sh);
# skipped where the baseline was measured on other builds.
perf_ir() {
	local status
	built build/bench/ir_queue || return 1
	bash tests/bench/ir-check.sh >"$tmp.ir" 2>&1
	status=$?
	cat "$tmp.ir"
	if [ "$status" -eq 77 ]; then
		skip "$(tail -n 1 "$tmp.ir")"
	fi
	return "$status"
}

# ---- dispatch ----------------------------------------------------------

# run NAME: the test's report on stdout; 0 pass, 1 fail, 77 skip.
run() {
	local why
	static_skip "$1"
	if [ -n "$why" ]; then
		skip "$why"
		return
	fi
	local IFS=:
	# shellcheck disable=SC2086  # split the name at its colons
	set -- $1
	IFS=$' \t\n'
	case $1 in
	site)
		case $2 in
		doxygen) site_built ;;
		compat) bash tests/gen-compat.sh --splice build/html ;;
		*) echo "no such test: $name"; return 1 ;;
		esac
		;;
	browser) browser ;;
	build) build "" "$2" ;;
	copy-build)
		if [ "$2" = canonical ]; then
			copy_build_canonical
		else
			copy_build "$2"
		fi
		;;
	golden) golden "" "$2" ;;
	args) args "" "$2" ;;
	exercise) exercise "$2" ;;
	claims) claims "" "$2" ;;
	lint)
		case $2 in
		pages) lint_pages ;;
		api-coverage) lint_api_coverage ;;
		*) echo "no such lint: $2"; return 1 ;;
		esac
		;;
	backend) backend_list "" ;;
	backends)
		case $2 in
		test_*) claims "" "$2" $BACKENDS ;;
		*) bash tests/golden.sh backends "$2" ;;
		esac
		;;
	valgrind) valgrind_clean "" "$2" ;;
	asan) asan_check "" "$2" ;;
	tsan) tsan_check "$2" ;;
	leaks) leaks "$2" ;;
	oom) bash tests/oom-sweep.sh "$2" ;;
	repeat) bash tests/golden.sh repeat "$2" ;;
	perf)
		case $2 in
		ir-queue) perf_ir ;;
		*) echo "no such test: $name"; return 1 ;;
		esac
		;;
	versions)
		suite "$2"
		if [ -n "$skip_why" ]; then
			skip "libtevent of $2: $skip_why"
			return
		fi
		echo "libtevent $version ($2)"
		case $3 in
		backends) backend_list "$2" ;;
		claims) claims "$2" "$4" $BACKENDS ;;
		example) version_example "$2" "$4" ;;
		*) echo "no such test: $name"; return 1 ;;
		esac
		;;
	*) echo "no such test: $name (tests/units.sh lists them)"; return 1 ;;
	esac
}

start=${EPOCHREALTIME/./}
run "$name" >"$log" 2>&1
status=$?
ms=$(((${EPOCHREALTIME/./} - start) / 1000))
if [ "$status" -eq 77 ]; then
	read -r why <"$tmp.skip"
	result="SKIP $name: $why"
elif [ "$status" -eq 0 ]; then
	result="PASS $name"
else
	result="FAIL $name"
fi

if [ -z "${CHECK_DIR:-}" ]; then
	cat "$log"
	echo "$result"
	[ "$status" -ne 0 ] && [ "$status" -ne 77 ] && exit 1
	exit 0
fi

# Under make check: record, then one line of progress. The result file
# holds the status line, the wall time, and the CPU time of the test
# (this shell and its processes, as the builtin times prints them: for
# the measurements of tests/summary.sh). The count of tests done is the
# length of a file each test appends its status to.
{
	printf '%s\n%s ms\n' "$result" "$ms"
	times
} >"$out.res"
echo "${result%% *}" >>"$CHECK_DIR/.count"
mapfile -t done_list <"$CHECK_DIR/.count"
failed_n=0
for r in "${done_list[@]}"; do
	[ "$r" = FAIL ] && failed_n=$((failed_n + 1))
done
printf '[%4d/%s, %d failed] %s\n' "${#done_list[@]}" "${CHECK_TOTAL:-?}" \
	"$failed_n" "$result"
exit 0
