/* md-case-store.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-store.h"
#include "md-diagnosis.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a write waits for another MailDoctor (a second window's process,
 * the CLI) that holds the write lock before it gives up with an error. */
#define BUSY_TIMEOUT_MS 5000

/* Typing notes saves them often; the timeline shows one "note edited" per
 * editing session instead of one per save. */
#define NOTE_EVENT_COALESCE_US (10 * G_TIME_SPAN_MINUTE)

struct _MdCaseStore
{
  GObject  parent_instance;

  /* Owned */
  char    *path;
  char    *recovered_path;
  sqlite3 *db;
};

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void md_case_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdCaseStore, md_case_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      md_case_store_initable_iface_init))

G_DEFINE_QUARK (md-case-store-error-quark, md_case_store_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Enums */

static const GEnumValue case_status_values[] = {
  { MD_CASE_STATUS_OPEN, "MD_CASE_STATUS_OPEN", "open" },
  { MD_CASE_STATUS_REQUESTED, "MD_CASE_STATUS_REQUESTED", "requested" },
  { MD_CASE_STATUS_DELISTED, "MD_CASE_STATUS_DELISTED", "delisted" },
  { MD_CASE_STATUS_CLOSED, "MD_CASE_STATUS_CLOSED", "closed" },
  { 0, NULL, NULL }
};

static const GEnumValue case_event_kind_values[] = {
  { MD_CASE_EVENT_CREATED, "MD_CASE_EVENT_CREATED", "created" },
  { MD_CASE_EVENT_CHECKED, "MD_CASE_EVENT_CHECKED", "checked" },
  { MD_CASE_EVENT_RECHECKED, "MD_CASE_EVENT_RECHECKED", "rechecked" },
  { MD_CASE_EVENT_DRAFT_CREATED, "MD_CASE_EVENT_DRAFT_CREATED", "draft-created" },
  { MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP, "MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP",
    "request-opened-in-mail-app" },
  { MD_CASE_EVENT_REQUEST_SAVED, "MD_CASE_EVENT_REQUEST_SAVED", "request-saved" },
  { MD_CASE_EVENT_REQUEST_COPIED, "MD_CASE_EVENT_REQUEST_COPIED", "request-copied" },
  { MD_CASE_EVENT_FORM_OPENED, "MD_CASE_EVENT_FORM_OPENED", "form-opened" },
  { MD_CASE_EVENT_MARKED_REQUESTED, "MD_CASE_EVENT_MARKED_REQUESTED", "marked-requested" },
  { MD_CASE_EVENT_MARKED_DELISTED, "MD_CASE_EVENT_MARKED_DELISTED", "marked-delisted" },
  { MD_CASE_EVENT_CLOSED, "MD_CASE_EVENT_CLOSED", "closed" },
  { MD_CASE_EVENT_REOPENED, "MD_CASE_EVENT_REOPENED", "reopened" },
  { MD_CASE_EVENT_NOTE_EDITED, "MD_CASE_EVENT_NOTE_EDITED", "note-edited" },
  { MD_CASE_EVENT_RENAMED, "MD_CASE_EVENT_RENAMED", "renamed" },
  { MD_CASE_EVENT_PROBE_REJECTED, "MD_CASE_EVENT_PROBE_REJECTED", "probe-rejected" },
  { MD_CASE_EVENT_PROBE_ACCEPTED, "MD_CASE_EVENT_PROBE_ACCEPTED", "probe-accepted" },
  { MD_CASE_EVENT_FOUND_IN_LOGS, "MD_CASE_EVENT_FOUND_IN_LOGS", "found-in-logs" },
  { 0, NULL, NULL }
};

static const GEnumValue case_change_values[] = {
  { MD_CASE_CHANGE_ADDED, "MD_CASE_CHANGE_ADDED", "added" },
  { MD_CASE_CHANGE_UPDATED, "MD_CASE_CHANGE_UPDATED", "updated" },
  { MD_CASE_CHANGE_REMOVED, "MD_CASE_CHANGE_REMOVED", "removed" },
  { 0, NULL, NULL }
};

GType
md_case_status_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseStatus", case_status_values));

  return type;
}

GType
md_case_event_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseEventKind", case_event_kind_values));

  return type;
}

GType
md_case_change_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseChange", case_change_values));

  return type;
}

static const char *
enum_to_nick (const GEnumValue *values,
              int               value)
{
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (values[i].value == value)
      return values[i].value_nick;

  return NULL;
}

static gboolean
enum_from_nick (const GEnumValue *values,
                const char       *nick,
                int              *value)
{
  if (nick == NULL)
    return FALSE;

  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (g_str_equal (values[i].value_nick, nick))
      {
        *value = values[i].value;
        return TRUE;
      }

  return FALSE;
}

const char *
md_case_status_to_string (MdCaseStatus status)
{
  return enum_to_nick (case_status_values, status);
}

gboolean
md_case_status_from_string (const char   *string,
                            MdCaseStatus *status)
{
  int value;

  g_return_val_if_fail (status != NULL, FALSE);

  if (!enum_from_nick (case_status_values, string, &value))
    return FALSE;

  *status = value;
  return TRUE;
}

const char *
md_case_status_get_label (MdCaseStatus status)
{
  switch (status)
    {
    /* Translators: the status of a case: nothing sent yet */
    case MD_CASE_STATUS_OPEN:      return C_("case status", "Open");
    /* Translators: the status of a case: a delist request was sent */
    case MD_CASE_STATUS_REQUESTED: return C_("case status", "Requested");
    /* Translators: the status of a case: the receiver removed the block */
    case MD_CASE_STATUS_DELISTED:  return C_("case status", "Delisted");
    case MD_CASE_STATUS_CLOSED:    return C_("case status", "Closed");
    default:                       return NULL;
    }
}

const char *
md_case_event_kind_to_string (MdCaseEventKind kind)
{
  return enum_to_nick (case_event_kind_values, kind);
}

gboolean
md_case_event_kind_from_string (const char      *string,
                                MdCaseEventKind *kind)
{
  int value;

  g_return_val_if_fail (kind != NULL, FALSE);

  if (!enum_from_nick (case_event_kind_values, string, &value))
    return FALSE;

  *kind = value;
  return TRUE;
}

const char *
md_case_event_kind_get_label (MdCaseEventKind kind)
{
  switch (kind)
    {
    case MD_CASE_EVENT_CREATED:                    return _("Case created");
    case MD_CASE_EVENT_CHECKED:                    return _("Checked");
    case MD_CASE_EVENT_RECHECKED:                  return _("Checked again");
    case MD_CASE_EVENT_DRAFT_CREATED:              return _("Request drafted");
    case MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP: return _("Request opened in mail app");
    case MD_CASE_EVENT_REQUEST_SAVED:              return _("Request saved as file");
    case MD_CASE_EVENT_REQUEST_COPIED:             return _("Request text copied");
    case MD_CASE_EVENT_FORM_OPENED:                return _("Removal form opened");
    case MD_CASE_EVENT_MARKED_REQUESTED:           return _("Marked as requested");
    case MD_CASE_EVENT_MARKED_DELISTED:            return _("Marked as delisted");
    case MD_CASE_EVENT_CLOSED:                     return _("Case closed");
    case MD_CASE_EVENT_REOPENED:                   return _("Case reopened");
    case MD_CASE_EVENT_NOTE_EDITED:                return _("Notes edited");
    case MD_CASE_EVENT_RENAMED:                    return _("Case renamed");
    case MD_CASE_EVENT_PROBE_REJECTED:             return _("Tested from the mail server: still rejected");
    case MD_CASE_EVENT_PROBE_ACCEPTED:             return _("Tested from the mail server: accepted");
    case MD_CASE_EVENT_FOUND_IN_LOGS:              return _("Found in the mail logs");
    default:                                       return NULL;
    }
}

/* Boxed types */

G_DEFINE_BOXED_TYPE (MdCase, md_case, md_case_copy, md_case_free)
G_DEFINE_BOXED_TYPE (MdCaseRejection, md_case_rejection,
                     md_case_rejection_copy, md_case_rejection_free)
G_DEFINE_BOXED_TYPE (MdCaseCheckRun, md_case_check_run,
                     md_case_check_run_copy, md_case_check_run_free)
G_DEFINE_BOXED_TYPE (MdCaseDraft, md_case_draft, md_case_draft_copy, md_case_draft_free)
G_DEFINE_BOXED_TYPE (MdCaseEvent, md_case_event, md_case_event_copy, md_case_event_free)

static GDateTime *
datetime_ref0 (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_ref (datetime) : NULL;
}

static JsonNode *
json_node_copy0 (JsonNode *node)
{
  return node != NULL ? json_node_copy (node) : NULL;
}

MdCase *
md_case_copy (const MdCase *self)
{
  MdCase *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCase, 1);
  copy->id = self->id;
  copy->created = datetime_ref0 (self->created);
  copy->updated = datetime_ref0 (self->updated);
  copy->title = g_strdup (self->title);
  copy->receiver = g_strdup (self->receiver);
  copy->blocked_ip = g_strdup (self->blocked_ip);
  copy->status = self->status;
  copy->notes = g_strdup (self->notes);
  copy->input_text = g_strdup (self->input_text);
  copy->has_input_eml = self->has_input_eml;
  copy->deleted = datetime_ref0 (self->deleted);

  return copy;
}

void
md_case_free (MdCase *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->updated, g_date_time_unref);
  g_free (self->title);
  g_free (self->receiver);
  g_free (self->blocked_ip);
  g_free (self->notes);
  g_free (self->input_text);
  g_clear_pointer (&self->deleted, g_date_time_unref);
  g_free (self);
}

MdCaseRejection *
md_case_rejection_copy (const MdCaseRejection *self)
{
  MdCaseRejection *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseRejection, 1);
  copy->position = self->position;
  copy->rejection = self->rejection != NULL ? md_rejection_copy (self->rejection) : NULL;
  copy->explanation = json_node_copy0 (self->explanation);

  return copy;
}

void
md_case_rejection_free (MdCaseRejection *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->rejection, md_rejection_free);
  g_clear_pointer (&self->explanation, json_node_unref);
  g_free (self);
}

MdCaseCheckRun *
md_case_check_run_copy (const MdCaseCheckRun *self)
{
  MdCaseCheckRun *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseCheckRun, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->started = datetime_ref0 (self->started);
  copy->finished = datetime_ref0 (self->finished);
  copy->results = json_node_copy0 (self->results);

  return copy;
}

void
md_case_check_run_free (MdCaseCheckRun *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_clear_pointer (&self->results, json_node_unref);
  g_free (self);
}

MdCaseDraft *
md_case_draft_copy (const MdCaseDraft *self)
{
  MdCaseDraft *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseDraft, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->created = datetime_ref0 (self->created);
  copy->channel_id = g_strdup (self->channel_id);
  copy->draft = json_node_copy0 (self->draft);

  return copy;
}

void
md_case_draft_free (MdCaseDraft *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->channel_id);
  g_clear_pointer (&self->draft, json_node_unref);
  g_free (self);
}

MdCaseEvent *
md_case_event_copy (const MdCaseEvent *self)
{
  MdCaseEvent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseEvent, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->timestamp = datetime_ref0 (self->timestamp);
  copy->kind = self->kind;
  copy->detail = g_strdup (self->detail);

  return copy;
}

void
md_case_event_free (MdCaseEvent *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_free (self->detail);
  g_free (self);
}

/* Time: stored as microseconds since the epoch, UTC. */

static GDateTime *
datetime_from_us (gint64 us)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  if (seconds == NULL)
    return NULL;

  return g_date_time_add (seconds, us % G_USEC_PER_SEC);
}

static gint64
datetime_to_us (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

static GDateTime *
column_datetime (sqlite3_stmt *stmt,
                 int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return datetime_from_us (sqlite3_column_int64 (stmt, column));
}

static char *
column_dup_text (sqlite3_stmt *stmt,
                 int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Errors */

static gboolean
is_damage (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  int       rc)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (is_damage (rc))
    g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT,
                 _("The case database is damaged (%s). MailDoctor will move it aside and "
                   "start a new one the next time it starts."),
                 message);
  else
    g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED,
                 _("The case database could not be read or written: %s"),
                 message);
}

static void
set_not_found (GError **error)
{
  g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND,
                       _("This case no longer exists."));
}

static void
set_invalid_data (GError     **error,
                  const char  *what)
{
  g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
               _("The case database holds data that could not be read: %s"), what);
}

/* SQL helpers */

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc);
      return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
prepare (MdCaseStore  *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
static int
step (MdCaseStore   *self,
      sqlite3_stmt  *stmt,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  set_sqlite_error (error, self->db, rc);
  return -1;
}

static gboolean
step_done (MdCaseStore   *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = step (self, stmt, error);

  if (rc == SQLITE_ROW)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED,
                           "Statement returned rows where none were expected");
      return FALSE;
    }

  return rc == SQLITE_DONE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_json (sqlite3_stmt *stmt,
           int           index,
           JsonNode     *node)
{
  if (node != NULL)
    sqlite3_bind_text (stmt, index, json_to_string (node, FALSE), -1, g_free);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_datetime (sqlite3_stmt *stmt,
               int           index,
               GDateTime    *datetime)
{
  if (datetime != NULL)
    sqlite3_bind_int64 (stmt, index, datetime_to_us (datetime));
  else
    sqlite3_bind_null (stmt, index);
}

/* Every write runs in one of these. IMMEDIATE takes the write lock up front,
 * so waiting for another connection goes through the busy timeout instead
 * of failing half-way with SQLITE_BUSY when a read turns into a write. */
static gboolean
begin (MdCaseStore  *self,
       GError      **error)
{
  return exec_sql (self->db, "BEGIN IMMEDIATE", error);
}

static void
rollback (MdCaseStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
commit (MdCaseStore  *self,
        GError      **error)
{
  if (!exec_sql (self->db, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
column_json (MdCaseStore   *self,
             sqlite3_stmt  *stmt,
             int            column,
             GError       **error)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;

  if (text == NULL)
    return NULL;

  node = json_from_string (text, &local_error);
  if (node == NULL)
    set_invalid_data (error, local_error != NULL ? local_error->message : "empty JSON");

  return node;
}

/* Search: Unicode-aware, case-insensitive substring match. SQLite's own LIKE
 * folds ASCII only, so "müller" would not find "Müller". */
static char *
fold_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *normal = g_utf8_normalize (valid, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normal != NULL ? normal : valid, -1);
}

static void
sql_fold_cb (sqlite3_context  *context,
             int               argc,
             sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  sqlite3_result_text (context, fold_text (text), -1, g_free);
}

/* Schema and migrations
 *
 * migrations[n] takes a database at version n to version n + 1; each runs in
 * its own transaction together with the user_version bump, so a crash leaves
 * the file at one version or the next, never in between. A new schema version
 * is one more function here and MD_CASE_STORE_SCHEMA_VERSION + 1. Never edit
 * a migration that shipped. */

static gboolean
migrate_to_1 (sqlite3  *db,
              GError  **error)
{
  /* Times are microseconds since the epoch (UTC). Case ids never come back
   * after a purge (AUTOINCREMENT), so an old "undo" can never hit a newer
   * case. JSON columns hold what the engine's *_to_json() produce. */
  static const char sql[] =
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  title TEXT NOT NULL DEFAULT '',"
    "  receiver TEXT,"
    "  blocked_ip TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open'"
    "    CHECK (status IN ('open', 'requested', 'delisted', 'closed')),"
    "  notes TEXT NOT NULL DEFAULT '',"
    "  input_text TEXT NOT NULL DEFAULT '',"
    "  input_eml BLOB,"
    "  deleted_at INTEGER"
    ");"
    "CREATE INDEX cases_by_created ON cases (created DESC, id DESC);"
    "CREATE TABLE rejections ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  rejection TEXT NOT NULL CHECK (json_valid (rejection)),"
    "  explanation TEXT CHECK (explanation IS NULL OR json_valid (explanation)),"
    "  UNIQUE (case_id, position)"
    ");"
    "CREATE TABLE check_runs ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
    "  started INTEGER NOT NULL,"
    "  finished INTEGER,"
    "  results TEXT NOT NULL CHECK (json_valid (results))"
    ");"
    "CREATE INDEX check_runs_by_case ON check_runs (case_id);"
    "CREATE TABLE drafts ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
    "  created INTEGER NOT NULL,"
    "  channel_id TEXT,"
    "  draft TEXT NOT NULL CHECK (json_valid (draft))"
    ");"
    "CREATE INDEX drafts_by_case ON drafts (case_id);"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
    "  timestamp INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  detail TEXT"
    ");"
    "CREATE INDEX events_by_case ON events (case_id, id);";

  return exec_sql (db, sql, error);
}

/* The request the user is editing, per receiver: a JSON object the window
 * writes as the user types (md_case_store_set_request_edits()), so edits
 * survive switching cases and restarts. */
static gboolean
migrate_to_2 (sqlite3  *db,
              GError  **error)
{
  static const char sql[] =
    "ALTER TABLE cases ADD COLUMN request_edits TEXT"
    "  CHECK (request_edits IS NULL OR json_valid (request_edits));";

  return exec_sql (db, sql, error);
}

/* Migration 3: the watch list's history (issue 17). Listings belong to an
 * IP, not to a case: an IP is watched whether or not a case names it. The
 * partial unique index keeps at most one open listing per IP and list, so
 * two instances that see the same change record it once. Reminders are
 * claimed here for the same reason: a case reminds once, whichever instance
 * notices first. */
static gboolean
migrate_to_3 (sqlite3  *db,
              GError  **error)
{
  static const char sql[] =
    "CREATE TABLE watch_listings ("
    "  id INTEGER PRIMARY KEY,"
    "  ip TEXT NOT NULL,"
    "  zone TEXT NOT NULL,"
    "  list_name TEXT NOT NULL,"
    "  listed INTEGER NOT NULL,"
    "  delisted INTEGER,"
    "  detail TEXT"
    ");"
    "CREATE UNIQUE INDEX watch_listings_open ON watch_listings (ip, zone) "
    "  WHERE delisted IS NULL;"
    "CREATE INDEX watch_listings_by_ip ON watch_listings (ip, listed);"
    "CREATE TABLE watch_reminders ("
    "  case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,"
    "  reminded INTEGER NOT NULL"
    ");";

  return exec_sql (db, sql, error);
}

typedef gboolean (*MdMigration) (sqlite3  *db,
                                 GError  **error);

static const MdMigration migrations[] = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MD_CASE_STORE_SCHEMA_VERSION);

static void
set_too_new (MdCaseStore  *self,
             int           version,
             GError      **error)
{
  g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_TOO_NEW,
               _("The case database %s was written by a newer version of MailDoctor "
                 "(schema %d; this version knows up to %d). It was left unchanged."),
               self->path, version, MD_CASE_STORE_SCHEMA_VERSION);
}

static gboolean
read_user_version (MdCaseStore  *self,
                   int          *version,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", error);

  if (stmt == NULL || step (self, stmt, error) != SQLITE_ROW)
    return FALSE;

  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (MdCaseStore  *self,
         GError      **error)
{
  int version;

  if (!read_user_version (self, &version, error))
    return FALSE;

  while (version < MD_CASE_STORE_SCHEMA_VERSION)
    {
      g_autofree char *bump = NULL;

      if (!begin (self, error))
        return FALSE;

      /* Another instance may have migrated while we waited for the lock. */
      if (!read_user_version (self, &version, error))
        goto fail;
      if (version >= MD_CASE_STORE_SCHEMA_VERSION)
        {
          rollback (self);
          break;
        }

      g_debug ("Case store: migrating %s from schema %d to %d", self->path, version, version + 1);
      if (!migrations[version] (self->db, error))
        goto fail;

      /* PRAGMA takes no bound parameters; the value is our own integer. */
      bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec_sql (self->db, bump, error) || !commit (self, error))
        goto fail;

      version++;
      continue;

    fail:
      rollback (self);
      return FALSE;
    }

  if (version > MD_CASE_STORE_SCHEMA_VERSION)
    {
      set_too_new (self, version, error);
      return FALSE;
    }

  return TRUE;
}

/* Opening, and moving a damaged file aside */

static void
close_database (MdCaseStore *self)
{
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
}

/* Looks at an existing file through a read-only connection before anything
 * may write to it: closing the last read-write connection checkpoints the
 * log into the main file and deletes the log, which would change a damaged
 * file (or drop a stale log) before we could move it aside untouched.
 * MD_CASE_STORE_ERROR_CORRUPT for damage, TOO_NEW for a newer schema; other
 * trouble is left for the read-write open to report. */
static gboolean
check_existing (MdCaseStore  *self,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *verdict = NULL;
  int version = 0;
  int rc;

  if (!g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    return TRUE;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (self->db, 1);
      sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

      if (read_user_version (self, &version, &local_error))
        {
          if (version > MD_CASE_STORE_SCHEMA_VERSION)
            {
              set_too_new (self, version, error);
              goto out;
            }

          /* Damage shows up only when a page is read: check the whole file
           * now rather than fail in the middle of the user's work.
           * quick_check skips the index-content comparison; fast at this size. */
          stmt = prepare (self, "PRAGMA quick_check", &local_error);
          if (stmt != NULL && (rc = step (self, stmt, &local_error)) >= 0)
            {
              verdict = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0) : NULL;
              if (g_strcmp0 (verdict, "ok") != 0)
                g_set_error (&local_error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT,
                             "integrity check failed: %s", verdict != NULL ? verdict : "no answer");
            }
        }
    }
  else if (is_damage (rc))
    set_sqlite_error (&local_error, self->db, rc);

  if (g_error_matches (local_error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (local_error != NULL)
    g_debug ("Case store: read-only look at %s: %s", self->path, local_error->message);

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  close_database (self);

  return error == NULL || *error == NULL;
}

/* The cases hold the user's rejections, addresses and drafts: the database
 * and the WAL and SHM files SQLite makes next to it (with the database's
 * mode) are the user's alone, 0600 — also when an older version made them
 * 0644. The file is created here because SQLite would create it 0644. */
static void
restrict_file_modes (const char *path)
{
  const char *suffixes[] = { "-wal", "-shm", "-journal" };
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      if (fchmod (fd, 0600) != 0)
        g_debug ("Could not make %s private: %s", path, g_strerror (errno));
      close (fd);
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);

      if (g_file_test (side, G_FILE_TEST_IS_REGULAR) &&
          !g_file_test (side, G_FILE_TEST_IS_SYMLINK))
        g_chmod (side, 0600);
    }
}

static gboolean
open_database (MdCaseStore  *self,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  int version;
  int rc;

  restrict_file_modes (self->path);
  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      if (is_damage (rc))
        set_sqlite_error (error, self->db, rc);
      else
        g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN,
                     _("Could not open the case database %s: %s"),
                     self->path,
                     self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      close_database (self);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Again, in case a newer MailDoctor wrote the file since check_existing(). */
  if (!read_user_version (self, &version, &local_error))
    goto fail;
  if (version > MD_CASE_STORE_SCHEMA_VERSION)
    {
      set_too_new (self, version, &local_error);
      goto fail;
    }

  /* WAL: a commit is one append to the log, so a process killed mid-write
   * leaves either the whole transaction or none of it, and readers (a second
   * instance) never block the writer. synchronous=FULL syncs the log at every
   * commit: with NORMAL a killed process loses nothing either, but a power
   * cut could lose the last commits the window already showed as saved.
   * Our writes are few and small, so the extra fsync costs nothing felt. */
  if (!exec_sql (self->db,
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = FULL;",
                 &local_error))
    goto fail;

  if (!migrate (self, &local_error))
    goto fail;

  rc = sqlite3_create_function (self->db, "md_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                NULL, sql_fold_cb, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (&local_error, self->db, rc);
      goto fail;
    }

  return TRUE;

fail:
  /* Not damage and not a newer schema: the file cannot be used (permissions,
   * a directory in its place, a full disk). Say so in the words of opening. */
  if (g_error_matches (local_error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED))
    g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN,
                 _("Could not open the case database %s: %s"),
                 self->path, sqlite3_errmsg (self->db));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  close_database (self);
  return FALSE;
}

static const char * const sidecar_suffixes[] = { "-wal", "-shm", "-journal" };

static gboolean
aside_name_taken (const char *target)
{
  if (g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (sidecar_suffixes); i++)
    {
      g_autofree char *sidecar = g_strconcat (target, sidecar_suffixes[i], NULL);

      if (g_file_test (sidecar, G_FILE_TEST_EXISTS))
        return TRUE;
    }

  return FALSE;
}

/* Renames the file and its WAL/SHM/journal together, keeping SQLite's naming
 * so the kept copy still opens with its log. Returns the new path. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  g_autofree char *target = g_strdup (base);

  for (guint n = 2; aside_name_taken (target); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s-%u", base, n);
    }

  if (g_rename (path, target) != 0)
    {
      int errsv = errno;

      g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN,
                   _("The case database %s is damaged and could not be moved aside: %s"),
                   path, g_strerror (errsv));
      return NULL;
    }

  /* A log left behind would be replayed into the new, empty database:
   * failing to move it is an error, not something to shrug off. */
  for (guint i = 0; i < G_N_ELEMENTS (sidecar_suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, sidecar_suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, sidecar_suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        {
          int errsv = errno;

          g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN,
                       _("The case database %s is damaged and could not be moved aside: %s"),
                       from, g_strerror (errsv));
          return NULL;
        }
    }

  return g_steal_pointer (&target);
}

static gboolean
md_case_store_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  MdCaseStore *self = MD_CASE_STORE (initable);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (self->db == NULL, FALSE);

  if (self->path == NULL)
    self->path = md_case_store_dup_default_path ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN,
                   _("Could not open the case database %s: %s"),
                   self->path, g_strerror (errsv));
      return FALSE;
    }

  if (check_existing (self, &local_error) && open_database (self, &local_error))
    return TRUE;

  if (!g_error_matches (local_error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_debug ("Case store: %s is damaged (%s), moving it aside", self->path, local_error->message);
  self->recovered_path = move_aside (self->path, error);
  if (self->recovered_path == NULL)
    return FALSE;

  return open_database (self, error);
}

static void
md_case_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = md_case_store_initable_init;
}

static void
emit_changed (MdCaseStore  *self,
              gint64        case_id,
              MdCaseChange  change)
{
  g_signal_emit (self, signals[CHANGED], 0, case_id, change);
}

static void
md_case_store_finalize (GObject *object)
{
  MdCaseStore *self = (MdCaseStore *)object;

  close_database (self);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->recovered_path, g_free);

  G_OBJECT_CLASS (md_case_store_parent_class)->finalize (object);
}

static void
md_case_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MdCaseStore *self = MD_CASE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_store_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MdCaseStore *self = MD_CASE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_store_class_init (MdCaseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_case_store_finalize;
  object_class->get_property = md_case_store_get_property;
  object_class->set_property = md_case_store_set_property;

  /* NULL: the default file in the user data directory. */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MdCaseStore::changed:
   * @case_id: the case
   * @change: an #MdCaseChange
   *
   * Emitted after a write through this store was committed (never inside a
   * transaction, so handlers may read and write the store). The sidebar
   * inserts, refreshes or drops the row for @case_id.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, MD_TYPE_CASE_CHANGE);
}

static void
md_case_store_init (MdCaseStore *self)
{
}

/* Public API */

char *
md_case_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "maildoctor", "cases.db", NULL);
}

MdCaseStore *
md_case_store_new (const char  *path,
                   GError     **error)
{
  return g_initable_new (MD_TYPE_CASE_STORE, NULL, error, "path", path, NULL);
}

const char *
md_case_store_get_path (MdCaseStore *self)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return self->path;
}

const char *
md_case_store_get_recovered_path (MdCaseStore *self)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return self->recovered_path;
}

char *
md_case_store_dup_recovery_message (MdCaseStore *self)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  if (self->recovered_path == NULL)
    return NULL;

  return g_strdup_printf (_("The case database was damaged; it was moved aside to %s and a "
                            "new one was started."),
                          self->recovered_path);
}

/* The case's receiver and blocked IP: MdDiagnosis's rules (the primary
 * rejection, then the others), so the window, the CLI and the sidebar agree. */
static void
subject_of (GPtrArray  *rejections,
            GPtrArray  *explanations,
            char      **receiver,
            char      **blocked_ip)
{
  guint primary;

  *receiver = NULL;
  *blocked_ip = NULL;
  if (rejections == NULL || rejections->len == 0)
    return;

  primary = md_diagnosis_find_primary (rejections, explanations);
  *receiver = md_diagnosis_find_receiver (rejections, primary);
  *blocked_ip = g_strdup (((const MdRejection *) g_ptr_array_index (rejections, primary))->blocked_ip);
  for (guint i = 0; *blocked_ip == NULL && i < rejections->len; i++)
    *blocked_ip = g_strdup (((const MdRejection *) g_ptr_array_index (rejections, i))->blocked_ip);
}

static gboolean
check_parallel (GPtrArray  *rejections,
                GPtrArray  *explanations,
                GError    **error)
{
  if (explanations != NULL && (rejections == NULL || explanations->len != rejections->len))
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "explanations must be parallel to rejections");
      return FALSE;
    }

  return TRUE;
}

/* Touches the case (its updated time); FALSE with NOT_FOUND when it is gone. */
static gboolean
touch_case (MdCaseStore  *self,
            gint64        case_id,
            gint64        now,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self, "UPDATE cases SET updated = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      set_not_found (error);
      return FALSE;
    }

  return TRUE;
}

static gint64
insert_event (MdCaseStore      *self,
              gint64            case_id,
              gint64            now,
              MdCaseEventKind   kind,
              const char       *detail,
              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO events (case_id, timestamp, kind, detail) VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, now);
  bind_text (stmt, 3, md_case_event_kind_to_string (kind));
  bind_text (stmt, 4, detail);
  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
insert_rejections (MdCaseStore  *self,
                   gint64        case_id,
                   GPtrArray    *rejections,
                   GPtrArray    *explanations,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) next = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  gint64 position;

  if (rejections == NULL || rejections->len == 0)
    return TRUE;

  next = prepare (self,
                  "SELECT coalesce (max (position) + 1, 0) FROM rejections WHERE case_id = ?1",
                  error);
  if (next == NULL)
    return FALSE;
  sqlite3_bind_int64 (next, 1, case_id);
  if (step (self, next, error) != SQLITE_ROW)
    return FALSE;
  position = sqlite3_column_int64 (next, 0);

  insert = prepare (self,
                    "INSERT INTO rejections (case_id, position, rejection, explanation) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    error);
  if (insert == NULL)
    return FALSE;

  for (guint i = 0; i < rejections->len; i++)
    {
      const MdRejection *rejection = g_ptr_array_index (rejections, i);
      const MdExplanation *explanation =
        explanations != NULL ? g_ptr_array_index (explanations, i) : NULL;
      g_autoptr(JsonNode) rejection_json = md_rejection_to_json (rejection);
      g_autoptr(JsonNode) explanation_json = NULL;

      if (explanation != NULL)
        explanation_json = md_explanation_to_json (explanation);

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, case_id);
      sqlite3_bind_int64 (insert, 2, position + i);
      bind_json (insert, 3, rejection_json);
      bind_json (insert, 4, explanation_json);
      if (!step_done (self, insert, error))
        return FALSE;
    }

  return TRUE;
}

gint64
md_case_store_create_case (MdCaseStore  *self,
                           const char   *title,
                           const char   *input_text,
                           GBytes       *input_eml,
                           GPtrArray    *rejections,
                           GPtrArray    *explanations,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *blocked_ip = NULL;
  gint64 now = g_get_real_time ();
  gint64 id;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!check_parallel (rejections, explanations, error))
    return 0;

  subject_of (rejections, explanations, &receiver, &blocked_ip);

  if (!begin (self, error))
    return 0;

  stmt = prepare (self,
                  "INSERT INTO cases (created, updated, title, receiver, blocked_ip, status, "
                  "                   notes, input_text, input_eml) "
                  "VALUES (?1, ?1, ?2, ?3, ?4, 'open', '', ?5, ?6)",
                  error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, title != NULL ? title : "");
  bind_text (stmt, 3, receiver);
  bind_text (stmt, 4, blocked_ip);
  bind_text (stmt, 5, input_text != NULL ? input_text : "");
  if (input_eml != NULL)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (input_eml, &size);

      /* A zero-length blob still says "there was an .eml", unlike NULL. */
      sqlite3_bind_blob64 (stmt, 6, data != NULL ? data : "", size, SQLITE_TRANSIENT);
    }
  else
    sqlite3_bind_null (stmt, 6);

  if (!step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);

  if (!insert_rejections (self, id, rejections, explanations, error)
      || insert_event (self, id, now, MD_CASE_EVENT_CREATED, NULL, error) == 0
      || !commit (self, error))
    goto fail;

  emit_changed (self, id, MD_CASE_CHANGE_ADDED);
  return id;

fail:
  rollback (self);
  return 0;
}

#define CASE_COLUMNS \
  "id, created, updated, title, receiver, blocked_ip, status, notes, input_text, " \
  "input_eml IS NOT NULL, deleted_at"
/* The sidebar does not need the pasted text: a thousand cases of bounce
 * text each would be megabytes read for nothing. */
#define CASE_LIST_COLUMNS \
  "id, created, updated, title, receiver, blocked_ip, status, notes, NULL, " \
  "input_eml IS NOT NULL, deleted_at"

static MdCase *
case_from_row (sqlite3_stmt *stmt)
{
  MdCase *self = g_new0 (MdCase, 1);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->created = column_datetime (stmt, 1);
  self->updated = column_datetime (stmt, 2);
  self->title = column_dup_text (stmt, 3);
  self->receiver = column_dup_text (stmt, 4);
  self->blocked_ip = column_dup_text (stmt, 5);
  if (!md_case_status_from_string ((const char *) sqlite3_column_text (stmt, 6), &self->status))
    self->status = MD_CASE_STATUS_OPEN;
  self->notes = column_dup_text (stmt, 7);
  /* NULL only in lists (CASE_LIST_COLUMNS); the column itself is NOT NULL. */
  self->input_text = column_dup_text (stmt, 8);
  self->has_input_eml = sqlite3_column_int (stmt, 9) != 0;
  self->deleted = column_datetime (stmt, 10);

  if (self->title == NULL)
    self->title = g_strdup ("");
  if (self->notes == NULL)
    self->notes = g_strdup ("");

  return self;
}

MdCase *
md_case_store_get_case (MdCaseStore  *self,
                        gint64        case_id,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  stmt = prepare (self, "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }

  return case_from_row (stmt);
}

GBytes *
md_case_store_dup_input_eml (MdCaseStore  *self,
                             gint64        case_id,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  stmt = prepare (self, "SELECT input_eml FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;

  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

GPtrArray *
md_case_store_list_cases (MdCaseStore  *self,
                          const char   *search,
                          GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *stripped = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  if (search != NULL)
    {
      stripped = g_strstrip (g_strdup (search));
      if (stripped[0] != '\0')
        needle = fold_text (stripped);
    }

  /* instr(), not LIKE: the user's "%" and "_" are plain characters. */
  stmt = prepare (self,
                  "SELECT " CASE_LIST_COLUMNS " FROM cases "
                  "WHERE deleted_at IS NULL "
                  "  AND (?1 IS NULL "
                  "       OR instr (md_fold (title), ?1) > 0 "
                  "       OR instr (md_fold (coalesce (receiver, '')), ?1) > 0 "
                  "       OR instr (md_fold (coalesce (blocked_ip, '')), ?1) > 0 "
                  "       OR instr (md_fold (notes), ?1) > 0) "
                  "ORDER BY created DESC, id DESC",
                  error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, needle);
  cases = g_ptr_array_new_with_free_func ((GDestroyNotify) md_case_free);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (cases, case_from_row (stmt));

  if (rc < 0)
    return NULL;

  return g_steal_pointer (&cases);
}

guint
md_case_store_count_cases (MdCaseStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  stmt = prepare (self, "SELECT count (*) FROM cases WHERE deleted_at IS NULL", NULL);
  if (stmt == NULL || step (self, stmt, NULL) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int (stmt, 0);
}

/* Reads one text column of a case inside the current transaction. */
static gboolean
read_case_text (MdCaseStore  *self,
                gint64        case_id,
                const char   *column,
                char        **value,
                GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM cases WHERE id = ?1", column);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return FALSE;
    }

  *value = column_dup_text (stmt, 0);
  return TRUE;
}

static gboolean
write_case_text (MdCaseStore  *self,
                 gint64        case_id,
                 const char   *column,
                 const char   *value,
                 gint64        now,
                 GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE cases SET %s = ?2, updated = ?3 WHERE id = ?1",
                                          column);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, value);
  sqlite3_bind_int64 (stmt, 3, now);

  return step_done (self, stmt, error);
}

gboolean
md_case_store_set_status (MdCaseStore   *self,
                          gint64         case_id,
                          MdCaseStatus   status,
                          GError       **error)
{
  static const MdCaseEventKind event_for_status[] = {
    [MD_CASE_STATUS_OPEN] = MD_CASE_EVENT_REOPENED,
    [MD_CASE_STATUS_REQUESTED] = MD_CASE_EVENT_MARKED_REQUESTED,
    [MD_CASE_STATUS_DELISTED] = MD_CASE_EVENT_MARKED_DELISTED,
    [MD_CASE_STATUS_CLOSED] = MD_CASE_EVENT_CLOSED,
  };
  g_autofree char *old = NULL;
  const char *new_value;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  new_value = md_case_status_to_string (status);
  if (new_value == NULL)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "not a case status");
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;

  if (!read_case_text (self, case_id, "status", &old, error))
    goto fail;

  if (g_strcmp0 (old, new_value) == 0)
    {
      rollback (self);
      return TRUE;
    }

  if (!write_case_text (self, case_id, "status", new_value, now, error)
      || insert_event (self, case_id, now, event_for_status[status], NULL, error) == 0
      || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Autosave: no event and no "changed" signal (the case list does not move
 * for every keystroke); the edits are the user's, not the case's history. */
gboolean
md_case_store_set_request_edits (MdCaseStore  *self,
                                 gint64        case_id,
                                 const char   *json,
                                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  stmt = prepare (self, "UPDATE cases SET request_edits = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  if (json != NULL)
    sqlite3_bind_text (stmt, 2, json, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);

  rc = step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      set_not_found (error);
      return FALSE;
    }

  return TRUE;
}

/* NULL without an error when nothing was edited. */
char *
md_case_store_dup_request_edits (MdCaseStore  *self,
                                 gint64        case_id,
                                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  stmt = prepare (self, "SELECT request_edits FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (self, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }

  return column_dup_text (stmt, 0);
}

gboolean
md_case_store_set_notes (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *notes,
                         GError      **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autofree char *old = NULL;
  gint64 now = g_get_real_time ();
  gboolean coalesce = FALSE;
  gint64 last_id = 0;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (notes == NULL)
    notes = "";

  if (!begin (self, error))
    return FALSE;

  if (!read_case_text (self, case_id, "notes", &old, error))
    goto fail;

  if (g_strcmp0 (old, notes) == 0)
    {
      rollback (self);
      return TRUE;
    }

  last = prepare (self,
                  "SELECT id, kind, timestamp FROM events WHERE case_id = ?1 "
                  "ORDER BY id DESC LIMIT 1",
                  error);
  if (last == NULL)
    goto fail;
  sqlite3_bind_int64 (last, 1, case_id);
  rc = step (self, last, error);
  if (rc < 0)
    goto fail;
  if (rc == SQLITE_ROW
      && g_strcmp0 ((const char *) sqlite3_column_text (last, 1),
                    md_case_event_kind_to_string (MD_CASE_EVENT_NOTE_EDITED)) == 0
      && now - sqlite3_column_int64 (last, 2) < NOTE_EVENT_COALESCE_US)
    {
      coalesce = TRUE;
      last_id = sqlite3_column_int64 (last, 0);
    }
  g_clear_pointer (&last, sqlite3_finalize);

  if (!write_case_text (self, case_id, "notes", notes, now, error))
    goto fail;

  if (coalesce)
    {
      g_autoptr(sqlite3_stmt) stmt =
        prepare (self, "UPDATE events SET timestamp = ?2 WHERE id = ?1", error);

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, last_id);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!step_done (self, stmt, error))
        goto fail;
    }
  else if (insert_event (self, case_id, now, MD_CASE_EVENT_NOTE_EDITED, NULL, error) == 0)
    goto fail;

  if (!commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  g_clear_pointer (&last, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

gboolean
md_case_store_set_title (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *title,
                         GError      **error)
{
  g_autofree char *old = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (title == NULL)
    title = "";

  if (!begin (self, error))
    return FALSE;

  if (!read_case_text (self, case_id, "title", &old, error))
    goto fail;

  if (g_strcmp0 (old, title) == 0)
    {
      rollback (self);
      return TRUE;
    }

  if (!write_case_text (self, case_id, "title", title, now, error)
      || insert_event (self, case_id, now, MD_CASE_EVENT_RENAMED, title, error) == 0
      || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

gboolean
md_case_store_set_subject (MdCaseStore  *self,
                           gint64        case_id,
                           const char   *receiver,
                           const char   *blocked_ip,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  stmt = prepare (self,
                  "UPDATE cases SET receiver = ?2, blocked_ip = ?3, updated = ?4 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, receiver);
  bind_text (stmt, 3, blocked_ip);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      set_not_found (error);
      return FALSE;
    }

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;
}

gboolean
md_case_store_add_rejections (MdCaseStore  *self,
                              gint64        case_id,
                              GPtrArray    *rejections,
                              GPtrArray    *explanations,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *blocked_ip = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (!check_parallel (rejections, explanations, error))
    return FALSE;

  subject_of (rejections, explanations, &receiver, &blocked_ip);

  if (!begin (self, error))
    return FALSE;

  /* Fill in what the case did not know yet; never overwrite the user's edit. */
  stmt = prepare (self,
                  "UPDATE cases SET receiver = coalesce (receiver, ?2), "
                  "  blocked_ip = coalesce (blocked_ip, ?3), updated = ?4 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, receiver);
  bind_text (stmt, 3, blocked_ip);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      set_not_found (error);
      goto fail;
    }

  if (!insert_rejections (self, case_id, rejections, explanations, error)
      || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Reads the current row of a per-case listing into *item. FALSE (with
 * @error set) stops the listing; TRUE with *item left NULL skips the row. */
typedef gboolean (*RowReader) (MdCaseStore   *self,
                               sqlite3_stmt  *stmt,
                               gpointer      *item,
                               GError       **error);

/* The rows that @sql selects for one case (bound as ?1), in its order. */
static GPtrArray *
list_case_rows (MdCaseStore     *self,
                gint64           case_id,
                const char      *sql,
                GDestroyNotify   free_item,
                RowReader        read_row,
                GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int rc;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  list = g_ptr_array_new_with_free_func (free_item);
  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    {
      gpointer item = NULL;

      if (!read_row (self, stmt, &item, error))
        return NULL;
      if (item != NULL)
        g_ptr_array_add (list, item);
    }

  if (rc < 0)
    return NULL;

  return g_steal_pointer (&list);
}

static gboolean
read_rejection_row (MdCaseStore   *self,
                    sqlite3_stmt  *stmt,
                    gpointer      *out_item,
                    GError       **error)
{
  g_autoptr(MdCaseRejection) item = g_new0 (MdCaseRejection, 1);
  g_autoptr(JsonNode) node = NULL;

  item->position = sqlite3_column_int (stmt, 0);
  node = column_json (self, stmt, 1, error);
  if (node == NULL)
    return FALSE;
  item->rejection = md_rejection_new_from_json (node, NULL);
  if (item->rejection == NULL)
    {
      set_invalid_data (error, "rejection is not an object");
      return FALSE;
    }
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      item->explanation = column_json (self, stmt, 2, error);
      if (item->explanation == NULL)
        return FALSE;
    }

  *out_item = g_steal_pointer (&item);
  return TRUE;
}

GPtrArray *
md_case_store_list_rejections (MdCaseStore  *self,
                               gint64        case_id,
                               GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return list_case_rows (self, case_id,
                         "SELECT position, rejection, explanation FROM rejections "
                         "WHERE case_id = ?1 ORDER BY position",
                         (GDestroyNotify) md_case_rejection_free, read_rejection_row, error);
}

static gboolean
check_json (JsonNode    *node,
            GError     **error)
{
  if (node == NULL)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "no JSON given");
      return FALSE;
    }

  return TRUE;
}

gint64
md_case_store_add_check_run (MdCaseStore  *self,
                             gint64        case_id,
                             GDateTime    *started,
                             GDateTime    *finished,
                             JsonNode     *results,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time ();
  gboolean first;
  gint64 id;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);
  g_return_val_if_fail (started != NULL, 0);

  if (!check_json (results, error))
    return 0;

  if (!begin (self, error))
    return 0;

  if (!touch_case (self, case_id, now, error))
    goto fail;

  count = prepare (self, "SELECT count (*) FROM check_runs WHERE case_id = ?1", error);
  if (count == NULL)
    goto fail;
  sqlite3_bind_int64 (count, 1, case_id);
  if (step (self, count, error) != SQLITE_ROW)
    goto fail;
  first = sqlite3_column_int64 (count, 0) == 0;

  stmt = prepare (self,
                  "INSERT INTO check_runs (case_id, started, finished, results) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_datetime (stmt, 2, started);
  bind_datetime (stmt, 3, finished);
  bind_json (stmt, 4, results);
  if (!step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);

  if (insert_event (self, case_id, now,
                    first ? MD_CASE_EVENT_CHECKED : MD_CASE_EVENT_RECHECKED, NULL, error) == 0
      || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return id;

fail:
  rollback (self);
  return 0;
}

gboolean
md_case_store_finish_check_run (MdCaseStore  *self,
                                gint64        run_id,
                                GDateTime    *finished,
                                JsonNode     *results,
                                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 case_id;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (!check_json (results, error))
    return FALSE;

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self,
                  "UPDATE check_runs SET finished = ?2, results = ?3 WHERE id = ?1 "
                  "RETURNING case_id",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  bind_datetime (stmt, 2, finished);
  bind_json (stmt, 3, results);
  rc = step (self, stmt, error);
  if (rc < 0)
    goto fail;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      goto fail;
    }
  case_id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING runs the update to completion only when stepped to the end. */
  if (!step_done (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!touch_case (self, case_id, g_get_real_time (), error) || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return FALSE;
}

static gboolean
read_check_run_row (MdCaseStore   *self,
                    sqlite3_stmt  *stmt,
                    gpointer      *out_item,
                    GError       **error)
{
  g_autoptr(MdCaseCheckRun) run = g_new0 (MdCaseCheckRun, 1);

  run->id = sqlite3_column_int64 (stmt, 0);
  run->case_id = sqlite3_column_int64 (stmt, 1);
  run->started = column_datetime (stmt, 2);
  run->finished = column_datetime (stmt, 3);
  run->results = column_json (self, stmt, 4, error);
  if (run->results == NULL)
    return FALSE;

  *out_item = g_steal_pointer (&run);
  return TRUE;
}

GPtrArray *
md_case_store_list_check_runs (MdCaseStore  *self,
                               gint64        case_id,
                               GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return list_case_rows (self, case_id,
                         "SELECT id, case_id, started, finished, results FROM check_runs "
                         "WHERE case_id = ?1 ORDER BY started DESC, id DESC",
                         (GDestroyNotify) md_case_check_run_free, read_check_run_row, error);
}

gint64
md_case_store_add_draft (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *channel_id,
                         JsonNode     *draft,
                         GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time ();
  gint64 id;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  if (!check_json (draft, error))
    return 0;

  if (!begin (self, error))
    return 0;

  if (!touch_case (self, case_id, now, error))
    goto fail;

  stmt = prepare (self,
                  "INSERT INTO drafts (case_id, created, channel_id, draft) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, now);
  bind_text (stmt, 3, channel_id);
  bind_json (stmt, 4, draft);
  if (!step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);

  if (insert_event (self, case_id, now, MD_CASE_EVENT_DRAFT_CREATED, channel_id, error) == 0
      || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return id;

fail:
  rollback (self);
  return 0;
}

static gboolean
read_draft_row (MdCaseStore   *self,
                sqlite3_stmt  *stmt,
                gpointer      *out_item,
                GError       **error)
{
  g_autoptr(MdCaseDraft) draft = g_new0 (MdCaseDraft, 1);

  draft->id = sqlite3_column_int64 (stmt, 0);
  draft->case_id = sqlite3_column_int64 (stmt, 1);
  draft->created = column_datetime (stmt, 2);
  draft->channel_id = column_dup_text (stmt, 3);
  draft->draft = column_json (self, stmt, 4, error);
  if (draft->draft == NULL)
    return FALSE;

  *out_item = g_steal_pointer (&draft);
  return TRUE;
}

GPtrArray *
md_case_store_list_drafts (MdCaseStore  *self,
                           gint64        case_id,
                           GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return list_case_rows (self, case_id,
                         "SELECT id, case_id, created, channel_id, draft FROM drafts "
                         "WHERE case_id = ?1 ORDER BY created DESC, id DESC",
                         (GDestroyNotify) md_case_draft_free, read_draft_row, error);
}

gint64
md_case_store_add_event (MdCaseStore      *self,
                         gint64            case_id,
                         MdCaseEventKind   kind,
                         const char       *detail,
                         GError          **error)
{
  gint64 now = g_get_real_time ();
  gint64 id;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  if (md_case_event_kind_to_string (kind) == NULL)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "not an event kind");
      return 0;
    }

  if (!begin (self, error))
    return 0;

  if (!touch_case (self, case_id, now, error))
    goto fail;

  id = insert_event (self, case_id, now, kind, detail, error);
  if (id == 0 || !commit (self, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return id;

fail:
  rollback (self);
  return 0;
}

static gboolean
read_event_row (MdCaseStore   *self,
                sqlite3_stmt  *stmt,
                gpointer      *out_item,
                GError       **error)
{
  g_autoptr(MdCaseEvent) event = g_new0 (MdCaseEvent, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 3);

  /* A kind from a newer version is skipped, not an error: the rest of
   * the timeline stays readable. */
  if (!md_case_event_kind_from_string (kind, &event->kind))
    return TRUE;

  event->id = sqlite3_column_int64 (stmt, 0);
  event->case_id = sqlite3_column_int64 (stmt, 1);
  event->timestamp = column_datetime (stmt, 2);
  event->detail = column_dup_text (stmt, 4);

  *out_item = g_steal_pointer (&event);
  return TRUE;
}

GPtrArray *
md_case_store_list_events (MdCaseStore  *self,
                           gint64        case_id,
                           GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  /* The order things were recorded in, not the clock: a clock set back
   * (NTP, a new battery) must not reshuffle the timeline. */
  return list_case_rows (self, case_id,
                         "SELECT id, case_id, timestamp, kind, detail FROM events "
                         "WHERE case_id = ?1 ORDER BY id",
                         (GDestroyNotify) md_case_event_free, read_event_row, error);
}

static gboolean
set_deleted (MdCaseStore  *self,
             gint64        case_id,
             gboolean      deleted,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(MdCase) existing = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  stmt = prepare (self,
                  deleted
                  ? "UPDATE cases SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"
                  : "UPDATE cases SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  if (deleted)
    sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      /* Already in the wanted state is fine; gone (purged) is not. */
      existing = md_case_store_get_case (self, case_id, error);
      return existing != NULL;
    }

  emit_changed (self, case_id, deleted ? MD_CASE_CHANGE_REMOVED : MD_CASE_CHANGE_ADDED);
  return TRUE;
}

gboolean
md_case_store_delete_case (MdCaseStore  *self,
                           gint64        case_id,
                           GError      **error)
{
  return set_deleted (self, case_id, TRUE, error);
}

gboolean
md_case_store_undelete_case (MdCaseStore  *self,
                             gint64        case_id,
                             GError      **error)
{
  return set_deleted (self, case_id, FALSE, error);
}

int
md_case_store_purge_deleted (MdCaseStore  *self,
                             GDateTime    *before,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int purged;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), -1);

  if (!begin (self, error))
    return -1;

  /* The rejections, runs, drafts and events go with it (ON DELETE CASCADE). */
  stmt = prepare (self,
                  "DELETE FROM cases "
                  "WHERE deleted_at IS NOT NULL AND (?1 IS NULL OR deleted_at < ?1)",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_datetime (stmt, 1, before);
  if (!step_done (self, stmt, error))
    goto fail;
  purged = sqlite3_changes (self->db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!commit (self, error))
    goto fail;

  return purged;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (self);
  return -1;
}

/* The watch list's history (migration 2) */

G_DEFINE_BOXED_TYPE (MdWatchListing, md_watch_listing, md_watch_listing_copy,
                     md_watch_listing_free)

MdWatchListing *
md_watch_listing_copy (const MdWatchListing *self)
{
  MdWatchListing *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdWatchListing, 1);
  copy->id = self->id;
  copy->ip = g_strdup (self->ip);
  copy->zone = g_strdup (self->zone);
  copy->list_name = g_strdup (self->list_name);
  copy->listed = self->listed != NULL ? g_date_time_ref (self->listed) : NULL;
  copy->delisted = self->delisted != NULL ? g_date_time_ref (self->delisted) : NULL;
  copy->detail = g_strdup (self->detail);

  return copy;
}

void
md_watch_listing_free (MdWatchListing *self)
{
  if (self == NULL)
    return;

  g_free (self->ip);
  g_free (self->zone);
  g_free (self->list_name);
  g_clear_pointer (&self->listed, g_date_time_unref);
  g_clear_pointer (&self->delisted, g_date_time_unref);
  g_free (self->detail);
  g_free (self);
}

gboolean
md_case_store_record_listing (MdCaseStore  *self,
                              const char   *ip,
                              const char   *zone,
                              const char   *list_name,
                              gboolean      listed,
                              GDateTime    *when,
                              const char   *detail,
                              gboolean     *changed,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);
  g_return_val_if_fail (ip != NULL && zone != NULL && list_name != NULL, FALSE);
  g_return_val_if_fail (when != NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;

  if (!begin (self, error))
    return FALSE;

  if (listed)
    stmt = prepare (self,
                    "INSERT OR IGNORE INTO watch_listings (ip, zone, list_name, listed, detail) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
                    error);
  else
    stmt = prepare (self,
                    "UPDATE watch_listings SET delisted = ?4 "
                    "WHERE ip = ?1 AND zone = ?2 AND delisted IS NULL",
                    error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, ip);
  bind_text (stmt, 2, zone);
  if (listed)
    {
      bind_text (stmt, 3, list_name);
      bind_text (stmt, 5, detail);
    }
  bind_datetime (stmt, 4, when);
  if (!step_done (self, stmt, error))
    goto fail;

  if (changed != NULL)
    *changed = sqlite3_changes (self->db) > 0;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

GPtrArray *
md_case_store_list_listings (MdCaseStore  *self,
                             const char   *ip,
                             gboolean      current_only,
                             GError      **error)
{
  g_autoptr(GPtrArray) listings = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  listings = g_ptr_array_new_with_free_func ((GDestroyNotify) md_watch_listing_free);
  stmt = prepare (self,
                  "SELECT id, ip, zone, list_name, listed, delisted, detail FROM watch_listings "
                  "WHERE (?1 IS NULL OR ip = ?1) AND (?2 = 0 OR delisted IS NULL) "
                  "ORDER BY ip, listed, id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, ip);
  sqlite3_bind_int (stmt, 2, current_only ? 1 : 0);

  while ((rc = step (self, stmt, error)) == SQLITE_ROW)
    {
      MdWatchListing *listing = g_new0 (MdWatchListing, 1);

      listing->id = sqlite3_column_int64 (stmt, 0);
      listing->ip = column_dup_text (stmt, 1);
      listing->zone = column_dup_text (stmt, 2);
      listing->list_name = column_dup_text (stmt, 3);
      listing->listed = column_datetime (stmt, 4);
      listing->delisted = column_datetime (stmt, 5);
      listing->detail = column_dup_text (stmt, 6);
      g_ptr_array_add (listings, listing);
    }
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&listings);
}

gboolean
md_case_store_claim_reminder (MdCaseStore  *self,
                              gint64        case_id,
                              GDateTime    *when,
                              gboolean     *claimed,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);
  g_return_val_if_fail (when != NULL, FALSE);
  g_return_val_if_fail (claimed != NULL, FALSE);

  *claimed = FALSE;

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT OR IGNORE INTO watch_reminders (case_id, reminded) "
                  "SELECT id, ?2 FROM cases WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_datetime (stmt, 2, when);
  if (!step_done (self, stmt, error))
    goto fail;
  *claimed = sqlite3_changes (self->db) > 0;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}
