/* md-link.c — the one check for every link and address that leaves the app
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-link.h"

#include <string.h>

/* The messages are for logs and tests: what the user reads is the warning of
 * whoever called (it names the address or link and the receiver). */

G_DEFINE_QUARK (md-link-error-quark, md_link_error)

/* A DNS name in lower-case ASCII, or NULL: no IP literal, no
 * percent-encoding, labels of letters, digits and inner hyphens. */
static char *
normalize_host (const char  *raw,
                GError     **error)
{
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  g_auto(GStrv) labels = NULL;
  gsize len;

  if (raw == NULL || *raw == '\0')
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST, "no host");
      return NULL;
    }
  if (strchr (raw, '%') != NULL || raw[0] == '[' || g_hostname_is_ip_address (raw))
    {
      g_set_error (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST,
                   "“%s” is not a plain host name", raw);
      return NULL;
    }

  /* IDNA (UTS #46 as GLib implements it): "ＳＥＮＤＥＲ.office.com" and
   * "sender.office.com" are the same host, and the allow-list must see that. */
  ascii = g_hostname_to_ascii (raw);
  if (ascii == NULL)
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST, "not a valid host name");
      return NULL;
    }
  lower = g_ascii_strdown (ascii, -1);
  len = strlen (lower);
  if (len > 0 && lower[len - 1] == '.')
    lower[--len] = '\0';
  if (len == 0 || len > 253 || strchr (lower, '.') == NULL || g_hostname_is_ip_address (lower))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST, "not a DNS name");
      return NULL;
    }

  labels = g_strsplit (lower, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize label_len = strlen (labels[i]);

      if (label_len == 0 || label_len > 63 || labels[i][0] == '-' ||
          labels[i][label_len - 1] == '-')
        {
          g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST, "not a DNS name");
          return NULL;
        }
      for (const char *p = labels[i]; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-')
          {
            g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_HOST, "not a DNS name");
            return NULL;
          }
    }

  return g_steal_pointer (&lower);
}

gboolean
md_link_host_in_domains (const char         *host,
                         const char * const *domains)
{
  gsize host_len;

  g_return_val_if_fail (host != NULL, FALSE);

  if (domains == NULL)
    return FALSE;

  host_len = strlen (host);
  for (guint i = 0; domains[i] != NULL; i++)
    {
      g_autofree char *domain = normalize_host (domains[i], NULL);
      gsize domain_len;

      if (domain == NULL)
        continue;
      domain_len = strlen (domain);
      if (g_str_equal (host, domain))
        return TRUE;
      /* Below it: a whole label more, never "evilsender.office.com". */
      if (host_len > domain_len && host[host_len - domain_len - 1] == '.' &&
          g_str_equal (host + host_len - domain_len, domain))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; p != NULL && *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  return TRUE;
}

char *
md_link_check_url (const char         *url,
                   const char * const *domains,
                   GError            **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *raw_host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *host = NULL;
  const char *authority;
  gsize authority_len;
  int port = -1;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (url == NULL || *url == '\0' || !g_utf8_validate (url, -1, NULL))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID, "not a URL");
      return NULL;
    }

  /* Browsers read "\" as "/" and skip spaces and control characters that
   * GUri keeps: a link holding any of them can mean two hosts. */
  for (const guchar *p = (const guchar *) url; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f || *p == '\\')
      {
        g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                             "a backslash, space or control character in the link");
        return NULL;
      }

  /* Encoded and non-DNS: the host exactly as written, so that a
   * percent-encoded host is seen (and refused) rather than decoded. */
  if (!g_uri_split (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, &scheme, &userinfo,
                    &raw_host, &port, &path, &query, &fragment, NULL))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID, "not a URL");
      return NULL;
    }

  if (scheme == NULL || g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_NOT_HTTPS, "not an https link");
      return NULL;
    }

  /* "https:" then "//" and the authority, nothing else ("https:x@https://…"
   * has no host of its own); any "@" in the authority is userinfo to a
   * browser, whatever GUri made of it. */
  if (raw_host == NULL || strncmp (url + strlen (scheme), "://", 3) != 0 ||
      (path != NULL && path[0] != '\0' && path[0] != '/'))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID, "no host");
      return NULL;
    }
  authority = url + strlen (scheme) + 3;
  authority_len = strcspn (authority, "/?#");
  if (userinfo != NULL || memchr (authority, '@', authority_len) != NULL)
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_USERINFO,
                           "a user name before the host");
      return NULL;
    }

  if (port != -1 && port != 443)
    {
      g_set_error (error, MD_LINK_ERROR, MD_LINK_ERROR_PORT, "port %d", port);
      return NULL;
    }

  /* The host as written in the link, not as GUri returns it (decoded, or
   * percent-encoded when it is not ASCII): "%2e" must be seen to be refused,
   * and IDNA needs the Unicode. */
  g_free (raw_host);
  raw_host = g_strndup (authority, authority_len);
  if (raw_host[0] != '[' && strrchr (raw_host, ':') != NULL)
    *strrchr (raw_host, ':') = '\0';
  host = normalize_host (raw_host, error);
  if (host == NULL)
    return NULL;

  if (!is_printable_ascii (path) || !is_printable_ascii (query) || !is_printable_ascii (fragment))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                           "characters outside printable ASCII in the path");
      return NULL;
    }

  if (domains != NULL && !md_link_host_in_domains (host, domains))
    {
      g_set_error (error, MD_LINK_ERROR, MD_LINK_ERROR_NOT_ALLOWED,
                   "%s is not on the allow-list", host);
      return NULL;
    }

  return g_strconcat ("https://", host,
                      path != NULL && *path != '\0' ? path : "/",
                      query != NULL ? "?" : "", query != NULL ? query : "",
                      fragment != NULL ? "#" : "", fragment != NULL ? fragment : "",
                      NULL);
}

char *
md_link_check_address (const char         *address,
                       const char * const *domains,
                       GError            **error)
{
  const char *at;
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = address != NULL ? strlen (address) : 0;
  at = address != NULL ? strchr (address, '@') : NULL;
  if (len == 0 || len > 254 || at == NULL || at != strrchr (address, '@') ||
      at == address || at - address > 64 || at[1] == '\0')
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                           "not a single address local@domain");
      return NULL;
    }

  /* A leading "-" reads as an option to whatever program gets the address
   * (sendmail, xdg-email); quotes, spaces, angle brackets, commas and
   * control characters change what a header or a mailto: URI says. What
   * remains is the dot-atom every receiver's delist address uses. */
  if (address[0] == '-' || address[0] == '.' || at[-1] == '.')
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                           "the address starts with “-” or a dot");
      return NULL;
    }
  for (const char *p = address; p < at; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("._+=-", *p) != NULL) || (*p == '.' && p[1] == '.'))
      {
        g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                             "a character no delist address holds");
        return NULL;
      }
  for (const guchar *p = (const guchar *) at + 1; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f || strchr ("\"'<>,;:()[]\\/%@", *p) != NULL)
      {
        g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID,
                             "a character no domain holds");
        return NULL;
      }
  if (!g_utf8_validate (at + 1, -1, NULL))
    {
      g_set_error_literal (error, MD_LINK_ERROR, MD_LINK_ERROR_INVALID, "not UTF-8");
      return NULL;
    }

  domain = normalize_host (at + 1, error);
  if (domain == NULL)
    return NULL;

  if (domains != NULL && !md_link_host_in_domains (domain, domains))
    {
      g_set_error (error, MD_LINK_ERROR, MD_LINK_ERROR_NOT_ALLOWED,
                   "%s is not on the allow-list", domain);
      return NULL;
    }

  local = g_strndup (address, at - address);

  return g_strconcat (local, "@", domain, NULL);
}
