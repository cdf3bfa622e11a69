/* md-receivers.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MD_RECEIVER_ERROR (md_receiver_error_quark ())

typedef enum
{
  MD_RECEIVER_ERROR_INVALID_DATA,
} MdReceiverError;

/* Who runs a set of MX hosts (resources/data/receivers.xml), and the one
 * vocabulary of receivers: the rejection parser's provider and service are
 * a receiver's. */
typedef struct
{
  char  *id;         /* "microsoft-365", "outlook-com", … */
  char  *family;     /* "microsoft", "google", "united-internet", … */
  char  *provider;   /* the parser's provider: "microsoft", "web.de", … */
  char  *service;    /* the parser's service: "exchange-online", … or NULL */
  char  *kind;       /* "business", "consumer", "filter", "hosting" */
  char  *name;       /* translated */
  char  *short_name; /* for narrow tables ("Outlook.com"), or NULL */
  char  *note;       /* translated */
  char  *delist;     /* URL or NULL */
  GStrv  patterns;   /* lower-case host name patterns, "*" as wildcard */
} MdReceiver;

#define MD_TYPE_RECEIVER (md_receiver_get_type ())

GQuark            md_receiver_error_quark      (void);
GType             md_receiver_get_type         (void) G_GNUC_CONST;
MdReceiver       *md_receiver_copy             (const MdReceiver *receiver);
void              md_receiver_free             (MdReceiver       *receiver);

GPtrArray        *md_receiver_catalog_load     (GError          **error);
GPtrArray        *md_receiver_catalog_parse    (const char       *data,
                                                gssize            length,
                                                GError          **error);
const MdReceiver *md_receiver_catalog_match    (GPtrArray        *catalog,
                                                const char       *host);

const MdReceiver *md_receiver_lookup           (const char       *id);
const MdReceiver *md_receiver_lookup_service   (const char       *provider,
                                                const char       *service);
const char       *md_receiver_provider_name    (const char       *provider);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdReceiver, md_receiver_free)

G_END_DECLS
