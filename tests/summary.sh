#!/bin/bash
# The end of `make check`: the report of every failed test, whole and in
# the order of tests/units.sh, then the count, as the last line:
# "N passed, M failed, K skipped". Exit status 1 if a test failed or
# did not run.
#
#   tests/summary.sh CHECK_DIR UNITS_FILE
set -u
cd "$(dirname "$0")/.." || exit 2
dir=$1
units=$2
passed=0
failed=0
skipped=0
failures=()
declare -A skips	# reason -> how many

while read -r name; do
	out=$dir/${name//:/\/}
	if [ ! -f "$out.res" ]; then
		failed=$((failed + 1))
		failures+=("$name")
		echo
		echo "FAIL $name: did not run (make could not build what it needs; its errors are above)"
		continue
	fi
	read -r result <"$out.res"
	case $result in
	PASS*) passed=$((passed + 1)) ;;
	SKIP*)
		skipped=$((skipped + 1))
		why=${result#SKIP "$name": }
		skips[$why]=$((${skips[$why]:-0} + 1))
		;;
	*)
		failed=$((failed + 1))
		failures+=("$name")
		echo
		echo "FAIL $name"
		sed 's/^/    /' "$out.log"
		echo "    rerun alone: make check T='$name'"
		;;
	esac
done <"$units"

# The time each part took: its tests' wall time added up (they run in
# parallel, so the sum is more than the part's share of the run), and
# their CPU time.
echo
files=$(sed "s|:|/|g; s|^|$dir/|; s|\$|.res|" "$units" |
	while read -r f; do [ ! -f "$f" ] || echo "$f"; done)
printf '%-10s %6s %10s %10s\n' part tests "wall sum" cpu
# shellcheck disable=SC2086  # one file name a word
[ -z "$files" ] || awk -v dir="$dir/" '
	FNR == 1 { part = substr(FILENAME, length(dir) + 1)
		   sub(/\/.*/, "", part); n[part]++ }
	FNR == 2 { wall[part] += $1 }
	FNR >= 3 { for (i = 1; i <= NF; i++) {
			split($i, t, /[ms]/); cpu[part] += t[1] * 60 + t[2] } }
	END {
		for (p in n) {
			printf "%-10s %6d %9.1fs %9.1fs\n", p, n[p],
				wall[p] / 1000, cpu[p]
			tw += wall[p]; tc += cpu[p]; tn += n[p]
		}
		printf "~all       %6d %9.1fs %9.1fs\n", tn, tw / 1000, tc
	}' $files | sort | sed 's/^~/ /'
for why in "${!skips[@]}"; do
	echo "skipped ${skips[$why]}: $why"
done
if [ "$failed" -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
