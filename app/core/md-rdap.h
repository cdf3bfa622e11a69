/* md-rdap.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-http.h"

G_BEGIN_DECLS

/* Who owns an IP address: RDAP (RFC 9082/9083) over HTTPS. The registry
 * comes from IANA's bootstrap files (RFC 9224), bundled as resources and
 * refreshed into the user cache dir when stale. */

#define MD_RDAP_ERROR (md_rdap_error_quark ())

typedef enum
{
  MD_RDAP_ERROR_BAD_BOOTSTRAP,
  MD_RDAP_ERROR_NO_REGISTRY,     /* no registry in the bootstrap covers the address */
  MD_RDAP_ERROR_SPECIAL_ADDRESS, /* private, loopback, link-local …: nobody owns it publicly */
  MD_RDAP_ERROR_NOT_FOUND,       /* the registry answered 404 */
  MD_RDAP_ERROR_BAD_RESPONSE,    /* not RDAP JSON, or an RDAP error object */
} MdRdapError;

#define MD_RDAP_IANA_BOOTSTRAP_BASE   "https://data.iana.org/rdap/"
#define MD_RDAP_BOOTSTRAP_MAX_AGE_DAYS 30

typedef struct _MdRdapBootstrap MdRdapBootstrap;

typedef struct
{
  char      *address;          /* the address asked about */
  char      *url;              /* the URL that answered (after redirects and a referral) */
  char      *referred_from;    /* the first registry's URL when it referred us on, else NULL */
  char      *handle;
  char      *name;
  char      *type;
  char      *country;
  char      *start_address;
  char      *end_address;
  char      *parent_handle;
  GStrv      cidrs;            /* cidr0_cidrs, or the one prefix that start..end is */
  char      *covering_prefix;  /* the smallest prefix holding start..end */
  char      *organisation;     /* the registrant's vCard org or fn */
  char      *abuse_name;
  char      *abuse_email;
} MdRdapNetwork;

#define MD_TYPE_RDAP_NETWORK   (md_rdap_network_get_type ())
#define MD_TYPE_RDAP_BOOTSTRAP (md_rdap_bootstrap_get_type ())

GQuark           md_rdap_error_quark              (void);

GType            md_rdap_network_get_type         (void) G_GNUC_CONST;
MdRdapNetwork   *md_rdap_network_copy             (const MdRdapNetwork *network);
void             md_rdap_network_free             (MdRdapNetwork       *network);
MdRdapNetwork   *md_rdap_network_parse            (const char          *json,
                                                   gssize               length,
                                                   GError             **error);

GType            md_rdap_bootstrap_get_type       (void) G_GNUC_CONST;
MdRdapBootstrap *md_rdap_bootstrap_new            (void);
MdRdapBootstrap *md_rdap_bootstrap_new_bundled    (GError             **error);
gboolean         md_rdap_bootstrap_add_file       (MdRdapBootstrap     *self,
                                                   GBytes              *json,
                                                   GError             **error);
MdRdapBootstrap *md_rdap_bootstrap_ref            (MdRdapBootstrap     *self);
void             md_rdap_bootstrap_unref          (MdRdapBootstrap     *self);
GDateTime       *md_rdap_bootstrap_get_publication (MdRdapBootstrap    *self,
                                                   GSocketFamily        family);
const char      *md_rdap_bootstrap_get_source     (MdRdapBootstrap     *self);
const char      *md_rdap_bootstrap_get_refresh_error (MdRdapBootstrap  *self);
char            *md_rdap_bootstrap_lookup         (MdRdapBootstrap     *self,
                                                   GInetAddress        *address);

void             md_rdap_bootstrap_refresh_async  (MdHttp              *http,
                                                   const char          *base_url,
                                                   const char          *cache_dir,
                                                   guint                max_age_days,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
MdRdapBootstrap *md_rdap_bootstrap_refresh_finish (GAsyncResult        *result,
                                                   GError             **error);

void             md_rdap_lookup_async             (MdHttp              *http,
                                                   MdRdapBootstrap     *bootstrap,
                                                   GInetAddress        *address,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
MdRdapNetwork   *md_rdap_lookup_finish            (GAsyncResult        *result,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdRdapNetwork, md_rdap_network_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdRdapBootstrap, md_rdap_bootstrap_unref)

G_END_DECLS
