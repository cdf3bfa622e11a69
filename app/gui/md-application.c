/* md-application.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-application.h"
#include "md-gui-resources.h"
#include "md-handoff.h"
#include "md-preferences-window.h"
#include "md-window.h"

struct _MdApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  MdSettings     *settings;
};

G_DEFINE_FINAL_TYPE (MdApplication, md_application, ADW_TYPE_APPLICATION)

static void
md_application_activate (GApplication *app)
{
  MdApplication *self = MD_APPLICATION (app);
  GtkWindow *window;

  g_assert (MD_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (md_window_new (self));

  gtk_window_present (window);
}

static void
md_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  MdApplication *self = user_data;
  static const char *developers[] = { "The MailDoctor authors", NULL };
  GtkWindow *window;

  g_assert (MD_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  adw_show_about_window (window,
                         "application-name", _("MailDoctor"),
                         "application-icon", APP_ID,
                         "developer-name", _("The MailDoctor authors"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_WEBSITE "/issues",
                         "comments", _("Find out why your mail was rejected, check your server and "
                                       "request removal from the receiver’s block list."),
                         /* Translators: Replace "translator-credits" with your name(s)
                          * and address(es), one per line. */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The MailDoctor authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
md_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  MdApplication *self = user_data;
  MdPreferencesWindow *preferences;
  GtkWindow *parent;

  g_assert (MD_IS_APPLICATION (self));

  /* Ask before creating it: a new window becomes the active one. */
  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  preferences = md_preferences_window_new (self);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
md_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  MdApplication *self = user_data;
  GList *windows;

  g_assert (MD_IS_APPLICATION (self));

  /* Close the windows first so each one saves its state on the way out. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", md_application_about_action },
  { "preferences", md_application_preferences_action },
  { "quit", md_application_quit_action },
};

static void
md_application_startup (GApplication *app)
{
  MdApplication *self = MD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *paste_accels[] = { "<Control>v", NULL };

  G_APPLICATION_CLASS (md_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.paste", paste_accels);
}

static void
md_application_dispose (GObject *object)
{
  MdApplication *self = MD_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (md_application_parent_class)->dispose (object);
}

static void
md_application_shutdown (GApplication *app)
{
  /* The files given to a mail client live until now: it may read an
   * attachment long after the hand-off returned. Saved requests the user
   * was told about are elsewhere and stay. */
  md_handoff_remove_temporary_files ();

  G_APPLICATION_CLASS (md_application_parent_class)->shutdown (app);
}

static void
md_application_class_init (MdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Before any template is loaded; registered by hand for the same reason
   * as the engine's bundle (see md_core_init). */
  md_gui_register_resource ();

  object_class->dispose = md_application_dispose;

  app_class->activate = md_application_activate;
  app_class->startup = md_application_startup;
  app_class->shutdown = md_application_shutdown;
}

static void
md_application_init (MdApplication *self)
{
  self->settings = g_object_ref (md_settings_get_default ());
}

MdApplication *
md_application_new (const char        *application_id,
                    GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (MD_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

MdSettings *
md_application_get_settings (MdApplication *self)
{
  g_return_val_if_fail (MD_IS_APPLICATION (self), NULL);

  return self->settings;
}
