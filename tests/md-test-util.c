/* md-test-util.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-test-util.h"

static char *
build_path_va (const char  *root,
               const char  *first_element,
               va_list      args)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_ptr_array_add (parts, (gpointer) root);
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) e);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

char *
md_test_srcdir_path (const char *first_element,
                     ...)
{
  const char *root = g_getenv ("MD_TESTS_SRCDIR");
  va_list args;
  char *path;

  g_assert_nonnull (root);
  va_start (args, first_element);
  path = build_path_va (root, first_element, args);
  va_end (args);

  return path;
}

char *
md_test_shared_path (const char *first_element,
                     ...)
{
  const char *root = g_getenv ("MD_SHARED_DIR");
  va_list args;
  char *path;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    return NULL;

  va_start (args, first_element);
  path = build_path_va (root, first_element, args);
  va_end (args);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_clear_pointer (&path, g_free);

  return path;
}
