/* md-rejection-text.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One input line made safe: bounded, no control characters, valid UTF-8. */

#include "config.h"

#include "md-rejection-parser-private.h"

/* One line, made safe: at most MAX_LINE bytes, control characters replaced,
 * valid UTF-8 (Windows-1252 when it is not UTF-8, as German text pasted
 * from Windows often is). */
char *
md_rejection_sanitize_line (const char *data,
                            gsize       len)
{
  g_autofree char *copy = NULL;

  if (len > 0 && data[len - 1] == '\r')
    len--;
  if (len > MAX_LINE)
    len = MAX_LINE;

  copy = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];
      copy[i] = (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char) c;
    }
  copy[len] = '\0';

  if (g_utf8_validate (copy, len, NULL))
    return g_steal_pointer (&copy);

  {
    char *converted = g_convert (copy, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);

    if (converted != NULL && g_utf8_validate (converted, -1, NULL))
      return converted;
    g_free (converted);
  }

  return g_utf8_make_valid (copy, len);
}
