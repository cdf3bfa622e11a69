/* md-resolver-trust.h — is a resolver telling the truth? One probe, asked by
 * a check run and by Preferences' Test button alike
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-check-run.h"
#include "md-dns.h"

G_BEGIN_DECLS

/* What the probe found (md-check-resolver.c). */
typedef struct
{
  MdResolverTrust  trust;
  /* What is wrong, as one clause ("denies names that exist: it answers “no
   * such name” for a.root-servers.net"); NULL when trusted. */
  char            *reason;
  /* The answers behind the verdict: "A a.root-servers.net" → {"status", …}. */
  JsonObject      *evidence;
  /* Of GInetAddress*: what the resolver gave for a name that cannot exist;
   * NULL unless REWRITES. */
  GPtrArray       *rewrites;
} MdResolverTrustVerdict;

#define MD_TYPE_RESOLVER_TRUST_VERDICT (md_resolver_trust_verdict_get_type ())

GType                   md_resolver_trust_verdict_get_type (void) G_GNUC_CONST;
MdResolverTrustVerdict *md_resolver_trust_verdict_copy     (const MdResolverTrustVerdict *verdict);
void                    md_resolver_trust_verdict_free     (MdResolverTrustVerdict *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdResolverTrustVerdict, md_resolver_trust_verdict_free)

/* The probe a check run makes, without a subject: the root, a root server,
 * a random name, and the RFC 5782 "must be listed" entry of each list of
 * @catalog (NULL: the bundled one) that is not in @skipped_zones, keyed
 * lists with @keys (NULL: none). Every question is asked at once, through
 * @source. The only error is G_IO_ERROR_CANCELLED: a resolver that does
 * not answer is the verdict MD_RESOLVER_TRUST_UNREACHABLE. */
void                    md_resolver_trust_probe_async  (MdDnsSource         *source,
                                                        GPtrArray           *catalog,
                                                        GHashTable          *keys,
                                                        const char * const  *skipped_zones,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
MdResolverTrustVerdict *md_resolver_trust_probe_finish (GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
