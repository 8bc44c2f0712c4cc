#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# When all are installed it does nothing and needs no network. Runs
# apt-get as root, or through sudo for another user.
set -eu

missing=
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "install ok installed" ]; then
		missing="$missing $pkg"
	fi
done
# Debian's nodejs comes without npm (NodeSource's has it built in).
if ! command -v npm >/dev/null 2>&1 &&
   [ "$(dpkg-query -W -f='${Status}' npm 2>/dev/null || true)" != "install ok installed" ]; then
	case " $* " in
	*" nodejs "*) missing="$missing npm" ;;
	esac
fi
[ -n "$missing" ] || exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "deps: not root and no sudo; install these by hand:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # the package list is meant to split
$sudo apt-get update -qq
$sudo apt-get install -y -qq $missing >/dev/null
