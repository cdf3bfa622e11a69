/* md-case-widgets.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"

/* Text to read, not to select: wraps, and takes no keyboard focus, so Tab
 * goes from control to control (a selectable label is a focus stop). */
GtkWidget *
md_wrapped_label_new (const char *text,
                      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static char *
break_points (const char *text,
              gboolean    keep_hyphens_together)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (*p == '-' && keep_hyphens_together)
        {
          g_string_append (out, "\u2011");
          continue;
        }
      g_string_append_c (out, *p);
      if ((*p == '.' || *p == '@' || *p == '/') && p[1] != '\0')
        g_string_append (out, "\u200B");
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Paths, host names and addresses may break after a dot, an "@" or a "/",
 * never inside a label ("outlook.co-m"): a zero-width space after each
 * gives Pango the break points. For text that may be selected and copied
 * (a file's path): the characters stay as they are. */
char *
md_break_at_dots (const char *text)
{
  return break_points (text, FALSE);
}

/* The same for text shown only (a row's subtitle): hyphens become
 * non-breaking as well (U+2011), which Pango would otherwise break after
 * ("contoso-" / "com.mail.protection.outlook.com"). */
char *
md_break_host_names (const char *text)
{
  return break_points (text, TRUE);
}

/* A label/value row with a button that copies the value (the copy is the
 * plain value, without break hints). */
GtkWidget *
md_fact_row_new (const char *title,
                 const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *breakable = md_break_host_names (value);
  g_autofree char *escaped = g_markup_escape_text (breakable, -1);
  g_autofree char *tooltip = g_strdup_printf (_("Copy %s"), title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "case.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

char *
md_numbered_steps (const char * const *steps)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; steps != NULL && steps[i] != NULL; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%u. %s", i + 1, steps[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkRevealer *
find_revealer (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkRevealer *found;

      if (GTK_IS_REVEALER (child))
        return GTK_REVEALER (child);
      if ((found = find_revealer (child)) != NULL)
        return found;
    }

  return NULL;
}

static void
expander_expanded_cb (AdwExpanderRow *row,
                      GParamSpec     *pspec,
                      GtkRevealer    *revealer)
{
  if (adw_expander_row_get_expanded (row))
    gtk_widget_set_visible (gtk_revealer_get_child (revealer), TRUE);
}

static void
revealer_child_revealed_cb (GtkRevealer *revealer,
                            GParamSpec  *pspec,
                            gpointer     user_data)
{
  if (!gtk_revealer_get_child_revealed (revealer) && !gtk_revealer_get_reveal_child (revealer))
    gtk_widget_set_visible (gtk_revealer_get_child (revealer), FALSE);
}

/* A collapsed AdwExpanderRow still measures its rows (GtkRevealer measures
 * its child at every size and scales it to nothing), and their wrapping
 * text is most of what a case costs to lay out: the rows are made
 * invisible while the expander is closed — shown as it opens, hidden once
 * it has closed, so the animation stays. The revealer is libadwaita's
 * own; without one nothing changes. */
void
md_expander_row_lay_out_when_open (AdwExpanderRow *row)
{
  GtkRevealer *revealer;

  g_return_if_fail (ADW_IS_EXPANDER_ROW (row));

  revealer = find_revealer (GTK_WIDGET (row));
  if (revealer == NULL || gtk_revealer_get_child (revealer) == NULL)
    return;

  gtk_widget_set_visible (gtk_revealer_get_child (revealer), adw_expander_row_get_expanded (row));
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (expander_expanded_cb),
                           revealer, 0);
  g_signal_connect (revealer, "notify::child-revealed", G_CALLBACK (revealer_child_revealed_cb),
                    NULL);
}

typedef struct
{
  GtkListBox        *list;
  GtkSliceListModel *slice;
  GListModel        *model;
  gulong             changed_id;
  guint              per_frame;
  guint              tick_id;
} Gradual;

static void
gradual_free (Gradual *gradual)
{
  if (gradual->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (gradual->list), gradual->tick_id);
  g_clear_signal_handler (&gradual->changed_id, gradual->model);
  g_clear_object (&gradual->slice);
  g_free (gradual);
}

static gboolean
gradual_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  Gradual *gradual = user_data;
  guint size = gtk_slice_list_model_get_size (gradual->slice);

  gtk_slice_list_model_set_size (gradual->slice, size + gradual->per_frame);
  if (size + gradual->per_frame < g_list_model_get_n_items (gradual->model))
    return G_SOURCE_CONTINUE;

  gradual->tick_id = 0;

  return G_SOURCE_REMOVE;
}

static void
gradual_grow (Gradual *gradual)
{
  if (gradual->tick_id == 0 &&
      g_list_model_get_n_items (gradual->model) > gtk_slice_list_model_get_size (gradual->slice))
    gradual->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (gradual->list), gradual_tick_cb,
                                                     gradual, NULL);
}

static void
gradual_items_changed_cb (GListModel *model,
                          guint       position,
                          guint       removed,
                          guint       added,
                          Gradual    *gradual)
{
  gradual_grow (gradual);
}

/* gtk_list_box_bind_model() makes a row for every item in one go; a list
 * of hundreds (block lists, the rejections of a pasted log) then blocks
 * the window for as long as it takes to make and lay them all out. Here
 * the list box sees a slice of @model that grows by @per_frame items each
 * frame until it holds them all, and again when items are added. @model
 * NULL unbinds. */
void
md_list_box_bind_model_gradually (GtkListBox                 *list,
                                  GListModel                 *model,
                                  guint                       per_frame,
                                  GtkListBoxCreateWidgetFunc  create_widget,
                                  gpointer                    user_data)
{
  Gradual *gradual;

  g_return_if_fail (GTK_IS_LIST_BOX (list));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));
  g_return_if_fail (per_frame > 0);

  /* Frees the previous one. */
  g_object_set_data (G_OBJECT (list), "md-gradual", NULL);

  if (model == NULL)
    {
      gtk_list_box_bind_model (list, NULL, NULL, NULL, NULL);
      return;
    }

  gradual = g_new0 (Gradual, 1);
  gradual->list = list;
  gradual->model = model;
  gradual->per_frame = per_frame;
  gradual->slice = gtk_slice_list_model_new (g_object_ref (model), 0, per_frame);
  /* After the slice's own handler: the slice has taken the change in. */
  gradual->changed_id = g_signal_connect (model, "items-changed",
                                          G_CALLBACK (gradual_items_changed_cb), gradual);
  g_object_set_data_full (G_OBJECT (list), "md-gradual", gradual,
                          (GDestroyNotify) gradual_free);
  gtk_list_box_bind_model (list, G_LIST_MODEL (gradual->slice), create_widget, user_data, NULL);
  gradual_grow (gradual);
}
