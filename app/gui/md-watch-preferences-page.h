/* md-watch-preferences-page.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MD_TYPE_WATCH_PREFERENCES_PAGE (md_watch_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (MdWatchPreferencesPage, md_watch_preferences_page, MD,
                      WATCH_PREFERENCES_PAGE, AdwPreferencesPage)

/* Edits "watch-addresses", "watch-domains" and "watch-interval" of @settings. */
MdWatchPreferencesPage *md_watch_preferences_page_new (GSettings *settings);

G_END_DECLS
