#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# A UDP DNS relay for build-aux/bench-check.sh: forwards every query to one
# upstream server and holds each answer back for --delay-ms before passing it
# on, so a loopback Knot DNS behaves like a server 100 ms away. Loopback
# only, a bounded number of queries in flight, and it exits on its own after
# --max-seconds.

import argparse
import asyncio
import ipaddress
import sys


def loopback_endpoint(text):
    host, _, port = text.rpartition(':')
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError('%s is not a loopback address' % host)
    return host, int(port)


class Relay(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay, limit):
        self.upstream = upstream
        self.delay = delay
        self.slots = asyncio.Semaphore(limit)
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if not ipaddress.ip_address(addr[0]).is_loopback:
            return
        asyncio.ensure_future(self.forward(data, addr))

    async def forward(self, data, addr):
        loop = asyncio.get_running_loop()
        async with self.slots:
            answer = loop.create_future()

            class Upstream(asyncio.DatagramProtocol):
                def datagram_received(self, reply, _):
                    if not answer.done():
                        answer.set_result(reply)

            transport, _ = await loop.create_datagram_endpoint(Upstream,
                                                               remote_addr=self.upstream)
            try:
                transport.sendto(data)
                reply = await asyncio.wait_for(answer, 5)
            except asyncio.TimeoutError:
                return
            finally:
                transport.close()

            await asyncio.sleep(self.delay)
            self.transport.sendto(reply, addr)


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--upstream', type=loopback_endpoint, required=True,
                        help='ADDR:PORT of the DNS server (loopback)')
    parser.add_argument('--delay-ms', type=int, default=100)
    parser.add_argument('--max-in-flight', type=int, default=1024)
    parser.add_argument('--max-seconds', type=int, default=300)
    parser.add_argument('--port-file', required=True,
                        help='where to write the port the relay listens on')
    parser.add_argument('--listen', type=loopback_endpoint, default=('127.0.0.1', 0),
                        help='ADDR:PORT to listen on (loopback; default: a free port)')
    args = parser.parse_args()

    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: Relay(args.upstream, args.delay_ms / 1000, args.max_in_flight),
        local_addr=args.listen)
    with open(args.port_file, 'w') as f:
        f.write('%d\n' % transport.get_extra_info('sockname')[1])

    await asyncio.sleep(args.max_seconds)
    transport.close()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
