/* test-security-handoff.c — the hand-off to the mail client against hostile
 * text (issue 12): the real /usr/bin/xdg-email keeps the body verbatim, and
 * files the user is told about (or a mail client was given) stay
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "md-draft.h"
#include "md-handoff.h"
#include "md-util.h"

#define XDG_EMAIL "/usr/bin/xdg-email"

/* What dash's echo acts on (\c ends the output, \n, \t, \0101 …), what a
 * shell acts on, percent signs and non-ASCII: all must arrive as written. */
#define HOSTILE_BODY \
  "Dear postmaster,\n" \
  "550 5.7.1 see \\n here \\t tab \\0101 octal \\\\ two \\c cut here?\n" \
  "$(touch /tmp/pwned) `id` \"double\" 'single' %41 %0D%0A & ? = # +plus\n" \
  "Grüße — 送信\n"

static char *data_home;
static char *hook_dir;
static char *hook_log;

typedef struct
{
  GMainLoop       *loop;
  MdHandoffMethod  method;
  GError          *error;
} RunData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunData *r = user_data;

  r->method = md_handoff_run_finish (MD_HANDOFF (object), result, &r->error);
  g_main_loop_quit (r->loop);
}

static MdHandoffMethod
run_handoff (MdHandoff  *handoff,
             GError    **error)
{
  RunData r = { g_main_loop_new (NULL, FALSE), MD_HANDOFF_METHOD_NONE, NULL };

  md_handoff_run_async (handoff, NULL, run_cb, &r);
  g_main_loop_run (r.loop);
  g_main_loop_unref (r.loop);
  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.method;
}

static MdDraft *
make_draft (const char *body)
{
  MdDraft *draft = md_draft_new ();

  draft->channel_id = g_strdup ("t-online-mail");
  draft->channel_kind = MD_CHANNEL_EMAIL;
  draft->recipient = g_strdup ("tosa@rx.t-online.de");
  draft->subject = g_strdup ("Bitte um Prüfung \\c der Sperre");
  draft->body = g_strdup (body);
  md_draft_add_attachment (draft, "rejection.txt", "text/plain; charset=utf-8",
                           g_bytes_new_static ("554 \\c rejected\n", 17));

  return draft;
}

static void
remove_recursively (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_recursively (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The value of @name in the query of a mailto: URI, decoded. */
static char *
mailto_field (const char *uri,
              const char *name)
{
  const char *query = strchr (uri, '?');
  g_auto(GStrv) pairs = NULL;

  g_assert_nonnull (query);
  pairs = g_strsplit (query + 1, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      if (eq != NULL && strncmp (pairs[i], name, eq - pairs[i]) == 0 &&
          (gsize) (eq - pairs[i]) == strlen (name))
        return g_uri_unescape_string (eq + 1, NULL);
    }

  return NULL;
}

/* The real xdg-email, with a hook (xdg-email-hook.sh, which it runs when it
 * is on PATH, in place of a mail client) that records the mailto: URI the
 * mail client would get: the body and subject in it are the draft's,
 * byte for byte. */
static void
test_xdg_email_verbatim (void)
{
  g_autoptr(MdDraft) draft = make_draft (HOSTILE_BODY);
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *body = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);

  if (!g_file_test (XDG_EMAIL, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip (XDG_EMAIL " is not installed (package xdg-utils)");
      return;
    }

  g_unlink (hook_log);
  md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_cmpint (run_handoff (handoff, &error), ==, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (hook_log, &uri, NULL, NULL));
  g_test_message ("xdg-email handed on: %s", uri);
  g_assert_true (g_str_has_prefix (uri, "mailto:"));

  body = mailto_field (uri, "body");
  subject = mailto_field (uri, "subject");
  g_assert_nonnull (body);
  /* mailto: line breaks are CRLF (RFC 6068). */
  for (const char *p = HOSTILE_BODY; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (expected, "\r\n");
      else
        g_string_append_c (expected, *p);
    }
  g_assert_cmpstr (body, ==, expected->str);
  g_assert_cmpstr (subject, ==, draft->subject);
  g_assert_true (g_str_has_prefix (uri, "mailto:tosa@rx.t-online.de?") ||
                 ((to = mailto_field (uri, "to")) != NULL &&
                  g_str_equal (to, "tosa@rx.t-online.de")));
  g_assert_false (g_file_test ("/tmp/pwned", G_FILE_TEST_EXISTS));

  {
    g_auto(GStrv) paths = md_handoff_get_attachment_paths (handoff);
    g_autofree char *dir = g_path_get_dirname (paths[0]);

    remove_recursively (dir);
  }
}

/* Files given to a mail client are still there after the hand-off object
 * is gone (the window drops it on the next hand-off or when the case
 * changes): a mail client may read them later. */
static void
test_temporary_files_outlive_handoff (void)
{
  g_autoptr(MdDraft) draft = make_draft ("Text\n");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  if (!g_file_test (XDG_EMAIL, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip (XDG_EMAIL " is not installed (package xdg-utils)");
      return;
    }

  md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_cmpint (run_handoff (handoff, &error), ==, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_no_error (error);
  paths = md_handoff_get_attachment_paths (handoff);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);

  g_clear_object (&handoff);
  g_assert_true (g_file_test (paths[0], G_FILE_TEST_IS_REGULAR));

  {
    g_autofree char *dir = g_path_get_dirname (paths[0]);
    remove_recursively (dir);
  }
}

/* No mail client: the .eml the user is told about is saved below the
 * user's data dir, private, and stays after the hand-off is gone. */
static void
test_eml_saved_and_kept (void)
{
  g_autoptr(MdDraft) draft = make_draft ("Text\n");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;
  g_autofree char *eml_path = NULL;
  g_autofree char *expected_parent = g_build_filename (data_home, "maildoctor", "requests", NULL);
  GStatBuf st;

  md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_EML);
  g_assert_cmpint (run_handoff (handoff, &error), ==, MD_HANDOFF_METHOD_EML);
  g_assert_no_error (error);
  eml_path = g_strdup (md_handoff_get_eml_path (handoff));
  g_test_message ("saved as %s", eml_path);
  g_assert_true (g_str_has_prefix (eml_path, expected_parent));
  g_assert_true (g_str_has_prefix (md_handoff_get_directory (handoff), expected_parent));
  g_assert_cmpint (g_stat (eml_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_clear_object (&handoff);
  g_assert_true (g_file_test (eml_path, G_FILE_TEST_IS_REGULAR));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *hook = NULL;
  g_autofree char *path = NULL;
  int status;

  /* Before anything asks GLib for the user's data dir (it is cached). */
  data_home = g_dir_make_tmp ("md-security-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  /* The hook xdg-email runs instead of any mail client; no portal (no
   * session bus in this program), nothing else on PATH but the system. */
  hook_dir = g_dir_make_tmp ("md-security-hook-XXXXXX", NULL);
  hook_log = g_build_filename (hook_dir, "mailto.log", NULL);
  hook = g_build_filename (hook_dir, "xdg-email-hook.sh", NULL);
  {
    g_autofree char *script = g_strdup_printf ("#!/bin/sh\nprintf '%%s' \"$1\" > '%s'\n",
                                               hook_log);
    g_assert_true (g_file_set_contents (hook, script, -1, NULL));
    g_assert_cmpint (g_chmod (hook, 0700), ==, 0);
  }
  path = g_strdup_printf ("%s:/usr/bin:/bin", hook_dir);
  g_setenv ("PATH", path, TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);

  g_test_add_func ("/MailDoctor/Security/Handoff/xdg-email-verbatim", test_xdg_email_verbatim);
  g_test_add_func ("/MailDoctor/Security/Handoff/temporary-files-outlive-handoff",
                   test_temporary_files_outlive_handoff);
  g_test_add_func ("/MailDoctor/Security/Handoff/eml-saved-and-kept", test_eml_saved_and_kept);

  status = g_test_run ();

  remove_recursively (hook_dir);
  remove_recursively (data_home);
  g_free (hook_log);
  g_free (hook_dir);
  g_free (data_home);

  return status;
}
