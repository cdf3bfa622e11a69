#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Does the window stay responsive while it checks? The seed rejection is
# pasted into a real window (tests/gui/bench-window.c), whose checks ask Knot
# DNS (tests/dns/) behind a relay that delays every answer by 100 ms; a 1 ms
# main-loop probe records the longest iteration until the run has finished.
# The CLI checks the same subject through the same relay, for the run time.
# With a second build directory (a previous build that has the probe), its
# figures are printed beside this build's.
#
# Usage: build-aux/bench-window.sh [BUILDDIR [PREVIOUS_BUILDDIR]]   (default: ./_build)
# Needs knotd, kdig, python3, dbus-run-session and a display (DISPLAY, e.g. Xvfb).
# Not part of the test suite: timings depend on the machine.
#
# The Knot and relay set-up is the one of bench-check.sh, repeated here so
# that each script stays runnable on its own.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$srcdir/_build}
previous=${2:-}
delay_ms=100

for tool in knotd kdig /usr/bin/python3 dbus-run-session; do
  command -v "$tool" >/dev/null || { echo "bench-window: $tool is missing" >&2; exit 2; }
done
[ -n "${DISPLAY:-}" ] || { echo "bench-window: no DISPLAY (start Xvfb first)" >&2; exit 2; }
[ -x "$builddir/tests/gui/bench-window" ] || {
  echo "bench-window: no $builddir/tests/gui/bench-window (build first)" >&2; exit 2; }

tmp=$(mktemp -d)
knot_pid=
relay_pid=
cleanup () {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null || true
  [ -n "$knot_pid" ] && kill "$knot_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

knot_port=$(/usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkdir -p "$tmp/run" "$tmp/storage"
{
  echo "server:"
  echo "  rundir: \"$tmp/run\""
  echo "  listen: 127.0.0.1@$knot_port"
  echo "database:"
  echo "  storage: \"$tmp/storage\""
  echo "log:"
  echo "  - target: stderr"
  echo "    any: error"
  echo "template:"
  echo "  - id: default"
  echo "    zonefile-sync: -1"
  echo "    zonefile-load: whole"
  echo "    journal-content: none"
  echo "zone:"
  for zone in "$srcdir"/tests/dns/*.zone; do
    origin=$(basename "$zone" .zone)
    [ "$origin" = root ] && origin=.
    echo "  - domain: \"$origin\""
    echo "    file: \"$zone\""
  done
} > "$tmp/knot.conf"

knotd -c "$tmp/knot.conf" 2> "$tmp/knot.log" &
knot_pid=$!
for _ in $(seq 100); do
  kdig @127.0.0.1 -p "$knot_port" +timeout=1 +retry=0 contoso.com MX >/dev/null 2>&1 && break
  sleep 0.05
done

/usr/bin/python3 "$srcdir/build-aux/bench-relay.py" --upstream "127.0.0.1:$knot_port" \
  --delay-ms "$delay_ms" --port-file "$tmp/relay.port" --max-seconds 600 &
relay_pid=$!
for _ in $(seq 100); do [ -s "$tmp/relay.port" ] && break; sleep 0.05; done
relay="127.0.0.1:$(cat "$tmp/relay.port")"

# The window's figures: "RUN_MS LONGEST_MS N_CHECKS N_ERRORS".
window_figures () {
  local dir=$1
  env GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$dir/data" \
      MAILDOCTOR_LOCALEDIR="$dir/po" LANGUAGE=en GDK_DEBUG=gl-disable GSK_RENDERER=cairo \
      GTK_A11Y=none \
      dbus-run-session -- "$dir/tests/gui/bench-window" "$relay" 2> "$tmp/window.log" | tail -1
}

read -r run_ms longest_ms n_checks n_errors <<< "$(window_figures "$builddir")"

# The CLI, same subject as the window guesses: the blocked IP, the profile's
# domain, the recipient's domain.
now_ms () { date +%s%3N; }
start=$(now_ms)
"$builddir/app/cli/maildoctor-cli" check --no-web --ip 203.0.113.7 --domain sender.example.net \
  --recipient-domain contoso.com --resolver "$relay" --json > "$tmp/cli.json"
cli_ms=$(( $(now_ms) - start ))

printf '\nThe window checking the seed rejection, every DNS answer delayed %s ms\n\n' "$delay_ms"
if [ -n "$previous" ] && [ -x "$previous/tests/gui/bench-window" ]; then
  read -r p_run p_longest p_checks p_errors <<< "$(window_figures "$previous")"
  printf '  %-44s %12s %12s\n' "" "this build" "previous"
  printf '  %-44s %9s ms %9s ms\n' "longest main-loop iteration" "$longest_ms" "$p_longest"
  printf '  %-44s %9s ms %9s ms\n' "paste to end of the check run" "$run_ms" "$p_run"
  printf '  %-44s %12s %12s\n' "checks / could not decide" "$n_checks / $n_errors" "$p_checks / $p_errors"
else
  [ -n "$previous" ] && echo "  (the previous build has no tests/gui/bench-window: nothing to compare)"
  printf '  %-44s %9s ms\n' "longest main-loop iteration" "$longest_ms"
  printf '  %-44s %9s ms\n' "paste to end of the check run" "$run_ms"
  printf '  %-44s %12s\n' "checks / could not decide" "$n_checks / $n_errors"
fi
printf '  %-44s %9s ms\n' "maildoctor-cli check, same subject" "$cli_ms"
printf '\n  target: longest iteration ≤ 16 ms — '
if [ "$longest_ms" -le 16 ]; then echo "met"; else echo "NOT met"; fi
grep '^bench-window: iteration' "$tmp/window.log" | sed 's/^bench-window: /  /' || true
