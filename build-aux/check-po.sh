#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The German catalog must be complete for the sources as they are now:
# extract a fresh template, merge de.po into it and count. Also checks that
# po/POTFILES.in is sorted and names every file with translatable strings.
set -eu

srcdir=${1:?usage: check-po.sh SOURCE_DIR}
cd "$srcdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

grep -v '^#' po/POTFILES.in | sed '/^$/d' > "$tmp/potfiles"
LC_ALL=C sort -c "$tmp/potfiles" 2>/dev/null || { echo "po/POTFILES.in is not sorted"; status=1; }

# Every source file with markers must be listed (and every listed file exist).
for f in $(git ls-files 'app/*.c' 'resources/*.ui' 'resources/data/*.xml' 2>/dev/null || true); do
  if grep -q -E '[^_A-Za-z](N?_|C_|NC_)\(|translatable="yes"' "$f" && ! grep -q -x -F "$f" "$tmp/potfiles"; then
    echo "$f has translatable strings but is not in po/POTFILES.in"; status=1
  fi
done
while read -r f; do
  [ -f "$f" ] || { echo "po/POTFILES.in names $f, which does not exist"; status=1; }
done < "$tmp/potfiles"

GETTEXTDATADIRS="$srcdir/po" xgettext --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --files-from="$tmp/potfiles" --output="$tmp/maildoctor.pot" 2>"$tmp/xgettext.log" || {
  cat "$tmp/xgettext.log"; exit 1; }

msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/de.po" po/de.po "$tmp/maildoctor.pot"
msgfmt --check --output-file=/dev/null po/de.po
stats=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$tmp/de.po" 2>&1)
echo "de.po against the current sources: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "Missing German translations:"
    msgattrib --untranslated --only-fuzzy "$tmp/de.po" 2>/dev/null | grep '^msgid' | head -40 || true
    msgattrib --untranslated "$tmp/de.po" | grep '^msgid' | head -40
    status=1 ;;
esac
exit $status
