#!/bin/bash
# The other tevents a Debian 12 user can install, fetched for
# `make check-versions` without touching the system:
#
#   tests/versions.sh [SUITE...]     default: backports sid
#
#   backports   bookworm-backports (tevent 0.16 on the day this was written)
#   sid         Debian unstable (tevent 0.17)
#
# For each suite, apt runs with a configuration and state of its own in
# build/versions/SUITE/apt (no change to the system's sources, lists or
# installed packages), checks the suite's signature with Debian's archive
# keyring, and downloads the .debs of libtevent, libtalloc and their -dev
# packages, whatever version the suite serves that day; dpkg-deb -x
# unpacks them into build/versions/SUITE/root. If the suite's libraries
# need a newer glibc than the system's (sid's do), its libc6 is unpacked
# too, and the programs built for that suite start with its loader; the
# loader's debug file from libc6-dbg lets valgrind start them (see
# loader_debug below).
#
# It writes, in build/versions/SUITE:
#   version     the upstream version of libtevent (0.17.2)
#   about       one line for the reader: packages, versions, the date of
#               the suite's Release file
#   about.html  the same, for the compatibility page
#   cflags, libs   what to compile and link a program with
#   memcheck    valgrind, or none if valgrind cannot be set up to start
#               the programs there (the memory tests then say SKIP)
#   valgrind    the options valgrind needs there (may be empty)
#   skip        instead of all of the above, if the suite could not be
#               fetched: the reason, one line (the tests print it as SKIP)
#
# A suite already fetched is fetched again only when its package lists
# are more than a day old, or when the files above are missing.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD/build/versions
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# The Debian mirror the system uses, so that a local mirror is honoured.
mirror() {
	local uri
	uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$uri" ] ||
		uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\/debian\)\/* .*/\2/p' \
			/etc/apt/sources.list 2>/dev/null | head -n 1)
	echo "${uri:-http://deb.debian.org/debian}"
}

# skip DIR WHY: record why the suite is not available.
skip() {
	rm -f "$1/version" "$1/about" "$1/about.html" "$1/cflags" "$1/libs" \
		"$1/memcheck" "$1/valgrind"
	echo "$2" >"$1/skip"
	echo "versions: $(basename "$1"): SKIP: $2"
}

# glibc_version: the system's, as 2.36.
glibc_version() {
	getconf GNU_LIBC_VERSION | awk '{ print $2 }'
}

fetch() {
	local suite=$1 codename dir apt sandbox pkgs p v need_libc libc_min
	local lib tal root new L interp
	case $suite in
	backports) codename=bookworm-backports ;;
	sid) codename=sid ;;
	*) echo "versions: unknown suite $suite"; return 1 ;;
	esac
	dir=$top/$suite
	apt=$dir/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
		"$apt/etc/apt.conf.d" "$apt/etc/preferences.d" \
		"$apt/etc/sources.list.d" "$dir/debs"
	touch "$apt/status"
	if [ ! -r "$keyring" ]; then
		skip "$dir" "no $keyring (Debian's package debian-archive-keyring)"
		return 0
	fi
	if [ -f "$dir/version" ] && [ -f "$dir/libs" ] &&
	   [ -n "$(find "$apt/lists" -maxdepth 1 -name '*InRelease' -mtime -1)" ]; then
		echo "versions: $suite: $(cat "$dir/about") (fetched within a day)"
		return 0
	fi
	# Signatures are checked with Debian's keyring. The freshness check
	# (Valid-Until) is off in this private configuration (for each
	# suite; the system's apt is not touched): a mirror that is a
	# snapshot, as on the machines this was written on, serves a sid
	# Release file whose validity has run out, though its signature is
	# good.
	sandbox=
	[ "$(id -u)" -eq 0 ] && sandbox='APT::Sandbox::User "root";'
	cat >"$apt/apt.conf" <<-EOF
	Dir::State "$apt/";
	Dir::State::Lists "$apt/lists/";
	Dir::State::status "$apt/status";
	Dir::Cache "$apt/cache/";
	Dir::Etc "$apt/etc/";
	Dir::Etc::SourceList "$apt/etc/sources.list";
	Dir::Etc::SourceParts "$apt/etc/sources.list.d";
	Dir::Etc::Parts "$apt/etc/apt.conf.d";
	Dir::Etc::Preferences "$apt/etc/preferences";
	Dir::Etc::PreferencesParts "$apt/etc/preferences.d";
	Dir::Etc::TrustedParts "$apt/etc/trusted.gpg.d";
	APT::Architecture "amd64";
	APT::Architectures { "amd64"; };
	Debug::NoLocking "true";
	Acquire::Languages "none";
	Acquire::Retries "2";
	Acquire::http::Timeout "30";
	$sandbox
	EOF
	mkdir -p "$apt/etc/trusted.gpg.d"
	echo "deb [signed-by=$keyring check-valid-until=no] $(mirror) $codename main" \
		>"$apt/etc/sources.list"
	export APT_CONFIG=$apt/apt.conf
	if ! timeout 300 apt-get update -q >"$dir/update.log" 2>&1 ||
	   grep -q '^\(E\|W\): ' "$dir/update.log"; then
		skip "$dir" "could not fetch $codename from $(mirror): $(grep -m1 '^\(E\|W\|Err\):\{0,1\} ' "$dir/update.log" | cut -c1-200)"
		return 0
	fi

	# The -dev packages name the library packages (libtevent0 or, after
	# Debian's 64-bit time_t transition, libtevent0t64).
	lib=$(apt-cache depends libtevent-dev 2>/dev/null |
		sed -n 's/^ *Depends: \(libtevent0[a-z0-9]*\)$/\1/p' | head -n 1)
	tal=$(apt-cache depends libtalloc-dev 2>/dev/null |
		sed -n 's/^ *Depends: \(libtalloc2[a-z0-9]*\)$/\1/p' | head -n 1)
	if [ -z "$lib" ] || [ -z "$tal" ]; then
		skip "$dir" "$codename has no libtevent-dev or libtalloc-dev"
		return 0
	fi
	pkgs="libtevent-dev $lib libtalloc-dev $tal"
	# Does the library need a newer glibc than the system's?
	libc_min=$(apt-cache show "$lib" | sed -n 's/^Depends:.*libc6 (>= \([0-9.]*\)).*/\1/p' | head -n 1)
	need_libc=no
	if [ -n "$libc_min" ] &&
	   [ "$(printf '%s\n%s\n' "$libc_min" "$(glibc_version)" | sort -V | tail -n 1)" != "$(glibc_version)" ]; then
		need_libc=yes
		pkgs="$pkgs libc6 libc6-dbg"
	fi
	rm -f "$dir"/debs/*.deb
	if ! (cd "$dir/debs" && timeout 300 apt-get download -q $pkgs) \
		>"$dir/download.log" 2>&1; then
		skip "$dir" "could not download $pkgs from $codename: $(grep -m1 '^\(E\|W\|Err\):\{0,1\} ' "$dir/download.log" | cut -c1-200)"
		return 0
	fi
	new=$dir/root.new
	rm -rf "$new"
	mkdir -p "$new"
	for p in "$dir"/debs/*.deb; do
		case $p in
		*/libc6-dbg_*) continue ;;	# see the loader's debug file below
		esac
		dpkg-deb -x "$p" "$new" || { skip "$dir" "dpkg-deb -x $p failed"; return 0; }
	done
	rm -rf "$dir/root"
	mv "$new" "$dir/root"
	root=$dir/root
	L=$root/usr/lib/x86_64-linux-gnu
	v=$(sed -n 's/^Version: *//p' "$L/pkgconfig/tevent.pc")
	if [ -z "$v" ] || [ ! -e "$L/libtevent.so" ]; then
		skip "$dir" "the $codename packages hold no libtevent.so or tevent.pc"
		return 0
	fi
	echo "-I$root/usr/include" >"$dir/cflags"
	interp=
	memcheck=valgrind
	: >"$dir/valgrind"
	if [ "$need_libc" = yes ]; then
		# Its glibc is newer than the system's: the programs start with
		# its own loader, and the link accepts symbols the system's
		# glibc does not have.
		interp="-Wl,--allow-shlib-undefined -Wl,--dynamic-linker=$L/ld-linux-x86-64.so.2"
		loader_debug "$dir" "$L/ld-linux-x86-64.so.2" || memcheck=none
	fi
	# DT_RPATH rather than DT_RUNPATH: it also serves libtevent's own
	# dependency on libtalloc.
	echo "-L$L -ltevent -ltalloc -Wl,--disable-new-dtags -Wl,-rpath,$L $interp" \
		>"$dir/libs"
	echo "$memcheck" >"$dir/memcheck"
	echo "$v" >"$dir/version"
	deb=$(dpkg-deb -f "$dir"/debs/${lib}_*.deb Version)
	talloc=$(sed -n 's/^Version: *//p' "$L/pkgconfig/talloc.pc")
	released=$(sed -n 's/^Date: *//p' "$apt"/lists/*InRelease | head -n 1)
	glibc=
	[ "$need_libc" = no ] ||
		glibc=$(dpkg-deb -f "$dir"/debs/libc6_*.deb Version)
	echo "libtevent $v ($deb) and libtalloc $talloc from $codename${glibc:+, with its glibc $glibc}, Release of $released" \
		>"$dir/about"
	echo "$codename: <tt>$lib</tt> $deb, libtalloc $talloc${glibc:+, glibc $glibc}; the suite's Release file of $released" \
		>"$dir/about.html"
	rm -f "$dir/skip"
	echo "versions: $suite: $(cat "$dir/about")"
}

# loader_debug DIR LOADER: let valgrind start programs with LOADER.
# valgrind must redirect the loader's strlen, and a stripped loader (as
# Debian ships it) names none: valgrind then refuses to start. The
# loader's symbols are in libc6-dbg, under its build id; valgrind finds a
# debug file by the name in the loader's .gnu_debuglink section, in the
# loader's own directory under --extra-debuginfo-path. So the one file is
# copied there, and DIR/valgrind names the path. False if it cannot be
# done.
loader_debug() {
	local dir=$1 ld=$2 id link dbg
	id=$(readelf -n "$ld" 2>/dev/null | sed -n 's/^ *Build ID: *//p')
	link=$(readelf --string-dump=.gnu_debuglink "$ld" 2>/dev/null |
		sed -n 's/^ *\[ *0\] *//p')
	dbg=$(ls "$dir"/debs/libc6-dbg_*.deb 2>/dev/null)
	[ -n "$id" ] && [ -n "$link" ] && [ -n "$dbg" ] || return 1
	rm -rf "$dir/debug" "$dir/dbg.tmp"
	mkdir -p "$dir/dbg.tmp" "$dir/debug${ld%/*}"
	dpkg-deb --fsys-tarfile "$dbg" |
		tar -x -C "$dir/dbg.tmp" \
			"./usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" 2>/dev/null
	mv "$dir/dbg.tmp/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" \
		"$dir/debug${ld%/*}/$link" 2>/dev/null || return 1
	rm -rf "$dir/dbg.tmp"
	echo "--extra-debuginfo-path=$dir/debug" >"$dir/valgrind"
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(backports sid)
# The suites at once: the time is the network's.
for s in "${suites[@]}"; do
	fetch "$s" &
done
wait
exit 0
