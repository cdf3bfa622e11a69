/* md-watch-item.h — one watched address (or domain) and what the lists say about it now
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MD_TYPE_WATCH_ITEM (md_watch_item_get_type ())
G_DECLARE_FINAL_TYPE (MdWatchItem, md_watch_item, MD, WATCH_ITEM, GObject)

MdWatchItem *md_watch_item_new             (const char   *subject);
const char  *md_watch_item_get_subject     (MdWatchItem  *self);
/* The names of the lists that list it now, joined ("Spamhaus ZEN, SpamCop"); "" when none. */
const char  *md_watch_item_get_listings    (MdWatchItem  *self);
guint        md_watch_item_get_n_listed    (MdWatchItem  *self);
/* Lists that could not decide in the last check. */
guint        md_watch_item_get_n_undecided (MdWatchItem  *self);
/* When it was last checked (real time, µs); 0: not yet. */
gint64       md_watch_item_get_checked     (MdWatchItem  *self);
/* The open case that watches it, 0 when none. */
gint64       md_watch_item_get_case_id     (MdWatchItem  *self);
/* A translated one-line state for the window ("Listed on 2 lists", "Not listed", …). */
char        *md_watch_item_dup_status      (MdWatchItem  *self);
void         md_watch_item_update          (MdWatchItem  *self,
                                            const char   *listings,
                                            guint         n_listed,
                                            guint         n_undecided,
                                            gint64        checked,
                                            gint64        case_id);
/* Problems first: more listings, then more undecided, then addresses in
 * numeric order, then domains; -1, 0 or 1. */
int          md_watch_item_compare         (MdWatchItem  *a,
                                            MdWatchItem  *b);

G_END_DECLS
