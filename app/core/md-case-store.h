/* md-case-store.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-case-types.h"
#include "md-knowledge.h"
#include "md-rejection.h"

G_BEGIN_DECLS

#define MD_CASE_STORE_ERROR (md_case_store_error_quark ())

typedef enum
{
  MD_CASE_STORE_ERROR_OPEN,       /* the file could not be opened or created */
  MD_CASE_STORE_ERROR_TOO_NEW,    /* written by a newer MailDoctor: left untouched */
  MD_CASE_STORE_ERROR_CORRUPT,    /* damage found while in use (moved aside on next open) */
  MD_CASE_STORE_ERROR_NOT_FOUND,  /* no such case (or run, or draft) */
  MD_CASE_STORE_ERROR_INVALID,    /* bad argument or stored data that does not parse */
  MD_CASE_STORE_ERROR_FAILED,     /* any other SQLite failure (disk full, busy too long) */
} MdCaseStoreError;

GQuark md_case_store_error_quark (void);

/* The schema version this build writes (PRAGMA user_version). */
#define MD_CASE_STORE_SCHEMA_VERSION 4


/* The cases database. Signal "changed" (gint64 case_id, MdCaseChange change)
 * follows every committed write through this instance (never from inside a
 * transaction), for the sidebar to insert, refresh or drop a row. The
 * synchronous calls are main-thread only (the thread that made the store);
 * none keeps a transaction open after it returns. The _async calls go to
 * one writer thread with its own connection, in the order they are made
 * (FIFO, also after the synchronous writes made before them); their
 * results and "changed" come back on the calling thread's main context.
 * The window uses them for all it writes and reads (the _async reads are
 * queued there too, so they see every write queued before them), so the
 * main loop never waits for the disk or for another process's lock. */
#define MD_TYPE_CASE_STORE (md_case_store_get_type ())
G_DECLARE_FINAL_TYPE (MdCaseStore, md_case_store, MD, CASE_STORE, GObject)

/* The default file: $XDG_DATA_HOME/maildoctor/cases.db. */
char            *md_case_store_dup_default_path  (void);
/* Opens (creating and migrating as needed) the database at @path, or the
 * default file when @path is NULL. A damaged file is moved aside and a new
 * one started: then md_case_store_get_recovered_path() is set and
 * md_case_store_dup_recovery_message() says so for the user. Main thread only. */
MdCaseStore     *md_case_store_new               (const char       *path,
                                                  GError          **error);
/* The same off the main thread (opening, migrating, and after a run that
 * did not close cleanly the whole-file check). */
void             md_case_store_new_async         (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MdCaseStore     *md_case_store_new_finish        (GAsyncResult     *result,
                                                  GError          **error);
const char      *md_case_store_get_path          (MdCaseStore      *self);
/* How many statements ran on the caller's (main-thread) connection since
 * it was opened, migrations included; the _async calls run none there.
 * For the tests that prove a caller keeps SQLite off the main loop. */
guint            md_case_store_get_main_statements (MdCaseStore    *self);
/* Where a damaged database was moved when this store was opened; NULL when
 * nothing was damaged. */
const char      *md_case_store_get_recovered_path (MdCaseStore     *self);
/* A translated sentence for the window, NULL when nothing was damaged. */
char            *md_case_store_dup_recovery_message (MdCaseStore   *self);

/* One transaction: the case, its rejections (with the explanations shown,
 * @explanations may be NULL or hold NULLs, parallel to @rejections) and the
 * "created" event. The receiver and blocked IP come from the rejections.
 * Returns the new id, 0 on error. */
gint64           md_case_store_create_case       (MdCaseStore      *self,
                                                  const char       *title,
                                                  const char       *input_text,
                                                  GBytes           *input_eml,
                                                  GPtrArray        *rejections,
                                                  GPtrArray        *explanations,
                                                  GError          **error);
/* The same on the writer thread. @input_text is UTF-8 (no NUL needed), held
 * and not copied; the arrays are read there: do not change them until
 * @callback runs. */
void             md_case_store_create_case_async (MdCaseStore         *self,
                                                  const char          *title,
                                                  GBytes              *input_text,
                                                  GBytes              *input_eml,
                                                  GPtrArray           *rejections,
                                                  GPtrArray           *explanations,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gint64           md_case_store_create_case_finish (MdCaseStore     *self,
                                                   GAsyncResult    *result,
                                                   GError         **error);
/* Deleted cases too (with ->deleted set). */
MdCase          *md_case_store_get_case          (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* The same read on the writer thread: after the writes queued before it.
 * The reads cancelled before they ran end with G_IO_ERROR_CANCELLED (so a
 * newer read can supersede an older one). */
void             md_case_store_get_case_async    (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MdCase          *md_case_store_get_case_finish   (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* What opening a case reads (the case, *@rejections: its rejections as
 * md_case_store_list_rejections() gives them, *@latest: its newest check
 * run or NULL), in one read transaction on the writer thread. */
void             md_case_store_read_case_async   (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
MdCase          *md_case_store_read_case_finish  (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GPtrArray          **rejections,
                                                  MdCaseCheckRun     **latest,
                                                  GError             **error);
/* NULL with no error when the case has no .eml. */
GBytes          *md_case_store_dup_input_eml     (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* Read on the writer thread (a big .eml is not read on the main thread). */
void             md_case_store_dup_input_eml_async  (MdCaseStore         *self,
                                                     gint64               case_id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GBytes          *md_case_store_dup_input_eml_finish (MdCaseStore         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* What was pasted, or the bounce as text; "" when none. */
char            *md_case_store_dup_input_text    (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* Cases not deleted, newest first; with @search (NULL or "" for all) only those
 * whose title, receiver, blocked IP or notes contain it, ignoring case (Unicode).
 * Returns a GPtrArray of MdCase*, NULL on error. */
GPtrArray       *md_case_store_list_cases        (MdCaseStore      *self,
                                                  const char       *search,
                                                  GError          **error);
/* The same read on the writer thread (see md_case_store_get_case_async()). */
void             md_case_store_list_cases_async  (MdCaseStore         *self,
                                                  const char          *search,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray       *md_case_store_list_cases_finish (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* Cases not deleted; 0 on error. */
guint            md_case_store_count_cases       (MdCaseStore      *self);

/* Each records its timeline event ("marked-delisted", "closed", "reopened",
 * "note-edited", "renamed") in the same transaction; setting the value the
 * case already has changes nothing. */
gboolean         md_case_store_set_status        (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  MdCaseStatus      status,
                                                  GError          **error);
/* The same on the writer thread; *@previous (may be NULL) is the status the
 * case had before. */
void             md_case_store_set_status_async  (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  MdCaseStatus         status,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         md_case_store_set_status_finish (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  MdCaseStatus        *previous,
                                                  GError             **error);
/* The window's edits of the request (a JSON text it defines), or NULL. */
gboolean         md_case_store_set_request_edits (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *json,
                                                  GError          **error);
char            *md_case_store_dup_request_edits (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* The same two on the writer thread (the read: see
 * md_case_store_get_case_async()). */
void             md_case_store_set_request_edits_async  (MdCaseStore         *self,
                                                         gint64               case_id,
                                                         const char          *json,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         md_case_store_set_request_edits_finish (MdCaseStore         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void             md_case_store_dup_request_edits_async  (MdCaseStore         *self,
                                                         gint64               case_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
char            *md_case_store_dup_request_edits_finish (MdCaseStore         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
gboolean         md_case_store_set_notes         (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *notes,
                                                  GError          **error);
void             md_case_store_set_notes_async   (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  const char          *notes,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         md_case_store_set_notes_finish  (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         md_case_store_set_title         (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *title,
                                                  GError          **error);
/* The user corrected what the checks look at (the editable IP). NULL clears. */
gboolean         md_case_store_set_subject       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *receiver,
                                                  const char       *blocked_ip,
                                                  GError          **error);

/* Appends after the existing rejections. */
gboolean         md_case_store_add_rejections    (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GPtrArray        *rejections,
                                                  GPtrArray        *explanations,
                                                  GError          **error);
/* GPtrArray of MdCaseRejection*, in input order. */
GPtrArray       *md_case_store_list_rejections   (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
void             md_case_store_list_rejections_async  (MdCaseStore         *self,
                                                       gint64               case_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray       *md_case_store_list_rejections_finish (MdCaseStore         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Records the run and a "checked" (first run) or "rechecked" event. @finished
 * is NULL for a run still going (update it with
 * md_case_store_finish_check_run()). Returns the run id, 0 on error. */
gint64           md_case_store_add_check_run     (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GDateTime        *started,
                                                  GDateTime        *finished,
                                                  JsonNode         *results,
                                                  GError          **error);
gboolean         md_case_store_finish_check_run  (MdCaseStore      *self,
                                                  gint64            run_id,
                                                  GDateTime        *finished,
                                                  JsonNode         *results,
                                                  GError          **error);
/* The same two on the writer thread; @results is held (not copied) and
 * serialized there: do not change it afterwards. */
void             md_case_store_add_check_run_async     (MdCaseStore         *self,
                                                        gint64               case_id,
                                                        GDateTime           *started,
                                                        GDateTime           *finished,
                                                        JsonNode            *results,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gint64           md_case_store_add_check_run_finish    (MdCaseStore         *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             md_case_store_finish_check_run_async  (MdCaseStore         *self,
                                                        gint64               run_id,
                                                        GDateTime           *finished,
                                                        JsonNode            *results,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         md_case_store_finish_check_run_finish (MdCaseStore         *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* GPtrArray of MdCaseCheckRun*, newest first. */
GPtrArray       *md_case_store_list_check_runs   (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* The newest run only (what opening a case shows); NULL without @error set
 * when the case was never checked. */
MdCaseCheckRun  *md_case_store_dup_latest_check_run (MdCaseStore   *self,
                                                     gint64         case_id,
                                                     GError       **error);

/* Records the draft and a "draft-created" event. Returns its id, 0 on error. */
gint64           md_case_store_add_draft         (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *channel_id,
                                                  JsonNode         *draft,
                                                  GError          **error);
/* The same on the writer thread; @draft is held, not copied. */
void             md_case_store_add_draft_async   (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  const char          *channel_id,
                                                  JsonNode            *draft,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gint64           md_case_store_add_draft_finish  (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* GPtrArray of MdCaseDraft*, newest first. */
GPtrArray       *md_case_store_list_drafts       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);

/* For what only the caller sees happen: "request-opened-in-mail-app",
 * "request-saved" (detail: the file), … Returns the event id, 0 on error. */
gint64           md_case_store_add_event         (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  MdCaseEventKind   kind,
                                                  const char       *detail,
                                                  GError          **error);
void             md_case_store_add_event_async   (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  MdCaseEventKind      kind,
                                                  const char          *detail,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gint64           md_case_store_add_event_finish  (MdCaseStore         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* GPtrArray of MdCaseEvent*, oldest first: the timeline. */
GPtrArray       *md_case_store_list_events       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
void             md_case_store_list_events_async (MdCaseStore         *self,
                                                  gint64               case_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray       *md_case_store_list_events_finish (MdCaseStore        *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

/* Deleting hides the case (it keeps everything) so that "Undo" can bring it
 * back with md_case_store_undelete_case(); md_case_store_purge_deleted()
 * removes deleted cases for good. */
gboolean         md_case_store_delete_case       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
gboolean         md_case_store_undelete_case     (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* The same two on the writer thread. */
void             md_case_store_delete_case_async    (MdCaseStore         *self,
                                                     gint64               case_id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         md_case_store_delete_case_finish   (MdCaseStore         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void             md_case_store_undelete_case_async  (MdCaseStore         *self,
                                                     gint64               case_id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         md_case_store_undelete_case_finish (MdCaseStore         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Removes the cases deleted before @before (NULL: all deleted cases) with
 * everything they hold. Returns how many, -1 on error. */
int              md_case_store_purge_deleted     (MdCaseStore      *self,
                                                  GDateTime        *before,
                                                  GError          **error);


/* Records what the watch saw: @listed opens a listing unless one is open,
 * not @listed closes the open one. *@changed says whether it did either (so
 * each change is reported once, even with two instances running). */
gboolean         md_case_store_record_listing    (MdCaseStore      *self,
                                                  const char       *ip,
                                                  const char       *zone,
                                                  const char       *list_name,
                                                  gboolean          listed,
                                                  GDateTime        *when,
                                                  const char       *detail,
                                                  gboolean         *changed,
                                                  GError          **error);
/* The same on the writer thread (after the writes queued before it). */
void             md_case_store_record_listing_async  (MdCaseStore         *self,
                                                      const char          *ip,
                                                      const char          *zone,
                                                      const char          *list_name,
                                                      gboolean             listed,
                                                      GDateTime           *when,
                                                      const char          *detail,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         md_case_store_record_listing_finish (MdCaseStore         *self,
                                                      GAsyncResult        *result,
                                                      gboolean            *changed,
                                                      GError             **error);
/* GPtrArray of MdWatchListing*, by IP then oldest first; @ip NULL for all IPs,
 * @current_only for the listings still open. */
GPtrArray       *md_case_store_list_listings     (MdCaseStore      *self,
                                                  const char       *ip,
                                                  gboolean          current_only,
                                                  GError          **error);
/* The same read on the writer thread (see md_case_store_get_case_async()). */
void             md_case_store_list_listings_async  (MdCaseStore         *self,
                                                     const char          *ip,
                                                     gboolean             current_only,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray       *md_case_store_list_listings_finish (MdCaseStore         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* A case reminds once: *@claimed is TRUE only for the first claim of a case
 * (FALSE for a case that does not exist). */
gboolean         md_case_store_claim_reminder    (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GDateTime        *when,
                                                  gboolean         *claimed,
                                                  GError          **error);
void             md_case_store_claim_reminder_async  (MdCaseStore         *self,
                                                     gint64               case_id,
                                                     GDateTime           *when,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         md_case_store_claim_reminder_finish (MdCaseStore         *self,
                                                     GAsyncResult        *result,
                                                     gboolean            *claimed,
                                                     GError             **error);

G_END_DECLS
