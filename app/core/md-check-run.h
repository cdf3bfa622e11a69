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

G_BEGIN_DECLS

#define MD_CHECK_RUN_ERROR (md_check_run_error_quark ())

typedef enum
{
  MD_CHECK_RUN_ERROR_INVALID_SUBJECT,
  MD_CHECK_RUN_ERROR_ALREADY_STARTED,
} MdCheckRunError;

#define MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT 64
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

#define MD_TYPE_CHECK_RUN (md_check_run_get_type ())
G_DECLARE_FINAL_TYPE (MdCheckRun, md_check_run, MD, CHECK_RUN, GObject)

GQuark                md_check_run_error_quark            (void);
MdCheckRun           *md_check_run_new                    (MdDnsSource          *source,
                                                           const MdCheckSubject *subject);
const MdCheckSubject *md_check_run_get_subject            (MdCheckRun           *self);
MdDnsSource          *md_check_run_get_source             (MdCheckRun           *self);
guint                 md_check_run_get_max_in_flight      (MdCheckRun           *self);
void                  md_check_run_set_max_in_flight      (MdCheckRun           *self,
                                                           guint                 max_in_flight);
guint                 md_check_run_get_deadline_ms        (MdCheckRun           *self);
void                  md_check_run_set_deadline_ms        (MdCheckRun           *self,
                                                           guint                 deadline_ms);
void                  md_check_run_set_resolver           (MdCheckRun           *self,
                                                           const char           *description,
                                                           const char           *public_resolver);
const char           *md_check_run_get_resolver           (MdCheckRun           *self);
void                  md_check_run_set_http               (MdCheckRun           *self,
                                                           MdHttp               *http);
MdHttp               *md_check_run_get_http               (MdCheckRun           *self);
void                  md_check_run_set_skipped_zones      (MdCheckRun           *self,
                                                           const char * const   *zones);
gboolean              md_check_run_is_zone_skipped        (MdCheckRun           *self,
                                                           const char           *zone);
void                  md_check_run_set_rdap_bootstrap     (MdCheckRun           *self,
                                                           MdRdapBootstrap      *bootstrap);
MdRdapBootstrap      *md_check_run_get_rdap_bootstrap     (MdCheckRun           *self);
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
JsonNode             *md_check_run_to_json                (MdCheckRun           *self);

G_END_DECLS
