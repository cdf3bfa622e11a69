/* md-watch.h — the watch list: re-checks the sending IPs against the block lists on schedule
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-case-store.h"
#include "md-check-run.h"
#include "md-dns.h"
#include "md-watch-item.h"
#include "md-watch-list.h"
#include "md-watch-source.h"

G_BEGIN_DECLS

/* 6 hours between two checks of the same address, unless the user says otherwise. */
#define MD_WATCH_DEFAULT_INTERVAL (6 * 60 * 60)
#define MD_WATCH_MIN_INTERVAL     (60 * 60)
#define MD_WATCH_MAX_INTERVAL     (7 * 24 * 60 * 60)

#define MD_TYPE_WATCH (md_watch_get_type ())
G_DECLARE_FINAL_TYPE (MdWatch, md_watch, MD, WATCH, GObject)

/* Signals:
 *   "listing-changed" (const char *subject, const char *zone, const char *list_name,
 *                      gboolean listed, gint64 case_id): a change the watch saw and
 *                      recorded in the case store's history; never for "could not decide".
 *   "paused" (const char *message): the resolver cannot be trusted; once per pause.
 *   "reminder" (gint64 case_id, const char *message): the receiver's promised time for
 *              a case waiting for an answer has passed; once per case.
 *   "round-started" (), "round-finished" (): a round of checks began, ended (applied
 *              or paused). */
/* The watch reads and writes the case store only through its _async calls
 * (on the store's writer thread): the main loop never waits for SQLite.
 * @store may be NULL while it is being opened (md_case_store_new_async()):
 * then md_watch_set_store() once it is; until then no round runs. */
MdWatch      *md_watch_new                (MdDnsSource         *source,
                                           MdCaseStore         *store);
void          md_watch_set_store          (MdWatch             *self,
                                           MdCaseStore         *store);
/* NULL until the store is set. */
MdCaseStore  *md_watch_get_store          (MdWatch             *self);
/* The resolver changed: a new source also ends a pause. */
void          md_watch_set_source         (MdWatch             *self,
                                           MdDnsSource         *source);
MdWatchSource *md_watch_get_source        (MdWatch             *self);
void          md_watch_set_clock          (MdWatch             *self,
                                           MdWatchClockFunc     clock,
                                           gpointer             clock_data);
/* Notifications go out through @application (may be NULL: signals only). */
void          md_watch_set_application    (MdWatch             *self,
                                           GApplication        *application);
/* IPs and prefixes as the user typed them (md_watch_expand_entries()); on
 * error nothing changes. */
gboolean      md_watch_set_entries        (MdWatch             *self,
                                           const char * const  *entries,
                                           GError             **error);
gboolean      md_watch_set_domains        (MdWatch             *self,
                                           const char * const  *domains,
                                           GError             **error);
void          md_watch_set_interval       (MdWatch             *self,
                                           guint                seconds);
guint         md_watch_get_interval       (MdWatch             *self);
/* How the watch's runs are set up, as the window's are (the blocklists
 * switched off, the lists' access keys, the resolver's name): copied. HTTP
 * and the round's share are the watch's own: it runs no web checks, and
 * its runs share their questions. NULL: the defaults. */
void          md_watch_set_run_options    (MdWatch             *self,
                                           const MdCheckRunOptions *options);
/* Every watched subject: the entries' addresses, the open cases' IPs (as
 * the store said when last read: at the start, each tick, after a round),
 * the domains. */
GStrv         md_watch_dup_subjects       (MdWatch             *self);
/* A GListModel of MdWatchItem, one per subject. */
GListModel   *md_watch_get_model          (MdWatch             *self);

/* Runs md_watch_tick() every minute, from a minute on, until md_watch_stop(). */
void          md_watch_start              (MdWatch             *self);
/* Also cancels what runs now (a round ends at its next step, with
 * "round-finished"): for quitting and for a watch switched off. */
void          md_watch_stop               (MdWatch             *self);
/* Does what is due now: reminders, and a round for the subjects whose
 * interval has passed. TRUE when a round started; its "round-finished"
 * comes after this tick's reminders. FALSE without a store. */
gboolean      md_watch_tick               (MdWatch             *self);
/* A round for every subject now (the lists' TTLs and budgets still hold);
 * also ends a pause. FALSE when a round is already running. */
gboolean      md_watch_recheck_now        (MdWatch             *self);
gboolean      md_watch_is_busy            (MdWatch             *self);
gboolean      md_watch_is_paused          (MdWatch             *self);
/* Why it is paused (translated), NULL when it is not. */
const char   *md_watch_get_pause_reason   (MdWatch             *self);

G_END_DECLS
