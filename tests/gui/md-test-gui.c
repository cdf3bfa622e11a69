/* md-test-gui.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "md-test-gui.h"
#include "md-util.h"

gboolean
md_test_gui_init (int    *argc,
                  char ***argv)
{
  setlocale (LC_ALL, "");
  g_test_init (argc, argv, NULL);

  /* The catalogs the build just compiled (MAILDOCTOR_LOCALEDIR). */
  bindtextdomain (GETTEXT_PACKAGE, md_core_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  md_core_init ();

  if (!gtk_init_check ())
    {
      if (g_getenv ("MD_REQUIRE_DISPLAY") != NULL)
        g_error ("no display, but MD_REQUIRE_DISPLAY is set");
      g_test_skip ("no display (the test command runs these under Xvfb)");
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gboolean (*condition) (gpointer data);
  gpointer   data;
  gboolean   timed_out;
} WaitData;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  WaitData *wait = user_data;

  wait->timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

gboolean
md_test_gui_wait (gboolean (*condition) (gpointer data),
                  gpointer   data,
                  guint      timeout_ms)
{
  WaitData wait = { condition, data, FALSE };
  guint timeout_id = g_timeout_add (timeout_ms, wait_timeout_cb, &wait);
  gboolean done;

  while (!(done = condition (data)) && !wait.timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!wait.timed_out)
    g_source_remove (timeout_id);

  return done;
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

void
md_test_gui_settle (guint ms)
{
  md_test_gui_wait (never_cb, NULL, ms);
}

char *
md_test_gui_snapshot (GtkWidget  *widget,
                      const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("MD_BUILD_ROOT"), "snapshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  char *path = g_build_filename (dir, file, NULL);
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  /* A widget that has not been drawn since it changed has no content yet
   * (a loaded machine): let the frame clock draw it, then ask again. */
  for (guint i = 0; node == NULL && i < 100; i++)
    {
      md_test_gui_settle (50);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("snapshot: %s", path);

  return path;
}

static const char *
widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_label (GTK_LABEL (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  return NULL;
}

GtkWidget *
md_test_gui_find_label (GtkWidget  *root,
                        const char *text)
{
  const char *own = widget_text (root);

  if (own != NULL && g_strcmp0 (own, text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = md_test_gui_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
md_test_gui_find_type (GtkWidget *root,
                       GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = md_test_gui_find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect_type (GtkWidget *root,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_type (child, type, found);
}

GPtrArray *
md_test_gui_find_all (GtkWidget *root,
                      GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_type (root, type, found);

  return found;
}

const char *
md_test_gui_language (void)
{
  const char *language = g_getenv ("LANGUAGE");

  return (language != NULL && g_str_has_prefix (language, "de")) ? "de" : "en";
}

const char *
md_test_gui_expect (const char *english,
                    const char *german)
{
  return g_str_equal (md_test_gui_language (), "de") ? german : english;
}
