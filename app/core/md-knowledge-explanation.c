/* md-knowledge-explanation.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-knowledge-private.h"

#include "md-util.h"

/* MdExplanation: built from an entry in the UI language, copied, freed,
 * written as JSON and described for people; the channel kinds' identifiers. */

G_DEFINE_BOXED_TYPE (MdExplanation, md_explanation, md_explanation_copy, md_explanation_free)

static const char *
entry_url (const Entry *entry,
           const char  *provider)
{
  const ChannelUrl *fallback = NULL;

  for (guint i = 0; i < entry->channel_urls->len; i++)
    {
      const ChannelUrl *url = g_ptr_array_index (entry->channel_urls, i);

      if (url->provider == NULL && fallback == NULL)
        fallback = url;
      else if (url->provider != NULL && provider != NULL &&
               g_ascii_strcasecmp (url->provider, provider) == 0)
        return url->url;
    }

  if (fallback != NULL)
    return fallback->url;
  /* Provider unknown: any of the provider-specific pages beats none. */
  if (provider == NULL && entry->channel_urls->len > 0)
    return ((const ChannelUrl *) g_ptr_array_index (entry->channel_urls, 0))->url;

  return NULL;
}

static const char *
translate (const char *msgid)
{
  return msgid != NULL ? g_dgettext (GETTEXT_PACKAGE, msgid) : NULL;
}

static GStrv
translate_all (GPtrArray *msgids)
{
  GStrv strv = g_new0 (char *, msgids->len + 1);

  for (guint i = 0; i < msgids->len; i++)
    strv[i] = g_strdup (translate (g_ptr_array_index (msgids, i)));

  return strv;
}

static char *
join_sources (GPtrArray *sources)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < sources->len; i++)
    {
      if (i > 0)
        g_string_append (joined, "; ");
      g_string_append (joined, g_ptr_array_index (sources, i));
    }

  return g_string_free (joined, FALSE);
}

/* A copy to the documented address only when the request goes to another
 * one (the address the rejection names): the same address twice is one
 * recipient. */
void
md_explanation_set_channel_cc (MdExplanation *explanation,
                               const char    *cc)
{
  g_free (explanation->channel_cc);
  explanation->channel_cc = NULL;
  if (cc != NULL && (explanation->channel_address == NULL ||
                     g_ascii_strcasecmp (cc, explanation->channel_address) != 0))
    explanation->channel_cc = g_strdup (cc);
}

/* Translated at call time, not at load time, so that a change of LANGUAGE
 * while the program runs shows in the next explanation. */
MdExplanation *
md_knowledge_entry_explain (const Entry *entry,
                            const char  *provider)
{
  MdExplanation *explanation = g_new0 (MdExplanation, 1);
  gboolean speaks = entry->channel_kind != MD_CHANNEL_NONE &&
                    entry->channel_kind != MD_CHANNEL_RECIPIENT;

  explanation->id = g_strdup (entry->id);
  explanation->title = g_strdup (translate (entry->title));
  explanation->meaning = g_strdup (translate (entry->meaning));
  explanation->cause = g_strdup (translate (entry->cause));
  explanation->remedy = translate_all (entry->remedy);
  explanation->channel_kind = entry->channel_kind;
  explanation->channel_id = g_strdup (entry->channel_id);
  explanation->channel_address = g_strdup (entry->channel_address);
  md_explanation_set_channel_cc (explanation, entry->channel_cc);
  explanation->channel_url = g_strdup (entry_url (entry, provider));
  explanation->channel_language = speaks ? g_strdup (entry->channel_language) : NULL;
  explanation->response_time = g_strdup (translate (entry->response_time));
  explanation->response_hours = entry->response_hours;
  explanation->pitfalls = translate_all (entry->pitfalls);
  explanation->source = join_sources (entry->sources);

  return explanation;
}

MdExplanation *
md_knowledge_fallback_explain (void)
{
  MdExplanation *explanation = g_new0 (MdExplanation, 1);
  const char *remedy[] = {
    _("Read the full rejection text; the receiver usually names the reason."),
    NULL,
  };

  explanation->id = g_strdup ("generic-unknown");
  explanation->title = g_strdup (_("Unrecognised rejection"));
  explanation->meaning = g_strdup (_("MailDoctor could not find a reply code or a known marker "
                                     "in this text."));
  explanation->cause = g_strdup (_("The text does not use a code MailDoctor knows; it may state "
                                   "the reason in words."));
  explanation->remedy = g_strdupv ((char **) remedy);
  explanation->channel_kind = MD_CHANNEL_NONE;
  explanation->pitfalls = g_new0 (char *, 1);
  explanation->source = g_strdup ("MailDoctor");

  return explanation;
}

MdExplanation *
md_explanation_copy (const MdExplanation *explanation)
{
  MdExplanation *copy;

  g_return_val_if_fail (explanation != NULL, NULL);

  copy = g_new0 (MdExplanation, 1);
  copy->id = g_strdup (explanation->id);
  copy->title = g_strdup (explanation->title);
  copy->meaning = g_strdup (explanation->meaning);
  copy->cause = g_strdup (explanation->cause);
  copy->remedy = g_strdupv (explanation->remedy);
  copy->channel_kind = explanation->channel_kind;
  copy->channel_id = g_strdup (explanation->channel_id);
  copy->channel_address = g_strdup (explanation->channel_address);
  copy->channel_cc = g_strdup (explanation->channel_cc);
  copy->channel_url = g_strdup (explanation->channel_url);
  copy->channel_language = g_strdup (explanation->channel_language);
  copy->response_time = g_strdup (explanation->response_time);
  copy->response_hours = explanation->response_hours;
  copy->pitfalls = g_strdupv (explanation->pitfalls);
  copy->source = g_strdup (explanation->source);

  return copy;
}

void
md_explanation_free (MdExplanation *explanation)
{
  if (explanation == NULL)
    return;

  g_free (explanation->id);
  g_free (explanation->title);
  g_free (explanation->meaning);
  g_free (explanation->cause);
  g_strfreev (explanation->remedy);
  g_free (explanation->channel_id);
  g_free (explanation->channel_address);
  g_free (explanation->channel_cc);
  g_free (explanation->channel_url);
  g_free (explanation->channel_language);
  g_free (explanation->response_time);
  g_strfreev (explanation->pitfalls);
  g_free (explanation->source);
  g_free (explanation);
}

/* Stable identifiers, used in JSON output and in knowledge.xml. */
const char *
md_channel_kind_to_string (MdChannelKind kind)
{
  switch (kind)
    {
    case MD_CHANNEL_EMAIL:     return "email";
    case MD_CHANNEL_PORTAL:    return "portal";
    case MD_CHANNEL_FORM:      return "form";
    case MD_CHANNEL_RECIPIENT: return "recipient";
    case MD_CHANNEL_NONE:
    default:                   return "none";
    }
}

gboolean
md_channel_kind_from_string (const char    *string,
                             MdChannelKind *kind)
{
  static const MdChannelKind kinds[] = {
    MD_CHANNEL_NONE, MD_CHANNEL_EMAIL, MD_CHANNEL_PORTAL, MD_CHANNEL_FORM, MD_CHANNEL_RECIPIENT,
  };

  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (string, md_channel_kind_to_string (kinds[i])))
        {
          *kind = kinds[i];
          return TRUE;
        }
    }

  return FALSE;
}

/* How the block is lifted, as one translated sentence with the address or
 * the page: one wording for the window and the CLI. */
char *
md_explanation_describe_channel (const MdExplanation *explanation)
{
  g_return_val_if_fail (explanation != NULL, NULL);

  switch (explanation->channel_kind)
    {
    case MD_CHANNEL_EMAIL:
      /* Translators: %s is a mail address, like delist@messaging.microsoft.com */
      return g_strdup_printf (_("Request removal by mail to %s."),
                              explanation->channel_address ? explanation->channel_address : "—");
    case MD_CHANNEL_PORTAL:
      /* Translators: %s is a web address */
      return g_strdup_printf (_("Request removal in the receiver’s portal: %s"),
                              explanation->channel_url ? explanation->channel_url : "—");
    case MD_CHANNEL_FORM:
      /* Translators: %s is a web address */
      return g_strdup_printf (_("Request removal with the receiver’s web form: %s"),
                              explanation->channel_url ? explanation->channel_url : "—");
    case MD_CHANNEL_RECIPIENT:
      return g_strdup (_("Only the recipient’s mail administrator can lift this block: "
                         "ask your contact there to allow your server."));
    case MD_CHANNEL_NONE:
    default:
      return g_strdup (_("There is nothing to send: fix the cause, then the block lifts "
                         "by itself."));
    }
}

JsonNode *
md_explanation_to_json (const MdExplanation *explanation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (explanation != NULL, NULL);

  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "id", explanation->id);
  md_json_builder_add_string_member (builder, "title", explanation->title);
  md_json_builder_add_string_member (builder, "meaning", explanation->meaning);
  md_json_builder_add_string_member (builder, "cause", explanation->cause);
  md_json_builder_add_strv_member (builder, "remedy", explanation->remedy);
  json_builder_set_member_name (builder, "channel");
  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "kind",
                                     md_channel_kind_to_string (explanation->channel_kind));
  md_json_builder_add_string_member (builder, "address", explanation->channel_address);
  md_json_builder_add_string_member (builder, "cc", explanation->channel_cc);
  md_json_builder_add_string_member (builder, "url", explanation->channel_url);
  md_json_builder_add_string_member (builder, "language", explanation->channel_language);
  json_builder_end_object (builder);
  md_json_builder_add_string_member (builder, "response_time", explanation->response_time);
  md_json_builder_add_strv_member (builder, "pitfalls", explanation->pitfalls);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
