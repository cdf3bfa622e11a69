/* md-rejection.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-receivers.h"
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
  copy->source_file = g_strdup (rejection->source_file);
  copy->source_message = rejection->source_message;
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
  g_free (rejection->source_file);
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

/* The stage for people, translated: one wording for the window and the
 * CLI. NULL when the input did not say. */
const char *
md_smtp_stage_get_label (MdSmtpStage stage)
{
  switch (stage)
    {
    case MD_SMTP_STAGE_CONNECT:     return _("at connection time (greeting)");
    case MD_SMTP_STAGE_HELO:        return _("after HELO/EHLO");
    case MD_SMTP_STAGE_MAIL_FROM:   return _("after MAIL FROM (the sender)");
    case MD_SMTP_STAGE_RCPT_TO:     return _("after RCPT TO (the recipient)");
    case MD_SMTP_STAGE_DATA:        return _("after DATA");
    case MD_SMTP_STAGE_END_OF_DATA: return _("after the message content (end of DATA)");
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

static char *
member_dup_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

static gboolean
smtp_stage_from_string (const char  *string,
                        MdSmtpStage *stage)
{
  for (MdSmtpStage s = MD_SMTP_STAGE_CONNECT; s <= MD_SMTP_STAGE_END_OF_DATA; s++)
    if (g_strcmp0 (md_smtp_stage_to_string (s), string) == 0)
      {
        *stage = s;
        return TRUE;
      }

  return FALSE;
}

MdRejection *
md_rejection_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(MdRejection) rejection = NULL;
  g_autofree char *stage = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "rejection is not an object");
      return NULL;
    }

  rejection = md_rejection_new ();
  object = json_node_get_object (node);
  rejection->recipient = member_dup_string (object, "recipient");
  rejection->provider = member_dup_string (object, "provider");
  rejection->service = member_dup_string (object, "service");
  rejection->remote_host = member_dup_string (object, "remote_host");
  rejection->remote_ip = member_dup_string (object, "remote_ip");
  rejection->enhanced_status = member_dup_string (object, "enhanced_status");
  rejection->blocked_ip = member_dup_string (object, "blocked_ip");
  rejection->text = member_dup_string (object, "text");

  member = json_object_get_member (object, "smtp_code");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member)
      && json_node_get_value_type (member) == G_TYPE_INT64)
    rejection->smtp_code = CLAMP (json_node_get_int (member), 0, G_MAXUINT);

  stage = member_dup_string (object, "stage");
  if (stage != NULL && !smtp_stage_from_string (stage, &rejection->stage))
    rejection->stage = MD_SMTP_STAGE_UNKNOWN;

  member = json_object_get_member (object, "temporary");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member)
      && json_node_get_value_type (member) == G_TYPE_BOOLEAN)
    rejection->temporary = json_node_get_boolean (member);

  member = json_object_get_member (object, "references");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element)
              && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }

      g_strfreev (rejection->references);
      rejection->references = g_strv_builder_end (builder);
    }

  member = json_object_get_member (object, "contacts");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *kind = NULL;
          g_autofree char *value = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;

          kind = member_dup_string (json_node_get_object (element), "kind");
          value = member_dup_string (json_node_get_object (element), "value");
          if (value == NULL)
            continue;
          if (g_strcmp0 (kind, "email") == 0)
            md_rejection_add_contact (rejection, MD_CONTACT_EMAIL, value);
          else if (g_strcmp0 (kind, "url") == 0)
            md_rejection_add_contact (rejection, MD_CONTACT_URL, value);
        }
    }

  /* `parse --json` adds where the rejection came from. */
  member = json_object_get_member (object, "source");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObject *source = json_node_get_object (member);
      JsonNode *index = json_object_get_member (source, "message");

      rejection->source_file = member_dup_string (source, "file");
      if (index != NULL && JSON_NODE_HOLDS_VALUE (index)
          && json_node_get_value_type (index) == G_TYPE_INT64)
        rejection->source_message = CLAMP (json_node_get_int (index), 0, G_MAXUINT);
    }

  return g_steal_pointer (&rejection);
}

char *
md_rejection_dup_receiver (const MdRejection *rejection)
{
  const char *at;

  g_return_val_if_fail (rejection != NULL, NULL);

  if (rejection->provider != NULL)
    return g_strdup (rejection->provider);

  at = rejection->recipient != NULL ? strrchr (rejection->recipient, '@') : NULL;
  if (at != NULL && at[1] != '\0')
    return g_ascii_strdown (at + 1, -1);

  return g_strdup (rejection->remote_host);
}

/* Names of the receivers as people write them, from receivers.xml; an
 * unknown provider by its id. */
const char *
md_provider_display_name (const char *provider)
{
  const char *name;

  if (provider == NULL)
    return NULL;

  name = md_receiver_provider_name (provider);

  return name != NULL ? name : provider;
}

/* The short name of the receiver @provider and @service name together
 * ("Outlook.com", "Exchange Online"), where one is known; else the
 * provider's name. */
const char *
md_provider_service_display_name (const char *provider,
                                  const char *service)
{
  const MdReceiver *receiver = md_receiver_lookup_service (provider, service);

  if (receiver != NULL && receiver->short_name != NULL)
    return receiver->short_name;

  return md_provider_display_name (provider);
}
