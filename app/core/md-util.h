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

void      md_json_builder_add_string_member (JsonBuilder  *builder,
                                             const char   *name,
                                             const char   *value);
void      md_json_builder_add_strv_member   (JsonBuilder  *builder,
                                             const char   *name,
                                             char * const *strv);

G_END_DECLS
