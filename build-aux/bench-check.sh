#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# How fast is `maildoctor-cli check`? A full check of one IP (every blocklist
# of the catalog, the domain lists, rDNS, HELO, recipient MX) against Knot DNS
# serving tests/dns/, behind a relay that delays every answer by 100 ms; then
# the same DNS questions asked one after another (kdig), and the ratio.
# Also the peak RSS of maildoctor-cli (/usr/bin/time -v).
#
# Usage: build-aux/bench-check.sh [BUILDDIR]       (default: ./_build)
# Needs knotd, kdig (knot-dnsutils), /usr/bin/time, /usr/bin/python3.
# Not part of the test suite: timings depend on the machine.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$srcdir/_build}
cli=$builddir/app/cli/maildoctor-cli
delay_ms=100

ip=203.0.113.7
domain=spammy.example.test
helo=smtp.sender.example.net
recipient=m365.recipients.test

for tool in knotd kdig /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "bench-check: $tool is missing" >&2; exit 2; }
done
[ -x "$cli" ] || { echo "bench-check: no $cli (build first, or pass the build dir)" >&2; exit 2; }

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
  kdig @127.0.0.1 -p "$knot_port" +timeout=1 +retry=0 "$recipient" MX >/dev/null 2>&1 && break
  sleep 0.05
done

/usr/bin/python3 "$srcdir/build-aux/bench-relay.py" --upstream "127.0.0.1:$knot_port" \
  --delay-ms "$delay_ms" --port-file "$tmp/relay.port" --max-seconds 600 &
relay_pid=$!
for _ in $(seq 100); do [ -s "$tmp/relay.port" ] && break; sleep 0.05; done
relay_port=$(cat "$tmp/relay.port")

# --no-web: the benchmark measures DNS; RDAP and the imprint would go to the internet.
args=(check --no-web --ip "$ip" --domain "$domain" --helo "$helo" --recipient-domain "$recipient")

# The questions a check asks, from its debug trace (straight to knotd, no delay).
G_MESSAGES_DEBUG=MailDoctor "$cli" "${args[@]}" --resolver "127.0.0.1:$knot_port" --json \
  > "$tmp/trace.txt" 2>&1
sed -n 's/.*check run: asking \([A-Z]*\) \([^ ]*\) .*/\2 \1/p' "$tmp/trace.txt" > "$tmp/queries.txt"
n_queries=$(wc -l < "$tmp/queries.txt")

now_ms () { date +%s%3N; }

# MailDoctor through the delaying relay.
start=$(now_ms)
/usr/bin/time -v -o "$tmp/time.txt" "$cli" "${args[@]}" --resolver "127.0.0.1:$relay_port" --json \
  > "$tmp/report.json"
md_ms=$(( $(now_ms) - start ))
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
errors=$(/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
c = r["counts"]
print(c["error"], c["problem"], c["ok"], len(r["checks"]))' "$tmp/report.json")

# The same questions one after another: one kdig asking them in sequence.
mapfile -t questions < <(awk '{ print $1; print $2 }' "$tmp/queries.txt")
start=$(now_ms)
kdig @127.0.0.1 -p "$relay_port" +notcp +timeout=5 +retry=0 "${questions[@]}" > "$tmp/kdig.txt"
seq_ms=$(( $(now_ms) - start ))
answered=$(grep -c '^;; ->>HEADER<<-' "$tmp/kdig.txt" || true)

read -r n_error n_problem n_ok n_checks <<< "$errors"
ratio=$(/usr/bin/python3 -c "print('%.1f' % ($seq_ms / max($md_ms, 1)))")

printf '\nmaildoctor-cli check of %s (%s checks, %s DNS questions), every answer delayed %s ms\n\n' \
  "$ip" "$n_checks" "$n_queries" "$delay_ms"
printf '  %-34s %10s\n' "MailDoctor (all at once)" "${md_ms} ms"
printf '  %-34s %10s\n' "one after another (kdig, $answered answers)" "${seq_ms} ms"
printf '  %-34s %10s\n' "ratio" "${ratio}×"
printf '  %-34s %10s\n' "peak RSS of maildoctor-cli" "${rss_kb} kB"
printf '  %-34s %10s\n' "checks: problem / error / ok" "$n_problem / $n_error / $n_ok"
printf '\n  target: ≤ 350 ms and ≥ 10× — '
if [ "$md_ms" -le 350 ] && [ "$(( seq_ms / (md_ms > 0 ? md_ms : 1) ))" -ge 10 ]; then
  echo "met"
else
  echo "NOT met"
fi
