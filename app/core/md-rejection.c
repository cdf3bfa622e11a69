/* md-rejection.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-rejection.h"
#include "md-util.h"

G_DEFINE_BOXED_TYPE (MdRejection, md_rejection, md_rejection_copy, md_rejection_free)

static void
md_contact_free (MdContact *contact)
{
  g_free (contact->value);
  g_free (contact);
}

MdRejection *
md_rejection_new (void)
{
  MdRejection *rejection = g_new0 (MdRejection, 1);

  rejection->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) md_contact_free);
  rejection->references = g_new0 (char *, 1);

  return rejection;
}

MdRejection *
md_rejection_copy (const MdRejection *rejection)
{
  MdRejection *copy;

  g_return_val_if_fail (rejection != NULL, NULL);

  copy = md_rejection_new ();
  copy->recipient = g_strdup (rejection->recipient);
  copy->provider = g_strdup (rejection->provider);
  copy->service = g_strdup (rejection->service);
  copy->remote_host = g_strdup (rejection->remote_host);
  copy->remote_ip = g_strdup (rejection->remote_ip);
  copy->smtp_code = rejection->smtp_code;
  copy->enhanced_status = g_strdup (rejection->enhanced_status);
  copy->stage = rejection->stage;
  copy->temporary = rejection->temporary;
  copy->blocked_ip = g_strdup (rejection->blocked_ip);
  g_strfreev (copy->references);
  copy->references = g_strdupv (rejection->references);
  copy->text = g_strdup (rejection->text);
  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);
      md_rejection_add_contact (copy, contact->kind, contact->value);
    }

  return copy;
}

void
md_rejection_free (MdRejection *rejection)
{
  if (rejection == NULL)
    return;

  g_free (rejection->recipient);
  g_free (rejection->provider);
  g_free (rejection->service);
  g_free (rejection->remote_host);
  g_free (rejection->remote_ip);
  g_free (rejection->enhanced_status);
  g_free (rejection->blocked_ip);
  g_strfreev (rejection->references);
  g_clear_pointer (&rejection->contacts, g_ptr_array_unref);
  g_free (rejection->text);
  g_free (rejection);
}

/* Adds a contact once; the same address or URL named twice counts once. */
void
md_rejection_add_contact (MdRejection   *rejection,
                          MdContactKind  kind,
                          const char    *value)
{
  MdContact *contact;

  g_return_if_fail (rejection != NULL);
  g_return_if_fail (value != NULL);

  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *c = g_ptr_array_index (rejection->contacts, i);

      if (c->kind == kind && g_ascii_strcasecmp (c->value, value) == 0)
        return;
    }

  contact = g_new0 (MdContact, 1);
  contact->kind = kind;
  contact->value = g_strdup (value);
  g_ptr_array_add (rejection->contacts, contact);
}

const char *
md_rejection_first_contact (const MdRejection *rejection,
                            MdContactKind      kind)
{
  g_return_val_if_fail (rejection != NULL, NULL);

  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *c = g_ptr_array_index (rejection->contacts, i);

      if (c->kind == kind)
        return c->value;
    }

  return NULL;
}

/* Stable identifiers, used in JSON output. */
const char *
md_smtp_stage_to_string (MdSmtpStage stage)
{
  switch (stage)
    {
    case MD_SMTP_STAGE_CONNECT:     return "connect";
    case MD_SMTP_STAGE_HELO:        return "helo";
    case MD_SMTP_STAGE_MAIL_FROM:   return "mail-from";
    case MD_SMTP_STAGE_RCPT_TO:     return "rcpt-to";
    case MD_SMTP_STAGE_DATA:        return "data";
    case MD_SMTP_STAGE_END_OF_DATA: return "end-of-data";
    case MD_SMTP_STAGE_UNKNOWN:
    default:                        return NULL;
    }
}

JsonNode *
md_rejection_to_json (const MdRejection *rejection)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (rejection != NULL, NULL);

  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "recipient", rejection->recipient);
  md_json_builder_add_string_member (builder, "provider", rejection->provider);
  md_json_builder_add_string_member (builder, "service", rejection->service);
  md_json_builder_add_string_member (builder, "remote_host", rejection->remote_host);
  md_json_builder_add_string_member (builder, "remote_ip", rejection->remote_ip);
  json_builder_set_member_name (builder, "smtp_code");
  if (rejection->smtp_code != 0)
    json_builder_add_int_value (builder, rejection->smtp_code);
  else
    json_builder_add_null_value (builder);
  md_json_builder_add_string_member (builder, "enhanced_status", rejection->enhanced_status);
  md_json_builder_add_string_member (builder, "stage", md_smtp_stage_to_string (rejection->stage));
  json_builder_set_member_name (builder, "temporary");
  /* Unknown when the receiver gave neither a reply code nor a status. */
  if (rejection->smtp_code != 0 || rejection->enhanced_status != NULL)
    json_builder_add_boolean_value (builder, rejection->temporary);
  else
    json_builder_add_null_value (builder);
  md_json_builder_add_string_member (builder, "blocked_ip", rejection->blocked_ip);
  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; rejection->references != NULL && rejection->references[i] != NULL; i++)
    json_builder_add_string_value (builder, rejection->references[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "contacts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, contact->kind == MD_CONTACT_EMAIL ? "email" : "url");
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, contact->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  md_json_builder_add_string_member (builder, "text", rejection->text);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Names of the receivers as people write them. */
const char *
md_provider_display_name (const char *provider)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "microsoft", "Microsoft" },
    { "google", "Gmail" },
    { "yahoo", "Yahoo" },
    { "t-online", "T-Online" },
    { "gmx", "GMX" },
    { "web.de", "WEB.DE" },
    { "ionos", "IONOS" },
    { "apple", "Apple iCloud" },
    { "comcast", "Comcast" },
    { "orange", "Orange" },
  };

  if (provider == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].id, provider))
      return names[i].name;

  return provider;
}
