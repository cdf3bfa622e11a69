/* md-case-session.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-session-private.h"

/* The session's life once it exists: what it shows, its live check run and
 * that run's row in the store, drafts and the timeline. How a session comes
 * to be (read from the user's input, or opened from the store) is in
 * md-case-session-open.c. */

enum {
  CHECKS_CHANGED,
  CHECKS_FINISHED,
  CASE_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (MdCaseSession, md_case_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (md-case-session-error-quark, md_case_session_error)

static guint signals[N_SIGNALS];

/* A run's row in the store. Rows are written on the store's writer thread
 * (md_case_store_add_check_run_async()), so a run may end before its row id
 * is known: the end is then saved as soon as the row is there. Main thread
 * only; the session is a weak reference, so a row outlives a closed case
 * until its last write is done. */
typedef struct _RunRow
{
  GWeakRef      session;
  MdCaseStore  *store;
  gint64        id;          /* 0 until the store answered, or when adding failed */
  gboolean      added;       /* the store answered */
  gboolean      ended;       /* the run ended: finished and results hold the end */
  GDateTime    *finished;    /* NULL when it was cut short */
  JsonNode     *results;
} RunRow;

static void
run_row_clear (RunRow *row)
{
  g_weak_ref_clear (&row->session);
  g_clear_object (&row->store);
  g_clear_pointer (&row->finished, g_date_time_unref);
  g_clear_pointer (&row->results, json_node_unref);
}

static RunRow *
run_row_ref (RunRow *row)
{
  return g_rc_box_acquire (row);
}

static void
run_row_unref (RunRow *row)
{
  g_rc_box_release_full (row, (GDestroyNotify) run_row_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunRow, run_row_unref)

static RunRow *
run_row_new (MdCaseSession *session)
{
  RunRow *row = g_rc_box_new0 (RunRow);

  g_weak_ref_init (&row->session, session);
  row->store = g_object_ref (session->store);

  return row;
}

/* The session when @row is still its live run's (and the session is not
 * being disposed), else NULL. */
static MdCaseSession *
run_row_dup_live_session (RunRow *row)
{
  MdCaseSession *session = g_weak_ref_get (&row->session);

  if (session != NULL && session->run_row != row)
    g_clear_object (&session);

  return session;
}

static void
run_row_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RunRow) row = user_data;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(GError) error = NULL;

  if (!md_case_store_finish_check_run_finish (MD_CASE_STORE (object), result, &error))
    g_warning ("Could not save the check results: %s", error->message);

  session = run_row_dup_live_session (row);
  if (session != NULL)
    {
      g_signal_emit (session, signals[CHECKS_FINISHED], 0);
      g_signal_emit (session, signals[CASE_CHANGED], 0);
    }
}

static void
run_row_save_end (RunRow *row)
{
  g_autoptr(MdCaseSession) session = NULL;

  g_assert (row->ended && row->added);

  if (row->id > 0)
    {
      md_case_store_finish_check_run_async (row->store, row->id, row->finished, row->results,
                                            NULL, run_row_saved_cb, run_row_ref (row));
      return;
    }

  /* Adding the row failed (and said so): there is nothing to update. */
  session = run_row_dup_live_session (row);
  if (session != NULL)
    g_signal_emit (session, signals[CHECKS_FINISHED], 0);
}

/* The run ended (@finished NULL: cut short); saved now or once the row is there. */
static void
run_row_end (RunRow     *row,
             GDateTime  *finished,
             JsonNode   *results)
{
  if (row->ended)
    return;

  row->ended = TRUE;
  row->finished = finished != NULL ? g_date_time_ref (finished) : NULL;
  row->results = json_node_ref (results);
  if (row->added)
    run_row_save_end (row);
}

static void
run_row_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RunRow) row = user_data;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(GError) error = NULL;

  row->added = TRUE;
  row->id = md_case_store_add_check_run_finish (MD_CASE_STORE (object), result, &error);
  if (row->id <= 0)
    g_warning ("Could not save the check run: %s", error->message);

  /* The timeline has its "checked" now. */
  session = run_row_dup_live_session (row);
  if (session != NULL)
    g_signal_emit (session, signals[CASE_CHANGED], 0);

  if (row->ended)
    run_row_save_end (row);
}

static void
md_case_session_dispose (GObject *object)
{
  MdCaseSession *self = MD_CASE_SESSION (object);

  /* A run cut short (the case was closed) keeps what it had found; its
   * unanswered checks read as interrupted when the case is opened again.
   * Saved on the store's writer thread; the row keeps the store alive. */
  if (self->check_run != NULL && self->run_row != NULL &&
      !md_check_run_is_finished (self->check_run))
    {
      g_autoptr(JsonNode) results = md_check_run_to_json (self->check_run);

      run_row_end (self->run_row, NULL, results);
    }
  g_clear_pointer (&self->run_row, run_row_unref);

  if (self->checks_cancellable != NULL)
    g_cancellable_cancel (self->checks_cancellable);
  g_clear_object (&self->checks_cancellable);
  g_clear_object (&self->check_run);
  g_clear_object (&self->checks);
  g_clear_object (&self->diagnosis);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (md_case_session_parent_class)->dispose (object);
}

static void
md_case_session_finalize (GObject *object)
{
  MdCaseSession *self = MD_CASE_SESSION (object);

  g_clear_pointer (&self->original_eml, g_bytes_unref);
  g_clear_pointer (&self->checked, md_check_subject_free);

  G_OBJECT_CLASS (md_case_session_parent_class)->finalize (object);
}

static void
md_case_session_class_init (MdCaseSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_case_session_dispose;
  object_class->finalize = md_case_session_finalize;

  /* get_checks() returns another model now. */
  signals[CHECKS_CHANGED] =
    g_signal_new ("checks-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /* The live run ended (completed, timed out or cancelled) and was saved
   * (emitted once the store's writer thread has written it). */
  signals[CHECKS_FINISHED] =
    g_signal_new ("checks-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /* The case record or its timeline changed (for a check run: once the
   * store has its row, a moment after md_case_session_start_checks()). */
  signals[CASE_CHANGED] =
    g_signal_new ("case-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
md_case_session_init (MdCaseSession *self)
{
  self->checks = G_LIST_MODEL (g_list_store_new (MD_TYPE_CHECK));
}


MdCaseStore *
md_case_session_get_store (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->store;
}

gint64
md_case_session_get_case_id (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), 0);

  return self->case_id;
}

MdCase *
md_case_session_dup_case (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return md_case_store_get_case (self->store, self->case_id, NULL);
}

MdDiagnosis *
md_case_session_get_diagnosis (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->diagnosis;
}

guint
md_case_session_get_n_rejections (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), 0);

  return md_diagnosis_get_n_rejections (self->diagnosis);
}

const MdRejection *
md_case_session_get_rejection (MdCaseSession *self,
                               guint          index)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return md_diagnosis_get_rejection (self->diagnosis, index);
}

const MdExplanation *
md_case_session_get_explanation (MdCaseSession *self,
                                 guint          index)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return md_diagnosis_get_explanation (self->diagnosis, index);
}

guint
md_case_session_get_primary_index (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), 0);

  return md_diagnosis_get_primary_index (self->diagnosis);
}

GBytes *
md_case_session_get_original_eml (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->original_eml;
}

const MdCheckSubject *
md_case_session_get_checked_subject (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->checked;
}

MdSubjectGuess *
md_case_session_guess_subject (MdCaseSession      *self,
                               const char * const *sending_domains)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return md_diagnosis_guess_subject (self->diagnosis, sending_domains);
}

GListModel *
md_case_session_get_checks (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->checks;
}

MdCheckRun *
md_case_session_get_check_run (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->check_run;
}

static void
check_run_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MdCheckRun *run = MD_CHECK_RUN (object);
  g_autoptr(RunRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(GDateTime) finished = NULL;

  if (!md_check_run_start_finish (run, result, &error))
    g_debug ("Check run ended: %s", error->message);

  /* A closed case saved what its run had found when it was disposed. A
   * run replaced by a newer one keeps what it found too; only the live
   * one's end is announced (run_row_saved_cb()). */
  finished = g_date_time_new_now_utc ();
  results = md_check_run_to_json (run);
  run_row_end (row, finished, results);
}

MdCheckRun *
md_case_session_start_checks (MdCaseSession           *self,
                              MdDnsSource             *source,
                              const MdCheckSubject    *subject,
                              const MdCheckRunOptions *options,
                              GError                 **error)
{
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(JsonNode) results = NULL;

  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);
  g_return_val_if_fail (MD_IS_DNS_SOURCE (source), NULL);
  g_return_val_if_fail (subject != NULL, NULL);

  if (subject->ip == NULL)
    {
      g_set_error_literal (error, MD_CASE_SESSION_ERROR, MD_CASE_SESSION_ERROR_NO_IP,
                           _("There is no IP address to check."));
      return NULL;
    }

  md_case_session_cancel_checks (self);

  g_clear_object (&self->check_run);
  self->check_run = md_check_run_new (source, subject, options);
  g_clear_pointer (&self->checked, md_check_subject_free);
  self->checked = md_check_subject_copy (subject);

  /* The row is written on the store's writer thread: the checks start now,
   * not after the disk. A failure to save is a warning; the checks go on. */
  started = g_date_time_new_now_utc ();
  results = md_check_run_to_json (self->check_run);
  g_clear_pointer (&self->run_row, run_row_unref);
  self->run_row = run_row_new (self);
  md_case_store_add_check_run_async (self->store, self->case_id, started, NULL, results, NULL,
                                     run_row_added_cb, run_row_ref (self->run_row));

  g_clear_object (&self->checks);
  self->checks = G_LIST_MODEL (g_object_ref (self->check_run));

  self->checks_cancellable = g_cancellable_new ();
  md_check_run_start_async (self->check_run, self->checks_cancellable, check_run_cb,
                            run_row_ref (self->run_row));

  g_signal_emit (self, signals[CHECKS_CHANGED], 0);

  return self->check_run;
}

void
md_case_session_cancel_checks (MdCaseSession *self)
{
  g_return_if_fail (MD_IS_CASE_SESSION (self));

  if (self->checks_cancellable != NULL)
    g_cancellable_cancel (self->checks_cancellable);
  g_clear_object (&self->checks_cancellable);
}

MdDraft *
md_case_session_build_draft (MdCaseSession         *self,
                             const MdSenderProfile *profile,
                             const char            *channel_override,
                             GError               **error)
{
  g_autoptr(MdDraftFacts) facts = md_draft_facts_new ();

  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  md_draft_facts_add_checks (facts, self->checks);

  return md_diagnosis_build_draft (self->diagnosis, profile, facts, channel_override, error);
}

gboolean
md_case_session_save_draft (MdCaseSession  *self,
                            const MdDraft  *draft,
                            GError        **error)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);

  json = md_draft_to_json (draft);
  if (md_case_store_add_draft (self->store, self->case_id, draft->channel_id, json, error) <= 0)
    return FALSE;

  g_signal_emit (self, signals[CASE_CHANGED], 0);

  return TRUE;
}

/* A write on the store's writer thread ended: "case-changed" follows it
 * once it is in the store. */
static void
written_cb (MdCaseSession  *self,
            GTask          *task,
            gboolean        written,
            GError         *error)
{
  if (!written)
    {
      g_task_return_error (task, error);
      return;
    }

  g_signal_emit (self, signals[CASE_CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
draft_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean written = md_case_store_add_draft_finish (MD_CASE_STORE (object), result, &error) > 0;

  written_cb (g_task_get_source_object (task), task, written, error);
}

void
md_case_session_save_draft_async (MdCaseSession       *self,
                                  const MdDraft       *draft,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) json = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));
  g_return_if_fail (draft != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_save_draft_async);

  json = md_draft_to_json (draft);
  md_case_store_add_draft_async (self->store, self->case_id, draft->channel_id, json, cancellable,
                                 draft_saved_cb, g_steal_pointer (&task));
}

gboolean
md_case_session_save_draft_finish (MdCaseSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
md_case_session_record (MdCaseSession    *self,
                        MdCaseEventKind   kind,
                        const char       *detail,
                        GError          **error)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);

  if (md_case_store_add_event (self->store, self->case_id, kind, detail, error) <= 0)
    return FALSE;

  g_signal_emit (self, signals[CASE_CHANGED], 0);

  return TRUE;
}

/* The timeline's words for what a hand-off did: FALSE when it did nothing. */
static gboolean
handoff_event (MdHandoff        *handoff,
               MdHandoffMethod   method,
               MdCaseEventKind  *kind,
               const char      **detail)
{
  switch (method)
    {
    case MD_HANDOFF_METHOD_PORTAL:
    case MD_HANDOFF_METHOD_XDG_EMAIL:
    case MD_HANDOFF_METHOD_MAILTO:
      *kind = MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP;
      *detail = md_handoff_get_draft (handoff)->recipient;
      return TRUE;

    case MD_HANDOFF_METHOD_EML:
      *kind = MD_CASE_EVENT_REQUEST_SAVED;
      *detail = md_handoff_get_eml_path (handoff);
      return TRUE;

    case MD_HANDOFF_METHOD_NONE:
    default:
      return FALSE;
    }
}

gboolean
md_case_session_record_handoff (MdCaseSession    *self,
                                MdHandoff        *handoff,
                                MdHandoffMethod   method,
                                GError          **error)
{
  MdCaseEventKind kind;
  const char *detail;

  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);
  g_return_val_if_fail (MD_IS_HANDOFF (handoff), FALSE);

  if (!handoff_event (handoff, method, &kind, &detail))
    return TRUE;

  return md_case_session_record (self, kind, detail, error);
}

gboolean
md_case_session_set_status (MdCaseSession  *self,
                            MdCaseStatus    status,
                            GError        **error)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);

  if (!md_case_store_set_status (self->store, self->case_id, status, error))
    return FALSE;

  g_signal_emit (self, signals[CASE_CHANGED], 0);

  return TRUE;
}

gboolean
md_case_session_set_notes (MdCaseSession  *self,
                           const char     *notes,
                           GError        **error)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);

  if (!md_case_store_set_notes (self->store, self->case_id, notes, error))
    return FALSE;

  g_signal_emit (self, signals[CASE_CHANGED], 0);

  return TRUE;
}

GPtrArray *
md_case_session_list_events (MdCaseSession  *self,
                             GError        **error)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return md_case_store_list_events (self->store, self->case_id, error);
}

/* The writes and reads of the window, on the store's writer thread: one
 * queue, so the writes of a case land in the order they were asked for and
 * a read sees every write asked for before it. "case-changed" follows each
 * write once it is in the store. */


static void
event_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean written = md_case_store_add_event_finish (MD_CASE_STORE (object), result, &error) > 0;

  written_cb (g_task_get_source_object (task), task, written, error);
}

void
md_case_session_record_async (MdCaseSession       *self,
                              MdCaseEventKind      kind,
                              const char          *detail,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_record_async);
  /* What was written was written, as the store's writes say. */
  g_task_set_check_cancellable (task, FALSE);
  md_case_store_add_event_async (self->store, self->case_id, kind, detail, cancellable,
                                 event_added_cb, g_steal_pointer (&task));
}

gboolean
md_case_session_record_finish (MdCaseSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
handoff_recorded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!md_case_session_record_finish (MD_CASE_SESSION (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
md_case_session_record_handoff_async (MdCaseSession       *self,
                                      MdHandoff           *handoff,
                                      MdHandoffMethod      method,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MdCaseEventKind kind;
  const char *detail;

  g_return_if_fail (MD_IS_CASE_SESSION (self));
  g_return_if_fail (MD_IS_HANDOFF (handoff));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_record_handoff_async);
  g_task_set_check_cancellable (task, FALSE);

  if (!handoff_event (handoff, method, &kind, &detail))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  md_case_session_record_async (self, kind, detail, cancellable, handoff_recorded_cb,
                                g_steal_pointer (&task));
}

gboolean
md_case_session_record_handoff_finish (MdCaseSession  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
status_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseStatus *previous = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean written;

  written = md_case_store_set_status_finish (MD_CASE_STORE (object), result, previous, &error);
  written_cb (g_task_get_source_object (task), task, written, error);
}

void
md_case_session_set_status_async (MdCaseSession       *self,
                                  MdCaseStatus         status,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_set_status_async);
  /* What was written was written, as the store's writes say. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_new0 (MdCaseStatus, 1), g_free);
  md_case_store_set_status_async (self->store, self->case_id, status, cancellable,
                                  status_set_cb, g_steal_pointer (&task));
}

gboolean
md_case_session_set_status_finish (MdCaseSession  *self,
                                   GAsyncResult   *result,
                                   MdCaseStatus   *previous,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (previous != NULL)
    *previous = *(MdCaseStatus *) g_task_get_task_data (G_TASK (result));

  return TRUE;
}

static void
notes_set_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean written = md_case_store_set_notes_finish (MD_CASE_STORE (object), result, &error);

  written_cb (g_task_get_source_object (task), task, written, error);
}

void
md_case_session_set_notes_async (MdCaseSession       *self,
                                 const char          *notes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_set_notes_async);
  /* What was written was written, as the store's writes say. */
  g_task_set_check_cancellable (task, FALSE);
  md_case_store_set_notes_async (self->store, self->case_id, notes, cancellable,
                                 notes_set_cb, g_steal_pointer (&task));
}

gboolean
md_case_session_set_notes_finish (MdCaseSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
events_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *events = md_case_store_list_events_finish (MD_CASE_STORE (object), result, &error);

  if (events == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, events, (GDestroyNotify) g_ptr_array_unref);
}

void
md_case_session_list_events_async (MdCaseSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_list_events_async);
  md_case_store_list_events_async (self->store, self->case_id, cancellable,
                                   events_listed_cb, g_steal_pointer (&task));
}

GPtrArray *
md_case_session_list_events_finish (MdCaseSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
case_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  MdCase *record = md_case_store_get_case_finish (MD_CASE_STORE (object), result, &error);

  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, record, (GDestroyNotify) md_case_free);
}

void
md_case_session_dup_case_async (MdCaseSession       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_dup_case_async);
  md_case_store_get_case_async (self->store, self->case_id, cancellable,
                                case_read_cb, g_steal_pointer (&task));
}

MdCase *
md_case_session_dup_case_finish (MdCaseSession  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
