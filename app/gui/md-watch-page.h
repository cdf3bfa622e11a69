/* md-watch-page.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-watch.h"

G_BEGIN_DECLS

#define MD_TYPE_WATCH_PAGE (md_watch_page_get_type ())

G_DECLARE_FINAL_TYPE (MdWatchPage, md_watch_page, MD, WATCH_PAGE, AdwBin)

GtkWidget *md_watch_page_new       (void);
MdWatch   *md_watch_page_get_watch (MdWatchPage *self);
void       md_watch_page_set_watch (MdWatchPage *self,
                                    MdWatch     *watch);

G_END_DECLS
