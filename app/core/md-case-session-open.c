/* md-case-session-open.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-session-private.h"

/* How a session comes to be: from the user's input (read and diagnosed on a
 * worker thread, then recorded as a new case on the store's writer thread),
 * or from a case saved before (its rows, the latest run's results and what
 * they checked, its rejections explained again). */

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

/* The session of what opening read: the small rows (the case, its
 * rejections, the latest run); the diagnosis comes later. */
static MdCaseSession *
session_from_rows (MdCaseStore    *store,
                   gint64          case_id,
                   MdCaseCheckRun *latest)
{
  MdCaseSession *self = g_object_new (MD_TYPE_CASE_SESSION, NULL);

  self->store = g_object_ref (store);
  self->case_id = case_id;

  if (latest != NULL && latest->results != NULL)
    {
      g_clear_object (&self->checks);
      self->checks = md_checks_new_from_json (latest->results);
      self->checked = subject_from_json (latest->results);
    }

  return self;
}

/* The same rows read on the calling thread (md_case_session_open()). */
static MdCaseSession *
open_rows (MdCaseStore  *store,
           gint64        case_id,
           gboolean     *has_eml,
           GPtrArray   **stored_out,
           GError      **error)
{
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

  *has_eml = record->has_input_eml;
  *stored_out = g_steal_pointer (&stored);
  return session_from_rows (store, case_id, latest);
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

/* The rows, read on the store's writer thread (the main thread waits for
 * no SQLite); then the .eml, read there too, and the diagnosis on a worker. */
static void
open_rows_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MdCaseStore *store = MD_CASE_STORE (object);
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(MdCase) record = NULL;
  g_autoptr(MdCaseCheckRun) latest = NULL;
  GError *error = NULL;

  record = md_case_store_read_case_finish (store, result, &opening->stored, &latest, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  opening->self = session_from_rows (store, record->id, latest);
  if (record->has_input_eml)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      md_case_store_dup_input_eml_async (store, record->id, cancellable, open_eml_cb,
                                         g_steal_pointer (&task));
    }
  else
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

  g_return_if_fail (MD_IS_CASE_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_open_async);
  g_task_set_task_data (task, g_new0 (Opening, 1), (GDestroyNotify) opening_free);

  /* Loaded here, on the main thread, so that the worker only reads it. */
  md_knowledge_get_default ();

  md_case_store_read_case_async (store, case_id, cancellable, open_rows_cb,
                                 g_steal_pointer (&task));
}

MdCaseSession *
md_case_session_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
      JsonNode *element = json_array_get_element (json_node_get_array (checks), i);
      g_autoptr(MdCheck) check = md_check_new_from_json (element);

      if (check != NULL)
        g_list_store_append (store, check);
    }

  return G_LIST_MODEL (store);
}
