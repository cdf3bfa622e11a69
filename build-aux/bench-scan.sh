#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-scan.sh [SIZE_MB] — maildoctor-cli scan against grep on a seeded synthetic
# Postfix log (../shared/tools/gen-maillog.py), then on a log of bounces only.
# A benchmark, not a test: it prints figures; the targets are in issue 16
# (bounced = grep's count, scan ≥ 50 % of grep's throughput, peak RSS ≤ 64 MB).
# Builds an optimised maildoctor-cli in _build-bench (the test build is -O0).

set -eu

size=${1:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_MAILLOG:-$top/../../shared/tools/gen-maillog.py}
[ -f "$gen" ] || gen=/work/shared/tools/gen-maillog.py
work=${BENCH_DIR:-$(mktemp -d)}
build=$top/_build-bench

if [ ! -d "$build" ]; then
  meson setup "$build" "$top" --buildtype=release >/dev/null
fi
meson compile -C "$build" maildoctor-cli >/dev/null
cli=$build/app/cli/maildoctor-cli

log=$work/maillog-$size.log
[ -f "$log" ] || python3 "$gen" "$log" "$size"

# Seconds and peak RSS (KiB) of a command, its stdout to a file.
measure () {
  out=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$out"
  cat "$work/time"
}

report () {
  file=$1
  bytes=$(stat -c %s "$file")
  # Warm the page cache so both read from memory.
  cat "$file" >/dev/null
  set -- $(measure "$work/grep.out" grep -c status=bounced "$file")
  grep_s=$1
  set -- $(measure "$work/scan.json" "$cli" scan --json "$file")
  scan_s=$1 scan_kb=$2
  grep_n=$(cat "$work/grep.out")
  scan_n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bounced"])' "$work/scan.json")
  python3 - "$bytes" "$grep_s" "$scan_s" "$scan_kb" "$grep_n" "$scan_n" <<'PY'
import sys
b, gs, ss, kb, gn, sn = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
mb = b / 1e6
rate = lambda s: mb / s if s > 0 else float("inf")
print(f"  input            {mb:.1f} MB")
print(f"  grep -c          {gs:.2f} s  {rate(gs):.0f} MB/s  count {gn}")
print(f"  scan --json      {ss:.2f} s  {rate(ss):.0f} MB/s  bounced {sn}")
print(f"  scan/grep speed  {(gs / ss if ss > 0 else 1) * 100:.0f} %   (target >= 50 %)")
print(f"  scan peak RSS    {kb / 1024:.1f} MB   (target <= 64 MB)")
print(f"  counts equal     {'yes' if gn == sn else 'NO'}")
PY
}

echo "Mixed log (~3 % bounces):"
report "$log"

bounces=$work/bounces-$size.log
if [ ! -f "$bounces" ]; then
  # The worst case for the prefilter: every line is a candidate.
  grep status=bounced "$log" >"$work/b1"
  : >"$bounces"
  while [ "$(stat -c %s "$bounces")" -lt $((size * 1024 * 1024)) ]; do
    cat "$work/b1" >>"$bounces"
  done
  rm -f "$work/b1"
fi
echo "Bounces only:"
report "$bounces"
