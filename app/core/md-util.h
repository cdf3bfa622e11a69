/* md-util.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void        md_core_init          (void);
const char *md_core_get_localedir (void);
char  *md_normalize_space    (const char *text);
GBytes *md_load_data_resource (const char *name,
                               GError    **error);

G_END_DECLS
