# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Sourced (not run) by the benchmarks that ask Knot DNS through a slow
# relay: bench-check.sh, bench-bulk.sh, bench-window.sh. It gives them
#   bench_need NAME TOOL...     exit 2 unless every tool is there
#   bench_init                  $bench_tmp, a work directory; on exit the
#                               processes in bench_pids are ended and it is
#                               removed (BENCH_KEEP=1 copies it to
#                               $bench_keep_dir first, when that is set)
#   bench_start_knot NAME TYPE [ZONEFILE...]
#                               knotd on a free port of 127.0.0.1
#                               ($knot_port) serving tests/dns/*.zone and
#                               the zone files given (origin: the file name
#                               without .zone); returns once it answers
#                               NAME TYPE
#   bench_relay_listen ADDR     $relay_listen: ADDR:53 (and $use_adns=1)
#                               when adnshost can be used — adns asks port
#                               53 only, which needs root —, else any port
#                               of 127.0.0.1
#   bench_start_relay DELAY_MS LISTEN [ARG...]
#                               build-aux/bench-relay.py in front of knotd,
#                               delaying every answer; sets $relay_host,
#                               $relay_port and $relay (host:port)
# Needs bash, knotd, kdig and /usr/bin/python3.

# The variables set here are for the script that sources this file.
# shellcheck disable=SC2034

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_tmp=
bench_keep_dir=
bench_pids=()

bench_need () {
  local name=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is missing" >&2; exit 2; }
  done
}

bench_cleanup () {
  local pid
  for pid in "${bench_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "$bench_tmp" ]; then
    if [ -n "${BENCH_KEEP:-}" ] && [ -n "$bench_keep_dir" ]; then
      cp -r "$bench_tmp" "$bench_keep_dir"
    fi
    rm -rf "$bench_tmp"
  fi
}

bench_init () {
  bench_tmp=$(mktemp -d)
  trap bench_cleanup EXIT
}

bench_free_port () {
  /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

bench_start_knot () {
  local probe_name=$1 probe_type=$2 zone origin
  shift 2

  knot_port=$(bench_free_port)
  mkdir -p "$bench_tmp/run" "$bench_tmp/storage"
  {
    echo "server:"
    echo "  rundir: \"$bench_tmp/run\""
    echo "  listen: 127.0.0.1@$knot_port"
    echo "database:"
    echo "  storage: \"$bench_tmp/storage\""
    echo "log:"
    echo "  - target: stderr"
    echo "    any: error"
    echo "template:"
    echo "  - id: default"
    echo "    zonefile-sync: -1"
    echo "    zonefile-load: whole"
    echo "    journal-content: none"
    echo "zone:"
    for zone in "$bench_srcdir"/tests/dns/*.zone "$@"; do
      origin=$(basename "$zone" .zone)
      [ "$origin" = root ] && origin=.
      echo "  - domain: \"$origin\""
      echo "    file: \"$zone\""
    done
  } > "$bench_tmp/knot.conf"

  knotd -c "$bench_tmp/knot.conf" 2> "$bench_tmp/knot.log" &
  bench_pids+=("$!")
  for _ in $(seq 100); do
    kdig @127.0.0.1 -p "$knot_port" +timeout=1 +retry=0 "$probe_name" "$probe_type" \
      >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "bench: knotd does not answer $probe_name $probe_type:" >&2
  cat "$bench_tmp/knot.log" >&2
  exit 2
}

bench_relay_listen () {
  local adns_addr=$1

  relay_listen=127.0.0.1:0
  use_adns=
  if command -v adnshost >/dev/null && [ "$(id -u)" = 0 ] &&
     /usr/bin/python3 -c "import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind((sys.argv[1], 53))" "$adns_addr" \
       2>/dev/null; then
    relay_listen=$adns_addr:53
    use_adns=1
  fi
}

bench_start_relay () {
  local delay_ms=$1 listen=$2
  shift 2

  /usr/bin/python3 "$bench_srcdir/build-aux/bench-relay.py" --upstream "127.0.0.1:$knot_port" \
    --delay-ms "$delay_ms" --port-file "$bench_tmp/relay.port" --listen "$listen" "$@" &
  bench_pids+=("$!")
  for _ in $(seq 100); do
    [ -s "$bench_tmp/relay.port" ] && break
    sleep 0.05
  done
  [ -s "$bench_tmp/relay.port" ] || { echo "bench: the relay did not start" >&2; exit 2; }
  relay_host=${listen%:*}
  relay_port=$(cat "$bench_tmp/relay.port")
  relay=$relay_host:$relay_port
}
