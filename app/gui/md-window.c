/* md-window.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-bounded-read.h"
#include "md-case-view.h"
#include "md-rejection-parser.h"
#include "md-scan-page.h"
#include "md-case-row.h"
#include "md-settings.h"
#include "md-watch-page.h"
#include "md-window.h"

/* The parser's own bound: a whole day of mail.log still fits. It reads off
 * the main thread, so even that leaves the window responsive. */
#define MAX_INPUT_SIZE MD_REJECTION_PARSER_MAX_INPUT

struct _MdWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  MdSettings           *settings;
  MdCaseStore          *store;
  MdCaseList           *cases;           /* the sidebar's model */
  GCancellable         *cancellable;     /* cancelled when the window closes */
  GCancellable         *load_cancellable; /* the input being read now */
  GBytes               *input;            /* the input being read now */
  /* The database opens on the writer thread (it may be checked after an
   * unclean end); what the user asks for meanwhile waits here. */
  gboolean              store_opening;
  GBytes               *pending_input;
  gint64                pending_case_id;
  char                 *pending_section;
  gint64                deleted_case_id;  /* for "Undo" */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkToggleButton      *search_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListBox           *case_list;
  AdwStatusPage        *sidebar_empty_page;
  AdwWindowTitle       *window_title;
  GtkWidget            *case_menu_button;
  GtkStack             *content_stack;
  AdwStatusPage        *empty_page;
  GtkSpinner           *loading_spinner;
  MdCaseView           *case_view;
  MdScanPage           *scan_page;
  GtkTextView          *nothing_text;
  GtkWidget            *nothing_paste_button;
  GtkWidget            *start_paste_button;
  MdWatchPage          *watch_page;
};

G_DEFINE_FINAL_TYPE (MdWindow, md_window, ADW_TYPE_APPLICATION_WINDOW)

static void md_window_refresh_cases (MdWindow *self);
static void case_written_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void update_case_actions     (MdWindow *self);

/* What went wrong is said in a dialog that stays until it is read, not in
 * a toast that is cut off and gone after five seconds; toasts are for
 * confirmations. */
static void
md_window_alert (MdWindow   *self,
                 const char *heading,
                 const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
md_window_toast (MdWindow   *self,
                 const char *message)
{
  md_window_alert (self, _("Something Went Wrong"), message);
}

static void
case_view_toast_cb (MdWindow *self,
                    AdwToast *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

static GtkWidget *
create_case_row_cb (gpointer item,
                    gpointer user_data)
{
  return md_case_row_new (item);
}

static gint64
current_case_id (MdWindow *self)
{
  MdCaseSession *session = md_case_view_get_session (self->case_view);

  return session != NULL ? md_case_session_get_case_id (session) : 0;
}

static void
select_row_of_case (MdWindow *self,
                    gint64    case_id)
{
  guint position = self->cases != NULL ? md_case_list_find (self->cases, case_id) : G_MAXUINT;
  GtkListBoxRow *row = NULL;

  if (position != G_MAXUINT)
    row = gtk_list_box_get_row_at_index (self->case_list, (int) position);

  if (row != NULL)
    gtk_list_box_select_row (self->case_list, row);
  else
    gtk_list_box_unselect_all (self->case_list);
}

static void
cases_refreshed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *search;
  guint n;

  /* Superseded by a newer search, or the window closed. */
  if (!md_case_list_refresh_finish (MD_CASE_LIST (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        md_window_toast (self, error->message);
      return;
    }

  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));
  if (n == 0 && search[0] != '\0')
    {
      adw_status_page_set_title (self->sidebar_empty_page, _("No Matching Cases"));
      adw_status_page_set_description (self->sidebar_empty_page,
                                       _("Search looks at receivers, IP addresses, titles and notes."));
    }
  else
    {
      adw_status_page_set_title (self->sidebar_empty_page, _("No Cases"));
      adw_status_page_set_description (self->sidebar_empty_page,
                                       _("Every rejection you diagnose is kept here."));
    }

  gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");
  select_row_of_case (self, current_case_id (self));
}

/* Read on the store's writer thread; the newest search wins. */
static void
md_window_refresh_cases (MdWindow *self)
{
  if (self->cases == NULL)
    return;

  md_case_list_set_search (self->cases,
                           gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  md_case_list_refresh_async (self->cases, self->cancellable, cases_refreshed_cb,
                              g_object_ref (self));
}

static void
shown_case_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(MdCase) record = md_case_store_get_case_finish (MD_CASE_STORE (object), result, NULL);

  /* Another case is shown by now: its own read sets the title. */
  if (record == NULL || record->id != current_case_id (self))
    return;

  adw_window_title_set_title (self->window_title, record->title);
  update_case_actions (self);
}

static void
store_changed_cb (MdWindow     *self,
                  gint64        case_id,
                  MdCaseChange  change,
                  MdCaseStore  *store)
{
  md_window_refresh_cases (self);

  if (change == MD_CASE_CHANGE_UPDATED && case_id == current_case_id (self))
    md_case_store_get_case_async (store, case_id, self->cancellable, shown_case_read_cb,
                                  g_object_ref (self));
}

static void
search_changed_cb (MdWindow *self)
{
  md_window_refresh_cases (self);
}

/* The case menu offers only what applies to the case's status. */
static void
update_status_actions (MdWindow     *self,
                       const MdCase *record)
{
  MdCaseStatus status = record != NULL ? record->status : MD_CASE_STATUS_OPEN;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-requested",
                                 record != NULL && status == MD_CASE_STATUS_OPEN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-delisted",
                                 record != NULL && (status == MD_CASE_STATUS_OPEN ||
                                                    status == MD_CASE_STATUS_REQUESTED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-case",
                                 record != NULL && status != MD_CASE_STATUS_CLOSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reopen-case",
                                 record != NULL && status != MD_CASE_STATUS_OPEN);
}

static void
status_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(MdCase) record = NULL;

  record = md_case_session_dup_case_finish (MD_CASE_SESSION (object), result, NULL);
  if (record != NULL && record->id == current_case_id (self))
    update_status_actions (self, record);
}

static void
update_case_actions (MdWindow *self)
{
  gboolean has_case = md_case_view_get_session (self->case_view) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.recheck", has_case);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-case", has_case);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.set-status", has_case);
  {
    MdCaseSession *session = md_case_view_get_session (self->case_view);

    /* Until the status is read (on the store's writer thread) none applies. */
    update_status_actions (self, NULL);
    if (session != NULL)
      md_case_session_dup_case_async (session, self->cancellable, status_read_cb,
                                      g_object_ref (self));
  }
  {
    MdCaseSession *session = md_case_view_get_session (self->case_view);
    const MdRejection *primary = NULL;

    if (session != NULL)
      primary = md_case_session_get_rejection (session, md_case_session_get_primary_index (session));
    /* Only Microsoft answers "not qualified for mitigation". */
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow-up",
                                   primary != NULL && g_strcmp0 (primary->provider, "microsoft") == 0);
  }
  gtk_widget_set_visible (self->case_menu_button, has_case);
}

static void
show_session (MdWindow      *self,
              MdCaseSession *session)
{
  md_case_view_set_session (self->case_view, session);

  if (session != NULL)
    {
      const MdRejection *primary = md_case_session_get_rejection (session,
                                     md_case_session_get_primary_index (session));

      /* The title is read on the store's writer thread. */
      adw_window_title_set_title (self->window_title, "");
      md_case_store_get_case_async (self->store, md_case_session_get_case_id (session),
                                    self->cancellable, shown_case_read_cb, g_object_ref (self));
      adw_window_title_set_subtitle (self->window_title, primary->blocked_ip);
      gtk_stack_set_visible_child_name (self->content_stack, "case");
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      select_row_of_case (self, md_case_session_get_case_id (session));
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("MailDoctor"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "start");
      gtk_list_box_unselect_all (self->case_list);
      /* The first thing to do on the start page is to paste. */
      gtk_window_set_focus (GTK_WINDOW (self), self->start_paste_button);
    }

  update_case_actions (self);
}

/* A case is being read (a paste, a file, a stored case, a log group): it
 * replaces the one shown — leaving a case ends its work — and the loading
 * page shows until it is ready. The previous read is cancelled. */
static void
begin_loading (MdWindow *self,
               gboolean  navigate)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  md_case_view_set_session (self->case_view, NULL);
  update_case_actions (self);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  gtk_spinner_start (self->loading_spinner);
  if (navigate)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

typedef struct
{
  MdWindow *window;
  char     *section;
} OpenCase;

static void
open_case_free (OpenCase *data)
{
  g_clear_object (&data->window);
  g_free (data->section);
  g_free (data);
}

static void
case_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  OpenCase *data = user_data;
  MdWindow *self = data->window;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = md_case_session_open_finish (result, &error);
  if (session == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_spinner_stop (self->loading_spinner);
          show_session (self, NULL);
          md_window_toast (self, error->message);
        }
      open_case_free (data);
      return;
    }

  gtk_spinner_stop (self->loading_spinner);
  show_session (self, session);
  md_case_view_focus_next_step (self->case_view);
  if (data->section != NULL)
    md_case_view_scroll_to (self->case_view, data->section);
  open_case_free (data);
}

/* Opening reads the case's input and parses it again: on a worker, with
 * the loading page meanwhile, like a paste. */
static void
open_case (MdWindow   *self,
           gint64      case_id,
           const char *section)
{
  OpenCase *data;

  if (case_id == current_case_id (self))
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      if (section != NULL)
        md_case_view_scroll_to (self->case_view, section);
      return;
    }

  begin_loading (self, TRUE);

  data = g_new0 (OpenCase, 1);
  data->window = g_object_ref (self);
  data->section = g_strdup (section);
  md_case_session_open_async (self->store, case_id, self->load_cancellable,
                              case_opened_cb, data);
}

static void
case_row_activated_cb (MdWindow      *self,
                       GtkListBoxRow *row)
{
  open_case (self, md_case_item_get_id (md_case_row_get_item (MD_CASE_ROW (row))), NULL);
}

static void
back_clicked_cb (MdWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
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
  update_case_actions (self);
  gtk_widget_grab_focus (self->nothing_paste_button);
}

typedef struct
{
  MdWindow      *window;
  MdCaseSession *session;
} StartChecks;

static void
start_checks_free (StartChecks *data)
{
  g_object_unref (data->window);
  g_object_unref (data->session);
  g_free (data);
}

static gboolean
start_checks_idle_cb (gpointer user_data)
{
  StartChecks *data = user_data;

  /* Still the case shown: the user may have moved on in between. */
  if (md_case_view_get_session (data->window->case_view) == data->session)
    md_case_view_start_checks (data->window->case_view);

  return G_SOURCE_REMOVE;
}

/* The checks start once the new case has been laid out and drawn: their
 * rows are laid out in a frame of their own, not on top of the case's. */
static void
start_checks_soon (MdWindow *self)
{
  StartChecks *data = g_new0 (StartChecks, 1);

  data->window = g_object_ref (self);
  data->session = g_object_ref (md_case_view_get_session (self->case_view));
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, start_checks_idle_cb, data,
                   (GDestroyNotify) start_checks_free);
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
      show_session (self, md_case_view_get_session (self->case_view));
      md_window_toast (self, error->message);
      return;
    }

  g_clear_pointer (&self->input, g_bytes_unref);
  md_window_refresh_cases (self);
  show_session (self, session);
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
      md_window_alert (self, _("Too Large"), message);
      return;
    }

  /* Translators: %s says why the file could not be read */
  message = g_strdup_printf (_("Could not read the file: %s"), error->message);
  md_window_toast (self, message);
}

/* Every way in — paste, file, drop — ends here. */
static void
md_window_load_input (MdWindow *self,
                      GBytes   *input)
{
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
      md_window_toast (self, _("Cases cannot be saved, so MailDoctor cannot open one."));
      return;
    }

  if (g_bytes_get_size (input) == 0)
    {
      md_window_alert (self, _("Nothing to Read"),
                       _("There is nothing to read: the text is empty."));
      return;
    }

  if (g_bytes_get_size (input) > MAX_INPUT_SIZE)
    {
      g_autoptr(GError) error = NULL;

      md_set_read_limit_error (&error, MAX_INPUT_SIZE);
      refuse_input (self, error);
      return;
    }

  begin_loading (self, TRUE);

  g_clear_pointer (&self->input, g_bytes_unref);
  self->input = g_bytes_ref (input);
  md_case_session_new_from_input_async (self->store, input, self->load_cancellable,
                                        session_created_cb, g_object_ref (self));
}

static void
clipboard_bytes_read_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = md_read_bounded_finish (result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refuse_input (self, error);
      return;
    }

  md_window_load_input (self, bytes);
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
      md_window_alert (self, _("Nothing to Paste"),
                       _("The clipboard holds no text. Copy the rejection first."));
      return;
    }

  /* Chunk by chunk up to the bound, in a worker thread: a clipboard that
   * offers gigabytes is refused at the limit, as a file is. */
  md_read_bounded_async (stream, MAX_INPUT_SIZE, self->cancellable, clipboard_bytes_read_cb,
                         g_object_ref (self));
}

static const char *text_mime_types[] = {
  "text/plain;charset=utf-8",
  "text/plain",
  NULL
};

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

  bytes = md_file_read_bounded_finish (G_FILE (object), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      refuse_input (self, error);
      return;
    }

  md_window_load_input (self, bytes);
}

static void
md_window_load_file (MdWindow *self,
                     GFile    *file)
{
  /* Chunk by chunk up to the bound: a huge file (or /dev/zero) is refused
   * at the limit instead of filling the memory first. */
  md_file_read_bounded_async (file, MAX_INPUT_SIZE, self->cancellable, file_loaded_cb,
                              g_object_ref (self));
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

/* A page of its own in the content area (the mail log report, the watch
 * list): leaving a case ends its work, as for a new case; the page stays. */
static void
show_page (MdWindow   *self,
           const char *name,
           const char *title)
{
  show_session (self, NULL);
  adw_window_title_set_title (self->window_title, title);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
show_scan_page (MdWindow *self)
{
  show_page (self, "scan", _("Mail Logs"));
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
      show_scan_page (self);
      md_window_toast (self, error->message);
      return;
    }

  /* The group's counts go in the case's timeline. */
  md_case_session_record_async (session, MD_CASE_EVENT_FOUND_IN_LOGS, detail, NULL,
                                case_written_cb, g_object_ref (self));
  md_window_refresh_cases (self);
  show_session (self, session);
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
      md_window_toast (self, _("Cases cannot be saved, so MailDoctor cannot open one."));
      return;
    }

  begin_loading (self, FALSE);

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
  show_scan_page (MD_WINDOW (widget));
}

void
md_window_scan_logs (MdWindow   *self,
                     GListModel *files)
{
  g_return_if_fail (MD_IS_WINDOW (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  show_scan_page (self);
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
      gsize length;

      if (text == NULL)
        return FALSE;
      /* Refused at the limit with the words a file gets (the string is in
       * memory already: GTK read it whole to drop it). */
      length = strnlen (text, MAX_INPUT_SIZE + 1);
      if (length > MAX_INPUT_SIZE)
        {
          g_autoptr(GError) error = NULL;

          md_set_read_limit_error (&error, MAX_INPUT_SIZE);
          refuse_input (self, error);
          return TRUE;
        }
      bytes = g_bytes_new (text, length);
      md_window_load_input (self, bytes);
      return TRUE;
    }

  return FALSE;
}

static void
new_case_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  show_session (self, NULL);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
recheck_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  if (md_case_view_get_session (self->case_view) != NULL)
    md_case_view_start_checks (self->case_view);
}

static void
follow_up_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  md_case_view_set_channel (self->case_view, "microsoft-follow-up");
}

static void
show_watch_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  md_window_show_watch (MD_WINDOW (widget));
}

/* A write of the window's on the store's writer thread: not cancelled
 * with the window (what the user did is kept); a failure is a toast. */
static void
case_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  gboolean written;

  if (tag == md_case_session_set_status_async)
    written = md_case_session_set_status_finish (MD_CASE_SESSION (object), result, NULL, &error);
  else
    written = md_case_session_record_finish (MD_CASE_SESSION (object), result, &error);

  if (!written)
    md_window_toast (self, error->message);
}

static void
set_status_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);
  MdCaseSession *session = md_case_view_get_session (self->case_view);
  MdCaseStatus status;

  if (session == NULL ||
      !md_case_status_from_string (g_variant_get_string (parameter, NULL), &status))
    return;

  md_case_session_set_status_async (session, status, NULL, case_written_cb, g_object_ref (self));
}

static void
set_status (MdWindow     *self,
            MdCaseStatus  status)
{
  MdCaseSession *session = md_case_view_get_session (self->case_view);

  if (session != NULL)
    md_case_session_set_status_async (session, status, NULL, case_written_cb,
                                      g_object_ref (self));
}

static void
mark_requested_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  set_status (MD_WINDOW (widget), MD_CASE_STATUS_REQUESTED);
}

static void
mark_delisted_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  set_status (MD_WINDOW (widget), MD_CASE_STATUS_DELISTED);
}

static void
close_case_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  set_status (MD_WINDOW (widget), MD_CASE_STATUS_CLOSED);
}

static void
reopen_case_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  set_status (MD_WINDOW (widget), MD_CASE_STATUS_OPEN);
}

typedef struct
{
  MdWindow *window;
  gint64    case_id;
  char     *title;
} CaseDeletion;

static void
case_deletion_free (CaseDeletion *deletion)
{
  g_object_unref (deletion->window);
  g_free (deletion->title);
  g_free (deletion);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CaseDeletion, case_deletion_free)

static CaseDeletion *
case_deletion_new (MdWindow   *window,
                   gint64      case_id,
                   const char *title)
{
  CaseDeletion *deletion = g_new0 (CaseDeletion, 1);

  deletion->window = g_object_ref (window);
  deletion->case_id = case_id;
  deletion->title = g_strdup (title);

  return deletion;
}

static void
undeleted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CaseDeletion) deletion = user_data;
  MdWindow *self = deletion->window;
  g_autoptr(GError) error = NULL;

  if (!md_case_store_undelete_case_finish (MD_CASE_STORE (object), result, &error))
    {
      md_window_toast (self, error->message);
      return;
    }

  open_case (self, deletion->case_id, NULL);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  if (self->deleted_case_id == 0)
    return;

  md_case_store_undelete_case_async (self->store, self->deleted_case_id, NULL, undeleted_cb,
                                     case_deletion_new (self, self->deleted_case_id, NULL));
  self->deleted_case_id = 0;
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CaseDeletion) deletion = user_data;
  MdWindow *self = deletion->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (!md_case_store_delete_case_finish (MD_CASE_STORE (object), result, &error))
    {
      md_window_toast (self, error->message);
      return;
    }

  self->deleted_case_id = deletion->case_id;
  /* Translators: %s is the case's title, like "Microsoft 5.7.511" */
  message = g_strdup_printf (_("“%s” deleted"), deletion->title);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
delete_case_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);
  gint64 case_id = current_case_id (self);
  g_autofree char *title = NULL;

  if (case_id == 0)
    return;

  /* The title the window shows for it: no read needed. */
  title = g_strdup (adw_window_title_get_title (self->window_title));
  show_session (self, NULL);

  md_case_store_delete_case_async (self->store, case_id, NULL, deleted_cb,
                                   case_deletion_new (self, case_id, title));
}

/* Size and maximized state are saved when the window closes, not on every
 * resize, like GNOME Text Editor does. */
static void
md_window_save_state (MdWindow *self)
{
  int width = 0;
  int height = 0;

  g_assert (MD_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  md_settings_save_window_size (self->settings, width, height,
                                gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
md_window_close_request (GtkWindow *window)
{
  MdWindow *self = MD_WINDOW (window);

  md_window_save_state (self);
  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  /* Saves the notes and ends the case's checks. */
  md_case_view_set_session (self->case_view, NULL);

  return GTK_WINDOW_CLASS (md_window_parent_class)->close_request (window);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pending_input = NULL;
  g_autofree char *pending_section = NULL;
  g_autofree char *recovery = NULL;
  gint64 pending_case_id;

  self->store = md_case_store_new_finish (result, &error);
  self->store_opening = FALSE;
  pending_input = g_steal_pointer (&self->pending_input);
  pending_case_id = self->pending_case_id;
  self->pending_case_id = 0;
  pending_section = g_steal_pointer (&self->pending_section);

  /* Closed while the database opened: nothing left to show it in. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->store == NULL)
    {
      g_autofree char *message = NULL;

      gtk_spinner_stop (self->loading_spinner);
      show_session (self, NULL);
      /* Translators: %s says why */
      message = g_strdup_printf (_("Cases cannot be saved: %s"), error->message);
      md_window_toast (self, message);
      return;
    }

  recovery = md_case_store_dup_recovery_message (self->store);
  if (recovery != NULL)
    {
      AdwToast *toast = adw_toast_new (recovery);

      adw_toast_set_timeout (toast, 0);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->cases = md_case_list_new (self->store);
  gtk_list_box_bind_model (self->case_list, G_LIST_MODEL (self->cases),
                           create_case_row_cb, NULL, NULL);
  md_window_refresh_cases (self);

  if (pending_input != NULL)
    md_window_load_input (self, pending_input);
  else if (pending_case_id != 0)
    md_window_open_case (self, pending_case_id, pending_section);
}

/* On the store's own thread: opening may migrate the schema or, after an
 * unclean end, check the whole database. */
static void
md_window_open_store (MdWindow *self)
{
  g_autofree char *path = g_strdup (g_getenv ("MAILDOCTOR_CASES"));

  /* MAILDOCTOR_CASES names another database (tests, or a second profile). */
  if (path == NULL || path[0] == '\0')
    {
      g_free (path);
      path = md_case_store_dup_default_path ();
    }

  self->store_opening = TRUE;
  md_case_store_new_async (path, self->cancellable, store_opened_cb, g_object_ref (self));
}

static void
md_window_dispose (GObject *object)
{
  MdWindow *self = MD_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_WINDOW);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->input, g_bytes_unref);
  g_clear_pointer (&self->pending_input, g_bytes_unref);
  g_clear_pointer (&self->pending_section, g_free);
  g_clear_object (&self->cases);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (md_window_parent_class)->dispose (object);
}

/* GTK 4.8 searches for the window's minimum size whenever its content
 * changes size, measuring the whole window at widths in a binary search
 * when the content trades height for width (gtk_window_compute_min_size):
 * every wrapping line of a case laid out again at each width, tens of
 * milliseconds per search. The window's content scrolls, so its minimum
 * size does not depend on its width: the window says so, and GTK asks
 * once. */
static GtkSizeRequestMode
md_window_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
md_window_class_init (MdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = md_window_dispose;
  window_class->close_request = md_window_close_request;
  widget_class->get_request_mode = md_window_get_request_mode;

  g_type_ensure (MD_TYPE_CASE_VIEW);
  g_type_ensure (MD_TYPE_SCAN_PAGE);
  g_type_ensure (MD_TYPE_WATCH_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, case_list);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, sidebar_empty_page);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, case_menu_button);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, watch_page);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, case_view);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, scan_page);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, nothing_text);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, nothing_paste_button);
  gtk_widget_class_bind_template_child (widget_class, MdWindow, start_paste_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, case_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, scan_group_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.new-case", NULL, new_case_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-log", NULL, open_log_action);
  gtk_widget_class_install_action (widget_class, "win.show-log-report", NULL,
                                   show_log_report_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.recheck", NULL, recheck_action);
  gtk_widget_class_install_action (widget_class, "win.set-status", "s", set_status_action);
  gtk_widget_class_install_action (widget_class, "win.follow-up", NULL, follow_up_action);
  gtk_widget_class_install_action (widget_class, "win.mark-requested", NULL,
                                   mark_requested_action);
  gtk_widget_class_install_action (widget_class, "win.mark-delisted", NULL,
                                   mark_delisted_action);
  gtk_widget_class_install_action (widget_class, "win.close-case", NULL, close_case_action);
  gtk_widget_class_install_action (widget_class, "win.reopen-case", NULL, reopen_case_action);
  gtk_widget_class_install_action (widget_class, "win.delete-case", NULL, delete_case_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.show-watch", NULL, show_watch_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-case", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.recheck", NULL);
}

static void
md_window_init (MdWindow *self)
{
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Until a log has been opened there is no report to go back to. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-log-report", FALSE);

  self->settings = g_object_ref (md_settings_get_default ());
  self->cancellable = g_cancellable_new ();

  {
    int width;
    int height;
    gboolean maximized;

    md_settings_get_window_size (self->settings, &width, &height, &maximized);
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
    if (maximized)
      gtk_window_maximize (GTK_WINDOW (self));
  }

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->case_view, "toast", G_CALLBACK (case_view_toast_cb), self,
                           G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  md_window_open_store (self);
  update_case_actions (self);
  gtk_window_set_focus (GTK_WINDOW (self), self->start_paste_button);
}

MdWindow *
md_window_new (MdApplication *application)
{
  MdWindow *self;
  MdWatch *watch;

  g_return_val_if_fail (MD_IS_APPLICATION (application), NULL);

  self = g_object_new (MD_TYPE_WINDOW,
                       "application", application,
                       NULL);
  watch = md_application_get_watch (application);
  md_watch_page_set_watch (self->watch_page, watch);
  /* A new listing opens a case through the watch's own connection to the
   * database: this window's store does not see it, so the list is re-read. */
  if (watch != NULL)
    g_signal_connect_object (watch, "listing-changed", G_CALLBACK (md_window_refresh_cases), self,
                             G_CONNECT_SWAPPED);

  return self;
}

MdCaseView *
md_window_get_case_view (MdWindow *self)
{
  g_return_val_if_fail (MD_IS_WINDOW (self), NULL);

  return self->case_view;
}

void
md_window_load_text (MdWindow   *self,
                     const char *text)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (MD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  bytes = g_bytes_new (text, strlen (text));
  md_window_load_input (self, bytes);
}

MdScanPage *
md_window_get_scan_page (MdWindow *self)
{
  g_return_val_if_fail (MD_IS_WINDOW (self), NULL);

  return self->scan_page;
}

/* The watch list page (its own widget) in the content area. */
void
md_window_show_watch (MdWindow *self)
{
  g_return_if_fail (MD_IS_WINDOW (self));

  show_page (self, "watch", _("Watch List"));
}

/* For the watch's notifications: the case may have been created a moment
 * ago through another connection to the database, so the list is read
 * again first. @section: NULL, or where to scroll ("request", "follow-up"). */
void
md_window_open_case (MdWindow   *self,
                     gint64      case_id,
                     const char *section)
{
  g_return_if_fail (MD_IS_WINDOW (self));

  if (self->store_opening)
    {
      self->pending_case_id = case_id;
      g_free (self->pending_section);
      self->pending_section = g_strdup (section);
      return;
    }
  if (self->store == NULL)
    return;

  md_window_refresh_cases (self);
  open_case (self, case_id, section);
}
