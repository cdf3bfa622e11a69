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

#include <gmime/gmime.h>

struct _MdCaseSession
{
  GObject        parent_instance;

  /* Owned */
  MdCaseStore   *store;
  gint64         case_id;
  GPtrArray     *rejections;    /* of MdRejection* */
  GPtrArray     *explanations;  /* of MdExplanation*, same order */
  GBytes        *original_eml;
  MdCheckRun    *check_run;     /* the live run, or NULL */
  GListModel    *checks;        /* what is shown: the run, or restored results */
  GCancellable  *checks_cancellable;
  gint64         check_run_id;  /* the store's row for the live run */
  GDateTime     *check_started;
  GHashTable    *list_keys;     /* access keys of keyed lists, or NULL (secrets) */
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

static void
explain_all (MdCaseSession *self)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();

  g_ptr_array_set_size (self->explanations, 0);
  for (guint i = 0; i < self->rejections->len; i++)
    g_ptr_array_add (self->explanations,
                     md_knowledge_explain (knowledge, g_ptr_array_index (self->rejections, i)));
}

/* "Microsoft 5.7.511", "T-Online 554", or the first line of the text. */
static char *
make_title (MdCaseSession *self)
{
  const MdRejection *rejection;
  const char *provider;
  const char *code;
  g_autofree char *smtp = NULL;

  rejection = md_case_session_get_rejection (self, md_case_session_get_primary_index (self));
  provider = md_provider_display_name (rejection->provider);
  code = rejection->enhanced_status;
  if (code == NULL && rejection->smtp_code != 0)
    code = smtp = g_strdup_printf ("%u", rejection->smtp_code);

  if (provider != NULL && code != NULL)
    return g_strdup_printf ("%s %s", provider, code);
  if (provider != NULL)
    return g_strdup (provider);
  if (code != NULL)
    /* Translators: a case's title when the receiver is not known; %s is a code like 5.7.1 */
    return g_strdup_printf (_("Rejection %s"), code);

  return g_strdup (_("Rejection"));
}

static const char *
receiver_of (const MdRejection *rejection)
{
  if (rejection->provider != NULL)
    return rejection->provider;

  return NULL;
}

static void
md_case_session_dispose (GObject *object)
{
  MdCaseSession *self = MD_CASE_SESSION (object);

  /* A run cut short (the case was closed) keeps what it had found; its
   * unanswered checks read as interrupted when the case is opened again. */
  if (self->check_run != NULL && self->store != NULL && !md_check_run_is_finished (self->check_run))
    {
      g_autoptr(JsonNode) results = md_check_run_to_json (self->check_run);
      g_autoptr(GError) error = NULL;

      if (!md_case_store_finish_check_run (self->store, self->check_run_id, NULL, results, &error))
        g_warning ("Could not save the check results: %s", error->message);
    }

  if (self->checks_cancellable != NULL)
    g_cancellable_cancel (self->checks_cancellable);
  g_clear_object (&self->checks_cancellable);
  g_clear_object (&self->check_run);
  g_clear_object (&self->checks);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (md_case_session_parent_class)->dispose (object);
}

static void
md_case_session_finalize (GObject *object)
{
  MdCaseSession *self = MD_CASE_SESSION (object);

  g_clear_pointer (&self->rejections, g_ptr_array_unref);
  g_clear_pointer (&self->explanations, g_ptr_array_unref);
  g_clear_pointer (&self->original_eml, g_bytes_unref);
  g_clear_pointer (&self->check_started, g_date_time_unref);
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

  /* The live run ended (completed, timed out or cancelled) and was saved. */
  signals[CHECKS_FINISHED] =
    g_signal_new ("checks-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /* The case record or its timeline changed. */
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
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  self->explanations = g_ptr_array_new_with_free_func ((GDestroyNotify) md_explanation_free);
  self->checks = G_LIST_MODEL (g_list_store_new (MD_TYPE_CHECK));
}

static void
parse_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseSession *self = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  GBytes *input;
  const MdRejection *primary;

  rejections = md_rejection_parse_finish (result, &error);
  if (rejections == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (rejections->len == 0)
    {
      g_task_return_new_error (task, MD_CASE_SESSION_ERROR, MD_CASE_SESSION_ERROR_NO_REJECTION,
                               "%s", _("This text holds no rejection MailDoctor can read. "
                                       "Paste the whole bounce message or the server’s reply."));
      return;
    }

  for (guint i = 0; i < rejections->len; i++)
    g_ptr_array_add (self->rejections, md_rejection_copy (g_ptr_array_index (rejections, i)));
  explain_all (self);

  input = g_object_get_data (G_OBJECT (task), "input");
  if (md_draft_bytes_are_message (input))
    self->original_eml = g_bytes_ref (input);

  /* The store keeps the input as text: valid UTF-8, whatever was pasted. */
  text = g_utf8_make_valid (g_bytes_get_data (input, NULL), g_bytes_get_size (input));
  title = make_title (self);
  self->case_id = md_case_store_create_case (self->store, title, text, self->original_eml,
                                             self->rejections, self->explanations, &error);
  if (self->case_id <= 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  primary = md_case_session_get_rejection (self, md_case_session_get_primary_index (self));
  if (!md_case_store_set_subject (self->store, self->case_id, receiver_of (primary),
                                  primary->blocked_ip, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
md_case_session_new_from_input_async (MdCaseStore         *store,
                                      GBytes              *input,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MdCaseSession *self;

  g_return_if_fail (MD_IS_CASE_STORE (store));
  g_return_if_fail (input != NULL);

  self = g_object_new (MD_TYPE_CASE_SESSION, NULL);
  self->store = g_object_ref (store);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_session_new_from_input_async);
  g_task_set_task_data (task, self, g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "input", g_bytes_ref (input),
                          (GDestroyNotify) g_bytes_unref);

  md_rejection_parse_async (input, cancellable, parse_cb, g_steal_pointer (&task));
}

MdCaseSession *
md_case_session_new_from_input_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

MdCaseSession *
md_case_session_open (MdCaseStore  *store,
                      gint64        case_id,
                      GError      **error)
{
  g_autoptr(MdCaseSession) self = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (store), NULL);

  record = md_case_store_get_case (store, case_id, error);
  if (record == NULL)
    return NULL;

  stored = md_case_store_list_rejections (store, case_id, error);
  if (stored == NULL)
    return NULL;

  self = g_object_new (MD_TYPE_CASE_SESSION, NULL);
  self->store = g_object_ref (store);
  self->case_id = case_id;

  for (guint i = 0; i < stored->len; i++)
    {
      const MdCaseRejection *r = g_ptr_array_index (stored, i);
      g_ptr_array_add (self->rejections, md_rejection_copy (r->rejection));
    }
  /* Explained again rather than read back, so the texts follow the UI
   * language and the knowledge base as it is now. */
  explain_all (self);

  if (record->has_input_eml)
    {
      self->original_eml = md_case_store_dup_input_eml (store, case_id, error);
      if (self->original_eml == NULL)
        return NULL;
    }

  runs = md_case_store_list_check_runs (store, case_id, error);
  if (runs == NULL)
    return NULL;
  if (runs->len > 0)
    {
      const MdCaseCheckRun *latest = g_ptr_array_index (runs, 0);

      if (latest->results != NULL)
        {
          g_clear_object (&self->checks);
          self->checks = md_checks_new_from_json (latest->results);
        }
    }

  return g_steal_pointer (&self);
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

guint
md_case_session_get_n_rejections (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), 0);

  return self->rejections->len;
}

const MdRejection *
md_case_session_get_rejection (MdCaseSession *self,
                               guint          index)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);
  g_return_val_if_fail (index < self->rejections->len, NULL);

  return g_ptr_array_index (self->rejections, index);
}

const MdExplanation *
md_case_session_get_explanation (MdCaseSession *self,
                                 guint          index)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);
  g_return_val_if_fail (index < self->explanations->len, NULL);

  return g_ptr_array_index (self->explanations, index);
}

guint
md_case_session_get_primary_index (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), 0);

  for (guint i = 0; i < self->rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (self->rejections, i);

      if (r->blocked_ip != NULL)
        return i;
    }

  return 0;
}

GBytes *
md_case_session_get_original_eml (MdCaseSession *self)
{
  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  return self->original_eml;
}

/* A bounce goes back to the sender of the message that bounced: its To:
 * names the sending domain. */
static char *
domain_of_bounce (GBytes *eml)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  InternetAddressList *to;
  char *domain = NULL;

  if (eml == NULL)
    return NULL;

  /* GMime 3.2 declares no g_autoptr() cleanups: released by hand. */
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (eml, NULL),
                                              g_bytes_get_size (eml));
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);

  to = message != NULL ? g_mime_message_get_to (message) : NULL;
  for (int i = 0; to != NULL && domain == NULL && i < internet_address_list_length (to); i++)
    {
      InternetAddress *address = internet_address_list_get_address (to, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        domain = md_address_get_domain (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
    }

  g_clear_object (&message);
  g_object_unref (parser);
  g_object_unref (stream);

  return domain;
}

void
md_case_session_guess_subject (MdCaseSession  *self,
                               const char     *sender_address,
                               char          **ip,
                               char          **domain,
                               char          **helo,
                               char          **recipient_domain)
{
  const MdRejection *primary;

  g_return_if_fail (MD_IS_CASE_SESSION (self));

  primary = md_case_session_get_rejection (self, md_case_session_get_primary_index (self));

  if (ip != NULL)
    *ip = g_strdup (primary->blocked_ip);
  if (domain != NULL)
    {
      *domain = domain_of_bounce (self->original_eml);
      if (*domain == NULL)
        *domain = md_address_get_domain (sender_address);
    }
  if (helo != NULL)
    *helo = NULL;
  if (recipient_domain != NULL)
    *recipient_domain = md_address_get_domain (primary->recipient);
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
  g_autoptr(MdCaseSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(GDateTime) finished = NULL;

  if (!md_check_run_start_finish (run, result, &error))
    g_debug ("Check run ended: %s", error->message);

  /* A newer run replaced this one: it saves itself. */
  if (run != self->check_run)
    return;

  finished = g_date_time_new_now_utc ();
  results = md_check_run_to_json (run);
  if (!md_case_store_finish_check_run (self->store, self->check_run_id, finished, results, &error))
    g_warning ("Could not save the check results: %s", error->message);

  g_signal_emit (self, signals[CHECKS_FINISHED], 0);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
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
  gint64 run_id;

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

  started = g_date_time_new_now_utc ();
  results = md_check_run_to_json (self->check_run);
  run_id = md_case_store_add_check_run (self->store, self->case_id, started, NULL, results, error);
  if (run_id <= 0)
    {
      g_clear_object (&self->check_run);
      return NULL;
    }
  self->check_run_id = run_id;

  g_clear_object (&self->checks);
  self->checks = G_LIST_MODEL (g_object_ref (self->check_run));

  self->checks_cancellable = g_cancellable_new ();
  md_check_run_start_async (self->check_run, self->checks_cancellable, check_run_cb,
                            g_object_ref (self));

  g_signal_emit (self, signals[CHECKS_CHANGED], 0);
  g_signal_emit (self, signals[CASE_CHANGED], 0);

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
  guint primary;

  g_return_val_if_fail (MD_IS_CASE_SESSION (self), NULL);

  primary = md_case_session_get_primary_index (self);
  md_draft_facts_add_checks (facts, self->checks);
  for (guint i = 0; i < self->rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (self->rejections, i);

      if (r->blocked_ip != NULL)
        md_draft_facts_add_ip (facts, r->blocked_ip);
    }

  return md_draft_new_for_rejection (md_case_session_get_rejection (self, primary),
                                     md_case_session_get_explanation (self, primary),
                                     profile, facts, self->original_eml, channel_override,
                                     error);
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

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

GListModel *
md_checks_new_from_json (JsonNode *results)
{
  GListStore *store = g_list_store_new (MD_TYPE_CHECK);
  JsonObject *root;
  JsonArray *checks;

  if (results == NULL || !JSON_NODE_HOLDS_OBJECT (results))
    return G_LIST_MODEL (store);

  root = json_node_get_object (results);
  if (!json_object_has_member (root, "checks") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "checks")))
    return G_LIST_MODEL (store);

  checks = json_object_get_array_member (root, "checks");
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonNode *node = json_array_get_element (checks, i);
      JsonObject *object;
      g_autoptr(MdCheck) check = NULL;
      MdCheckStatus status;
      const char *id;
      const char *kind;
      const char *group;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      id = get_string_member (object, "id");
      kind = get_string_member (object, "kind");
      if (id == NULL || kind == NULL)
        continue;

      check = md_check_new (id, kind, get_string_member (object, "title"));
      /* A run that was cut off (the app was closed) left checks running:
       * they never got an answer, so they are undecided now. */
      if (!md_check_status_from_string (get_string_member (object, "status"), &status) ||
          status == MD_CHECK_STATUS_RUNNING)
        {
          status = MD_CHECK_STATUS_ERROR;
          md_check_set_summary (check, _("Could not decide: the check was interrupted."));
        }
      else
        {
          md_check_set_summary (check, get_string_member (object, "summary"));
        }
      md_check_set_status (check, status);
      md_check_set_remedy (check, get_string_member (object, "remedy"));
      if (json_object_has_member (object, "details") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "details")))
        md_check_set_details (check, json_object_get_object_member (object, "details"));
      if (json_object_has_member (object, "duration_ms"))
        md_check_set_duration_ms (check, json_object_get_int_member (object, "duration_ms"));
      group = get_string_member (object, "group");
      if (group != NULL)
        md_check_set_group (check, group);
      if (json_object_has_member (object, "weight"))
        md_check_set_weight (check, json_object_get_int_member (object, "weight"));

      g_list_store_append (store, check);
    }

  return G_LIST_MODEL (store);
}
