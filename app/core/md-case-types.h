/* md-case-types.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "md-rejection.h"

G_BEGIN_DECLS

/* What the case store hands out and takes: the case's status, its timeline's
 * event kinds and the store's change kinds (enums with stable ids), and the
 * rows as plain boxed structs (md-case-store.h includes this). */

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

G_END_DECLS
