#!/usr/bin/python3
# check-includes.py — which engine headers the front ends include (issue 14)
#
# Copyright 2026 The MailDoctor authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The window and the CLI reach the diagnosis flow (read an input, explain
# it, check, draft, keep the case) only through MdDiagnosis and
# MdCaseSession: what is settled there is settled once. A feature outside
# that flow (the watch, the log scan, the probe, `check` and `spf` on the
# command line, Preferences' resolver test) reaches its own engine header,
# listed here with the reason. A front-end file that includes anything else
# from app/core fails this test: settle it in the engine instead.
#
# Usage: check-includes.py SOURCE_ROOT

import os
import re
import sys

FLOW = {'md-diagnosis.h', 'md-case-session.h'}
# md_core_init(), the locale directory and the JSON member helpers; forward
# declarations of the engine's types.
SHARED = {'md-util.h', 'md-types.h'}

FEATURES = {
    # Settings become the resolver in one place.
    'app/gui/md-settings.c': {'md-resolver.h'},
    # DNS Resolver row (its servers, a public resolver's warning) and its
    # Test button (the check run's trust probe); the blocklists one can
    # switch off, and the form of the Spamhaus DQS key.
    'app/gui/md-preferences-window.c': {'md-resolver.h', 'md-resolver-trust.h',
                                        'md-blocklists.h'},
    # The watch runs in the application, which asks the portal to let it
    # run in the background.
    'app/gui/md-application.h': {'md-watch.h'},
    'app/gui/md-application.c': {'md-watch.h', 'md-background.h'},
    'app/gui/md-watch-page.h': {'md-watch.h'},
    'app/gui/md-watch-page.c': {'md-watch.h'},
    'app/gui/md-watch-preferences-page.c': {'md-watch.h'},
    # The log scan.
    'app/gui/md-scan-page.h': {'md-log-scan.h'},
    'app/gui/md-scan-page.c': {'md-log-scan.h'},
    'app/gui/md-scan-chart.h': {'md-log-scan.h'},
    'app/gui/md-scan-chart.c': {'md-log-scan.h'},
    'app/cli/md-cli-scan.c': {'md-log-scan.h'},
    # The probe (a transcript of a test delivery).
    'app/gui/md-probe-panel.c': {'md-probe.h'},
    'app/cli/md-cli-probe.c': {'md-probe.h'},
    # `maildoctor-cli check`: a run for a subject typed on the command
    # line, no rejection; --resolver; the DQS key's form; --ips-from, read
    # up to its own bound and expanded as a watch list is.
    'app/cli/md-cli-check.c': {'md-check-run.h', 'md-resolver.h', 'md-blocklists.h',
                               'md-bounded-read.h', 'md-watch-list.h'},
    # `maildoctor-cli spf`: the SPF evaluator on its own.
    'app/cli/md-cli-spf.c': {'md-spf.h', 'md-resolver.h'},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    root = sys.argv[1]
    core = set(os.listdir(os.path.join(root, 'app', 'core')))
    failures = []
    checked = 0
    seen = set()

    for front in ('app/gui', 'app/cli'):
        for name in sorted(os.listdir(os.path.join(root, front))):
            if not name.endswith(('.c', '.h')):
                continue
            path = f'{front}/{name}'
            seen.add(path)
            with open(os.path.join(root, path), encoding='utf-8') as f:
                text = f.read()
            allowed = FLOW | SHARED | FEATURES.get(path, set())
            for header in INCLUDE.findall(text):
                if header not in core:
                    continue
                checked += 1
                if header not in allowed:
                    failures.append(f'{path} includes {header}')

    for path in FEATURES:
        if path not in seen:
            failures.append(f'{path} is listed here but does not exist')

    for failure in failures:
        print(f'not allowed: {failure}')
    print(f'{checked} engine includes in the front ends, {len(failures)} not allowed')

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
