/* md-draft.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"
#include "md-link.h"

#include <string.h>

#include "md-check.h"
#include "md-data.h"
#include "md-util.h"


G_DEFINE_QUARK (md-draft-error-quark, md_draft_error)

G_DEFINE_BOXED_TYPE (MdDraft, md_draft, md_draft_copy, md_draft_free)

/* ------------------------------------------------------------------ */
/* MdDraft                                                             */

static void
md_draft_attachment_free (MdDraftAttachment *attachment)
{
  g_free (attachment->name);
  g_free (attachment->content_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

static void
md_draft_field_free (MdDraftField *field)
{
  g_free (field->label);
  g_free (field->value);
  g_free (field);
}

static void
md_draft_add_field (MdDraft    *draft,
                    const char *label,
                    const char *value)
{
  MdDraftField *field = g_new0 (MdDraftField, 1);

  field->label = g_strdup (label);
  field->value = g_strdup (value);
  g_ptr_array_add (draft->fields, field);
}

MdDraft *
md_draft_new (void)
{
  MdDraft *draft = g_new0 (MdDraft, 1);

  draft->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_attachment_free);
  draft->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_field_free);
  draft->steps = g_new0 (char *, 1);
  draft->warnings = g_new0 (char *, 1);
  draft->warning_kinds = g_array_new (FALSE, FALSE, sizeof (MdDraftWarningKind));

  return draft;
}

MdDraft *
md_draft_copy (const MdDraft *draft)
{
  MdDraft *copy;

  g_return_val_if_fail (draft != NULL, NULL);

  copy = md_draft_new ();
  copy->channel_id = g_strdup (draft->channel_id);
  copy->channel_kind = draft->channel_kind;
  copy->recipient = g_strdup (draft->recipient);
  copy->cc = g_strdup (draft->cc);
  copy->url = g_strdup (draft->url);
  copy->subject = g_strdup (draft->subject);
  copy->body = g_strdup (draft->body);
  copy->language = g_strdup (draft->language);
  copy->from_name = g_strdup (draft->from_name);
  copy->from_address = g_strdup (draft->from_address);
  for (guint i = 0; i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, i);
      md_draft_add_attachment (copy, a->name, a->content_type, a->data);
    }
  for (guint i = 0; i < draft->fields->len; i++)
    {
      const MdDraftField *f = g_ptr_array_index (draft->fields, i);
      md_draft_add_field (copy, f->label, f->value);
    }
  g_strfreev (copy->steps);
  copy->steps = g_strdupv (draft->steps);
  g_strfreev (copy->warnings);
  copy->warnings = g_strdupv (draft->warnings);
  g_array_append_vals (copy->warning_kinds, draft->warning_kinds->data,
                       draft->warning_kinds->len);

  return copy;
}

void
md_draft_free (MdDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->channel_id);
  g_free (draft->recipient);
  g_free (draft->cc);
  g_free (draft->url);
  g_free (draft->subject);
  g_free (draft->body);
  g_free (draft->language);
  g_free (draft->from_name);
  g_free (draft->from_address);
  g_clear_pointer (&draft->attachments, g_ptr_array_unref);
  g_clear_pointer (&draft->fields, g_ptr_array_unref);
  g_strfreev (draft->steps);
  g_strfreev (draft->warnings);
  g_clear_pointer (&draft->warning_kinds, g_array_unref);
  g_free (draft);
}

MdDraftWarningKind
md_draft_get_warning_kind (const MdDraft *draft,
                           guint          index)
{
  g_return_val_if_fail (draft != NULL, MD_DRAFT_WARNING_OTHER);

  if (draft->warning_kinds == NULL || index >= draft->warning_kinds->len)
    return MD_DRAFT_WARNING_OTHER;

  return g_array_index (draft->warning_kinds, MdDraftWarningKind, index);
}

void
md_draft_add_attachment (MdDraft    *draft,
                         const char *name,
                         const char *content_type,
                         GBytes     *data)
{
  MdDraftAttachment *attachment;

  g_return_if_fail (draft != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (data != NULL);

  attachment = g_new0 (MdDraftAttachment, 1);
  attachment->name = g_strdup (name);
  attachment->content_type = g_strdup (content_type);
  attachment->data = g_bytes_ref (data);
  g_ptr_array_add (draft->attachments, attachment);
}

const char *
md_draft_get_clipboard_text (const MdDraft *draft)
{
  g_return_val_if_fail (draft != NULL, NULL);

  return draft->body != NULL ? draft->body : "";
}


/* The message of the input the rejection was read from (an mbox has many). */
static guint
message_of (const MdRejection *rejection)
{
  return rejection->source_message > 0 ? rejection->source_message - 1 : 0;
}

/* Outlook.com's S-code ("S3150") from the rejection's references. */
static const char *
find_s_code (const MdRejection *rejection)
{
  for (guint i = 0; rejection->references != NULL && rejection->references[i] != NULL; i++)
    {
      const char *ref = rejection->references[i];
      gsize len = strlen (ref);
      gboolean digits = len >= 2 && len <= 8 && ref[0] == 'S';

      for (gsize j = 1; digits && j < len; j++)
        digits = g_ascii_isdigit (ref[j]);
      if (digits)
        return ref;
    }

  return NULL;
}

/* The sender's time zone as the Outlook.com form lists them: "(UTC+01:00)". */
static char *
local_time_zone (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "(UTC%:z)");
}

static GHashTable *
build_values (const MdRejection     *rejection,
              const MdSenderProfile *profile,
              const MdDraftFacts    *facts,
              MdInput               *input,
              const char            *url,
              const char            *language,
              MdFollowUpAnswer       answer)
{
  GHashTable *values = md_draft_values_new ();
  g_autoptr(GPtrArray) ips = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ips_joined = NULL;
  g_autofree char *status_code = NULL;
  g_autofree char *references = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *sender_domain = NULL;
  g_autofree char *bounce_address = NULL;
  g_autofree char *recipient_domain = NULL;
  g_autofree char *time_zone = NULL;
  g_autofree char *issue_title = NULL;
  guint n_facts;
  const char *name = profile != NULL ? profile->name : NULL;
  const char *email = profile != NULL ? profile->email : NULL;

  if (!is_empty (rejection->blocked_ip))
    g_ptr_array_add (ips, g_strdup (rejection->blocked_ip));
  if (facts != NULL)
    for (guint i = 0; i < facts->extra_ips->len; i++)
      {
        const char *ip = g_ptr_array_index (facts->extra_ips, i);
        gboolean seen = FALSE;

        for (guint j = 0; j < ips->len && !seen; j++)
          seen = g_str_equal (ip, g_ptr_array_index (ips, j));
        if (!seen)
          g_ptr_array_add (ips, g_strdup (ip));
      }
  g_ptr_array_add (ips, NULL);
  ips_joined = g_strjoinv ("; ", (char **) ips->pdata);
  g_ptr_array_remove_index (ips, ips->len - 1);

  if (facts != NULL)
    for (guint i = 0; i < facts->remediation->len; i++)
      g_ptr_array_add (steps, g_strdup (g_ptr_array_index (facts->remediation, i)));

  if (!is_empty (rejection->enhanced_status))
    status_code = g_strdup (rejection->enhanced_status);
  else if (rejection->smtp_code != 0)
    status_code = g_strdup_printf ("%u", rejection->smtp_code);

  if (rejection->references != NULL)
    references = g_strjoinv (" ", rejection->references);

  if (!is_empty (name) && !is_empty (email))
    contact = g_strdup_printf ("%s <%s>", name, email);
  else if (!is_empty (name))
    contact = g_strdup (name);
  else if (!is_empty (email))
    contact = g_strdup (email);

  /* The sending domain is the one the bounce names or the checks checked,
   * never the contact address's: the request is best sent from a mailbox
   * elsewhere, and gmail.com is nobody's sending domain. */
  sender_domain = facts != NULL && facts->domains->len > 0
                    ? g_strdup (g_ptr_array_index (facts->domains, 0)) : NULL;

  /* The mailbox the imported bounce was delivered to: the address that
   * "received the rejection", which Microsoft's portal asks for. */
  bounce_address = input != NULL ? md_input_dup_bounce_addressee (input, message_of (rejection)) : NULL;
  if (bounce_address == NULL)
    bounce_address = dup_nonempty (email);

  recipient_domain = md_address_get_domain (rejection->recipient);

  time_zone = local_time_zone ();
  {
    const char *s_code = find_s_code (rejection);

    issue_title = g_strdup_printf ("Mail from %s blocked%s%s%s",
                                   !is_empty (rejection->blocked_ip) ? rejection->blocked_ip :
                                   "our mail server", s_code != NULL ? " (" : "",
                                   s_code != NULL ? s_code : "", s_code != NULL ? ")" : "");
  }

  md_draft_values_set_string (values, "ip", rejection->blocked_ip);
  md_draft_values_set_list (values, "ips", ips);
  md_draft_values_set_string (values, "ips_joined", ips_joined);
  md_draft_values_set_string (values, "rejection_text", rejection->text);
  md_draft_values_set_string (values, "status_code", status_code);
  md_draft_values_set_string (values, "references", references);
  md_draft_values_set_string (values, "remote_host", rejection->remote_host);
  md_draft_values_set_string (values, "recipient", rejection->recipient);
  md_draft_values_set_string (values, "recipient_domain", recipient_domain);
  md_draft_values_set_string (values, "bounce_address", bounce_address);
  md_draft_values_set_string (values, "name", name);
  md_draft_values_set_string (values, "organisation", profile != NULL ? profile->organisation : NULL);
  md_draft_values_set_string (values, "email", email);
  md_draft_values_set_string (values, "website", profile != NULL ? profile->website : NULL);
  md_draft_values_set_string (values, "contact", contact);
  md_draft_values_set_string (values, "sender_domain", sender_domain);
  n_facts = md_draft_facts_fill_values (facts, profile, sender_domain, rejection->blocked_ip,
                                        language, values);
  md_draft_values_set_string (values, "server", ips->len > 0 || n_facts > 0 ? "yes" : NULL);
  md_draft_values_set_string (values, "identity",
                              (ips->len > 0 || (profile != NULL && !is_empty (profile->organisation)) ||
                               md_draft_values_lookup (values, "domains") != NULL ||
                               md_draft_values_lookup (values, "rejected_at") != NULL) ? "yes" : NULL);
  md_draft_values_set_string (values, "answer_known",
                              answer != MD_FOLLOW_UP_ANSWER_UNKNOWN ? "yes" : NULL);
  md_draft_values_set_string (values, "profile",
              (profile != NULL &&
               (!is_empty (profile->organisation) || contact != NULL ||
                !is_empty (profile->website) ||
                md_draft_values_lookup (values, "description") != NULL ||
                md_draft_values_lookup (values, "volume") != NULL)) ? "yes" : NULL);
  /* The sign-off only when there is a name to sign with: no dangling
   * "Kind regards,". */
  md_draft_values_set_string (values, "signature",
              (!is_empty (name) || (profile != NULL && !is_empty (profile->organisation))) ?
              "yes" : NULL);
  md_draft_values_set_list (values, "steps", steps);
  md_draft_values_set_string (values, "url", url);
  md_draft_values_set_string (values, "s_code", find_s_code (rejection));
  md_draft_values_set_string (values, "organisation_kind",
                              profile != NULL ? profile->organisation_kind : NULL);
  md_draft_values_set_string (values, "time_zone", time_zone);
  md_draft_values_set_string (values, "issue_title", issue_title);
  for (guint i = 1; i < MD_FOLLOW_UP_N_ANSWERS; i++)
    {
      g_autofree char *key = g_strdup_printf ("answer_%s", md_follow_up_answer_to_string (i));

      /* Keys are static in the table: intern them. */
      g_strdelimit (key, "-", '_');
      md_draft_values_set_string (values, g_intern_string (key), answer == i ? "yes" : NULL);
    }

  return values;
}

static gboolean
is_web_url (const char *url)
{
  return url != NULL &&
         (g_ascii_strncasecmp (url, "https://", 8) == 0 ||
          g_ascii_strncasecmp (url, "http://", 7) == 0);
}

/* The warnings of a draft as they are built: the texts and what each is
 * about (MdDraft:warning_kinds). */
typedef struct
{
  GStrvBuilder *texts;
  GArray       *kinds;
} Warnings;

static void
add_warning (Warnings           *warnings,
             MdDraftWarningKind  kind,
             const char         *text)
{
  g_strv_builder_add (warnings->texts, text);
  g_array_append_val (warnings->kinds, kind);
}

/* The checks by their titles, as the user knows them from the window and
 * the CLI ("Spamhaus ZEN, Reverse DNS and 3 more"), never by their ids; a
 * few names are enough to know where to look. */
static char *
name_checks (GPtrArray *facts)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = facts->len > 5 ? 4 : facts->len;

  for (guint i = 0; i < shown; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, !is_empty (fact->title) ? fact->title : fact->id);
    }
  if (facts->len > shown)
    {
      guint more = facts->len - shown;

      /* Translators: after a list of check names: "Spamhaus ZEN, SpamCop and 3 more" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " and %u more",
                                                 " and %u more", more), more);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Warnings that depend on what is known, beside the channel's own. */
/* Every address the rejection names that the request does not go to was
 * outside the channel's domains (or not a plain address): say so, so that
 * the user sees the request was not sent where the text asked. */
static void
add_address_warnings (Warnings          *warnings,
                      const MdRejection *rejection,
                      const char        *recipient)
{
  const char *receiver = md_provider_display_name (rejection->provider);

  for (guint i = 0; rejection->contacts != NULL && i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);
      g_autofree char *message = NULL;

      if (contact->kind != MD_CONTACT_EMAIL ||
          (rejection->recipient != NULL &&
           g_ascii_strcasecmp (contact->value, rejection->recipient) == 0) ||
          (recipient != NULL && g_ascii_strcasecmp (contact->value, recipient) == 0))
        continue;

      if (receiver != NULL)
        /* Translators: "The rejection names an address outside T-Online’s domains
         * (x@example.org); the request goes to tosa@rx.t-online.de, the address MailDoctor
         * knows." */
        message = g_strdup_printf (_("The rejection names an address outside %s’s domains (%s); the request goes to %s, the address MailDoctor knows."),
                                   receiver, contact->value, recipient != NULL ? recipient : "—");
      else
        message = g_strdup_printf (_("The rejection names an address outside the receiver’s domains (%s); the request goes to %s, the address MailDoctor knows."),
                                   contact->value, recipient != NULL ? recipient : "—");
      add_warning (warnings, MD_DRAFT_WARNING_OTHER, message);
    }
}

static void
add_fact_warnings (Warnings              *warnings,
                   const Template        *t,
                   const MdRejection     *rejection,
                   const MdSenderProfile *profile,
                   const MdDraftFacts    *facts)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new ();
  g_autoptr(GPtrArray) undecided = g_ptr_array_new ();
  guint n_checks = facts != NULL ? facts->checks->len : 0;

  if (is_empty (rejection->blocked_ip))
    add_warning (warnings, MD_DRAFT_WARNING_NO_IP,
                 _("The rejection names no IP address: add the sending server’s IP before you send."));

  if (n_checks == 0)
    add_warning (warnings, MD_DRAFT_WARNING_NO_CHECKS,
                 _("No check results yet: run the checks, so that the request can state the server’s authentication and reverse DNS."));

  for (guint i = 0; i < n_checks; i++)
    {
      MdDraftFact *fact = g_ptr_array_index (facts->checks, i);

      if (g_str_equal (fact->status, "problem"))
        g_ptr_array_add (problems, fact);
      else if (g_str_equal (fact->status, "error") || g_str_equal (fact->status, "running"))
        g_ptr_array_add (undecided, fact);
    }

  if (problems->len > 0)
    {
      g_autofree char *list = name_checks (problems);
      g_autofree char *message = NULL;

      /* Translators: %s names checks by their titles, "SPF, Reverse DNS" */
      message = g_strdup_printf (_("The latest checks found problems (%s). Fix them first, or the request is likely to be refused."),
                                 list);
      add_warning (warnings, MD_DRAFT_WARNING_PROBLEMS, message);
    }

  if (undecided->len > 0)
    {
      g_autofree char *list = name_checks (undecided);
      g_autofree char *message = NULL;

      /* Translators: %s names checks by their titles, "DKIM, Spamhaus ZEN" */
      message = g_strdup_printf (_("Some checks could not decide (%s); the request leaves them out."),
                                 list);
      add_warning (warnings, MD_DRAFT_WARNING_UNDECIDED, message);
    }

  if (t->body != NULL && (facts == NULL || facts->remediation->len == 0))
    add_warning (warnings, MD_DRAFT_WARNING_NO_STEPS,
                 _("Describe what you fixed: receivers ask for the remediation steps you took."));

  if (profile == NULL ||
      (is_empty (profile->name) && is_empty (profile->organisation) &&
       is_empty (profile->email) && is_empty (profile->website)))
    add_warning (warnings, MD_DRAFT_WARNING_NO_PROFILE,
                 _("The sender details are missing: add your name, organisation, mail address and website."));
}

static const struct
{
  const char *id;
  const char *label;
} follow_up_answers[] = {
  [MD_FOLLOW_UP_ANSWER_UNKNOWN] = { "unknown", N_("I do not know yet") },
  [MD_FOLLOW_UP_ANSWER_NONE] = { "none", N_("No answer after 48 hours") },
  [MD_FOLLOW_UP_ANSWER_NOT_QUALIFIED] = { "not-qualified", N_("“Not qualified for mitigation”") },
  [MD_FOLLOW_UP_ANSWER_NOTHING_FOUND] = { "nothing-found", N_("“We found nothing on our side”") },
  [MD_FOLLOW_UP_ANSWER_ACKNOWLEDGED] = { "acknowledged", N_("Only an automatic acknowledgement") },
  [MD_FOLLOW_UP_ANSWER_BOUNCED] = { "bounced", N_("The request itself bounced") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (follow_up_answers) == MD_FOLLOW_UP_N_ANSWERS);

const char *
md_follow_up_answer_to_string (MdFollowUpAnswer answer)
{
  g_return_val_if_fail (answer < MD_FOLLOW_UP_N_ANSWERS, NULL);

  return follow_up_answers[answer].id;
}

gboolean
md_follow_up_answer_from_string (const char       *text,
                                 MdFollowUpAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, FALSE);

  for (guint i = 0; i < MD_FOLLOW_UP_N_ANSWERS; i++)
    if (g_strcmp0 (text, follow_up_answers[i].id) == 0)
      {
        *answer = i;
        return TRUE;
      }

  return FALSE;
}

const char *
md_follow_up_answer_get_label (MdFollowUpAnswer answer)
{
  g_return_val_if_fail (answer < MD_FOLLOW_UP_N_ANSWERS, NULL);

  return _(follow_up_answers[answer].label);
}

static MdDraft *
draft_build (const MdRejection      *rejection,
             const MdExplanation    *explanation,
             const MdSenderProfile  *profile,
             const MdDraftFacts     *facts,
             MdInput                *input,
             const char             *channel_override,
             MdFollowUpAnswer        answer,
             GError                **error)
{
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GStrvBuilder) steps = NULL;
  Warnings warnings;
  g_autoptr(GString) body = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *message = NULL;
  GPtrArray *templates;
  const Template *t;
  const char *channel_id;
  gboolean same_channel;
  const char *recipient = NULL;
  const char *url = NULL;

  g_return_val_if_fail (rejection != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  templates = md_draft_templates_get (error);
  if (templates == NULL)
    return NULL;

  channel_id = !is_empty (channel_override) ? channel_override :
               explanation != NULL ? explanation->channel_id : NULL;
  if (is_empty (channel_id))
    {
      g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_NO_CHANNEL,
                   _("There is nothing to send for this rejection: fix the cause, or ask the recipient’s administrator."));
      return NULL;
    }

  t = md_draft_templates_find (templates, channel_id);
  if (t == NULL)
    {
      g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_UNKNOWN_CHANNEL,
                   _("Unknown delist channel “%s”"), channel_id);
      return NULL;
    }

  /* The knowledge base's address and page (which already prefer what the
   * rejection text names) belong to its own channel only: a T-Online draft
   * chosen by hand must not go to Microsoft's delist address. */
  same_channel = explanation != NULL && g_strcmp0 (explanation->channel_id, t->id) == 0;

  if (t->kind == MD_CHANNEL_EMAIL && t->address != NULL)
    {
      /* Only an address the knowledge base checked against the channel's
       * domains (md-link) may come from the text; any other address the
       * text names is hostile until proven otherwise, and the warning below
       * says why it was not used. */
      if (same_channel && !is_empty (explanation->channel_address))
        recipient = explanation->channel_address;
      if (is_empty (recipient))
        recipient = t->address;
    }

  if (t->kind != MD_CHANNEL_EMAIL)
    {
      if (same_channel && is_web_url (explanation->channel_url))
        url = explanation->channel_url;
      if (url == NULL && rejection->provider != NULL)
        url = g_hash_table_lookup (t->provider_urls, rejection->provider);
      if (url == NULL)
        url = t->url;
    }

  values = build_values (rejection, profile, facts, input, url, t->language, answer);

  draft = md_draft_new ();
  draft->channel_id = g_strdup (t->id);
  draft->channel_kind = t->kind;
  draft->language = g_strdup (t->language);
  draft->recipient = g_strdup (recipient);
  /* The documented address in copy (knowledge.xml <cc>) when the request
   * goes to the address the rejection names. */
  if (recipient != NULL && same_channel && !is_empty (explanation->channel_cc) &&
      g_ascii_strcasecmp (recipient, explanation->channel_cc) != 0)
    draft->cc = g_strdup (explanation->channel_cc);
  draft->url = g_strdup (url);
  if (profile != NULL)
    {
      /* Header values: one line, and an address only when it is one plain
       * address (md-link), so that nothing in the profile adds a header. */
      draft->from_name = dup_nonempty (profile->name);
      if (draft->from_name != NULL)
        g_strdelimit (draft->from_name, "\r\n\t\v\f", ' ');
      if (!is_empty (profile->email))
        draft->from_address = md_link_check_address (profile->email, NULL, NULL);
    }

  if (t->subject != NULL)
    {
      subject = md_draft_render (t->subject, values, error);
      if (subject == NULL)
        return NULL;
      /* A header is one line, whatever a value held. */
      g_strdelimit (subject, "\r\n\t", ' ');
      draft->subject = g_strdup (g_strstrip (subject));
    }

  if (t->body != NULL)
    {
      message = md_draft_render (t->body, values, error);
      if (message == NULL)
        return NULL;
    }

  for (guint i = 0; i < t->fields->len; i++)
    {
      const TemplateField *field = g_ptr_array_index (t->fields, i);
      const char *value;
      g_autofree char *label = NULL;

      if (!g_hash_table_contains (values, field->key))
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "template %s: unknown field key “%s”", t->id, field->key);
          return NULL;
        }
      value = md_draft_values_lookup (values, field->key);
      if (is_empty (value))
        continue;
      label = md_data_text_translate (field->label);
      md_draft_add_field (draft, label, value);
    }

  /* Mail channels send the rendered text; forms and portals get their
   * fields as copyable lines, then the free text for the form's message. */
  if (t->kind == MD_CHANNEL_EMAIL)
    draft->body = g_steal_pointer (&message);
  else
    {
      body = g_string_new (NULL);
      for (guint i = 0; i < draft->fields->len; i++)
        {
          const MdDraftField *field = g_ptr_array_index (draft->fields, i);

          g_string_append_printf (body, "%s: %s\n", field->label, field->value);
        }
      if (message != NULL)
        {
          if (body->len > 0)
            g_string_append_c (body, '\n');
          g_string_append (body, message);
        }
      draft->body = g_string_free (g_steal_pointer (&body), FALSE);
    }

  if (t->attach_rejection && !is_empty (rejection->text))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *text = g_strconcat (rejection->text, "\n", NULL);
      gsize len = strlen (text);

      bytes = g_bytes_new_take (g_steal_pointer (&text), len);
      md_draft_add_attachment (draft, "rejection.txt", "text/plain; charset=utf-8", bytes);
    }
  /* Only a mail GMime could read within the input's guards is attached. */
  if (t->attach_original && input != NULL && md_input_get_message (input, message_of (rejection)) != NULL)
    {
      g_autoptr(GBytes) original_eml = md_input_dup_message_bytes (input, message_of (rejection));

      md_draft_add_attachment (draft, "bounce.eml", "message/rfc822", original_eml);
    }

  steps = g_strv_builder_new ();
  for (guint i = 0; i < t->steps->len; i++)
    {
      g_autofree char *step = md_data_text_translate (g_ptr_array_index (t->steps, i));
      g_strv_builder_add (steps, step);
    }
  g_strfreev (draft->steps);
  draft->steps = g_strv_builder_end (steps);

  warnings.texts = g_strv_builder_new ();
  warnings.kinds = draft->warning_kinds;
  g_array_set_size (warnings.kinds, 0);
  for (guint i = 0; i < t->warnings->len; i++)
    {
      g_autofree char *warning = md_data_text_translate (g_ptr_array_index (t->warnings, i));
      add_warning (&warnings, MD_DRAFT_WARNING_OTHER, warning);
    }
  add_fact_warnings (&warnings, t, rejection, profile, facts);
  if (t->kind == MD_CHANNEL_EMAIL)
    add_address_warnings (&warnings, rejection, recipient);
  if (profile != NULL && !is_empty (profile->email) && draft->from_address == NULL)
    {
      g_autofree char *bad_from = NULL;

      /* Translators: %s is the address from the preferences */
      bad_from = g_strdup_printf (_("Your mail address “%s” is not one plain address (name@domain): the request leaves it out of the From line."),
                                 profile->email);
      add_warning (&warnings, MD_DRAFT_WARNING_OTHER, bad_from);
    }
  g_strfreev (draft->warnings);
  draft->warnings = g_strv_builder_end (warnings.texts);
  g_strv_builder_unref (warnings.texts);

  return g_steal_pointer (&draft);
}

MdDraft *
md_draft_new_for_rejection (const MdRejection      *rejection,
                            const MdExplanation    *explanation,
                            const MdSenderProfile  *profile,
                            const MdDraftFacts     *facts,
                            MdInput                *input,
                            const char             *channel_override,
                            GError                **error)
{
  g_return_val_if_fail (rejection != NULL, NULL);
  g_return_val_if_fail (input == NULL || MD_IS_INPUT (input), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return draft_build (rejection, explanation, profile, facts, input, channel_override,
                      MD_FOLLOW_UP_ANSWER_UNKNOWN, error);
}

MdDraft *
md_draft_new_follow_up (const MdRejection      *rejection,
                        const MdExplanation    *explanation,
                        const MdSenderProfile  *profile,
                        const MdDraftFacts     *facts,
                        MdInput                *input,
                        MdFollowUpAnswer        answer,
                        GError                **error)
{
  g_return_val_if_fail (rejection != NULL, NULL);
  g_return_val_if_fail (input == NULL || MD_IS_INPUT (input), NULL);
  g_return_val_if_fail (answer < MD_FOLLOW_UP_N_ANSWERS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return draft_build (rejection, explanation, profile, facts, input,
                      "microsoft-follow-up", answer, error);
}
