/* md-check-private.h — how a check plugs into a check run
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-check-run.h"

G_BEGIN_DECLS

/* A provider adds its checks to a run (none, one, or one per blocklist,
 * per DKIM selector …) from its populate function, which sees the subject.
 * Each check gets a context; the run calls the start function once all
 * checks are in the model, so the list shows every check as "running" from
 * the start.
 *
 * A check asks DNS questions only through md_check_context_query(): the run
 * keeps the number of questions in flight under its bound, asks each
 * distinct question once per run, and never calls back after the run was
 * cancelled, hit its deadline or was disposed.
 *
 * A check ends with md_check_context_finish(); until then it is "running".
 * Work that is not DNS (HTTPS for MTA-STS or RDAP) uses
 * md_check_context_get_cancellable(): in the callback, check that
 * cancellable first and, if it is cancelled, touch neither the context nor
 * the check — the run may be gone.
 *
 * To add a check family: write md-check-NAME.c with a const MdCheckProvider,
 * declare it below and add it to the providers table in md-check-run.c. */

typedef struct _MdCheckContext MdCheckContext;

typedef void (*MdCheckStartFunc)  (MdCheckContext    *context);
typedef void (*MdCheckAnswerFunc) (MdCheckContext    *context,
                                   const MdDnsAnswer *answer,
                                   gpointer           user_data);

/* md_check_context_find_authoritative(): @source is NULL when the zone's
 * own servers could not be found, and @error says why. */
typedef void (*MdCheckSourceFunc) (MdCheckContext    *context,
                                   MdDnsSource       *source,
                                   const char        *error,
                                   gpointer           user_data);

typedef struct
{
  const char *name;
  void      (*populate) (MdCheckRun *run);
} MdCheckProvider;

MdCheckContext       *md_check_run_add_check            (MdCheckRun         *run,
                                                         MdCheck            *check,
                                                         MdCheckStartFunc    start,
                                                         gpointer            data,
                                                         GDestroyNotify      destroy);
GPtrArray            *md_check_run_load_catalog         (MdCheckRun         *run,
                                                         GError            **error);

/* The resolver probe (md-check-resolver.c): a context that is no row of
 * the model; its questions go out before any check's. It ends by calling
 * md_check_run_set_resolver_trust() once. */
MdCheckContext       *md_check_run_add_probe            (MdCheckRun         *run,
                                                         MdCheckStartFunc    start,
                                                         gpointer            data,
                                                         GDestroyNotify      destroy);
void                  md_check_run_set_resolver_trust   (MdCheckRun         *run,
                                                         MdResolverTrust     trust,
                                                         const char         *reason,
                                                         JsonObject         *evidence,
                                                         GPtrArray          *rewrites);

/* Work that is not DNS (HTTPS): md_check_call_new() before starting it,
 * with md_check_call_get_cancellable() as its cancellable; in the callback,
 * after the _finish() call, md_check_call_end() gives the context back, or
 * NULL when the run was cancelled, ended or the check is done — then touch
 * nothing. */
typedef struct _MdCheckCall MdCheckCall;

MdCheckCall          *md_check_call_new                 (MdCheckContext     *context);
GCancellable         *md_check_call_get_cancellable     (MdCheckCall        *call);
MdCheckContext       *md_check_call_end                 (MdCheckCall        *call);

MdCheck              *md_check_context_get_check        (MdCheckContext     *context);
MdCheckRun           *md_check_context_get_run          (MdCheckContext     *context);
const MdCheckSubject *md_check_context_get_subject      (MdCheckContext     *context);
gpointer              md_check_context_get_data         (MdCheckContext     *context);
GCancellable         *md_check_context_get_cancellable  (MdCheckContext     *context);
gboolean              md_check_context_is_finished      (MdCheckContext     *context);
void                  md_check_context_query            (MdCheckContext     *context,
                                                         const char         *name,
                                                         MdDnsType           type,
                                                         MdCheckAnswerFunc   func,
                                                         gpointer            user_data);
void                  md_check_context_query_source     (MdCheckContext     *context,
                                                         MdDnsSource        *source,
                                                         const char         *name,
                                                         MdDnsType           type,
                                                         MdCheckAnswerFunc   func,
                                                         gpointer            user_data);
void                  md_check_context_find_authoritative
                                                        (MdCheckContext     *context,
                                                         const char         *zone,
                                                         MdCheckSourceFunc   func,
                                                         gpointer            user_data);
void                  md_check_context_finish           (MdCheckContext     *context,
                                                         MdCheckStatus       status,
                                                         const char         *summary,
                                                         const char         *remedy);

/* For evaluators that take an MdDnsSource (SPF, the MTA-STS fetch): their
 * questions go through md_check_context_query(); once the run is cancelled
 * or ends, pending questions fail with G_IO_ERROR_CANCELLED. */
MdDnsSource          *md_check_context_new_dns_source   (MdCheckContext     *context);

/* Helpers for summaries and details. */
char                 *md_check_describe_failure         (const MdDnsAnswer  *answer);
JsonArray            *md_check_json_string_array        (GPtrArray          *strings);
/* MdRecordWarning items as [{"code", "message"}]. */
JsonArray            *md_check_json_warnings            (GPtrArray          *warnings);
JsonArray            *md_check_json_addresses           (const MdDnsAnswer  *answer);

extern const MdCheckProvider md_check_provider_resolver_probe;
extern const MdCheckProvider md_check_provider_resolver;
extern const MdCheckProvider md_check_provider_rdns;
extern const MdCheckProvider md_check_provider_helo;
extern const MdCheckProvider md_check_provider_mx;
extern const MdCheckProvider md_check_provider_dnsbl;
extern const MdCheckProvider md_check_provider_spf;
extern const MdCheckProvider md_check_provider_dmarc;
extern const MdCheckProvider md_check_provider_dkim;
extern const MdCheckProvider md_check_provider_tlsrpt;
extern const MdCheckProvider md_check_provider_mta_sts;
extern const MdCheckProvider md_check_provider_rdap;
extern const MdCheckProvider md_check_provider_imprint;

G_END_DECLS
