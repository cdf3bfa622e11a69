/* md-input.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-bounded-read.h"
#include "md-input.h"
#include "md-rejection-parser.h"
#include "md-util.h"

/* One unit, just over 1,000 lines: reading the input once — up to its
 * bound, decoding, "is this a mail?", the mbox split and the one GMime
 * parse under the guards, and the few facts read from the parsed message
 * (addressee, original sender, HELO) — so that no other module parses the
 * bytes again. */

/* One bound for what the user gives: what is read is what the parser takes. */
G_STATIC_ASSERT (MD_INPUT_MAX_SIZE == MD_REJECTION_PARSER_MAX_INPUT);

/* GMime 3.2 declares no g_autoptr() cleanups for its classes. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

#define MAX_WALK_DEPTH   12
#define MAX_WALK_PARTS   256
#define MAX_PART_TEXT    ((gsize) 1024 * 1024)
#define MAX_HOST_LENGTH  253

typedef struct
{
  const char   *data;          /* into the input's text, or @owned */
  gsize         len;
  char         *owned;         /* ">From " unquoted copy */
  gboolean      mail;
  gboolean      too_complex;
  gboolean      parsed;        /* GMime was asked (once) */
  GMimeMessage *message;
} Message;

struct _MdInput
{
  GObject     parent_instance;

  /* Owned */
  GBytes     *bytes;
  char       *name;
  GMutex      lock;

  /* Computed on first use, under @lock */
  gboolean    decoded;
  char       *converted;       /* UTF-16 decoded, or NULL */
  const char *text;
  gsize       text_len;
  gboolean    mbox;
  GArray     *messages;        /* of Message */
};

G_DEFINE_FINAL_TYPE (MdInput, md_input, G_TYPE_OBJECT)

static void
message_clear (Message *m)
{
  g_clear_pointer (&m->owned, g_free);
  g_clear_object (&m->message);
}

/* UTF-16 as Windows editors save it. Hand-written rather than g_convert()
 * or g_utf16_to_utf8(), which give up on the first unpaired surrogate: one
 * stray code unit must cost one U+FFFD, not the whole text. */
static char *
utf16_to_utf8_lossy (const guchar *data,
                     gsize         len,
                     gboolean      little_endian,
                     gsize        *out_len)
{
  GString *out = g_string_sized_new (len / 2 + 16);
  gsize n = len / 2;

  for (gsize i = 0; i < n; i++)
    {
      gunichar u = little_endian ? (data[2 * i] | (data[2 * i + 1] << 8))
                                 : ((data[2 * i] << 8) | data[2 * i + 1]);

      if (u >= 0xd800 && u <= 0xdbff && i + 1 < n)
        {
          gunichar low = little_endian ? (data[2 * i + 2] | (data[2 * i + 3] << 8))
                                       : ((data[2 * i + 2] << 8) | data[2 * i + 3]);

          if (low >= 0xdc00 && low <= 0xdfff)
            {
              u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              i++;
            }
          else
            u = 0xfffd;
        }
      else if (u >= 0xd800 && u <= 0xdfff)
        u = 0xfffd;

      if (u == 0)
        u = 0xfffd;
      g_string_append_unichar (out, u);
    }
  if (len % 2 != 0)
    g_string_append_unichar (out, 0xfffd);

  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* Does the text start like a message: header fields, then a blank line?
 * Two fields at least, two of them ones that mail carries; pasted DSN
 * fields ("Reporting-MTA: …") are not a message. */
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
            if ((gsize) (line_end - p) >= strlen (known[i]) &&
                g_ascii_strncasecmp (p, known[i], strlen (known[i])) == 0)
              {
                known_fields++;
                break;
              }
          if (fields == 1)
            {
              g_autofree char *line = g_strndup (p, line_len);

              if (md_rejection_parser_is_dsn_field_line (line))
                return FALSE;
            }
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
too_complex (const char *data,
             gsize       len)
{
  guint count = 0;
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *hit = memchr (p, '/', end - p);

      if (hit == NULL)
        break;
      if (hit - data >= 9 && g_ascii_strncasecmp (hit - 9, "multipart", 9) == 0 &&
          ++count > MD_INPUT_MAX_MULTIPARTS)
        return TRUE;
      p = hit + 1;
    }

  return FALSE;
}

static gboolean
line_is_blank (const char *start,
               const char *end)
{
  return start == end || (end - start == 1 && *start == '\r');
}

/* Adds one mbox message: the text after the "From " line, with mboxrd
 * quoting (">From ", ">>From " …) taken off one level. */
static void
add_mbox_message (MdInput    *self,
                  const char *start,
                  const char *end)
{
  Message m = { 0, };
  const char *nl = memchr (start, '\n', end - start);
  const char *body = nl != NULL ? nl + 1 : end;
  gboolean quoted = FALSE;

  for (const char *p = body; p < end; )
    {
      const char *q = p;
      const char *line_end = memchr (p, '\n', end - p);

      while (q < end && *q == '>')
        q++;
      if (q > p && (gsize) (end - q) >= 5 && memcmp (q, "From ", 5) == 0)
        {
          quoted = TRUE;
          break;
        }
      p = line_end != NULL ? line_end + 1 : end;
    }

  if (quoted)
    {
      GString *copy = g_string_sized_new (end - body);

      for (const char *p = body; p < end; )
        {
          const char *line_end = memchr (p, '\n', end - p);
          const char *next = line_end != NULL ? line_end + 1 : end;
          const char *q = p;

          while (q < next && *q == '>')
            q++;
          if (q > p && (gsize) (next - q) >= 5 && memcmp (q, "From ", 5) == 0)
            p++;
          g_string_append_len (copy, p, next - p);
          p = next;
        }
      m.len = copy->len;
      m.owned = g_string_free (copy, FALSE);
      m.data = m.owned;
    }
  else
    {
      m.data = body;
      m.len = end - body;
    }

  g_array_append_val (self->messages, m);
}

static void
split_mbox (MdInput *self)
{
  const char *text = self->text;
  const char *end = text + self->text_len;
  const char *start = text;
  gboolean previous_blank = TRUE;

  for (const char *p = text; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      /* RFC 4155: a separator is a "From " line after an empty line. */
      if (p != start && previous_blank && (gsize) (end - p) >= 5 && memcmp (p, "From ", 5) == 0)
        {
          add_mbox_message (self, start, p);
          start = p;
        }
      previous_blank = line_is_blank (p, line_end);
      p = nl != NULL ? nl + 1 : end;
    }
  add_mbox_message (self, start, end);
}

static void
ensure_decoded_locked (MdInput *self)
{
  const char *data;
  gsize len = 0;

  if (self->decoded)
    return;
  self->decoded = TRUE;

  md_core_init ();

  data = g_bytes_get_data (self->bytes, &len);
  if (data == NULL)
    data = "";

  if (len >= 2 && (((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe) ||
                   ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff)))
    {
      self->converted = utf16_to_utf8_lossy ((const guchar *) data + 2, len - 2,
                                             (guchar) data[0] == 0xff, &self->text_len);
      self->text = self->converted;
    }
  else if (len >= 3 && (guchar) data[0] == 0xef && (guchar) data[1] == 0xbb &&
           (guchar) data[2] == 0xbf)
    {
      self->text = data + 3;
      self->text_len = len - 3;
    }
  else
    {
      self->text = data;
      self->text_len = len;
    }

  self->messages = g_array_new (FALSE, TRUE, sizeof (Message));
  g_array_set_clear_func (self->messages, (GDestroyNotify) message_clear);

  if (self->text_len > 5 && memcmp (self->text, "From ", 5) == 0)
    split_mbox (self);

  /* One "From " part that holds no mail was no mbox: a pasted text that
   * happens to start with "From " is read whole. */
  if (self->messages->len == 1)
    {
      Message *m = &g_array_index (self->messages, Message, 0);

      if (!looks_like_message (m->data, m->len))
        g_array_set_size (self->messages, 0);
    }

  if (self->messages->len == 0)
    {
      Message m = { 0, };

      m.data = self->text;
      m.len = self->text_len;
      g_array_append_val (self->messages, m);
    }
  else
    self->mbox = TRUE;

  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *m = &g_array_index (self->messages, Message, i);

      m->mail = looks_like_message (m->data, m->len);
      m->too_complex = m->mail && (m->len > MD_INPUT_MAX_MESSAGE_SIZE ||
                                   too_complex (m->data, m->len));
    }
}

static Message *
get_message_locked (MdInput *self,
                    guint    index)
{
  ensure_decoded_locked (self);
  if (index >= self->messages->len)
    return NULL;

  return &g_array_index (self->messages, Message, index);
}

static GMimeMessage *
parse_message_locked (MdInput *self,
                      guint    index)
{
  Message *m = get_message_locked (self, index);

  if (m == NULL || !m->mail || m->too_complex)
    return NULL;

  if (!m->parsed)
    {
      g_autoptr(GMimeStream) stream = NULL;
      g_autoptr(GMimeParser) parser = NULL;

      m->parsed = TRUE;
      /* GMime copies the text into the stream: one copy, for the one parse. */
      stream = g_mime_stream_mem_new_with_buffer (m->data, m->len);
      parser = g_mime_parser_new_with_stream (stream);
      g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
      m->message = g_mime_parser_construct_message (parser, NULL);
    }

  return m->message;
}

static void
md_input_finalize (GObject *object)
{
  MdInput *self = MD_INPUT (object);

  g_clear_pointer (&self->messages, g_array_unref);
  g_clear_pointer (&self->converted, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->name, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (md_input_parent_class)->finalize (object);
}

static void
md_input_class_init (MdInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_input_finalize;
}

static void
md_input_init (MdInput *self)
{
  g_mutex_init (&self->lock);
}

/* Addresses, host names --------------------------------------------------- */

static char *
mailbox_of (const char *value)
{
  InternetAddressList *list;
  char *address = NULL;

  if (value == NULL || strlen (value) > 4096)
    return NULL;

  list = internet_address_list_parse (NULL, value);
  for (int i = 0; list != NULL && address == NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *a = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (a))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a));

          if (addr != NULL && strchr (addr, '@') != NULL && g_utf8_validate (addr, -1, NULL))
            address = g_strdup (addr);
        }
    }
  g_clear_object (&list);

  return address;
}

/* A DNS host name with at least one dot: what a HELO should be, and safe
 * to show and to check. */
static char *
valid_host (const char *start,
            gsize       len)
{
  gboolean dot = FALSE;

  while (len > 0 && start[len - 1] == '.')
    len--;
  if (len == 0 || len > MAX_HOST_LENGTH || start[0] == '.' || start[0] == '-')
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = start[i];

      if (c == '.')
        {
          if (i > 0 && start[i - 1] == '.')
            return NULL;
          dot = TRUE;
        }
      else if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return NULL;
    }
  /* An IP address is no name. */
  if (!dot || g_ascii_isdigit (start[len - 1]))
    return NULL;

  return g_ascii_strdown (start, len);
}

/* The value of the first "Name:" field in a block of header or DSN fields
 * (continuation lines joined). */
static char *
field_in_text (const char *data,
               gsize       len,
               const char *name)
{
  gsize n = strlen (name);
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;

      if ((gsize) (line_end - p) > n && g_ascii_strncasecmp (p, name, n) == 0 && p[n] == ':')
        {
          GString *value = g_string_new_len (p + n + 1, line_end - (p + n + 1));

          for (const char *q = line_end + (nl != NULL ? 1 : 0);
               q < end && (*q == ' ' || *q == '\t') && value->len < 4096; )
            {
              const char *qnl = memchr (q, '\n', end - q);
              const char *qend = qnl != NULL ? qnl : end;

              g_string_append_len (value, q, qend - q);
              q = qnl != NULL ? qnl + 1 : end;
            }
          g_strdelimit (value->str, "\r\n\t", ' ');
          return g_strstrip (g_string_free (value, FALSE));
        }
      p = nl != NULL ? nl + 1 : end;
    }

  return NULL;
}

/* "rfc822; user@example.org" → "user@example.org". */
static char *
dsn_address (const char *value)
{
  const char *semi;

  if (value == NULL)
    return NULL;
  semi = strchr (value, ';');

  return mailbox_of (semi != NULL ? semi + 1 : value);
}

/* The part of a bounce that says what bounced ------------------------------ */

typedef struct
{
  GMimeMessage *returned;      /* message/rfc822: the message that bounced */
  char         *headers;       /* text/rfc822-headers: its header */
  char         *status;        /* message/delivery-status */
  guint         parts;
} Walk;

static char *
part_text (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) stream = NULL;
  GByteArray *array;

  if (content == NULL)
    return NULL;

  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));

  return g_strndup ((const char *) array->data, MIN (array->len, MAX_PART_TEXT));
}

static void
walk (Walk        *w,
      GMimeObject *object,
      guint        depth)
{
  GMimeContentType *type;

  if (object == NULL || depth > MAX_WALK_DEPTH || ++w->parts > MAX_WALK_PARTS)
    return;

  type = g_mime_object_get_content_type (object);

  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);

      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        walk (w, g_mime_multipart_get_part (multipart, i), depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (inner != NULL && w->returned == NULL)
        w->returned = inner;
    }
  else if (GMIME_IS_PART (object) && type != NULL)
    {
      if (w->headers == NULL && g_mime_content_type_is_type (type, "text", "rfc822-headers"))
        w->headers = part_text (GMIME_PART (object));
      else if (w->status == NULL &&
               (g_mime_content_type_is_type (type, "message", "delivery-status") ||
                g_mime_content_type_is_type (type, "message", "global-delivery-status")))
        w->status = part_text (GMIME_PART (object));
    }
}

static void
walk_clear (Walk *w)
{
  g_clear_pointer (&w->headers, g_free);
  g_clear_pointer (&w->status, g_free);
}

/* "from a.example (b.example [192.0.2.1]) by mx.sender.example (Postfix) …":
 * the host that added the field. */
static char *
received_by (const char *received)
{
  const char *by;
  const char *end;

  if (received == NULL)
    return NULL;
  by = strstr (received, " by ");
  if (by == NULL)
    by = g_str_has_prefix (received, "by ") ? received - 1 : NULL;
  if (by == NULL)
    return NULL;
  by += 4;
  while (*by == ' ')
    by++;
  end = by;
  while (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\r' && *end != '\n' &&
         *end != ';' && *end != '(')
    end++;

  return valid_host (by, end - by);
}

/* A transcript's "EHLO name" / "HELO name", or a log's "helo=<name>". */
static char *
helo_in_text (const char *data,
              gsize       len)
{
  const char *end = data + len;

  for (const char *p = data; p < end; p++)
    {
      const char *name = NULL;

      if (*p == 'h' && (gsize) (end - p) > 6 && memcmp (p, "helo=<", 6) == 0)
        name = p + 6;
      else if ((*p == 'E' || *p == 'H') && (gsize) (end - p) > 5 &&
               (memcmp (p, "EHLO ", 5) == 0 || memcmp (p, "HELO ", 5) == 0) &&
               (p == data || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '>' ||
                p[-1] == ':'))
        name = p + 5;

      if (name != NULL)
        {
          const char *q = name;
          char *host;

          while (q < end && q - name <= MAX_HOST_LENGTH &&
                 (g_ascii_isalnum (*q) || *q == '.' || *q == '-' || *q == '_'))
            q++;
          host = valid_host (name, q - name);
          if (host != NULL)
            return host;
        }
    }

  return NULL;
}

/* A Postfix log's "from=<sender@example.org>". Found through memchr() on
 * '=': a big log is scanned at memory speed. */
static char *
from_in_log (const char *data,
             gsize       len)
{
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *eq = memchr (p, '=', end - p);
      const char *value;
      const char *close;

      if (eq == NULL)
        return NULL;
      p = eq + 1;
      if (eq - data < 4 || g_ascii_strncasecmp (eq - 4, "from", 4) != 0 || p >= end || *p != '<')
        continue;
      value = p + 1;
      close = memchr (value, '>', MIN ((gsize) (end - value), (gsize) 320));
      if (close != NULL && close > value)
        {
          g_autofree char *address = g_strndup (value, close - value);
          char *mailbox = mailbox_of (address);

          if (mailbox != NULL)
            return mailbox;
        }
    }

  return NULL;
}

/* Public API ------------------------------------------------------------- */

MdInput *
md_input_new (GBytes     *bytes,
              const char *name)
{
  MdInput *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_object_new (MD_TYPE_INPUT, NULL);
  self->bytes = g_bytes_ref (bytes);
  self->name = g_strdup (name);

  return self;
}

MdInput *
md_input_new_for_text (const char *utf8)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  bytes = g_bytes_new (utf8, strlen (utf8));

  return md_input_new (bytes, NULL);
}

GBytes *
md_input_get_bytes (MdInput *self)
{
  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  return self->bytes;
}

const char *
md_input_get_name (MdInput *self)
{
  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  return self->name;
}

const char *
md_input_get_text (MdInput *self,
                   gsize   *len)
{
  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  g_mutex_lock (&self->lock);
  ensure_decoded_locked (self);
  g_mutex_unlock (&self->lock);

  if (len != NULL)
    *len = self->text_len;

  return self->text;
}

char *
md_input_dup_valid_text (MdInput *self)
{
  gsize len = 0;
  const char *text = md_input_get_text (self, &len);

  return g_utf8_make_valid (text, len);
}

gboolean
md_input_is_mbox (MdInput *self)
{
  g_return_val_if_fail (MD_IS_INPUT (self), FALSE);

  md_input_get_text (self, NULL);

  return self->mbox;
}

guint
md_input_get_n_messages (MdInput *self)
{
  g_return_val_if_fail (MD_IS_INPUT (self), 0);

  md_input_get_text (self, NULL);

  return self->messages->len;
}

const char *
md_input_get_message_text (MdInput *self,
                           guint    index,
                           gsize   *len)
{
  Message *m;

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  g_mutex_lock (&self->lock);
  m = get_message_locked (self, index);
  g_mutex_unlock (&self->lock);

  if (len != NULL)
    *len = m != NULL ? m->len : 0;

  return m != NULL ? m->data : NULL;
}

gboolean
md_input_message_is_mail (MdInput *self,
                          guint    index)
{
  Message *m;

  g_return_val_if_fail (MD_IS_INPUT (self), FALSE);

  g_mutex_lock (&self->lock);
  m = get_message_locked (self, index);
  g_mutex_unlock (&self->lock);

  return m != NULL && m->mail;
}

gboolean
md_input_is_message (MdInput *self)
{
  g_return_val_if_fail (MD_IS_INPUT (self), FALSE);

  return md_input_get_n_messages (self) == 1 && md_input_message_is_mail (self, 0);
}

GMimeMessage *
md_input_get_message (MdInput *self,
                      guint    index)
{
  GMimeMessage *message;

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  g_mutex_lock (&self->lock);
  message = parse_message_locked (self, index);
  g_mutex_unlock (&self->lock);

  return message;
}

gboolean
md_input_message_too_complex (MdInput *self,
                              guint    index)
{
  Message *m;

  g_return_val_if_fail (MD_IS_INPUT (self), FALSE);

  g_mutex_lock (&self->lock);
  m = get_message_locked (self, index);
  g_mutex_unlock (&self->lock);

  return m != NULL && m->too_complex;
}

GBytes *
md_input_dup_message_bytes (MdInput *self,
                            guint    index)
{
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  if (!md_input_message_is_mail (self, index))
    return NULL;

  /* The whole input as it came, when it is the one message and needed no
   * decoding: no copy. */
  data = md_input_get_message_text (self, index, &len);
  if (!self->mbox && self->converted == NULL && len == g_bytes_get_size (self->bytes))
    return g_bytes_ref (self->bytes);

  return g_bytes_new (data, len);
}

char *
md_input_dup_bounce_addressee (MdInput *self,
                               guint    index)
{
  GMimeMessage *message;
  static const char *fields[] = { "Delivered-To", "X-Original-To", "Envelope-To" };

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  message = md_input_get_message (self, index);
  if (message == NULL)
    return NULL;

  {
    InternetAddressList *to = g_mime_message_get_to (message);

    for (int i = 0; to != NULL && i < internet_address_list_length (to); i++)
      {
        InternetAddress *address = internet_address_list_get_address (to, i);

        if (INTERNET_ADDRESS_IS_MAILBOX (address))
          {
            InternetAddressMailbox *mailbox = INTERNET_ADDRESS_MAILBOX (address);
            const char *addr = internet_address_mailbox_get_addr (mailbox);

            if (addr != NULL && strchr (addr, '@') != NULL && g_utf8_validate (addr, -1, NULL))
              return g_strdup (addr);
          }
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char *address = mailbox_of (g_mime_object_get_header (GMIME_OBJECT (message), fields[i]));

      if (address != NULL)
        return address;
    }

  return NULL;
}

char *
md_input_dup_original_sender (MdInput *self,
                              guint    index)
{
  GMimeMessage *message;
  Walk w = { 0, };
  char *address = NULL;

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  message = md_input_get_message (self, index);
  if (message == NULL)
    {
      gsize len = 0;
      const char *text = md_input_get_message_text (self, index, &len);

      return text != NULL ? from_in_log (text, len) : NULL;
    }

  walk (&w, g_mime_message_get_mime_part (message), 0);

  if (w.returned != NULL)
    {
      InternetAddressList *from = g_mime_message_get_from (w.returned);

      int n = from != NULL ? internet_address_list_length (from) : 0;

      for (int i = 0; address == NULL && i < n; i++)
        {
          InternetAddress *a = internet_address_list_get_address (from, i);

          if (INTERNET_ADDRESS_IS_MAILBOX (a))
            address = mailbox_of (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a)));
        }
      if (address == NULL)
        address = mailbox_of (g_mime_object_get_header (GMIME_OBJECT (w.returned), "Return-Path"));
    }
  if (address == NULL && w.headers != NULL)
    {
      g_autofree char *from = field_in_text (w.headers, strlen (w.headers), "From");
      g_autofree char *return_path = NULL;

      address = mailbox_of (from);
      if (address == NULL)
        {
          return_path = field_in_text (w.headers, strlen (w.headers), "Return-Path");
          address = mailbox_of (return_path);
        }
    }
  if (address == NULL && w.status != NULL)
    {
      g_autofree char *sender = field_in_text (w.status, strlen (w.status), "X-Postfix-Sender");

      address = dsn_address (sender);
    }
  walk_clear (&w);

  return address;
}

char *
md_input_dup_helo (MdInput *self,
                   guint    index)
{
  GMimeMessage *message;
  Walk w = { 0, };
  gsize len = 0;
  const char *text;
  char *helo = NULL;

  g_return_val_if_fail (MD_IS_INPUT (self), NULL);

  text = md_input_get_message_text (self, index, &len);
  if (text != NULL)
    helo = helo_in_text (text, len);
  if (helo != NULL)
    return helo;

  message = md_input_get_message (self, index);
  if (message == NULL)
    return NULL;

  walk (&w, g_mime_message_get_mime_part (message), 0);

  /* The sending server's own bounce names it as the reporting MTA. */
  if (w.status != NULL)
    {
      g_autofree char *reporting = field_in_text (w.status, strlen (w.status), "Reporting-MTA");
      const char *value = reporting != NULL ? strchr (reporting, ';') : NULL;

      if (value != NULL)
        {
          value++;
          while (*value == ' ')
            value++;
          helo = valid_host (value, strcspn (value, " \t"));
          /* A bare domain ("googlemail.com") names a provider's mail
           * system, not the host that said HELO. */
          if (helo != NULL && strchr (strchr (helo, '.') + 1, '.') == NULL)
            g_clear_pointer (&helo, g_free);
        }
    }
  /* The last hop of the returned message: the server that sent it out. */
  if (helo == NULL && w.returned != NULL)
    helo = received_by (g_mime_object_get_header (GMIME_OBJECT (w.returned), "Received"));
  if (helo == NULL && w.headers != NULL)
    {
      g_autofree char *received = field_in_text (w.headers, strlen (w.headers), "Received");

      helo = received_by (received);
    }
  walk_clear (&w);

  return helo;
}

/* Reading ---------------------------------------------------------------- */

GBytes *
md_input_read_stream (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return md_read_bounded (stream, MD_INPUT_MAX_SIZE, cancellable, error);
}

void
md_input_read_stream_async (GInputStream        *stream,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  md_read_bounded_async (stream, MD_INPUT_MAX_SIZE, cancellable, callback, user_data);
}

GBytes *
md_input_read_stream_finish (GAsyncResult  *result,
                             GError       **error)
{
  return md_read_bounded_finish (result, error);
}

void
md_input_read_file_async (GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  md_file_read_bounded_async (file, MD_INPUT_MAX_SIZE, cancellable, callback, user_data);
}

GBytes *
md_input_read_file_finish (GFile         *file,
                           GAsyncResult  *result,
                           GError       **error)
{
  return md_file_read_bounded_finish (file, result, error);
}

gboolean
md_input_check_size (gsize    size,
                     GError **error)
{
  if (size <= MD_INPUT_MAX_SIZE)
    return TRUE;

  md_set_read_limit_error (error, MD_INPUT_MAX_SIZE);

  return FALSE;
}
