/* md-util.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void        md_core_init           (void);
const char *md_core_get_localedir  (void);
char       *md_normalize_space     (const char  *text);
char       *md_address_get_domain  (const char  *address);
GBytes     *md_load_data_resource  (const char  *name,
                                    GError     **error);

char     *md_data_text_translate (const char           *text);
gboolean  md_data_parse_markup   (const GMarkupParser  *parser,
                                  GMarkupParseFlags     flags,
                                  gpointer              user_data,
                                  const char           *data,
                                  gssize                length,
                                  GError              **error);
char     *md_data_vprintf_at     (GMarkupParseContext  *context,
                                  int                  *line,
                                  const char           *format,
                                  va_list               args) G_GNUC_PRINTF (3, 0);
void      md_data_set_error      (GMarkupParseContext  *context,
                                  GError              **error,
                                  GQuark                domain,
                                  int                   code,
                                  const char           *file_name,
                                  const char           *format,
                                  ...) G_GNUC_PRINTF (6, 7);

void      md_json_builder_add_string_member (JsonBuilder  *builder,
                                             const char   *name,
                                             const char   *value);
void      md_json_builder_add_strv_member   (JsonBuilder  *builder,
                                             const char   *name,
                                             char * const *strv);

G_END_DECLS
