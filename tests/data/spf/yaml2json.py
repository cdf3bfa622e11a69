#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Converts the OpenSPF conformance suite (a YAML stream, one scenario per
# document) to one JSON array, so the C test reads it with json-glib.
#
# YAML "\xNN" escapes are code points; they are written as UTF-8, as the
# reference runner (pyspf's testspf.py) puts them on the wire. JSON strings
# cannot carry a NUL through json-glib, so a TXT/SPF character-string that
# holds one is written as {"base64": <its UTF-8 bytes>}.

import base64
import json
import sys

import yaml


def txt_string(s):
    if isinstance(s, str) and '\0' in s:
        return {'base64': base64.b64encode(s.encode('utf-8')).decode('ascii')}
    return s


def convert_rr(rr):
    if not isinstance(rr, dict):
        return rr
    out = {}
    for rtype, value in rr.items():
        if rtype in ('TXT', 'SPF'):
            if isinstance(value, list):
                value = [txt_string(v) for v in value]
            else:
                value = txt_string(value)
        out[rtype] = value
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: yaml2json.py SUITE.yml OUT.json')
    with open(sys.argv[1], 'rb') as f:
        scenarios = list(yaml.safe_load_all(f))
    out = []
    for scenario in scenarios:
        zonedata = {}
        for name, rrs in (scenario.get('zonedata') or {}).items():
            zonedata[name] = [convert_rr(rr) for rr in (rrs or [])]
        out.append({
            'description': scenario['description'],
            'tests': scenario['tests'],
            'zonedata': zonedata,
        })
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write('\n')


if __name__ == '__main__':
    main()
