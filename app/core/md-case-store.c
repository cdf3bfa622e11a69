/* md-case-store.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One unit, over 1,000 lines: the schema and its migrations, every
 * statement that reads or writes the database and the writer thread all
 * share the SQL helpers and the transaction rules below, and the writer
 * thread runs the very write functions (WriteFunc, in one transaction by
 * run_write()) the synchronous calls run. The enums and boxed row types
 * are in md-case-types.c. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-store.h"
#include "md-diagnosis.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a write waits for another MailDoctor (a second window's process,
 * the CLI) that holds the write lock before it gives up with an error. */
#define BUSY_TIMEOUT_MS 5000

/* Clean-close markers: "<database>.open-<pid>-<n>" (see
 * sweep_stale_markers()); pid 0 marks damage seen while in use. */
#define MARKER_INFIX ".open-"
#define DAMAGE_MARKER MARKER_INFIX "0-damaged"

/* Typing notes saves them often; the timeline shows one "note edited" per
 * editing session instead of one per save. */
#define NOTE_EVENT_COALESCE_US (10 * G_TIME_SPAN_MINUTE)

struct _MdCaseStore
{
  GObject  parent_instance;

  /* Owned */
  char    *path;
  char    *recovered_path;
  char    *marker_path;   /* ours, removed on a clean close */
  sqlite3 *db;            /* the caller's (main) thread */
  gint     main_statements;   /* run on @db: see md_case_store_get_main_statements() */

  /* The writer thread's (queue_write()) */
  GThreadPool *writer_pool;
  sqlite3     *writer_db;
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

/* GAsyncInitable's default implementation runs GInitable's init in a
 * thread: opening, migrating and (after an unclean end) checking the file
 * happen off the main thread with md_case_store_new_async(). */
G_DEFINE_FINAL_TYPE_WITH_CODE (MdCaseStore, md_case_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      md_case_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, NULL))

G_DEFINE_QUARK (md-case-store-error-quark, md_case_store_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

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

/* Damage found while in use: a marker no process owns, so the next start
 * checks the whole file and moves it aside, as the error message promises. */
static void
note_damage (sqlite3 *db)
{
  const char *file = db != NULL ? sqlite3_db_filename (db, "main") : NULL;
  g_autofree char *marker = NULL;

  if (file == NULL || file[0] == '\0')
    return;

  marker = g_strconcat (file, DAMAGE_MARKER, NULL);
  if (!g_file_set_contents_full (marker, "", 0, G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    g_debug ("Case store: could not mark %s as damaged", file);
}

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  int       rc)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (is_damage (rc))
    {
      note_damage (db);
      g_set_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT,
                   _("The case database is damaged (%s). MailDoctor will move it aside and "
                     "start a new one the next time it starts."),
                   message);
    }
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
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
static int
step (sqlite3       *db,
      sqlite3_stmt  *stmt,
      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  set_sqlite_error (error, db, rc);
  return -1;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = step (db, stmt, error);

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
begin (sqlite3  *db,
       GError  **error)
{
  return exec_sql (db, "BEGIN IMMEDIATE", error);
}

static void
rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
commit (sqlite3  *db,
        GError  **error)
{
  if (!exec_sql (db, "COMMIT", error))
    {
      rollback (db);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
column_json (sqlite3_stmt  *stmt,
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

/* Migration 4: the pasted input (up to 200 MB of mail log) and the .eml move out of the
 * cases row into a table of their own, read only when asked: with them in
 * the row every list, get and title read, and every update that touches
 * the case (each event bumps "updated"), read or rewrote the whole input. */
static gboolean
migrate_to_4 (sqlite3  *db,
                      GError  **error)
{
  static const char sql[] =
    "CREATE TABLE case_inputs ("
    "  case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,"
    "  text TEXT NOT NULL DEFAULT '',"
    "  eml BLOB"
    ");"
    "INSERT INTO case_inputs (case_id, text, eml) SELECT id, input_text, input_eml FROM cases;"
    "ALTER TABLE cases ADD COLUMN has_input_eml INTEGER NOT NULL DEFAULT 0;"
    "UPDATE cases SET has_input_eml = (input_eml IS NOT NULL);"
    "ALTER TABLE cases DROP COLUMN input_text;"
    "ALTER TABLE cases DROP COLUMN input_eml;";

  return exec_sql (db, sql, error);
}

typedef gboolean (*MdMigration) (sqlite3  *db,
                                 GError  **error);

static const MdMigration migrations[] = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
  migrate_to_4,
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
read_user_version (sqlite3      *db,
                   int          *version,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "PRAGMA user_version", error);

  if (stmt == NULL || step (db, stmt, error) != SQLITE_ROW)
    return FALSE;

  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (MdCaseStore  *self,
         GError      **error)
{
  int version;

  if (!read_user_version (self->db, &version, error))
    return FALSE;

  while (version < MD_CASE_STORE_SCHEMA_VERSION)
    {
      g_autofree char *bump = NULL;

      if (!begin (self->db, error))
        return FALSE;

      /* Another instance may have migrated while we waited for the lock. */
      if (!read_user_version (self->db, &version, error))
        goto fail;
      if (version >= MD_CASE_STORE_SCHEMA_VERSION)
        {
          rollback (self->db);
          break;
        }

      g_debug ("Case store: migrating %s from schema %d to %d", self->path, version, version + 1);
      if (!migrations[version] (self->db, error))
        goto fail;

      /* PRAGMA takes no bound parameters; the value is our own integer. */
      bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec_sql (self->db, bump, error) || !commit (self->db, error))
        goto fail;

      version++;
      continue;

    fail:
      rollback (self->db);
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
                gboolean      thorough,
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

      if (read_user_version (self->db, &version, &local_error))
        {
          if (version > MD_CASE_STORE_SCHEMA_VERSION)
            {
              set_too_new (self, version, error);
              goto out;
            }

          /* Damage shows up only when a page is read: after a run that did
           * not close cleanly (killed, crashed, power cut), check the whole
           * file now rather than fail in the middle of the user's work.
           * Not on every start: it reads every page, inputs included (a
           * pasted 200 MB log is seconds). quick_check skips the
           * index-content comparison. */
          if (thorough)
            stmt = prepare (self->db, "PRAGMA quick_check", &local_error);
          if (stmt != NULL && (rc = step (self->db, stmt, &local_error)) >= 0)
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

/* Counts what runs on the caller's connection, for the tests that prove a
 * caller uses the writer thread only (md_case_store_get_main_statements()).
 * Atomic: md_case_store_new_async() opens the file on another thread. */
static int
count_statement_cb (unsigned int  type,
                    void         *context,
                    void         *statement,
                    void         *sql)
{
  MdCaseStore *self = context;

  g_atomic_int_inc (&self->main_statements);

  return 0;
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
  sqlite3_trace_v2 (self->db, SQLITE_TRACE_STMT, count_statement_cb, self);

  /* Again, in case a newer MailDoctor wrote the file since check_existing(). */
  if (!read_user_version (self->db, &version, &local_error))
    goto fail;
  if (version > MD_CASE_STORE_SCHEMA_VERSION)
    {
      set_too_new (self, version, &local_error);
      goto fail;
    }

  /* WAL: a commit is one append to the log, so a process killed mid-write
   * leaves either the whole transaction or none of it, and readers (a second
   * instance, the writer thread) never block the writer.
   * synchronous=NORMAL: in WAL mode the log is synced at each checkpoint, not
   * at each commit. A killed or crashed process still loses nothing that was
   * committed (the log is in the OS's hands; tests/test-case-store-crash.c
   * kills writers mid-write), and the file is never corrupted; only a power
   * cut or kernel crash can roll back the last commits before a checkpoint
   * (SQLite's documentation: "WAL mode is always consistent with
   * synchronous=NORMAL, but WAL mode does lose durability"). FULL made every
   * commit wait for the disk: 2 s for a case holding a pasted 200 MB log. */
  if (!exec_sql (self->db,
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;",
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

/* Clean-close markers
 *
 * Every open store leaves an empty file "<database>.open-<pid>-<n>" next to
 * the database and removes it when it is finalized. A marker whose process
 * is gone was left by a run that was killed or crashed: only then does the
 * next start check the whole file (PRAGMA quick_check). A crashed run's pid
 * taken by a new live process hides one marker until that process ends; the
 * check then merely comes one start later. */

static gboolean
process_alive (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return TRUE;

  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* Removes the markers of processes that are gone; TRUE when there was one. */
static gboolean
sweep_stale_markers (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, MARKER_INFIX, NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  gboolean unclean = FALSE;
  const char *name;

  if (listing == NULL)
    return FALSE;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *marker = NULL;
      const char *digits;
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, prefix))
        continue;
      digits = name + strlen (prefix);
      pid = g_ascii_strtoll (digits, &end, 10);
      if (end == digits || *end != '-' || process_alive (pid))
        continue;

      unclean = TRUE;
      marker = g_build_filename (dir, name, NULL);
      if (g_unlink (marker) != 0)
        g_debug ("Case store: could not remove %s: %s", marker, g_strerror (errno));
    }

  return unclean;
}

static char *
create_marker (const char *path)
{
  static int serial;
  g_autofree char *marker = g_strdup_printf ("%s" MARKER_INFIX "%d-%d", path, (int) getpid (),
                                             g_atomic_int_add (&serial, 1));
  int fd = g_open (marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      /* Without a marker an unclean end of this run goes unnoticed: the
       * next start skips the check, and damage shows when it is read. */
      g_debug ("Case store: could not create %s: %s", marker, g_strerror (errno));
      return NULL;
    }
  close (fd);

  return g_steal_pointer (&marker);
}

static gboolean
md_case_store_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  MdCaseStore *self = MD_CASE_STORE (initable);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  gboolean unclean;

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

  /* Looked at before our own marker exists, which then covers this run. */
  unclean = sweep_stale_markers (self->path);
  self->marker_path = create_marker (self->path);
  if (unclean)
    g_debug ("Case store: %s was not closed cleanly last time; checking it", self->path);

  if (check_existing (self, unclean, &local_error) && open_database (self, &local_error))
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
  /* The damage is dealt with: the new file needs no check next time. */
  sweep_stale_markers (self->path);

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

  /* Every queued write holds the store, so the queue is empty by now. */
  if (self->writer_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->writer_pool), FALSE, TRUE);
  g_clear_pointer (&self->writer_db, sqlite3_close_v2);
  close_database (self);
  /* Closed cleanly: the next start need not check the whole file. */
  if (self->marker_path != NULL && g_unlink (self->marker_path) != 0)
    g_debug ("Case store: could not remove %s: %s", self->marker_path, g_strerror (errno));
  g_clear_pointer (&self->marker_path, g_free);
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

void
md_case_store_new_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_async_initable_new_async (MD_TYPE_CASE_STORE, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data, "path", path, NULL);
}

MdCaseStore *
md_case_store_new_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? MD_CASE_STORE (object) : NULL;
}

guint
md_case_store_get_main_statements (MdCaseStore *self)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  return (guint) g_atomic_int_get (&self->main_statements);
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
touch_case (sqlite3      *db,
            gint64        case_id,
            gint64        now,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (db, "UPDATE cases SET updated = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!step_done (db, stmt, error))
    return FALSE;

  if (sqlite3_changes (db) == 0)
    {
      set_not_found (error);
      return FALSE;
    }

  return TRUE;
}

static gint64
insert_event (sqlite3          *db,
              gint64            case_id,
              gint64            now,
              MdCaseEventKind   kind,
              const char       *detail,
              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (db,
                  "INSERT INTO events (case_id, timestamp, kind, detail) VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, now);
  bind_text (stmt, 3, md_case_event_kind_to_string (kind));
  bind_text (stmt, 4, detail);
  if (!step_done (db, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
insert_rejections (sqlite3      *db,
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

  next = prepare (db,
                  "SELECT coalesce (max (position) + 1, 0) FROM rejections WHERE case_id = ?1",
                  error);
  if (next == NULL)
    return FALSE;
  sqlite3_bind_int64 (next, 1, case_id);
  if (step (db, next, error) != SQLITE_ROW)
    return FALSE;
  position = sqlite3_column_int64 (next, 0);

  insert = prepare (db,
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
      if (!step_done (db, insert, error))
        return FALSE;
    }

  return TRUE;
}

/* The writer thread
 *
 * Writes that carry large data (a new case with a pasted 200 MB log, a check
 * run's results, a draft) go to one thread with its own connection, so that
 * neither the write nor waiting for the lock blocks the main loop. One
 * thread and a FIFO queue: writes run in the order they were asked for,
 * like the synchronous calls. WAL lets the main connection read meanwhile.
 * Results and "changed" come back on the caller's main context. */

/* One write, as the synchronous call (write_now()) and the writer thread
 * (queue_write()) both run it, each on its own connection: inside one
 * transaction (run_write()), it returns the new row's id (for a run's end:
 * its case), > 0, with *@case_id the case "changed" names; or 0 with @error
 * set, and nothing is written. */
typedef gint64 (*WriteFunc) (sqlite3   *db,
                             gpointer   data,
                             gint64    *case_id,
                             GError   **error);

static gint64
run_write (sqlite3    *db,
           WriteFunc   func,
           gpointer    data,
           gint64     *case_id,
           GError    **error)
{
  gint64 result;

  if (!begin (db, error))
    return 0;

  /* The function's statements are finalized when it returns, before the
   * rollback or the commit. */
  result = func (db, data, case_id, error);
  if (result <= 0)
    {
      rollback (db);
      return 0;
    }

  return commit (db, error) ? result : 0;
}

/* The synchronous calls: on the caller's connection, then "changed"; @data
 * is freed with @data_free, as queue_write() does. */
static gint64
write_now (MdCaseStore     *self,
           WriteFunc        func,
           gpointer         data,
           GDestroyNotify   data_free,
           MdCaseChange     change,
           GError         **error)
{
  gint64 case_id = 0;
  gint64 result = run_write (self->db, func, data, &case_id, error);

  data_free (data);
  if (result > 0 && case_id > 0)
    emit_changed (self, case_id, change);

  return result;
}

typedef struct
{
  GTask        *task;       /* touched on the caller's context only */
  GMainContext *context;
  GCancellable *cancellable;
  WriteFunc     func;
  gpointer      data;       /* the task's data */
  MdCaseChange  change;
  gboolean      read;       /* queue_read(): one statement, no transaction */
  gint64        result;
  gint64        case_id;    /* what "changed" names; 0: nothing changed */
  GError       *error;
} WriteOp;

static gboolean
write_op_complete_cb (gpointer user_data)
{
  WriteOp *op = user_data;
  MdCaseStore *self = g_task_get_source_object (op->task);

  if (op->error == NULL && op->case_id > 0)
    emit_changed (self, op->case_id, op->change);

  if (op->error != NULL)
    g_task_return_error (op->task, g_steal_pointer (&op->error));
  else
    g_task_return_int (op->task, op->result);

  g_clear_object (&op->task);
  g_main_context_unref (op->context);
  g_clear_object (&op->cancellable);
  g_free (op);

  return G_SOURCE_REMOVE;
}

static sqlite3 *
open_writer (MdCaseStore  *self,
             GError      **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc);
      sqlite3_close_v2 (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  /* synchronous is per connection: see open_database() for why NORMAL. */
  if (!exec_sql (db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", error))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }

  /* The search reads the list here too (md_case_store_list_cases_async()). */
  rc = sqlite3_create_function (db, "md_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                NULL, sql_fold_cb, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc);
      sqlite3_close_v2 (db);
      return NULL;
    }

  return db;
}

static void
writer_thread_cb (gpointer data,
                  gpointer user_data)
{
  WriteOp *op = data;
  MdCaseStore *self = user_data;
  g_autoptr(GSource) source = NULL;

  if (!g_cancellable_set_error_if_cancelled (op->cancellable, &op->error))
    {
      if (self->writer_db == NULL)
        self->writer_db = open_writer (self, &op->error);
      if (self->writer_db != NULL && op->read)
        op->result = op->func (self->writer_db, op->data, &op->case_id, &op->error);
      else if (self->writer_db != NULL)
        op->result = run_write (self->writer_db, op->func, op->data, &op->case_id, &op->error);
    }

  /* An idle source, not g_main_context_invoke(): that would run the
   * callback right here when the caller's context is the global default
   * and nobody iterates it at this moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, write_op_complete_cb, op, NULL);
  g_source_set_static_name (source, "[maildoctor] case store write done");
  g_source_attach (source, op->context);
}

/* @source_tag names the public call; @data (freed with @data_free when the
 * task goes) is handed to @func on the writer thread. */
static void
queue_op (MdCaseStore         *self,
          gboolean             read,
          gpointer             source_tag,
          WriteFunc            func,
          gpointer             data,
          GDestroyNotify       data_free,
          MdCaseChange         change,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteOp *op;

  /* The task holds the store: it lives until every queued write is done. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, data_free);
  /* What was written was written: the result says so even when the caller
   * cancelled meanwhile (cancelling only skips a write not yet started).
   * A read cancelled meanwhile was superseded: its caller gets CANCELLED,
   * never what it no longer asked for. */
  g_task_set_check_cancellable (task, read);

  if (self->writer_pool == NULL)
    {
      /* Only this thread may checkpoint from now on: a checkpoint syncs the
       * file, which must not happen in a main-thread commit. */
      sqlite3_wal_autocheckpoint (self->db, 0);
      self->writer_pool = g_thread_pool_new (writer_thread_cb, self, 1, FALSE, NULL);
    }

  op = g_new0 (WriteOp, 1);
  op->task = g_steal_pointer (&task);
  op->context = g_main_context_ref_thread_default ();
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  op->func = func;
  op->data = data;
  op->change = change;
  op->read = read;

  g_thread_pool_push (self->writer_pool, op, NULL);
}

static void
queue_write (MdCaseStore         *self,
             gpointer             source_tag,
             WriteFunc            func,
             gpointer             data,
             GDestroyNotify       data_free,
             MdCaseChange         change,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  queue_op (self, FALSE, source_tag, func, data, data_free, change, cancellable, callback,
            user_data);
}

/* Reads on the writer thread too: the main thread never waits for SQLite,
 * and a read queued after a write sees it (one FIFO queue). @func runs
 * outside run_write()'s transaction, which would take the write lock: one
 * statement is consistent by itself, several that must agree open a read
 * transaction of their own. It sets op->value and returns 1, or 0 with
 * @error. */
typedef struct _CaseOp CaseOp;
static void case_op_free (gpointer data);

static void
queue_read (MdCaseStore         *self,
            gpointer             source_tag,
            WriteFunc            func,
            CaseOp              *op,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  queue_op (self, TRUE, source_tag, func, op, case_op_free, MD_CASE_CHANGE_UPDATED, cancellable,
            callback, user_data);
}

static gint64
finish_write (MdCaseStore   *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  GError *local_error = NULL;
  gint64 value;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, 0);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }

  return value;
}

/* A write or a read of one case's fields, held until it is done; what a
 * write found before (the old status) and what a read found are put back
 * here for the _finish() call. */
struct _CaseOp
{
  gint64           case_id;
  MdCaseStatus     status;     /* set_status: the new one */
  MdCaseStatus     previous;   /* set_status: the one it had */
  MdCaseEventKind  kind;       /* add_event */
  gboolean         deleted;    /* delete (TRUE) or undelete */
  gboolean         current_only;  /* list_listings */
  char            *text;       /* notes, request edits, an event's detail, a search */
  gpointer         value;      /* a read's result */
  GDestroyNotify   value_free;
};

/* A read's value, or NULL with @error set (or none, for a read whose
 * answer is "nothing"). */
static gpointer
finish_read (MdCaseStore   *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  CaseOp *op;

  if (finish_write (self, result, source_tag, error) == 0)
    return NULL;

  op = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&op->value);
}

static void
case_op_free (gpointer data)
{
  CaseOp *op = data;

  if (op->value != NULL && op->value_free != NULL)
    op->value_free (op->value);
  g_free (op->text);
  g_free (op);
}

static CaseOp *
case_op_new (gint64      case_id,
             const char *text)
{
  CaseOp *op = g_new0 (CaseOp, 1);

  op->case_id = case_id;
  op->text = g_strdup (text);

  return op;
}

/* A new case: what it was made from, held until the write is done. */
typedef struct
{
  char      *title;
  GBytes    *input_text;
  GBytes    *input_eml;
  GPtrArray *rejections;
  GPtrArray *explanations;
} NewCase;

static void
new_case_free (gpointer data)
{
  NewCase *args = data;

  g_free (args->title);
  g_clear_pointer (&args->input_text, g_bytes_unref);
  g_clear_pointer (&args->input_eml, g_bytes_unref);
  g_clear_pointer (&args->rejections, g_ptr_array_unref);
  g_clear_pointer (&args->explanations, g_ptr_array_unref);
  g_free (args);
}

static NewCase *
new_case_new (const char *title,
              GBytes     *input_text,
              GBytes     *input_eml,
              GPtrArray  *rejections,
              GPtrArray  *explanations)
{
  NewCase *args = g_new0 (NewCase, 1);

  args->title = g_strdup (title);
  args->input_text = input_text != NULL ? g_bytes_ref (input_text) : NULL;
  args->input_eml = input_eml != NULL ? g_bytes_ref (input_eml) : NULL;
  args->rejections = rejections != NULL ? g_ptr_array_ref (rejections) : NULL;
  args->explanations = explanations != NULL ? g_ptr_array_ref (explanations) : NULL;

  return args;
}

/* The case row, its input row, its rejections and the "created" event. The
 * arrays are only read. */
static gint64
new_case_write (sqlite3   *db,
                gpointer   data,
                gint64    *case_id,
                GError   **error)
{
  NewCase *args = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) input = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *blocked_ip = NULL;
  const char *text = NULL;
  gsize text_len = 0;
  gint64 now = g_get_real_time ();
  gint64 id;

  if (!check_parallel (args->rejections, args->explanations, error))
    return 0;

  subject_of (args->rejections, args->explanations, &receiver, &blocked_ip);

  stmt = prepare (db,
                  "INSERT INTO cases (created, updated, title, receiver, blocked_ip, status, "
                  "                   notes, has_input_eml) "
                  "VALUES (?1, ?1, ?2, ?3, ?4, 'open', '', ?5)",
                  error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, args->title != NULL ? args->title : "");
  bind_text (stmt, 3, receiver);
  bind_text (stmt, 4, blocked_ip);
  sqlite3_bind_int (stmt, 5, args->input_eml != NULL);
  if (!step_done (db, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (db);

  /* SQLITE_STATIC: the bytes outlive the statement, so a 200 MB log is not
   * copied once more. UTF-8, not necessarily NUL-terminated. */
  input = prepare (db, "INSERT INTO case_inputs (case_id, text, eml) VALUES (?1, ?2, ?3)", error);
  if (input == NULL)
    return 0;
  if (args->input_text != NULL)
    text = g_bytes_get_data (args->input_text, &text_len);
  sqlite3_bind_int64 (input, 1, id);
  sqlite3_bind_text64 (input, 2, text != NULL ? text : "", text != NULL ? text_len : 0,
                       SQLITE_STATIC, SQLITE_UTF8);
  if (args->input_eml != NULL)
    {
      gsize size;
      gconstpointer eml = g_bytes_get_data (args->input_eml, &size);

      /* A zero-length blob still says "there was an .eml", unlike NULL. */
      sqlite3_bind_blob64 (input, 3, eml != NULL ? eml : "", size, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (input, 3);
  if (!step_done (db, input, error))
    return 0;

  if (!insert_rejections (db, id, args->rejections, args->explanations, error)
      || insert_event (db, id, now, MD_CASE_EVENT_CREATED, NULL, error) == 0)
    return 0;

  *case_id = id;
  return id;
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
  g_autoptr(GBytes) text = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  /* Lent, not copied: the write is done before this returns. */
  if (input_text != NULL)
    text = g_bytes_new_static (input_text, strlen (input_text));

  return write_now (self, new_case_write,
                    new_case_new (title, text, input_eml, rejections, explanations),
                    new_case_free, MD_CASE_CHANGE_ADDED, error);
}

void
md_case_store_create_case_async (MdCaseStore         *self,
                                 const char          *title,
                                 GBytes              *input_text,
                                 GBytes              *input_eml,
                                 GPtrArray           *rejections,
                                 GPtrArray           *explanations,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_write (self, md_case_store_create_case_async, new_case_write,
               new_case_new (title, input_text, input_eml, rejections, explanations),
               new_case_free, MD_CASE_CHANGE_ADDED, cancellable, callback, user_data);
}

gint64
md_case_store_create_case_finish (MdCaseStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_write (self, result, md_case_store_create_case_async, error);
}

#define CASE_COLUMNS \
  "id, created, updated, title, receiver, blocked_ip, status, notes, has_input_eml, deleted_at"

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
  self->has_input_eml = sqlite3_column_int (stmt, 8) != 0;
  self->deleted = column_datetime (stmt, 9);

  if (self->title == NULL)
    self->title = g_strdup ("");
  if (self->notes == NULL)
    self->notes = g_strdup ("");

  return self;
}

static MdCase *
read_case (sqlite3  *db,
           gint64    case_id,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (db, "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (db, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }

  return case_from_row (stmt);
}

MdCase *
md_case_store_get_case (MdCaseStore  *self,
                        gint64        case_id,
                        GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_case (self->db, case_id, error);
}

static gint64
case_read (sqlite3   *db,
           gpointer   data,
           gint64    *case_id,
           GError   **error)
{
  CaseOp *op = data;

  op->value_free = (GDestroyNotify) md_case_free;
  op->value = read_case (db, op->case_id, error);

  return op->value != NULL;
}

void
md_case_store_get_case_async (MdCaseStore         *self,
                              gint64               case_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_get_case_async, case_read, case_op_new (case_id, NULL),
              cancellable, callback, user_data);
}

MdCase *
md_case_store_get_case_finish (MdCaseStore   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_read (self, result, md_case_store_get_case_async, error);
}

/* One column of the case's input row; FALSE with NOT_FOUND when the case is
 * gone. The statement is left on the row for the caller to read column 0. */
static sqlite3_stmt *
select_input (sqlite3     *db,
              const char  *column,
              gint64       case_id,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM case_inputs WHERE case_id = ?1", column);
  g_autoptr(sqlite3_stmt) stmt = prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (db, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }

  return g_steal_pointer (&stmt);
}

static GBytes *
read_input_eml (sqlite3  *db,
                gint64    case_id,
                gboolean *found,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = select_input (db, "eml", case_id, error);

  *found = stmt != NULL;
  if (stmt == NULL || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;

  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

GBytes *
md_case_store_dup_input_eml (MdCaseStore  *self,
                             gint64        case_id,
                             GError      **error)
{
  gboolean found;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_input_eml (self->db, case_id, &found, error);
}

char *
md_case_store_dup_input_text (MdCaseStore  *self,
                              gint64        case_id,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  stmt = select_input (self->db, "text", case_id, error);
  if (stmt == NULL)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

typedef struct
{
  gint64  case_id;
  GBytes *eml;
} EmlRead;

static void
eml_read_free (gpointer data)
{
  EmlRead *read = data;

  g_clear_pointer (&read->eml, g_bytes_unref);
  g_free (read);
}

static gint64
eml_read (sqlite3   *db,
          gpointer   data,
          gint64    *case_id,
          GError   **error)
{
  EmlRead *read = data;
  gboolean found;

  *case_id = 0;  /* a read: nothing changed */
  read->eml = read_input_eml (db, read->case_id, &found, error);

  return found;
}

void
md_case_store_dup_input_eml_async (MdCaseStore         *self,
                                   gint64               case_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  EmlRead *read;

  g_return_if_fail (MD_IS_CASE_STORE (self));

  read = g_new0 (EmlRead, 1);
  read->case_id = case_id;
  queue_write (self, md_case_store_dup_input_eml_async, eml_read, read, eml_read_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

GBytes *
md_case_store_dup_input_eml_finish (MdCaseStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  EmlRead *read;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (finish_write (self, result, md_case_store_dup_input_eml_async, error) == 0)
    return NULL;

  read = g_task_get_task_data (G_TASK (result));
  return read->eml != NULL ? g_bytes_ref (read->eml) : NULL;
}

static GPtrArray *
read_cases (sqlite3     *db,
            const char  *search,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *stripped = NULL;
  int rc;

  if (search != NULL)
    {
      stripped = g_strstrip (g_strdup (search));
      if (stripped[0] != '\0')
        needle = fold_text (stripped);
    }

  /* instr(), not LIKE: the user's "%" and "_" are plain characters. */
  stmt = prepare (db,
                  "SELECT " CASE_COLUMNS " FROM cases "
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
  while ((rc = step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (cases, case_from_row (stmt));

  if (rc < 0)
    return NULL;

  return g_steal_pointer (&cases);
}

GPtrArray *
md_case_store_list_cases (MdCaseStore  *self,
                          const char   *search,
                          GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_cases (self->db, search, error);
}

static gint64
cases_read (sqlite3   *db,
            gpointer   data,
            gint64    *case_id,
            GError   **error)
{
  CaseOp *op = data;

  op->value_free = (GDestroyNotify) g_ptr_array_unref;
  op->value = read_cases (db, op->text, error);

  return op->value != NULL;
}

void
md_case_store_list_cases_async (MdCaseStore         *self,
                                const char          *search,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_list_cases_async, cases_read, case_op_new (0, search),
              cancellable, callback, user_data);
}

GPtrArray *
md_case_store_list_cases_finish (MdCaseStore   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_read (self, result, md_case_store_list_cases_async, error);
}

guint
md_case_store_count_cases (MdCaseStore *self)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  db = self->db;

  stmt = prepare (db, "SELECT count (*) FROM cases WHERE deleted_at IS NULL", NULL);
  if (stmt == NULL || step (db, stmt, NULL) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int (stmt, 0);
}

/* Reads one text column of a case inside the current transaction. */
static gboolean
read_case_text (sqlite3      *db,
                gint64        case_id,
                const char   *column,
                char        **value,
                GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM cases WHERE id = ?1", column);
  g_autoptr(sqlite3_stmt) stmt = prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (db, stmt, error);
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
write_case_text (sqlite3      *db,
                 gint64        case_id,
                 const char   *column,
                 const char   *value,
                 gint64        now,
                 GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE cases SET %s = ?2, updated = ?3 WHERE id = ?1",
                                          column);
  g_autoptr(sqlite3_stmt) stmt = prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, value);
  sqlite3_bind_int64 (stmt, 3, now);

  return step_done (db, stmt, error);
}

static gint64
status_write (sqlite3   *db,
              gpointer   data,
              gint64    *case_id,
              GError   **error)
{
  static const MdCaseEventKind event_for_status[] = {
    [MD_CASE_STATUS_OPEN] = MD_CASE_EVENT_REOPENED,
    [MD_CASE_STATUS_REQUESTED] = MD_CASE_EVENT_MARKED_REQUESTED,
    [MD_CASE_STATUS_DELISTED] = MD_CASE_EVENT_MARKED_DELISTED,
    [MD_CASE_STATUS_CLOSED] = MD_CASE_EVENT_CLOSED,
  };
  CaseOp *op = data;
  const char *new_value = md_case_status_to_string (op->status);
  g_autofree char *old = NULL;
  gint64 now = g_get_real_time ();

  if (!read_case_text (db, op->case_id, "status", &old, error))
    return 0;

  if (!md_case_status_from_string (old, &op->previous))
    op->previous = MD_CASE_STATUS_OPEN;

  /* The value it has already: nothing written, nothing to tell. */
  if (g_strcmp0 (old, new_value) == 0)
    return 1;

  if (!write_case_text (db, op->case_id, "status", new_value, now, error)
      || insert_event (db, op->case_id, now, event_for_status[op->status], NULL, error) == 0)
    return 0;

  *case_id = op->case_id;
  return 1;
}

static gboolean
check_status (MdCaseStatus   status,
              GError       **error)
{
  if (md_case_status_to_string (status) == NULL)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "not a case status");
      return FALSE;
    }

  return TRUE;
}

gboolean
md_case_store_set_status (MdCaseStore   *self,
                          gint64         case_id,
                          MdCaseStatus   status,
                          GError       **error)
{
  CaseOp *op;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (!check_status (status, error))
    return FALSE;

  op = case_op_new (case_id, NULL);
  op->status = status;

  return write_now (self, status_write, op, case_op_free, MD_CASE_CHANGE_UPDATED, error) > 0;
}

void
md_case_store_set_status_async (MdCaseStore         *self,
                                gint64               case_id,
                                MdCaseStatus         status,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CaseOp *op;

  g_return_if_fail (MD_IS_CASE_STORE (self));

  if (md_case_status_to_string (status) == NULL)
    {
      g_task_report_new_error (self, callback, user_data, md_case_store_set_status_async,
                               MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                               "not a case status");
      return;
    }

  op = case_op_new (case_id, NULL);
  op->status = status;
  queue_write (self, md_case_store_set_status_async, status_write, op, case_op_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gboolean
md_case_store_set_status_finish (MdCaseStore   *self,
                                 GAsyncResult  *result,
                                 MdCaseStatus  *previous,
                                 GError       **error)
{
  CaseOp *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (finish_write (self, result, md_case_store_set_status_async, error) == 0)
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (previous != NULL)
    *previous = op->previous;

  return TRUE;
}

static gint64
request_edits_write (sqlite3   *db,
                     gpointer   data,
                     gint64    *case_id,
                     GError   **error)
{
  CaseOp *op = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (db, "UPDATE cases SET request_edits = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, op->case_id);
  bind_text (stmt, 2, op->text);
  if (!step_done (db, stmt, error))
    return 0;

  if (sqlite3_changes (db) == 0)
    {
      set_not_found (error);
      return 0;
    }

  /* *case_id stays 0: see md_case_store_set_request_edits(). */
  return 1;
}

/* Autosave: no event and no "changed" signal (the case list does not move
 * for every keystroke); the edits are the user's, not the case's history. */
gboolean
md_case_store_set_request_edits (MdCaseStore  *self,
                                 gint64        case_id,
                                 const char   *json,
                                 GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  return write_now (self, request_edits_write, case_op_new (case_id, json), case_op_free,
                    MD_CASE_CHANGE_UPDATED, error) > 0;
}

void
md_case_store_set_request_edits_async (MdCaseStore         *self,
                                       gint64               case_id,
                                       const char          *json,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_write (self, md_case_store_set_request_edits_async, request_edits_write,
               case_op_new (case_id, json), case_op_free, MD_CASE_CHANGE_UPDATED,
               cancellable, callback, user_data);
}

gboolean
md_case_store_set_request_edits_finish (MdCaseStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_write (self, result, md_case_store_set_request_edits_async, error) > 0;
}

static char *
read_request_edits (sqlite3  *db,
                    gint64    case_id,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (db, "SELECT request_edits FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  rc = step (db, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return NULL;
    }

  return column_dup_text (stmt, 0);
}

/* NULL without an error when nothing was edited. */
char *
md_case_store_dup_request_edits (MdCaseStore  *self,
                                 gint64        case_id,
                                 GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_request_edits (self->db, case_id, error);
}

static gint64
request_edits_read (sqlite3   *db,
                    gpointer   data,
                    gint64    *case_id,
                    GError   **error)
{
  CaseOp *op = data;
  GError *local_error = NULL;

  op->value_free = g_free;
  op->value = read_request_edits (db, op->case_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }

  return 1;
}

void
md_case_store_dup_request_edits_async (MdCaseStore         *self,
                                       gint64               case_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_dup_request_edits_async, request_edits_read,
              case_op_new (case_id, NULL), cancellable, callback, user_data);
}

char *
md_case_store_dup_request_edits_finish (MdCaseStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_read (self, result, md_case_store_dup_request_edits_async, error);
}

static gint64
notes_write (sqlite3   *db,
             gpointer   data,
             gint64    *case_id,
             GError   **error)
{
  CaseOp *op = data;
  const char *notes = op->text != NULL ? op->text : "";
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autofree char *old = NULL;
  gint64 now = g_get_real_time ();
  gboolean coalesce = FALSE;
  gint64 last_id = 0;
  int rc;

  if (!read_case_text (db, op->case_id, "notes", &old, error))
    return 0;

  if (g_strcmp0 (old, notes) == 0)
    return 1;

  last = prepare (db,
                  "SELECT id, kind, timestamp FROM events WHERE case_id = ?1 "
                  "ORDER BY id DESC LIMIT 1",
                  error);
  if (last == NULL)
    return 0;
  sqlite3_bind_int64 (last, 1, op->case_id);
  rc = step (db, last, error);
  if (rc < 0)
    return 0;
  if (rc == SQLITE_ROW
      && g_strcmp0 ((const char *) sqlite3_column_text (last, 1),
                    md_case_event_kind_to_string (MD_CASE_EVENT_NOTE_EDITED)) == 0
      && now - sqlite3_column_int64 (last, 2) < NOTE_EVENT_COALESCE_US)
    {
      coalesce = TRUE;
      last_id = sqlite3_column_int64 (last, 0);
    }
  g_clear_pointer (&last, sqlite3_finalize);

  if (!write_case_text (db, op->case_id, "notes", notes, now, error))
    return 0;

  if (coalesce)
    {
      g_autoptr(sqlite3_stmt) stmt =
        prepare (db, "UPDATE events SET timestamp = ?2 WHERE id = ?1", error);

      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, last_id);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!step_done (db, stmt, error))
        return 0;
    }
  else if (insert_event (db, op->case_id, now, MD_CASE_EVENT_NOTE_EDITED, NULL, error) == 0)
    return 0;

  *case_id = op->case_id;
  return 1;
}

gboolean
md_case_store_set_notes (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *notes,
                         GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  return write_now (self, notes_write, case_op_new (case_id, notes), case_op_free,
                    MD_CASE_CHANGE_UPDATED, error) > 0;
}

void
md_case_store_set_notes_async (MdCaseStore         *self,
                               gint64               case_id,
                               const char          *notes,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_write (self, md_case_store_set_notes_async, notes_write, case_op_new (case_id, notes),
               case_op_free, MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gboolean
md_case_store_set_notes_finish (MdCaseStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_write (self, result, md_case_store_set_notes_async, error) > 0;
}

gboolean
md_case_store_set_title (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *title,
                         GError      **error)
{
  sqlite3 *db;
  g_autofree char *old = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  db = self->db;

  if (title == NULL)
    title = "";

  if (!begin (db, error))
    return FALSE;

  if (!read_case_text (db, case_id, "title", &old, error))
    goto fail;

  if (g_strcmp0 (old, title) == 0)
    {
      rollback (db);
      return TRUE;
    }

  if (!write_case_text (db, case_id, "title", title, now, error)
      || insert_event (db, case_id, now, MD_CASE_EVENT_RENAMED, title, error) == 0
      || !commit (db, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  rollback (db);
  return FALSE;
}

gboolean
md_case_store_set_subject (MdCaseStore  *self,
                           gint64        case_id,
                           const char   *receiver,
                           const char   *blocked_ip,
                           GError      **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  db = self->db;

  stmt = prepare (db,
                  "UPDATE cases SET receiver = ?2, blocked_ip = ?3, updated = ?4 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, receiver);
  bind_text (stmt, 3, blocked_ip);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!step_done (db, stmt, error))
    return FALSE;

  if (sqlite3_changes (db) == 0)
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
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *blocked_ip = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  db = self->db;

  if (!check_parallel (rejections, explanations, error))
    return FALSE;

  subject_of (rejections, explanations, &receiver, &blocked_ip);

  if (!begin (db, error))
    return FALSE;

  /* Fill in what the case did not know yet; never overwrite the user's edit. */
  stmt = prepare (db,
                  "UPDATE cases SET receiver = coalesce (receiver, ?2), "
                  "  blocked_ip = coalesce (blocked_ip, ?3), updated = ?4 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, case_id);
  bind_text (stmt, 2, receiver);
  bind_text (stmt, 3, blocked_ip);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!step_done (db, stmt, error))
    goto fail;
  if (sqlite3_changes (db) == 0)
    {
      set_not_found (error);
      goto fail;
    }

  if (!insert_rejections (db, case_id, rejections, explanations, error)
      || !commit (db, error))
    goto fail;

  emit_changed (self, case_id, MD_CASE_CHANGE_UPDATED);
  return TRUE;

fail:
  rollback (db);
  return FALSE;
}

/* Reads the current row of a per-case listing into *item. FALSE (with
 * @error set) stops the listing; TRUE with *item left NULL skips the row. */
typedef gboolean (*RowReader) (sqlite3_stmt  *stmt,
                               gpointer      *item,
                               GError       **error);

/* The rows that @sql selects for one case (bound as ?1), in its order. */
static GPtrArray *
list_case_rows (sqlite3         *db,
                gint64           case_id,
                const char      *sql,
                GDestroyNotify   free_item,
                RowReader        read_row,
                GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int rc;

  stmt = prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, case_id);
  list = g_ptr_array_new_with_free_func (free_item);
  while ((rc = step (db, stmt, error)) == SQLITE_ROW)
    {
      gpointer item = NULL;

      if (!read_row (stmt, &item, error))
        return NULL;
      if (item != NULL)
        g_ptr_array_add (list, item);
    }

  if (rc < 0)
    return NULL;

  return g_steal_pointer (&list);
}

static gboolean
read_rejection_row (sqlite3_stmt  *stmt,
                    gpointer      *out_item,
                    GError       **error)
{
  g_autoptr(MdCaseRejection) item = g_new0 (MdCaseRejection, 1);
  g_autoptr(JsonNode) node = NULL;

  item->position = sqlite3_column_int (stmt, 0);
  node = column_json (stmt, 1, error);
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
      item->explanation = column_json (stmt, 2, error);
      if (item->explanation == NULL)
        return FALSE;
    }

  *out_item = g_steal_pointer (&item);
  return TRUE;
}

static GPtrArray *
read_rejections (sqlite3  *db,
                 gint64    case_id,
                 GError  **error)
{
  return list_case_rows (db, case_id,
                         "SELECT position, rejection, explanation FROM rejections "
                         "WHERE case_id = ?1 ORDER BY position",
                         (GDestroyNotify) md_case_rejection_free, read_rejection_row, error);
}

GPtrArray *
md_case_store_list_rejections (MdCaseStore  *self,
                               gint64        case_id,
                               GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_rejections (self->db, case_id, error);
}

static gint64
rejections_read (sqlite3   *db,
                 gpointer   data,
                 gint64    *case_id,
                 GError   **error)
{
  CaseOp *op = data;

  op->value_free = (GDestroyNotify) g_ptr_array_unref;
  op->value = read_rejections (db, op->case_id, error);

  return op->value != NULL;
}

void
md_case_store_list_rejections_async (MdCaseStore         *self,
                                     gint64               case_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_list_rejections_async, rejections_read,
              case_op_new (case_id, NULL), cancellable, callback, user_data);
}

GPtrArray *
md_case_store_list_rejections_finish (MdCaseStore   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return finish_read (self, result, md_case_store_list_rejections_async, error);
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

/* A run, a run's end or a draft, held until the write is done. The JSON is
 * held (not copied) and serialized where the write runs. */
typedef struct
{
  gint64     id;        /* the case (new run, draft) or the run (its end) */
  GDateTime *started;
  GDateTime *finished;
  char      *channel_id;
  JsonNode  *json;
} RowWrite;

static void
row_write_free (gpointer data)
{
  RowWrite *row = data;

  g_clear_pointer (&row->started, g_date_time_unref);
  g_clear_pointer (&row->finished, g_date_time_unref);
  g_free (row->channel_id);
  g_clear_pointer (&row->json, json_node_unref);
  g_free (row);
}

static RowWrite *
row_write_new (gint64      id,
               GDateTime  *started,
               GDateTime  *finished,
               const char *channel_id,
               JsonNode   *json)
{
  RowWrite *row = g_new0 (RowWrite, 1);

  row->id = id;
  row->started = started != NULL ? g_date_time_ref (started) : NULL;
  row->finished = finished != NULL ? g_date_time_ref (finished) : NULL;
  row->channel_id = g_strdup (channel_id);
  row->json = json_node_ref (json);

  return row;
}

/* Touches @case_id, adds @stmt's row (prepared and bound) and @kind to the
 * case's timeline: what a new run and a new draft both do. The row's id. */
static gint64
insert_case_row (sqlite3          *db,
                 sqlite3_stmt     *stmt,
                 gint64            case_id,
                 gint64            now,
                 MdCaseEventKind   kind,
                 const char       *detail,
                 GError          **error)
{
  gint64 id;

  if (!touch_case (db, case_id, now, error) || !step_done (db, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (db);

  if (insert_event (db, case_id, now, kind, detail, error) == 0)
    return 0;

  return id;
}

static gint64
check_run_write (sqlite3   *db,
                 gpointer   data,
                 gint64    *case_id,
                 GError   **error)
{
  RowWrite *row = data;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean first;

  count = prepare (db, "SELECT count (*) FROM check_runs WHERE case_id = ?1", error);
  if (count == NULL)
    return 0;
  sqlite3_bind_int64 (count, 1, row->id);
  if (step (db, count, error) != SQLITE_ROW)
    return 0;
  first = sqlite3_column_int64 (count, 0) == 0;

  stmt = prepare (db,
                  "INSERT INTO check_runs (case_id, started, finished, results) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, row->id);
  bind_datetime (stmt, 2, row->started);
  bind_datetime (stmt, 3, row->finished);
  bind_json (stmt, 4, row->json);

  *case_id = row->id;
  return insert_case_row (db, stmt, row->id, g_get_real_time (),
                          first ? MD_CASE_EVENT_CHECKED : MD_CASE_EVENT_RECHECKED, NULL, error);
}

/* A run's end; returns the run's case. */
static gint64
check_run_end_write (sqlite3   *db,
                     gpointer   data,
                     gint64    *case_id,
                     GError   **error)
{
  RowWrite *row = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (db,
                  "UPDATE check_runs SET finished = ?2, results = ?3 WHERE id = ?1 "
                  "RETURNING case_id",
                  error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, row->id);
  bind_datetime (stmt, 2, row->finished);
  bind_json (stmt, 3, row->json);
  rc = step (db, stmt, error);
  if (rc < 0)
    return 0;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error);
      return 0;
    }
  *case_id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING runs the update to completion only when stepped to the end. */
  if (!step_done (db, stmt, error))
    return 0;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!touch_case (db, *case_id, g_get_real_time (), error))
    return 0;

  return *case_id;
}

static gint64
draft_write (sqlite3   *db,
             gpointer   data,
             gint64    *case_id,
             GError   **error)
{
  RowWrite *row = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  stmt = prepare (db,
                  "INSERT INTO drafts (case_id, created, channel_id, draft) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_int64 (stmt, 2, now);
  bind_text (stmt, 3, row->channel_id);
  bind_json (stmt, 4, row->json);

  *case_id = row->id;
  return insert_case_row (db, stmt, row->id, now, MD_CASE_EVENT_DRAFT_CREATED, row->channel_id,
                          error);
}

gint64
md_case_store_add_check_run (MdCaseStore  *self,
                             gint64        case_id,
                             GDateTime    *started,
                             GDateTime    *finished,
                             JsonNode     *results,
                             GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);
  g_return_val_if_fail (started != NULL, 0);

  if (!check_json (results, error))
    return 0;

  return write_now (self, check_run_write,
                    row_write_new (case_id, started, finished, NULL, results), row_write_free,
                    MD_CASE_CHANGE_UPDATED, error);
}

gboolean
md_case_store_finish_check_run (MdCaseStore  *self,
                                gint64        run_id,
                                GDateTime    *finished,
                                JsonNode     *results,
                                GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  if (!check_json (results, error))
    return FALSE;

  return write_now (self, check_run_end_write,
                    row_write_new (run_id, NULL, finished, NULL, results), row_write_free,
                    MD_CASE_CHANGE_UPDATED, error) > 0;
}

void
md_case_store_add_check_run_async (MdCaseStore         *self,
                                   gint64               case_id,
                                   GDateTime           *started,
                                   GDateTime           *finished,
                                   JsonNode            *results,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));
  g_return_if_fail (started != NULL);
  g_return_if_fail (results != NULL);

  queue_write (self, md_case_store_add_check_run_async, check_run_write,
               row_write_new (case_id, started, finished, NULL, results), row_write_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gint64
md_case_store_add_check_run_finish (MdCaseStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_write (self, result, md_case_store_add_check_run_async, error);
}

void
md_case_store_finish_check_run_async (MdCaseStore         *self,
                                      gint64               run_id,
                                      GDateTime           *finished,
                                      JsonNode            *results,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));
  g_return_if_fail (results != NULL);

  queue_write (self, md_case_store_finish_check_run_async, check_run_end_write,
               row_write_new (run_id, NULL, finished, NULL, results), row_write_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gboolean
md_case_store_finish_check_run_finish (MdCaseStore   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return finish_write (self, result, md_case_store_finish_check_run_async, error) > 0;
}

static gboolean
read_check_run_row (sqlite3_stmt  *stmt,
                    gpointer      *out_item,
                    GError       **error)
{
  g_autoptr(MdCaseCheckRun) run = g_new0 (MdCaseCheckRun, 1);

  run->id = sqlite3_column_int64 (stmt, 0);
  run->case_id = sqlite3_column_int64 (stmt, 1);
  run->started = column_datetime (stmt, 2);
  run->finished = column_datetime (stmt, 3);
  run->results = column_json (stmt, 4, error);
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
  sqlite3 *db;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  db = self->db;

  return list_case_rows (db, case_id,
                         "SELECT id, case_id, started, finished, results FROM check_runs "
                         "WHERE case_id = ?1 ORDER BY started DESC, id DESC",
                         (GDestroyNotify) md_case_check_run_free, read_check_run_row, error);
}

static MdCaseCheckRun *
read_latest_run (sqlite3  *db,
                 gint64    case_id,
                 GError  **error)
{
  g_autoptr(GPtrArray) runs = NULL;

  runs = list_case_rows (db, case_id,
                         "SELECT id, case_id, started, finished, results FROM check_runs "
                         "WHERE case_id = ?1 ORDER BY started DESC, id DESC LIMIT 1",
                         (GDestroyNotify) md_case_check_run_free, read_check_run_row, error);
  if (runs == NULL || runs->len == 0)
    return NULL;

  return g_ptr_array_steal_index (runs, 0);
}

MdCaseCheckRun *
md_case_store_dup_latest_check_run (MdCaseStore  *self,
                                    gint64        case_id,
                                    GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_latest_run (self->db, case_id, error);
}

/* What opening a case reads: its row, its rejections and its newest run. */
typedef struct
{
  MdCase         *record;
  GPtrArray      *rejections;
  MdCaseCheckRun *latest;
} CaseRows;

static void
case_rows_free (gpointer data)
{
  CaseRows *rows = data;

  g_clear_pointer (&rows->record, md_case_free);
  g_clear_pointer (&rows->rejections, g_ptr_array_unref);
  g_clear_pointer (&rows->latest, md_case_check_run_free);
  g_free (rows);
}

static gint64
case_rows_read (sqlite3   *db,
                gpointer   data,
                gint64    *case_id,
                GError   **error)
{
  CaseOp *op = data;
  CaseRows *rows = g_new0 (CaseRows, 1);
  GError *local_error = NULL;

  op->value = rows;
  op->value_free = case_rows_free;

  /* One read transaction (deferred: no write lock), so that the three
   * agree with each other. */
  if (!exec_sql (db, "BEGIN", error))
    return 0;

  rows->record = read_case (db, op->case_id, &local_error);
  if (rows->record != NULL)
    rows->rejections = read_rejections (db, op->case_id, &local_error);
  if (rows->rejections != NULL)
    rows->latest = read_latest_run (db, op->case_id, &local_error);
  rollback (db);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }

  return 1;
}

void
md_case_store_read_case_async (MdCaseStore         *self,
                               gint64               case_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_read_case_async, case_rows_read, case_op_new (case_id, NULL),
              cancellable, callback, user_data);
}

MdCase *
md_case_store_read_case_finish (MdCaseStore      *self,
                                GAsyncResult     *result,
                                GPtrArray       **rejections,
                                MdCaseCheckRun  **latest,
                                GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  CaseRows *rows;
  MdCase *record;

  g_return_val_if_fail (rejections != NULL && latest != NULL, NULL);

  rows = finish_read (self, result, md_case_store_read_case_async, &local_error);
  if (rows == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  *rejections = g_steal_pointer (&rows->rejections);
  *latest = g_steal_pointer (&rows->latest);
  record = g_steal_pointer (&rows->record);
  case_rows_free (rows);

  return record;
}

gint64
md_case_store_add_draft (MdCaseStore  *self,
                         gint64        case_id,
                         const char   *channel_id,
                         JsonNode     *draft,
                         GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  if (!check_json (draft, error))
    return 0;

  return write_now (self, draft_write,
                    row_write_new (case_id, NULL, NULL, channel_id, draft), row_write_free,
                    MD_CASE_CHANGE_UPDATED, error);
}

void
md_case_store_add_draft_async (MdCaseStore         *self,
                               gint64               case_id,
                               const char          *channel_id,
                               JsonNode            *draft,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));
  g_return_if_fail (draft != NULL);

  queue_write (self, md_case_store_add_draft_async, draft_write,
               row_write_new (case_id, NULL, NULL, channel_id, draft), row_write_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gint64
md_case_store_add_draft_finish (MdCaseStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_write (self, result, md_case_store_add_draft_async, error);
}

static gboolean
read_draft_row (sqlite3_stmt  *stmt,
                gpointer      *out_item,
                GError       **error)
{
  g_autoptr(MdCaseDraft) draft = g_new0 (MdCaseDraft, 1);

  draft->id = sqlite3_column_int64 (stmt, 0);
  draft->case_id = sqlite3_column_int64 (stmt, 1);
  draft->created = column_datetime (stmt, 2);
  draft->channel_id = column_dup_text (stmt, 3);
  draft->draft = column_json (stmt, 4, error);
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
  sqlite3 *db;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  db = self->db;

  return list_case_rows (db, case_id,
                         "SELECT id, case_id, created, channel_id, draft FROM drafts "
                         "WHERE case_id = ?1 ORDER BY created DESC, id DESC",
                         (GDestroyNotify) md_case_draft_free, read_draft_row, error);
}

static gint64
event_write (sqlite3   *db,
             gpointer   data,
             gint64    *case_id,
             GError   **error)
{
  CaseOp *op = data;
  gint64 now = g_get_real_time ();
  gint64 id;

  if (!touch_case (db, op->case_id, now, error))
    return 0;

  id = insert_event (db, op->case_id, now, op->kind, op->text, error);
  if (id > 0)
    *case_id = op->case_id;

  return id;
}

static gboolean
check_event_kind (MdCaseEventKind   kind,
                  GError          **error)
{
  if (md_case_event_kind_to_string (kind) == NULL)
    {
      g_set_error_literal (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID,
                           "not an event kind");
      return FALSE;
    }

  return TRUE;
}

gint64
md_case_store_add_event (MdCaseStore      *self,
                         gint64            case_id,
                         MdCaseEventKind   kind,
                         const char       *detail,
                         GError          **error)
{
  CaseOp *op;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), 0);

  if (!check_event_kind (kind, error))
    return 0;

  op = case_op_new (case_id, detail);
  op->kind = kind;

  return write_now (self, event_write, op, case_op_free, MD_CASE_CHANGE_UPDATED, error);
}

void
md_case_store_add_event_async (MdCaseStore         *self,
                               gint64               case_id,
                               MdCaseEventKind      kind,
                               const char          *detail,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  CaseOp *op;

  g_return_if_fail (MD_IS_CASE_STORE (self));

  if (!check_event_kind (kind, &error))
    {
      g_task_report_error (self, callback, user_data, md_case_store_add_event_async,
                           g_steal_pointer (&error));
      return;
    }

  op = case_op_new (case_id, detail);
  op->kind = kind;
  queue_write (self, md_case_store_add_event_async, event_write, op, case_op_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gint64
md_case_store_add_event_finish (MdCaseStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_write (self, result, md_case_store_add_event_async, error);
}

static gboolean
read_event_row (sqlite3_stmt  *stmt,
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

static GPtrArray *
read_events (sqlite3  *db,
             gint64    case_id,
             GError  **error)
{
  /* The order things were recorded in, not the clock: a clock set back
   * (NTP, a new battery) must not reshuffle the timeline. */
  return list_case_rows (db, case_id,
                         "SELECT id, case_id, timestamp, kind, detail FROM events "
                         "WHERE case_id = ?1 ORDER BY id",
                         (GDestroyNotify) md_case_event_free, read_event_row, error);
}

GPtrArray *
md_case_store_list_events (MdCaseStore  *self,
                           gint64        case_id,
                           GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_events (self->db, case_id, error);
}

static gint64
events_read (sqlite3   *db,
             gpointer   data,
             gint64    *case_id,
             GError   **error)
{
  CaseOp *op = data;

  op->value_free = (GDestroyNotify) g_ptr_array_unref;
  op->value = read_events (db, op->case_id, error);

  return op->value != NULL;
}

void
md_case_store_list_events_async (MdCaseStore         *self,
                                 gint64               case_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_read (self, md_case_store_list_events_async, events_read, case_op_new (case_id, NULL),
              cancellable, callback, user_data);
}

GPtrArray *
md_case_store_list_events_finish (MdCaseStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_read (self, result, md_case_store_list_events_async, error);
}

static gint64
deleted_write (sqlite3   *db,
               gpointer   data,
               gint64    *case_id,
               GError   **error)
{
  CaseOp *op = data;
  gboolean deleted = op->deleted;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(MdCase) existing = NULL;

  stmt = prepare (db,
                  deleted
                  ? "UPDATE cases SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"
                  : "UPDATE cases SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
                  error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, op->case_id);
  if (deleted)
    sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (!step_done (db, stmt, error))
    return 0;

  if (sqlite3_changes (db) == 0)
    {
      /* Already in the wanted state is fine (nothing to tell); gone
       * (purged) is not. */
      existing = read_case (db, op->case_id, error);
      return existing != NULL;
    }

  *case_id = op->case_id;
  return 1;
}

/* The CaseOp of a delete (@deleted) or an undelete. */
static CaseOp *
case_deleted_new (gint64   case_id,
                  gboolean deleted)
{
  CaseOp *op = case_op_new (case_id, NULL);

  op->deleted = deleted;
  return op;
}

gboolean
md_case_store_delete_case (MdCaseStore  *self,
                           gint64        case_id,
                           GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  return write_now (self, deleted_write, case_deleted_new (case_id, TRUE), case_op_free,
                    MD_CASE_CHANGE_REMOVED, error) > 0;
}

gboolean
md_case_store_undelete_case (MdCaseStore  *self,
                             gint64        case_id,
                             GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);

  return write_now (self, deleted_write, case_deleted_new (case_id, FALSE), case_op_free,
                    MD_CASE_CHANGE_ADDED, error) > 0;
}

void
md_case_store_delete_case_async (MdCaseStore         *self,
                                 gint64               case_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_write (self, md_case_store_delete_case_async, deleted_write,
               case_deleted_new (case_id, TRUE), case_op_free, MD_CASE_CHANGE_REMOVED,
               cancellable, callback, user_data);
}

gboolean
md_case_store_delete_case_finish (MdCaseStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_write (self, result, md_case_store_delete_case_async, error) > 0;
}

void
md_case_store_undelete_case_async (MdCaseStore         *self,
                                   gint64               case_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));

  queue_write (self, md_case_store_undelete_case_async, deleted_write,
               case_deleted_new (case_id, FALSE), case_op_free, MD_CASE_CHANGE_ADDED,
               cancellable, callback, user_data);
}

gboolean
md_case_store_undelete_case_finish (MdCaseStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_write (self, result, md_case_store_undelete_case_async, error) > 0;
}

int
md_case_store_purge_deleted (MdCaseStore  *self,
                             GDateTime    *before,
                             GError      **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int purged;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), -1);

  db = self->db;

  if (!begin (db, error))
    return -1;

  /* The rejections, runs, drafts and events go with it (ON DELETE CASCADE). */
  stmt = prepare (db,
                  "DELETE FROM cases "
                  "WHERE deleted_at IS NOT NULL AND (?1 IS NULL OR deleted_at < ?1)",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_datetime (stmt, 1, before);
  if (!step_done (db, stmt, error))
    goto fail;
  purged = sqlite3_changes (db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!commit (db, error))
    goto fail;

  return purged;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  rollback (db);
  return -1;
}

/* The watch list's history (migration 3) */

/* A listing seen or a reminder claimed, held until the write is done; what
 * it did (*changed, *claimed) is put back here for the _finish() call. */
typedef struct
{
  char      *ip;
  char      *zone;
  char      *list_name;
  char      *detail;
  GDateTime *when;
  gint64     case_id;
  gboolean   listed;
  gboolean   done;       /* the listing changed; the reminder was claimed */
} WatchOp;

static void
watch_op_free (gpointer data)
{
  WatchOp *op = data;

  g_free (op->ip);
  g_free (op->zone);
  g_free (op->list_name);
  g_free (op->detail);
  g_clear_pointer (&op->when, g_date_time_unref);
  g_free (op);
}

static WatchOp *
listing_op_new (const char *ip,
                const char *zone,
                const char *list_name,
                gboolean    listed,
                GDateTime  *when,
                const char *detail)
{
  WatchOp *op = g_new0 (WatchOp, 1);

  op->ip = g_strdup (ip);
  op->zone = g_strdup (zone);
  op->list_name = g_strdup (list_name);
  op->listed = listed;
  op->when = g_date_time_ref (when);
  op->detail = g_strdup (detail);

  return op;
}

static gint64
listing_write (sqlite3   *db,
               gpointer   data,
               gint64    *case_id,
               GError   **error)
{
  WatchOp *op = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (op->listed)
    stmt = prepare (db,
                    "INSERT OR IGNORE INTO watch_listings (ip, zone, list_name, listed, detail) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
                    error);
  else
    stmt = prepare (db,
                    "UPDATE watch_listings SET delisted = ?4 "
                    "WHERE ip = ?1 AND zone = ?2 AND delisted IS NULL",
                    error);
  if (stmt == NULL)
    return 0;

  bind_text (stmt, 1, op->ip);
  bind_text (stmt, 2, op->zone);
  if (op->listed)
    {
      bind_text (stmt, 3, op->list_name);
      bind_text (stmt, 5, op->detail);
    }
  bind_datetime (stmt, 4, op->when);
  if (!step_done (db, stmt, error))
    return 0;

  op->done = sqlite3_changes (db) > 0;

  return 1;
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
  WatchOp *op;
  gint64 case_id = 0;
  gboolean ok;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);
  g_return_val_if_fail (ip != NULL && zone != NULL && list_name != NULL, FALSE);
  g_return_val_if_fail (when != NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;

  op = listing_op_new (ip, zone, list_name, listed, when, detail);
  ok = run_write (self->db, listing_write, op, &case_id, error) > 0;
  if (ok && changed != NULL)
    *changed = op->done;
  watch_op_free (op);

  return ok;
}

void
md_case_store_record_listing_async (MdCaseStore         *self,
                                    const char          *ip,
                                    const char          *zone,
                                    const char          *list_name,
                                    gboolean             listed,
                                    GDateTime           *when,
                                    const char          *detail,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));
  g_return_if_fail (ip != NULL && zone != NULL && list_name != NULL);
  g_return_if_fail (when != NULL);

  /* No case changes: "changed" is not emitted (case_id stays 0). */
  queue_write (self, md_case_store_record_listing_async, listing_write,
               listing_op_new (ip, zone, list_name, listed, when, detail), watch_op_free,
               MD_CASE_CHANGE_UPDATED, cancellable, callback, user_data);
}

gboolean
md_case_store_record_listing_finish (MdCaseStore   *self,
                                     GAsyncResult  *result,
                                     gboolean      *changed,
                                     GError       **error)
{
  WatchOp *op;

  if (changed != NULL)
    *changed = FALSE;
  if (finish_write (self, result, md_case_store_record_listing_async, error) == 0)
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (changed != NULL)
    *changed = op->done;

  return TRUE;
}

static GPtrArray *
read_listings (sqlite3     *db,
               const char  *ip,
               gboolean     current_only,
               GError     **error)
{
  g_autoptr(GPtrArray) listings = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  listings = g_ptr_array_new_with_free_func ((GDestroyNotify) md_watch_listing_free);
  stmt = prepare (db,
                  "SELECT id, ip, zone, list_name, listed, delisted, detail FROM watch_listings "
                  "WHERE (?1 IS NULL OR ip = ?1) AND (?2 = 0 OR delisted IS NULL) "
                  "ORDER BY ip, listed, id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, ip);
  sqlite3_bind_int (stmt, 2, current_only ? 1 : 0);

  while ((rc = step (db, stmt, error)) == SQLITE_ROW)
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

GPtrArray *
md_case_store_list_listings (MdCaseStore  *self,
                             const char   *ip,
                             gboolean      current_only,
                             GError      **error)
{
  g_return_val_if_fail (MD_IS_CASE_STORE (self), NULL);

  return read_listings (self->db, ip, current_only, error);
}

static gint64
listings_read (sqlite3   *db,
               gpointer   data,
               gint64    *case_id,
               GError   **error)
{
  CaseOp *op = data;

  op->value_free = (GDestroyNotify) g_ptr_array_unref;
  op->value = read_listings (db, op->text, op->current_only, error);

  return op->value != NULL;
}

void
md_case_store_list_listings_async (MdCaseStore         *self,
                                   const char          *ip,
                                   gboolean             current_only,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CaseOp *op;

  g_return_if_fail (MD_IS_CASE_STORE (self));

  op = case_op_new (0, ip);
  op->current_only = current_only;
  queue_read (self, md_case_store_list_listings_async, listings_read, op, cancellable, callback,
              user_data);
}

GPtrArray *
md_case_store_list_listings_finish (MdCaseStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_read (self, result, md_case_store_list_listings_async, error);
}

static gint64
reminder_write (sqlite3   *db,
                gpointer   data,
                gint64    *case_id,
                GError   **error)
{
  WatchOp *op = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (db,
                  "INSERT OR IGNORE INTO watch_reminders (case_id, reminded) "
                  "SELECT id, ?2 FROM cases WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, op->case_id);
  bind_datetime (stmt, 2, op->when);
  if (!step_done (db, stmt, error))
    return 0;
  op->done = sqlite3_changes (db) > 0;

  return 1;
}

static WatchOp *
reminder_op_new (gint64     case_id,
                 GDateTime *when)
{
  WatchOp *op = g_new0 (WatchOp, 1);

  op->case_id = case_id;
  op->when = g_date_time_ref (when);

  return op;
}

gboolean
md_case_store_claim_reminder (MdCaseStore  *self,
                              gint64        case_id,
                              GDateTime    *when,
                              gboolean     *claimed,
                              GError      **error)
{
  WatchOp *op;
  gint64 changed_case = 0;
  gboolean ok;

  g_return_val_if_fail (MD_IS_CASE_STORE (self), FALSE);
  g_return_val_if_fail (when != NULL, FALSE);
  g_return_val_if_fail (claimed != NULL, FALSE);

  op = reminder_op_new (case_id, when);
  ok = run_write (self->db, reminder_write, op, &changed_case, error) > 0;
  *claimed = ok && op->done;
  watch_op_free (op);

  return ok;
}

void
md_case_store_claim_reminder_async (MdCaseStore         *self,
                                    gint64               case_id,
                                    GDateTime           *when,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MD_IS_CASE_STORE (self));
  g_return_if_fail (when != NULL);

  queue_write (self, md_case_store_claim_reminder_async, reminder_write,
               reminder_op_new (case_id, when), watch_op_free, MD_CASE_CHANGE_UPDATED,
               cancellable, callback, user_data);
}

gboolean
md_case_store_claim_reminder_finish (MdCaseStore   *self,
                                     GAsyncResult  *result,
                                     gboolean      *claimed,
                                     GError       **error)
{
  WatchOp *op;

  g_return_val_if_fail (claimed != NULL, FALSE);

  *claimed = FALSE;
  if (finish_write (self, result, md_case_store_claim_reminder_async, error) == 0)
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  *claimed = op->done;

  return TRUE;
}
