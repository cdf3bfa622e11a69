/* md-application.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-application.h"
#include "md-background.h"
#include "md-gtk-layout.h"
#include "md-gui-resources.h"
#include "md-preferences-window.h"
#include "md-watch.h"
#include "md-window.h"

struct _MdApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  MdSettings     *settings;
  /* The cases, one connection for the windows and the watch, opened off the
   * main thread on first use; who asks meanwhile waits in store_waiters. */
  MdCaseStore    *store;
  GError         *store_error;
  GPtrArray      *store_waiters;  /* of GTask */
  GCancellable   *store_cancellable;
  MdWatch        *watch;
  GCancellable   *watch_cancellable;  /* the watch's wait for the store */

  gboolean        watch_started;
  gboolean        background;    /* held: the watch runs with no window */
  gboolean        background_asked;
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

/* The watch's notifications: a case, or its request or follow-up draft. */
static MdWindow *
present_window (MdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!MD_IS_WINDOW (window))
    window = GTK_WINDOW (md_window_new (self));
  gtk_window_present (window);

  return MD_WINDOW (window);
}

static void
md_application_open_case_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  MdApplication *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  const char *section = NULL;
  MdWindow *window;

  if (g_str_equal (name, "draft-request"))
    section = "request";
  else if (g_str_equal (name, "draft-follow-up"))
    section = "follow-up";

  window = present_window (self);
  md_window_open_case (window, g_variant_get_int64 (parameter), section);
  if (g_str_equal (name, "draft-follow-up"))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-up", NULL);
}

static void
md_application_show_watch_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  md_window_show_watch (present_window (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", md_application_about_action },
  { "preferences", md_application_preferences_action },
  { "quit", md_application_quit_action },
  { "open-case", md_application_open_case_action, "x" },
  { "draft-request", md_application_open_case_action, "x" },
  { "draft-follow-up", md_application_open_case_action, "x" },
  { "show-watch", md_application_show_watch_action },
};

/* The watch follows the preferences. */

/* The watch's runs are set up as the window's checks are
 * (md_settings_new_check_run_options(), the keyring's keys included). A new
 * resolver is a new source for the watch, which also ends a pause. */
static void
watch_apply_run_options (MdApplication *self,
                         gboolean       new_source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDnsSource) source = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;

  options = md_settings_new_check_run_options (self->settings, NULL, &source, &error);
  if (options == NULL)
    {
      g_warning ("Watch: no resolver: %s", error->message);
      return;
    }
  if (new_source)
    md_watch_set_source (self->watch, source);
  md_watch_set_run_options (self->watch, options);
}

static void
watch_keys_changed_cb (MdApplication *self)
{
  watch_apply_run_options (self, FALSE);
}

static void
watch_settings_changed_cb (MdApplication *self,
                           const char    *key,
                           GSettings     *settings)
{
  g_autoptr(GError) error = NULL;

  if (key == NULL || g_str_equal (key, "watch-addresses"))
    {
      g_auto(GStrv) entries = g_settings_get_strv (settings, "watch-addresses");

      /* The preferences page stores only lists that pass; one from
       * elsewhere (dconf) that does not is ignored, with a trace. */
      if (!md_watch_set_entries (self->watch, (const char * const *) entries, &error))
        g_warning ("Watch: watch-addresses ignored: %s", error->message);
      g_clear_error (&error);
    }
  if (key == NULL || g_str_equal (key, "watch-domains"))
    {
      g_auto(GStrv) domains = g_settings_get_strv (settings, "watch-domains");

      if (!md_watch_set_domains (self->watch, (const char * const *) domains, &error))
        g_warning ("Watch: watch-domains ignored: %s", error->message);
      g_clear_error (&error);
    }
  if (key == NULL || g_str_equal (key, "watch-interval"))
    md_watch_set_interval (self->watch, g_settings_get_uint (settings, "watch-interval") * 3600);
  /* (The first call, key NULL, comes after the watch was made with them.) */
  if (key != NULL && g_str_has_prefix (key, "resolver-"))
    watch_apply_run_options (self, TRUE);
  else if (key != NULL && g_str_equal (key, "disabled-blocklists"))
    watch_apply_run_options (self, FALSE);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdApplication) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->store_waiters);

  self->store = md_case_store_new_finish (result, &self->store_error);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->store != NULL)
        g_task_return_pointer (task, g_object_ref (self->store), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (self->store_error));
    }
}

/* The app's case store, the one every window and the watch use: opened
 * (checked, migrated) on the store's own thread the first time it is asked
 * for. MAILDOCTOR_CASES names another database (tests, a second profile). */
void
md_application_get_store_async (MdApplication       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (MD_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_application_get_store_async);
  if (self->store != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->store), g_object_unref);
      return;
    }
  if (self->store_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->store_error));
      return;
    }

  if (self->store_waiters != NULL)
    {
      g_ptr_array_add (self->store_waiters, g_steal_pointer (&task));
      return;
    }

  self->store_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->store_waiters, g_steal_pointer (&task));
  path = g_strdup (g_getenv ("MAILDOCTOR_CASES"));
  if (path == NULL || path[0] == '\0')
    {
      g_free (path);
      path = md_case_store_dup_default_path ();
    }
  self->store_cancellable = g_cancellable_new ();
  md_case_store_new_async (path, self->store_cancellable, store_opened_cb, g_object_ref (self));
}

MdCaseStore *
md_application_get_store_finish (MdApplication  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
watch_store_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdApplication) self = user_data;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = md_application_get_store_finish (self, result, &error);
  if (store == NULL)
    {
      /* The window reports an unusable database; the watch just stays off. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Watch: off: %s", error->message);
      if (self->watch != NULL)
        md_watch_stop (self->watch);
      return;
    }

  if (self->watch != NULL)
    md_watch_set_store (self->watch, store);
}

static void
md_application_start_watch (MdApplication *self)
{
  g_autoptr(MdDnsSource) source = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;
  g_autoptr(GError) error = NULL;

  self->watch_started = TRUE;

  options = md_settings_new_check_run_options (self->settings, NULL, &source, &error);
  if (options == NULL)
    {
      g_warning ("Watch: off: no resolver: %s", error->message);
      return;
    }

  /* The watch waits for the app's store before its first round; the
   * keyring's keys come long before that round (a minute on). */
  self->watch = md_watch_new (source, NULL);
  md_watch_set_run_options (self->watch, options);
  md_watch_set_application (self->watch, G_APPLICATION (self));
  watch_settings_changed_cb (self, NULL, md_settings_get_gsettings (self->settings));
  g_signal_connect_object (md_settings_get_gsettings (self->settings), "changed",
                           G_CALLBACK (watch_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "list-keys-changed",
                           G_CALLBACK (watch_keys_changed_cb), self, G_CONNECT_SWAPPED);
  md_watch_start (self->watch);
  self->watch_cancellable = g_cancellable_new ();
  md_application_get_store_async (self, self->watch_cancellable, watch_store_cb,
                                  g_object_ref (self));
}

/* With its window closed the app keeps running for the watch: in Flatpak
 * when the Background portal allows it (and starts it again at login with
 * --gapplication-service), outside as `maildoctor --gapplication-service`. */
static void
background_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MdApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (md_background_request_finish (result, NULL, &error))
    return;   /* keeps the hold taken when it asked */

  g_debug ("Watch: no background: %s", error->message);
  self->background = FALSE;
  g_application_release (G_APPLICATION (self));
}

static void
window_removed_cb (MdApplication *self,
                   GtkWindow     *window)
{
  g_autofree char *reason = NULL;

  if (gtk_application_get_windows (GTK_APPLICATION (self)) != NULL || self->watch == NULL ||
      self->background || self->background_asked || !md_background_is_sandboxed ())
    return;

  self->background = TRUE;
  self->background_asked = TRUE;
  g_application_hold (G_APPLICATION (self));
  reason = g_strdup (_("Re-checks your sending addresses against the block lists while the "
                       "window is closed."));
  md_background_request_async (g_application_get_dbus_connection (G_APPLICATION (self)),
                               reason, NULL, background_cb, g_object_ref (self));
}

static void
md_application_startup (GApplication *app)
{
  MdApplication *self = MD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *paste_accels[] = { "<Control>v", NULL };

  G_APPLICATION_CLASS (md_application_parent_class)->startup (app);

  /* Before any window: see md-gtk-layout.c. */
  md_gtk_layout_init ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.paste", paste_accels);

  g_signal_connect (self, "window-removed", G_CALLBACK (window_removed_cb), NULL);
  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    {
      /* --gapplication-service: no window, the watch is the reason to run. */
      md_application_get_watch (self);
      self->background = TRUE;
      g_application_hold (app);
    }
}

static void
md_application_dispose (GObject *object)
{
  MdApplication *self = MD_APPLICATION (object);

  g_clear_object (&self->watch);
  g_clear_object (&self->watch_cancellable);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_object (&self->store_cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (md_application_parent_class)->dispose (object);
}

static void
md_application_shutdown (GApplication *app)
{
  MdApplication *self = MD_APPLICATION (app);

  /* The files given to a mail client live until now: it may read an
   * attachment long after the hand-off returned. Saved requests the user
   * was told about are elsewhere and stay. */
  md_handoff_remove_temporary_files ();

  /* Quitting: the watch's round, reminders and reads stop at their next
   * step (each is queued on the store's writer thread). */
  if (self->watch_cancellable != NULL)
    g_cancellable_cancel (self->watch_cancellable);
  if (self->store_cancellable != NULL)
    g_cancellable_cancel (self->store_cancellable);
  if (self->watch != NULL)
    md_watch_stop (self->watch);

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

/* Started on first use (the first window, or --gapplication-service). Its
 * own connection to the database opens off the main thread; until then the
 * watch shows its entries and runs no round, and it stays so when the
 * database cannot be opened (the window says why). NULL when there is no
 * resolver to ask. */
MdWatch *
md_application_get_watch (MdApplication *self)
{
  g_return_val_if_fail (MD_IS_APPLICATION (self), NULL);

  if (!self->watch_started)
    md_application_start_watch (self);

  return self->watch;
}
