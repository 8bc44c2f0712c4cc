#!/bin/bash
# Write OUTDIR/claim_tests.dox, the page "The claim tests" (id
# claim_tests): for each file tests/test_*.c, each of its tests in the
# order of its table, with an anchor named after the test (which the
# \claim marks of the pages link to), the pages that cite it, and its
# code. The code is cut with \snippet from OUTDIR/claims/FILE.c, a copy
# of the test file with a marker line before and after each test
# function; the copy differs from the compiled file by those lines only.
# (Doxygen registers anchors only in its inputs, not in text taken in
# with \snippet{doc}: so the whole page is generated, and the Doxyfile
# lists it as an input.)
#
#   tests/gen-claims.sh [OUTDIR]     (default build/gen)
set -eu
cd "${0%/*}/.."
out=${1:-build/gen}
mkdir -p "$out/claims"
f=$out/claim_tests.dox.tmp

# cited_on TEST: the ids of the pages whose text cites TEST (\claim,
# \claim2 or \tested), as a \ref list.
cited_on() {
	awk -v t="$1" '
		/@page[ \t]/ { page = $2 }
		{
			line = $0
			while (match(line, /\\(claim[a-z0-9]*|tested)\{[^}]*\}/)) {
				names = substr(line, RSTART, RLENGTH)
				line = substr(line, RSTART + RLENGTH)
				sub(/^[^{]*\{/, "", names)
				sub(/\}$/, "", names)
				n = split(names, name, ",")
				for (i = 1; i <= n; i++)
					if (name[i] == t && !(page in seen)) {
						seen[page] = 1
						printf "%s\\ref %s", (k++ ? ", " : ""), page
					}
			}
		}' doc/*.dox
}

{
cat <<'TXT'
/**
@page claim_tests The claim tests

@tableofcontents

Each statement the pages make about how tevent (or talloc) behaves ends
in a small check mark that links here, to the test that checks it. The
tests run on every <tt>make check</tt>: on the installed library with its
default backend, on each backend, and on each other tevent version that
<tt>make check-versions</tt> fetches. A claim whose test fails makes
<tt>make check</tt> fail, and so does a claim that names no real test,
and a test that no page cites (the lint). The page \ref claims gathers
the statements themselves.

The tests share a small harness, shown at the end of this page.
TXT
for src in tests/test_*.c; do
	file=${src##*/}
	# The copy with markers around each "static void test_...(" function.
	awk '
		/^static void test_[a-z0-9_]*\(/ {
			name = $3
			sub(/\(.*/, "", name)
			print "/*! [" name "] */"
			inside = 1
		}
		{ print }
		inside && /^}/ {
			print "/*! [" name "] */"
			inside = 0
		}' "$src" >"$out/claims/$file"
	# The file's top comment, first paragraph, as its introduction.
	# (backslashes escaped: it may name \claim{...})
	intro=$(sed -n '2,/^ \*$/{s/^ \* \{0,1\}//p}' "$src" | sed '/^$/d; s/\\/\\\\/g')
	echo "@section claim_tests_${file%.c} ${file}"
	echo
	echo "$intro"
	echo
	echo "Run one alone: <tt>make build/tests/${file%.c} \\&\\& build/tests/${file%.c} TEST</tt>"
	echo
	for t in $(sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' "$src"); do
		echo "@anchor $t"
		echo "<b>$t</b>"
		pages=$(cited_on "$t")
		[ -z "$pages" ] || echo "&mdash; backs a claim of $pages"
		echo
		echo "@snippet claims/$file $t"
		echo
	done
done
cat <<'TXT'
@section claim_tests_golden Claims checked by an example's golden files

A claim marked <tt>golden:NAME</tt> is checked by the golden test of the
program <tt>NAME.c</tt>: its output, and the report of a valgrind run
that the test compares with <tt>tests/golden/NAME.valgrind</tt> (see the
README). Such claims are about memory errors, which only a memory
checker sees. A claim marked <tt>golden:NAME\@QUALIFIER</tt> is checked
by the golden file that a backend or a tevent version has of its own,
<tt>tests/golden/NAME\@QUALIFIER.out</tt>, where it legitimately
differs; the <tt>.why</tt> file beside it says why.

@section claim_tests_fixture The harness the tests share

@include fixture.h
@include fixture.c
*/
TXT
} >"$f"
mv "$f" "$out/claim_tests.dox"
