/* md-watch-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-check-run.h"
#include "md-watch.h"

G_BEGIN_DECLS

/* The watch is one class in two files, as GNOME Text Editor splits its
 * page: md-watch.c (the subjects and their model, reminders, notifications,
 * the schedule and the public API) and md-watch-round.c (a round of checks:
 * its jobs, reading the lists' answers, pausing on a resolver that lies,
 * recording changes and opening cases for new listings). This header holds
 * what both see. */

struct _MdWatch
{
  GObject           parent_instance;

  /* Owned */
  MdWatchSource    *source;
  MdCaseStore      *store;         /* NULL until md_watch_set_store() */
  GPtrArray        *catalog;       /* of MdBlocklist*, for the lists' names */
  GStrv             entries;
  GStrv             addresses;     /* the entries expanded */
  GStrv             domains;
  MdCheckRunOptions *run_options;  /* the front end's, or NULL */
  GHashTable       *last_checked;  /* subject → gint64* */
  GHashTable       *undecided;     /* subject → count of lists that could not decide */
  GListStore       *items;         /* of MdWatchItem */
  GCancellable     *cancellable;   /* the round running now */
  GQueue            jobs;          /* of Job*, still to run in this round */
  GHashTable       *outcomes;      /* subject → Outcome*, of this round */
  MdCheckShare     *share;         /* this round's runs ask each question once */
  char             *pause_reason;
  char             *untrusted;     /* what the round's resolver probe found wrong, or NULL */
  GPtrArray        *steps;         /* of Step*: what the round records, one after the other */
  guint             step;
  gint64            step_case_id;  /* the case opened for the step recorded now */

  /* What the store said when last read: every read and write is queued on
   * the store's writer thread, so these answer the synchronous calls
   * (md_watch_dup_subjects(), the model) meanwhile. */
  GPtrArray        *cases;         /* of MdCase*, not deleted; NULL before the first read */
  GPtrArray        *current;       /* of MdWatchListing*, the listings open now */
  GCancellable     *load_cancellable;  /* the newest reload outside a round */

  /* The reminders' look (each tick): the requested cases, one at a time. */
  GCancellable     *remind_cancellable;
  GPtrArray        *remind_cases;  /* of MdCase* */
  guint             remind_index;
  GDateTime        *remind_requested;
  char             *remind_message;

  /* Unowned */
  GApplication     *application;   /* weak */

  MdWatchClockFunc  clock;
  gpointer          clock_data;
  guint             interval;
  guint             tick_id;
  guint             self_tests_passed;
  guint             self_tests_failed;
  gboolean          busy;
  gboolean          paused;
  gboolean          pause_announced;
  gboolean          reminding;
  gboolean          finish_pending;  /* the round ended while the reminders still ran */
};

enum {
  LISTING_CHANGED,
  PAUSED,
  REMINDER,
  ROUND_STARTED,
  ROUND_FINISHED,
  N_SIGNALS
};

extern guint md_watch_signals[N_SIGNALS];

/* A subject is an address or a domain. */
static inline gboolean
md_watch_subject_is_address (const char *subject)
{
  return g_hostname_is_ip_address (subject);
}

/* md-watch.c */
gint64      _md_watch_now_us            (MdWatch    *self);
GDateTime  *_md_watch_now_datetime      (MdWatch    *self);
void        _md_watch_notify            (MdWatch    *self,
                                         const char *id,
                                         const char *title,
                                         const char *body,
                                         gint64      case_id,
                                         const char *extra_label,
                                         const char *extra_action);
gint64      _md_watch_find_waiting_case (GPtrArray  *cases,
                                         const char *ip);
void        _md_watch_refresh_items     (MdWatch    *self);
typedef void (*MdWatchLoadFunc) (MdWatch *self);
void        _md_watch_load              (MdWatch         *self,
                                         GCancellable    *cancellable,
                                         MdWatchLoadFunc  done);
void        _md_watch_store_cases       (MdWatch    *self,
                                         GPtrArray  *cases);
gboolean    _md_watch_reminders_running (MdWatch    *self);

/* md-watch-round.c */
void        _md_watch_round_init        (MdWatch    *self);
void        _md_watch_round_dispose     (MdWatch    *self);
gboolean    _md_watch_start_round       (MdWatch    *self,
                                         gboolean    everything);
void        _md_watch_end_round         (MdWatch    *self);

G_END_DECLS
