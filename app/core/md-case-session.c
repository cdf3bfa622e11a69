/* md-case-session.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-session.h"
#include "md-rejection-parser.h"
#include "md-resolver.h"
#include "md-util.h"

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
  GHashTable      *list_keys;     /* access keys of keyed lists, or NULL (secrets) */
};

enum {
  CHECKS_CHANGED,
  CHECKS_FINISHED,
  CASE_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (MdCaseSession, md_case_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (md-case-session-error-quark, md_case_session_error)

static guint signals[N_SIGNALS];

/* The "subject" member of md_check_run_to_json(): what a saved run checked.
 * NULL when it is missing or no longer valid. */
static MdCheckSubject *
subject_from_json (JsonNode *results)
{
  g_autoptr(MdCheckSubject) subject = NULL;
  JsonObject *object;
  JsonNode *node;
  JsonArray *selectors;
  const char *fields[4] = { NULL, };
  static const char *names[4] = { "ip", "domain", "helo", "recipient_domain" };

  if (results == NULL || !JSON_NODE_HOLDS_OBJECT (results))
    return NULL;
  node = json_object_get_member (json_node_get_object (results), "subject");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *member = json_object_get_member (object, names[i]);

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        fields[i] = json_node_get_string (member);
    }

  subject = md_check_subject_new (fields[0], fields[1], fields[2], fields[3], NULL);
  if (subject == NULL)
    return NULL;

  node = json_object_get_member (object, "dkim_selectors");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      selectors = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (selectors); i++)
        {
          JsonNode *element = json_array_get_element (selectors, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
      strv = g_strv_builder_end (builder);
      if (strv[0] != NULL)
        md_check_subject_set_dkim_selectors (subject, (const char * const *) strv, NULL);
    }

  return g_steal_pointer (&subject);
}

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
  g_clear_pointer (&self->list_keys, g_hash_table_unref);

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

/* What the worker thread hands back: the diagnosis and what the store
 * needs, all computed off the main thread (a 200 MB log takes seconds). */
typedef struct
{
  MdDiagnosis *diagnosis;
  GBytes      *original_eml;
  GBytes      *text;
  char        *title;
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_object (&reading->diagnosis);
  g_clear_pointer (&reading->original_eml, g_bytes_unref);
  g_clear_pointer (&reading->text, g_bytes_unref);
  g_free (reading->title);
  g_free (reading);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MdInput *input = task_data;
  Reading *reading;
  GError *error = NULL;
  g_autoptr(MdDiagnosis) diagnosis = md_diagnosis_new (input, cancellable, &error);
  char *text;

  if (diagnosis == NULL)
    {
      if (g_error_matches (error, MD_DIAGNOSIS_ERROR, MD_DIAGNOSIS_ERROR_NO_REJECTION))
        {
          g_task_return_new_error (task, MD_CASE_SESSION_ERROR,
                                   MD_CASE_SESSION_ERROR_NO_REJECTION, "%s", error->message);
          g_error_free (error);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  reading = g_new0 (Reading, 1);
  reading->original_eml = md_diagnosis_dup_original_eml (diagnosis);
  /* The store keeps the input as text: valid UTF-8, whatever was pasted. */
  text = md_input_dup_valid_text (input);
  reading->text = g_bytes_new_take (text, strlen (text));
  reading->title = md_diagnosis_dup_title (diagnosis);
  reading->diagnosis = g_steal_pointer (&diagnosis);
  g_task_return_pointer (task, reading, (GDestroyNotify) reading_free);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseSession *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->case_id = md_case_store_create_case_finish (MD_CASE_STORE (object), result, &error);
  if (self->case_id <= 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseSession *self = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  Reading *reading;

  reading = g_task_propagate_pointer (G_TASK (result), &error);
  if (reading == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->diagnosis = g_steal_pointer (&reading->diagnosis);
  self->original_eml = g_steal_pointer (&reading->original_eml);

  /* The store settles the receiver and blocked IP by the diagnosis's rules:
   * written once, here, on the store's writer thread (a pasted 200 MB log
   * is a write of seconds). The diagnosis is not handed out before
   * created_cb(), so nothing changes its rejections meanwhile. */
  md_case_store_create_case_async (self->store, reading->title, reading->text,
                                   self->original_eml,
                                   md_diagnosis_get_rejections (self->diagnosis),
                                   md_diagnosis_get_explanations (self->diagnosis),
                                   cancellable, created_cb, g_steal_pointer (&task));
  reading_free (reading);
}

void
md_case_session_new_from_input_async (MdCaseStore         *store,
                                      GBytes              *input,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read = NULL;
  g_autoptr(MdInput) in = NULL;
  MdCaseSession *self;

  g_return_if_fail (MD_IS_CASE_STORE (store));
  g_return_if_fail (input != NULL);

  self = g_object_new (MD_TYPE_CASE_SESSION, NULL);
  self->store = g_object_ref (store);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_new_from_input_async);
  g_task_set_task_data (task, self, g_object_unref);

  /* Loaded here, on the main thread, so that the worker only reads it. */
  md_knowledge_get_default ();

  in = md_input_new (input, NULL);
  read = g_task_new (NULL, cancellable, read_cb, g_steal_pointer (&task));
  g_task_set_task_data (read, g_steal_pointer (&in), g_object_unref);
  g_task_run_in_thread (read, read_thread);
}

MdCaseSession *
md_case_session_new_from_input_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What opening reads on the calling thread: the small rows only (the case,
 * its rejections, the latest run). */
static MdCaseSession *
open_rows (MdCaseStore  *store,
           gint64        case_id,
           gboolean     *has_eml,
           GPtrArray   **stored_out,
           GError      **error)
{
  g_autoptr(MdCaseSession) self = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(MdCaseCheckRun) latest = NULL;
  GError *local_error = NULL;

  record = md_case_store_get_case (store, case_id, error);
  if (record == NULL)
    return NULL;

  stored = md_case_store_list_rejections (store, case_id, error);
  if (stored == NULL)
    return NULL;

  latest = md_case_store_dup_latest_check_run (store, case_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  self = g_object_new (MD_TYPE_CASE_SESSION, NULL);
  self->store = g_object_ref (store);
  self->case_id = case_id;

  if (latest != NULL && latest->results != NULL)
    {
      g_clear_object (&self->checks);
      self->checks = md_checks_new_from_json (latest->results);
      self->checked = subject_from_json (latest->results);
    }

  *has_eml = record->has_input_eml;
  *stored_out = g_steal_pointer (&stored);
  return g_steal_pointer (&self);
}

/* Explained again rather than read back, so the texts follow the UI
 * language and the knowledge base as it is now. With an .eml this parses
 * it (the bounce's sender, addressee, HELO): run it off the main thread. */
static MdDiagnosis *
diagnose_stored (GPtrArray *stored,
                 GBytes    *eml)
{
  g_autoptr(GPtrArray) rejections = g_ptr_array_new ();
  g_autoptr(MdInput) input = eml != NULL ? md_input_new (eml, NULL) : NULL;

  for (guint i = 0; i < stored->len; i++)
    g_ptr_array_add (rejections, ((MdCaseRejection *) g_ptr_array_index (stored, i))->rejection);

  return md_diagnosis_new_for_rejections (rejections, input);
}

MdCaseSession *
md_case_session_open (MdCaseStore  *store,
                      gint64        case_id,
                      GError      **error)
{
  g_autoptr(MdCaseSession) self = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  gboolean has_eml = FALSE;

  g_return_val_if_fail (MD_IS_CASE_STORE (store), NULL);

  self = open_rows (store, case_id, &has_eml, &stored, error);
  if (self == NULL)
    return NULL;

  if (has_eml)
    {
      self->original_eml = md_case_store_dup_input_eml (store, case_id, error);
      if (self->original_eml == NULL)
        return NULL;
    }

  self->diagnosis = diagnose_stored (stored, self->original_eml);

  return g_steal_pointer (&self);
}

typedef struct
{
  MdCaseSession *self;
  GPtrArray     *stored;
} Opening;

static void
opening_free (Opening *opening)
{
  g_clear_object (&opening->self);
  g_clear_pointer (&opening->stored, g_ptr_array_unref);
  g_free (opening);
}

/* The session is not handed out before this returns: setting its
 * diagnosis here races with nothing. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Opening *opening = task_data;

  opening->self->diagnosis = diagnose_stored (opening->stored, opening->self->original_eml);
  g_task_return_pointer (task, g_object_ref (opening->self), g_object_unref);
}

static void
open_eml_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  GError *error = NULL;

  opening->self->original_eml = md_case_store_dup_input_eml_finish (MD_CASE_STORE (object),
                                                                    result, &error);
  if (opening->self->original_eml == NULL)
    {
      /* The case has an .eml (has_input_eml): no bytes is an error. */
      if (error == NULL)
        error = g_error_new_literal (MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                                     _("The original message of this case could not be read."));
      g_task_return_error (task, error);
      return;
    }

  g_task_run_in_thread (task, open_thread);
}

void
md_case_session_open_async (MdCaseStore         *store,
                            gint64               case_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Opening *opening;
  gboolean has_eml = FALSE;

  g_return_if_fail (MD_IS_CASE_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_open_async);

  opening = g_new0 (Opening, 1);
  g_task_set_task_data (task, opening, (GDestroyNotify) opening_free);
  opening->self = open_rows (store, case_id, &has_eml, &opening->stored, &error);
  if (opening->self == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Loaded here, on the main thread, so that the worker only reads it. */
  md_knowledge_get_default ();

  if (has_eml)
    md_case_store_dup_input_eml_async (store, case_id, cancellable, open_eml_cb,
                                       g_steal_pointer (&task));
  else
    g_task_run_in_thread (task, open_thread);
}

MdCaseSession *
md_case_session_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

/* The access keys (MdCheckRunOptions.keys: key id → key) the next check
 * runs use, e.g. the Spamhaus DQS key from the keyring; NULL: none. Kept in
 * memory only, never stored with the case. */
void
md_case_session_set_list_keys (MdCaseSession *self,
                               GHashTable    *keys)
{
  g_return_if_fail (MD_IS_CASE_SESSION (self));

  if (keys != NULL)
    g_hash_table_ref (keys);
  g_clear_pointer (&self->list_keys, g_hash_table_unref);
  self->list_keys = keys;
}

MdCheckRun *
md_case_session_start_checks (MdCaseSession        *self,
                              MdDnsSource          *source,
                              MdHttp               *http,
                              const MdCheckSubject *subject,
                              const char * const   *skipped_zones,
                              const char           *resolver_description,
                              const char           *public_resolver,
                              GError              **error)
{
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;

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
  options = md_check_run_options_new ();
  options->resolver = g_strdup (resolver_description);
  /* The report names the servers themselves, and whether they are the
   * system's, the same way as maildoctor-cli check. */
  if (MD_IS_RESOLVER (source))
    {
      g_auto(GStrv) servers = md_resolver_get_servers (MD_RESOLVER (source));

      g_free (options->resolver);
      options->resolver = g_strjoinv (", ", servers);
      options->resolver_is_system = md_resolver_is_system (MD_RESOLVER (source));
    }
  options->public_resolver = g_strdup (public_resolver);
  options->http = http ? g_object_ref (http) : NULL;
  options->skipped_zones = g_strdupv ((char **) skipped_zones);
  options->keys = self->list_keys ? g_hash_table_ref (self->list_keys) : NULL;
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

static void
draft_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (md_case_store_add_draft_finish (MD_CASE_STORE (object), result, &error) <= 0)
    {
      g_task_return_error (task, error);
      return;
    }

  g_signal_emit (self, signals[CASE_CHANGED], 0);
  g_task_return_boolean (task, TRUE);
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

gboolean
md_case_session_record_handoff (MdCaseSession    *self,
                                MdHandoff        *handoff,
                                MdHandoffMethod   method,
                                GError          **error)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), FALSE);
  g_return_val_if_fail (MD_IS_HANDOFF (handoff), FALSE);

  switch (method)
    {
    case MD_HANDOFF_METHOD_PORTAL:
    case MD_HANDOFF_METHOD_XDG_EMAIL:
    case MD_HANDOFF_METHOD_MAILTO:
      return md_case_session_record (self, MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP,
                                     md_handoff_get_draft (handoff)->recipient, error);

    case MD_HANDOFF_METHOD_EML:
      return md_case_session_record (self, MD_CASE_EVENT_REQUEST_SAVED,
                                     md_handoff_get_eml_path (handoff), error);

    case MD_HANDOFF_METHOD_NONE:
    default:
      return TRUE;
    }
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

GListModel *
md_checks_new_from_json (JsonNode *results)
{
  GListStore *store = g_list_store_new (MD_TYPE_CHECK);
  JsonNode *checks;

  if (results == NULL || !JSON_NODE_HOLDS_OBJECT (results))
    return G_LIST_MODEL (store);

  checks = json_object_get_member (json_node_get_object (results), "checks");
  if (checks == NULL || !JSON_NODE_HOLDS_ARRAY (checks))
    return G_LIST_MODEL (store);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (checks)); i++)
    {
      g_autoptr(MdCheck) check = md_check_new_from_json (json_array_get_element (json_node_get_array (checks), i));

      if (check != NULL)
        g_list_store_append (store, check);
    }

  return G_LIST_MODEL (store);
}
