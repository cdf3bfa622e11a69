/* md-case-session.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-case-store.h"
#include "md-check-run.h"
#include "md-diagnosis.h"
#include "md-draft.h"
#include "md-handoff.h"
#include "md-http.h"
#include "md-knowledge.h"
#include "md-rejection.h"

G_BEGIN_DECLS

/* One case as the window works on it: an MdDiagnosis of the user's input
 * (the rejections, their explanations in the UI language, the primary one,
 * the receiver, the request), the latest check results and what they
 * checked (live while a run goes on, restored from the store otherwise),
 * kept in the case store as they change. No GTK here: the window is a view
 * of this object. */

#define MD_CASE_SESSION_ERROR (md_case_session_error_quark ())

typedef enum
{
  MD_CASE_SESSION_ERROR_NO_REJECTION,  /* the input held nothing MailDoctor could read */
  MD_CASE_SESSION_ERROR_NO_IP,         /* nothing to check: no blocked IP known */
} MdCaseSessionError;

#define MD_TYPE_CASE_SESSION (md_case_session_get_type ())
G_DECLARE_FINAL_TYPE (MdCaseSession, md_case_session, MD, CASE_SESSION, GObject)

GQuark          md_case_session_error_quark         (void);

/* Reads @input off the main thread (MdDiagnosis) and records a new case
 * in @store. */
void            md_case_session_new_from_input_async (MdCaseStore          *store,
                                                      GBytes               *input,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
MdCaseSession  *md_case_session_new_from_input_finish (GAsyncResult        *result,
                                                       GError             **error);
/* A case saved before. */
MdCaseSession  *md_case_session_open                (MdCaseStore          *store,
                                                     gint64                case_id,
                                                     GError              **error);
/* The same with the .eml read on the store's writer thread and parsed on
 * a worker thread (a case made from a big message). */
void            md_case_session_open_async          (MdCaseStore          *store,
                                                     gint64                case_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MdCaseSession  *md_case_session_open_finish         (GAsyncResult         *result,
                                                     GError              **error);

MdCaseStore    *md_case_session_get_store           (MdCaseSession        *self);
gint64          md_case_session_get_case_id         (MdCaseSession        *self);
/* A fresh copy of the case record (title, status, notes …). */
MdCase         *md_case_session_dup_case            (MdCaseSession        *self);
/* The same read on the store's writer thread, after the writes asked for
 * before it; G_IO_ERROR_CANCELLED when @cancellable was cancelled first. */
void            md_case_session_dup_case_async      (MdCaseSession        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MdCase         *md_case_session_dup_case_finish     (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
guint           md_case_session_get_n_rejections    (MdCaseSession        *self);
const MdRejection   *md_case_session_get_rejection  (MdCaseSession        *self,
                                                     guint                 index);
const MdExplanation *md_case_session_get_explanation (MdCaseSession       *self,
                                                      guint                index);
MdDiagnosis    *md_case_session_get_diagnosis       (MdCaseSession        *self);
/* The rejection the request is about: md_diagnosis_find_primary(). */
guint           md_case_session_get_primary_index   (MdCaseSession        *self);
GBytes         *md_case_session_get_original_eml    (MdCaseSession        *self);

/* What the latest run checked (the live one, or the last saved one when the
 * case was opened), or NULL when the case was never checked: "What Is
 * Checked" shows it and Re-check checks it again. */
const MdCheckSubject *md_case_session_get_checked_subject (MdCaseSession  *self);
/* What to check for a case never checked: md_diagnosis_guess_subject()
 * with the user's own @sending_domains (Preferences) as the last resort. */
MdSubjectGuess *md_case_session_guess_subject       (MdCaseSession        *self,
                                                     const char * const   *sending_domains);

/* The checks shown: the live run's, or those restored from the store. */
GListModel     *md_case_session_get_checks          (MdCaseSession        *self);
MdCheckRun     *md_case_session_get_check_run       (MdCaseSession        *self);
/* Starts a run (cancelling one that goes on) of @subject with @options
 * (copied: how the front end's settings set up a run, keys included); its
 * row and, when it ends, its results are saved on the store's writer
 * thread ("checks-finished" follows the save). "checks-changed" tells that
 * get_checks() has a new model. @error is set only for a subject that
 * cannot be checked. */
MdCheckRun     *md_case_session_start_checks        (MdCaseSession        *self,
                                                     MdDnsSource          *source,
                                                     const MdCheckSubject *subject,
                                                     const MdCheckRunOptions *options,
                                                     GError              **error);
void            md_case_session_cancel_checks       (MdCaseSession        *self);

/* Builds the draft for the primary rejection (or @channel_override) from the
 * profile and the latest check results. */
MdDraft        *md_case_session_build_draft         (MdCaseSession        *self,
                                                     const MdSenderProfile *profile,
                                                     const char           *channel_override,
                                                     GError              **error);
/* Keeps the draft as it goes out (with the user's edits) in the case. */
gboolean        md_case_session_save_draft          (MdCaseSession        *self,
                                                     const MdDraft        *draft,
                                                     GError              **error);
/* The same on the store's writer thread; "case-changed" follows the save. */
void            md_case_session_save_draft_async    (MdCaseSession        *self,
                                                     const MdDraft        *draft,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        md_case_session_save_draft_finish   (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

gboolean        md_case_session_record              (MdCaseSession        *self,
                                                     MdCaseEventKind       kind,
                                                     const char           *detail,
                                                     GError              **error);
gboolean        md_case_session_set_status          (MdCaseSession        *self,
                                                     MdCaseStatus          status,
                                                     GError              **error);
gboolean        md_case_session_set_notes           (MdCaseSession        *self,
                                                     const char           *notes,
                                                     GError              **error);
/* Records in the timeline what a hand-off did with the request: opened in
 * the mail app (to its recipient), or saved as an .eml (its path). A
 * hand-off that did nothing (@method NONE) records nothing and returns TRUE. */
gboolean        md_case_session_record_handoff      (MdCaseSession        *self,
                                                     MdHandoff            *handoff,
                                                     MdHandoffMethod       method,
                                                     GError              **error);
/* Oldest first: GPtrArray of MdCaseEvent*. */
GPtrArray      *md_case_session_list_events         (MdCaseSession        *self,
                                                     GError              **error);

/* The window's calls: the same writes and reads on the store's writer
 * thread (one queue: the writes of a case land in the order they are
 * made, a read sees the writes made before it). "case-changed" follows
 * each write once it is stored, before @callback runs. */
void            md_case_session_record_async        (MdCaseSession        *self,
                                                     MdCaseEventKind       kind,
                                                     const char           *detail,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        md_case_session_record_finish       (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void            md_case_session_record_handoff_async (MdCaseSession       *self,
                                                      MdHandoff           *handoff,
                                                      MdHandoffMethod      method,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        md_case_session_record_handoff_finish (MdCaseSession      *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void            md_case_session_set_status_async    (MdCaseSession        *self,
                                                     MdCaseStatus          status,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* *@previous (may be NULL): the status the case had before. */
gboolean        md_case_session_set_status_finish   (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     MdCaseStatus         *previous,
                                                     GError              **error);
void            md_case_session_set_notes_async     (MdCaseSession        *self,
                                                     const char           *notes,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        md_case_session_set_notes_finish    (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void            md_case_session_list_events_async   (MdCaseSession        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray      *md_case_session_list_events_finish  (MdCaseSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Re-creates check objects from stored results (md_check_run_to_json()). */
GListModel     *md_checks_new_from_json             (JsonNode             *results);

G_END_DECLS
