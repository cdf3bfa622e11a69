/* md-watch-preferences-page.c — Preferences → Watch
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-watch.h"
#include "md-watch-preferences-page.h"

struct _MdWatchPreferencesPage
{
  AdwPreferencesPage  parent_instance;

  /* Owned */
  GSettings          *settings;

  /* Template widgets */
  GtkWidget          *addresses_frame;
  GtkTextView        *addresses_view;
  GtkLabel           *addresses_error;
  GtkWidget          *domains_frame;
  GtkTextView        *domains_view;
  GtkLabel           *domains_error;
  GtkSpinButton      *interval_spin;
};

G_DEFINE_FINAL_TYPE (MdWatchPreferencesPage, md_watch_preferences_page,
                     ADW_TYPE_PREFERENCES_PAGE)

static GStrv
buffer_lines (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strsplit (text, "\n", -1);
}

static void
set_lines (GtkTextView        *view,
           const char * const *lines)
{
  g_autofree char *text = g_strjoinv ("\n", (char **) lines);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* Only non-empty lines, trimmed: what is stored. */
static GStrv
clean_lines (char **lines)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));

      if (trimmed[0] != '\0')
        g_strv_builder_add (builder, trimmed);
    }

  return g_strv_builder_end (builder);
}

static void
show_error (GtkWidget  *frame,
            GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (frame, "error");
  else
    gtk_widget_remove_css_class (frame, "error");
}

/* A list with a mistake is not saved: the watch keeps the last good one
 * and the error stays next to the text until it is fixed. */
static void
addresses_changed_cb (MdWatchPreferencesPage *self)
{
  g_auto(GStrv) lines = buffer_lines (self->addresses_view);
  g_auto(GStrv) entries = clean_lines (lines);
  g_auto(GStrv) expanded = NULL;
  g_autoptr(GError) error = NULL;

  expanded = md_watch_expand_entries ((const char * const *) entries, &error);
  show_error (self->addresses_frame, self->addresses_error, error ? error->message : NULL);
  if (expanded != NULL)
    g_settings_set_strv (self->settings, "watch-addresses", (const char * const *) entries);
}

static void
domains_changed_cb (MdWatchPreferencesPage *self)
{
  g_auto(GStrv) lines = buffer_lines (self->domains_view);
  g_auto(GStrv) entries = clean_lines (lines);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; entries[i] != NULL && error == NULL; i++)
    g_free (md_watch_normalize_domain (entries[i], &error));
  show_error (self->domains_frame, self->domains_error, error ? error->message : NULL);
  if (error == NULL)
    g_settings_set_strv (self->settings, "watch-domains", (const char * const *) entries);
}

static void
md_watch_preferences_page_dispose (GObject *object)
{
  MdWatchPreferencesPage *self = MD_WATCH_PREFERENCES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_WATCH_PREFERENCES_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (md_watch_preferences_page_parent_class)->dispose (object);
}

static void
md_watch_preferences_page_class_init (MdWatchPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_watch_preferences_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-watch-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, addresses_frame);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, addresses_view);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, addresses_error);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, domains_frame);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, domains_view);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, domains_error);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPreferencesPage, interval_spin);
}

static void
md_watch_preferences_page_init (MdWatchPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MdWatchPreferencesPage *
md_watch_preferences_page_new (GSettings *settings)
{
  MdWatchPreferencesPage *self;
  g_auto(GStrv) addresses = NULL;
  g_auto(GStrv) domains = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MD_TYPE_WATCH_PREFERENCES_PAGE, NULL);
  self->settings = g_object_ref (settings);

  addresses = g_settings_get_strv (settings, "watch-addresses");
  domains = g_settings_get_strv (settings, "watch-domains");
  set_lines (self->addresses_view, (const char * const *) addresses);
  set_lines (self->domains_view, (const char * const *) domains);
  g_signal_connect_object (gtk_text_view_get_buffer (self->addresses_view), "changed",
                           G_CALLBACK (addresses_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->domains_view), "changed",
                           G_CALLBACK (domains_changed_cb), self, G_CONNECT_SWAPPED);
  g_settings_bind (settings, "watch-interval", gtk_spin_button_get_adjustment (self->interval_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);

  return self;
}
