#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The MailDoctor authors
#
# Converts one record-vector YAML file to JSON at build time, so the C test
# reads it with json-glib instead of needing a YAML parser.

import json
import sys

import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: yaml2json.py IN.yml OUT.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        data = yaml.safe_load(f)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=True, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
