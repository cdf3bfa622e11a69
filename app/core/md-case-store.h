/* md-case-store.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

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

typedef enum
{
  MD_CASE_STATUS_OPEN,
  MD_CASE_STATUS_REQUESTED,   /* a delist request went out */
  MD_CASE_STATUS_DELISTED,
  MD_CASE_STATUS_CLOSED,
} MdCaseStatus;

#define MD_TYPE_CASE_STATUS (md_case_status_get_type ())
GType        md_case_status_get_type      (void) G_GNUC_CONST;
/* Stable ids ("open", "requested", "delisted", "closed"), stored and in JSON. */
const char  *md_case_status_to_string     (MdCaseStatus  status);
gboolean     md_case_status_from_string   (const char   *string,
                                           MdCaseStatus *status);
/* Translated, for the window. */
const char  *md_case_status_get_label     (MdCaseStatus  status);

typedef enum
{
  MD_CASE_EVENT_CREATED,
  MD_CASE_EVENT_CHECKED,
  MD_CASE_EVENT_RECHECKED,
  MD_CASE_EVENT_DRAFT_CREATED,
  MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP,
  MD_CASE_EVENT_REQUEST_SAVED,
  MD_CASE_EVENT_REQUEST_COPIED,
  MD_CASE_EVENT_FORM_OPENED,
  MD_CASE_EVENT_MARKED_REQUESTED,
  MD_CASE_EVENT_MARKED_DELISTED,
  MD_CASE_EVENT_CLOSED,
  MD_CASE_EVENT_REOPENED,
  MD_CASE_EVENT_NOTE_EDITED,
  MD_CASE_EVENT_RENAMED,
  MD_CASE_EVENT_PROBE_REJECTED,   /* a test from the user's server was still rejected */
  MD_CASE_EVENT_PROBE_ACCEPTED,   /* … was accepted at RCPT TO */
  MD_CASE_EVENT_FOUND_IN_LOGS,    /* opened from a mail log scan: the group's counts */
} MdCaseEventKind;

#define MD_TYPE_CASE_EVENT_KIND (md_case_event_kind_get_type ())
GType        md_case_event_kind_get_type    (void) G_GNUC_CONST;
/* Stable ids: "created", "checked", "rechecked", "draft-created",
 * "request-opened-in-mail-app", "request-saved", "request-copied", "form-opened",
 * "marked-requested", "marked-delisted", "closed", "reopened", "note-edited", "renamed". */
const char  *md_case_event_kind_to_string   (MdCaseEventKind  kind);
gboolean     md_case_event_kind_from_string (const char      *string,
                                             MdCaseEventKind *kind);
/* Translated, for the timeline ("Request opened in mail app"). */
const char  *md_case_event_kind_get_label   (MdCaseEventKind  kind);

/* What a "changed" signal reports. */
typedef enum
{
  MD_CASE_CHANGE_ADDED,       /* a new case, or a deleted one restored */
  MD_CASE_CHANGE_UPDATED,     /* anything of the case or below it */
  MD_CASE_CHANGE_REMOVED,     /* deleted (still restorable) or purged */
} MdCaseChange;

#define MD_TYPE_CASE_CHANGE (md_case_change_get_type ())
GType        md_case_change_get_type        (void) G_GNUC_CONST;

/* A case as listed and shown; all times in UTC. What was pasted (up to
 * 200 MB of mail log) and the original .eml live apart and are read only
 * when asked (md_case_store_dup_input_text(), md_case_store_dup_input_eml()),
 * so listing and showing cases never reads them. */
typedef struct
{
  gint64        id;
  GDateTime    *created;
  GDateTime    *updated;
  char         *title;
  char         *receiver;     /* provider id ("microsoft") or the recipient's domain; NULL */
  char         *blocked_ip;   /* NULL when no rejection named one */
  MdCaseStatus  status;
  char         *notes;        /* never NULL, "" when empty */
  gboolean      has_input_eml;
  GDateTime    *deleted;      /* NULL unless deleted and not yet purged */
} MdCase;

#define MD_TYPE_CASE (md_case_get_type ())
GType   md_case_get_type  (void) G_GNUC_CONST;
MdCase *md_case_copy      (const MdCase *self);
void    md_case_free      (MdCase       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCase, md_case_free)

typedef struct
{
  guint          position;       /* 0-based, in the order of the input */
  MdRejection   *rejection;
  JsonNode      *explanation;    /* md_explanation_to_json() as it was shown; NULL */
} MdCaseRejection;

#define MD_TYPE_CASE_REJECTION (md_case_rejection_get_type ())
GType            md_case_rejection_get_type (void) G_GNUC_CONST;
MdCaseRejection *md_case_rejection_copy     (const MdCaseRejection *self);
void             md_case_rejection_free     (MdCaseRejection       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCaseRejection, md_case_rejection_free)

typedef struct
{
  gint64      id;
  gint64      case_id;
  GDateTime  *started;
  GDateTime  *finished;  /* NULL while running or when cancelled before the end */
  JsonNode   *results;   /* as given by the caller (md_check_run_to_json()) */
} MdCaseCheckRun;

#define MD_TYPE_CASE_CHECK_RUN (md_case_check_run_get_type ())
GType           md_case_check_run_get_type (void) G_GNUC_CONST;
MdCaseCheckRun *md_case_check_run_copy     (const MdCaseCheckRun *self);
void            md_case_check_run_free     (MdCaseCheckRun       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCaseCheckRun, md_case_check_run_free)

typedef struct
{
  gint64      id;
  gint64      case_id;
  GDateTime  *created;
  char       *channel_id;  /* "microsoft-delist-mail" …; NULL */
  JsonNode   *draft;       /* as given by the caller */
} MdCaseDraft;

#define MD_TYPE_CASE_DRAFT (md_case_draft_get_type ())
GType        md_case_draft_get_type (void) G_GNUC_CONST;
MdCaseDraft *md_case_draft_copy     (const MdCaseDraft *self);
void         md_case_draft_free     (MdCaseDraft       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCaseDraft, md_case_draft_free)

typedef struct
{
  gint64           id;
  gint64           case_id;
  GDateTime       *timestamp;
  MdCaseEventKind  kind;
  char            *detail;   /* free text (a saved file's path, an address); NULL */
} MdCaseEvent;

#define MD_TYPE_CASE_EVENT (md_case_event_get_type ())
GType        md_case_event_get_type (void) G_GNUC_CONST;
MdCaseEvent *md_case_event_copy     (const MdCaseEvent *self);
void         md_case_event_free     (MdCaseEvent       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdCaseEvent, md_case_event_free)

/* The cases database. Signal "changed" (gint64 case_id, MdCaseChange change)
 * follows every committed write through this instance (never from inside a
 * transaction), for the sidebar to insert, refresh or drop a row. The
 * synchronous calls are main-thread only (the thread that made the store);
 * none keeps a transaction open after it returns. The _async calls go to
 * one writer thread with its own connection, in the order they are made
 * (FIFO, also after the synchronous writes made before them); their
 * results and "changed" come back on the calling thread's main context.
 * Use them for what carries large data (a pasted log, check results,
 * drafts), so the main loop never waits for the disk. */
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
/* Cases not deleted; 0 on error. */
guint            md_case_store_count_cases       (MdCaseStore      *self);

/* Each records its timeline event ("marked-delisted", "closed", "reopened",
 * "note-edited", "renamed") in the same transaction; setting the value the
 * case already has changes nothing. */
gboolean         md_case_store_set_status        (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  MdCaseStatus      status,
                                                  GError          **error);
/* The window's edits of the request (a JSON text it defines), or NULL. */
gboolean         md_case_store_set_request_edits (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *json,
                                                  GError          **error);
char            *md_case_store_dup_request_edits (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
gboolean         md_case_store_set_notes         (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  const char       *notes,
                                                  GError          **error);
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
/* GPtrArray of MdCaseEvent*, oldest first: the timeline. */
GPtrArray       *md_case_store_list_events       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);

/* Deleting hides the case (it keeps everything) so that "Undo" can bring it
 * back with md_case_store_undelete_case(); md_case_store_purge_deleted()
 * removes deleted cases for good. */
gboolean         md_case_store_delete_case       (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
gboolean         md_case_store_undelete_case     (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GError          **error);
/* Removes the cases deleted before @before (NULL: all deleted cases) with
 * everything they hold. Returns how many, -1 on error. */
int              md_case_store_purge_deleted     (MdCaseStore      *self,
                                                  GDateTime        *before,
                                                  GError          **error);

/* The watch list's history: when a watched IP appeared on a block list and
 * when it left it, as the watch saw it (times in UTC). */
typedef struct
{
  gint64      id;
  char       *ip;
  char       *zone;        /* the list's zone: "zen.spamhaus.org" */
  char       *list_name;   /* its name when it was seen: "Spamhaus ZEN" */
  GDateTime  *listed;
  GDateTime  *delisted;    /* NULL while still listed */
  char       *detail;      /* what the list's answer meant; NULL */
} MdWatchListing;

#define MD_TYPE_WATCH_LISTING (md_watch_listing_get_type ())
GType           md_watch_listing_get_type  (void) G_GNUC_CONST;
MdWatchListing *md_watch_listing_copy      (const MdWatchListing *self);
void            md_watch_listing_free      (MdWatchListing       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdWatchListing, md_watch_listing_free)

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
/* GPtrArray of MdWatchListing*, by IP then oldest first; @ip NULL for all IPs,
 * @current_only for the listings still open. */
GPtrArray       *md_case_store_list_listings     (MdCaseStore      *self,
                                                  const char       *ip,
                                                  gboolean          current_only,
                                                  GError          **error);
/* A case reminds once: *@claimed is TRUE only for the first claim of a case
 * (FALSE for a case that does not exist). */
gboolean         md_case_store_claim_reminder    (MdCaseStore      *self,
                                                  gint64            case_id,
                                                  GDateTime        *when,
                                                  gboolean         *claimed,
                                                  GError          **error);

G_END_DECLS
