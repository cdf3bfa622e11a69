/* md-draft-eml.c — a draft as an .eml file
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft.h"
#include "md-link.h"

#include <gmime/gmime.h>
#include <string.h>

/* GMime 3.2 declares no g_autoptr() cleanups for its classes. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)

/* How a message/rfc822 attachment may travel. RFC 2046 5.2.1 forbids base64
 * and quoted-printable for it, so it goes as it is: 7bit when it is ASCII,
 * 8bit otherwise. A bounce with a line over 998 octets cannot be a valid
 * message/rfc822 part at all; it then goes as a base64 file of type
 * application/octet-stream, under the same name. */
static GMimeContentEncoding
rfc822_encoding (GBytes *data)
{
  const guchar *p;
  gsize len, line = 0;
  gboolean eight_bit = FALSE;

  p = g_bytes_get_data (data, &len);
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == '\n')
        {
          line = 0;
          continue;
        }
      if (p[i] == '\0')
        return GMIME_CONTENT_ENCODING_BASE64;
      if (p[i] >= 0x80)
        eight_bit = TRUE;
      if (p[i] != '\r' && ++line > 998)
        return GMIME_CONTENT_ENCODING_BASE64;
    }

  return eight_bit ? GMIME_CONTENT_ENCODING_8BIT : GMIME_CONTENT_ENCODING_7BIT;
}

static GMimeObject *
attachment_part (const MdDraftAttachment *attachment)
{
  g_autoptr(GMimeContentType) content_type = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) wrapper = NULL;
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_BASE64;
  GMimePart *part;

  content_type = g_mime_content_type_parse (NULL, attachment->content_type);
  if (g_mime_content_type_is_type (content_type, "message", "rfc822"))
    {
      encoding = rfc822_encoding (attachment->data);
      if (encoding == GMIME_CONTENT_ENCODING_BASE64)
        {
          g_object_unref (content_type);
          content_type = g_mime_content_type_new ("application", "octet-stream");
        }
    }

  part = g_mime_part_new ();
  g_mime_object_set_content_type (GMIME_OBJECT (part), content_type);
  /* Sets Content-Disposition: attachment with the file name, RFC 2231
   * encoded when it is not ASCII. */
  g_mime_part_set_filename (part, attachment->name);

  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (attachment->data, NULL),
                                              g_bytes_get_size (attachment->data));
  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, wrapper);
  g_mime_part_set_content_encoding (part, encoding);

  return GMIME_OBJECT (part);
}

static char *
message_id_domain (const MdDraft *draft)
{
  g_autofree char *address = NULL;

  /* Not the host name: a draft should not tell the receiver the name of
   * the machine it was written on. Only the domain of one plain address
   * (md-link): no CR, LF or ">" can close the Message-ID and add a header. */
  if (draft->from_address != NULL)
    address = md_link_check_address (draft->from_address, NULL, NULL);
  if (address != NULL)
    return g_strdup (strrchr (address, '@') + 1);

  return g_strdup ("maildoctor.invalid");
}

/* A header's display text: one line whatever the profile held. */
static char *
one_line (const char *text)
{
  char *line = g_strdup (text);

  if (line != NULL)
    g_strdelimit (line, "\r\n\t\v\f", ' ');

  return line;
}

GBytes *
md_draft_to_eml (const MdDraft  *draft,
                 GDateTime      *date,
                 GError        **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeMultipart) mixed = NULL;
  g_autoptr(GMimeTextPart) text = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeStream) body_stream = NULL;
  g_autoptr(GMimeDataWrapper) body_wrapper = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *body;
  g_autofree char *domain = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *from_address = NULL;
  g_autofree char *from_name = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *cc = NULL;
  GMimeFormatOptions *options;
  GByteArray *array;

  g_return_val_if_fail (draft != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  message = g_mime_message_new (TRUE);

  /* Every header value from the profile or the rejection is checked here
   * again, whoever built the draft: one plain address, a one-line name. */
  from_address = draft->from_address != NULL ?
                 md_link_check_address (draft->from_address, NULL, NULL) : NULL;
  recipient = draft->recipient != NULL ? md_link_check_address (draft->recipient, NULL, NULL)
                                       : NULL;
  cc = draft->cc != NULL ? md_link_check_address (draft->cc, NULL, NULL) : NULL;
  from_name = one_line (draft->from_name);
  if (from_address != NULL)
    {
      InternetAddress *from = internet_address_mailbox_new (from_name, from_address);

      /* Otherwise GMime encodes the name in the smallest charset that holds
       * it (ISO-8859-1 for "Jörg"); UTF-8 like the rest of the message. */
      internet_address_set_charset (from, "utf-8");
      internet_address_list_add (g_mime_message_get_from (message), from);
      g_object_unref (from);
    }
  if (recipient != NULL)
    g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, NULL, recipient);
  if (cc != NULL)
    g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_CC, NULL, cc);

  g_mime_message_set_subject (message, draft->subject != NULL ? draft->subject : "", "utf-8");

  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  g_mime_message_set_date (message, date);

  domain = message_id_domain (draft);
  message_id = g_mime_utils_generate_message_id (domain);
  g_mime_message_set_message_id (message, message_id);

  /* Outlook, Thunderbird and Evolution open a message with this header as a
   * draft to edit and send, rather than as a received message. */
  g_mime_object_set_header (GMIME_OBJECT (message), "X-Unsent", "1", NULL);

  /* Not g_mime_text_part_set_text(): it converts the text to the smallest
   * charset that holds it (ISO-8859-1 for German), and the issue asks for
   * UTF-8 throughout. */
  body = draft->body != NULL ? draft->body : "";
  body_stream = g_mime_stream_mem_new_with_buffer (body, strlen (body));
  body_wrapper = g_mime_data_wrapper_new_with_stream (body_stream, GMIME_CONTENT_ENCODING_DEFAULT);
  text = g_mime_text_part_new_with_subtype ("plain");
  g_mime_part_set_content (GMIME_PART (text), body_wrapper);
  g_mime_text_part_set_charset (text, "utf-8");
  /* Quoted-printable keeps every line at 76 characters or less, whatever the
   * long rejection lines in the body. */
  g_mime_part_set_content_encoding (GMIME_PART (text), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);

  mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_mime_multipart_add (mixed, GMIME_OBJECT (text));
  for (guint i = 0; i < draft->attachments->len; i++)
    {
      g_autoptr(GMimeObject) part = attachment_part (g_ptr_array_index (draft->attachments, i));
      g_mime_multipart_add (mixed, part);
    }
  g_mime_message_set_mime_part (message, GMIME_OBJECT (mixed));

  options = g_mime_format_options_new ();
  /* RFC 5322 lines end in CRLF. */
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);

  stream = g_mime_stream_mem_new ();
  if (g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream) < 0)
    {
      g_mime_format_options_free (options);
      g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_EML,
                   _("Could not write the draft as a mail message"));
      return NULL;
    }
  g_mime_format_options_free (options);

  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));

  return g_bytes_new (array->data, array->len);
}
