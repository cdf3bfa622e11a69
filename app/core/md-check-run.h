/* md-check-run.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-check.h"
#include "md-dns.h"
#include "md-http.h"
#include "md-rdap.h"
#include "md-types.h"

G_BEGIN_DECLS

#define MD_CHECK_RUN_ERROR (md_check_run_error_quark ())

typedef enum
{
  MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
  MD_CHECK_RUN_ERROR_ALREADY_STARTED,
} MdCheckRunError;

#define MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT 256
#define MD_CHECK_RUN_DEFAULT_DEADLINE_MS   20000

/* What a run checks: the sending IP, and optionally the sending domain, the
 * HELO name and the recipient's domain. */
typedef struct
{
  char *ip;                 /* normalized textual address */
  char *domain;
  char *helo;
  char *recipient_domain;
  GStrv dkim_selectors;     /* DKIM selectors the user named (lower case); NULL: none */
} MdCheckSubject;

#define MD_TYPE_CHECK_SUBJECT (md_check_subject_get_type ())

GType           md_check_subject_get_type     (void) G_GNUC_CONST;
MdCheckSubject *md_check_subject_new          (const char            *ip,
                                               const char            *domain,
                                               const char            *helo,
                                               const char            *recipient_domain,
                                               GError               **error);
MdCheckSubject *md_check_subject_copy         (const MdCheckSubject  *subject);
void            md_check_subject_free         (MdCheckSubject        *subject);
GInetAddress   *md_check_subject_get_address  (const MdCheckSubject  *subject);
gboolean        md_check_subject_set_dkim_selectors
                                              (MdCheckSubject        *subject,
                                               const char * const    *selectors,
                                               GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCheckSubject, md_check_subject_free)

/* What the run learned about the resolver that answers it (md-check-resolver.c).
 * Anything but TRUSTED and REFUSED turns every negative or rewritten answer
 * (NXDOMAIN, NODATA, an address the resolver gave for a name that cannot
 * exist) into "could not decide". */
typedef enum
{
  MD_RESOLVER_TRUST_PROBING,      /* not known yet */
  MD_RESOLVER_TRUST_TRUSTED,
  MD_RESOLVER_TRUST_REWRITES,     /* answers for a name that cannot exist */
  MD_RESOLVER_TRUST_DENIES,       /* "no such name" for names that exist */
  MD_RESOLVER_TRUST_REFUSED,      /* blocklists refuse it (public/open resolver codes) */
  MD_RESOLVER_TRUST_UNREACHABLE,  /* no usable answer at all */
} MdResolverTrust;

#define MD_TYPE_RESOLVER_TRUST (md_resolver_trust_get_type ())

GType        md_resolver_trust_get_type    (void) G_GNUC_CONST;
const char  *md_resolver_trust_to_string   (MdResolverTrust trust);
const char  *md_resolver_trust_describe    (MdResolverTrust trust);
const char  *md_resolver_trust_consequence (MdResolverTrust trust);

/* What the runs of one bulk check share (md-check-run.c): one answer per
 * distinct DNS question across all of them (the lists' RFC 5782 self-tests,
 * the domain's records, the lists' own servers are asked once, not once per
 * IP), one bound on questions in flight for all of them together, and one
 * resolver-trust probe, whose verdict every run takes. Set it in the
 * options of each run; keep one share per resolver. The runs' own
 * md_check_run_set_max_in_flight() does not apply then: the share's bound
 * does. Answers are kept as long as the share lives (one bulk check, one
 * round of the watch). */
typedef struct _MdCheckShare MdCheckShare;

#define MD_TYPE_CHECK_SHARE (md_check_share_get_type ())

GType         md_check_share_get_type           (void) G_GNUC_CONST;
MdCheckShare *md_check_share_new                (guint         max_in_flight);
MdCheckShare *md_check_share_ref                (MdCheckShare *share);
void          md_check_share_unref              (MdCheckShare *share);
guint         md_check_share_get_n_queries      (MdCheckShare *share);
guint         md_check_share_get_peak_in_flight (MdCheckShare *share);
guint         md_check_share_get_max_in_flight  (MdCheckShare *share);
guint         md_check_share_get_n_probes       (MdCheckShare *share);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCheckShare, md_check_share_unref)

/* How a run is set up: everything but the DNS source and the subject. One
 * object, built by the front end (from GSettings and the keyring, or from
 * command-line options), so nothing between the settings and the checks
 * needs to know what a provider wants. */
typedef struct
{
  char            *resolver;          /* the servers asked, for the report ("192.0.2.53:53") */
  gboolean         resolver_is_system;/* from the system configuration, not chosen */
  char            *public_resolver;   /* a well-known public resolver's name, or NULL */
  MdHttp          *http;              /* NULL: no checks over HTTP(S) */
  GStrv            skipped_zones;     /* blocklists the user switched off */
  MdRdapBootstrap *rdap_bootstrap;    /* NULL: refresh the bundled IANA files */
  /* Access keys of keyed lists, by the catalog's key id ("spamhaus-dqs"
   * → key): secrets, never reported, logged or stored. NULL: none. */
  GHashTable      *keys;
  /* The blocklists to ask (of MdBlocklist*, md_blocklist_catalog_parse());
   * NULL: the bundled catalog. */
  GPtrArray       *catalog;
  /* Test only (tests/test-resolver-trust.c): where the lists' own servers
   * are asked instead of their NS addresses' port 53. The product never
   * sets it. */
  guint16          authoritative_port;
  char            *authoritative_address;
  /* Bulk checks: NULL, or what this run shares with the other runs of the
   * same check. */
  MdCheckShare    *share;
  /* Only the checks whose answer depends on the IP address (reverse DNS,
   * HELO, the IP blocklists, SPF, the IP's owner, the imprint): a bulk
   * check asks the others (MX, DMARC, DKIM, TLS-RPT, MTA-STS, the domain
   * blocklists) once, in its first run. */
  gboolean         ip_checks_only;
} MdCheckRunOptions;

#define MD_TYPE_CHECK_RUN_OPTIONS (md_check_run_options_get_type ())

GType              md_check_run_options_get_type  (void) G_GNUC_CONST;
MdCheckRunOptions *md_check_run_options_new       (void);
MdCheckRunOptions *md_check_run_options_copy      (const MdCheckRunOptions *options);
void               md_check_run_options_free      (MdCheckRunOptions       *options);
/* Names @resolver in @options as every report does: its servers, whether
 * they are the system's, a well-known public resolver's name. */
void               md_check_run_options_set_resolver (MdCheckRunOptions     *options,
                                                      MdResolver            *resolver);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCheckRunOptions, md_check_run_options_free)

#define MD_TYPE_CHECK_RUN (md_check_run_get_type ())
G_DECLARE_FINAL_TYPE (MdCheckRun, md_check_run, MD, CHECK_RUN, GObject)

GQuark                md_check_run_error_quark            (void);
MdCheckRun           *md_check_run_new                    (MdDnsSource          *source,
                                                           const MdCheckSubject *subject,
                                                           const MdCheckRunOptions *options);
const MdCheckSubject *md_check_run_get_subject            (MdCheckRun           *self);
MdDnsSource          *md_check_run_get_source             (MdCheckRun           *self);
guint                 md_check_run_get_max_in_flight      (MdCheckRun           *self);
void                  md_check_run_set_max_in_flight      (MdCheckRun           *self,
                                                           guint                 max_in_flight);
guint                 md_check_run_get_deadline_ms        (MdCheckRun           *self);
void                  md_check_run_set_deadline_ms        (MdCheckRun           *self,
                                                           guint                 deadline_ms);
const MdCheckRunOptions *md_check_run_get_options       (MdCheckRun           *self);
gboolean              md_check_run_is_zone_skipped        (MdCheckRun           *self,
                                                           const char           *zone);
MdHttp               *md_check_run_get_http               (MdCheckRun           *self);
MdRdapBootstrap      *md_check_run_get_rdap_bootstrap     (MdCheckRun           *self);
MdResolverTrust       md_check_run_get_resolver_trust     (MdCheckRun           *self);
JsonObject           *md_check_run_get_resolver_evidence  (MdCheckRun           *self);
char                 *md_check_run_describe_resolver      (MdCheckRun           *self);
void                  md_check_run_start_async            (MdCheckRun           *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean              md_check_run_start_finish           (MdCheckRun           *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
gboolean              md_check_run_is_finished            (MdCheckRun           *self);
MdCheck              *md_check_run_lookup                 (MdCheckRun           *self,
                                                           const char           *id);
guint                 md_check_run_count                  (MdCheckRun           *self,
                                                           MdCheckStatus         status);
guint                 md_check_run_get_n_queries          (MdCheckRun           *self);
guint                 md_check_run_get_peak_in_flight     (MdCheckRun           *self);
guint                 md_check_run_get_duration_ms        (MdCheckRun           *self);
gboolean              md_check_run_check_depends_on_ip    (MdCheckRun           *self,
                                                           MdCheck              *check);
JsonNode             *md_check_run_to_json                (MdCheckRun           *self);

G_END_DECLS
