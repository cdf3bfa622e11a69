/* md-window.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window: the sidebar of cases (searched, opened, deleted with
 * Undo), the case shown and its status, the pages (start, loading, nothing
 * recognised, log report, watch list) and the database they all read, opened
 * off the main thread. How a text comes in is md-window-input.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-row.h"
#include "md-window-private.h"

G_DEFINE_FINAL_TYPE (MdWindow, md_window, ADW_TYPE_APPLICATION_WINDOW)

/* What went wrong is said in a dialog that stays until it is read, not in
 * a toast that is cut off and gone after five seconds; toasts are for
 * confirmations. */
void
_md_window_alert (MdWindow   *self,
                  const char *heading,
                  const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_md_window_toast (MdWindow   *self,
                  const char *message)
{
  _md_window_alert (self, _("Something Went Wrong"), message);
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
        _md_window_toast (self, error->message);
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
void
_md_window_refresh_cases (MdWindow *self)
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
  _md_window_update_case_actions (self);
}

static void
store_changed_cb (MdWindow     *self,
                  gint64        case_id,
                  MdCaseChange  change,
                  MdCaseStore  *store)
{
  _md_window_refresh_cases (self);

  if (change == MD_CASE_CHANGE_UPDATED && case_id == current_case_id (self))
    md_case_store_get_case_async (store, case_id, self->cancellable, shown_case_read_cb,
                                  g_object_ref (self));
}

static void
search_changed_cb (MdWindow *self)
{
  _md_window_refresh_cases (self);
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

void
_md_window_update_case_actions (MdWindow *self)
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

void
_md_window_show_session (MdWindow      *self,
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

  _md_window_update_case_actions (self);
}

/* A case is being read (a paste, a file, a stored case, a log group): it
 * replaces the one shown — leaving a case ends its work — and the loading
 * page shows until it is ready. The previous read is cancelled. */
void
_md_window_begin_loading (MdWindow *self,
                          gboolean  navigate)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  md_case_view_set_session (self->case_view, NULL);
  _md_window_update_case_actions (self);
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
          _md_window_show_session (self, NULL);
          _md_window_toast (self, error->message);
        }
      open_case_free (data);
      return;
    }

  gtk_spinner_stop (self->loading_spinner);
  _md_window_show_session (self, session);
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

  _md_window_begin_loading (self, TRUE);

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

/* A page of its own in the content area (the mail log report, the watch
 * list): leaving a case ends its work, as for a new case; the page stays. */
static void
show_page (MdWindow   *self,
           const char *name,
           const char *title)
{
  _md_window_show_session (self, NULL);
  adw_window_title_set_title (self->window_title, title);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
_md_window_show_scan_page (MdWindow *self)
{
  show_page (self, "scan", _("Mail Logs"));
}

static void
new_case_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MdWindow *self = MD_WINDOW (widget);

  _md_window_show_session (self, NULL);
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
void
_md_window_case_written_cb (GObject      *object,
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
    _md_window_toast (self, error->message);
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

  md_case_session_set_status_async (session, status, NULL, _md_window_case_written_cb, g_object_ref (self));
}

static void
set_status (MdWindow     *self,
            MdCaseStatus  status)
{
  MdCaseSession *session = md_case_view_get_session (self->case_view);

  if (session != NULL)
    md_case_session_set_status_async (session, status, NULL, _md_window_case_written_cb,
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
      _md_window_toast (self, error->message);
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
      _md_window_toast (self, error->message);
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
  _md_window_show_session (self, NULL);

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

  self->store = md_application_get_store_finish (MD_APPLICATION (object), result, &error);
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
      _md_window_show_session (self, NULL);
      /* Translators: %s says why */
      message = g_strdup_printf (_("Cases cannot be saved: %s"), error->message);
      _md_window_toast (self, message);
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
  _md_window_refresh_cases (self);

  if (pending_input != NULL)
    _md_window_load_input (self, pending_input);
  else if (pending_case_id != 0)
    md_window_open_case (self, pending_case_id, pending_section);
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

  gtk_widget_class_install_action (widget_class, "win.new-case", NULL, new_case_action);
  _md_window_input_class_init (widget_class);
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

  _md_window_input_init (self);

  /* The store comes from the application (md_window_new()). */
  self->store_opening = TRUE;
  _md_window_update_case_actions (self);
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
  /* The app's one store (the watch's too): a case the watch opens for a new
   * listing reaches the sidebar through the store's "changed". Opening it
   * may migrate the schema or, after an unclean end, check the database:
   * on the store's own thread. */
  md_application_get_store_async (application, self->cancellable, store_opened_cb,
                                  g_object_ref (self));
  watch = md_application_get_watch (application);
  md_watch_page_set_watch (self->watch_page, watch);

  return self;
}

MdCaseView *
md_window_get_case_view (MdWindow *self)
{
  g_return_val_if_fail (MD_IS_WINDOW (self), NULL);

  return self->case_view;
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

  _md_window_refresh_cases (self);
  open_case (self, case_id, section);
}
