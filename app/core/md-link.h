/* md-link.h — the one check for every link and address that leaves the app
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MD_LINK_ERROR (md_link_error_quark ())

typedef enum
{
  MD_LINK_ERROR_INVALID,        /* not a URL / address at all, or characters no link holds */
  MD_LINK_ERROR_NOT_HTTPS,      /* a scheme other than https */
  MD_LINK_ERROR_USERINFO,       /* "user:password@" before the host */
  MD_LINK_ERROR_PORT,           /* a port other than 443 */
  MD_LINK_ERROR_HOST,           /* a host that is not a plain DNS name */
  MD_LINK_ERROR_NOT_ALLOWED,    /* a host or domain outside the allow-list */
} MdLinkError;

GQuark    md_link_error_quark   (void);

/* Checks @url as a link to open in the user's browser: https only, no
 * userinfo, no port but 443, no backslash, control character or space
 * anywhere, a host that is a DNS name (no IP literal, no percent-encoding)
 * and — when @domains is not NULL — equal to or below one of @domains after
 * IDNA normalisation (g_hostname_to_ascii).
 *
 * Returns the link to show and to open (the host in its ASCII form, no
 * default port), or NULL with @error set. Show and open that string, never
 * @url: then the user sees the page that opens. */
char     *md_link_check_url     (const char         *url,
                                 const char * const *domains,
                                 GError            **error);

/* Checks @address as a recipient: one plain dot-atom "local@domain" (no
 * quotes, spaces, control characters, angle brackets, commas; not starting
 * with "-"; at most 254 bytes), whose domain — when @domains is not NULL —
 * equals or lies below one of @domains after IDNA normalisation.
 *
 * Returns the address to use (the domain in lower-case ASCII), or NULL with
 * @error set. */
char     *md_link_check_address (const char         *address,
                                 const char * const *domains,
                                 GError            **error);

/* TRUE when @host (already ASCII and lower case) equals or lies below one of
 * @domains (compared after IDNA normalisation). */
gboolean  md_link_host_in_domains (const char         *host,
                                   const char * const *domains);

G_END_DECLS
