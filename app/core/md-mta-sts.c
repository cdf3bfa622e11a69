/* md-mta-sts.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-mta-sts.h"

#define SHORT_MAX_AGE 86400

G_DEFINE_QUARK (md-mta-sts-error-quark, md_mta_sts_error)

G_DEFINE_BOXED_TYPE (MdMtaStsRecord, md_mta_sts_record,
                     md_mta_sts_record_copy, md_mta_sts_record_free)
G_DEFINE_BOXED_TYPE (MdMtaStsPolicy, md_mta_sts_policy,
                     md_mta_sts_policy_copy, md_mta_sts_policy_free)

MdMtaStsRecord *
md_mta_sts_record_copy (const MdMtaStsRecord *record)
{
  MdMtaStsRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_new0 (MdMtaStsRecord, 1);
  copy->text = g_strdup (record->text);
  copy->id = g_strdup (record->id);
  copy->extensions = g_strdupv (record->extensions);
  copy->warnings = md_record_warnings_copy (record->warnings);

  return copy;
}

void
md_mta_sts_record_free (MdMtaStsRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->text);
  g_free (record->id);
  g_strfreev (record->extensions);
  g_clear_pointer (&record->warnings, g_ptr_array_unref);
  g_free (record);
}

MdMtaStsPolicy *
md_mta_sts_policy_copy (const MdMtaStsPolicy *policy)
{
  MdMtaStsPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  copy = g_new0 (MdMtaStsPolicy, 1);
  copy->mode = policy->mode;
  copy->mx = g_strdupv (policy->mx);
  copy->max_age = policy->max_age;
  copy->extensions = g_strdupv (policy->extensions);
  copy->warnings = md_record_warnings_copy (policy->warnings);

  return copy;
}

void
md_mta_sts_policy_free (MdMtaStsPolicy *policy)
{
  if (policy == NULL)
    return;

  g_strfreev (policy->mx);
  g_strfreev (policy->extensions);
  g_clear_pointer (&policy->warnings, g_ptr_array_unref);
  g_free (policy);
}

const char *
md_mta_sts_mode_to_string (MdMtaStsMode mode)
{
  switch (mode)
    {
    case MD_MTA_STS_MODE_ENFORCE:
      return "enforce";
    case MD_MTA_STS_MODE_TESTING:
      return "testing";
    case MD_MTA_STS_MODE_NONE:
    default:
      return "none";
    }
}

static gboolean
is_sts_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]))
      return FALSE;

  return TRUE;
}

MdMtaStsRecord *
md_mta_sts_record_parse (const char  *text,
                         GError     **error)
{
  g_autoptr(MdMtaStsRecord) record = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GStrvBuilder) extensions = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_EMPTY,
                           _("The MTA-STS record is empty."));
      return NULL;
    }

  fields = md_record_split_strict (text, "v=STSv1", MD_MTA_STS_ERROR,
                                   MD_MTA_STS_ERROR_BAD_VERSION, MD_MTA_STS_ERROR_SYNTAX,
                                   error);
  if (fields == NULL)
    return NULL;

  record = g_new0 (MdMtaStsRecord, 1);
  record->text = g_strdup (text);
  record->warnings = md_record_warnings_new ();
  extensions = g_strv_builder_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      MdTag *tag = g_ptr_array_index (fields, i);
      g_autofree char *shown = md_record_describe (tag->raw);

      if (g_str_equal (tag->name, "id"))
        {
          if (record->id != NULL)
            {
              g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_DUPLICATE,
                                   _("The id field appears more than once."));
              return NULL;
            }
          if (!is_sts_id (tag->value))
            {
              g_autofree char *shown_id = md_record_describe (tag->value);

              g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_BAD_VALUE,
                           _("The id “%s” is invalid: it must be 1 to 32 letters and digits."),
                           shown_id);
              return NULL;
            }
          record->id = g_strdup (tag->value);
        }
      else if (md_record_is_ext_name (tag->name) && md_record_is_ext_value (tag->value))
        {
          g_autofree char *ext = g_strdup_printf ("%s=%s", tag->name, tag->value);

          g_strv_builder_add (extensions, ext);
        }
      else
        {
          g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_SYNTAX,
                       _("“%s” is not a valid extension field."), g_strstrip (shown));
          return NULL;
        }
    }

  if (record->id == NULL)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MISSING,
                           _("The MTA-STS record has no id field; senders ignore it."));
      return NULL;
    }

  record->extensions = g_strv_builder_end (extensions);

  return g_steal_pointer (&record);
}

/* RFC 8461 3.1: TXT strings not beginning with "v=STSv1;" are discarded;
 * exactly one may remain. */
MdMtaStsRecord *
md_mta_sts_record_select (const char * const  *txts,
                          GError             **error)
{
  const char *found = NULL;
  guint n_found = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; txts != NULL && txts[i] != NULL; i++)
    {
      if (g_str_has_prefix (txts[i], "v=STSv1"))
        {
          found = txts[i];
          n_found++;
        }
    }

  if (n_found == 0)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_NO_RECORD,
                           _("No MTA-STS record was found."));
      return NULL;
    }
  if (n_found > 1)
    {
      g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MULTIPLE_RECORDS,
                   _("There are %u MTA-STS records; senders then ignore MTA-STS. Keep "
                     "exactly one."),
                   n_found);
      return NULL;
    }

  return md_mta_sts_record_parse (found, error);
}

static gboolean
parse_max_age (const char *value,
               guint32    *max_age)
{
  guint64 n;
  gsize len = strlen (value);

  /* 1*10 DIGIT */
  if (len == 0 || len > 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (value[i]))
      return FALSE;

  n = g_ascii_strtoull (value, NULL, 10);
  if (n > MD_MTA_STS_MAX_AGE_LIMIT)
    return FALSE;

  *max_age = (guint32) n;
  return TRUE;
}

/* sts-policy-ext-value: VCHARs, inner spaces allowed */
static gboolean
is_policy_ext_value (const char *value)
{
  gsize len = strlen (value);

  if (len == 0 || value[len - 1] == ' ')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (((guchar) value[i] < 0x21 || (guchar) value[i] > 0x7e) && value[i] != ' ')
      return FALSE;

  return TRUE;
}

MdMtaStsPolicy *
md_mta_sts_policy_parse (const char  *text,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(MdMtaStsPolicy) policy = NULL;
  g_autoptr(GStrvBuilder) mx = NULL;
  g_autoptr(GStrvBuilder) extensions = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = NULL;
  gboolean have_version = FALSE;
  gboolean have_mode = FALSE;
  gboolean have_max_age = FALSE;
  guint n_mx = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = (gssize) strlen (text);

  if (length > MD_MTA_STS_POLICY_MAX_SIZE)
    {
      g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_TOO_LARGE,
                   _("The policy is %lu bytes long; senders read at most %d bytes."),
                   (unsigned long) length, MD_MTA_STS_POLICY_MAX_SIZE);
      return NULL;
    }
  if (length > 0 && memchr (text, '\0', (gsize) length) != NULL)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_SYNTAX,
                           _("The policy contains a NUL byte; it must be plain text."));
      return NULL;
    }

  copy = g_strndup (text != NULL ? text : "", (gsize) length);
  lines = g_strsplit (copy, "\n", -1);

  policy = g_new0 (MdMtaStsPolicy, 1);
  policy->warnings = md_record_warnings_new ();
  mx = g_strv_builder_new ();
  extensions = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      char *colon;
      g_autofree char *value = NULL;
      g_autofree char *shown_line = NULL;
      g_autofree char *shown_value = NULL;
      const char *key;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (line[strspn (line, " \t")] == '\0')
        continue;

      shown_line = md_record_describe (line);
      colon = strchr (line, ':');
      if (colon == NULL)
        {
          g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_SYNTAX,
                       _("Line %u (“%s”) is not a “key: value” pair."), i + 1, shown_line);
          return NULL;
        }
      *colon = '\0';
      key = line;
      value = md_record_strip (colon + 1, strlen (colon + 1), " \t");
      shown_value = md_record_describe (value);

      if (g_str_equal (key, "version"))
        {
          if (have_version)
            goto duplicate;
          have_version = TRUE;
          if (!g_str_equal (value, "STSv1"))
            {
              g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_BAD_VERSION,
                           _("The policy version is “%s”; only “STSv1” exists."), shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "mode"))
        {
          if (have_mode)
            goto duplicate;
          have_mode = TRUE;
          if (g_str_equal (value, "enforce"))
            policy->mode = MD_MTA_STS_MODE_ENFORCE;
          else if (g_str_equal (value, "testing"))
            policy->mode = MD_MTA_STS_MODE_TESTING;
          else if (g_str_equal (value, "none"))
            policy->mode = MD_MTA_STS_MODE_NONE;
          else
            {
              g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_BAD_VALUE,
                           _("The mode “%s” is invalid: it is “enforce”, “testing” or “none” "
                             "(lower case)."),
                           shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "max_age"))
        {
          if (have_max_age)
            goto duplicate;
          have_max_age = TRUE;
          if (!parse_max_age (value, &policy->max_age))
            {
              g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_BAD_VALUE,
                           _("max_age “%s” is invalid: it is a whole number of seconds from 0 "
                             "to %d (one year)."),
                           shown_value, MD_MTA_STS_MAX_AGE_LIMIT);
              return NULL;
            }
        }
      else if (g_str_equal (key, "mx"))
        {
          if (!md_record_is_hostname (value, TRUE) || g_str_has_suffix (value, "."))
            {
              g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_BAD_VALUE,
                           _("The mx pattern “%s” is invalid: it is a host name, optionally "
                             "starting with “*.”; international names in their xn-- form."),
                           shown_value);
              return NULL;
            }
          g_strv_builder_add (mx, value);
          n_mx++;
        }
      else if (md_record_is_ext_name (key) && is_policy_ext_value (value))
        {
          g_autofree char *ext = g_strdup_printf ("%s:%s", key, value);
          g_autofree char *shown_key = md_record_describe (key);

          g_strv_builder_add (extensions, ext);
          md_record_warnings_add (policy->warnings, "unknown-field",
                                  _("The policy field “%s” is not defined by RFC 8461; "
                                    "senders ignore it."),
                                  shown_key);
        }
      else
        {
          g_autofree char *shown_key = md_record_describe (key);

          g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_SYNTAX,
                       _("Line %u has an invalid field “%s” or an empty value."),
                       i + 1, shown_key);
          return NULL;
        }
      continue;

    duplicate:
      {
        g_autofree char *shown_key = md_record_describe (key);

        g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_DUPLICATE,
                     _("The policy field “%s” appears more than once."), shown_key);
        return NULL;
      }
    }

  if (!have_version)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MISSING,
                           _("The policy has no “version: STSv1” line."));
      return NULL;
    }
  if (!have_mode)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MISSING,
                           _("The policy has no mode line."));
      return NULL;
    }
  if (!have_max_age)
    {
      g_set_error_literal (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MISSING,
                           _("The policy has no max_age line."));
      return NULL;
    }
  if (n_mx == 0 && policy->mode != MD_MTA_STS_MODE_NONE)
    {
      g_set_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MISSING,
                   _("Mode “%s” needs at least one mx line naming the mail servers."),
                   md_mta_sts_mode_to_string (policy->mode));
      return NULL;
    }

  if (policy->max_age < SHORT_MAX_AGE)
    md_record_warnings_add (policy->warnings, "short-max-age",
                            _("max_age is %u seconds: senders forget the policy within a day. "
                              "RFC 8461 recommends several weeks (e.g. 1209600)."),
                            policy->max_age);

  policy->mx = g_strv_builder_end (mx);
  policy->extensions = g_strv_builder_end (extensions);

  return g_steal_pointer (&policy);
}

/* RFC 8461 4.1: a pattern matches the MX host name exactly, or "*.x"
 * matches one label in front of "x" (not "x" itself, not two labels).
 * Case-insensitive; a trailing dot on the host name does not count. */
gboolean
md_mta_sts_mx_pattern_matches (const char *pattern,
                               const char *mx_host)
{
  g_autofree char *host = NULL;
  gsize len;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (mx_host != NULL, FALSE);

  host = g_ascii_strdown (mx_host, -1);
  len = strlen (host);
  if (len > 0 && host[len - 1] == '.')
    host[--len] = '\0';

  if (g_str_has_prefix (pattern, "*."))
    {
      const char *suffix = pattern + 2;
      gsize slen = strlen (suffix);
      gsize label_len;

      if (len <= slen + 1 || host[len - slen - 1] != '.')
        return FALSE;
      if (g_ascii_strcasecmp (host + len - slen, suffix) != 0)
        return FALSE;
      label_len = len - slen - 1;

      return memchr (host, '.', label_len) == NULL;
    }

  return g_ascii_strcasecmp (host, pattern) == 0;
}

/* The first pattern of @policy that @mx_host matches, or NULL. */
const char *
md_mta_sts_policy_match_mx (const MdMtaStsPolicy *policy,
                            const char           *mx_host)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (mx_host != NULL, NULL);

  for (guint i = 0; policy->mx != NULL && policy->mx[i] != NULL; i++)
    if (md_mta_sts_mx_pattern_matches (policy->mx[i], mx_host))
      return policy->mx[i];

  return NULL;
}
