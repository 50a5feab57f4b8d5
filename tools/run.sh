#!/bin/sh
# run.sh: install what is missing, build, and open the bundled Majordomo example.
# Without a display it says so and runs the headless pipeline on the example instead.
set -eu
cd "$(dirname "$0")/.."

# Run a noisy step quietly, but show all it said (stdout and stderr) when it fails.
quietly() {
  log=$(mktemp)
  status=0
  "$@" >"$log" 2>&1 || status=$?
  [ $status -eq 0 ] || { echo "run.sh: '$*' failed (exit $status):" >&2; cat "$log" >&2; }
  rm -f "$log"
  return $status
}

tools/deps.sh
build=${MOPED_BUILD:-build}
[ -f "$build/build.ninja" ] || quietly meson setup "$build"
ninja -C "$build"
moped="$build/app/moped"
example=data/examples/majordomo.moped

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$moped" "$example"
fi

out="$build/demo"
echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): running the headless pipeline on $example."
echo "Results go to $out/."
mkdir -p "$out"
echo
echo "== moped check $example"
"$moped" check "$example" || true
for verb in $("$moped" --help | sed -n 's/^  \(render\|export\|doc\) .*/\1/p'); do
  case "$verb" in
    render)
      echo "== moped render $example --all -o $out/diagrams"
      "$moped" render "$example" --all -o "$out/diagrams" ;;
    export)
      echo "== moped export c $example -o $out/c"
      "$moped" export c "$example" -o "$out/c"
      echo "== build the exported skeleton and run its self-test (every flow, end to end)"
      [ -f "$out/c/build/build.ninja" ] || quietly meson setup "$out/c/build" "$out/c"
      quietly ninja -C "$out/c/build"
      "$out/c/build/selftest"
      echo "== moped export zproto $example -o $out/zproto"
      "$moped" export zproto "$example" -o "$out/zproto" || true ;;
    doc)
      echo "== moped doc $example -o $out/majordomo.html"
      "$moped" doc "$example" -o "$out/majordomo.html"
      "$moped" doc "$example" -o "$out/majordomo.md" ;;
  esac
done
echo
echo "Done. See $out/."
