/* md-check-subject.c — what a check run checks, and how it is set up
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-check-run.h"
#include "md-resolver.h"

G_DEFINE_BOXED_TYPE (MdCheckSubject, md_check_subject, md_check_subject_copy, md_check_subject_free)
G_DEFINE_BOXED_TYPE (MdCheckRunOptions, md_check_run_options,
                     md_check_run_options_copy, md_check_run_options_free)
G_DEFINE_ENUM_TYPE (MdResolverTrust, md_resolver_trust,
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_PROBING, "probing"),
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_TRUSTED, "trusted"),
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_REWRITES, "rewrites"),
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_DENIES, "denies"),
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_REFUSED, "refused"),
                    G_DEFINE_ENUM_VALUE (MD_RESOLVER_TRUST_UNREACHABLE, "unreachable"))

/* Subject */

/* Validates and normalizes what the user typed. @helo is kept as typed
 * (lower-cased): judging a bad HELO is the helo check's job. */
MdCheckSubject *
md_check_subject_new (const char  *ip,
                      const char  *domain,
                      const char  *helo,
                      const char  *recipient_domain,
                      GError     **error)
{
  g_autoptr(MdCheckSubject) subject = g_new0 (MdCheckSubject, 1);
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (ip != NULL, NULL);

  stripped = g_strstrip (g_strdup (ip));
  address = g_inet_address_new_from_string (stripped);
  if (address == NULL)
    {
      g_set_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
                   _("“%s” is not an IP address"), ip);
      return NULL;
    }
  /* An IPv4-mapped IPv6 address (::ffff:192.0.2.1, as some MTAs log it) is
   * the IPv4 sender: that is what blocklists and PTR records know. */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
      const guint8 *bytes = g_inet_address_to_bytes (address);

      if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
        {
          GInetAddress *ipv4 = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);

          g_object_unref (address);
          address = ipv4;
        }
    }
  subject->ip = g_inet_address_to_string (address);

  if (domain != NULL)
    {
      subject->domain = md_blocklist_normalize_domain (domain);
      if (subject->domain == NULL)
        {
          g_set_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
                       _("“%s” is not a domain name"), domain);
          return NULL;
        }
    }

  if (recipient_domain != NULL)
    {
      subject->recipient_domain = md_blocklist_normalize_domain (recipient_domain);
      if (subject->recipient_domain == NULL)
        {
          g_set_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
                       _("“%s” is not a domain name"), recipient_domain);
          return NULL;
        }
    }

  if (helo != NULL)
    {
      g_autofree char *copy = g_strstrip (g_strdup (helo));

      subject->helo = g_ascii_strdown (copy, -1);
      if (subject->helo[0] == '\0' || strpbrk (subject->helo, " \t\r\n") != NULL)
        {
          g_set_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
                       _("“%s” is not a HELO name"), helo);
          return NULL;
        }
    }

  return g_steal_pointer (&subject);
}

MdCheckSubject *
md_check_subject_copy (const MdCheckSubject *subject)
{
  MdCheckSubject *copy;

  g_return_val_if_fail (subject != NULL, NULL);

  copy = g_new0 (MdCheckSubject, 1);
  copy->ip = g_strdup (subject->ip);
  copy->domain = g_strdup (subject->domain);
  copy->helo = g_strdup (subject->helo);
  copy->recipient_domain = g_strdup (subject->recipient_domain);
  copy->dkim_selectors = g_strdupv (subject->dkim_selectors);

  return copy;
}

void
md_check_subject_free (MdCheckSubject *subject)
{
  if (subject == NULL)
    return;

  g_free (subject->ip);
  g_free (subject->domain);
  g_free (subject->helo);
  g_free (subject->recipient_domain);
  g_strfreev (subject->dkim_selectors);
  g_free (subject);
}

/* RFC 6376 3.1: a selector is one or more sub-domain labels. */
static gboolean
is_selector (const char *text)
{
  g_auto(GStrv) labels = NULL;

  if (text[0] == '\0' || strlen (text) > 253)
    return FALSE;

  labels = g_strsplit (text, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < len; j++)
        if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-' && labels[i][j] != '_')
          return FALSE;
    }

  return TRUE;
}

/* The DKIM selectors whose keys the run checks (one "dkim/<selector>" check
 * each), lower-cased, without repeats. On error @subject is unchanged. */
gboolean
md_check_subject_set_dkim_selectors (MdCheckSubject      *subject,
                                     const char * const  *selectors,
                                     GError             **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (subject != NULL, FALSE);

  for (guint i = 0; selectors != NULL && selectors[i] != NULL; i++)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (selectors[i]));
      g_autofree char *lower = g_ascii_strdown (stripped, -1);

      if (!is_selector (lower))
        {
          g_set_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
                       _("“%s” is not a DKIM selector"), selectors[i]);
          return FALSE;
        }
      if (!g_ptr_array_find_with_equal_func (list, lower, g_str_equal, NULL))
        g_ptr_array_add (list, g_steal_pointer (&lower));
    }

  g_clear_pointer (&subject->dkim_selectors, g_strfreev);
  if (list->len > 0)
    {
      g_ptr_array_add (list, NULL);
      subject->dkim_selectors = (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
    }

  return TRUE;
}

GInetAddress *
md_check_subject_get_address (const MdCheckSubject *subject)
{
  g_return_val_if_fail (subject != NULL, NULL);

  return g_inet_address_new_from_string (subject->ip);
}

/* Options */

MdCheckRunOptions *
md_check_run_options_new (void)
{
  return g_new0 (MdCheckRunOptions, 1);
}

MdCheckRunOptions *
md_check_run_options_copy (const MdCheckRunOptions *options)
{
  MdCheckRunOptions *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_new0 (MdCheckRunOptions, 1);
  copy->resolver = g_strdup (options->resolver);
  copy->resolver_is_system = options->resolver_is_system;
  copy->public_resolver = g_strdup (options->public_resolver);
  copy->http = options->http ? g_object_ref (options->http) : NULL;
  copy->skipped_zones = g_strdupv (options->skipped_zones);
  copy->rdap_bootstrap = options->rdap_bootstrap ? md_rdap_bootstrap_ref (options->rdap_bootstrap)
                                                 : NULL;
  copy->keys = options->keys ? g_hash_table_ref (options->keys) : NULL;
  copy->catalog = options->catalog ? g_ptr_array_ref (options->catalog) : NULL;
  copy->authoritative_port = options->authoritative_port;
  copy->authoritative_address = g_strdup (options->authoritative_address);
  copy->share = options->share ? md_check_share_ref (options->share) : NULL;
  copy->ip_checks_only = options->ip_checks_only;

  return copy;
}

void
md_check_run_options_free (MdCheckRunOptions *options)
{
  if (options == NULL)
    return;

  g_free (options->resolver);
  g_free (options->public_resolver);
  g_clear_object (&options->http);
  g_strfreev (options->skipped_zones);
  g_clear_pointer (&options->rdap_bootstrap, md_rdap_bootstrap_unref);
  g_clear_pointer (&options->keys, g_hash_table_unref);
  g_clear_pointer (&options->catalog, g_ptr_array_unref);
  g_free (options->authoritative_address);
  g_clear_pointer (&options->share, md_check_share_unref);
  g_free (options);
}

void
md_check_run_options_set_resolver (MdCheckRunOptions *options,
                                   MdResolver        *resolver)
{
  g_auto(GStrv) servers = NULL;

  g_return_if_fail (options != NULL);
  g_return_if_fail (MD_IS_RESOLVER (resolver));

  /* The servers the same way in every language: the report and the saved
   * run name them, not the UI's description. */
  servers = md_resolver_get_servers (resolver);
  g_free (options->resolver);
  options->resolver = g_strjoinv (", ", servers);
  options->resolver_is_system = md_resolver_is_system (resolver);
  g_free (options->public_resolver);
  options->public_resolver = g_strdup (md_resolver_get_public_resolver_name (resolver));
}

/* Resolver trust */

const char *
md_resolver_trust_to_string (MdResolverTrust trust)
{
  switch (trust)
    {
    case MD_RESOLVER_TRUST_PROBING:     return "probing";
    case MD_RESOLVER_TRUST_TRUSTED:     return "trusted";
    case MD_RESOLVER_TRUST_REWRITES:    return "rewrites";
    case MD_RESOLVER_TRUST_DENIES:      return "denies";
    case MD_RESOLVER_TRUST_REFUSED:     return "refused";
    case MD_RESOLVER_TRUST_UNREACHABLE: return "unreachable";
    default:                            return "unknown";
    }
}

/* One line a user understands, for the CLI's resolver line and the banner. */
const char *
md_resolver_trust_describe (MdResolverTrust trust)
{
  switch (trust)
    {
    case MD_RESOLVER_TRUST_PROBING:
      return _("not checked yet");
    case MD_RESOLVER_TRUST_TRUSTED:
      return _("answers truthfully");
    case MD_RESOLVER_TRUST_REWRITES:
      return _("rewrites answers: it gives addresses for names that do not exist");
    case MD_RESOLVER_TRUST_DENIES:
      return _("denies names that exist: it answers “no such name” for them");
    case MD_RESOLVER_TRUST_REFUSED:
      return _("refused by blocklists: they will not answer it");
    case MD_RESOLVER_TRUST_UNREACHABLE:
      return _("gives no usable answers");
    default:
      return "";
    }
}

/* What MailDoctor does about a resolver in that state, as one sentence for
 * the banner and Preferences' test; NULL when there is nothing to say. */
const char *
md_resolver_trust_consequence (MdResolverTrust trust)
{
  switch (trust)
    {
    case MD_RESOLVER_TRUST_REWRITES:
    case MD_RESOLVER_TRUST_DENIES:
      return _("What it answered “no” or made up is shown as “could not decide”.");
    case MD_RESOLVER_TRUST_REFUSED:
      return _("Blocklists are asked on their own servers where possible.");
    case MD_RESOLVER_TRUST_UNREACHABLE:
      return _("Checks through it end as “could not decide”.");
    case MD_RESOLVER_TRUST_PROBING:
    case MD_RESOLVER_TRUST_TRUSTED:
    default:
      return NULL;
    }
}
