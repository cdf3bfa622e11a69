/* md-resolver.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-dns.h"

G_BEGIN_DECLS

#define MD_RESOLVER_ERROR (md_resolver_error_quark ())

typedef enum
{
  MD_RESOLVER_ERROR_INVALID_SERVERS,
  MD_RESOLVER_ERROR_INIT,
} MdResolverError;

/* The per-query deadline when nobody sets one. */
#define MD_RESOLVER_DEFAULT_TIMEOUT_MS 4000

#define MD_TYPE_RESOLVER (md_resolver_get_type ())
G_DECLARE_FINAL_TYPE (MdResolver, md_resolver, MD, RESOLVER, GObject)

GQuark       md_resolver_error_quark                (void);

MdResolver  *md_resolver_new                        (GError              **error);
MdResolver  *md_resolver_new_for_servers            (const char           *servers,
                                                     GError              **error);

MdResolver  *md_resolver_new_for_authoritative      (const char           *servers,
                                                     GError              **error);

GStrv        md_resolver_parse_servers              (const char           *servers,
                                                     GError              **error);

gboolean     md_resolver_is_system                  (MdResolver           *self);
GStrv        md_resolver_get_servers                (MdResolver           *self);
char        *md_resolver_describe                   (MdResolver           *self);
const char  *md_resolver_get_public_resolver_name   (MdResolver           *self);
const char  *md_resolver_lookup_public_resolver     (GInetAddress         *address);

guint        md_resolver_get_timeout                (MdResolver           *self);
void         md_resolver_set_timeout                (MdResolver           *self,
                                                     guint                 timeout_ms);
guint        md_resolver_get_n_pending              (MdResolver           *self);

void         md_resolver_query_async                (MdResolver           *self,
                                                     const char           *name,
                                                     MdDnsType             type,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MdDnsAnswer *md_resolver_query_finish               (MdResolver           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

char        *md_dns_reverse_name                    (GInetAddress         *address,
                                                     const char           *zone);

MdDnsAnswer *md_dns_message_parse                   (const guint8         *message,
                                                     gsize                 length,
                                                     const char           *name,
                                                     MdDnsType             type);

G_END_DECLS
