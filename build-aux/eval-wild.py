#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Field accuracy of the rejection parser on the held-out texts in tests/data/wild-eval:
# real rejections copied from public pages and issue trackers that the parser was NOT tuned
# on. Each NAME.txt has a NAME.fields.json with the fields a person reads off the text
# (reply code, enhanced status, blocked IP of the sender, rejecting host, receiver) and
# whether the source is German-speaking. Prints the accuracy overall and for the
# German-speaking subset, and every miss. Texts are added in batches ("batch" in the .json, 1 when
# absent), each after the parser's last change for the batches before; every batch is also
# counted on its own, so that its first run measures texts the parser has never seen.
#
#   python3 build-aux/eval-wild.py _build/app/cli/maildoctor-cli tests/data/wild-eval

import json
import os
import subprocess
import sys

FIELDS = ('smtp_code', 'enhanced_status', 'blocked_ip', 'remote_host', 'provider')


def parse(cli, path):
    out = subprocess.run([cli, 'parse', '--json', path], capture_output=True, text=True,
                         check=False).stdout
    rejections = json.loads(out).get('rejections', []) if out.strip() else []
    return rejections[0] if rejections else {}


def main():
    if len(sys.argv) != 3:
        print('usage: eval-wild.py MAILDOCTOR-CLI DIR', file=sys.stderr)
        return 2
    cli, directory = sys.argv[1], sys.argv[2]
    totals = {'all': [0, 0], 'german': [0, 0]}
    misses = []

    for name in sorted(os.listdir(directory)):
        if not name.endswith('.fields.json'):
            continue
        base = name[:-len('.fields.json')]
        with open(os.path.join(directory, name), encoding='utf-8') as f:
            spec = json.load(f)
        got = parse(cli, os.path.join(directory, base + '.txt'))
        for field in FIELDS:
            want = spec['expect'][field]
            have = got.get(field)
            ok = want == have
            groups = ['all'] + (['german'] if spec['german_speaking'] else [])
            batch = 'batch%d' % spec.get('batch', 1)
            groups += [batch] + ([batch + '-german'] if spec['german_speaking'] else [])
            for group in groups:
                totals.setdefault(group, [0, 0])
                totals[group][0] += ok
                totals[group][1] += 1
            if not ok:
                misses.append('%s: %s = %r, expected %r' % (base, field, have, want))

    for line in misses:
        print('miss  ' + line)
    labels = [('all', 'all texts'), ('german', 'German-speaking sources')]
    for group in sorted(g for g in totals if g.startswith('batch')):
        labels.append((group, group.replace('-german', ', German-speaking')))
    for group, label in labels:
        right, count = totals[group]
        print('%-24s %4d / %4d fields right = %5.1f %%' %
              (label, right, count, 100.0 * right / count if count else 0.0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
