/* md-rejection-parser.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-rejection-parser-private.h"
#include "md-util.h"

G_DEFINE_QUARK (md-rejection-parser-error-quark, md_rejection_parser_error)

/* Does the input start like a message: header fields, then a blank line? */
static gboolean
looks_like_message (const char *data,
                    gsize       len)
{
  static const char *known[] = {
    "From:", "To:", "Subject:", "Date:", "Received:", "Return-Path:", "Message-ID:",
    "MIME-Version:", "Content-Type:", "Delivered-To:", "X-", "Auto-Submitted:", "Reply-To:",
    "DKIM-Signature:", "Authentication-Results:", "Content-Transfer-Encoding:", "Sender:",
  };
  const char *p = data, *end = data + MIN (len, (gsize) 65536);
  guint fields = 0, known_fields = 0;

  if (len > 5 && strncmp (data, "From ", 5) == 0)
    {
      const char *nl = memchr (data, '\n', end - data);
      if (nl == NULL)
        return FALSE;
      p = nl + 1;
    }

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      gsize line_len = line_end - p;
      const char *colon;

      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      if (line_len == 0)
        return fields >= 2 && known_fields >= 2;
      if (*p == ' ' || *p == '\t')
        {
          if (fields == 0)
            return FALSE;
        }
      else
        {
          colon = memchr (p, ':', line_len);
          if (colon == NULL || colon == p)
            return FALSE;
          for (const char *q = p; q < colon; q++)
            if (*q <= ' ' || *q > '~')
              return FALSE;
          fields++;
          for (guint i = 0; i < G_N_ELEMENTS (known); i++)
            if (g_ascii_strncasecmp (p, known[i], strlen (known[i])) == 0)
              {
                known_fields++;
                break;
              }
          /* Pasted DSN fields are not a message. */
          if (md_rejection_is_dsn_field_line (p) && fields == 1)
            return FALSE;
        }
      if (nl == NULL)
        return FALSE;
      p = nl + 1;
    }

  return FALSE;
}

/* GMime's parser is fine for real bounces; for a pathological nesting of
 * multiparts its boundary bookkeeping grows with the depth, so such input
 * is read as plain text instead. */
static gboolean
message_too_complex (const char *data,
                     gsize       len)
{
  guint count = 0;
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *hit = memchr (p, 'm', end - p);
      if (hit == NULL)
        break;
      if ((gsize) (end - hit) >= 10 && g_ascii_strncasecmp (hit, "multipart/", 10) == 0 && ++count > MAX_MULTIPARTS)
        return TRUE;
      p = hit + 1;
    }

  /* "Multipart/" with a capital letter. */
  for (const char *p = data; p < end; )
    {
      const char *hit = memchr (p, 'M', end - p);
      if (hit == NULL)
        break;
      if ((gsize) (end - hit) >= 10 && g_ascii_strncasecmp (hit, "multipart/", 10) == 0 && ++count > MAX_MULTIPARTS)
        return TRUE;
      p = hit + 1;
    }

  return FALSE;
}

static GPtrArray *
parse_message (const char   *data,
               gsize         len,
               GCancellable *cancellable)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;

  stream = g_mime_stream_mem_new_with_buffer (data, len);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, strncmp (data, "From ", 5) == 0 ? GMIME_FORMAT_MBOX
                                                                    : GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL)
    return NULL;

  return md_rejection_parse_message_object (message, cancellable, 0);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

static GPtrArray *
parse_text (const char   *data,
            gsize         len,
            GCancellable *cancellable)
{
  Collector c;
  GPtrArray *result;

  md_rejection_collector_init (&c, cancellable);
  md_rejection_scan_text (&c, data, len);
  result = g_steal_pointer (&c.rejections);
  md_rejection_collector_clear (&c);

  return result;
}

static GPtrArray *
parse_data (const char   *data,
            gsize         len,
            GCancellable *cancellable)
{
  g_autofree char *converted = NULL;

  md_core_init ();

  /* UTF-16 text saved by a Windows editor. */
  if (len >= 2 && len < MAX_MESSAGE_SIZE &&
      (((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe) ||
       ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff)))
    {
      gsize written = 0;

      converted = g_convert (data + 2, len - 2, "UTF-8",
                             (guchar) data[0] == 0xff ? "UTF-16LE" : "UTF-16BE",
                             NULL, &written, NULL);
      if (converted != NULL)
        {
          data = converted;
          len = written;
        }
    }
  else if (len >= 3 && (guchar) data[0] == 0xef && (guchar) data[1] == 0xbb && (guchar) data[2] == 0xbf)
    {
      data += 3;
      len -= 3;
    }

  if (len <= MAX_MESSAGE_SIZE && looks_like_message (data, len) && !message_too_complex (data, len))
    {
      GPtrArray *result = parse_message (data, len, cancellable);

      /* Broken MIME (a boundary that never occurs) hides the parts from
       * GMime: then the raw text is all there is. */
      if (result != NULL && result->len > 0)
        return result;
      g_clear_pointer (&result, g_ptr_array_unref);
    }

  return parse_text (data, len, cancellable);
}

GPtrArray *
md_rejection_parse_bytes (GBytes  *input,
                          GError **error)
{
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (input, &len);
  if (len > MD_REJECTION_PARSER_MAX_INPUT)
    {
      g_autofree char *size = g_format_size (len);
      g_autofree char *limit = g_format_size (MD_REJECTION_PARSER_MAX_INPUT);

      g_set_error (error, MD_REJECTION_PARSER_ERROR, MD_REJECTION_PARSER_ERROR_TOO_LARGE,
                   _("The input is too large (%s); the limit is %s."), size, limit);
      return NULL;
    }
  if (data == NULL || len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  return parse_data (data, len, NULL);
}

GPtrArray *
md_rejection_parse_text (const char *utf8)
{
  g_return_val_if_fail (utf8 != NULL, NULL);

  return parse_data (utf8, strlen (utf8), NULL);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GBytes *input = task_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (input, &len);
  GPtrArray *result;

  if (len > MD_REJECTION_PARSER_MAX_INPUT)
    {
      g_autofree char *size = g_format_size (len);
      g_autofree char *limit = g_format_size (MD_REJECTION_PARSER_MAX_INPUT);

      g_task_return_new_error (task, MD_REJECTION_PARSER_ERROR, MD_REJECTION_PARSER_ERROR_TOO_LARGE,
                               _("The input is too large (%s); the limit is %s."), size, limit);
      return;
    }

  result = len > 0 ? parse_data (data, len, cancellable)
                   : g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  if (g_task_return_error_if_cancelled (task))
    {
      g_ptr_array_unref (result);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
md_rejection_parse_async (GBytes              *input,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (input != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rejection_parse_async);
  g_task_set_task_data (task, g_bytes_ref (input), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_thread);
}

GPtrArray *
md_rejection_parse_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_rejection_parse_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
