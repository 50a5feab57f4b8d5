#!/bin/sh
# deps.sh: install the Debian packages Moped needs that are missing (idempotent).
#   tools/deps.sh          what building and running needs
#   tools/deps.sh --test   plus what the test suite needs
set -eu

build_packages="meson ninja-build pkg-config gcc libglib2.0-dev libgtk-4-dev libczmq-dev
libzmq3-dev libgraphviz-dev graphviz libcairo2-dev libpango1.0-dev libadwaita-1-dev
desktop-file-utils shared-mime-info"
test_packages="xvfb xauth libxml2-utils poppler-utils imagemagick appstream
python3 python3-pyatspi gir1.2-atspi-2.0 at-spi2-core dbus-x11 xdotool
valgrind clang-14 libclang-rt-14-dev iproute2"
# Node and npm run the document checkers; any install of them will do (some machines
# have a Node build that bundles npm, which Debian's npm package conflicts with).
test_commands="node:nodejs npm:npm"

wanted=$build_packages
[ "${1:-}" = "--test" ] && wanted="$wanted $test_packages"

missing=""
for pkg in $wanted; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $pkg" ;;
  esac
done

if [ "${1:-}" = "--test" ]; then
  for pair in $test_commands; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
  done
fi

[ -z "$missing" ] && exit 0

echo "Installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "deps.sh: these packages are missing and I am not root (and there is no sudo):$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
