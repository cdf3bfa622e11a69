/* md-diagnosis.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <gmime/gmime.h>
#include <string.h>

#include "md-diagnosis.h"
#include "md-rejection-parser.h"
#include "md-util.h"

struct _MdDiagnosis
{
  GObject      parent_instance;

  /* Owned */
  MdInput     *input;          /* may be NULL (a case saved without one) */
  GPtrArray   *rejections;     /* of MdRejection* */
  GPtrArray   *explanations;   /* of MdExplanation*, same order (NULL entries allowed) */
  gboolean     truncated;
  guint        seen;
  guint        primary;
  char        *receiver;

  /* What the input says of the sending side (for the primary rejection's
   * message), read with the rest so that a big log is scanned in the
   * worker thread, not when the window asks. */
  char        *sender;
  char        *addressee;
  char        *helo;
};

G_DEFINE_FINAL_TYPE (MdDiagnosis, md_diagnosis, G_TYPE_OBJECT)
G_DEFINE_QUARK (md-diagnosis-error-quark, md_diagnosis_error)
G_DEFINE_BOXED_TYPE (MdSubjectGuess, md_subject_guess, md_subject_guess_copy, md_subject_guess_free)

MdSubjectGuess *
md_subject_guess_copy (const MdSubjectGuess *guess)
{
  MdSubjectGuess *copy;

  g_return_val_if_fail (guess != NULL, NULL);

  copy = g_new0 (MdSubjectGuess, 1);
  copy->ip = g_strdup (guess->ip);
  copy->domain = g_strdup (guess->domain);
  copy->domain_source = guess->domain_source;
  copy->helo = g_strdup (guess->helo);
  copy->recipient_domain = g_strdup (guess->recipient_domain);

  return copy;
}

void
md_subject_guess_free (MdSubjectGuess *guess)
{
  if (guess == NULL)
    return;

  g_free (guess->ip);
  g_free (guess->domain);
  g_free (guess->helo);
  g_free (guess->recipient_domain);
  g_free (guess);
}

static void
md_diagnosis_finalize (GObject *object)
{
  MdDiagnosis *self = MD_DIAGNOSIS (object);

  g_clear_object (&self->input);
  g_clear_pointer (&self->rejections, g_ptr_array_unref);
  g_clear_pointer (&self->explanations, g_ptr_array_unref);
  g_clear_pointer (&self->receiver, g_free);
  g_clear_pointer (&self->sender, g_free);
  g_clear_pointer (&self->addressee, g_free);
  g_clear_pointer (&self->helo, g_free);

  G_OBJECT_CLASS (md_diagnosis_parent_class)->finalize (object);
}

static void
md_diagnosis_class_init (MdDiagnosisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_diagnosis_finalize;
}

static void
md_diagnosis_init (MdDiagnosis *self)
{
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  self->explanations = g_ptr_array_new_with_free_func ((GDestroyNotify) md_explanation_free);
}

/* Explains every rejection and settles the primary one and the receiver. */
static void
settle (MdDiagnosis *self)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();

  g_ptr_array_set_size (self->explanations, 0);
  for (guint i = 0; i < self->rejections->len; i++)
    g_ptr_array_add (self->explanations,
                     knowledge != NULL
                     ? md_knowledge_explain (knowledge, g_ptr_array_index (self->rejections, i))
                     : NULL);

  self->primary = md_diagnosis_find_primary (self->rejections, self->explanations);
  g_clear_pointer (&self->receiver, g_free);
  self->receiver = md_diagnosis_find_receiver (self->rejections, self->primary);

  if (self->input != NULL && self->rejections->len > 0)
    {
      const MdRejection *primary = g_ptr_array_index (self->rejections, self->primary);
      guint index = primary->source_message > 0 ? primary->source_message - 1 : 0;

      self->sender = md_input_dup_original_sender (self->input, index);
      self->addressee = md_input_dup_bounce_addressee (self->input, index);
      self->helo = md_input_dup_helo (self->input, index);
    }
}

/* The last two labels of a host name: enough to tell one site from another
 * for the purpose below. */
static const char *
site_of (const char *host)
{
  const char *last;

  if (host == NULL)
    return NULL;
  last = strrchr (host, '.');
  if (last == NULL)
    return host;
  for (const char *p = last - 1; p >= host; p--)
    if (*p == '.')
      return p + 1;

  return host;
}

/* The message of the input that @rejection came from. */
static guint
message_index (const MdRejection *rejection)
{
  return rejection->source_message > 0 ? rejection->source_message - 1 : 0;
}

/* Public API ------------------------------------------------------------- */

guint
md_diagnosis_find_primary (GPtrArray *rejections,
                           GPtrArray *explanations)
{
  g_return_val_if_fail (rejections != NULL, 0);

  if (explanations != NULL && explanations->len == rejections->len)
    for (guint i = 0; i < explanations->len; i++)
      {
        const MdExplanation *e = g_ptr_array_index (explanations, i);

        if (e != NULL && e->channel_id != NULL && e->channel_id[0] != '\0')
          return i;
      }

  for (guint i = 0; i < rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (rejections, i);

      if (r->blocked_ip != NULL)
        return i;
    }

  return 0;
}

char *
md_diagnosis_find_receiver (GPtrArray *rejections,
                            guint      primary)
{
  g_return_val_if_fail (rejections != NULL, NULL);

  if (primary < rejections->len)
    {
      char *receiver = md_rejection_dup_receiver (g_ptr_array_index (rejections, primary));

      if (receiver != NULL)
        return receiver;
    }

  for (guint i = 0; i < rejections->len; i++)
    {
      char *receiver = md_rejection_dup_receiver (g_ptr_array_index (rejections, i));

      if (receiver != NULL)
        return receiver;
    }

  return NULL;
}

MdDiagnosis *
md_diagnosis_new (MdInput       *input,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(MdDiagnosis) self = NULL;
  g_autoptr(MdRejectionParse) parse = NULL;

  g_return_val_if_fail (MD_IS_INPUT (input), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parse = md_rejection_parse_input (input, cancellable, error);
  if (parse == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (parse->rejections->len == 0)
    {
      g_set_error_literal (error, MD_DIAGNOSIS_ERROR, MD_DIAGNOSIS_ERROR_NO_REJECTION,
                           _("This text holds no rejection MailDoctor can read. "
                             "Paste the whole bounce message or the server’s reply."));
      return NULL;
    }

  self = g_object_new (MD_TYPE_DIAGNOSIS, NULL);
  self->input = g_object_ref (input);
  g_ptr_array_extend_and_steal (self->rejections, g_steal_pointer (&parse->rejections));
  self->truncated = parse->truncated;
  self->seen = parse->seen;
  settle (self);

  return g_steal_pointer (&self);
}

static void
new_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  MdInput *input = task_data;
  GError *error = NULL;
  MdDiagnosis *self = md_diagnosis_new (input, cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
}

void
md_diagnosis_new_async (MdInput             *input,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_INPUT (input));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The knowledge base is loaded here, on the main thread, so the worker
   * only reads it. */
  md_knowledge_get_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_diagnosis_new_async);
  g_task_set_task_data (task, g_object_ref (input), g_object_unref);
  g_task_run_in_thread (task, new_thread);
}

MdDiagnosis *
md_diagnosis_new_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_diagnosis_new_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

MdDiagnosis *
md_diagnosis_new_for_rejections (GPtrArray *rejections,
                                 MdInput   *input)
{
  MdDiagnosis *self;

  g_return_val_if_fail (rejections != NULL, NULL);
  g_return_val_if_fail (input == NULL || MD_IS_INPUT (input), NULL);

  self = g_object_new (MD_TYPE_DIAGNOSIS, NULL);
  if (input != NULL)
    self->input = g_object_ref (input);
  for (guint i = 0; i < rejections->len; i++)
    g_ptr_array_add (self->rejections, md_rejection_copy (g_ptr_array_index (rejections, i)));
  self->seen = rejections->len;
  settle (self);

  return self;
}

MdInput *
md_diagnosis_get_input (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  return self->input;
}

guint
md_diagnosis_get_n_rejections (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), 0);

  return self->rejections->len;
}

const MdRejection *
md_diagnosis_get_rejection (MdDiagnosis *self,
                            guint        index)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (index < self->rejections->len, NULL);

  return g_ptr_array_index (self->rejections, index);
}

const MdExplanation *
md_diagnosis_get_explanation (MdDiagnosis *self,
                              guint        index)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (index < self->explanations->len, NULL);

  return g_ptr_array_index (self->explanations, index);
}

GPtrArray *
md_diagnosis_get_rejections (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  return self->rejections;
}

GPtrArray *
md_diagnosis_get_explanations (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  return self->explanations;
}

gboolean
md_diagnosis_is_truncated (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), FALSE);

  return self->truncated;
}

guint
md_diagnosis_get_n_seen (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), 0);

  return self->seen;
}

guint
md_diagnosis_get_primary_index (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), 0);

  return self->primary;
}

char *
md_diagnosis_dup_title (MdDiagnosis *self)
{
  const MdRejection *rejection;
  const char *provider;
  const char *code;
  g_autofree char *smtp = NULL;

  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  if (self->rejections->len == 0)
    return g_strdup (_("Rejection"));

  rejection = g_ptr_array_index (self->rejections, self->primary);
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

const char *
md_diagnosis_get_receiver (MdDiagnosis *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  return self->receiver;
}

GBytes *
md_diagnosis_dup_original_eml (MdDiagnosis *self)
{
  guint index;

  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  if (self->input == NULL || self->rejections->len == 0)
    return NULL;

  index = message_index (g_ptr_array_index (self->rejections, self->primary));
  /* Only a mail GMime could read within the guards is attached: a
   * 128k-deep multipart is text, not a bounce to forward. */
  if (md_input_get_message (self->input, index) == NULL)
    return NULL;

  return md_input_dup_message_bytes (self->input, index);
}

void
md_diagnosis_set_blocked_ip (MdDiagnosis *self,
                             const char  *ip)
{
  MdRejection *primary;

  g_return_if_fail (MD_IS_DIAGNOSIS (self));
  g_return_if_fail (self->rejections->len > 0);

  primary = g_ptr_array_index (self->rejections, self->primary);
  g_free (primary->blocked_ip);
  primary->blocked_ip = g_strdup (ip);
}

MdSubjectGuess *
md_diagnosis_guess_subject (MdDiagnosis        *self,
                            const char * const *sending_domains)
{
  g_autoptr(MdSubjectGuess) guess = NULL;
  const MdRejection *primary;

  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);

  guess = g_new0 (MdSubjectGuess, 1);
  if (self->rejections->len == 0)
    return g_steal_pointer (&guess);

  primary = g_ptr_array_index (self->rejections, self->primary);
  guess->ip = g_strdup (primary->blocked_ip);
  guess->recipient_domain = md_address_get_domain (primary->recipient);

  guess->domain = md_address_get_domain (self->sender);
  if (guess->domain != NULL)
    guess->domain_source = MD_DOMAIN_SOURCE_BOUNCE;
  /* A bounce goes back to the sender: its addressee is at the sending
   * domain too. */
  if (guess->domain == NULL)
    {
      guess->domain = md_address_get_domain (self->addressee);
      if (guess->domain != NULL)
        guess->domain_source = MD_DOMAIN_SOURCE_ADDRESSEE;
    }

  /* A bounce written by the receiver names the receiver's own hosts (its
   * Reporting-MTA, its Received line): not the sender's HELO. */
  if (self->helo != NULL &&
      !(guess->recipient_domain != NULL &&
        g_ascii_strcasecmp (site_of (self->helo), site_of (guess->recipient_domain)) == 0) &&
      !(primary->remote_host != NULL &&
        g_ascii_strcasecmp (site_of (self->helo), site_of (primary->remote_host)) == 0))
    guess->helo = g_strdup (self->helo);

  if (guess->domain == NULL && sending_domains != NULL)
    for (guint i = 0; sending_domains[i] != NULL && guess->domain == NULL; i++)
      {
        g_autofree char *domain = g_strstrip (g_ascii_strdown (sending_domains[i], -1));

        if (domain[0] != '\0')
          {
            guess->domain = g_steal_pointer (&domain);
            guess->domain_source = MD_DOMAIN_SOURCE_PROFILE;
          }
      }

  return g_steal_pointer (&guess);
}

/* What every request of this diagnosis cites: the caller's facts, every
 * blocked IP of the input (the request's own first, in the draft), and when
 * the bounce says the mail was refused. */
static MdDraftFacts *
facts_for_draft (MdDiagnosis        *self,
                 guint               index,
                 const MdDraftFacts *facts)
{
  MdDraftFacts *all = facts != NULL ? md_draft_facts_copy (facts) : md_draft_facts_new ();
  const MdRejection *rejection = g_ptr_array_index (self->rejections, index);
  guint message = rejection->source_message > 0 ? rejection->source_message - 1 : 0;
  GMimeMessage *bounce;

  for (guint i = 0; i < self->rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (self->rejections, i);

      if (r->blocked_ip != NULL)
        md_draft_facts_add_ip (all, r->blocked_ip);
    }

  /* The sending domain the bounce itself names (its original sender or
   * addressee): a decided fact, unlike a guess from the contact address. */
  {
    g_autoptr(MdSubjectGuess) guess = md_diagnosis_guess_subject (self, NULL);

    if (guess->domain != NULL && guess->domain_source != MD_DOMAIN_SOURCE_NONE)
      md_draft_facts_add_domain (all, guess->domain);
  }

  /* The bounce's own Date: when the receiver refused the mail, as close as
   * the input tells it (a pasted fragment has none). */
  bounce = self->input != NULL ? md_input_get_message (self->input, message) : NULL;
  if (bounce != NULL && g_mime_message_get_date (bounce) != NULL)
    md_draft_facts_set_rejection_time (all, g_mime_message_get_date (bounce));

  return all;
}

MdDraft *
md_diagnosis_build_request (MdDiagnosis           *self,
                            guint                  index,
                            const MdSenderProfile *profile,
                            const MdDraftFacts    *facts,
                            const char            *channel,
                            MdFollowUpAnswer       answer,
                            GError               **error)
{
  g_autoptr(MdDraftFacts) all = NULL;
  const MdRejection *rejection;
  const MdExplanation *explanation;

  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (index < self->rejections->len, NULL);
  g_return_val_if_fail (answer < MD_FOLLOW_UP_N_ANSWERS, NULL);

  all = facts_for_draft (self, index, facts);
  rejection = g_ptr_array_index (self->rejections, index);
  explanation = g_ptr_array_index (self->explanations, index);

  /* Microsoft's follow-up says what Microsoft answered, and only that. */
  if (answer != MD_FOLLOW_UP_ANSWER_UNKNOWN || g_strcmp0 (channel, "microsoft-follow-up") == 0)
    return md_draft_new_follow_up (rejection, explanation, profile, all, self->input, answer,
                                   error);

  return md_draft_new_for_rejection (rejection, explanation, profile, all, self->input, channel,
                                     error);
}

MdDraft *
md_diagnosis_build_draft (MdDiagnosis           *self,
                          const MdSenderProfile *profile,
                          const MdDraftFacts    *facts,
                          const char            *channel,
                          GError               **error)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (self->rejections->len > 0, NULL);

  return md_diagnosis_build_request (self, self->primary, profile, facts, channel,
                                     MD_FOLLOW_UP_ANSWER_UNKNOWN, error);
}

MdDraft *
md_diagnosis_build_follow_up (MdDiagnosis           *self,
                              const MdSenderProfile *profile,
                              const MdDraftFacts    *facts,
                              MdFollowUpAnswer       answer,
                              GError               **error)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS (self), NULL);
  g_return_val_if_fail (self->rejections->len > 0, NULL);

  return md_diagnosis_build_request (self, self->primary, profile, facts,
                                     "microsoft-follow-up", answer, error);
}
