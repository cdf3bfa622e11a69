#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Does the window ever block? Issue 14's benchmark: the real window (the
# app's own MdApplication and MdWindow, driven by tests/bench/bench-window.c)
# under Xvfb, checking against Knot DNS serving tests/dns/ behind
# build-aux/bench-relay.py, which delays every answer by 100 ms. A main-loop
# probe (a G_PRIORITY_HIGH source asking to run every 1 ms) gives the
# longest time the main loop could not answer, during:
#   check     paste the seed rejection, the case is made and checked
#   lists300  the same with a catalog of 300 blocklists (TEST ONLY: the
#             catalog is replaced through GLib's G_RESOURCE_OVERLAYS; the
#             extra lists are zones of bench.test, served by the same knotd)
#   paste10   paste a 10 MB mail.log (/work/shared/tools/gen-maillog.py)
#   paste200  paste a 200 MB mail.log
# and the window's check time next to `maildoctor-cli check` of the same
# subject (the IP, domain, HELO and recipient domain the window checked).
# Besides the longest iteration overall it gives the longest one from the
# paste until the case was saved (reading the input and the store: the part
# outside the window's widgets) and the longest one while the checks ran
# (what the checks' deadline sees).
#
# Usage: build-aux/bench-window.sh [BUILDDIR [BASE_BUILDDIR]]   (default ./_build)
# MD_BENCH_SCENARIOS="check paste10" runs only those (default: all four);
# MD_BENCH_WRAP="perf record -k mono --call-graph dwarf -o FILE" runs the window under a
# profiler; MD_BENCH_GAPS=MS prints every main-loop gap longer than MS with its
# monotonic times (to cut that profile) and every frame over 4 ms with its
# phases (update, layout, paint), MD_BENCH_LOGS=DIR keeps the window's stderr.
# BASE_BUILDDIR: a build of the previous commit, printed side by side. Its
# source tree needs tests/bench/ and the subdir('bench') line of
# tests/meson.build copied in (they only drive the window).
# Needs knotd, kdig, Xvfb, xclip, dbus-run-session, python3. Not part of the test
# suite: timings depend on the machine. Targets (issue 14): longest
# iteration <= 16 ms for a check, <= 50 ms with 300 lists and for a 200 MB
# paste; the window's check within 10 % of the CLI's; no deadline errors.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/build-aux/bench-knot.sh"
builddir=$(cd "${1:-$srcdir/_build}" && pwd)
basedir=${2:+$(cd "$2" && pwd)}
delay_ms=100
gen=${MD_GEN_MAILLOG:-/work/shared/tools/gen-maillog.py}

bench_need bench-window knotd kdig Xvfb dbus-run-session xclip /usr/bin/python3
[ -f "$gen" ] || { echo "bench-window: no $gen (set MD_GEN_MAILLOG)" >&2; exit 2; }

bench_init
tmp=$bench_tmp

for dir in "$builddir" ${basedir:+"$basedir"}; do
  { meson compile -C "$dir" && meson compile -C "$dir" bench-window; } >/dev/null \
    || { echo "bench-window: could not build bench-window in $dir" >&2; exit 2; }
done

# 300 blocklists: the catalog as shipped, plus generated lists in bench.test.
catalog=$srcdir/resources/data/blocklists.xml
n_shipped=$(grep -c '<blocklist ' "$catalog")
mkdir -p "$tmp/overlay"
{
  sed '/<\/maildoctor-data>/d' "$catalog"
  for i in $(seq 1 $((300 - n_shipped))); do
    cat <<ENTRY
  <blocklist zone="list$i.bench.test" kind="ipv4" weight="low" policy="free" status="unconfirmed">
    <name>Bench list $i</name>
    <operator>bench-window.sh</operator>
    <purpose>Generated for the benchmark.</purpose>
    <test listed="127.0.0.2" unlisted="127.0.0.1"/>
    <removal>https://bench.test/</removal>
    <usage>Generated for the benchmark.</usage>
    <source>https://bench.test/</source>
  </blocklist>
ENTRY
  done
  echo '</maildoctor-data>'
} > "$tmp/overlay/blocklists.xml"
overlay="/org/example/MailDoctor/data/blocklists.xml=$tmp/overlay/blocklists.xml"
{
  echo '$ORIGIN bench.test.'
  echo '$TTL 300'
  echo '@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300'
  echo '@ IN NS ns.bench.test.'
  echo 'ns IN A 127.0.0.1'
  # RFC 5782 test entry: 127.0.0.2 listed (the catalog's <test listed>).
  for i in $(seq 1 $((300 - n_shipped))); do
    echo "2.0.0.127.list$i IN A 127.0.0.2"
  done
} > "$tmp/bench.test.zone"

bench_start_knot bench.test SOA "$tmp/bench.test.zone"
bench_start_relay "$delay_ms" 127.0.0.1:0 --max-seconds 7200

# Xvfb picks a free display and tells which (-displayfd).
exec 3> "$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 2> "$tmp/xvfb.log" &
bench_pids+=("$!")
exec 3>&-
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.05; done
display=":$(head -n1 "$tmp/display")"

printf '%s' "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550
    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this
    list please forward this message to delist@messaging.microsoft.com. For more
    information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410)
    [CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)
" > "$tmp/seed.txt"
scenarios=${MD_BENCH_SCENARIOS:-check lists300 paste10 paste200}
wants () { [[ " $scenarios " == *" $1 "* ]]; }
wants paste10 && /usr/bin/python3 "$gen" "$tmp/log10.txt" 10
wants paste200 && /usr/bin/python3 "$gen" "$tmp/log200.txt" 200

# window BUILDDIR SCENARIO INPUT [EXTRA-ENV…]: one line of JSON.
window () {
  local dir=$1 name=$2 input=$3
  shift 3
  rm -f "$tmp/cases.db"*
  # The text is on the clipboard of another process, as when pasting from a
  # mail client or terminal: the window reads it over the X selection.
  DISPLAY="$display" xclip -quiet -selection clipboard -i "$input" >/dev/null 2>&1 &
  local xclip_pid=$!
  sleep 0.2
  env "$@" MD_BENCH_CLIPBOARD=external DISPLAY="$display" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$dir/data" \
    MAILDOCTOR_LOCALEDIR="$dir/po" MAILDOCTOR_CASES="$tmp/cases.db" MD_BENCH_RESOLVER="$relay" \
    GDK_DEBUG=gl-disable GSK_RENDERER=cairo GTK_A11Y=none LANGUAGE=en LC_ALL=C.UTF-8 \
    dbus-run-session -- ${MD_BENCH_WRAP:-} "$dir/tests/bench/bench-window" "$input" 300 \
    2> "$tmp/$name.log" > "$tmp/$name.json" || true
  kill "$xclip_pid" 2>/dev/null || true
  wait "$xclip_pid" 2>/dev/null || true
  # MD_BENCH_LOGS=DIR keeps each scenario's stderr (with MD_BENCH_GAPS: its gaps).
  [ -n "${MD_BENCH_LOGS:-}" ] && cp "$tmp/$name.log" "$MD_BENCH_LOGS/$name.log"
  if [ -s "$tmp/$name.json" ]; then
    cat "$tmp/$name.json"
  else
    # No figures: say why, rather than a table of dashes.
    echo "bench-window: $name gave no result; the window's last words:" >&2
    tail -n 20 "$tmp/$name.log" >&2
  fi
}

# cli BUILDDIR JSON [EXTRA-ENV…]: milliseconds for `maildoctor-cli check` of the window's subject.
cli () {
  local dir=$1 json=$2
  shift 2
  [ -n "$json" ] || return 0
  local args
  mapfile -t args < <(/usr/bin/python3 -c '
import json, sys
r = json.loads(sys.argv[1])
for key, opt in (("ip", "--ip"), ("domain", "--domain"), ("helo", "--helo"),
                 ("recipient_domain", "--recipient-domain")):
    if r.get(key):
        print(opt); print(r[key])' "$json")
  local start end
  start=$(date +%s%3N)
  env "$@" LC_ALL=C.UTF-8 "$dir/app/cli/maildoctor-cli" check --no-web "${args[@]}" \
    --resolver "$relay" --json > "$tmp/cli.json" 2>/dev/null || true
  end=$(date +%s%3N)
  echo $((end - start))
}

declare -A result
measure () {
  local tag=$1 dir=$2
  echo "bench-window: measuring $tag ($dir)…" >&2
  if wants check; then
    result[$tag,check]=$(window "$dir" check "$tmp/seed.txt")
    result[$tag,cli]=$(cli "$dir" "${result[$tag,check]}")
  fi
  if wants lists300; then
    result[$tag,lists300]=$(window "$dir" lists300 "$tmp/seed.txt" G_RESOURCE_OVERLAYS="$overlay")
    result[$tag,cli300]=$(cli "$dir" "${result[$tag,lists300]}" G_RESOURCE_OVERLAYS="$overlay")
  fi
  wants paste10 && result[$tag,paste10]=$(window "$dir" paste10 "$tmp/log10.txt")
  wants paste200 && result[$tag,paste200]=$(window "$dir" paste200 "$tmp/log200.txt")
  return 0
}

[ -n "$basedir" ] && measure base "$basedir"
measure this "$builddir"

field () {
  /usr/bin/python3 -c '
import json, sys
if not sys.argv[1]:
    print("-"); sys.exit()
try:
    r = json.loads(sys.argv[1])
except ValueError:
    print("failed"); sys.exit()
v = r.get(sys.argv[2])
if sys.argv[2] == "max_gap_ms" and r.get("timed_out"):
    print("timed out"); sys.exit()
print("-" if v is None else ("%g" % v if isinstance(v, float) else v))' "${1:-}" "$2"
}

row () {
  local label=$1 base=$2 this=$3 target=$4
  printf '  %-42s %18s %18s   %s\n' "$label" "$base" "$this" "$target"
}

ratio () {
  /usr/bin/python3 -c '
import sys
try:
    w, c = float(sys.argv[1]), float(sys.argv[2])
    print("%.0f / %.0f ms (%+.0f %%)" % (w, c, (w / c - 1) * 100) if w > 0 and c > 0 else "-")
except ValueError:
    print("-")' "$1" "$2"
}

printf '\nThe window under Xvfb, every DNS answer delayed %s ms\n\n' "$delay_ms"
printf '  Longest main-loop iteration (ms)\n'
row "" "previous build" "this build" "target"
for scenario in check lists300 paste10 paste200; do
  case $scenario in
    check) label="seed rejection: paste, check"; target="<= 16 ms" ;;
    lists300) label="300 lists: paste, check"; target="<= 50 ms" ;;
    paste10) label="10 MB mail.log: paste, check"; target="-" ;;
    paste200) label="200 MB mail.log: paste, check"; target="<= 50 ms" ;;
  esac
  row "$label" "$(field "${result[base,$scenario]:-}" max_gap_ms)" \
    "$(field "${result[this,$scenario]:-}" max_gap_ms)" "$target"
done
for scenario in check lists300 paste10 paste200; do
  row "$scenario: longest until the case was saved" "$(field "${result[base,$scenario]:-}" max_gap_saving_ms)" \
    "$(field "${result[this,$scenario]:-}" max_gap_saving_ms)" ""
done
for scenario in check lists300 paste10 paste200; do
  row "$scenario: longest while the checks ran" "$(field "${result[base,$scenario]:-}" max_gap_running_ms)" \
    "$(field "${result[this,$scenario]:-}" max_gap_running_ms)" ""
done
for scenario in paste10 paste200; do
  row "$scenario: case shown after (ms)" "$(field "${result[base,$scenario]:-}" shown_ms)" \
    "$(field "${result[this,$scenario]:-}" shown_ms)" ""
done
for scenario in check lists300 paste10 paste200; do
  row "$scenario: checks/errors/deadline errors" \
    "$(field "${result[base,$scenario]:-}" checks)/$(field "${result[base,$scenario]:-}" errors)/$(field "${result[base,$scenario]:-}" deadline_errors)" \
    "$(field "${result[this,$scenario]:-}" checks)/$(field "${result[this,$scenario]:-}" errors)/$(field "${result[this,$scenario]:-}" deadline_errors)" \
    "0 deadline errors"
done
row "window / CLI check time (seed)" \
  "$(ratio "$(field "${result[base,check]:-}" check_ms)" "${result[base,cli]:-0}")" \
  "$(ratio "$(field "${result[this,check]:-}" check_ms)" "${result[this,cli]:-0}")" "within 10 %"
row "window / CLI check time (300 lists)" \
  "$(ratio "$(field "${result[base,lists300]:-}" check_ms)" "${result[base,cli300]:-0}")" \
  "$(ratio "$(field "${result[this,lists300]:-}" check_ms)" "${result[this,cli300]:-0}")" "within 10 %"
printf '\nRaw results (JSON per scenario):\n'
for tag in base this; do
  for scenario in check lists300 paste10 paste200; do
    if [ -n "${result[$tag,$scenario]:-}" ]; then
      printf '  %s %s: %s\n' "$tag" "$scenario" "${result[$tag,$scenario]}"
    fi
  done
done
