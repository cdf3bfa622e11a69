#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# How many round trips does `maildoctor-cli check` take? Full check-ups of
# several subjects (IP, sending domain with and without SPF, HELO, recipient)
# against Knot DNS serving tests/dns/, behind a relay that delays every answer
# by 100 ms. For each: the run's own duration (median of 5) in round trips,
# next to the dependency floor (the longest chain of questions that need an
# earlier answer: a PTR, then its name's address; a listing, then its TXT
# reason). Also the sequential time (kdig, one question after another) and the
# peak RSS of maildoctor-cli, and adnshost (adns-tools) asking the same
# questions all at once: the one-round-trip floor of any client that does not
# wait for earlier answers. adns asks port 53 only, so the relay listens on
# 127.0.0.99:53 when that can be bound (as root); otherwise the column says
# "n/a".
#
# Usage: build-aux/bench-check.sh [BUILDDIR]       (default: ./_build)
# BENCH_KEEP=1 keeps the work files (traces, reports) in /tmp/bench-keep.
# Needs knotd, kdig (knot-dnsutils), /usr/bin/time, /usr/bin/python3.
# Not part of the test suite: timings depend on the machine.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/build-aux/bench-knot.sh"
builddir=${1:-$srcdir/_build}
cli=$builddir/app/cli/maildoctor-cli
delay_ms=100

runs=5
# name | dependency floor in round trips | arguments. The floor is 2 where a
# PTR's name must then be resolved (or a listing's TXT reason asked), 1 where
# the PTR's name is the HELO name, which the first wave asks anyway.
subjects=(
  "IP + domain without SPF + HELO + recipient|2|--ip 203.0.113.7 --domain spammy.example.test --helo smtp.sender.example.net --recipient-domain m365.recipients.test"
  "IP + domain with SPF + HELO + recipient|2|--ip 192.0.2.25 --domain good.auth.test --helo mail.sender.example.net --recipient-domain outlook.recipients.test"
  "IP + HELO (PTR name = HELO)|1|--ip 198.51.100.25 --helo mail.sender.example.net"
  "IP only|2|--ip 203.0.113.7"
)
recipient=m365.recipients.test

bench_need bench-check knotd kdig /usr/bin/time /usr/bin/python3
[ -x "$cli" ] || { echo "bench-check: no $cli (build first, or pass the build dir)" >&2; exit 2; }

bench_init
bench_keep_dir=/tmp/bench-keep
tmp=$bench_tmp
bench_start_knot "$recipient" MX

# Port 53 on a loopback address of its own when allowed (for adnshost).
adns_listen=127.0.0.99
bench_relay_listen "$adns_listen"
bench_start_relay "$delay_ms" "$relay_listen" --max-seconds 600

now_ms () { date +%s%3N; }
median () { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '\nmaildoctor-cli check --no-web, every DNS answer delayed %s ms, median of %s runs\n\n' \
  "$delay_ms" "$runs"
printf '  %-46s %9s %7s %7s %9s %9s %9s\n' "subject" "questions" "run ms" "RTTs" "floor" \
  "kdig seq" "adnshost"

worst=0
for entry in "${subjects[@]}"; do
  name=${entry%%|*}
  rest=${entry#*|}
  floor=${rest%%|*}
  read -r -a args <<< "${rest#*|}"

  # The questions the run asks, from its debug trace (straight to knotd).
  G_MESSAGES_DEBUG=MailDoctor "$cli" check --no-web "${args[@]}" \
    --resolver "127.0.0.1:$knot_port" --json > "$tmp/trace.txt" 2>&1
  sed -n 's/.*check run: asking \([A-Z]*\) \([^ ]*\) .*(\([0-9]*\) in flight).*/\2 \1/p' \
    "$tmp/trace.txt" > "$tmp/queries.txt"
  n_queries=$(wc -l < "$tmp/queries.txt")

  : > "$tmp/durations.txt"
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$tmp/time.txt" "$cli" check --no-web "${args[@]}" \
      --resolver "$relay_host:$relay_port" --json > "$tmp/report.json"
    /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["duration_ms"])' \
      "$tmp/report.json" >> "$tmp/durations.txt"
  done
  run_ms=$(median < "$tmp/durations.txt")
  rtts=$(/usr/bin/python3 -c "print('%.2f' % ($run_ms / $delay_ms))")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
  worst=$(/usr/bin/python3 -c "print(max($worst, $rtts))")

  # kdig: the same questions one after another.
  mapfile -t questions < <(awk '{ print $1; print $2 }' "$tmp/queries.txt")
  start=$(now_ms)
  kdig @"$relay_host" -p "$relay_port" +notcp +timeout=5 +retry=0 "${questions[@]}" > /dev/null 2>&1 || true
  seq_ms=$(( $(now_ms) - start ))

  # adnshost: the same questions all at once (its types; others skipped).
  adns_ms=n/a
  if [ -n "$use_adns" ]; then
    /usr/bin/python3 -c '
import sys
types = {"A": "a", "AAAA": "aaaa", "TXT": "txt", "PTR": "ptr-", "NS": "ns-", "MX": "mx-",
         "SOA": "soa-", "CNAME": "cname"}
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        name, rrtype = line.split()
        if rrtype in types:
            out.write("-t%s\n%s\n" % (types[rrtype], name))' "$tmp/queries.txt" "$tmp/adns.in"
    start=$(now_ms)
    adnshost --config "nameserver $adns_listen" -a -f < "$tmp/adns.in" > /dev/null 2>&1 || true
    adns_ms=$(( $(now_ms) - start ))
  fi

  printf '  %-46s %9s %7s %7s %9s %9s %9s\n' "$name" "$n_queries" "$run_ms" "$rtts" "$floor" \
    "$seq_ms" "$adns_ms"
done

printf '\n  peak RSS of maildoctor-cli (last run): %s kB\n' "$rss_kb"
printf '  target: ≤ 2.5 round trips for every subject — '
if /usr/bin/python3 -c "import sys; sys.exit(0 if $worst <= 2.5 else 1)"; then
  echo "met (worst $worst)"
else
  echo "NOT met (worst $worst)"
fi
