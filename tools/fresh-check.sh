#!/bin/sh
# fresh-check.sh: prove the README's two commands work on a Debian 12 machine that never built Moped.
#
# Builds a minimal Debian 12 root with debootstrap, copies a clean clone of this
# repository's HEAD into it, and runs exactly the two commands of the README's first
# code block inside it with chroot, the run command first, without a display.
# Prints "fresh-check: PASS" or "fresh-check: FAIL (...)" last; exits 0 only on PASS.
#
#   tools/fresh-check.sh [--keep]     (as root; --keep leaves the root folder behind)
#
# The Debian mirror is read at run time from this machine's apt sources (or taken from
# MOPED_FRESH_MIRROR); nothing about the machine is written into the repository.
# Everything runs in private mount and PID namespaces: the mounts disappear and every
# process started inside is killed when the check ends, whatever happens.
#
# One difference from a person typing the two commands: the property test of
# test-export-c-build builds MOPED_PROPERTY_COUNT random designs (default 300, a
# quarter of an hour on two idle cores). Here it builds 60 (MOPED_FRESH_PROPERTY_COUNT
# changes that), so that the whole check fits beside other work on a shared machine;
# what the check proves (every package is installed, everything builds, every test
# runs on a machine that never built Moped) does not depend on how many designs.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)

keep=no
[ "${1:-}" = "--keep" ] && keep=yes

fail() {
  echo "fresh-check: FAIL ($*)"
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "must run as root: debootstrap and chroot need it"
command -v git >/dev/null 2>&1 || fail "git is needed to make a clean clone"

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "Installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends debootstrap || fail "cannot install debootstrap"
fi

# The first http(s) mirror serving bookworm in one-line or deb822 apt sources.
find_mirror() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { uri = $i; break }
                       for (j = i + 1; j <= NF; j++) if ($j == "bookworm") { print uri; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
         { uris = ""; suite = 0; enabled = 1
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^URIs:/) uris = $i
             if ($i ~ /^Suites:/ && (" " substr($i, 8) " ") ~ / bookworm /) suite = 1
             if ($i ~ /^Enabled: *no/) enabled = 0
           }
           if (suite && enabled && uris != "") {
             n = split(substr(uris, 6), u, " ")
             for (k = 1; k <= n; k++) if (u[k] ~ /^https?:\/\//) { print u[k]; exit }
           } }' "$f"
  done
}
mirror=${MOPED_FRESH_MIRROR:-$(find_mirror | head -n 1)}
[ -n "$mirror" ] || fail "no bookworm mirror in /etc/apt/sources.list*; set MOPED_FRESH_MIRROR"

# The two commands, exactly as the README's first sh block lists them (comments dropped).
commands=$(awk '/^```sh/ { inside = 1; next } inside && /^```/ { exit }
                inside { sub(/[ \t]*#.*/, ""); if ($0 != "") print }' README.md)
[ "$(printf '%s\n' "$commands" | wc -l)" -eq 2 ] ||
  fail "README.md's first sh block should hold exactly two commands, found: $commands"
run_command=$(printf '%s\n' "$commands" | grep 'run' | head -n 1)
test_command=$(printf '%s\n' "$commands" | grep -v "^$run_command\$" | head -n 1)
[ -n "$run_command" ] && [ -n "$test_command" ] || fail "cannot tell the run command from the test command"

root=$(mktemp -d /var/tmp/moped-fresh.XXXXXX)
# mktemp makes the folder private (0700); as the root of a machine it must be 0755 like
# any /, or every user but root is refused everything (the read-only save test runs as
# nobody, and failed on its first font file).
chmod 755 "$root"
cleanup() {
  if [ "$keep" = yes ]; then
    echo "fresh-check: root kept in $root"
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$(date +%s)
echo "== debootstrap --variant=minbase bookworm $root $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
  tail -n 30 "$root.debootstrap.log"
  rm -f "$root.debootstrap.log"
  fail "debootstrap failed"
}
rm -f "$root.debootstrap.log"
echo "   $(($(date +%s) - start)) s"

# The network as this machine reaches it: name resolution, and the certificate
# authorities it trusts beyond Debian's (a proxy that inspects https would otherwise
# make npm fail inside). ca-certificates picks them up when the commands install it.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
mkdir -p "$root/src"
git clone --quiet --no-hardlinks "$repo" "$root/src/moped" || fail "git clone failed"
echo "== clean clone of $(git -C "$repo" rev-parse --short HEAD) in /src/moped"

# The script that runs inside the fresh root: the run command first, then the test command.
cat >"$root/src/fresh-inside.sh" <<EOF
#!/bin/sh
set -u
cd /src/moped
status=0
echo "== $run_command"
$run_command || { echo "fresh-check: the run command failed (exit \$?)"; status=1; }
if [ \$status -eq 0 ]; then
  echo "== $test_command"
  $test_command || { echo "fresh-check: the test command failed (exit \$?)"; status=1; }
fi
exit \$status
EOF
chmod +x "$root/src/fresh-inside.sh"

# Private mounts (gone when the namespace ends) and a private PID namespace (every
# process started inside dies with it). /dev is a private bind of this machine's.
status=0
unshare --mount --pid --fork --propagation private sh -eu -c '
  root=$1
  # The root a mount point of its own, as on a real machine: tests that make their
  # own mount namespace (unshare -m) fail in a chroot whose / is not one.
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --make-private "$root/dev"
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
  mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
  mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
  exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    MOPED_PROPERTY_COUNT="$2" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/sh /src/fresh-inside.sh
' fresh-check "$root" "${MOPED_FRESH_PROPERTY_COUNT:-60}" || status=$?

elapsed=$(($(date +%s) - start))
if [ $status -eq 0 ]; then
  echo "fresh-check: PASS ($run_command and $test_command on a fresh Debian 12 in ${elapsed} s)"
else
  echo "fresh-check: FAIL (exit $status after ${elapsed} s; see the output above)"
  exit 1
fi
