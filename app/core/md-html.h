/* md-html.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* There is no HTML parser in our stack (GLib, libsoup, json-glib, GMime):
 * a tolerant scanner, linear in the input, for the two things the engine
 * reads from HTML — a page's links and its visible text. */

typedef struct
{
  char *href;
  char *text;     /* tags stripped, entities decoded, white space collapsed */
} MdHtmlLink;

GPtrArray *md_html_scan_links (const char *html,
                               gsize       length);
char      *md_html_to_text    (const char *html,
                               gsize       length,
                               gboolean    keep_lines);

G_END_DECLS
