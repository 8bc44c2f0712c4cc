#!/bin/bash
# Write OUTDIR/numbers.dox: the numbers of the page "How the examples are
# tested", taken from this build, never typed by hand. The page takes
# each part with \snippet{doc} numbers.dox TAG. Needs the examples,
# build/backends and build/failmalloc.so built (the Makefile sees to it).
set -eu
out=${1:-build/gen}
mkdir -p "$out"
f=$out/numbers.dox.tmp
list=$out/tests.list
bash tests/units.sh | sed 's/^/TEST /' >"$list"
bash tests/units.sh --skips >>"$list"

count() {	# count PART: tests of that part in this build
	grep -c "^TEST $1:" "$list" || true
}

{
echo "/*! [parts] */"
echo "<table>"
echo "<tr><th>Part</th><th>Tests</th><th>Run alone with</th></tr>"
for row in "site:Doxygen builds the site with zero warnings:make check-site" \
	   "browser:every page read (links, anchors, offline), a page of each kind in headless Chromium, the search:make check-site" \
	   "build:examples and claim tests compile with -Wall -Wextra -Werror:make check-quick" \
	   "copy-build:each example builds from a copy, with its top comment's command:make check" \
	   "golden:output, exit status (and valgrind report) equal the golden files:make check-quick" \
	   "args:bad arguments give one usage line and exit status 2:make check-args" \
	   "claims:each file of claim tests, on the installed library:make check-quick" \
	   "lint:pages, examples, goldens, claims and the queue API fit together:make check-quick" \
	   "backend:each example's golden, and each file of claim tests, on every backend:make check-backends" \
	   "valgrind:no memory error, no leak under valgrind:make check-valgrind" \
	   "asan:clean under AddressSanitizer and UBSan:make check-asan" \
	   "tsan:the examples with threads, clean under ThreadSanitizer:make check-tsan" \
	   "leaks:nothing left on talloc's NULL context at exit:make check-leaks" \
	   "oom:every allocation failed in turn, handled cleanly:make check-oom" \
	   "repeat:5 runs at once on each backend, 20 in all, give the golden output:make check-repeat" \
	   "versions:goldens, claims, arguments and memory on tevent 0.16 and 0.17:make check-versions" \
	   "perf:the queue path's instructions per request stay within 2% of their baseline:make check-perf"; do
	part=${row%%:*}
	rest=${row#*:}
	what=${rest%%:*}
	target=${rest#*:}
	n=$(count "$part")
	skipped=$(grep -c "^SKIP $part:" "$list" || true)
	[ "$skipped" -gt 0 ] && n="$n (and $skipped skipped)"
	case $target in
	"make check") target="make check T='$part:*'" ;;
	esac
	echo "<tr><td><tt>$part</tt>: $what</td><td>$n</td><td><tt>$target</tt></td></tr>"
done
echo "<tr><td>all</td><td>$(grep -c '^TEST ' "$list")</td><td><tt>make check</tt></td></tr>"
echo "</table>"
echo "/*! [parts] */"

echo "/*! [backends] */"
n=0
names=
while read -r b; do
	n=$((n + 1))
	names="$names <tt>$b</tt>"
done < <(build/backends)
echo "The installed libtevent has $n backends:$names."
echo "/*! [backends] */"

echo "/*! [skips] */"
if grep -q '^SKIP ' "$list"; then
	grep '^SKIP ' "$list" | sed 's/^SKIP \([^ ]*\): \(.*\)$/- <tt>\1<\/tt>: \2./'
else
	echo "No test is skipped."
fi
for why in tests/golden/*@*.why; do
	[ -e "$why" ] || continue
	g=${why##*/}
	g=${g%.why}
	echo "- <tt>${g%@*}</tt> on <tt>${g#*@}</tt> has a golden of its own: $(cat "$why")."
done
echo "/*! [skips] */"

echo "/*! [oom] */"
echo "<table>"
echo "<tr><th>Example</th><th>Injection points</th></tr>"
total=0
for c in examples/*.c; do
	e=$(basename "$c" .c)
	FAILMALLOC_COUNT=$out/count LD_PRELOAD=$PWD/build/failmalloc.so \
		"build/examples/$e" >/dev/null 2>&1 </dev/null || true
	n=$(cat "$out/count" 2>/dev/null || echo 0)
	if grep -q "^SKIP oom:$e:" "$list"; then
		echo "<tr><td>\\ref $e.c</td><td>$n (skipped, see below)</td></tr>"
		continue
	fi
	total=$((total + n))
	echo "<tr><td>\\ref $e.c</td><td>$n</td></tr>"
done
echo "<tr><td>all that run</td><td>$total</td></tr>"
echo "</table>"
echo "/*! [oom] */"

echo "/*! [compat] */"
echo "The installed libtevent is $(pkg-config --modversion tevent), with libtalloc"
echo "$(pkg-config --modversion talloc)."
echo ""
echo "<table>"
echo "<tr><th>Function</th><th>Symbol version</th><th>Called by</th></tr>"
oldest=$(objdump -T "$(pkg-config --variable=libdir tevent)/libtevent.so" |
	grep -oE 'TEVENT_[0-9.]+' | sed 's/TEVENT_//' | sort -uV | head -n 1)
# the dynamic symbols each example binary imports from libtevent
for bin in build/examples/*; do
	[ -x "$bin" ] || continue
	case ${bin##*/} in exercise_*) continue ;; esac	# not examples
	nm -D --undefined-only "$bin" |
		grep -oE '\b_?tevent_[a-z0-9_]+@TEVENT_[0-9.]+' | sort -u |
		sed "s|\$| ${bin##*/}|"
done | sort -t@ -k2,2V -k1,1 | awk '
	{ split($1, sv, "@"); key = sv[1] "@" sv[2]
	  if (!(key in n)) { order[++k] = key }
	  n[key]++; who[key] = who[key] (who[key] == "" ? "" : ", ") $2 }
	END { for (i = 1; i <= k; i++) print order[i], n[order[i]], who[order[i]] }' |
while read -r symver count who; do
	sym=${symver%@*}
	ver=${symver#*@TEVENT_}
	[ "$ver" = "$oldest" ] && ver="$ver or older"
	case $sym in
	_tevent_*) name="${sym#_}() <small>(a macro; the library has $sym)</small>" ;;
	*) name="$sym()" ;;
	esac
	if [ "$count" -gt 3 ]; then
		who="$count examples"
	else
		who=$(echo "$who" | sed 's/\([a-z_][a-z_]*\)/\\ref \1.c/g')
	fi
	echo "<tr><td>$name</td><td>$ver</td><td>$who</td></tr>"
done
echo "</table>"
echo ""
need=$(for bin in build/examples/*; do
	case ${bin##*/} in exercise_*) continue ;; esac
	[ -x "$bin" ] && nm -D --undefined-only "$bin"
done | grep -oE '@TEVENT_[0-9.]+' | sed 's/@TEVENT_//' | sort -uV | tail -n 1)
echo "So the examples need libtevent $need or newer to link and run. What the"
echo "pages say they do is checked on the versions in the table at the top of"
echo "this page."
echo "/*! [compat] */"

echo "/*! [pitfalls] */"
# Each chapter's page of pitfalls, in the order of the path, with its
# sections.
for page in $(sh doc/nav.sh --path | grep -E '^(pitfalls_|queue_pitfalls$)'); do
	file=$(grep -l "^@page $page " doc/*.dox | head -n 1)
	echo "- \\ref $page"
	sed -n 's/^@section \([a-z0-9_]*\) .*/  - \\ref \1/p' "$file"
done
echo "/*! [pitfalls] */"

echo "/*! [claims] */"
echo "The pages mark $(grep -ohE '\\claim[a-z0-9]*\{' doc/*.dox | wc -l) statements"
echo "as verified, checked by $(sed -n 's/^[[:space:]]*T(\([a-z0-9_]*\)),$/\1/p' tests/test_*.c | wc -l) claim tests in"
echo "$(ls tests/test_*.c | wc -l) files, by the valgrind goldens of"
echo "$(grep -lvx 'errors: 0' tests/golden/*.valgrind 2>/dev/null | wc -l) examples, and by"
echo "$(ls tests/golden/*@*.why 2>/dev/null | wc -l) golden of a backend of its own."
echo "/*! [claims] */"
} >"$f"
mv "$f" "$out/numbers.dox"
rm -f "$out/count"
