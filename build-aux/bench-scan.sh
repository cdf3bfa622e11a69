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

# Seconds and peak RSS (KiB) of a command, its stdout to a file: the best
# time and the highest RSS of three runs (the machine may be shared).
measure () {
  out=$1; shift
  best= rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$out"
    read -r t m <"$work/time"
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
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

# The worst case for memory: every bounce names another message and another
# recipient, so the distinct sets grow to their bound.
unique=$work/unique-$size.log
if [ ! -f "$unique" ]; then
  python3 - "$unique" "$size" <<'PY'
import sys
out, limit = open(sys.argv[1], "w"), int(sys.argv[2]) * 1024 * 1024
rej = ("550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this list "
       "please forward this message to delist@messaging.microsoft.com. AS(1410)")
n = size = 0
while size < limit:
    n += 1
    line = (f"Nov 29 10:{n // 60 % 60:02d}:{n % 60:02d} mail postfix/smtp[4567]: {n:010X}: "
            f"to=<person{n}@contoso.com>, relay=contoso-com.mail.protection.outlook.com[52.101.73.2]:25, "
            f"delay=1.2, delays=0.1/0/0.6/0.5, dsn=5.7.511, status=bounced (host "
            f"contoso-com.mail.protection.outlook.com[52.101.73.2] said: {rej} (in reply to RCPT TO command))\n")
    out.write(line); size += len(line)
PY
fi
echo "Bounces only, every message and recipient distinct (memory bound):"
report "$unique"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  messages", d["messages"], " distinct_complete", d["distinct_complete"])' "$work/scan.json"

# One line of 1 GiB between two bounces: skipped with a message, memory flat.
long=$work/long-line.log
if [ ! -f "$long" ]; then
  head -n 1 "$bounces" >"$long"
  head -c 1073741824 /dev/zero | tr '\0' x >>"$long"
  echo >>"$long"
  head -n 1 "$bounces" >>"$long"
fi
echo "A line of 1 GiB:"
set -- $(measure "$work/scan.json" "$cli" scan --json "$long" 2>"$work/scan.err")
echo "  scan --json      $1 s  peak RSS $(($2 / 1024)) MB  bounced $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bounced"])' "$work/scan.json")"
echo "  stderr: $(head -n 1 "$work/scan.err")"
