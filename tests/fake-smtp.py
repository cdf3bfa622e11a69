#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A receiving SMTP server on loopback for the probe tests.

Usage: fake-smtp.py LOG (accept|reject-rcpt|reject-connect)
Listens on 127.0.0.1 on a free port, prints the port on stdout, answers
one session and writes every line the client sent, byte for byte
(repr), to LOG. It never relays or stores mail: there is no DATA.
"""
import socket
import sys

log_path, mode = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(15)
print(srv.getsockname()[1], flush=True)

conn, _ = srv.accept()
conn.settimeout(15)
out = open(log_path, "w")


def send(text):
    conn.sendall(text.encode() + b"\r\n")


if mode == "reject-connect":
    send("554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked")
    conn.close()
    sys.exit(0)

send("220 mx.partner.test ESMTP ready")
buf = b""
while True:
    try:
        chunk = conn.recv(4096)
    except socket.timeout:
        break
    if not chunk:
        break
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        out.write(repr(line) + "\n")
        out.flush()
        word = line.decode("utf-8", "replace").strip().upper()
        if word.startswith(("EHLO", "HELO")):
            send("250-mx.partner.test\r\n250-PIPELINING\r\n250 8BITMIME")
        elif word.startswith("MAIL"):
            send("250 2.1.0 Sender OK")
        elif word.startswith("RCPT"):
            if mode == "reject-rcpt":
                send("550 5.7.511 Access denied, banned sender[203.0.113.7]. To request "
                     "removal from this list please forward this message to "
                     "delist@messaging.microsoft.com.")
            else:
                send("250 2.1.5 Recipient OK")
        elif word.startswith("QUIT"):
            send("221 2.0.0 Bye")
            conn.close()
            sys.exit(0)
        else:
            send("502 5.5.2 Command not implemented")
