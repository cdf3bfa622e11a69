#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# run-fuzzer.sh TARGET SEED-DIR: runs a libFuzzer target for a bounded time
# on a scratch copy of its seed corpus (libFuzzer adds files to the corpus
# it is given; the seeds in the source tree stay as they are).
set -eu

target=$1
seeds=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/maildoctor-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Inputs that crash are kept next to the build for the report.
artifacts="$(pwd)/fuzz-artifacts/$(basename "$target")/"
mkdir -p "$artifacts" "$work/corpus"
cp -R "$seeds"/. "$work/corpus/"
cd "$work"
# libFuzzer's default exit code for a finding is 77, which meson reads as
# "skipped": make every finding a failure.
"$target" -max_total_time="${MD_FUZZ_SECONDS:-45}" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts" corpus
