/* md-dmarc.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-dmarc.h"

/* One unit, over 1,000 lines: the DMARC record grammar (RFC 9989, with
 * RFC 7489's differences noted) and the DNS tree walk that discovers the
 * policy are one specification, read together and tested by one set of
 * vectors. */

/* RFC 9989 WSP */
#define DMARC_SPACE " \t"

/* RFC 9989, "DNS Tree Walk": long names jump to their last 7 labels, and no
 * walk queries more than 8 names. */
#define DMARC_WALK_MAX_LABELS 8
#define DMARC_WALK_JUMP_LABELS 7

G_DEFINE_QUARK (md-dmarc-error-quark, md_dmarc_error)

G_DEFINE_BOXED_TYPE (MdDmarcUri, md_dmarc_uri, md_dmarc_uri_copy, md_dmarc_uri_free)
G_DEFINE_BOXED_TYPE (MdDmarcRecord, md_dmarc_record, md_dmarc_record_copy, md_dmarc_record_free)
G_DEFINE_BOXED_TYPE (MdDmarcDiscovery, md_dmarc_discovery,
                     md_dmarc_discovery_copy, md_dmarc_discovery_free)

MdDmarcUri *
md_dmarc_uri_copy (const MdDmarcUri *uri)
{
  MdDmarcUri *copy;

  g_return_val_if_fail (uri != NULL, NULL);

  copy = g_new0 (MdDmarcUri, 1);
  copy->uri = g_strdup (uri->uri);
  copy->scheme = g_strdup (uri->scheme);
  copy->address = g_strdup (uri->address);
  copy->domain = g_strdup (uri->domain);
  copy->max_size = uri->max_size;

  return copy;
}

void
md_dmarc_uri_free (MdDmarcUri *uri)
{
  if (uri == NULL)
    return;

  g_free (uri->uri);
  g_free (uri->scheme);
  g_free (uri->address);
  g_free (uri->domain);
  g_free (uri);
}

static MdDmarcRecord *
md_dmarc_record_new (const char *text)
{
  MdDmarcRecord *record = g_new0 (MdDmarcRecord, 1);

  record->text = g_strdup (text);
  record->rua = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dmarc_uri_free);
  record->ruf = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dmarc_uri_free);
  record->warnings = md_record_warnings_new ();
  record->fo = MD_DMARC_FO_ALL_FAIL;

  return record;
}

static GPtrArray *
copy_uris (GPtrArray *uris)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dmarc_uri_free);

  for (guint i = 0; i < uris->len; i++)
    g_ptr_array_add (copy, md_dmarc_uri_copy (g_ptr_array_index (uris, i)));

  return copy;
}

MdDmarcRecord *
md_dmarc_record_copy (const MdDmarcRecord *record)
{
  MdDmarcRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_new0 (MdDmarcRecord, 1);
  *copy = *record;
  copy->text = g_strdup (record->text);
  copy->rua = copy_uris (record->rua);
  copy->ruf = copy_uris (record->ruf);
  copy->warnings = md_record_warnings_copy (record->warnings);

  return copy;
}

void
md_dmarc_record_free (MdDmarcRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->text);
  g_clear_pointer (&record->rua, g_ptr_array_unref);
  g_clear_pointer (&record->ruf, g_ptr_array_unref);
  g_clear_pointer (&record->warnings, g_ptr_array_unref);
  g_free (record);
}

const char *
md_dmarc_policy_to_string (MdDmarcPolicy policy)
{
  switch (policy)
    {
    case MD_DMARC_POLICY_NONE:
      return "none";
    case MD_DMARC_POLICY_QUARANTINE:
      return "quarantine";
    case MD_DMARC_POLICY_REJECT:
      return "reject";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
md_dmarc_alignment_to_string (MdDmarcAlignment alignment)
{
  return alignment == MD_DMARC_ALIGNMENT_STRICT ? "s" : "r";
}

const char *
md_dmarc_psd_to_string (MdDmarcPsd psd)
{
  switch (psd)
    {
    case MD_DMARC_PSD_YES:
      return "y";
    case MD_DMARC_PSD_NO:
      return "n";
    case MD_DMARC_PSD_UNSPECIFIED:
    default:
      return "u";
    }
}

/* "0:1:d:s" in that order, the flags as a receiver reads them. */
char *
md_dmarc_record_format_fo (const MdDmarcRecord *record)
{
  static const struct { MdDmarcFailureOptions flag; const char *name; } names[] = {
    { MD_DMARC_FO_ALL_FAIL, "0" },
    { MD_DMARC_FO_ANY_FAIL, "1" },
    { MD_DMARC_FO_DKIM, "d" },
    { MD_DMARC_FO_SPF, "s" },
  };
  GString *out;

  g_return_val_if_fail (record != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if ((record->fo & names[i].flag) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ':');
      g_string_append (out, names[i].name);
    }

  return g_string_free (out, FALSE);
}

static gboolean
parse_policy (const char    *value,
              MdDmarcPolicy *policy)
{
  if (g_ascii_strcasecmp (value, "none") == 0)
    *policy = MD_DMARC_POLICY_NONE;
  else if (g_ascii_strcasecmp (value, "quarantine") == 0)
    *policy = MD_DMARC_POLICY_QUARANTINE;
  else if (g_ascii_strcasecmp (value, "reject") == 0)
    *policy = MD_DMARC_POLICY_REJECT;
  else
    return FALSE;

  return TRUE;
}

static gboolean
is_digits (const char *s,
           guint       max_len)
{
  gsize len = strlen (s);

  if (len == 0 || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;

  return TRUE;
}

/* RFC 7489's Keyword: letters and digits with inner hyphens. */
static gboolean
is_keyword (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || s[0] == '-' || s[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-')
      return FALSE;

  return TRUE;
}

/* Whether an RFC 7489 reader accepts the value of one of the tags RFC 9989
 * removed; if not, such a reader may drop the whole record. */
static gboolean
removed_tag_valid_7489 (const char *name,
                        const char *value)
{
  if (g_str_equal (name, "pct"))
    return is_digits (value, 3) && g_ascii_strtoull (value, NULL, 10) <= 100;

  if (g_str_equal (name, "ri"))
    return is_digits (value, 10) && g_ascii_strtoull (value, NULL, 10) <= G_MAXUINT32;

  if (g_str_equal (name, "rf"))
    {
      g_auto(GStrv) formats = g_strsplit (value, ":", -1);
      gboolean afrf = FALSE;

      for (guint i = 0; formats[i] != NULL; i++)
        {
          g_autofree char *f = md_record_strip (formats[i], strlen (formats[i]), DMARC_SPACE);

          if (!is_keyword (f))
            return FALSE;
          if (g_ascii_strcasecmp (f, "afrf") == 0)
            afrf = TRUE;
        }
      /* afrf is the only format RFC 7489 defines; OpenDMARC rejects others. */
      return afrf;
    }

  g_assert_not_reached ();
}

/* "10m" after the '!': digits, optional white space, optional unit. */
static gboolean
parse_size (const char *text,
            guint64    *size)
{
  guint64 value = 0;
  guint64 unit = 1;
  const char *p = text;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (value > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  while (*p == ' ' || *p == '\t')
    p++;
  switch (g_ascii_tolower (*p))
    {
    case '\0':
      break;
    case 'k':
      unit = G_GUINT64_CONSTANT (1) << 10;
      break;
    case 'm':
      unit = G_GUINT64_CONSTANT (1) << 20;
      break;
    case 'g':
      unit = G_GUINT64_CONSTANT (1) << 30;
      break;
    case 't':
      unit = G_GUINT64_CONSTANT (1) << 40;
      break;
    default:
      return FALSE;
    }
  if (*p != '\0' && p[1] != '\0')
    return FALSE;
  if (value > G_MAXUINT64 / unit)
    return FALSE;

  *size = value * unit;
  return TRUE;
}

/* URI syntax is GLib's job (RFC 3986); we only add what DMARC says about
 * schemes and the size suffix. */
static MdDmarcUri *
parse_report_uri (const char  *tag,
                  const char  *item,
                  GPtrArray   *warnings,
                  GError     **error)
{
  g_autoptr(MdDmarcUri) uri = g_new0 (MdDmarcUri, 1);
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = md_record_describe (item);
  const char *bang = strchr (item, '!');

  if (bang != NULL)
    {
      g_autofree char *size = md_record_strip (bang + 1, strlen (bang + 1), DMARC_SPACE);

      uri->uri = md_record_strip (item, (gsize) (bang - item), DMARC_SPACE);
      if (!parse_size (size, &uri->max_size))
        {
          g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_URI,
                       _("The size limit in the %s address “%s” is invalid: a number with "
                         "an optional unit k, m, g or t is expected after the “!”."),
                       tag, shown);
          return NULL;
        }
      if (!md_record_warnings_has (warnings, "size-suffix"))
        md_record_warnings_add (warnings, "size-suffix",
                                _("The size limit “!…” after a report address is obsolete "
                                  "in RFC 9989; receivers may ignore it."));
    }
  else
    uri->uri = g_strdup (item);

  if (uri->uri[0] == '\0')
    {
      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_URI,
                   _("The %s tag contains an empty address."), tag);
      return NULL;
    }

  parsed = g_uri_parse (uri->uri, G_URI_FLAGS_NONE, &local_error);
  if (parsed == NULL || strchr (uri->uri, ' ') != NULL || strchr (uri->uri, '\t') != NULL)
    {
      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_URI,
                   _("The %s address “%s” is not a valid URI; report addresses are "
                     "written as “mailto:reports@example.com”."),
                   tag, shown);
      return NULL;
    }

  uri->scheme = g_ascii_strdown (g_uri_get_scheme (parsed), -1);
  if (g_str_equal (uri->scheme, "mailto"))
    {
      const char *path = g_uri_get_path (parsed);
      const char *at = strrchr (path, '@');

      if (at != NULL && at != path && at[1] != '\0' && strchr (path, '/') == NULL)
        {
          uri->address = g_strdup (path);
          uri->domain = md_record_normalize_domain (at + 1);
        }
      if (uri->domain == NULL)
        {
          g_clear_pointer (&uri->address, g_free);
          md_record_warnings_add (warnings, "report-address",
                                  _("The %s address “%s” names no mailbox that reports "
                                    "could be sent to."),
                                  tag, shown);
        }
    }
  else
    {
      if (g_uri_get_host (parsed) != NULL)
        uri->domain = md_record_normalize_domain (g_uri_get_host (parsed));
      md_record_warnings_add (warnings, "report-scheme",
                              _("The %s address “%s” is not a mailto: URI; receivers "
                                "only have to support mailto: and may send no reports."),
                              tag, shown);
    }

  return g_steal_pointer (&uri);
}

static gboolean
parse_report_uris (const char  *tag,
                   const char  *value,
                   GPtrArray   *uris,
                   GPtrArray   *warnings,
                   GError     **error)
{
  g_auto(GStrv) items = NULL;

  if (value[0] == '\0')
    {
      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_URI,
                   _("The %s tag contains an empty address."), tag);
      return FALSE;
    }

  items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *item = md_record_strip (items[i], strlen (items[i]), DMARC_SPACE);
      MdDmarcUri *uri = parse_report_uri (tag, item, warnings, error);

      if (uri == NULL)
        return FALSE;
      g_ptr_array_add (uris, uri);
    }

  return TRUE;
}

static gboolean
parse_fo (const char            *value,
          MdDmarcFailureOptions *fo)
{
  g_auto(GStrv) items = g_strsplit (value, ":", -1);

  *fo = 0;
  if (value[0] == '\0')
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *item = md_record_strip (items[i], strlen (items[i]), DMARC_SPACE);

      if (g_str_equal (item, "0"))
        *fo |= MD_DMARC_FO_ALL_FAIL;
      else if (g_str_equal (item, "1"))
        *fo |= MD_DMARC_FO_ANY_FAIL;
      else if (g_ascii_strcasecmp (item, "d") == 0)
        *fo |= MD_DMARC_FO_DKIM;
      else if (g_ascii_strcasecmp (item, "s") == 0)
        *fo |= MD_DMARC_FO_SPF;
      else
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_tag_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static gboolean
looks_like_spf (const char *text)
{
  return g_ascii_strncasecmp (text, "v=spf1", 6) == 0 &&
         (text[6] == '\0' || text[6] == ' ');
}

/* Checks the leading "v=DMARC1" and returns FALSE with @error set when the
 * text is not a DMARC record at all. */
static gboolean
check_version (const char  *text,
               MdTag       *first,
               GError     **error)
{
  g_autofree char *shown = md_record_describe (text);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, MD_DMARC_ERROR, MD_DMARC_ERROR_EMPTY,
                           _("The DMARC record is empty."));
      return FALSE;
    }

  if (text[0] == ' ' || text[0] == '\t')
    {
      g_set_error_literal (error, MD_DMARC_ERROR, MD_DMARC_ERROR_NOT_DMARC,
                           _("The record begins with white space; receivers only use a "
                             "record that begins with “v=DMARC1”."));
      return FALSE;
    }

  if (looks_like_spf (text))
    {
      g_set_error_literal (error, MD_DMARC_ERROR, MD_DMARC_ERROR_NOT_DMARC,
                           _("This is an SPF record (v=spf1), not a DMARC record. SPF "
                             "belongs at the domain itself, DMARC at _dmarc.<domain>."));
      return FALSE;
    }

  if (first->name == NULL || g_ascii_strcasecmp (first->name, "v") != 0)
    {
      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VERSION,
                   _("A DMARC record must begin with “v=DMARC1”; this one begins with “%s”."),
                   shown);
      return FALSE;
    }

  if (!g_str_equal (first->value, "DMARC1"))
    {
      g_autofree char *value = md_record_describe (first->value);

      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VERSION,
                   _("The version is “%s”; it must be exactly “DMARC1” (upper case, "
                     "followed by “;”)."),
                   value);
      return FALSE;
    }

  return TRUE;
}

MdDmarcRecord *
md_dmarc_record_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(MdDmarcRecord) record = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *invalid_tag = NULL;
  g_autofree char *invalid_value = NULL;
  gboolean first_tag = TRUE;
  gboolean p_not_first = FALSE;
  MdDmarcPolicy sp = MD_DMARC_POLICY_NONE;
  MdDmarcPolicy np = MD_DMARC_POLICY_NONE;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tags = md_tag_list_split (text, DMARC_SPACE);
  if (!check_version (text, g_ptr_array_index (tags, 0), error))
    return NULL;

  record = md_dmarc_record_new (text);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (seen, g_strdup ("v"));

  for (guint i = 1; i < tags->len; i++)
    {
      MdTag *tag = g_ptr_array_index (tags, i);
      g_autofree char *name = NULL;
      g_autofree char *shown_value = NULL;
      const char *value;

      if (tag->blank)
        continue;

      if (tag->name == NULL || tag->name[0] == '\0' || !is_tag_name (tag->name))
        {
          g_autofree char *stripped = md_record_strip (tag->raw, strlen (tag->raw), DMARC_SPACE);
          g_autofree char *shown = md_record_describe (stripped);

          g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_SYNTAX,
                       _("“%s” is not a tag=value pair; DMARC tags are separated by “;”."),
                       shown);
          return NULL;
        }

      name = g_ascii_strdown (tag->name, -1);
      value = tag->value;
      shown_value = md_record_describe (value);

      if (g_str_equal (name, "v") || g_str_equal (name, "p") || g_str_equal (name, "sp") ||
          g_str_equal (name, "np") || g_str_equal (name, "adkim") ||
          g_str_equal (name, "aspf") || g_str_equal (name, "rua") ||
          g_str_equal (name, "ruf") || g_str_equal (name, "fo") ||
          g_str_equal (name, "psd") || g_str_equal (name, "t") ||
          g_str_equal (name, "pct") || g_str_equal (name, "rf") || g_str_equal (name, "ri"))
        {
          if (!g_hash_table_add (seen, g_strdup (name)))
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_DUPLICATE_TAG,
                           _("The %s tag appears more than once; receivers reject such "
                             "a record."),
                           name);
              return NULL;
            }
        }

      if (g_str_equal (name, "p") || g_str_equal (name, "sp") || g_str_equal (name, "np"))
        {
          MdDmarcPolicy policy;

          if (g_str_equal (name, "p") && !first_tag)
            p_not_first = TRUE;

          if (!parse_policy (value, &policy))
            {
              /* Decided after the loop: a valid rua turns this into p=none. */
              if (invalid_tag == NULL)
                {
                  invalid_tag = g_strdup (name);
                  invalid_value = g_strdup (shown_value);
                }
            }
          else if (g_str_equal (name, "p"))
            {
              record->policy = policy;
              record->has_policy = TRUE;
            }
          else if (g_str_equal (name, "sp"))
            {
              sp = policy;
              record->has_subdomain_policy = TRUE;
            }
          else
            {
              np = policy;
              record->has_nonexistent_policy = TRUE;
            }
        }
      else if (g_str_equal (name, "adkim") || g_str_equal (name, "aspf"))
        {
          MdDmarcAlignment alignment;

          if (g_ascii_strcasecmp (value, "r") == 0)
            alignment = MD_DMARC_ALIGNMENT_RELAXED;
          else if (g_ascii_strcasecmp (value, "s") == 0)
            alignment = MD_DMARC_ALIGNMENT_STRICT;
          else
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE,
                           _("%s=%s is invalid: the alignment mode is “r” (relaxed) or "
                             "“s” (strict)."),
                           name, shown_value);
              return NULL;
            }
          if (g_str_equal (name, "adkim"))
            record->adkim = alignment;
          else
            record->aspf = alignment;
        }
      else if (g_str_equal (name, "rua") || g_str_equal (name, "ruf"))
        {
          if (!parse_report_uris (name, value,
                                  g_str_equal (name, "rua") ? record->rua : record->ruf,
                                  record->warnings, error))
            return NULL;
        }
      else if (g_str_equal (name, "fo"))
        {
          if (!parse_fo (value, &record->fo))
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE,
                           _("fo=%s is invalid: failure reporting options are 0, 1, d "
                             "and s, separated by “:”."),
                           shown_value);
              return NULL;
            }
          if ((record->fo & MD_DMARC_FO_ALL_FAIL) && (record->fo & MD_DMARC_FO_ANY_FAIL))
            md_record_warnings_add (record->warnings, "fo-redundant",
                                    _("fo=%s lists both 0 and 1; 1 (report when any check "
                                      "fails) already covers 0."),
                                    shown_value);
        }
      else if (g_str_equal (name, "psd"))
        {
          if (g_ascii_strcasecmp (value, "y") == 0)
            record->psd = MD_DMARC_PSD_YES;
          else if (g_ascii_strcasecmp (value, "n") == 0)
            record->psd = MD_DMARC_PSD_NO;
          else if (g_ascii_strcasecmp (value, "u") == 0)
            record->psd = MD_DMARC_PSD_UNSPECIFIED;
          else
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE,
                           _("psd=%s is invalid: it is “y”, “n” or “u”."), shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (name, "t"))
        {
          if (g_ascii_strcasecmp (value, "y") == 0)
            record->testing = TRUE;
          else if (g_ascii_strcasecmp (value, "n") == 0)
            record->testing = FALSE;
          else
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE,
                           _("t=%s is invalid: it is “y” (testing) or “n”."), shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (name, "pct") || g_str_equal (name, "rf") || g_str_equal (name, "ri"))
        {
          if (removed_tag_valid_7489 (name, value))
            md_record_warnings_add (record->warnings, "removed-tag",
                                    _("The %s tag was removed in RFC 9989; receivers that "
                                      "follow it ignore the tag."),
                                    name);
          else
            md_record_warnings_add (record->warnings, "removed-tag",
                                    _("The %s tag was removed in RFC 9989, and its value "
                                      "“%s” is invalid under RFC 7489: receivers that still "
                                      "follow RFC 7489 may ignore the whole record."),
                                    name, shown_value);
        }
      else if (g_str_equal (name, "v"))
        {
          g_assert_not_reached ();
        }
      else
        {
          md_record_warnings_add (record->warnings, "unknown-tag",
                                  _("The tag “%s” is not part of DMARC; receivers ignore it."),
                                  name);
        }

      first_tag = FALSE;
    }

  if (invalid_tag != NULL)
    {
      if (record->rua->len == 0)
        {
          g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE,
                       _("%s=%s is invalid: the policy is “none”, “quarantine” or "
                         "“reject”. Receivers ignore this record."),
                       invalid_tag, invalid_value);
          return NULL;
        }

      /* RFC 7489 6.6.3: with a usable rua the domain owner at least gets
       * reports, so the record counts as p=none. */
      record->policy_fallback = TRUE;
      record->has_policy = FALSE;
      record->has_subdomain_policy = FALSE;
      record->has_nonexistent_policy = FALSE;
      record->policy = sp = np = MD_DMARC_POLICY_NONE;
      md_record_warnings_add (record->warnings, "policy-fallback",
                              _("%s=%s is invalid (the policy is “none”, “quarantine” or "
                                "“reject”). Because the record has a valid rua, receivers "
                                "act as if it said p=none."),
                              invalid_tag, invalid_value);
    }
  else if (!record->has_policy)
    {
      if (record->rua->len > 0)
        md_record_warnings_add (record->warnings, "missing-p",
                                _("The record has no p tag. RFC 9989 reads that as p=none; "
                                  "older receivers (RFC 7489) also fall back to p=none "
                                  "because a rua is given."));
      else
        md_record_warnings_add (record->warnings, "missing-p",
                                _("The record has no p tag. RFC 9989 reads that as p=none, "
                                  "but receivers that follow RFC 7489 ignore the record."));
    }
  else if (p_not_first)
    {
      md_record_warnings_add (record->warnings, "p-not-first",
                              _("The p tag does not directly follow v=DMARC1; RFC 9989 allows "
                                "that, but some older receivers ignore such a record."));
    }

  record->subdomain_policy = record->has_subdomain_policy ? sp : record->policy;
  record->nonexistent_policy = record->has_nonexistent_policy ? np : record->subdomain_policy;

  if (record->rua->len == 0)
    md_record_warnings_add (record->warnings, "no-rua",
                            _("The record has no rua address, so you receive no aggregate "
                              "reports about mail sent in your name."));

  if (record->has_subdomain_policy && record->subdomain_policy == MD_DMARC_POLICY_NONE &&
      record->policy != MD_DMARC_POLICY_NONE)
    md_record_warnings_add (record->warnings, "sp-none",
                            _("sp=none leaves subdomains unprotected although the domain "
                              "itself has p=%s."),
                            md_dmarc_policy_to_string (record->policy));

  return g_steal_pointer (&record);
}

/* Whether a TXT string is meant as a DMARC record: RFC 9989 discards all
 * that do not begin with the v tag naming DMARC1. */
static gboolean
is_dmarc_candidate (const char *txt)
{
  const char *p = txt;

  if (*p != 'v' && *p != 'V')
    return FALSE;
  p++;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '=')
    return FALSE;
  p++;
  while (*p == ' ' || *p == '\t')
    p++;

  return g_ascii_strncasecmp (p, "DMARC1", 6) == 0;
}

/* Picks the DMARC record out of the TXT RRset at a _dmarc name. Unrelated
 * TXT strings are discarded (RFC 9989) with a note; more than one DMARC
 * record means no policy. */
MdDmarcRecord *
md_dmarc_record_select (const char * const  *txts,
                        GPtrArray           *notes,
                        GError             **error)
{
  const char *found = NULL;
  const char *spaced = NULL;
  guint n_found = 0;
  guint n_other = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; txts != NULL && txts[i] != NULL; i++)
    {
      if (is_dmarc_candidate (txts[i]))
        {
          found = txts[i];
          n_found++;
        }
      else if (is_dmarc_candidate (txts[i] + strspn (txts[i], " \t")))
        spaced = txts[i];
      else
        n_other++;
    }

  if (n_found == 0 && spaced != NULL)
    {
      /* Parsing gives the precise reason (the leading space). */
      return md_dmarc_record_parse (spaced, error);
    }

  if (n_found == 0)
    {
      g_set_error_literal (error, MD_DMARC_ERROR, MD_DMARC_ERROR_NO_RECORD,
                           _("No DMARC record was found."));
      return NULL;
    }

  if (n_found > 1)
    {
      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_MULTIPLE_RECORDS,
                   _("There are %u DMARC records; receivers then apply no DMARC policy at "
                     "all. Keep exactly one."),
                   n_found);
      return NULL;
    }

  if (spaced != NULL && notes != NULL)
    md_record_warnings_add (notes, "unrelated-txt",
                            _("A second DMARC record at the same name begins with white "
                              "space; receivers ignore it. Delete it."));
  else if (n_other > 0 && notes != NULL)
    md_record_warnings_add (notes, "unrelated-txt",
                            _("Another TXT record at the same name is not a DMARC record; "
                              "receivers ignore it."));

  return md_dmarc_record_parse (found, error);
}

/* RFC 9989, "DNS Tree Walk": the _dmarc names to query for @domain, in order: the
 * domain itself; then, for names of 8 labels or more, the name cut to its
 * last 7 labels; then one label less each time, down to the top-level
 * domain (where a public suffix operator's psd=y record may live). */
GStrv
md_dmarc_discovery_names (const char  *domain,
                          GError     **error)
{
  g_autofree char *normal = md_record_normalize_domain (domain);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) labels = NULL;
  guint n_labels;
  guint start;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (normal == NULL)
    {
      g_autofree char *shown = md_record_describe (domain != NULL ? domain : "");

      g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_DOMAIN,
                   _("“%s” is not a valid domain name."), shown);
      return NULL;
    }

  builder = g_strv_builder_new ();
  labels = g_strsplit (normal, ".", -1);
  n_labels = g_strv_length (labels);

  {
    g_autofree char *qname = g_strconcat ("_dmarc.", normal, NULL);
    g_strv_builder_add (builder, qname);
  }

  if (n_labels >= DMARC_WALK_MAX_LABELS)
    start = n_labels - DMARC_WALK_JUMP_LABELS;
  else
    start = 1;

  for (guint i = start; i < n_labels; i++)
    {
      g_autofree char *rest = g_strjoinv (".", labels + i);
      g_autofree char *qname = g_strconcat ("_dmarc.", rest, NULL);

      g_strv_builder_add (builder, qname);
    }

  return g_strv_builder_end (builder);
}

MdDmarcDiscovery *
md_dmarc_discovery_copy (const MdDmarcDiscovery *discovery)
{
  MdDmarcDiscovery *copy;

  g_return_val_if_fail (discovery != NULL, NULL);

  copy = g_new0 (MdDmarcDiscovery, 1);
  copy->domain = g_strdup (discovery->domain);
  copy->policy_domain = g_strdup (discovery->policy_domain);
  copy->record = discovery->record != NULL ? md_dmarc_record_copy (discovery->record) : NULL;
  copy->inherited = discovery->inherited;
  copy->org_domain = g_strdup (discovery->org_domain);
  copy->org_domain_problem = g_strdup (discovery->org_domain_problem);
  copy->queried = g_strdupv (discovery->queried);
  copy->notes = md_record_warnings_copy (discovery->notes);

  return copy;
}

void
md_dmarc_discovery_free (MdDmarcDiscovery *discovery)
{
  if (discovery == NULL)
    return;

  g_free (discovery->domain);
  g_free (discovery->policy_domain);
  g_clear_pointer (&discovery->record, md_dmarc_record_free);
  g_free (discovery->org_domain);
  g_free (discovery->org_domain_problem);
  g_strfreev (discovery->queried);
  g_clear_pointer (&discovery->notes, g_ptr_array_unref);
  g_free (discovery);
}

/* The domain one label below @upper on the way to @domain: with @domain
 * "a.b.example.com" and @upper "com", "example.com". */
static char *
one_label_below (const char *domain,
                 const char *upper)
{
  gsize dlen = strlen (domain);
  gsize ulen = strlen (upper);
  const char *p;

  if (dlen == ulen)
    return g_strdup (domain);

  g_assert (dlen > ulen + 1);
  p = domain + dlen - ulen - 1;
  g_assert (*p == '.');
  while (p > domain && p[-1] != '.')
    p--;

  return g_strdup (p);
}

/* Policy discovery and organizational domain discovery (RFC 9989, both
 * built on the DNS tree walk) from one walk over md_dmarc_discovery_names(). The walk queries
 * every name (at most 8), because the organizational domain needs all of
 * them; the policy is the first valid record found. A lookup failure before
 * the policy is found is an error ("could not decide"); after it, only the
 * organizational domain is left undecided. */
MdDmarcDiscovery *
md_dmarc_discover (const char         *domain,
                   MdDmarcLookupFunc   lookup,
                   gpointer            user_data,
                   GError            **error)
{
  g_autoptr(MdDmarcDiscovery) discovery = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *org_candidate = NULL;
  g_autoptr(GStrvBuilder) queried = NULL;
  gboolean org_decided = FALSE;

  g_return_val_if_fail (lookup != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  names = md_dmarc_discovery_names (domain, error);
  if (names == NULL)
    return NULL;

  discovery = g_new0 (MdDmarcDiscovery, 1);
  discovery->domain = g_strdup (names[0] + strlen ("_dmarc."));
  discovery->notes = md_record_warnings_new ();
  queried = g_strv_builder_new ();

  for (guint i = 0; names[i] != NULL && !org_decided; i++)
    {
      const char *here = names[i] + strlen ("_dmarc.");
      g_auto(GStrv) txts = NULL;
      g_autofree char *failure = NULL;
      g_autoptr(MdDmarcRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;
      MdDmarcLookupResult result;

      g_strv_builder_add (queried, names[i]);
      result = lookup (names[i], &txts, &failure, user_data);

      if (result == MD_DMARC_LOOKUP_FAILED)
        {
          const char *reason = failure != NULL ? failure : _("lookup failed");

          if (discovery->record == NULL)
            {
              g_set_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_LOOKUP_FAILED,
                           _("Could not decide: the lookup of %s failed (%s)."),
                           names[i], reason);
              return NULL;
            }
          discovery->org_domain_problem =
            g_strdup_printf (_("The lookup of %s failed (%s)."), names[i], reason);
          break;
        }

      if (result == MD_DMARC_LOOKUP_NONE || txts == NULL || txts[0] == NULL)
        continue;

      record = md_dmarc_record_select ((const char * const *) txts, NULL, &local_error);
      if (record == NULL)
        {
          if (!g_error_matches (local_error, MD_DMARC_ERROR, MD_DMARC_ERROR_NO_RECORD))
            md_record_warnings_add (discovery->notes, "skipped-record",
                                    _("The record at %s is not used: %s"),
                                    names[i], local_error->message);
          continue;
        }

      if (record->psd == MD_DMARC_PSD_NO)
        {
          g_free (org_candidate);
          org_candidate = g_strdup (here);
          org_decided = TRUE;
        }
      else if (record->psd == MD_DMARC_PSD_YES)
        {
          g_free (org_candidate);
          org_candidate = one_label_below (discovery->domain, here);
          org_decided = TRUE;
        }
      else
        {
          /* The valid record with the fewest labels wins; the walk goes
           * upwards, so the latest one found. */
          g_free (org_candidate);
          org_candidate = g_strdup (here);
        }

      if (discovery->record == NULL)
        {
          discovery->policy_domain = g_strdup (here);
          discovery->inherited = i > 0;
          discovery->record = g_steal_pointer (&record);
        }
    }

  discovery->queried = g_strv_builder_end (queried);
  if (discovery->org_domain_problem == NULL)
    discovery->org_domain = org_candidate != NULL ? g_steal_pointer (&org_candidate)
                                                  : g_strdup (discovery->domain);

  return g_steal_pointer (&discovery);
}

/* The policy a receiver applies to mail from the domain asked about: p for
 * the domain that published it, sp for a subdomain that exists, np for one
 * that does not (RFC 9989). */
MdDmarcPolicy
md_dmarc_discovery_policy_for (const MdDmarcDiscovery *discovery,
                               gboolean                domain_exists)
{
  g_return_val_if_fail (discovery != NULL, MD_DMARC_POLICY_NONE);

  if (discovery->record == NULL)
    return MD_DMARC_POLICY_NONE;
  if (!domain_exists)
    return discovery->record->nonexistent_policy;
  if (discovery->inherited)
    return discovery->record->subdomain_policy;

  return discovery->record->policy;
}

static gboolean
is_same_or_below (const char *name,
                  const char *ancestor)
{
  gsize nlen = strlen (name);
  gsize alen = strlen (ancestor);

  if (nlen == alen)
    return g_ascii_strcasecmp (name, ancestor) == 0;

  return nlen > alen && name[nlen - alen - 1] == '.' &&
         g_ascii_strcasecmp (name + nlen - alen, ancestor) == 0;
}

/* An external report destination (RFC 9990/9991, formerly RFC 7489 7.1)
 * must authorise the reports when it lies outside the organizational domain
 * of the domain that published the policy. A destination at or below that
 * organizational domain shares it; one outside cannot. */
gboolean
md_dmarc_report_needs_authorization (const char *policy_org_domain,
                                     const char *destination_domain)
{
  g_autofree char *org = md_record_normalize_domain (policy_org_domain);
  g_autofree char *dest = md_record_normalize_domain (destination_domain);

  g_return_val_if_fail (org != NULL, TRUE);
  g_return_val_if_fail (dest != NULL, TRUE);

  return !is_same_or_below (dest, org);
}

/* "<policy domain>._report._dmarc.<destination domain>" */
char *
md_dmarc_report_authorization_name (const char *policy_domain,
                                    const char *destination_domain)
{
  g_autofree char *policy = md_record_normalize_domain (policy_domain);
  g_autofree char *dest = md_record_normalize_domain (destination_domain);

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (dest != NULL, NULL);

  return g_strconcat (policy, "._report._dmarc.", dest, NULL);
}

/* Identifier alignment (RFC 9989): in strict mode the authenticated
 * domain (SPF MAIL FROM domain or DKIM d=) must equal the From domain; in
 * relaxed mode their organizational domains must be equal. The caller
 * determines those with md_dmarc_discover() for each domain; they are only
 * read in relaxed mode. */
gboolean
md_dmarc_identifier_aligned (MdDmarcAlignment  mode,
                             const char       *from_domain,
                             const char       *from_org_domain,
                             const char       *auth_domain,
                             const char       *auth_org_domain)
{
  g_autofree char *from = md_record_normalize_domain (from_domain);
  g_autofree char *auth = md_record_normalize_domain (auth_domain);
  g_autofree char *from_org = NULL;
  g_autofree char *auth_org = NULL;

  if (from == NULL || auth == NULL)
    return FALSE;
  if (g_str_equal (from, auth))
    return TRUE;
  if (mode == MD_DMARC_ALIGNMENT_STRICT)
    return FALSE;

  g_return_val_if_fail (from_org_domain != NULL, FALSE);
  g_return_val_if_fail (auth_org_domain != NULL, FALSE);

  from_org = md_record_normalize_domain (from_org_domain);
  auth_org = md_record_normalize_domain (auth_org_domain);

  return from_org != NULL && auth_org != NULL && g_str_equal (from_org, auth_org);
}

/* The destination authorises when a TXT record at that name begins with
 * v=DMARC1; other tags there do not matter. */
gboolean
md_dmarc_report_authorization_ok (const char * const *txts)
{
  for (guint i = 0; txts != NULL && txts[i] != NULL; i++)
    if (is_dmarc_candidate (txts[i]))
      return TRUE;

  return FALSE;
}
