/* test-security-records.c — DKIM keys outside RFC 8301's sizes, and the case
 * database's files private to the user (issue 12)
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

#include "md-case-store.h"
#include "md-dkim-key.h"
#include "md-record-util.h"
#include "md-test-util.h"
#include "md-util.h"

/* The record named @name in tests/security/data/dkim-keys.txt. */
static MdDkimKey *
parse_fixture_key (const char *name)
{
  g_autofree char *path = md_test_srcdir_path ("security", "data", "dkim-keys.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strchr (lines[i], ' ');
      MdDkimKey *key;

      if (lines[i][0] == '#' || space == NULL ||
          strncmp (lines[i], name, space - lines[i]) != 0 ||
          (gsize) (space - lines[i]) != strlen (name))
        continue;

      key = md_dkim_key_parse (space + 1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (key);
      return key;
    }

  g_error ("no key %s in %s", name, path);
}

static gboolean
has_warning_saying (const MdDkimKey *key,
                    const char      *code,
                    const char      *fragment)
{
  for (guint i = 0; i < key->warnings->len; i++)
    {
      const MdRecordWarning *w = g_ptr_array_index (key->warnings, i);

      if (g_str_equal (w->code, code) && strstr (w->message, fragment) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_dkim_key_too_large (void)
{
  const char *names[] = { "rsa-16384", "rsa-8192" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MdDkimKey) key = parse_fixture_key (names[i]);

      g_test_message ("%s: %u bits, strength %d", names[i], key->key_bits, key->strength);
      g_assert_cmpuint (key->key_bits, >, 4096);
      /* Not "valid": RFC 8301 asks verifiers for 1024 to 4096 bits only. */
      g_assert_cmpint (key->strength, !=, MD_DKIM_KEY_STRENGTH_OK);
      g_assert_true (has_warning_saying (key, "key-size", "4096"));
      g_assert_true (has_warning_saying (key, "key-size", "RFC 8301"));
    }
}

static void
test_dkim_key_exponent (void)
{
  const char *names[] = { "exponent-over-64-bits", "exponent-even", "exponent-1" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MdDkimKey) key = parse_fixture_key (names[i]);

      g_test_message ("%s: strength %d", names[i], key->strength);
      g_assert_cmpuint (key->key_bits, ==, 2048);
      g_assert_cmpint (key->strength, !=, MD_DKIM_KEY_STRENGTH_OK);
      g_assert_true (has_warning_saying (key, "key-exponent", "exponent"));
    }
}

/* The sizes RFC 8301 names stay fine: no warning for 2048 and 4096. */
static void
test_dkim_key_normal (void)
{
  const char *names[] = { "rsa-2048", "rsa-4096" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MdDkimKey) key = parse_fixture_key (names[i]);

      g_assert_cmpint (key->strength, ==, MD_DKIM_KEY_STRENGTH_OK);
      g_assert_cmpuint (key->warnings->len, ==, 0);
    }
}

static void
assert_private (const char *path,
                gboolean    must_exist)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      g_assert_false (must_exist);
      return;
    }
  g_test_message ("%s: %o", path, st.st_mode & 0777);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_case_store_private (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cases.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  mode_t mask = umask (022);

  {
    g_autoptr(MdCaseStore) store = md_case_store_new (path, &error);

    g_assert_no_error (error);
    g_assert_nonnull (store);
    assert_private (path, TRUE);
    /* WAL mode: both exist while the store is open. */
    assert_private (wal, TRUE);
    assert_private (shm, TRUE);
  }

  /* Made 0644 by an older version: private again when opened. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  {
    g_autoptr(MdCaseStore) store = md_case_store_new (path, &error);

    g_assert_no_error (error);
    g_assert_nonnull (store);
    assert_private (path, TRUE);
    assert_private (wal, FALSE);
    assert_private (shm, FALSE);
  }

  umask (mask);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/Security/Dkim/key-over-4096-bits", test_dkim_key_too_large);
  g_test_add_func ("/MailDoctor/Security/Dkim/odd-exponent", test_dkim_key_exponent);
  g_test_add_func ("/MailDoctor/Security/Dkim/normal-sizes", test_dkim_key_normal);
  g_test_add_func ("/MailDoctor/Security/Files/case-database-private", test_case_store_private);

  return g_test_run ();
}
