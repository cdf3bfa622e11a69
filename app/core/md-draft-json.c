/* md-draft-json.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-draft.h"
#include "md-util.h"

/* The draft as the CLI prints it and the case store keeps it: attachments by
 * name, type, size and checksum (their bytes are in the case's input). The
 * shape is documented in the README ("maildoctor-cli draft"). */
JsonNode *
md_draft_to_json (const MdDraft *draft)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (draft != NULL, NULL);

  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "channel", draft->channel_id);
  md_json_builder_add_string_member (builder, "kind",
                                     md_channel_kind_to_string (draft->channel_kind));
  md_json_builder_add_string_member (builder, "language", draft->language);
  md_json_builder_add_string_member (builder, "recipient", draft->recipient);
  md_json_builder_add_string_member (builder, "cc", draft->cc);
  md_json_builder_add_string_member (builder, "url", draft->url);
  json_builder_set_member_name (builder, "from");
  if (draft->from_address != NULL)
    {
      json_builder_begin_object (builder);
      md_json_builder_add_string_member (builder, "name", draft->from_name);
      md_json_builder_add_string_member (builder, "address", draft->from_address);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  md_json_builder_add_string_member (builder, "subject", draft->subject);
  md_json_builder_add_string_member (builder, "body", draft->body);
  md_json_builder_add_strv_member (builder, "steps", draft->steps);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; draft->fields != NULL && i < draft->fields->len; i++)
    {
      const MdDraftField *field = g_ptr_array_index (draft->fields, i);

      json_builder_begin_object (builder);
      md_json_builder_add_string_member (builder, "label", field->label);
      md_json_builder_add_string_member (builder, "value", field->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; draft->attachments != NULL && i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, i);
      g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->data);

      json_builder_begin_object (builder);
      md_json_builder_add_string_member (builder, "name", a->name);
      md_json_builder_add_string_member (builder, "content_type", a->content_type);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, g_bytes_get_size (a->data));
      md_json_builder_add_string_member (builder, "sha256", sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  md_json_builder_add_strv_member (builder, "warnings", draft->warnings);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
