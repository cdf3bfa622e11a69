/* md-test-zone.h — an in-memory MdDnsSource for tests
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "md-dns.h"

G_BEGIN_DECLS

#define MD_TYPE_TEST_ZONE (md_test_zone_get_type ())
G_DECLARE_FINAL_TYPE (MdTestZone, md_test_zone, MD, TEST_ZONE, GObject)

MdTestZone *md_test_zone_new            (void);

/* Records are kept in the order added; names compare case-insensitively. */
void        md_test_zone_add_address    (MdTestZone          *self,
                                         const char          *name,
                                         const char          *address);
void        md_test_zone_add_txt        (MdTestZone          *self,
                                         const char          *name,
                                         MdDnsType            type,
                                         const char * const  *strings);
void        md_test_zone_add_mx         (MdTestZone          *self,
                                         const char          *name,
                                         guint16              preference,
                                         const char          *exchange);
void        md_test_zone_add_target     (MdTestZone          *self,
                                         const char          *name,
                                         MdDnsType            type,
                                         const char          *target);
/* The name exists but has no record of @type (the suite's "TXT: NONE"). */
void        md_test_zone_add_empty      (MdTestZone          *self,
                                         const char          *name,
                                         MdDnsType            type);
/* The suite's TIMEOUT marker: a question of a type that has no record
 * before the marker gets MD_DNS_STATUS_TIMEOUT. */
void        md_test_zone_add_timeout    (MdTestZone          *self,
                                         const char          *name);
/* Every question for @name and @type gets @status (SERVFAIL, REFUSED, …). */
void        md_test_zone_set_status     (MdTestZone          *self,
                                         const char          *name,
                                         MdDnsType            type,
                                         MdDnsStatus          status);

/* Loads an RFC 7208 suite "zonedata" map (as converted by
 * tests/data/spf/yaml2json.py), with the reference runner's rules. */
gboolean    md_test_zone_load_suite     (MdTestZone          *self,
                                         JsonObject          *zonedata,
                                         GError             **error);

guint       md_test_zone_get_queries    (MdTestZone          *self);

G_END_DECLS
