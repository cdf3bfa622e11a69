/* test-case-store-crash.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "Nothing lost when the app is killed mid-write", tested for real: this
 * program re-executes itself as a writer that stores cases in a loop and
 * reports each one on stdout only after the store returned (the commit is
 * done). The test kills the writer with SIGKILL at random moments, reopens the
 * database the way the app does and checks that the file is intact and that
 * every reported case is there with all its parts, and no case is half
 * written. */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "md-case-store.h"

#define ROUNDS 20
#define DEFAULT_SEED 20261129
#define INDEX_STRIDE 1000000

/* What the writer stores for case number @i: deterministic, so the checker
 * knows what must be there. Sizes vary so that transactions span several
 * pages and kills land inside multi-page writes. */

static char *
input_text_for (guint i)
{
  GString *text = g_string_new (NULL);
  gsize size = 200 + (i * 7919u) % 24000;

  for (guint line = 0; text->len < size; line++)
    g_string_append_printf (text, "Zeile %u/%u: Zustellung an empfänger%u@example.de "
                            "abgelehnt, 550 5.7.511 banned sender\n", i, line, i);

  return g_string_free (text, FALSE);
}

static GPtrArray *
rejections_for (guint i)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  MdRejection *first = md_rejection_new ();
  MdRejection *second = md_rejection_new ();

  first->recipient = g_strdup_printf ("user%u@contoso.com", i);
  first->provider = g_strdup ("microsoft");
  first->smtp_code = 550;
  first->enhanced_status = g_strdup ("5.7.511");
  first->stage = MD_SMTP_STAGE_RCPT_TO;
  first->blocked_ip = g_strdup_printf ("10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  md_rejection_add_contact (first, MD_CONTACT_EMAIL, "delist@messaging.microsoft.com");
  first->text = g_strdup_printf ("550 5.7.511 Access denied, banned sender[%s] (case %u)",
                                 first->blocked_ip, i);

  second->recipient = g_strdup_printf ("müller%u@t-online.de", i);
  second->provider = g_strdup ("t-online");
  second->smtp_code = 554;
  second->text = input_text_for (i + 1);

  g_ptr_array_add (list, first);
  g_ptr_array_add (list, second);

  return list;
}

static char *
results_for (guint i)
{
  return g_strdup_printf ("[{\"id\":\"dnsbl-%u\",\"status\":\"ok\",\"summary\":\"Nicht gelistet\"}]", i);
}

static void
report (const char *line)
{
  gsize len = strlen (line);
  gsize done = 0;

  /* One write(2) per line, unbuffered: what is in the pipe was committed. */
  while (done < len)
    {
      gssize n = write (STDOUT_FILENO, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      done += n;
    }
}

static int
run_writer (const char *path,
            guint       start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = md_case_store_new (path, &error);

  if (store == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  for (guint i = start; ; i++)
    {
      g_autoptr(GPtrArray) rejections = rejections_for (i);
      g_autofree char *title = g_strdup_printf ("crash %u", i);
      g_autofree char *text = input_text_for (i);
      g_autofree char *line = NULL;
      gint64 id;

      id = md_case_store_create_case (store, title, text, NULL, rejections, NULL, &error);
      if (id == 0)
        {
          g_printerr ("writer: %s\n", error->message);
          return 1;
        }
      line = g_strdup_printf ("case %" G_GINT64_FORMAT " %u\n", id, i);
      report (line);

      if (i % 2 == 0)
        {
          g_autofree char *json = results_for (i);
          g_autoptr(JsonNode) results = json_from_string (json, NULL);
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *run_line = NULL;
          gint64 run;

          run = md_case_store_add_check_run (store, id, now, now, results, &error);
          if (run == 0)
            {
              g_printerr ("writer: %s\n", error->message);
              return 1;
            }
          run_line = g_strdup_printf ("run %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u\n", id, run, i);
          report (run_line);
        }
    }

  return 0;
}

/* The checker */

typedef struct
{
  gint64 case_id;
  gint64 run_id;   /* 0: none reported */
  guint  index;
} Reported;

static void
parse_reports (const char *output,
               GArray     *reported)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  guint n = g_strv_length (lines);

  /* The last element is what follows the last newline: a line the writer
   * was killed in the middle of, or "". Only whole lines count. */
  for (guint i = 0; i + 1 < n; i++)
    {
      gint64 case_id, run_id;
      guint index;

      if (sscanf (lines[i], "case %" G_GINT64_FORMAT " %u", &case_id, &index) == 2)
        {
          Reported r = { case_id, 0, index };
          g_array_append_val (reported, r);
        }
      else if (sscanf (lines[i], "run %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u",
                       &case_id, &run_id, &index) == 3)
        {
          Reported *last;

          g_assert_cmpuint (reported->len, >, 0);
          last = &g_array_index (reported, Reported, reported->len - 1);
          g_assert_cmpint (last->case_id, ==, case_id);
          last->run_id = run_id;
        }
      else
        g_error ("unexpected writer output: %s", lines[i]);
    }
}

static guint
parse_title_index (const char *title)
{
  guint64 index = 0;

  g_assert_true (g_str_has_prefix (title, "crash "));
  g_assert_true (g_ascii_string_to_unsigned (title + 6, 10, 0, G_MAXUINT, &index, NULL));

  return (guint) index;
}

/* Every case in the file, reported or not, is whole: the case row, both
 * rejections and its "created" event were one transaction. */
static void
check_case_complete (MdCaseStore *store,
                     const MdCase *c)
{
  g_autoptr(GError) error = NULL;
  guint index = parse_title_index (c->title);
  g_autofree char *text = input_text_for (index);
  g_autoptr(GPtrArray) expected = rejections_for (index);
  g_autoptr(GPtrArray) rejections = md_case_store_list_rejections (store, c->id, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *stored_text = NULL;

  g_assert_no_error (error);
  stored_text = md_case_store_dup_input_text (store, c->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored_text, ==, text);
  g_assert_cmpstr (c->receiver, ==, "microsoft");
  g_assert_cmpstr (c->blocked_ip, ==, ((MdRejection *) g_ptr_array_index (expected, 0))->blocked_ip);

  g_assert_cmpuint (rejections->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const MdCaseRejection *got = g_ptr_array_index (rejections, i);
      const MdRejection *want = g_ptr_array_index (expected, i);

      g_assert_cmpuint (got->position, ==, i);
      g_assert_cmpstr (got->rejection->recipient, ==, want->recipient);
      g_assert_cmpstr (got->rejection->blocked_ip, ==, want->blocked_ip);
      g_assert_cmpuint (got->rejection->smtp_code, ==, want->smtp_code);
      g_assert_cmpstr (got->rejection->text, ==, want->text);
      g_assert_cmpuint (got->rejection->contacts->len, ==, want->contacts->len);
    }

  events = md_case_store_list_events (store, c->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >=, 1);
  g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 0))->kind, ==, MD_CASE_EVENT_CREATED);
}

static void
check_reported (MdCaseStore    *store,
                const Reported *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCase) c = md_case_store_get_case (store, r->case_id, &error);
  g_autofree char *title = g_strdup_printf ("crash %u", r->index);

  /* A reported case that is missing fails right here. */
  g_assert_no_error (error);
  g_assert_cmpstr (c->title, ==, title);
  check_case_complete (store, c);

  if (r->run_id != 0)
    {
      g_autoptr(GPtrArray) runs = md_case_store_list_check_runs (store, r->case_id, &error);
      g_autoptr(GPtrArray) events = md_case_store_list_events (store, r->case_id, &error);
      g_autofree char *json = results_for (r->index);
      g_autoptr(JsonNode) results = json_from_string (json, NULL);

      g_assert_no_error (error);
      g_assert_cmpuint (runs->len, ==, 1);
      g_assert_cmpint (((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->id, ==, r->run_id);
      g_assert_true (json_node_equal (((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->results, results));
      g_assert_cmpuint (events->len, ==, 2);
      g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 1))->kind, ==, MD_CASE_EVENT_CHECKED);
    }
}

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *result = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (result->len > 0)
        g_string_append_c (result, '\n');
      g_string_append (result, (const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (result, FALSE);
}

/* Reads what the writer printed, waiting at most @timeout_us for more;
 * returns FALSE at end of file. */
static gboolean
read_some (int      fd,
           GString *buffer,
           gint64   timeout_us)
{
  GPollFD pfd = { fd, G_IO_IN | G_IO_HUP, 0 };
  char chunk[4096];
  gssize n;

  if (g_poll (&pfd, 1, timeout_us / 1000) <= 0)
    return TRUE;

  n = read (fd, chunk, sizeof chunk);
  if (n < 0 && errno == EINTR)
    return TRUE;
  g_assert_cmpint (n, >=, 0);
  if (n == 0)
    return FALSE;

  g_string_append_len (buffer, chunk, n);
  return TRUE;
}

static void
test_kill_writer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("md-case-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cases.db", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_autoptr(GArray) reported = g_array_new (FALSE, FALSE, sizeof (Reported));
  const char *seed_env = g_getenv ("MD_CRASH_SEED");
  guint32 seed = seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : DEFAULT_SEED;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint killed_mid_run = 0;

  g_assert_no_error (error);
  g_test_message ("seed %u (set MD_CRASH_SEED to repeat another)", seed);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autofree char *start = g_strdup_printf ("%u", round * INDEX_STRIDE);
      const char *argv[] = { self_exe, "--writer", path, start, NULL };
      g_autoptr(GString) output = g_string_new (NULL);
      g_autoptr(MdCaseStore) store = NULL;
      g_autoptr(GPtrArray) all = NULL;
      g_autofree char *integrity = NULL;
      guint before = reported->len;
      gboolean early = round % 5 == 0;
      gint64 delay_us;
      gint64 deadline;
      GPid pid;
      int out_fd;
      int status;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);

      /* Most rounds wait until the writer is in its loop and then kill it
       * somewhere in the next 0-150 ms; every fifth kills it early, while it
       * may still be opening, checking or migrating the file. */
      if (early)
        delay_us = g_rand_int_range (rand, 0, 40) * G_TIME_SPAN_MILLISECOND;
      else
        {
          deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
          while (strchr (output->str, '\n') == NULL)
            {
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
              g_assert_true (read_some (out_fd, output, 100 * G_TIME_SPAN_MILLISECOND));
            }
          delay_us = g_rand_int_range (rand, 0, 150) * G_TIME_SPAN_MILLISECOND;
        }

      /* Keep draining the pipe while waiting so the writer never blocks on
       * it: the kill should land in a database write, not in write(2). */
      deadline = g_get_monotonic_time () + delay_us;
      while (g_get_monotonic_time () < deadline)
        read_some (out_fd, output, MAX (1, deadline - g_get_monotonic_time ()));

      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      /* A writer that died by itself failed to write: that is a failure. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      while (read_some (out_fd, output, G_TIME_SPAN_SECOND))
        ;
      close (out_fd);

      parse_reports (output->str, reported);
      if (output->len > 0 && output->str[output->len - 1] != '\n')
        killed_mid_run++;
      g_test_message ("round %u: killed after %" G_GINT64_FORMAT " ms, %u new cases reported",
                      round, delay_us / 1000, reported->len - before);

      /* Reopen as the app does: no damage may be found. */
      store = md_case_store_new (path, &error);
      g_assert_no_error (error);
      g_assert_null (md_case_store_get_recovered_path (store));

      integrity = integrity_check (path);
      g_assert_cmpstr (integrity, ==, "ok");

      for (guint i = 0; i < reported->len; i++)
        check_reported (store, &g_array_index (reported, Reported, i));

      /* Unreported cases (committed just before the kill) are whole too. */
      all = md_case_store_list_cases (store, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (all->len, >=, reported->len);
      g_assert_cmpuint (all->len, <=, reported->len + round + 1);
      for (guint i = 0; i < all->len; i++)
        {
          const MdCase *listed = g_ptr_array_index (all, i);
          g_autoptr(MdCase) c = md_case_store_get_case (store, listed->id, &error);

          g_assert_no_error (error);
          check_case_complete (store, c);
        }
    }

  /* The test kills a working writer, not one stuck before its first case. */
  g_assert_cmpuint (reported->len, >=, ROUNDS);
  g_test_message ("%u cases reported in total; %u kills cut a report line", reported->len,
                  killed_mid_run);

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        /* Only the database and its own log and index: nothing moved aside. */
        g_assert_true (g_str_equal (name, "cases.db") || g_str_equal (name, "cases.db-wal")
                       || g_str_equal (name, "cases.db-shm"));
        g_unlink (file);
      }
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/CaseStore/crash/kill-writer", test_kill_writer);

  return g_test_run ();
}
