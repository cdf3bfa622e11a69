#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest must launch what meson installs.

Usage: check-manifest.py MANIFEST APP_ID EXECUTABLE DESKTOP_FILE METAINFO_FILE
"""
import configparser
import re
import sys
import xml.etree.ElementTree as ET

try:
    import yaml
except ImportError:
    # The Flatpak SDK may lack PyYAML; the test command installs python3-yaml.
    print("SKIP: python3-yaml is not installed")
    sys.exit(77)

manifest_path, app_id, executable, desktop_path, metainfo_path = sys.argv[1:6]
errors = []


def check(condition, message):
    if not condition:
        errors.append(message)


with open(manifest_path, encoding="utf-8") as f:
    manifest = yaml.safe_load(f)

check(manifest.get("id") == app_id, f"manifest id {manifest.get('id')!r} is not {app_id!r}")
check(manifest.get("command") == executable,
      f"manifest command {manifest.get('command')!r} is not the installed {executable!r}")
check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
check(manifest.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
check(re.fullmatch(r"[0-9]{2}", str(manifest.get("runtime-version", ""))) is not None,
      "runtime-version is not a GNOME release number")

allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri"}
finish = set(manifest.get("finish-args", []))
check(finish == allowed, f"finish-args {sorted(finish)} are not exactly {sorted(allowed)}")

modules = {m["name"]: m for m in manifest.get("modules", []) if isinstance(m, dict)}
for name in ("c-ares", "gmime"):
    module = modules.get(name)
    check(module is not None, f"no module {name}")
    if module is None:
        continue
    sources = module.get("sources", [])
    check(len(sources) == 1 and sources[0].get("type") == "archive",
          f"{name} is not built from one release archive")
    for source in sources:
        check(source.get("url", "").startswith("https://"), f"{name} url is not https")
        check(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) is not None,
              f"{name} has no pinned sha256")

app = modules.get("maildoctor")
check(app is not None, "no module maildoctor")
if app is not None:
    check(app.get("buildsystem") == "meson", "the app module is not built with meson")
    check(app.get("run-tests") is True, "the app module does not run its tests")
    check(list(modules)[-1] == "maildoctor", "the app module is not the last one")

desktop = configparser.ConfigParser(interpolation=None)
desktop.optionxform = str
desktop.read(desktop_path, encoding="utf-8")
entry = desktop["Desktop Entry"]
check(entry.get("Exec", "").split()[0] == executable,
      f"the desktop file runs {entry.get('Exec')!r}, not {executable!r}")
check(entry.get("Icon") == app_id, f"the desktop file's icon is {entry.get('Icon')!r}")

root = ET.parse(metainfo_path).getroot()
check(root.findtext("id") == app_id, f"metainfo id {root.findtext('id')!r} is not {app_id!r}")
launchable = root.find("launchable")
check(launchable is not None and launchable.text == app_id + ".desktop",
      "metainfo launchable is not the desktop file")

for e in errors:
    print("FAIL:", e)
if not errors:
    print("manifest, desktop file and metainfo agree:", app_id, executable)
sys.exit(1 if errors else 0)
