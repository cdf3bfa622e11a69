/* test-layout.c — wrapping text stays cheap to measure and still wraps
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "md-case-widgets.h"
#include "md-gtk-layout.h"
#include "md-test-gui.h"

#define LONG_TEXT "The rejecting server named the blocked address and the list it comes from; " \
                  "the removal request goes to the address in the rejection."

static GtkWidget *
wrapping_label (void)
{
  GtkWidget *label = gtk_label_new (LONG_TEXT);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);

  return label;
}

static void
assert_width_ignores_height (GtkWidget *widget)
{
  int min_any, nat_any, min_for, nat_for;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_any, &nat_any, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, 40, &min_for, &nat_for, NULL, NULL);
  g_assert_cmpint (min_for, ==, min_any);
  g_assert_cmpint (nat_for, ==, nat_any);
}

/* GTK 4.8 answers "how wide for this height?" for wrapping text with a
 * binary search of Pango layouts, nested in every box: the contract of
 * height-for-width is that the width does not depend on a height. */
static void
test_width_for_height (void)
{
  GtkWidget *label = g_object_ref_sink (wrapping_label ());
  GtkWidget *box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));

  gtk_box_append (GTK_BOX (box), wrapping_label ());
  gtk_box_append (GTK_BOX (box), wrapping_label ());

  assert_width_ignores_height (label);
  assert_width_ignores_height (box);

  g_object_unref (box);
  g_object_unref (label);
}

/* A scrolled window that scrolls vertically does not use its content's
 * height for no width: it is not computed. One that does not scroll gets it. */
static void
test_viewport_height (void)
{
  GtkWidget *scroller = g_object_ref_sink (gtk_scrolled_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *viewport;
  int min, nat;

  gtk_box_append (GTK_BOX (box), wrapping_label ());
  gtk_box_append (GTK_BOX (box), wrapping_label ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  g_assert_true (GTK_IS_VIEWPORT (viewport));

  gtk_widget_measure (viewport, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, ==, 0);

  g_object_unref (scroller);

  scroller = g_object_ref_sink (gtk_scrolled_window_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), wrapping_label ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_NEVER);
  viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  gtk_widget_measure (viewport, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, >, 0);

  g_object_unref (scroller);
}

/* Heights are still measured for the real width: a long title wraps onto
 * several lines in a narrow window and nothing overflows it. */
static void
test_row_wraps (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *one_line = g_object_ref_sink (gtk_label_new ("Ag"));
  int line_height;

  gtk_widget_measure (one_line, GTK_ORIENTATION_VERTICAL, -1, &line_height, NULL, NULL, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), LONG_TEXT);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), LONG_TEXT);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 400);
  gtk_window_present (GTK_WINDOW (window));
  md_test_gui_settle (300);

  g_assert_cmpint (gtk_widget_get_width (row), <=, 360);
  g_assert_cmpint (gtk_widget_get_height (row), >, 4 * line_height);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (one_line);
}

static gboolean
closed_cb (gpointer data)
{
  return !gtk_revealer_get_child_revealed (data);
}

/* A closed expander's rows are not laid out; opening shows them, closing
 * hides them once the animation has run. */
static void
test_expander_lays_out_when_open (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *inner = adw_action_row_new ();
  GtkRevealer *revealer;
  GtkWidget *content;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), "Facts");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (inner), LONG_TEXT);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), inner);
  gtk_list_box_append (GTK_LIST_BOX (list), expander);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));

  md_expander_row_lay_out_when_open (ADW_EXPANDER_ROW (expander));
  revealer = GTK_REVEALER (md_test_gui_find_type (expander, GTK_TYPE_REVEALER));
  g_assert_nonnull (revealer);
  content = gtk_revealer_get_child (revealer);
  g_assert_true (gtk_widget_is_ancestor (inner, content));
  g_assert_false (gtk_widget_get_visible (content));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  g_assert_true (gtk_widget_get_visible (content));
  md_test_gui_settle (600);
  g_assert_true (gtk_widget_get_mapped (inner));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), FALSE);
  g_assert_true (md_test_gui_wait (closed_cb, revealer, 5000));
  g_assert_false (gtk_widget_get_visible (content));

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
create_label_row_cb (gpointer item,
                     gpointer user_data)
{
  return gtk_label_new (gtk_string_object_get_string (item));
}

static guint
n_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);

  return n;
}

static gboolean
has_rows_cb (gpointer data)
{
  return n_rows (data) == GPOINTER_TO_UINT (g_object_get_data (data, "want"));
}

/* Hundreds of items become rows a few per frame, never all in one go —
 * and items added later too. */
static void
test_list_gradually (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *text = g_strdup_printf ("List %u", i);

      gtk_string_list_append (items, text);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));

  md_list_box_bind_model_gradually (GTK_LIST_BOX (list), G_LIST_MODEL (items), 8,
                                    create_label_row_cb, NULL);
  g_assert_cmpuint (n_rows (list), ==, 8);
  g_object_set_data (G_OBJECT (list), "want", GUINT_TO_POINTER (50));
  g_assert_true (md_test_gui_wait (has_rows_cb, list, 5000));

  for (guint i = 0; i < 20; i++)
    gtk_string_list_append (items, "Later");
  g_assert_cmpuint (n_rows (list), <, 70);
  g_object_set_data (G_OBJECT (list), "want", GUINT_TO_POINTER (70));
  g_assert_true (md_test_gui_wait (has_rows_cb, list, 5000));

  gtk_string_list_splice (items, 0, 70, NULL);
  g_assert_cmpuint (n_rows (list), ==, 0);

  md_list_box_bind_model_gradually (GTK_LIST_BOX (list), NULL, 8, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  adw_init ();
  md_gtk_layout_init ();

  g_test_add_func ("/MailDoctor/Layout/width-for-height", test_width_for_height);
  g_test_add_func ("/MailDoctor/Layout/row-wraps", test_row_wraps);
  g_test_add_func ("/MailDoctor/Layout/viewport-height", test_viewport_height);
  g_test_add_func ("/MailDoctor/Layout/expander-lays-out-when-open",
                   test_expander_lays_out_when_open);
  g_test_add_func ("/MailDoctor/Layout/list-gradually", test_list_gradually);

  return g_test_run ();
}
