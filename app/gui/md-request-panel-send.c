/* md-request-panel-send.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-request-panel-private.h"

#ifdef GDK_WINDOWING_WAYLAND
# include <gdk/wayland/gdkwayland.h>
#endif
#ifdef GDK_WINDOWING_X11
# include <gdk/x11/gdkx.h>
#endif

/* Before and while sending: what to check before sending (one summary line,
 * each item with the button that fixes it); sending into the mail app (the
 * portal, xdg-email, mailto:, or a file the user opens, shown in a dialog
 * with "Open Folder" and "Save As…"), into a file, or onto the clipboard;
 * each step goes into the case's timeline. */

/* What to do before sending */

static void
add_warning (MdRequestPanel *self,
             const char     *text,
             const char     *button_label,
             const char     *action_name)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  if (button_label != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  adw_expander_row_add_row (self->warnings_row, row);
  g_ptr_array_add (self->warning_rows, row);
}

/* The fix a warning offers, by what the engine says it is about: the
 * texts are the engine's (the checks named by their titles), one wording
 * for the window and the CLI. */
static void
warning_fix (MdDraftWarningKind   kind,
             const char         **button_label,
             const char         **action_name)
{
  *button_label = NULL;
  *action_name = NULL;

  switch (kind)
    {
    case MD_DRAFT_WARNING_NO_CHECKS:
      *button_label = _("_Check Now");
      *action_name = "case.recheck";
      break;
    case MD_DRAFT_WARNING_PROBLEMS:
    case MD_DRAFT_WARNING_UNDECIDED:
      *button_label = _("_Re-check");
      *action_name = "case.recheck";
      break;
    case MD_DRAFT_WARNING_NO_STEPS:
      *button_label = _("_Add Step");
      *action_name = "case.add-step";
      break;
    case MD_DRAFT_WARNING_NO_PROFILE:
      *button_label = _("Open _Preferences");
      *action_name = "app.preferences";
      break;
    case MD_DRAFT_WARNING_NO_IP:
    case MD_DRAFT_WARNING_OTHER:
    default:
      break;
    }
}

void
_md_request_panel_fill_warnings (MdRequestPanel *self)
{
  g_autofree char *summary = NULL;

  for (guint i = 0; i < self->warning_rows->len; i++)
    adw_expander_row_remove (self->warnings_row, g_ptr_array_index (self->warning_rows, i));
  g_ptr_array_set_size (self->warning_rows, 0);

  for (guint i = 0; self->draft->warnings != NULL && self->draft->warnings[i] != NULL; i++)
    {
      const char *button_label;
      const char *action_name;

      warning_fix (md_draft_get_warning_kind (self->draft, i), &button_label, &action_name);
      add_warning (self, self->draft->warnings[i], button_label, action_name);
    }

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u thing to check before sending",
                                          "%u things to check before sending",
                                          self->warning_rows->len),
                             self->warning_rows->len);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warnings_row), summary);
  gtk_widget_set_visible (self->warnings_list, self->warning_rows->len > 0);
}

/* Timeline */

/* Written on the store's writer thread, in the order they are asked for;
 * not cancelled with the panel (what was done is recorded), and a write
 * that fails says so in the panel's window. */

static void
recorded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  MdCaseSession *session = MD_CASE_SESSION (object);
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  gboolean written;

  if (tag == md_case_session_save_draft_async)
    written = md_case_session_save_draft_finish (session, result, &error);
  else if (tag == md_case_session_record_handoff_async)
    written = md_case_session_record_handoff_finish (session, result, &error);
  else
    written = md_case_session_record_finish (session, result, &error);

  if (!written)
    _md_request_panel_show_error (self, _("Could Not Save the Case"), error);
}

static void
record (MdRequestPanel  *self,
        MdCaseEventKind  kind,
        const char      *detail)
{
  md_case_session_record_async (self->session, kind, detail, NULL, recorded_cb,
                                g_object_ref (self));
}

static void
save_outgoing_draft (MdRequestPanel *self,
                     const MdDraft  *draft)
{
  md_case_session_save_draft_async (self->session, draft, NULL, recorded_cb,
                                    g_object_ref (self));
}

/* The hand-off */

static void
folder_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _md_request_panel_show_error (self, _("Could Not Open the Folder"), error);
}

/* The folder in the file manager. GtkFileLauncher would also select the
 * file, but it is GTK 4.10 and the API is pinned to 4.8. */
static void
open_folder (MdRequestPanel *self,
             const char     *folder)
{
  g_autoptr(GFile) file = g_file_new_for_path (folder);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GAppLaunchContext) context = NULL;
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  if (display != NULL)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (display));
  g_app_info_launch_default_for_uri_async (uri, context, self->cancellable, folder_opened_cb,
                                           g_object_ref (self));
}

static void
copied_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _md_request_panel_show_error (self, _("Could Not Save the Request"), error);
      return;
    }

  _md_request_panel_confirm (self, _("Request saved"));
}

static void
save_as_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  const char *path = g_object_get_data (G_OBJECT (chooser), "source");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) target = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GFile) source = g_file_new_for_path (path);

      if (target != NULL)
        g_file_copy_async (source, target, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                           self->cancellable, NULL, NULL, copied_cb, g_object_ref (self));
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
save_as (MdRequestPanel *self,
         const char     *path)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_path_get_basename (path);

  chooser = gtk_file_chooser_native_new (_("Save Request"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "source", g_strdup (path), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (save_as_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
saved_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          MdRequestPanel   *self)
{
  const char *folder = g_object_get_data (G_OBJECT (dialog), "folder");
  const char *file = g_object_get_data (G_OBJECT (dialog), "file");

  if (g_str_equal (response, "open-folder"))
    open_folder (self, folder);
  else if (g_str_equal (response, "save-as") && file != NULL)
    save_as (self, file);
}

GtkWindow *
md_request_panel_present_saved (MdRequestPanel *self,
                                const char     *folder,
                                const char     *file)
{
  GtkRoot *root;
  GtkWidget *dialog;
  g_autofree char *body = NULL;
  g_autofree char *breakable_folder = NULL;

  g_return_val_if_fail (MD_IS_REQUEST_PANEL (self), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  breakable_folder = md_break_at_dots (folder);
  if (file == NULL)
    {
      /* Translators: %s is a folder; mailto: links cannot carry attachments */
      body = g_strdup_printf (_("Your mail app opened the request without its attachments. "
                                "Attach the files from this folder yourself:\n\n%s"),
                              breakable_folder);
    }
  else
    {
      g_autofree char *breakable_file = md_break_at_dots (file);

      /* Translators: the first %s is a mail file, the second the folder that
       * holds it; MailDoctor never deletes it */
      body = g_strdup_printf (_("No mail app took the request. It is saved as a mail file; "
                                "open it with your mail app and send it. It stays there until "
                                "you remove it.\n\nFile: %s\nFolder: %s"),
                              breakable_file, breakable_folder);
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   file == NULL ? _("Attach the Files")
                                                : _("Request Saved as a File"),
                                   body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (file != NULL)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "save-as", _("_Save As…"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open-folder",
                                   _("_Open Folder"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open-folder",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open-folder");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "folder", g_strdup (folder), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "file", g_strdup (file), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (saved_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}

static void
handoff_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MdHandoff *handoff = MD_HANDOFF (object);
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  MdHandoffMethod method;

  method = md_handoff_run_finish (handoff, result, &error);

#ifdef GDK_WINDOWING_WAYLAND
  {
    GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
    GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

    if (surface != NULL && GDK_IS_WAYLAND_TOPLEVEL (surface))
      gdk_wayland_toplevel_unexport_handle (GDK_TOPLEVEL (surface));
  }
#endif

  if (self->session == NULL)
    return;

  /* The case's timeline says what happened, as the session words it. */
  md_case_session_record_handoff_async (self->session, handoff, method, NULL, recorded_cb,
                                        g_object_ref (self));

  switch (method)
    {
    case MD_HANDOFF_METHOD_PORTAL:
    case MD_HANDOFF_METHOD_XDG_EMAIL:
      _md_request_panel_confirm (self, _("The request is open in your mail app"));
      break;

    case MD_HANDOFF_METHOD_MAILTO:
      if (md_handoff_get_saved_directory (handoff) != NULL)
        md_request_panel_present_saved (self, md_handoff_get_saved_directory (handoff), NULL);
      break;

    case MD_HANDOFF_METHOD_EML:
      md_request_panel_present_saved (self,
                                      md_handoff_get_saved_directory (handoff) != NULL
                                      ? md_handoff_get_saved_directory (handoff)
                                      : md_handoff_get_directory (handoff),
                                      md_handoff_get_eml_path (handoff));
      break;

    case MD_HANDOFF_METHOD_NONE:
    default:
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _md_request_panel_confirm (self, _("The mail app was closed without sending"));
      else if (error != NULL)
        _md_request_panel_show_error (self, _("Could Not Open the Mail App"), error);
      break;
    }
}

static void
start_handoff (MdRequestPanel *self,
               const MdDraft  *draft,
               const char     *parent_window)
{
  g_clear_object (&self->handoff);
  self->handoff = md_handoff_new (draft);
  /* The portal places its dialog over this window. */
  if (parent_window != NULL)
    md_handoff_set_parent_window (self->handoff, parent_window);
  md_handoff_run_async (self->handoff, self->cancellable, handoff_cb, g_object_ref (self));
}

#ifdef GDK_WINDOWING_WAYLAND
static void
wayland_handle_exported_cb (GdkToplevel *toplevel,
                            const char  *handle,
                            gpointer     user_data)
{
  MdRequestPanel *self = user_data;
  g_autofree char *parent = g_strdup_printf ("wayland:%s", handle);
  g_autoptr(MdDraft) draft = g_object_steal_data (G_OBJECT (self), "pending-draft");

  if (draft != NULL && self->session != NULL)
    start_handoff (self, draft, parent);
}
#endif

static void
eml_written_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GFile *file = G_FILE (object);
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _md_request_panel_show_error (self, _("Could Not Save the Request"), error);
      return;
    }

  _md_request_panel_confirm (self, _("Request saved"));
  if (self->session != NULL)
    record (self, MD_CASE_EVENT_REQUEST_SAVED, path);
}

static void
save_dialog_response_cb (GtkNativeDialog *dialog,
                         int              response,
                         gpointer         user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  draft = md_request_panel_dup_draft (self);
  if (file == NULL || draft == NULL)
    goto out;

  now = g_date_time_new_now_local ();
  bytes = md_draft_to_eml (draft, now, &error);
  if (bytes == NULL)
    {
      _md_request_panel_show_error (self, _("Could Not Save the Request"), error);
      goto out;
    }

  save_outgoing_draft (self, draft);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       self->cancellable, eml_written_cb, g_object_ref (self));

out:
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* Sending */

void
md_request_panel_open_mail (MdRequestPanel *self)
{
  g_autoptr(MdDraft) draft = NULL;
  g_autofree char *parent = NULL;
  GtkNative *native;
  GdkSurface *surface = NULL;

  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  draft = md_request_panel_dup_draft (self);
  if (draft == NULL || draft->recipient == NULL)
    return;

  save_outgoing_draft (self, draft);
  native = gtk_widget_get_native (GTK_WIDGET (self));
  if (native != NULL)
    surface = gtk_native_get_surface (native);

#ifdef GDK_WINDOWING_WAYLAND
  if (surface != NULL && GDK_IS_WAYLAND_TOPLEVEL (surface))
    {
      g_object_set_data_full (G_OBJECT (self), "pending-draft", g_steal_pointer (&draft),
                              (GDestroyNotify) md_draft_free);
      if (gdk_wayland_toplevel_export_handle (GDK_TOPLEVEL (surface),
                                              wayland_handle_exported_cb,
                                              g_object_ref (self), g_object_unref))
        return;
      draft = g_object_steal_data (G_OBJECT (self), "pending-draft");
    }
#endif
#ifdef GDK_WINDOWING_X11
  if (surface != NULL && GDK_IS_X11_SURFACE (surface))
    parent = g_strdup_printf ("x11:%lx", (gulong) gdk_x11_surface_get_xid (surface));
#endif

  start_handoff (self, draft, parent);
}

void
md_request_panel_open_url (MdRequestPanel *self)
{
  GtkRoot *root;

  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (self->draft == NULL || self->draft->url == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->draft->url,
                GDK_CURRENT_TIME);
  record (self, MD_CASE_EVENT_FORM_OPENED, self->draft->url);
}

void
md_request_panel_save_eml (MdRequestPanel *self)
{
  GtkRoot *root;
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (self->draft == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = gtk_file_chooser_native_new (_("Save Request"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "delist-request.eml");
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Mail Messages"));
  gtk_file_filter_add_mime_type (filter, "message/rfc822");
  gtk_file_filter_add_pattern (filter, "*.eml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  g_signal_connect (dialog, "response", G_CALLBACK (save_dialog_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
md_request_panel_copy_text (MdRequestPanel *self)
{
  g_autoptr(MdDraft) draft = NULL;

  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  draft = md_request_panel_dup_draft (self);
  if (draft == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          md_draft_get_clipboard_text (draft));
  save_outgoing_draft (self, draft);
  record (self, MD_CASE_EVENT_REQUEST_COPIED, NULL);
  _md_request_panel_confirm (self, _("Request text copied"));
}
