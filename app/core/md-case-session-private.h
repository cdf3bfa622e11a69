/* md-case-session-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-case-session.h"

G_BEGIN_DECLS

/* The session is one class in two files: md-case-session.c (a session at
 * work) and md-case-session-open.c (making one from input or from the
 * store). This header holds what both see. */

struct _MdCaseSession
{
  GObject          parent_instance;

  /* Owned */
  MdCaseStore     *store;
  gint64           case_id;
  MdDiagnosis     *diagnosis;
  GBytes          *original_eml;
  MdCheckSubject  *checked;       /* what the latest run checked (live or restored) */
  MdCheckRun      *check_run;     /* the live run, or NULL */
  GListModel      *checks;        /* what is shown: the run, or restored results */
  GCancellable    *checks_cancellable;
  struct _RunRow  *run_row;       /* the store's row for the live run */
};

G_END_DECLS
