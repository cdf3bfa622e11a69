/* md-follow-up-panel.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-follow-up-panel.h"
#include "md-probe-panel.h"

/* What happened since: the case's status, its timeline, the test from the
 * user's own server (MdProbePanel: is the block lifted?) and the notes
 * (saved as they are typed). Follows its session through a signal group;
 * the probe panel follows this panel's session through a binding. */
struct _MdFollowUpPanel
{
  GtkWidget        parent_instance;

  /* Owned */
  MdCaseSession   *session;
  GSignalGroup    *session_signals;
  GPtrArray       *timeline_rows;  /* rows in timeline_row, owned by it */
  GCancellable    *timeline_cancellable;  /* the read being shown; a newer one cancels it */
  GCancellable    *notes_cancellable;     /* reading the notes of the case just opened */
  guint            notes_save_id;
  gboolean         filling;        /* the panel, not the user, changes the widgets */
  gboolean         notes_typed;    /* the user typed before the stored notes arrived */

  /* Template widgets */
  AdwComboRow     *status_row;
  AdwExpanderRow  *timeline_row;
  MdProbePanel    *probe_panel;
  GtkTextView     *notes_view;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdFollowUpPanel, md_follow_up_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static char *
format_event_time (GDateTime *timestamp)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (timestamp);

  /* Translators: date and time of a timeline entry, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
show_timeline (MdFollowUpPanel *self,
               GPtrArray       *events,
               const GError    *error)
{
  for (guint i = 0; i < self->timeline_rows->len; i++)
    adw_expander_row_remove (self->timeline_row, g_ptr_array_index (self->timeline_rows, i));
  g_ptr_array_set_size (self->timeline_rows, 0);

  if (events == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_expander_row_set_subtitle (self->timeline_row, escaped);
      return;
    }

  for (guint i = 0; i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = format_event_time (event->timestamp);
      g_autofree char *subtitle = NULL;

      /* A draft's detail is its template id ("microsoft-delist-mail"): an
       * internal name, not for the user. Addresses and files are shown. */
      if (event->detail != NULL && event->detail[0] != '\0' &&
          event->kind != MD_CASE_EVENT_DRAFT_CREATED)
        subtitle = g_markup_printf_escaped ("%s · %s", when, event->detail);
      else
        subtitle = g_markup_escape_text (when, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     md_case_event_kind_get_label (event->kind));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_expander_row_add_row (self->timeline_row, row);
      g_ptr_array_add (self->timeline_rows, row);
    }

  {
    g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry",
                                                           "%u entries", events->len),
                                              events->len);
    adw_expander_row_set_subtitle (self->timeline_row, count);
  }
}

static void
status_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdFollowUpPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCase) record = NULL;

  record = md_case_session_dup_case_finish (MD_CASE_SESSION (object), result, &error);
  /* Superseded by a newer read (or the panel moved on): that one shows. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (record == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_expander_row_set_subtitle (self->timeline_row, escaped);
      return;
    }

  self->filling = TRUE;
  adw_combo_row_set_selected (self->status_row, record->status);
  self->filling = FALSE;
}

static void
timeline_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MdFollowUpPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  events = md_case_session_list_events_finish (MD_CASE_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_timeline (self, events, error);
}

/* Reads the timeline and the status on the store's writer thread: after
 * the writes asked for before, so they show what was just done. */
static void
fill_timeline (MdFollowUpPanel *self)
{
  g_cancellable_cancel (self->timeline_cancellable);
  g_clear_object (&self->timeline_cancellable);
  if (self->session == NULL)
    return;

  self->timeline_cancellable = g_cancellable_new ();
  md_case_session_list_events_async (self->session, self->timeline_cancellable,
                                     timeline_read_cb, g_object_ref (self));
  md_case_session_dup_case_async (self->session, self->timeline_cancellable,
                                  status_read_cb, g_object_ref (self));
}

static void
show_write_error (MdFollowUpPanel *self,
                  const GError    *error)
{
  g_autofree char *escaped = NULL;

  /* The write ended after the panel went (the window was closed). */
  if (self->timeline_row == NULL)
    {
      g_warning ("Could not save the case: %s", error->message);
      return;
    }

  escaped = g_markup_escape_text (error->message, -1);

  adw_expander_row_set_subtitle (self->timeline_row, escaped);
}

static void
status_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdFollowUpPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_case_session_set_status_finish (MD_CASE_SESSION (object), result, NULL, &error))
    show_write_error (self, error);
}

static void
notes_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MdFollowUpPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_case_session_set_notes_finish (MD_CASE_SESSION (object), result, &error))
    show_write_error (self, error);
}

static void
status_selected_cb (MdFollowUpPanel *self)
{
  guint selected = adw_combo_row_get_selected (self->status_row);

  if (self->filling || self->session == NULL || selected > MD_CASE_STATUS_CLOSED)
    return;

  md_case_session_set_status_async (self->session, selected, NULL, status_written_cb,
                                    g_object_ref (self));
}

static void
save_notes (MdFollowUpPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  g_autofree char *notes = NULL;
  GtkTextIter start, end;

  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  if (self->session == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  /* Not cancelled when the case is left: what was typed is kept. The
   * session holds its case until the write is done. */
  md_case_session_set_notes_async (self->session, notes, NULL, notes_written_cb,
                                   g_object_ref (self));
}

static gboolean
save_notes_timeout_cb (gpointer user_data)
{
  MdFollowUpPanel *self = user_data;

  self->notes_save_id = 0;
  save_notes (self);

  return G_SOURCE_REMOVE;
}

static void
notes_changed_cb (MdFollowUpPanel *self)
{
  if (self->filling)
    return;

  self->notes_typed = TRUE;
  /* Saved a moment after the typing stops, and when the case is left. */
  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  self->notes_save_id = g_timeout_add (800, save_notes_timeout_cb, self);
}

static void
notes_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MdFollowUpPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCase) record = NULL;

  record = md_case_session_dup_case_finish (MD_CASE_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (record == NULL)
    {
      show_write_error (self, error);
      return;
    }

  /* What the user typed meanwhile wins: it is saved over the stored notes. */
  if (self->notes_typed)
    return;

  self->filling = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), record->notes, -1);
  self->filling = FALSE;
}

static void
fill_notes (MdFollowUpPanel *self)
{
  g_cancellable_cancel (self->notes_cancellable);
  g_clear_object (&self->notes_cancellable);

  /* Empty until the case's notes arrive, not the last case's. */
  self->notes_typed = FALSE;
  self->filling = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), "", -1);
  self->filling = FALSE;
  if (self->session == NULL)
    return;

  self->notes_cancellable = g_cancellable_new ();
  md_case_session_dup_case_async (self->session, self->notes_cancellable, notes_read_cb,
                                  g_object_ref (self));
}

static void
md_follow_up_panel_dispose (GObject *object)
{
  MdFollowUpPanel *self = MD_FOLLOW_UP_PANEL (object);
  GtkWidget *child;

  md_follow_up_panel_set_session (self, NULL);
  g_cancellable_cancel (self->timeline_cancellable);
  g_clear_object (&self->timeline_cancellable);
  g_cancellable_cancel (self->notes_cancellable);
  g_clear_object (&self->notes_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_FOLLOW_UP_PANEL);
  /* The template's top box has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session_signals);
  g_clear_pointer (&self->timeline_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (md_follow_up_panel_parent_class)->dispose (object);
}

static void
md_follow_up_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MdFollowUpPanel *self = MD_FOLLOW_UP_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_follow_up_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MdFollowUpPanel *self = MD_FOLLOW_UP_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_follow_up_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_follow_up_panel_class_init (MdFollowUpPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_follow_up_panel_dispose;
  object_class->get_property = md_follow_up_panel_get_property;
  object_class->set_property = md_follow_up_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MD_TYPE_PROBE_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-follow-up-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MdFollowUpPanel, status_row);
  gtk_widget_class_bind_template_child (widget_class, MdFollowUpPanel, timeline_row);
  gtk_widget_class_bind_template_child (widget_class, MdFollowUpPanel, probe_panel);
  gtk_widget_class_bind_template_child (widget_class, MdFollowUpPanel, notes_view);
}

static void
md_follow_up_panel_init (MdFollowUpPanel *self)
{
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  md_expander_row_lay_out_when_open (self->timeline_row);

  self->timeline_rows = g_ptr_array_new ();
  g_object_bind_property (self, "session", self->probe_panel, "session", G_BINDING_SYNC_CREATE);

  /* The engine's names for the statuses: one name each, everywhere. */
  for (MdCaseStatus status = MD_CASE_STATUS_OPEN; status <= MD_CASE_STATUS_CLOSED; status++)
    gtk_string_list_append (statuses, md_case_status_get_label (status));
  adw_combo_row_set_model (self->status_row, G_LIST_MODEL (statuses));

  self->session_signals = g_signal_group_new (MD_TYPE_CASE_SESSION);
  g_signal_group_connect_object (self->session_signals, "case-changed",
                                 G_CALLBACK (fill_timeline), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (notes_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->status_row, "notify::selected",
                           G_CALLBACK (status_selected_cb), self, G_CONNECT_SWAPPED);
}

MdCaseSession *
md_follow_up_panel_get_session (MdFollowUpPanel *self)
{
  g_return_val_if_fail (MD_IS_FOLLOW_UP_PANEL (self), NULL);

  return self->session;
}

void
md_follow_up_panel_set_session (MdFollowUpPanel *self,
                                MdCaseSession   *session)
{
  g_return_if_fail (MD_IS_FOLLOW_UP_PANEL (self));
  g_return_if_fail (!session || MD_IS_CASE_SESSION (session));

  if (self->session == session)
    return;

  /* The notes typed into the case being left are kept. */
  if (self->notes_save_id != 0)
    save_notes (self);

  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  fill_timeline (self);
  fill_notes (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
