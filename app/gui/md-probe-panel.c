/* md-probe-panel.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-probe.h"
#include "md-probe-panel.h"

/* "Is the block lifted?" for one case: the command to run on the mail
 * server (the desktop cannot test from the blocked IP), and what its
 * transcript says, recorded in the case's timeline. */
struct _MdProbePanel
{
  AdwBin          parent_instance;

  /* Owned */
  MdCaseSession  *session;
  char           *command;
  MdCaseStatus    status_before;

  /* Template widgets */
  AdwComboRow    *tool_row;
  GtkLabel       *command_label;
  GtkTextView    *transcript_view;
  GtkListBox     *result_list;
  AdwActionRow   *result_row;
  GtkImage       *result_icon;
  GtkButton      *delisted_button;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdProbePanel, md_probe_panel, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
update_command (MdProbePanel *self)
{
  g_autoptr(GError) error = NULL;
  MdProbeTarget target = { 0, };
  MdProbeTool tool = (MdProbeTool) adw_combo_row_get_selected (self->tool_row);

  g_clear_pointer (&self->command, g_free);

  if (self->session != NULL && md_case_session_get_n_rejections (self->session) > 0)
    {
      guint primary = md_case_session_get_primary_index (self->session);
      const MdRejection *rejection = md_case_session_get_rejection (self->session, primary);

      target.recipient = rejection->recipient;
      target.server = rejection->remote_host;
    }

  if (target.recipient == NULL)
    g_set_error_literal (&error, MD_PROBE_ERROR, MD_PROBE_ERROR_INVALID_VALUE,
                         _("The rejection names no recipient to test with."));
  else
    self->command = md_probe_command_new (tool, &target, &error);

  gtk_label_set_text (self->command_label, self->command != NULL ? self->command : error->message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.copy-command", self->command != NULL);
}

static void
tool_changed_cb (MdProbePanel *self)
{
  update_command (self);
}

static void
copy_command_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MdProbePanel *self = MD_PROBE_PANEL (widget);

  if (self->command != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->command);
}

static void
show_toast (MdProbePanel *self,
            AdwToast     *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* The writes end after the panel may have moved on: a toast still says
 * what failed, in the window that asked for it. */
static void
probe_recorded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdProbePanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_case_session_record_finish (MD_CASE_SESSION (object), result, &error))
    show_toast (self, adw_toast_new (error->message));
}

static void
read_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdProbePanel *self = MD_PROBE_PANEL (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->transcript_view);
  g_autoptr(MdProbeOutcome) outcome = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  GtkTextIter start, end;
  const char *icon, *css;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  outcome = md_probe_read_transcript (text);
  summary = md_probe_outcome_describe (outcome);

  switch (outcome->kind)
    {
    case MD_PROBE_OUTCOME_ACCEPTED: icon = "emblem-ok-symbolic"; css = "success"; break;
    case MD_PROBE_OUTCOME_REJECTED: icon = "dialog-error-symbolic"; css = "error"; break;
    case MD_PROBE_OUTCOME_UNDECIDED:
    default:                        icon = "dialog-question-symbolic"; css = "dim-label"; break;
    }
  gtk_image_set_from_icon_name (self->result_icon, icon);
  gtk_widget_set_css_classes (GTK_WIDGET (self->result_icon), (const char *[]) { css, NULL });
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->result_row), summary);
  /* The reply is the receiver's text: shown as plain text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->result_row), FALSE);
  adw_action_row_set_subtitle (self->result_row, outcome->reply != NULL ? outcome->reply : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_list), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->delisted_button),
                          outcome->kind == MD_PROBE_OUTCOME_ACCEPTED && self->session != NULL);

  /* "Could not decide" is no news for the timeline. */
  if (self->session != NULL && outcome->kind != MD_PROBE_OUTCOME_UNDECIDED)
    md_case_session_record_async (self->session,
                                  outcome->kind == MD_PROBE_OUTCOME_ACCEPTED
                                    ? MD_CASE_EVENT_PROBE_ACCEPTED : MD_CASE_EVENT_PROBE_REJECTED,
                                  summary, NULL, probe_recorded_cb, g_object_ref (self));
}

static void
marked_delisted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MdCaseSession *session = MD_CASE_SESSION (object);
  g_autoptr(MdProbePanel) self = user_data;
  g_autoptr(GError) error = NULL;
  MdCaseStatus previous;
  AdwToast *toast;

  if (!md_case_session_set_status_finish (session, result, &previous, &error))
    {
      show_toast (self, adw_toast_new (error->message));
      return;
    }

  /* The panel shows another case by now: its undo would be for the wrong one. */
  if (session != self->session)
    return;

  /* The status it had in the store, read in the same transaction that set
   * the new one: what "Undo" goes back to. */
  self->status_before = previous;
  gtk_widget_set_visible (GTK_WIDGET (self->delisted_button), FALSE);
  toast = adw_toast_new (_("Marked as delisted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "probe.undo-status");
  show_toast (self, toast);
}

static void
mark_delisted_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MdProbePanel *self = MD_PROBE_PANEL (widget);

  if (self->session == NULL)
    return;

  md_case_session_set_status_async (self->session, MD_CASE_STATUS_DELISTED, NULL,
                                    marked_delisted_cb, g_object_ref (self));
}

static void
status_undone_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MdCaseSession *session = MD_CASE_SESSION (object);
  g_autoptr(MdProbePanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_case_session_set_status_finish (session, result, NULL, &error))
    show_toast (self, adw_toast_new (error->message));
  else if (session == self->session)
    gtk_widget_set_visible (GTK_WIDGET (self->delisted_button), TRUE);
}

static void
undo_status_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MdProbePanel *self = MD_PROBE_PANEL (widget);

  if (self->session == NULL)
    return;

  md_case_session_set_status_async (self->session, self->status_before, NULL,
                                    status_undone_cb, g_object_ref (self));
}

static void
md_probe_panel_dispose (GObject *object)
{
  MdProbePanel *self = MD_PROBE_PANEL (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_PROBE_PANEL);

  G_OBJECT_CLASS (md_probe_panel_parent_class)->dispose (object);
}

static void
md_probe_panel_finalize (GObject *object)
{
  MdProbePanel *self = MD_PROBE_PANEL (object);

  g_free (self->command);

  G_OBJECT_CLASS (md_probe_panel_parent_class)->finalize (object);
}

static void
md_probe_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MdProbePanel *self = MD_PROBE_PANEL (object);

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
md_probe_panel_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MdProbePanel *self = MD_PROBE_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_probe_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_probe_panel_class_init (MdProbePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_probe_panel_dispose;
  object_class->finalize = md_probe_panel_finalize;
  object_class->get_property = md_probe_panel_get_property;
  object_class->set_property = md_probe_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-probe-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, tool_row);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, command_label);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, result_list);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, result_row);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, result_icon);
  gtk_widget_class_bind_template_child (widget_class, MdProbePanel, delisted_button);
  gtk_widget_class_bind_template_callback (widget_class, tool_changed_cb);

  gtk_widget_class_install_action (widget_class, "probe.copy-command", NULL, copy_command_action);
  gtk_widget_class_install_action (widget_class, "probe.read-result", NULL, read_result_action);
  gtk_widget_class_install_action (widget_class, "probe.mark-delisted", NULL,
                                   mark_delisted_action);
  gtk_widget_class_install_action (widget_class, "probe.undo-status", NULL, undo_status_action);
}

static void
md_probe_panel_init (MdProbePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_command (self);
}

GtkWidget *
md_probe_panel_new (void)
{
  return g_object_new (MD_TYPE_PROBE_PANEL, NULL);
}

MdCaseSession *
md_probe_panel_get_session (MdProbePanel *self)
{
  g_return_val_if_fail (MD_IS_PROBE_PANEL (self), NULL);

  return self->session;
}

void
md_probe_panel_set_session (MdProbePanel  *self,
                            MdCaseSession *session)
{
  g_return_if_fail (MD_IS_PROBE_PANEL (self));
  g_return_if_fail (session == NULL || MD_IS_CASE_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->transcript_view), "", 0);
  gtk_widget_set_visible (GTK_WIDGET (self->result_list), FALSE);
  update_command (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
