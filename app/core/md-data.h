/* md-data.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One XML data file of the engine (resources/data/NAME) and how to read it:
 * the loader's element callbacks, a fresh parse state, and the step that
 * turns a parsed state into the loader's result. */
typedef struct
{
  const char          *name;          /* "receivers.xml" */
  GMarkupParser        parser;
  GMarkupParseFlags    flags;
  /* A new, empty parse state. */
  gpointer           (*begin)       (void);
  /* Frees @state; when @parsed, returns the result (or NULL and sets
   * @error for a check over the whole file). */
  gpointer           (*end)         (gpointer   state,
                                     gboolean   parsed,
                                     GError   **error);
  GDestroyNotify       free_result;
} MdDataFile;

gpointer  md_data_file_parse     (const MdDataFile     *file,
                                  const char           *data,
                                  gssize                length,
                                  GError              **error);
gpointer  md_data_file_get       (const MdDataFile     *file,
                                  GError              **error);

char     *md_data_text_translate (const char           *text);
void      md_data_set_verror     (GMarkupParseContext  *context,
                                  GError              **error,
                                  GQuark                domain,
                                  int                   code,
                                  const char           *file_name,
                                  const char           *format,
                                  va_list               args) G_GNUC_PRINTF (6, 0);
void      md_data_set_error      (GMarkupParseContext  *context,
                                  GError              **error,
                                  GQuark                domain,
                                  int                   code,
                                  const char           *file_name,
                                  const char           *format,
                                  ...) G_GNUC_PRINTF (6, 7);

G_END_DECLS
