/* md-rejection-mime.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whole messages (GMime): the DSN part is the truth about who was rejected,
 * the text part says more; forwarded bounces are opened. */

#include "config.h"

#include "md-html.h"
#include "md-rejection-parser-private.h"

typedef struct
{
  Collector  dsn;
  Collector  text;
  GPtrArray *attached;       /* GMimeMessage*: returned or forwarded messages */
  guint      parts;
  gboolean   have_plain;
  GPtrArray *html;           /* char*: text/html parts, used without text/plain */
} Walk;

static GByteArray *
part_content (GMimePart *part)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) mem = NULL;
  GByteArray *bytes;

  if (wrapper == NULL)
    return NULL;
  mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (wrapper, mem);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  /* The stream would free the array with itself. */
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);

  return bytes;
}

/* The decoded text of a part in UTF-8. Converted here rather than with
 * g_mime_text_part_get_text(), which gives up on the first byte its
 * converter rejects (Exchange's Windows-1252 NDRs lose their diagnostic
 * section that way); lines that stay invalid are repaired line by line. */
static char *
part_text (GMimePart        *part,
           GMimeContentType *type)
{
  g_autoptr(GByteArray) content = part_content (part);
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  char *converted;

  if (content == NULL || content->len == 0)
    return NULL;
  if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0 &&
      g_ascii_strcasecmp (charset, "us-ascii") != 0)
    {
      const char *name = g_mime_charset_iconv_name (charset);

      converted = g_convert_with_fallback ((const char *) content->data, content->len, "UTF-8",
                                           name, "?", NULL, NULL, NULL);
      if (converted != NULL)
        return converted;
    }

  return g_strndup ((const char *) content->data, content->len);
}


static void
walk_object (Walk        *w,
             GMimeObject *object,
             guint        depth)
{
  GMimeContentType *type;

  if (object == NULL || depth > MAX_MIME_DEPTH || ++w->parts > MAX_MIME_PARTS)
    return;

  type = g_mime_object_get_content_type (object);

  if (GMIME_IS_MULTIPART (object))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (object));

      for (int i = 0; i < n; i++)
        walk_object (w, g_mime_multipart_get_part (GMIME_MULTIPART (object), i), depth + 1);
      return;
    }

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (type != NULL && (g_mime_content_type_is_type (type, "message", "delivery-status") ||
                           g_mime_content_type_is_type (type, "message", "global-delivery-status")))
        {
          g_autofree char *text = inner ? g_mime_object_to_string (GMIME_OBJECT (inner), NULL) : NULL;
          if (text != NULL)
            md_rejection_scan_dsn (&w->dsn, text, strlen (text));
          return;
        }
      if (inner != NULL)
        g_ptr_array_add (w->attached, g_object_ref (inner));
      return;
    }

  if (!GMIME_IS_PART (object) || type == NULL)
    return;

  if (g_mime_content_type_is_type (type, "message", "delivery-status") ||
      g_mime_content_type_is_type (type, "message", "global-delivery-status"))
    {
      g_autoptr(GByteArray) content = part_content (GMIME_PART (object));
      if (content != NULL && content->len > 0)
        md_rejection_scan_dsn (&w->dsn, (const char *) content->data, content->len);
      return;
    }

  if (g_mime_content_type_is_type (type, "text", "rfc822-headers") ||
      g_mime_content_type_is_type (type, "message", "rfc822-headers"))
    return;

  if (g_mime_content_type_is_type (type, "text", "plain"))
    {
      const char *filename = g_mime_part_get_filename (GMIME_PART (object));
      g_autofree char *text = NULL;

      /* An attached file is not the bounce text. */
      if (depth > 0 && filename != NULL && !g_str_has_suffix (filename, ".txt"))
        return;
      text = part_text (GMIME_PART (object), type);
      w->have_plain = TRUE;
      if (text != NULL)
        md_rejection_scan_text (&w->text, text, strlen (text));
      return;
    }

  if (g_mime_content_type_is_type (type, "text", "html"))
    {
      char *text = part_text (GMIME_PART (object), type);
      if (text != NULL)
        g_ptr_array_add (w->html, text);
    }
}

static gboolean
same_recipient (const MdRejection *a,
                const MdRejection *b)
{
  return a->recipient != NULL && b->recipient != NULL &&
         g_ascii_strcasecmp (a->recipient, b->recipient) == 0;
}

static gboolean
is_generic_status (const char *status)
{
  return status != NULL && g_str_has_suffix (status, ".0.0");
}

static gboolean
compatible_codes (const MdRejection *a,
                  const MdRejection *b)
{
  const char *ea = a->enhanced_status, *eb = b->enhanced_status;

  return (a->smtp_code == 0 || b->smtp_code == 0 || a->smtp_code == b->smtp_code) &&
         (ea == NULL || eb == NULL || g_str_equal (ea, eb) ||
          /* The reporting MTA's generic "4.0.0" for the receiver's "4.7.0". */
          ((is_generic_status (ea) || is_generic_status (eb)) && ea[0] == eb[0]));
}

/* The DSN part is the machine-readable truth about who was rejected; the
 * text part often says more (host, stage, the full reply). */
static void
enrich_from_text (GPtrArray *dsn,
                  GPtrArray *text)
{
  for (guint i = 0; i < text->len; i++)
    {
      const MdRejection *t = g_ptr_array_index (text, i);
      MdRejection *target = NULL;

      for (guint j = 0; j < dsn->len && target == NULL; j++)
        {
          MdRejection *d = g_ptr_array_index (dsn, j);
          if (same_recipient (d, t) && compatible_codes (d, t))
            target = d;
        }
      for (guint j = 0; j < dsn->len && target == NULL && t->recipient == NULL; j++)
        {
          MdRejection *d = g_ptr_array_index (dsn, j);
          if (t->smtp_code != 0 && d->smtp_code == t->smtp_code && compatible_codes (d, t))
            target = d;
        }
      if (target == NULL && dsn->len == 1 && t->recipient == NULL)
        {
          MdRejection *d = g_ptr_array_index (dsn, 0);
          if (d->smtp_code == 0 || t->smtp_code == d->smtp_code)
            target = d;
        }
      if (target == NULL)
        continue;

      {
        g_autofree char *keep_text = g_strdup (target->text);
        guint keep_code = target->smtp_code;

        if (is_generic_status (target->enhanced_status) && t->enhanced_status != NULL &&
            !is_generic_status (t->enhanced_status))
          set_str (&target->enhanced_status, t->enhanced_status);
        md_rejection_merge_into (target, t);
        /* The DSN's own diagnostic wins unless it had none. */
        if (keep_text != NULL && keep_code != 0)
          set_str (&target->text, keep_text);
        if (keep_code == 0 && t->smtp_code != 0)
          target->temporary = t->smtp_code / 100 == 4;
        if (target->text != NULL && keep_code == 0)
          {
            /* Facts found in the fuller text. */
            md_rejection_find_references (target);
            md_rejection_find_contacts (target);
            if (target->blocked_ip == NULL)
              md_rejection_find_blocked_ip (target);
          }
        g_clear_pointer (&target->provider, g_free);
        g_clear_pointer (&target->service, g_free);
        md_rejection_detect_provider (target);
      }
    }
}

GPtrArray *
md_rejection_parse_message_object (GMimeMessage *message,
                                   GCancellable *cancellable,
                                   guint         depth)
{
  Walk w = { 0, };
  GPtrArray *result;
  const char *failed;

  md_rejection_collector_init (&w.dsn, cancellable);
  md_rejection_collector_init (&w.text, cancellable);
  w.attached = g_ptr_array_new_with_free_func (g_object_unref);
  w.html = g_ptr_array_new_with_free_func (g_free);

  walk_object (&w, g_mime_message_get_mime_part (message), 0);

  if (!w.have_plain)
    for (guint i = 0; i < w.html->len; i++)
      {
        const char *html = g_ptr_array_index (w.html, i);
        g_autofree char *text = md_html_to_text (html, strlen (html), TRUE);
        md_rejection_scan_text (&w.text, text, strlen (text));
      }

  /* Exim names the failed recipients in a header. */
  failed = g_mime_object_get_header (GMIME_OBJECT (message), "X-Failed-Recipients");
  if (failed != NULL && strchr (failed, ',') == NULL && g_utf8_validate (failed, -1, NULL) &&
      strchr (failed, '@') != NULL && strlen (failed) < 320)
    {
      g_autofree char *address = g_strstrip (g_strdup (failed));

      for (guint i = 0; i < w.text.rejections->len; i++)
        {
          MdRejection *r = g_ptr_array_index (w.text.rejections, i);
          fill_str (&r->recipient, address);
          if (r->provider == NULL)
            md_rejection_detect_provider (r);
        }
    }

  if (w.dsn.rejections->len > 0)
    {
      enrich_from_text (w.dsn.rejections, w.text.rejections);
      result = g_steal_pointer (&w.dsn.rejections);
    }
  else
    result = g_steal_pointer (&w.text.rejections);

  /* A forwarded bounce: the rejection is in the attached message. */
  if (result->len == 0 && depth < 3)
    for (guint i = 0; i < w.attached->len && result->len == 0; i++)
      {
        g_autoptr(GPtrArray) inner = md_rejection_parse_message_object (g_ptr_array_index (w.attached, i),
                                                           cancellable, depth + 1);
        if (inner->len > 0)
          {
            g_ptr_array_unref (result);
            result = g_steal_pointer (&inner);
          }
      }

  md_rejection_collector_clear (&w.dsn);
  md_rejection_collector_clear (&w.text);
  g_ptr_array_unref (w.attached);
  g_ptr_array_unref (w.html);

  return result;
}
