#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Reads an .eml written by MailDoctor with Python's own MIME parser (an
# implementation independent of GMime) and compares it with what the draft
# held. Usage: check-eml.py MESSAGE.eml EXPECTED.json
#
# EXPECTED.json: {"to": str|null, "from_name": str|null, "from_address": str|null,
#   "subject": str, "body": str,
#   "attachments": [{"name": str, "content_type": str, "data_b64": str}]}
# Exit status 0 when everything matches, 1 with the reasons on stderr.

import base64
import email
import email.policy
import email.utils
import json
import sys

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def main():
    raw = open(sys.argv[1], 'rb').read()
    expected = json.load(open(sys.argv[2], encoding='utf-8'))

    originals = [base64.b64decode(a['data_b64']) for a in expected['attachments']
                 if a['content_type'] == 'message/rfc822']
    # Lines of an attached message travel as they are (RFC 2046 forbids
    # encoding message/rfc822); RFC 5322 allows them up to 998 octets.
    original_lines = set()
    for original in originals:
        for line in original.replace(b'\r\n', b'\n').split(b'\n'):
            original_lines.add(line)

    check(raw.endswith(b'\r\n'), 'message does not end with CRLF')
    lines = raw.split(b'\r\n')
    for number, line in enumerate(lines[:-1], 1):
        check(b'\n' not in line and b'\r' not in line,
              'line %d: bare CR or LF' % number)
        check(len(line) <= 998, 'line %d: %d octets (over 998)' % (number, len(line)))
        if len(line) > 78 and line not in original_lines:
            failures.append('line %d: %d octets (over 78): %r' % (number, len(line), line[:90]))

    header_end = raw.index(b'\r\n\r\n')
    try:
        raw[:header_end].decode('ascii')
    except UnicodeDecodeError:
        failures.append('the header holds raw non-ASCII octets (no encoded-words)')

    message = email.message_from_bytes(raw, policy=email.policy.default)
    check(not message.defects, 'defects: %r' % message.defects)
    check(message['MIME-Version'] == '1.0', 'MIME-Version: %r' % message['MIME-Version'])
    check(message['X-Unsent'] == '1', 'X-Unsent: %r' % message['X-Unsent'])
    check(message['Message-ID'] is not None and message['Message-ID'].startswith('<'),
          'Message-ID: %r' % message['Message-ID'])
    check(message['Date'] is not None and message['Date'].datetime is not None,
          'Date: %r' % message['Date'])
    check(message['Subject'] == expected['subject'],
          'Subject: %r != %r' % (message['Subject'], expected['subject']))

    if expected['to'] is None:
        check(message['To'] is None, 'To: %r, expected none' % message['To'])
    else:
        to = message['To']
        check(to is not None and [a.addr_spec for a in to.addresses] == [expected['to']],
              'To: %r != %r' % (to, expected['to']))

    if expected['from_address'] is None:
        check(message['From'] is None, 'From: %r, expected none' % message['From'])
    else:
        sender = message['From']
        check(sender is not None and len(sender.addresses) == 1, 'From: %r' % sender)
        if sender is not None and sender.addresses:
            check(sender.addresses[0].addr_spec == expected['from_address'],
                  'From address: %r' % sender.addresses[0].addr_spec)
            check(sender.addresses[0].display_name == (expected['from_name'] or ''),
                  'From name: %r != %r' % (sender.addresses[0].display_name, expected['from_name']))

    check(message.get_content_type() == 'multipart/mixed',
          'Content-Type: %s' % message.get_content_type())
    parts = list(message.iter_parts())
    check(len(parts) == 1 + len(expected['attachments']),
          '%d parts, expected %d' % (len(parts), 1 + len(expected['attachments'])))
    if not parts:
        return

    text = parts[0]
    check(text.get_content_type() == 'text/plain', 'body type %s' % text.get_content_type())
    check(text.get_content_charset() == 'utf-8', 'body charset %s' % text.get_content_charset())
    check(text['Content-Transfer-Encoding'] == 'quoted-printable',
          'body encoding %r' % text['Content-Transfer-Encoding'])
    body = text.get_content().replace('\r\n', '\n')
    if body != expected['body']:
        at = next((i for i, (a, b) in enumerate(zip(body, expected['body'])) if a != b),
                  min(len(body), len(expected['body'])))
        failures.append('body differs at %d: %r != %r' % (at, body[at - 20:at + 20],
                                                          expected['body'][at - 20:at + 20]))

    for part, want in zip(parts[1:], expected['attachments']):
        data = base64.b64decode(want['data_b64'])
        check(part.get_filename() == want['name'],
              'attachment name %r != %r' % (part.get_filename(), want['name']))
        check(part.get_content_disposition() == 'attachment',
              'disposition %r' % part.get_content_disposition())
        check(part.get_content_type() == want['content_type'].split(';')[0].strip(),
              'attachment type %s != %s' % (part.get_content_type(), want['content_type']))
        if want['content_type'] == 'message/rfc822':
            check(part['Content-Transfer-Encoding'] in (None, '7bit', '8bit'),
                  'message/rfc822 encoded as %r' % part['Content-Transfer-Encoding'])
            crlf = data.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
            check(crlf in raw, 'attached message is not in the file octet for octet')
            inner = part.get_content()
            original = email.message_from_bytes(data, policy=email.policy.default)
            check(inner['Subject'] == original['Subject'],
                  'attached message Subject %r' % inner['Subject'])
            check(inner.as_bytes() == original.as_bytes(), 'attached message differs')
        else:
            check(part['Content-Transfer-Encoding'] == 'base64',
                  'attachment encoding %r' % part['Content-Transfer-Encoding'])
            check(part.get_payload(decode=True) == data,
                  'attachment %s: bytes differ' % want['name'])


main()
if failures:
    for f in failures:
        print(f, file=sys.stderr)
    sys.exit(1)
print('ok')
