#!/bin/sh
# test-desktop-files.sh: the desktop file, AppStream metainfo, GSettings schema, icons and .ui files pass their validators.
#
# SPDX-License-Identifier: MPL-2.0
#
#   tests/test-desktop-files.sh [PATH/TO/moped]     (TAP on stdout)
#
# The sources are found through MOPED_SOURCE_DIR (set by meson) or beside this
# script; with the program given, its version must be the metainfo's newest release.
set -u
src=${MOPED_SOURCE_DIR:-$(dirname "$0")/..}
moped=${1:-}
data="$src/data"
n=0
failed=0

check () {
  description=$1
  shift
  n=$((n + 1))
  if output=$("$@" 2>&1); then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    printf '%s\n' "$output" | sed 's/^/# /'
    failed=1
  fi
}

need () {
  command -v "$1" >/dev/null 2>&1 || { echo "Bail out! $1 is not installed ($2)"; exit 1; }
}

need appstreamcli appstream
need desktop-file-validate desktop-file-utils
need glib-compile-schemas libglib2.0-bin
need xmllint libxml2-utils

if [ -n "$moped" ]; then echo "1..9"; else echo "1..8"; fi
check "AppStream metainfo is valid (appstreamcli validate --no-net)" \
  appstreamcli validate --no-net "$data/org.moped.Moped.metainfo.xml"
check "the desktop file is valid (desktop-file-validate)" \
  desktop-file-validate "$data/org.moped.Moped.desktop"
schemas=$(mktemp -d)
trap 'rm -rf "$schemas"' EXIT
cp "$data/org.moped.Moped.gschema.xml" "$schemas/"
check "the GSettings schema compiles strictly (glib-compile-schemas --strict --dry-run)" \
  glib-compile-schemas --strict --dry-run "$schemas"
check "the desktop file, the metainfo and the icon name one application id" \
  sh -c "grep -qx 'Icon=org.moped.Moped' '$data/org.moped.Moped.desktop' &&
         grep -q '<id>org.moped.Moped</id>' '$data/org.moped.Moped.metainfo.xml' &&
         grep -q '<launchable type=\"desktop-id\">org.moped.Moped.desktop</launchable>' '$data/org.moped.Moped.metainfo.xml' &&
         test -f '$data/icons/hicolor/scalable/apps/org.moped.Moped.svg'"
check "the icons are well-formed SVG" \
  xmllint --noout "$data/icons/hicolor/scalable/apps/org.moped.Moped.svg" \
    "$data/icons/hicolor/symbolic/apps/org.moped.Moped-symbolic.svg" \
    "$data"/icons/actions/*.svg
check "the MIME type definition is well-formed" \
  xmllint --noout "$data/org.moped.Moped.mime.xml"
check "the GResource manifest and the .ui files are well-formed" \
  xmllint --noout "$data/moped.gresource.xml" "$src"/ui/*.ui
check "every file the GResource manifest names exists" \
  sh -c "for f in \$(sed -n 's|.*>\\(.*\\)</file>.*|\\1|p' '$data/moped.gresource.xml'); do
           test -f '$data'/\$f || test -f '$src/ui'/\$f || { echo \"missing: \$f\"; exit 1; }
         done"
if [ -n "$moped" ]; then
  version=$("$moped" --version | sed -n 's/^moped //p')
  check "the metainfo's newest release is the program's version ($version)" \
    grep -q "<release version=\"$version\"" "$data/org.moped.Moped.metainfo.xml"
fi
exit $failed
