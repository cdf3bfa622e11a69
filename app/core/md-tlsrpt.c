/* md-tlsrpt.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-tlsrpt.h"

G_DEFINE_QUARK (md-tlsrpt-error-quark, md_tlsrpt_error)

G_DEFINE_BOXED_TYPE (MdTlsRptRecord, md_tlsrpt_record,
                     md_tlsrpt_record_copy, md_tlsrpt_record_free)

MdTlsRptRecord *
md_tlsrpt_record_copy (const MdTlsRptRecord *record)
{
  MdTlsRptRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_new0 (MdTlsRptRecord, 1);
  copy->text = g_strdup (record->text);
  copy->rua = g_strdupv (record->rua);
  copy->extensions = g_strdupv (record->extensions);
  copy->warnings = md_record_warnings_copy (record->warnings);

  return copy;
}

void
md_tlsrpt_record_free (MdTlsRptRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->text);
  g_strfreev (record->rua);
  g_strfreev (record->extensions);
  g_clear_pointer (&record->warnings, g_ptr_array_unref);
  g_free (record);
}

/* URI syntax is GLib's (RFC 3986); RFC 8460 adds the two schemes. */
static gboolean
check_uri (const char  *uri,
           GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *shown = md_record_describe (uri);
  const char *scheme;

  if (uri[0] == '\0')
    {
      g_set_error_literal (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI,
                           _("The rua field contains an empty report address."));
      return FALSE;
    }

  if (strpbrk (uri, " \t") == NULL)
    parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    {
      g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI,
                   _("The report address “%s” is not a valid URI."), shown);
      return FALSE;
    }

  scheme = g_uri_get_scheme (parsed);
  if (g_ascii_strcasecmp (scheme, "mailto") == 0)
    {
      const char *path = g_uri_get_path (parsed);
      const char *at = strrchr (path, '@');

      if (at == NULL || at == path || at[1] == '\0')
        {
          g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI,
                       _("The report address “%s” names no mailbox."), shown);
          return FALSE;
        }
    }
  else if (g_ascii_strcasecmp (scheme, "https") == 0)
    {
      if (g_uri_get_host (parsed) == NULL || g_uri_get_host (parsed)[0] == '\0')
        {
          g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI,
                       _("The report address “%s” names no web server."), shown);
          return FALSE;
        }
    }
  else
    {
      g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI,
                   _("The report address “%s” is neither mailto: nor https:, the only "
                     "schemes TLS reports are sent to."),
                   shown);
      return FALSE;
    }

  return TRUE;
}

MdTlsRptRecord *
md_tlsrpt_record_parse (const char  *text,
                        GError     **error)
{
  g_autoptr(MdTlsRptRecord) record = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GStrvBuilder) rua = NULL;
  g_autoptr(GStrvBuilder) extensions = NULL;
  guint n_rua_fields = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_EMPTY,
                           _("The TLS-RPT record is empty."));
      return NULL;
    }

  if (g_ascii_strncasecmp (text, "v=spf1", 6) == 0)
    {
      g_set_error_literal (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_NOT_TLSRPT,
                           _("This is an SPF record (v=spf1), not a TLS-RPT record. SPF "
                             "belongs at the domain itself, TLS-RPT at _smtp._tls.<domain>."));
      return NULL;
    }

  fields = md_record_split_strict (text, "v=TLSRPTv1", MD_TLSRPT_ERROR,
                                   MD_TLSRPT_ERROR_BAD_VERSION, MD_TLSRPT_ERROR_SYNTAX,
                                   error);
  if (fields == NULL)
    return NULL;

  record = g_new0 (MdTlsRptRecord, 1);
  record->text = g_strdup (text);
  record->warnings = md_record_warnings_new ();
  rua = g_strv_builder_new ();
  extensions = g_strv_builder_new ();

  for (guint i = 0; i < fields->len; i++)
    {
      MdTag *tag = g_ptr_array_index (fields, i);

      if (g_str_equal (tag->name, "rua"))
        {
          g_auto(GStrv) uris = g_strsplit (tag->value, ",", -1);

          n_rua_fields++;
          /* g_strsplit() gives no element at all for "" */
          if (tag->value[0] == '\0' && !check_uri ("", error))
            return NULL;
          for (guint u = 0; uris[u] != NULL; u++)
            {
              g_autofree char *uri = md_record_strip (uris[u], strlen (uris[u]), " \t");

              if (!check_uri (uri, error))
                return NULL;
              g_strv_builder_add (rua, uri);
            }
        }
      else if (md_record_is_ext_name (tag->name) && md_record_is_ext_value (tag->value))
        {
          g_autofree char *ext = g_strdup_printf ("%s=%s", tag->name, tag->value);

          g_strv_builder_add (extensions, ext);
        }
      else
        {
          g_autofree char *stripped = md_record_strip (tag->raw, strlen (tag->raw), " \t");
          g_autofree char *shown = md_record_describe (stripped);

          g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_SYNTAX,
                       _("“%s” is not a valid extension field."), shown);
          return NULL;
        }
    }

  if (n_rua_fields == 0)
    {
      g_set_error_literal (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_MISSING_RUA,
                           _("The TLS-RPT record has no rua field, so nobody receives the "
                             "reports."));
      return NULL;
    }
  if (n_rua_fields > 1)
    md_record_warnings_add (record->warnings, "repeated-rua",
                            _("The rua field appears %u times; write one rua with the "
                              "addresses separated by commas, since some reporters use "
                              "only one field or reject the record."),
                            n_rua_fields);

  record->rua = g_strv_builder_end (rua);
  record->extensions = g_strv_builder_end (extensions);

  return g_steal_pointer (&record);
}

/* RFC 8460 3: TXT strings not beginning with "v=TLSRPTv1" are discarded;
 * more than one record left means no reporting. */
MdTlsRptRecord *
md_tlsrpt_record_select (const char * const  *txts,
                         GError             **error)
{
  const char *found = NULL;
  guint n_found = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; txts != NULL && txts[i] != NULL; i++)
    {
      if (g_str_has_prefix (txts[i], "v=TLSRPTv1"))
        {
          found = txts[i];
          n_found++;
        }
    }

  if (n_found == 0)
    {
      g_set_error_literal (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_NO_RECORD,
                           _("No TLS-RPT record was found."));
      return NULL;
    }
  if (n_found > 1)
    {
      g_set_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_MULTIPLE_RECORDS,
                   _("There are %u TLS-RPT records; reporters then send no reports. Keep "
                     "exactly one."),
                   n_found);
      return NULL;
    }

  return md_tlsrpt_record_parse (found, error);
}
