/* md-resolver-banner.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_RESOLVER_BANNER (md_resolver_banner_get_type ())
G_DECLARE_FINAL_TYPE (MdResolverBanner, md_resolver_banner, MD, RESOLVER_BANNER, GtkWidget)

GtkWidget  *md_resolver_banner_new              (void);
MdCheckRun *md_resolver_banner_get_run          (MdResolverBanner *self);
void        md_resolver_banner_set_run          (MdResolverBanner *self,
                                                 MdCheckRun       *run);
const char *md_resolver_banner_get_title        (MdResolverBanner *self);
const char *md_resolver_banner_get_detail       (MdResolverBanner *self);

gboolean    md_resolver_banner_check_is_affected (MdCheck         *check);

G_END_DECLS
