#!/bin/bash
# The whole test suite: `make check` runs it, CI runs `make check`.
#
#   tests/run-tests.sh            every test
#   tests/run-tests.sh PATTERN    only tests whose name matches the shell
#                                 pattern, e.g. 'golden:*' or 'claim:*post*'
#   tests/run-tests.sh --list     the names of all tests, and of the skipped
#                                 ones with the reason, without running any
#
# Test names start with their part: build, copy-build, golden, args,
# claim, lint, site, backend, valgrind, asan, leaks, oom, repeat. A part
# whose names cannot match PATTERN is not run at all, so `make check-oom`
# ('oom:*') costs only the sweep.
#
# Each test prints PASS, FAIL or SKIP with its name; a failure also
# prints what was expected, what came, and the command that reruns it
# alone. The last line is "N passed, M failed, K skipped"; the exit
# status is 1 if any test failed.
set -u
cd "$(dirname "$0")/.." || exit 2

list=false
if [ "${1:-}" = --list ]; then
	list=true
	shift
fi
pattern=${1:-*}
passed=0
failed=0
skipped=0
failures=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TEST_TIMEOUT=${TEST_TIMEOUT:-10}

# part_wanted PART: can a test named "PART:..." match the pattern?
part_wanted() {
	# shellcheck disable=SC2053  # the pattern is meant to match
	[[ "$1:x" == $pattern ]] || [[ "$1:" == ${pattern%%:*}: ]] ||
		[[ $pattern != *:* ]]
}

# run_test NAME RERUN COMMAND...: run COMMAND, count and report it.
run_test() {
	local name=$1 rerun=$2
	shift 2
	# shellcheck disable=SC2053  # the pattern is meant to match
	[[ $name == $pattern ]] || return 0
	if $list; then
		echo "TEST $name"
		return 0
	fi
	if "$@" >"$tmp/log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name"
		sed 's/^/    /' "$tmp/log"
		echo "    rerun alone: $rerun"
	fi
}

# skip_test NAME WHY
skip_test() {
	# shellcheck disable=SC2053
	[[ $1 == $pattern ]] || return 0
	if $list; then
		echo "SKIP $1: $2"
		return 0
	fi
	skipped=$((skipped + 1))
	echo "SKIP $1: $2"
}

examples=()
for f in examples/*.c; do
	examples+=("$(basename "$f" .c)")
done
tests=()
for f in tests/test_*.c; do
	tests+=("$(basename "$f" .c)")
done

# lesson_error NAME: true if the example's valgrind golden has errors,
# that is, if a memory error is what the example teaches.
lesson_error() {
	[ -f "tests/golden/$1.valgrind" ] &&
		! grep -qx 'errors: 0' "tests/golden/$1.valgrind"
}

# The backends of the installed libtevent, as tevent_backend_list()
# names them.
backends=()
if part_wanted backend || part_wanted repeat; then
	make -s build/backends >/dev/null
	mapfile -t backends < <(build/backends)
fi

# Build what the parts after "build" need, once: each test does not
# call make itself (a failed build shows in build:NAME).
prebuild() {
	$list || make -s "$@" >/dev/null 2>&1 || true
}
if part_wanted golden || part_wanted args || part_wanted backend ||
	part_wanted valgrind || part_wanted leaks || part_wanted repeat; then
	prebuild examples
fi

# ---- build, copy-build, golden, args -----------------------------------

# 1. Each example compiles with -Wall -Wextra -Werror ...
if part_wanted build; then
	for e in "${examples[@]}"; do
		run_test "build:$e" "make build/examples/$e" \
			make -s "build/examples/$e"
	done
fi

# 2. ... and with the one command of its top comment, in an empty folder,
#    as a reader who copied the file would build it.
build_as_copied() {
	local e=$1 dir cmd
	dir=$(mktemp -d "$tmp/copy.XXXXXX")
	cp "examples/$e.c" "$dir/"
	cmd=$(sed -n '/^ \* Build:$/{n;s/^ \* //p;q}' "examples/$e.c")
	if [ -z "$cmd" ]; then
		echo "examples/$e.c has no ' * Build:' line in its top comment"
		return 1
	fi
	echo "\$ $cmd"
	(cd "$dir" && sh -c "$cmd" &&
		timeout -k 2 "$TEST_TIMEOUT" ./a.out >/dev/null)
}
if part_wanted copy-build; then
	for e in "${examples[@]}"; do
		run_test "copy-build:$e" "tests/run-tests.sh 'copy-build:$e'" \
			build_as_copied "$e"
	done
fi

# 3. Each example's output and exit status match its golden file.
if part_wanted golden; then
	for e in "${examples[@]}"; do
		run_test "golden:$e" \
			"make build/examples/$e && bash tests/golden.sh check $e" \
			bash tests/golden.sh check "$e"
	done
fi

# 4. A bad argument: exit status 2, one usage line on stderr, no output.
bad_args() {
	local e=$1 status lines
	shift
	"build/examples/$e" "$@" >"$tmp/args.out" 2>"$tmp/args.err" </dev/null
	status=$?
	lines=$(wc -l <"$tmp/args.err")
	echo "\$ build/examples/$e $*"
	echo "expected: exit status 2, one line on stderr starting 'usage: ', no output"
	echo "came: exit status $status, $lines lines on stderr:"
	sed 's/^/  | /' "$tmp/args.err"
	[ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/args.out" ] &&
		grep -q '^usage: ' "$tmp/args.err"
}
if part_wanted args; then
	for e in "${examples[@]}"; do
		run_test "args:$e:unknown-backend" "tests/run-tests.sh 'args:$e:*'" \
			bad_args "$e" -b no-such-backend
		run_test "args:$e:unknown-option" "tests/run-tests.sh 'args:$e:*'" \
			bad_args "$e" -x
		run_test "args:$e:extra-operand" "tests/run-tests.sh 'args:$e:*'" \
			bad_args "$e" extra
		if grep -q '"b:n:"' "examples/$e.c"; then
			run_test "args:$e:not-a-number" "tests/run-tests.sh 'args:$e:*'" \
				bad_args "$e" -n four
			run_test "args:$e:below-range" "tests/run-tests.sh 'args:$e:*'" \
				bad_args "$e" -n 0
			run_test "args:$e:above-range" "tests/run-tests.sh 'args:$e:*'" \
				bad_args "$e" -n 27
		fi
	done
fi

# ---- claims ------------------------------------------------------------

# tap_failure NAME FILE: print the diagnostics of a failed test from a
# TAP-like report ("not ok [N] - NAME" and the lines after it), as cmocka
# and tests/site/check-site.mjs write them.
tap_failure() {
	awk -v name="$1" '
		/^(not )?ok / {
			line = $0
			sub(/^not ok [0-9]* ?- /, "", line)
			show = ($0 ~ /^not ok / && line == name)
			next
		}
		show' "$2"
	return 1
}

# run_tap FILE [BACKEND]: run a claim test file, TAP output in $tmp/tap;
# its exit status.
run_tap() {
	TEVENT_TEST_BACKEND=${2:-} CMOCKA_MESSAGE_OUTPUT=TAP \
		timeout -k 2 "$TEST_TIMEOUT" "build/tests/$1" >"$tmp/tap" 2>&1
}

# 5. Each claim test against the installed library (cmocka, TAP output).
if part_wanted claim; then
	for t in "${tests[@]}"; do
		run_test "build:$t" "make build/tests/$t" make -s "build/tests/$t"
		# Built here whatever the pattern: 'claim:*' must not run an
		# old binary.
		$list || make -s "build/tests/$t" >"$tmp/build.log" 2>&1 ||
			run_test "claim:$t" "make build/tests/$t" \
				sh -c 'echo "the claim tests did not build:"; cat "$1"; exit 1' \
				_ "$tmp/build.log"
		if $list; then
			for name in $(sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' \
					"tests/$t.c"); do
				run_test "claim:$name" "build/tests/$t $name" true
			done
			continue
		fi
		[ -x "build/tests/$t" ] || continue
		run_tap "$t"
		status=$?
		while read -r line; do
			case $line in
			"ok "*|"not ok "*)
				name=${line#* - }
				if [[ $line == ok* ]]; then
					run_test "claim:$name" "build/tests/$t $name" true
				else
					run_test "claim:$name" "build/tests/$t $name" \
						tap_failure "$name" "$tmp/tap"
				fi
				;;
			esac
		done <"$tmp/tap"
		if ! grep -q '^1\.\.[0-9]' "$tmp/tap" || [ "$status" -gt 1 ]; then
			run_test "claim:$t" "build/tests/$t" \
				sh -c 'echo "exit status $1; output:"; cat "$2"; exit 1' \
				_ "$status" "$tmp/tap"
		fi
	done
fi

# ---- lint and site -----------------------------------------------------

# 6. The pages use every example and golden, and every claim names a test.
lint_pages() {
	local ok=0 e g name
	for e in "${examples[@]}"; do
		if ! grep -qE "[@\\](snippet|include)(\{[a-z]+\})? +$e\.c" doc/*.dox; then
			echo "examples/$e.c is not shown on any page (\\snippet or \\include)"
			ok=1
		fi
	done
	for g in tests/golden/*.msc; do
		[ -e "$g" ] || continue
		if ! grep -qE "[@\\]mscfile +${g##*/}( |\$)" doc/*.dox; then
			echo "$g is not drawn on any page (\\mscfile)"
			ok=1
		fi
	done
	for g in tests/golden/*.out tests/golden/*.valgrind; do
		[ -e "$g" ] || continue
		case $g in
		*@*)	# a backend's own golden: it must say why
			[ -s "${g%.out}.why" ] && continue
			echo "$g has no ${g%.out}.why"
			ok=1
			continue
			;;
		esac
		if ! grep -qE "[@\\]verbinclude +${g##*/}\$" doc/*.dox; then
			echo "$g is not shown on any page (\\verbinclude)"
			ok=1
		fi
	done
	# The examples share the command-line block [backend] word for word
	# (each example stays one file to copy): a change to one copy must
	# reach them all.
	for e in "${examples[@]}"; do
		sed -n '/\/\*! \[backend\] \*\//,/\/\*! \[backend\] \*\//p' \
			"examples/$e.c" >"$tmp/block.$e"
		[ -s "$tmp/block.$e" ] || rm "$tmp/block.$e"
	done
	first=$(ls "$tmp"/block.* 2>/dev/null | head -n 1)
	for b in "$tmp"/block.*; do
		[ -e "$b" ] || continue
		if ! cmp -s "$first" "$b"; then
			echo "examples/${b##*/block.}.c: its [backend] block differs from examples/${first##*/block.}.c's"
			ok=1
		fi
	done
	# Every lesson page shows an output.
	for f in doc/queue_tutorial.dox doc/lesson_*.dox doc/pitfalls.dox; do
		if ! grep -qE '[@\\]verbinclude ' "$f"; then
			echo "$f shows no output (\\verbinclude)"
			ok=1
		fi
	done
	# Each snippet tag opens and closes a region exactly once.
	for e in "${examples[@]}"; do
		grep -o '/\*! \[[^]]*\] \*/' "examples/$e.c" | sort | uniq -c |
			awk -v f="examples/$e.c" '$1 != 2 {
				print f ": snippet marker " $2 " " $3 " " $4 " appears " $1 " times, not 2"
				bad = 1 } END { exit bad }' || ok=1
	done
	# A claim must open its paragraph: \xrefitem takes the paragraph
	# to its end, so one inside a list item swallows the items after it.
	awk 'FNR == 1 { prev = "" }
	     /^[ \t]*\\claim2?\{/ && prev !~ /^[ \t]*$/ {
		print FILENAME ":" FNR ": \\claim does not open a paragraph"
		bad = 1
	     }
	     { prev = $0 }
	     END { exit bad }' doc/*.dox || ok=1
	grep -ohE '\\claim2?\{[a-z0-9_,:.]+\}' doc/*.dox |
		sed 's/.*{\(.*\)}/\1/' | tr ',' '\n' | sort -u >"$tmp/cited"
	sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' tests/test_*.c |
		sort -u >"$tmp/tests"
	if [ ! -s "$tmp/cited" ] || [ ! -s "$tmp/tests" ]; then
		echo "found no \\claim in doc/*.dox or no T(test) in tests/test_*.c"
		ok=1
	fi
	for name in $(comm -23 "$tmp/cited" "$tmp/tests"); do
		case $name in
		golden:*.*)
			# golden:NAME.BACKEND, a claim checked by a backend's own
			# golden, tests/golden/NAME@BACKEND.out
			g=${name#golden:}
			[ -s "tests/golden/${g%.*}@${g##*.}.why" ] && continue
			echo "doc/*.dox cites \\claim{$name}, but tests/golden/${g%.*}@${g##*.}.why is missing"
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
	for name in $(comm -13 "$tmp/cited" "$tmp/tests"); do
		echo "tests/test_*.c has $name, but no page cites it with \\claim"
		ok=1
	done
	return $ok
}

# 7. Every queue function of the installed header is used by an example
#    and named on a page.
lint_api_coverage() {
	local ok=0 fn n=0
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
		n=$((n + 1))
	done
	echo "$n queue functions in /usr/include/tevent.h"
	[ "$n" -ge 15 ] || ok=1
	return $ok
}
if part_wanted lint; then
	run_test "lint:pages" "tests/run-tests.sh lint:pages" lint_pages
	run_test "lint:api-coverage" "tests/run-tests.sh lint:api-coverage" \
		lint_api_coverage
fi

# 8. The site builds with zero Doxygen warnings.
if part_wanted site; then
	run_test "site:doxygen" "sh tests/doxygen.sh build" \
		sh tests/doxygen.sh build
fi

# ---- backends ----------------------------------------------------------

# 9. Every example prints its golden output on every backend, and every
#    claim test passes on every backend.
claims_on_backend() {
	local t=$1 b=$2
	run_tap "$t" "$b"
	local status=$?
	grep '^not ok' "$tmp/tap"
	grep -q '^1\.\.[0-9]' "$tmp/tap" && [ "$status" -eq 0 ] ||
		{ echo "exit status $status"; cat "$tmp/tap"; return 1; }
}
if part_wanted backend; then
	prebuild $(printf 'build/tests/%s ' "${tests[@]}")
	for b in "${backends[@]}"; do
		for e in "${examples[@]}"; do
			run_test "backend:$b:$e" \
				"make build/examples/$e && bash tests/golden.sh check $e -b $b" \
				bash tests/golden.sh check "$e" -b "$b"
		done
		for t in "${tests[@]}"; do
			run_test "backend:$b:$t" \
				"make build/tests/$t && TEVENT_TEST_BACKEND=$b build/tests/$t" \
				claims_on_backend "$t" "$b"
		done
	done
fi

# ---- memory: valgrind, ASan/UBSan, talloc leaks, allocation failures --

# 10. valgrind memcheck: no error, no definite or possible leak, but the
#     one stack of tests/valgrind.supp (libtevent's backend registry).
valgrind_clean() {
	local e=$1
	echo "\$ valgrind --suppressions=tests/valgrind.supp build/examples/$e"
	# --child-silent-after-fork: queue_untrigger's children abort on
	# purpose, with their memory still allocated.
	timeout -k 2 $((TEST_TIMEOUT * 6)) valgrind -q --error-exitcode=99 \
		--child-silent-after-fork=yes \
		--leak-check=full --errors-for-leak-kinds=definite,possible \
		--show-leak-kinds=definite,possible \
		--suppressions=tests/valgrind.supp \
		"build/examples/$e" >/dev/null 2>"$tmp/vg" </dev/null
	local status=$?
	echo "expected: exit status 0 and no report; came: exit status $status"
	cat "$tmp/vg"
	[ "$status" -eq 0 ] && [ ! -s "$tmp/vg" ]
}
if part_wanted valgrind; then
	for e in "${examples[@]}"; do
		if lesson_error "$e"; then
			skip_test "valgrind:$e" "its memory error is the lesson; golden:$e checks the report"
			continue
		fi
		run_test "valgrind:$e" "tests/run-tests.sh 'valgrind:$e'" \
			valgrind_clean "$e"
	done
fi

# 11. AddressSanitizer and UBSan: the golden output and a clean stderr;
#     for a pitfall whose lesson is a memory error, ASan must report it.
asan_check() {
	local e=$1 status
	echo "\$ build/asan/$e"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		timeout -k 2 $((TEST_TIMEOUT * 3)) "build/asan/$e" \
		>"$tmp/asan.out" 2>"$tmp/asan.err" </dev/null
	status=$?
	if [ "$e" = pitfall_teardown_order ]; then
		# Its bad accesses happen inside libtevent, which is not built
		# with ASan: ASan cannot see them (valgrind can, golden:$e).
		echo "ASan is blind here: the accesses are inside libtevent"
	elif lesson_error "$e"; then
		echo "expected: ASan reports heap-use-after-free, nonzero exit status"
		echo "came: exit status $status"
		head -n 5 "$tmp/asan.err"
		[ "$status" -ne 0 ] &&
			grep -q 'ERROR: AddressSanitizer: heap-use-after-free' "$tmp/asan.err"
		return
	fi
	echo "expected: exit status 0, the golden output, nothing on stderr"
	echo "came: exit status $status"
	cat "$tmp/asan.err"
	diff -u --label "expected (tests/golden/$e.out)" --label "actual" \
		"tests/golden/$e.out" "$tmp/asan.out" &&
		[ "$status" -eq 0 ] && [ ! -s "$tmp/asan.err" ]
}
if part_wanted asan; then
	prebuild $(printf 'build/asan/%s ' "${examples[@]}")
	for e in "${examples[@]}"; do
		run_test "asan:$e" "tests/run-tests.sh 'asan:$e'" asan_check "$e"
	done
fi

# 12. talloc: nothing left on the NULL context at exit.
leaks_check() {
	local e=$1 status
	echo "\$ LD_PRELOAD=build/leakcheck.so build/examples/$e"
	LD_PRELOAD=$PWD/build/leakcheck.so timeout -k 2 "$TEST_TIMEOUT" \
		"build/examples/$e" >/dev/null 2>"$tmp/leaks" </dev/null
	status=$?
	echo "expected: exit status 0, nothing left; came: exit status $status"
	cat "$tmp/leaks"
	[ "$status" -eq 0 ] && [ ! -s "$tmp/leaks" ]
}
if part_wanted leaks; then
	prebuild build/leakcheck.so
	for e in "${examples[@]}"; do
		run_test "leaks:$e" "tests/run-tests.sh 'leaks:$e'" leaks_check "$e"
	done
fi

# 13. Every allocation, made to fail in turn (tests/oom-sweep.sh).
oom_check() {
	bash tests/oom-sweep.sh "$1"
}
if part_wanted oom; then
	prebuild build/failmalloc.so $(printf 'build/asan/%s ' "${examples[@]}")
	for e in "${examples[@]}"; do
		if [ "$e" = pitfall_teardown_order ]; then
			skip_test "oom:$e" "it writes into freed memory on purpose; after that its behaviour is undefined"
			continue
		fi
		run_test "oom:$e" "tests/run-tests.sh 'oom:$e'" oom_check "$e"
	done
fi

# ---- the site in a browser ---------------------------------------------

# 15. Every page in headless Chromium (tests/site/check-site.mjs): no
#     console error, missing image, broken link or empty listing; the
#     search works; nothing comes from another host. One test per line
#     of its report.
if part_wanted browser; then
	if $list; then
		echo "TEST browser:site (one test per page and check)"
	elif ! make -s build/.site-deps build/html/index.html >"$tmp/site.log" 2>&1; then
		run_test "browser:setup" "make build/.site-deps" \
			sh -c 'cat "$1"; exit 1' _ "$tmp/site.log"
	else
		timeout -k 5 600 node tests/site/check-site.mjs build/html \
			build/site-check >"$tmp/browser" 2>&1
		status=$?
		while read -r line; do
			case $line in
			"ok - "*)
				run_test "browser:${line#ok - }" \
					"node tests/site/check-site.mjs build/html build/site-check" true
				;;
			"not ok - "*)
				name=${line#not ok - }
				run_test "browser:$name" \
					"node tests/site/check-site.mjs build/html build/site-check" \
					tap_failure "$name" "$tmp/browser"
				;;
			esac
		done <"$tmp/browser"
		if ! grep -q '^# screenshot' "$tmp/browser"; then
			run_test "browser:run" \
				"node tests/site/check-site.mjs build/html build/site-check" \
				sh -c 'echo "exit status $1"; cat "$2"; exit 1' _ "$status" "$tmp/browser"
		fi
	fi
fi

# ---- repeat ------------------------------------------------------------

# 14. Twenty runs on every backend, each the golden output.
repeat_check() {
	local e=$1 b i
	for b in "${backends[@]}"; do
		for i in $(seq 1 20); do
			if ! bash tests/golden.sh check "$e" -b "$b" >"$tmp/rep"; then
				echo "run $i of 20 on backend $b:"
				cat "$tmp/rep"
				return 1
			fi
		done
	done
	echo "20 runs on each of: ${backends[*]}"
}
if part_wanted repeat; then
	for e in "${examples[@]}"; do
		run_test "repeat:$e" "tests/run-tests.sh 'repeat:$e'" \
			repeat_check "$e"
	done
fi

$list && exit 0
echo
if [ "$failed" -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
