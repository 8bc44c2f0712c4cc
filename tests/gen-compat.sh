#!/bin/bash
# Write OUTDIR/compat.dox: the tables of the page "Compatibility", made
# from the latest results of the tests (build/check, left by make check
# or make check-versions) and from the golden files that a version has of
# its own. The page takes each part with \snippet{doc} compat.dox TAG.
# The part made from the results ([versions]: the table of the versions and
# the failures) is plain HTML between two markers, and is also written
# alone to OUTDIR/compat-run.html:
#
#   tests/gen-compat.sh [OUTDIR]         (default build/gen)
#   tests/gen-compat.sh --splice HTMLDIR put a new [versions] into the built
#                                        page HTMLDIR/queue_compat.html
#
# make check ends with --splice (site:compat): the page then shows that
# run without a second run of Doxygen.
set -u
cd "${0%/*}/.."
. tests/matrix.sh
splice=
if [ "${1:-}" = --splice ]; then
	splice=$2/queue_compat.html
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
else
	out=${1:-build/gen}
fi
mkdir -p "$out"
f=$out/compat.dox.tmp
R=build/check
# (the exercises' reference solutions run like examples: exercise_NAME)
examples="$(ls examples/*.c | sed 's|examples/\(.*\)\.c|\1|')
$(ls tests/exercises/*/solution.c | sed 's|tests/exercises/\(.*\)/solution\.c|exercise_\1|')"
tests=$(ls tests/test_*.c | sed 's|tests/\(.*\)\.c|\1|')
n_examples=$(echo "$examples" | wc -w)
n_tests=$(echo "$tests" | wc -w)

# tally PREFIX NAMES...: sets pass, fail, skip, none to the numbers of
# tests PREFIX:NAME that passed, failed, were skipped and have no result.
tally() {
	local prefix=$1 n result
	shift
	pass=0 fail=0 skip=0 none=0
	for n in "$@"; do
		result=
		[ ! -f "$R/${prefix//://}/$n.res" ] ||
			read -r result _ <"$R/${prefix//://}/$n.res"
		case $result in
		PASS) pass=$((pass + 1)) ;;
		FAIL) fail=$((fail + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*) none=$((none + 1)) ;;
		esac
	done
}

# subtally SUITE CHECK: the same, for one check of the tests
# versions:SUITE:example:NAME, from the line "CHECK: RESULT" of each's
# report.
subtally() {
	local n line
	pass=0 fail=0 skip=0 none=0
	for n in $examples; do
		line=
		[ ! -f "$R/versions/$1/example/$n.log" ] ||
			line=$(grep -m1 "^$2: " "$R/versions/$1/example/$n.log")
		case ${line#"$2": } in
		PASS) pass=$((pass + 1)) ;;
		FAIL) fail=$((fail + 1)) ;;
		SKIP*) skip=$((skip + 1)) ;;
		*) none=$((none + 1)) ;;
		esac
	done
}

# cell TOTAL: a table cell for the last tally.
cell() {
	if [ "$none" -eq "$1" ]; then
		echo "<td>not run</td>"
	elif [ "$fail" -gt 0 ]; then
		echo "<td><b>$pass of $1, $fail failed</b></td>"
	else
		echo "<td>$pass of $1${skip:+$( [ "$skip" -gt 0 ] && echo ", $skip skipped")}$( [ "$none" -gt 0 ] && echo ", $none not run")</td>"
	fi
}

# claim_counts PREFIX: "N claim tests passed of M" over the claim runs of
# the logs PREFIX:FILE.
claim_counts() {
	local prefix=$1 t
	for t in $tests; do
		cat "$R/${prefix//://}/$t.log" 2>/dev/null
	done | awk '
		/^[0-9]+ claim tests on / { n += $1; bad += $(NF - 1); runs++ }
		END {
			if (runs == 0) { print "not run"; exit }
			printf "%d of %d", n - bad, n
			if (bad) printf ", <b>%d failed</b>", bad
		}'
}

# The part made from the results, as plain HTML.
{
echo "<div class=\"compat-run\">"
echo "<table>"
echo "<tr><th>tevent</th><th>Programs built (examples and exercise solutions)</th><th>Goldens equal, every backend</th><th>Claim tests passed, every backend</th><th>Bad arguments refused</th><th>Memory checker</th></tr>"
for s in "" $SUITES; do
	suite "$s"
	if [ -z "$s" ]; then
		what="<b>$version</b>, installed: <tt>libtevent0</tt> $(dpkg-query -W -f='${Version}' libtevent0 2>/dev/null), libtalloc $(pkg-config --modversion talloc)"
		p=
	elif [ -n "$skip_why" ]; then
		echo "<tr><td>$s</td><td colspan=\"5\">not tested: $skip_why</td></tr>"
		continue
	else
		what="<b>$version</b>, $(cat "build/versions/$s/about.html")"
		p=versions:$s:
	fi
	echo "<tr><td>$what</td>"
	if [ -z "$s" ]; then
		# shellcheck disable=SC2086
		tally build $examples
	else
		subtally "$s" build
	fi
	cell "$n_examples"
	if [ -z "$s" ]; then
		# the default backend, and every backend
		# shellcheck disable=SC2086
		tally backends $examples
		b_pass=$pass b_fail=$fail b_none=$none
		# shellcheck disable=SC2086
		tally golden $examples
		pass=$((pass < b_pass ? pass : b_pass))
		fail=$((fail + b_fail))
		none=$((none > b_none ? none : b_none))
	else
		subtally "$s" golden
	fi
	cell "$n_examples"
	if [ -z "$s" ]; then
		echo "<td>$(claim_counts backends)</td>"
	else
		echo "<td>$(claim_counts "${p}claims")</td>"
	fi
	if [ -z "$s" ]; then
		# shellcheck disable=SC2086
		tally args $examples
	else
		subtally "$s" args
	fi
	cell "$n_examples"
	if [ -z "$s" ]; then
		checker="valgrind and ASan/UBSan"
		# shellcheck disable=SC2086
		tally valgrind $examples
		v_pass=$pass v_fail=$fail v_skip=$skip v_none=$none
		# shellcheck disable=SC2086
		tally asan $examples
		pass=$((pass + v_pass)) fail=$((fail + v_fail))
		skip=$((skip + v_skip)) none=$((none + v_none))
		echo "<td>$checker: $(cell $((2 * n_examples)) | sed 's|</*td>||g')</td>"
	else
		checker=$(cat "build/versions/$s/memcheck")
		[ "$checker" = none ] && checker="none (valgrind could not be set up for this glibc's loader)"
		subtally "$s" memory
		echo "<td>$checker: $(cell "$n_examples" | sed 's|</*td>||g')</td>"
	fi
	echo "</tr>"
done
echo "</table>"
failed=$(bash tests/units.sh | while read -r u; do
	r=$R/${u//://}.res
	[ -f "$r" ] && read -r result _ <"$r" && [ "$result" = FAIL ] && echo "$u"
done)
if [ -z "$failed" ]; then
	echo "<p>No test failed in the latest run.</p>"
else
	echo "<p>Failed in the latest run:</p><ul>"
	echo "$failed" | sed 's/^/<li><tt>/; s/$/<\/tt><\/li>/'
	echo "</ul>"
fi
echo "<span class=\"compat-end\"></span></div>"
} >"$out/compat-run.html"

if [ -n "$splice" ]; then
	awk -v run="$out/compat-run.html" '
		/<div class="compat-run">/ {
			while ((getline line < run) > 0) print line
			skip = 1; done = 1
		}
		!skip { print }
		skip && /<span class="compat-end"><\/span><\/div>/ { skip = 0 }
		END { if (!done) exit 1 }' "$splice" >"$out/page.html" || {
		echo "gen-compat: no compat-run block in $splice"
		exit 1
	}
	mv "$out/page.html" "$splice"
	exit 0
fi

{
echo "/*! [versions] */"
cat "$out/compat-run.html"
echo "/*! [versions] */"

echo "/*! [goldens] */"
any=
for why in tests/golden/*@*.why; do
	[ -e "$why" ] || continue
	any=1
	g=${why##*/}
	g=${g%.why}
	name=${g%%@*}
	qual=${g#*@}
	kind=output
	[ -e "tests/golden/$g.valgrind" ] && kind="valgrind report"
	case $qual in
	*+) qual="tevent ${qual%+} and later" ;;
	[0-9]*) qual="tevent ${qual//@/ with the backend }" ;;
	*) qual="the backend $qual" ;;
	esac
	echo "- \\ref $name.c, its $kind on $qual: $(cat "$why")."
done
[ -n "$any" ] || echo "None: every example has one golden for every version and backend."
echo "/*! [goldens] */"

echo "/*! [claims] */"
# The claim tests whose expectation depends on the version.
for src in tests/test_*.c; do
	awk '
		/^static void test_[a-z0-9_]*\(/ {
			name = $3; sub(/\(.*/, "", name); inside = 1; hit = 0
		}
		inside && /tevent_version\(\)/ { hit = 1 }
		inside && /^}/ { if (hit) print name; inside = 0 }' "$src"
done | sort -u | while read -r t; do
	echo "- \\ref $t"
done
echo "/*! [claims] */"

} >"$f"
mv "$f" "$out/compat.dox"
