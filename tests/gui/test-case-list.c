/* test-case-list.c — the sidebar's case list read on the store's writer thread
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fast typist searching: each keystroke refreshes the list, the newest
 * search wins, and the list never shows the answer to an older one.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "md-case-list.h"
#include "md-test-gui.h"

typedef struct
{
  char        *dir;
  char        *path;
  MdCaseStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const titles[] = { "alpha relay", "beta", "alpha two" };

  f->dir = g_dir_make_tmp ("md-case-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cases.db", NULL);
  f->store = md_case_store_new (f->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_assert_cmpint (md_case_store_create_case (f->store, titles[i], "text", NULL, NULL, NULL,
                                                  &error), >, 0);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

typedef struct
{
  GError *errors[3];  /* what each refresh ended with, by the order they were asked for */
  guint   n_ended;
  guint   n_changed;  /* items-changed */
} Refreshes;

typedef struct
{
  Refreshes *refreshes;
  guint      index;
} Refresh;

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  Refreshes *refreshes = refresh->refreshes;
  GError **error = &refreshes->errors[refresh->index];

  if (md_case_list_refresh_finish (MD_CASE_LIST (object), result, error))
    g_assert_no_error (*error);
  else
    g_assert_nonnull (*error);
  refreshes->n_ended++;
}

static void
clear_refreshes (Refreshes *refreshes)
{
  for (guint i = 0; i < G_N_ELEMENTS (refreshes->errors); i++)
    g_clear_error (&refreshes->errors[i]);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Refreshes  *refreshes)
{
  refreshes->n_changed++;
}

static gboolean
all_ended_cb (gpointer data)
{
  Refreshes *refreshes = data;

  return refreshes->n_ended == 3;
}

static const char *
item_title (MdCaseList *list,
            guint       position)
{
  g_autoptr(MdCaseItem) item = g_list_model_get_item (G_LIST_MODEL (list), position);

  return md_case_item_get_title (item);
}

/* "a", "alpha", "beta" typed before the first answer: only "beta" fills
 * the list, the two before end CANCELLED. */
static void
test_search_superseded (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MdCaseList) list = md_case_list_new (f->store);
  Refreshes refreshes = { { NULL, }, 0, 0 };
  Refresh calls[] = { { &refreshes, 0 }, { &refreshes, 1 }, { &refreshes, 2 } };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &refreshes);
  md_case_list_set_search (list, "a");
  md_case_list_refresh_async (list, NULL, refreshed_cb, &calls[0]);
  md_case_list_set_search (list, "alpha");
  md_case_list_refresh_async (list, NULL, refreshed_cb, &calls[1]);
  md_case_list_set_search (list, "beta");
  md_case_list_refresh_async (list, NULL, refreshed_cb, &calls[2]);
  /* Nothing read on this thread: the list waits for the writer thread. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (md_test_gui_wait (all_ended_cb, &refreshes, 5000));

  g_assert_error (refreshes.errors[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (refreshes.errors[1], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (refreshes.errors[2]);
  g_assert_cmpuint (refreshes.n_changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpstr (item_title (list, 0), ==, "beta");
  clear_refreshes (&refreshes);
}

/* A refresh the caller cancels leaves the list as it was; the next one
 * shows a case added meanwhile, newest first. */
static void
test_refresh_cancelled (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MdCaseList) list = md_case_list_new (f->store);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Refreshes refreshes = { { NULL, }, 0, 0 };
  Refresh calls[] = { { &refreshes, 0 }, { &refreshes, 1 }, { &refreshes, 2 } };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &refreshes);
  md_case_list_refresh_async (list, NULL, refreshed_cb, &calls[0]);
  md_case_list_refresh_async (list, cancellable, refreshed_cb, &calls[1]);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (md_case_store_create_case (f->store, "gamma", "text", NULL, NULL, NULL, &error),
                   >, 0);
  md_case_list_refresh_async (list, NULL, refreshed_cb, &calls[2]);
  g_assert_true (md_test_gui_wait (all_ended_cb, &refreshes, 5000));

  /* The first was superseded by the second, which its caller cancelled. */
  g_assert_error (refreshes.errors[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (refreshes.errors[1], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (refreshes.errors[2]);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpstr (item_title (list, 0), ==, "gamma");
  g_assert_cmpstr (item_title (list, 3), ==, "alpha relay");
  clear_refreshes (&refreshes);
}

int
main (int    argc,
      char **argv)
{
  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/MailDoctor/Gui/case-list/search-superseded", Fixture, NULL,
              fixture_set_up, test_search_superseded, fixture_tear_down);
  g_test_add ("/MailDoctor/Gui/case-list/refresh-cancelled", Fixture, NULL,
              fixture_set_up, test_refresh_cancelled, fixture_tear_down);

  return g_test_run ();
}
