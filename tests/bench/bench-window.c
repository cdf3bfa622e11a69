/* bench-window.c — drives the real window for build-aux/bench-window.sh
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test and not installed: built only when asked (meson compile
 * bench-window). It starts MailDoctor's own application and window, puts
 * a text on the clipboard and triggers the window's Paste action, as the
 * user's Ctrl+V does, and waits until the window has read the input, made
 * the case and finished its checks. A main-loop probe measures all along:
 * a G_PRIORITY_HIGH timeout that asks to run every millisecond; the gap
 * between two of its runs (g_get_monotonic_time()) is how long the main
 * loop could not answer: the longest one is the worst freeze the user
 * felt. One line of JSON on stdout says what was measured.
 *
 * Usage: bench-window TEXT-FILE [TIMEOUT-SECONDS]
 * The settings (resolver, no web checks) come from the environment the
 * script sets up: GSETTINGS_BACKEND=memory, MD_BENCH_RESOLVER=ADDR:PORT,
 * MAILDOCTOR_CASES=FILE. */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <time.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-util.h"
#include "md-window.h"

#define PROBE_INTERVAL_MS 1

typedef struct
{
  /* The probe */
  gint64         last;
  gint64         max_gap;
  gint64         max_gap_running;  /* while the checks ran: what their deadline sees */
  gint64         max_gap_saving;   /* from the paste until the case was saved */
  gint64         saved_time;
  gboolean       measuring;

  MdApplication *app;
  MdWindow      *window;
  MdCaseSession *session;
  gint64         paste_time;
  gint64         shown_time;
  gint64         checks_started;
  gint64         checks_finished;
  gboolean       done;
  gboolean       timed_out;
} Bench;

/* MD_BENCH_GAPS=MS: every gap longer than that, with the main thread's CPU
 * time in it (on a busy machine the wall-clock gap includes time the thread
 * waited for a core) and its monotonic start and end in seconds, so that a
 * profile taken with `perf record -k mono` can be cut to the iterations
 * that blocked. */
static void
report_gap (Bench  *bench,
            gint64  now)
{
  static gint64 report_us = -1;
  static gint64 last_cpu;
  struct timespec ts;
  gint64 cpu;

  if (report_us < 0)
    {
      const char *gaps = g_getenv ("MD_BENCH_GAPS");

      report_us = gaps != NULL ? g_ascii_strtoll (gaps, NULL, 10) * 1000 : 0;
    }
  if (report_us <= 0)
    return;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  cpu = ts.tv_sec * G_GINT64_CONSTANT (1000000) + ts.tv_nsec / 1000;
  if (bench->measuring && now - bench->last > report_us)
    g_printerr ("bench-window: gap %.1f ms (cpu %.1f ms) from %.6f to %.6f\n",
                (now - bench->last) / 1000.0, (cpu - last_cpu) / 1000.0,
                bench->last / 1e6, now / 1e6);
  last_cpu = cpu;
}

/* With MD_BENCH_GAPS: each frame's phases (update: animations and tick
 * callbacks; layout: measuring and allocating; paint: snapshot and
 * rendering; after: after-paint), so that a long gap can be told apart
 * from a long frame, and a frame's layout from its drawing. */
typedef enum { PHASE_START, PHASE_UPDATE, PHASE_LAYOUT, PHASE_PAINT, PHASE_END, N_PHASES } Phase;

static gint64 phase_at[N_PHASES];

static void
phase_cb (GdkFrameClock *clock,
          gpointer       user_data)
{
  Phase phase = GPOINTER_TO_INT (user_data);

  /* GTK's own handlers were connected first: each time is a phase's end. */
  phase_at[phase] = g_get_monotonic_time ();
  if (phase == PHASE_END && phase_at[PHASE_END] - phase_at[PHASE_START] > 4000)
    g_printerr ("bench-window: frame %.1f ms (update %.1f, layout %.1f, paint %.1f, "
                "after %.1f) from %.6f\n",
                (phase_at[PHASE_END] - phase_at[PHASE_START]) / 1000.0,
                (phase_at[PHASE_UPDATE] - phase_at[PHASE_START]) / 1000.0,
                (phase_at[PHASE_LAYOUT] - phase_at[PHASE_UPDATE]) / 1000.0,
                (phase_at[PHASE_PAINT] - phase_at[PHASE_LAYOUT]) / 1000.0,
                (phase_at[PHASE_END] - phase_at[PHASE_PAINT]) / 1000.0,
                phase_at[PHASE_START] / 1e6);
}

static void
watch_frames (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  static const char *signals[N_PHASES] = {
    "before-paint", "update", "layout", "paint", "after-paint",
  };

  for (Phase p = PHASE_START; p < N_PHASES; p++)
    g_signal_connect (clock, signals[p], G_CALLBACK (phase_cb), GINT_TO_POINTER (p));
}

static gboolean
probe_cb (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  report_gap (bench, now);
  if (bench->measuring && now - bench->last > bench->max_gap)
    bench->max_gap = now - bench->last;
  if (bench->measuring && bench->checks_started != 0 && bench->checks_finished == 0)
    bench->max_gap_running = MAX (bench->max_gap_running,
                                  now - MAX (bench->last, bench->checks_started));
  bench->last = now;

  return G_SOURCE_CONTINUE;
}

/* The session's own signals, seen through emission hooks: the moment the
 * run starts ("checks-changed") and ends ("checks-finished"), without
 * waiting for a poll the frozen main loop could not run. */
static gboolean
checks_changed_hook (GSignalInvocationHint *hint,
                     guint                  n_params,
                     const GValue          *params,
                     gpointer               user_data)
{
  Bench *bench = user_data;
  MdCaseSession *session = g_value_get_object (&params[0]);

  if (bench->session == NULL && md_case_session_get_check_run (session) != NULL)
    {
      bench->session = g_object_ref (session);
      bench->checks_started = g_get_monotonic_time ();
    }

  return TRUE;
}

static gboolean
checks_finished_hook (GSignalInvocationHint *hint,
                      guint                  n_params,
                      const GValue          *params,
                      gpointer               user_data)
{
  Bench *bench = user_data;
  MdCaseSession *session = g_value_get_object (&params[0]);
  MdCheckRun *run = md_case_session_get_check_run (session);

  if (session == bench->session && run != NULL && md_check_run_is_finished (run) &&
      bench->checks_finished == 0)
    {
      bench->checks_finished = g_get_monotonic_time ();
      bench->done = TRUE;
    }

  return TRUE;
}

/* The store's "changed" (added) for the new case: everything before it is
 * reading the input and saving the case, the part outside the widgets. */
static gboolean
case_added_hook (GSignalInvocationHint *hint,
                 guint                  n_params,
                 const GValue          *params,
                 gpointer               user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  if (bench->measuring && bench->saved_time == 0 &&
      g_value_get_enum (&params[2]) == MD_CASE_CHANGE_ADDED)
    {
      bench->saved_time = now;
      /* A synchronous save is still inside the iteration that runs it. */
      bench->max_gap_saving = MAX (bench->max_gap, now - bench->last);
    }

  return TRUE;
}

/* When the case is on screen (polling: the window has no signal for it,
 * and a 5 ms poll costs nothing the probe would see). */
static gboolean
watch_cb (gpointer user_data)
{
  Bench *bench = user_data;

  if (md_case_view_get_session (md_window_get_case_view (bench->window)) != NULL)
    {
      bench->shown_time = g_get_monotonic_time ();
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Bench *bench = user_data;

  bench->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static void
print_result (Bench *bench)
{
  g_autoptr(GString) json = g_string_new ("{");
  MdCheckRun *run = bench->session != NULL ? md_case_session_get_check_run (bench->session) : NULL;
  const MdCheckSubject *subject =
    bench->session != NULL ? md_case_session_get_checked_subject (bench->session) : NULL;
  guint counts[MD_CHECK_N_STATUSES] = { 0, };
  guint deadline_errors = 0;
  guint n = run != NULL ? g_list_model_get_n_items (G_LIST_MODEL (run)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);
      MdCheckStatus status = md_check_get_status (check);
      const char *summary = md_check_get_summary (check);

      counts[status]++;
      if (status == MD_CHECK_STATUS_ERROR && summary != NULL && strstr (summary, "deadline"))
        deadline_errors++;
    }

  g_string_append_printf (json, "\"max_gap_ms\": %.1f", bench->max_gap / 1000.0);
  g_string_append_printf (json, ", \"max_gap_running_ms\": %.1f", bench->max_gap_running / 1000.0);
  g_string_append_printf (json, ", \"max_gap_saving_ms\": %.1f", bench->max_gap_saving / 1000.0);
  g_string_append_printf (json, ", \"saved_ms\": %.1f",
                          bench->saved_time ? (bench->saved_time - bench->paste_time) / 1000.0 : -1);
  g_string_append_printf (json, ", \"timed_out\": %s", bench->timed_out ? "true" : "false");
  g_string_append_printf (json, ", \"shown_ms\": %.1f",
                          bench->shown_time ? (bench->shown_time - bench->paste_time) / 1000.0 : -1);
  g_string_append_printf (json, ", \"check_ms\": %.1f",
                          bench->checks_finished && bench->checks_started
                          ? (bench->checks_finished - bench->checks_started) / 1000.0 : -1);
  g_string_append_printf (json, ", \"total_ms\": %.1f",
                          bench->checks_finished
                          ? (bench->checks_finished - bench->paste_time) / 1000.0 : -1);
  g_string_append_printf (json, ", \"checks\": %u, \"errors\": %u, \"deadline_errors\": %u",
                          n, counts[MD_CHECK_STATUS_ERROR], deadline_errors);
  if (subject != NULL)
    g_string_append_printf (json, ", \"ip\": \"%s\", \"domain\": \"%s\", \"helo\": \"%s\", "
                            "\"recipient_domain\": \"%s\"",
                            subject->ip ? subject->ip : "", subject->domain ? subject->domain : "",
                            subject->helo ? subject->helo : "",
                            subject->recipient_domain ? subject->recipient_domain : "");
  g_string_append (json, "}\n");
  g_print ("%s", json->str);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *text = NULL;
  const char *servers[2] = { g_getenv ("MD_BENCH_RESOLVER"), NULL };
  guint timeout_s = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 120;
  Bench bench = { 0, };
  GdkClipboard *clipboard;
  GSource *probe;
  gpointer session_class;
  gpointer store_class;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, md_core_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  md_core_init ();

  if (argc < 2 || servers[0] == NULL)
    {
      g_printerr ("usage: MD_BENCH_RESOLVER=ADDR:PORT bench-window TEXT-FILE [TIMEOUT-SECONDS]\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    {
      g_printerr ("bench-window: %s\n", error->message);
      return 2;
    }

  gtk_init ();
  settings = g_settings_new (BASE_ID);
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_settings_set_string (settings, "resolver-mode", "custom");
  g_settings_set_strv (settings, "resolver-servers", servers);

  bench.app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (bench.app), NULL, &error))
    {
      g_printerr ("bench-window: %s\n", error->message);
      return 2;
    }
  g_application_activate (G_APPLICATION (bench.app));
  bench.window = MD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (bench.app)));
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.window)))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (500);
  if (g_getenv ("MD_BENCH_GAPS") != NULL)
    watch_frames (GTK_WIDGET (bench.window));

  probe = g_timeout_source_new (PROBE_INTERVAL_MS);
  g_source_set_priority (probe, G_PRIORITY_HIGH);
  g_source_set_callback (probe, probe_cb, &bench, NULL);
  g_source_attach (probe, NULL);

  /* On the clipboard before the probe counts: that is the other app's work.
   * With MD_BENCH_CLIPBOARD=external another process owns it (xclip, started
   * by bench-window.sh), and the window reads it over the X selection as it
   * would from a mail client; otherwise GDK's same-process clipboard would
   * copy and serialize the text on this main loop. */
  if (g_strcmp0 (g_getenv ("MD_BENCH_CLIPBOARD"), "external") != 0)
    {
      clipboard = gtk_widget_get_clipboard (GTK_WIDGET (bench.window));
      gdk_clipboard_set_text (clipboard, text);
    }
  g_clear_pointer (&text, g_free);
  iterate_for (200);

  bench.last = g_get_monotonic_time ();
  bench.measuring = TRUE;
  bench.paste_time = g_get_monotonic_time ();
  /* The class (and its signals) exists once referenced. */
  session_class = g_type_class_ref (MD_TYPE_CASE_SESSION);
  store_class = g_type_class_ref (MD_TYPE_CASE_STORE);
  g_signal_add_emission_hook (g_signal_lookup ("changed", MD_TYPE_CASE_STORE), 0,
                              case_added_hook, &bench, NULL);
  g_signal_add_emission_hook (g_signal_lookup ("checks-changed", MD_TYPE_CASE_SESSION), 0,
                              checks_changed_hook, &bench, NULL);
  g_signal_add_emission_hook (g_signal_lookup ("checks-finished", MD_TYPE_CASE_SESSION), 0,
                              checks_finished_hook, &bench, NULL);
  gtk_widget_activate_action (GTK_WIDGET (bench.window), "win.paste", NULL);
  g_timeout_add (5, watch_cb, &bench);
  g_timeout_add_seconds (timeout_s, timeout_cb, &bench);

  while (!bench.done && !bench.timed_out)
    g_main_context_iteration (NULL, TRUE);
  bench.measuring = FALSE;

  print_result (&bench);

  g_source_destroy (probe);
  g_source_unref (probe);
  g_clear_object (&bench.session);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  iterate_for (300);
  g_clear_object (&bench.app);
  g_type_class_unref (session_class);
  g_type_class_unref (store_class);

  return bench.timed_out ? 1 : 0;
}
