/* md-window-input.c — every way a text comes into the window
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Paste, open a file, drop, open a mail log and pick one of its groups:
 * each reads the input off the main thread (bounded), makes a case of it
 * (md_case_session_new_from_input_async()) and shows it, or says why not.
 * The rest of the window is md-window.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "md-window-private.h"

typedef struct
{
  MdCaseSession *session;
  guint          frames;
} StartChecks;

static void
start_checks_free (StartChecks *data)
{
  g_object_unref (data->session);
  g_free (data);
}

static gboolean
start_checks_tick_cb (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  MdCaseView *view = MD_CASE_VIEW (widget);
  StartChecks *data = user_data;

  /* The first call comes with the frame that draws the case. */
  if (++data->frames < 2)
    return G_SOURCE_CONTINUE;

  /* Still the case shown: the user may have moved on in between. */
  if (md_case_view_get_session (view) == data->session)
    md_case_view_start_checks (view);

  return G_SOURCE_REMOVE;
}

/* The checks start with the frame after the one that draws the new case:
 * their rows are laid out in a frame of their own, not on top of the
 * case's. (An idle would race the frame clock: when the next frame is not
 * due yet, the idle runs first and both land in one frame.) */
static void
start_checks_soon (MdWindow *self)
{
  StartChecks *data = g_new0 (StartChecks, 1);

  data->session = g_object_ref (md_case_view_get_session (self->case_view));
  gtk_widget_add_tick_callback (GTK_WIDGET (self->case_view), start_checks_tick_cb, data,
                                (GDestroyNotify) start_checks_free);
}

/* The text stays on screen with what MailDoctor looks for, so the user
 * sees whether they copied the wrong part. Only the start of a long text is
 * shown: a text view lays out everything it holds. */
static void
show_nothing_recognised (MdWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->nothing_text);
  gsize size = 0;
  const char *data = self->input != NULL ? g_bytes_get_data (self->input, &size) : "";
  g_autofree char *valid = g_utf8_make_valid (data, MIN (size, 16 * 1024));

  gtk_text_buffer_set_text (buffer, valid, -1);
  g_clear_pointer (&self->input, g_bytes_unref);
  md_case_view_set_session (self->case_view, NULL);
  adw_window_title_set_title (self->window_title, _("MailDoctor"));
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "nothing");
  gtk_list_box_unselect_all (self->case_list);
  _md_window_update_case_actions (self);
  gtk_widget_grab_focus (self->nothing_paste_button);
}

static void
session_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = md_case_session_new_from_input_finish (result, &error);
  gtk_spinner_stop (self->loading_spinner);

  if (session == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, MD_CASE_SESSION_ERROR, MD_CASE_SESSION_ERROR_NO_REJECTION))
        {
          show_nothing_recognised (self);
          return;
        }
      _md_window_show_session (self, md_case_view_get_session (self->case_view));
      _md_window_toast (self, error->message);
      return;
    }

  g_clear_pointer (&self->input, g_bytes_unref);
  _md_window_refresh_cases (self);
  _md_window_show_session (self, session);
  /* A new case is checked right away; a saved one shows what was found. */
  start_checks_soon (self);
  md_case_view_focus_next_step (self->case_view);
}

/* What the window says when an input cannot be read, whichever way it came
 * (paste, file, drop): over the limit, the bounded reader's words. */
static void
refuse_input (MdWindow     *self,
              const GError *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      /* Translators: %s is "the input is larger than 512 MB, the most MailDoctor reads" */
      message = g_strdup_printf (_("MailDoctor cannot read this: %s."), error->message);
      _md_window_alert (self, _("Too Large"), message);
      return;
    }

  /* Translators: %s says why the file could not be read */
  message = g_strdup_printf (_("Could not read the file: %s"), error->message);
  _md_window_toast (self, message);
}

/* Every way in — paste, file, drop — ends here. */
void
_md_window_load_input (MdWindow *self,
                       GBytes   *input)
{
  g_autoptr(GError) error = NULL;

  if (self->store_opening)
    {
      g_clear_pointer (&self->pending_input, g_bytes_unref);
      self->pending_input = g_bytes_ref (input);
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      gtk_spinner_start (self->loading_spinner);
      return;
    }

  if (self->store == NULL)
    {
      _md_window_toast (self, _("Cases cannot be saved, so MailDoctor cannot open one."));
      return;
    }

  if (g_bytes_get_size (input) == 0)
    {
      _md_window_alert (self, _("Nothing to Read"),
                       _("There is nothing to read: the text is empty."));
      return;
    }

  if (!md_input_check_size (g_bytes_get_size (input), &error))
    {
      refuse_input (self, error);
      return;
    }

  _md_window_begin_loading (self, TRUE);

  g_clear_pointer (&self->input, g_bytes_unref);
  self->input = g_bytes_ref (input);
  md_case_session_new_from_input_async (self->store, input, self->load_cancellable,
                                        session_created_cb, g_object_ref (self));
}

static const char *text_mime_types[] = {
  "text/plain;charset=utf-8",
  "text/plain",
  NULL
};

static void
clipboard_bytes_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = md_input_read_stream_finish (result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refuse_input (self, error);
      return;
    }

  _md_window_load_input (self, bytes);
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (object), result, NULL, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      _md_window_alert (self, _("Nothing to Paste"),
                       _("The clipboard holds no text. Copy the rejection first."));
      return;
    }

  /* Chunk by chunk up to the bound, in a worker thread: a clipboard that
   * offers gigabytes is refused at the limit, as a file is. */
  md_input_read_stream_async (stream, self->cancellable, clipboard_bytes_read_cb,
                              g_object_ref (self));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Ctrl+V in a text field pastes there, as everywhere else. */
  if (focus != NULL && (GTK_IS_TEXT (focus) || GTK_IS_TEXT_VIEW (focus)) &&
      gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON) == NULL)
    {
      gtk_widget_activate_action (focus, "clipboard.paste", NULL);
      return;
    }

  /* The bytes as the clipboard holds them: the engine reads the charset
   * (MdInput), and gdk_clipboard_read_text_async() would hold all of it in
   * memory before any limit could be checked. */
  gdk_clipboard_read_async (gtk_widget_get_clipboard (widget), text_mime_types,
                            G_PRIORITY_DEFAULT, self->cancellable, clipboard_read_cb,
                            g_object_ref (self));
}

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = md_input_read_file_finish (G_FILE (object), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      refuse_input (self, error);
      return;
    }

  _md_window_load_input (self, bytes);
}

static void
md_window_load_file (MdWindow *self,
                     GFile    *file)
{
  /* Chunk by chunk up to the bound: a huge file (or /dev/zero) is refused
   * at the limit instead of filling the memory first. */
  md_input_read_file_async (file, self->cancellable, file_loaded_cb, g_object_ref (self));
}

static void
open_dialog_response_cb (GtkNativeDialog *dialog,
                         int              response,
                         gpointer         user_data)
{
  g_autoptr(MdWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        md_window_load_file (self, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* Every file chooser offers "All Files" after its own filter, and answers
 * to @response_cb with a reference to the window. */
static void
show_file_chooser (MdWindow             *self,
                   GtkFileChooserNative *dialog,
                   GCallback             response_cb)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All Files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  g_signal_connect (dialog, "response", response_cb, g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  /* GtkFileChooserNative uses the file chooser portal inside Flatpak. */
  dialog = gtk_file_chooser_native_new (_("Open Bounce"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Bounce Messages and Logs"));
  gtk_file_filter_add_mime_type (filter, "message/rfc822");
  gtk_file_filter_add_mime_type (filter, "text/plain");
  gtk_file_filter_add_pattern (filter, "*.eml");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_filter_add_pattern (filter, "*.log");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  show_file_chooser (self, dialog, G_CALLBACK (open_dialog_response_cb));
}

/* Mail logs: several files (a rotated set), read in a thread by the scan page. */
static void
open_log_response_cb (GtkNativeDialog *dialog,
                      int              response,
                      gpointer         user_data)
{
  g_autoptr(MdWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      if (files != NULL && g_list_model_get_n_items (files) > 0)
        md_window_scan_logs (self, files);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  /* GtkFileDialog is GTK 4.10; GtkFileChooserNative goes through the portal in Flatpak. */
  dialog = gtk_file_chooser_native_new (_("Open Mail Log"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Mail Logs"));
  gtk_file_filter_add_mime_type (filter, "text/plain");
  gtk_file_filter_add_mime_type (filter, "text/x-log");
  gtk_file_filter_add_mime_type (filter, "application/gzip");
  gtk_file_filter_add_pattern (filter, "*.log");
  gtk_file_filter_add_pattern (filter, "*.log.*");
  gtk_file_filter_add_pattern (filter, "mainlog*");
  gtk_file_filter_add_pattern (filter, "maillog*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  show_file_chooser (self, dialog, G_CALLBACK (open_log_response_cb));
}

typedef struct
{
  MdWindow *window;
  char     *detail;
} ScanCase;

static void
scan_case_created_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ScanCase *data = user_data;
  g_autoptr(MdWindow) self = data->window;
  g_autofree char *detail = data->detail;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);
  session = md_case_session_new_from_input_finish (result, &error);
  gtk_spinner_stop (self->loading_spinner);
  if (session == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      _md_window_show_scan_page (self);
      _md_window_toast (self, error->message);
      return;
    }

  /* The group's counts go in the case's timeline. */
  md_case_session_record_async (session, MD_CASE_EVENT_FOUND_IN_LOGS, detail, NULL,
                                _md_window_case_written_cb, g_object_ref (self));
  _md_window_refresh_cases (self);
  _md_window_show_session (self, session);
  start_checks_soon (self);
}

static void
scan_group_activated_cb (MdWindow             *self,
                         const MdLogScanGroup *group)
{
  g_autoptr(GBytes) input = NULL;
  ScanCase *data;

  if (self->store == NULL)
    {
      _md_window_toast (self, _("Cases cannot be saved, so MailDoctor cannot open one."));
      return;
    }

  _md_window_begin_loading (self, FALSE);

  data = g_new0 (ScanCase, 1);
  data->window = g_object_ref (self);
  data->detail = md_scan_group_describe (group);
  input = g_bytes_new (group->sample, strlen (group->sample));
  md_case_session_new_from_input_async (self->store, input, self->load_cancellable,
                                        scan_case_created_cb, data);
}

static void
show_log_report_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  _md_window_show_scan_page (MD_WINDOW (widget));
}

void
md_window_scan_logs (MdWindow   *self,
                     GListModel *files)
{
  g_return_if_fail (MD_IS_WINDOW (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  _md_window_show_scan_page (self);
  md_scan_page_scan (self->scan_page, files);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-log-report", TRUE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         MdWindow      *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      md_window_load_file (self, files->data);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_STRING))
    {
      const char *text = g_value_get_string (value);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      if (text == NULL)
        return FALSE;
      /* Refused at the limit with the words a file gets (the string is in
       * memory already: GTK read it whole to drop it). */
      length = strnlen (text, MD_INPUT_MAX_SIZE + 1);
      if (!md_input_check_size (length, &error))
        {
          refuse_input (self, error);
          return TRUE;
        }
      bytes = g_bytes_new (text, length);
      _md_window_load_input (self, bytes);
      return TRUE;
    }

  return FALSE;
}

void
md_window_load_text (MdWindow   *self,
                     const char *text)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (MD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  bytes = g_bytes_new (text, strlen (text));
  _md_window_load_input (self, bytes);
}


void
_md_window_input_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, scan_group_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-log", NULL, open_log_action);
  gtk_widget_class_install_action (widget_class, "win.show-log-report", NULL,
                                   show_log_report_action);
}

void
_md_window_input_init (MdWindow *self)
{
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
