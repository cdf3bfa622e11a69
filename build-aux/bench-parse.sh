#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Does the rejection parser stay linear? Builds inputs of 1, 10 and 100 MB from the rejection
# samples in tests/data/rejections (every kind of pasted text: bounces, logs, transcripts,
# escaped and wrapped text) mixed with mail-log noise, and times `maildoctor-cli parse --json`
# on each. The time per MB should stay about the same from 1 to 100 MB.
#
# Usage: build-aux/bench-parse.sh [BUILDDIR]       (default: ./_build)
# Not part of the test suite: timings depend on the machine.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-$srcdir/_build}
cli=$builddir/app/cli/maildoctor-cli

[ -x "$cli" ] || { echo "bench-parse: no $cli (build first, or pass the build dir)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One block of about 200 KB: every .txt sample once, each followed by log noise.
# Lines that start the returned original message are left out: the parser stops reading there,
# and the benchmark is about reading everything.
for sample in "$srcdir"/tests/data/rejections/*.txt; do
  grep -a -v -i -e 'original message' -e 'copy of the message' -e 'ursprüngliche' "$sample" || true
  echo
  for i in 1 2 3 4 5 6 7 8; do
    echo "Dec  3 09:00:0$i mx1 postfix/smtpd[4242]: connect from client$i.example.org[198.51.100.$i]"
    echo "Dec  3 09:00:0$i mx1 postfix/qmgr[812]: 4F1A2B3C4D: from=<news@example.org>, size=4096, nrcpt=1 (queue active)"
  done
  echo
done > "$work/block"

block_bytes=$(stat -c %s "$work/block")
printf '%-8s %10s %10s %12s\n' "input" "bytes" "seconds" "s per MB"
for mb in 1 10 100; do
  target=$((mb * 1024 * 1024))
  : > "$work/input"
  while [ "$(stat -c %s "$work/input")" -lt "$target" ]; do
    cat "$work/block" >> "$work/input"
  done
  truncate -s "$target" "$work/input"
  start=$(date +%s.%N)
  "$cli" parse --json "$work/input" > /dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; s = $end - $start; print('%-8s %10d %10.2f %12.3f' % ('$mb MB', $target, s, s / $mb))"
done
echo "(block of $block_bytes bytes repeated; the parser keeps at most 1000 rejections but reads all)"
