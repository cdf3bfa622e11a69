/* md-diagnosis.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-draft.h"
#include "md-input.h"
#include "md-knowledge.h"
#include "md-rejection.h"
#include "md-types.h"

G_BEGIN_DECLS

/* What an input says, settled once for the window and the CLI alike: the
 * rejections and their explanations, which one a request is about, the
 * case's title and receiver, what to check, and the request. No store, no
 * network: MdCaseSession adds those. */

#define MD_DIAGNOSIS_ERROR (md_diagnosis_error_quark ())

typedef enum
{
  MD_DIAGNOSIS_ERROR_NO_REJECTION,   /* the input held nothing MailDoctor could read */
} MdDiagnosisError;

/* Where the sending domain of a subject guess came from. */
typedef enum
{
  MD_DOMAIN_SOURCE_NONE,       /* nobody said: "not checked: which domain sends this mail?" */
  MD_DOMAIN_SOURCE_BOUNCE,     /* the returned message's sender, the DSN or log envelope */
  MD_DOMAIN_SOURCE_ADDRESSEE,  /* the mailbox the bounce was delivered to */
  MD_DOMAIN_SOURCE_PROFILE,    /* the user's own sending domains (Preferences) */
} MdDomainSource;

/* What to check, as far as the input tells. Fields may be NULL. */
typedef struct
{
  char           *ip;
  char           *domain;
  MdDomainSource  domain_source;
  char           *helo;
  char           *recipient_domain;
} MdSubjectGuess;

#define MD_TYPE_SUBJECT_GUESS (md_subject_guess_get_type ())

GType           md_subject_guess_get_type  (void) G_GNUC_CONST;
MdSubjectGuess *md_subject_guess_copy      (const MdSubjectGuess *guess);
void            md_subject_guess_free      (MdSubjectGuess       *guess);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdSubjectGuess, md_subject_guess_free)

#define MD_TYPE_DIAGNOSIS (md_diagnosis_get_type ())
G_DECLARE_FINAL_TYPE (MdDiagnosis, md_diagnosis, MD, DIAGNOSIS, GObject)

GQuark               md_diagnosis_error_quark        (void);

/* Reads @input (blocking: in a worker thread, or the CLI). Fails with
 * NO_REJECTION when nothing was found, or the parser's TOO_LARGE. */
MdDiagnosis         *md_diagnosis_new                (MdInput              *input,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
/* The same off the main thread. */
void                 md_diagnosis_new_async          (MdInput              *input,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MdDiagnosis         *md_diagnosis_new_finish         (GAsyncResult         *result,
                                                      GError              **error);
/* A saved case: its rejections (MdRejection*, copied), and the bounce as
 * it was imported (may be NULL). Explained again in the UI language. */
MdDiagnosis         *md_diagnosis_new_for_rejections (GPtrArray            *rejections,
                                                      MdInput              *input);

/* The input read, or NULL for a case saved without one. */
MdInput             *md_diagnosis_get_input          (MdDiagnosis          *self);
guint                md_diagnosis_get_n_rejections   (MdDiagnosis          *self);
const MdRejection   *md_diagnosis_get_rejection      (MdDiagnosis          *self,
                                                      guint                 index);
const MdExplanation *md_diagnosis_get_explanation    (MdDiagnosis          *self,
                                                      guint                 index);
/* Both arrays (MdRejection*, MdExplanation*; same order), for the store. */
GPtrArray           *md_diagnosis_get_rejections     (MdDiagnosis          *self);
GPtrArray           *md_diagnosis_get_explanations   (MdDiagnosis          *self);
/* The input held more rejections than are kept (n_seen of them). */
gboolean             md_diagnosis_is_truncated       (MdDiagnosis          *self);
guint                md_diagnosis_get_n_seen         (MdDiagnosis          *self);

/* The rejection a request is about: see md_diagnosis_find_primary(). */
guint                md_diagnosis_get_primary_index  (MdDiagnosis          *self);
/* "Microsoft 5.7.511", "T-Online 554", "Rejection 5.7.1". */
char                *md_diagnosis_dup_title          (MdDiagnosis          *self);
/* md_diagnosis_find_receiver() of the rejections; NULL when unknown. */
const char          *md_diagnosis_get_receiver       (MdDiagnosis          *self);
/* The bounce the primary rejection came from, as an .eml, when it is a mail
 * MailDoctor could read (the request attaches it); else NULL. */
GBytes              *md_diagnosis_dup_original_eml   (MdDiagnosis          *self);
/* The user typed the blocked IP (the rejection did not name it, or named
 * another): it is the primary rejection's from now on. */
void                 md_diagnosis_set_blocked_ip     (MdDiagnosis          *self,
                                                      const char           *ip);

/* What to check: the primary rejection's blocked IP and recipient domain;
 * the sending domain from the bounce (the returned message's From or
 * Return-Path, the DSN or log envelope, the bounce's addressee), else the
 * first of @sending_domains (the user's own, from Preferences); never the
 * contact address. The HELO name from a transcript, log or Received line. */
MdSubjectGuess      *md_diagnosis_guess_subject      (MdDiagnosis          *self,
                                                      const char * const   *sending_domains);

/* The request for the primary rejection (@channel: another channel than
 * its own, or NULL), with the other rejections' blocked IPs, @facts (may be
 * NULL) and the bounce attached where the channel wants it. */
MdDraft             *md_diagnosis_build_draft        (MdDiagnosis          *self,
                                                      const MdSenderProfile *profile,
                                                      const MdDraftFacts   *facts,
                                                      const char           *channel,
                                                      GError              **error);
/* The request for rejection @index: its channel (or @channel), or
 * Microsoft's follow-up ("microsoft-follow-up", or any @answer but
 * MD_FOLLOW_UP_ANSWER_UNKNOWN) saying what Microsoft answered. The window's
 * request panel and the CLI draft through here, so they draft alike. */
MdDraft             *md_diagnosis_build_request      (MdDiagnosis          *self,
                                                      guint                 index,
                                                      const MdSenderProfile *profile,
                                                      const MdDraftFacts   *facts,
                                                      const char           *channel,
                                                      MdFollowUpAnswer      answer,
                                                      GError              **error);
/* Microsoft's follow-up to the first request, for what Microsoft answered. */
MdDraft             *md_diagnosis_build_follow_up    (MdDiagnosis          *self,
                                                      const MdSenderProfile *profile,
                                                      const MdDraftFacts   *facts,
                                                      MdFollowUpAnswer      answer,
                                                      GError              **error);

/* The two rules, for the store (which holds rejections without a
 * diagnosis). Primary: the first rejection whose explanation names a delist
 * channel (something the user can ask for); else the first that names a
 * blocked IP; else the first. @explanations may be NULL. */
guint                md_diagnosis_find_primary       (GPtrArray            *rejections,
                                                      GPtrArray            *explanations);
/* Receiver: md_rejection_dup_receiver() of the primary (provider, else the
 * recipient's domain, else the rejecting host), else of the first rejection
 * that has one. */
char                *md_diagnosis_find_receiver      (GPtrArray            *rejections,
                                                      guint                 primary);

G_END_DECLS
