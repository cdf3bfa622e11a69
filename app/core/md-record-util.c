/* md-record-util.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "md-record-util.h"

G_DEFINE_BOXED_TYPE (MdRecordWarning, md_record_warning,
                     md_record_warning_copy, md_record_warning_free)

MdRecordWarning *
md_record_warning_new (const char *code,
                       const char *message)
{
  MdRecordWarning *warning;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  warning = g_new0 (MdRecordWarning, 1);
  warning->code = g_strdup (code);
  warning->message = g_strdup (message);

  return warning;
}

MdRecordWarning *
md_record_warning_copy (const MdRecordWarning *warning)
{
  g_return_val_if_fail (warning != NULL, NULL);

  return md_record_warning_new (warning->code, warning->message);
}

void
md_record_warning_free (MdRecordWarning *warning)
{
  if (warning == NULL)
    return;

  g_free (warning->code);
  g_free (warning->message);
  g_free (warning);
}

GPtrArray *
md_record_warnings_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) md_record_warning_free);
}

GPtrArray *
md_record_warnings_copy (GPtrArray *warnings)
{
  GPtrArray *copy = md_record_warnings_new ();

  if (warnings == NULL)
    return copy;

  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (copy, md_record_warning_copy (g_ptr_array_index (warnings, i)));

  return copy;
}

void
md_record_warnings_add (GPtrArray  *warnings,
                        const char *code,
                        const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (warnings != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (warnings, md_record_warning_new (code, message));
}

gboolean
md_record_warnings_has (GPtrArray  *warnings,
                        const char *code)
{
  g_return_val_if_fail (code != NULL, FALSE);

  if (warnings == NULL)
    return FALSE;

  for (guint i = 0; i < warnings->len; i++)
    {
      const MdRecordWarning *w = g_ptr_array_index (warnings, i);

      if (g_str_equal (w->code, code))
        return TRUE;
    }

  return FALSE;
}

char *
md_record_strip (const char *text,
                 gsize       len,
                 const char *space)
{
  gsize start = 0;

  while (start < len && text[start] != '\0' && strchr (space, text[start]) != NULL)
    start++;
  while (len > start && strchr (space, text[len - 1]) != NULL)
    len--;

  return g_strndup (text + start, len - start);
}

static void
md_tag_free (MdTag *tag)
{
  if (tag == NULL)
    return;

  g_free (tag->raw);
  g_free (tag->name);
  g_free (tag->value);
  g_free (tag);
}

/* The tag=value lists of DMARC (RFC 9989), DKIM (RFC 6376 3.2), MTA-STS
 * (RFC 8461 3.1) and TLS-RPT (RFC 8460 3) share this shape; what counts as
 * white space and how strict the names are differs, so the callers check
 * those themselves. Always returns at least one element. */
GPtrArray *
md_tag_list_split (const char *text,
                   const char *space)
{
  GPtrArray *tags = g_ptr_array_new_with_free_func ((GDestroyNotify) md_tag_free);
  const char *start = text;

  for (;;)
    {
      const char *end = strchr (start, ';');
      gsize len = end != NULL ? (gsize) (end - start) : strlen (start);
      const char *eq = memchr (start, '=', len);
      MdTag *tag = g_new0 (MdTag, 1);

      tag->raw = g_strndup (start, len);
      if (eq != NULL)
        {
          gsize name_len = (gsize) (eq - start);
          gsize value_len = len - name_len - 1;

          tag->name = md_record_strip (start, name_len, space);
          tag->value = md_record_strip (eq + 1, value_len, space);
          tag->spaced = (name_len > 0 && strchr (space, eq[-1]) != NULL) ||
                        (value_len > 0 && strchr (space, eq[1]) != NULL);
        }
      else
        {
          g_autofree char *stripped = md_record_strip (start, len, space);

          tag->blank = stripped[0] == '\0';
        }
      g_ptr_array_add (tags, tag);

      if (end == NULL)
        break;
      start = end + 1;
    }

  return tags;
}

/* An LDH host name in ASCII (RFC 1123, RFC 5321 "Domain"), optionally with
 * a leading "*." (MTA-STS mx patterns). U-labels must come as A-labels. */
gboolean
md_record_is_hostname (const char *name,
                       gboolean    allow_wildcard)
{
  gsize len;
  guint label_len = 0;
  guint labels = 0;

  if (name == NULL)
    return FALSE;

  if (allow_wildcard && g_str_has_prefix (name, "*."))
    name += 2;

  len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len == 0 || len > 253)
    return FALSE;

  for (gsize i = 0; i <= len; i++)
    {
      char c = i < len ? name[i] : '.';

      if (c == '.')
        {
          if (label_len == 0 || label_len > 63 || name[i - 1] == '-')
            return FALSE;
          label_len = 0;
          labels++;
          continue;
        }
      if (!g_ascii_isalnum (c) && c != '-')
        return FALSE;
      if (label_len == 0 && c == '-')
        return FALSE;
      label_len++;
    }

  return labels > 0;
}

/* Lower case, ASCII (A-labels), no trailing dot; NULL when @domain is not a
 * valid DNS name. */
char *
md_record_normalize_domain (const char *domain)
{
  g_autofree char *lower = NULL;
  gsize len;

  if (domain == NULL)
    return NULL;

  /* International names are looked up in their xn-- form. */
  if (!g_str_is_ascii (domain))
    {
      g_autofree char *ascii = NULL;

      if (!g_utf8_validate (domain, -1, NULL))
        return NULL;
      ascii = g_hostname_to_ascii (domain);
      if (ascii == NULL)
        return NULL;
      lower = g_ascii_strdown (ascii, -1);
    }
  else
    lower = g_ascii_strdown (domain, -1);
  len = strlen (lower);
  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  /* Underscore labels (_dmarc, _report) are valid DNS names but not host
   * names; accept them by checking the name with them replaced. */
  {
    g_autofree char *check = g_strdup (lower);

    for (char *p = check; *p; p++)
      if (*p == '_')
        *p = 'u';
    if (!md_record_is_hostname (check, FALSE))
      return NULL;
  }

  return g_steal_pointer (&lower);
}

/* Extension names and values of MTA-STS (RFC 8461 3.1) and TLS-RPT
 * (RFC 8460 3): (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".") and
 * 1*(%x21-3A / %x3C / %x3E-7E). */
gboolean
md_record_is_ext_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 32 || !g_ascii_isalnum (name[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-' && name[i] != '.')
      return FALSE;

  return TRUE;
}

gboolean
md_record_is_ext_value (const char *value)
{
  if (value[0] == '\0')
    return FALSE;
  for (const char *p = value; *p; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e || *p == ';' || *p == '=')
      return FALSE;

  return TRUE;
}

/* A value as it may appear inside a message: shortened, control characters
 * and non-UTF-8 bytes escaped, so a hostile record cannot garble the output. */
char *
md_record_describe (const char *text)
{
  GString *out = g_string_new (NULL);
  guint count = 0;

  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;

      if (count++ == 64)
        {
          g_string_append (out, "…");
          break;
        }
      if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else if (c == '\t')
        g_string_append (out, "\\t");
      else
        g_string_append_printf (out, "\\x%02X", c);
    }

  return g_string_free (out, FALSE);
}

/* The strict record shape shared by MTA-STS (RFC 8461 3.1) and TLS-RPT
 * (RFC 8460 3): "<version> 1*(sep field) [sep]" with sep = *WSP ";" *WSP and
 * fields "name=value" without white space around the '='. Returns the
 * fields after the version (MdTag*, possibly none). */
GPtrArray *
md_record_split_strict (const char  *text,
                        const char  *version,
                        GQuark       error_domain,
                        int          bad_version_code,
                        int          syntax_code,
                        GError     **error)
{
  g_autoptr(GPtrArray) tags = md_tag_list_split (text, " \t");
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  MdTag *first = g_ptr_array_index (tags, 0);
  g_autofree char *first_stripped = md_record_strip (first->raw, strlen (first->raw), " \t");

  if (first->raw[0] == ' ' || first->raw[0] == '\t' || !g_str_equal (first_stripped, version))
    {
      g_autofree char *shown = md_record_describe (first_stripped);

      g_set_error (error, error_domain, bad_version_code,
                   _("The record must begin with exactly “%s”; it begins with “%s”."),
                   version, shown);
      return NULL;
    }

  for (guint i = 1; i < tags->len; i++)
    {
      MdTag *tag = g_ptr_array_index (tags, i);

      if (tag->blank)
        {
          /* Only one separator may end the record. */
          if (i == tags->len - 1)
            break;
          g_set_error_literal (error, error_domain, syntax_code,
                               _("The record has an empty field (two “;” in a row)."));
          return NULL;
        }

      if (tag->name == NULL || tag->spaced || tag->name[0] == '\0')
        {
          g_autofree char *stripped = md_record_strip (tag->raw, strlen (tag->raw), " \t");
          g_autofree char *shown = md_record_describe (stripped);

          g_set_error (error, error_domain, syntax_code,
                       _("“%s” is not a name=value field (no spaces around “=” are allowed)."),
                       shown);
          return NULL;
        }

      g_ptr_array_add (fields, tag);
    }

  /* Move the fields out; what stays in @tags (the version, a blank tail)
   * is freed with it. */
  {
    GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) md_tag_free);

    for (guint i = 1; i < tags->len; i++)
      {
        if (!g_ptr_array_find (fields, tags->pdata[i], NULL))
          continue;
        g_ptr_array_add (result, tags->pdata[i]);
        tags->pdata[i] = NULL;
      }

    return result;
  }
}
