/* md-watch-source.h — the watch's polite DNS: answers kept for their TTL, a daily budget per list
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-dns.h"

G_BEGIN_DECLS

/* Real time in microseconds since the epoch: g_get_real_time() in the
 * product, a fake clock in tests. */
typedef gint64 (*MdWatchClockFunc) (gpointer user_data);

/* The most questions the watch sends one list in a day (UTC). No list in
 * the catalog publishes a lower query limit than NordSpam's 10,000 a day
 * (resources/data/blocklists.xml, "usage"); the watch stays a tenth below. */
#define MD_WATCH_SOURCE_DEFAULT_DAILY_BUDGET 1000
/* How long "no such name" / "no data" is kept. The answer carries no TTL of
 * its own here (RFC 2308 puts it in the SOA, which the lookup does not
 * return), so the watch keeps it for a fixed, short time. */
#define MD_WATCH_SOURCE_NEGATIVE_TTL 300

#define MD_TYPE_WATCH_SOURCE (md_watch_source_get_type ())
G_DECLARE_FINAL_TYPE (MdWatchSource, md_watch_source, MD, WATCH_SOURCE, GObject)

/* Wraps @upstream. Questions under a zone of @catalog (MdBlocklist*) count
 * against that list's budget; when it is spent the answer is an error
 * ("could not decide"), never "not listed". Only answers that decide
 * something (OK, NXDOMAIN, NODATA) are kept; failures are asked again. */
MdWatchSource *md_watch_source_new              (MdDnsSource      *upstream,
                                                 GPtrArray        *catalog);
MdDnsSource   *md_watch_source_get_upstream     (MdWatchSource    *self);
void           md_watch_source_set_clock        (MdWatchSource    *self,
                                                 MdWatchClockFunc  clock,
                                                 gpointer          clock_data);
gint64         md_watch_source_now              (MdWatchSource    *self);
void           md_watch_source_set_daily_budget (MdWatchSource    *self,
                                                 guint             budget);
guint          md_watch_source_get_daily_budget (MdWatchSource    *self);
/* Questions sent upstream today to the list with @zone. */
guint          md_watch_source_get_n_sent       (MdWatchSource    *self,
                                                 const char       *zone);

G_END_DECLS
