#!/bin/bash
# The whole test suite: `make check` runs it, CI runs `make check`.
#
#   tests/run-tests.sh            every test
#   tests/run-tests.sh PATTERN    only tests whose name matches the shell
#                                 pattern, e.g. 'golden:*' or 'claim:*post*'
#
# Each test prints PASS or FAIL with its name; a failure also prints what
# was expected, what came, and the command that reruns it alone. The last
# line is "N passed, M failed"; the exit status is 1 if any test failed.
set -u
cd "$(dirname "$0")/.." || exit 2

pattern=${1:-*}
passed=0
failed=0
failures=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_test NAME RERUN COMMAND...: run COMMAND, count and report it.
run_test() {
	local name=$1 rerun=$2
	shift 2
	# shellcheck disable=SC2053  # the pattern is meant to match
	[[ $name == $pattern ]] || return 0
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

examples=()
for f in examples/*.c; do
	examples+=("$(basename "$f" .c)")
done

# 1. Each example compiles with -Wall -Wextra -Werror ...
for e in "${examples[@]}"; do
	run_test "build:$e" "make build/examples/$e" \
		make -s "build/examples/$e"
done

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
	(cd "$dir" && sh -c "$cmd" && timeout -k 2 "${TEST_TIMEOUT:-10}" ./a.out >/dev/null)
}
for e in "${examples[@]}"; do
	run_test "copy-build:$e" "tests/run-tests.sh 'copy-build:$e'" \
		build_as_copied "$e"
done

# 3. Each example's output and exit status match its golden file.
for e in "${examples[@]}"; do
	run_test "golden:$e" "make build/examples/$e && bash tests/golden.sh check $e" \
		bash tests/golden.sh check "$e"
done

# tap_failure NAME FILE: print cmocka's diagnostics of a failed test.
tap_failure() {
	awk -v name="$1" '
		/^(not )?ok / { show = ($0 ~ "^not ok [0-9]+ - " name "$"); next }
		show' "$2"
	return 1
}

# 4. Each claim test against the installed library (cmocka, TAP output).
for t in tests/test_*.c; do
	t=$(basename "$t" .c)
	run_test "build:$t" "make build/tests/$t" make -s "build/tests/$t"
	[ -x "build/tests/$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 2 "${TEST_TIMEOUT:-10}" \
		"build/tests/$t" >"$tmp/tap" 2>&1
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
		run_test "run:$t" "build/tests/$t" \
			sh -c 'echo "exit status $1; output:"; cat "$2"; exit 1' \
			_ "$status" "$tmp/tap"
	fi
done

# 5. The pages use every example and golden, and every claim names a test.
lint_pages() {
	local ok=0 e name
	for e in "${examples[@]}"; do
		if ! grep -qE "[@\\](snippet|include)(\{[a-z]+\})? +$e\.c" doc/*.dox; then
			echo "examples/$e.c is not shown on any page (\\snippet or \\include)"
			ok=1
		fi
	done
	for g in tests/golden/*.out tests/golden/*.valgrind; do
		[ -e "$g" ] || continue
		if ! grep -qE "[@\\]verbinclude +${g##*/}\$" doc/*.dox; then
			echo "$g is not shown on any page (\\verbinclude)"
			ok=1
		fi
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
	grep -ohE '\\claim2?\{[a-z0-9_,:]+\}' doc/*.dox |
		sed 's/.*{\(.*\)}/\1/' | tr ',' '\n' | sort -u >"$tmp/cited"
	sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' tests/test_*.c |
		sort -u >"$tmp/tests"
	if [ ! -s "$tmp/cited" ] || [ ! -s "$tmp/tests" ]; then
		echo "found no \\claim in doc/*.dox or no T(test) in tests/test_*.c"
		ok=1
	fi
	for name in $(comm -23 "$tmp/cited" "$tmp/tests"); do
		case $name in
		golden:*)
			# a claim checked by an example's valgrind golden
			[ -s "tests/golden/${name#golden:}.valgrind" ] && continue
			echo "doc/*.dox cites \\claim{$name}, but tests/golden/${name#golden:}.valgrind is missing or empty"
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
run_test "lint:pages" "tests/run-tests.sh lint:pages" lint_pages

# 6. Every queue function of the installed header is used by an example
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
run_test "lint:api-coverage" "tests/run-tests.sh lint:api-coverage" \
	lint_api_coverage

# 7. The site builds with zero Doxygen warnings.
run_test "site:doxygen" "sh tests/doxygen.sh build" sh tests/doxygen.sh build

echo
if [ "$failed" -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
