/* md-request-panel.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-request-panel-private.h"

/* The requests of a case: one per receiver that takes one (a switcher when
 * the text holds several), and the follow-up as a request of its own; the
 * draft of the one shown, built by the diagnosis and filled into the
 * editor with the user's edits over it. What the user edits and how it is
 * kept is in md-request-panel-edits.c; sending in md-request-panel-send.c. */

static void
request_free (Request *request)
{
  g_free (request->channel);
  g_free (request->key);
  g_free (request->label);
  g_free (request);
}

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (MdRequestPanel, md_request_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Confirmations only: what went wrong is shown in a dialog or the page. */
void
_md_request_panel_confirm (MdRequestPanel *self,
                           const char     *message)
{
  g_autoptr(AdwToast) toast = adw_toast_new (message);

  g_signal_emit (self, signals[TOAST], 0, toast);
}

/* A confirmation with "Undo" (for edits the panel replaced). */
void
_md_request_panel_confirm_undoable (MdRequestPanel *self,
                                    const char     *message)
{
  g_autoptr(AdwToast) toast = adw_toast_new (message);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "case.undo-reset");
  g_signal_emit (self, signals[TOAST], 0, toast);
}

void
_md_request_panel_show_error (MdRequestPanel *self,
                              const char     *heading,
                              const GError   *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error != NULL ? error->message : NULL);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

Request *
_md_request_panel_current_request (MdRequestPanel *self)
{
  if (self->requests->len == 0 || self->current >= self->requests->len)
    return NULL;

  return g_ptr_array_index (self->requests, self->current);
}

/* Requests */

static gboolean
has_channel (const MdExplanation *explanation)
{
  return explanation->channel_id != NULL &&
         (explanation->channel_kind == MD_CHANNEL_EMAIL ||
          explanation->channel_kind == MD_CHANNEL_PORTAL ||
          explanation->channel_kind == MD_CHANNEL_FORM);
}

static Request *
request_new (MdCaseSession *session,
             guint          index,
             const char    *channel,
             const char    *label)
{
  const MdExplanation *explanation = md_case_session_get_explanation (session, index);
  Request *request = g_new0 (Request, 1);

  request->index = index;
  request->channel = g_strdup (channel);
  request->key = g_strdup_printf ("%u:%s", index,
                                  channel != NULL ? channel : explanation->channel_id);
  request->label = g_strdup (label);

  return request;
}

static char *
receiver_label (MdCaseSession *session,
                guint          index)
{
  const MdRejection *rejection = md_case_session_get_rejection (session, index);
  const char *name = md_provider_display_name (rejection->provider);

  if (name != NULL)
    return g_strdup (name);
  if (rejection->remote_host != NULL)
    return g_strdup (rejection->remote_host);

  return g_strdup (_("Unknown receiver"));
}

/* Every rejection with a channel gets its request; two rejections that need
 * the same request (two recipients at Microsoft) share one. */
static void
fill_requests (MdRequestPanel *self)
{
  guint n = md_case_session_get_n_rejections (self->session);
  guint primary = md_case_session_get_primary_index (self->session);
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  g_autoptr(GtkStringList) model = NULL;

  g_ptr_array_set_size (self->requests, 0);
  self->current = 0;

  for (guint k = 0; k <= n; k++)
    {
      /* The primary first, then the others in their order. */
      guint i = k == 0 ? primary : k - 1;
      const MdExplanation *explanation;
      gboolean seen = FALSE;
      g_autofree char *label = NULL;

      if (k > 0 && i == primary)
        continue;
      if (i >= n)
        break;

      explanation = md_case_session_get_explanation (self->session, i);
      if (!has_channel (explanation))
        continue;
      for (guint j = 0; j < self->requests->len; j++)
        {
          Request *other = g_ptr_array_index (self->requests, j);
          const MdExplanation *their = md_case_session_get_explanation (self->session,
                                                                        other->index);

          if (g_strcmp0 (their->channel_id, explanation->channel_id) == 0)
            seen = TRUE;
        }
      if (seen)
        continue;

      label = receiver_label (self->session, i);
      g_ptr_array_add (self->requests, request_new (self->session, i, NULL, label));
    }

  for (guint i = 0; i < self->requests->len; i++)
    g_strv_builder_add (labels, ((Request *) g_ptr_array_index (self->requests, i))->label);
  strv = g_strv_builder_end (labels);
  model = gtk_string_list_new ((const char * const *) strv);

  self->filling = TRUE;
  gtk_drop_down_set_model (self->switcher, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->switcher, 0);
  self->filling = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->switcher), self->requests->len > 1);
}

static void
switcher_selected_cb (MdRequestPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->switcher);

  if (self->filling || selected == GTK_INVALID_LIST_POSITION || selected == self->current)
    return;

  md_request_panel_select_request (self, selected);
}

/* The draft */

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
set_button_visible (GtkWidget *button,
                    gboolean   visible)
{
  /* The flow box's child, not only the button: a hidden button in a
   * visible child leaves a gap and an empty focus stop. */
  gtk_widget_set_visible (button, visible);
  gtk_widget_set_visible (gtk_widget_get_parent (button), visible);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
fill_draft (MdRequestPanel *self)
{
  const MdDraft *draft = self->draft;
  Request *request = _md_request_panel_current_request (self);
  JsonObject *edit;
  g_autofree char *steps = NULL;

  clear_list (self->extras_list);
  gtk_widget_set_visible (GTK_WIDGET (self->extras_list), FALSE);
  gtk_widget_set_visible (self->back_button, request != NULL && request->channel != NULL);

  if (draft == NULL)
    {
      const MdExplanation *explanation =
        md_case_session_get_explanation (self->session,
                                         md_case_session_get_primary_index (self->session));
      g_autofree char *channel = md_explanation_describe_channel (explanation);

      adw_preferences_group_set_description (self->request_group, NULL);
      gtk_label_set_text (self->nothing_label, channel);
      gtk_widget_set_visible (GTK_WIDGET (self->nothing_label), TRUE);
      gtk_widget_set_visible (self->request_box, FALSE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->nothing_label), FALSE);
  gtk_widget_set_visible (self->request_box, TRUE);
  self->filling = TRUE;

  switch (draft->channel_kind)
    {
    case MD_CHANNEL_EMAIL:
      adw_preferences_group_set_description (self->request_group,
        draft->language != NULL && g_str_equal (draft->language, "de")
        ? _("A mail, written in German because this receiver reads German.")
        : _("A mail, written in English because this receiver reads English."));
      break;
    case MD_CHANNEL_PORTAL:
      adw_preferences_group_set_description (self->request_group,
        _("The receiver takes requests in its portal: paste these values there."));
      break;
    case MD_CHANNEL_FORM:
      adw_preferences_group_set_description (self->request_group,
        _("The receiver takes requests with a web form: paste these values there."));
      break;
    case MD_CHANNEL_NONE:
    case MD_CHANNEL_RECIPIENT:
    default:
      adw_preferences_group_set_description (self->request_group, NULL);
      break;
    }

  gtk_widget_set_visible (self->answer_list, md_request_is_follow_up (request));
  adw_combo_row_set_selected (self->answer_row, _md_request_panel_get_answer (self, request));

  _md_request_panel_fill_warnings (self);
  _md_request_panel_fill_steps (self);
  gtk_widget_set_visible (self->fixed_group, draft->body != NULL);

  steps = md_numbered_steps ((const char * const *) draft->steps);
  gtk_label_set_text (self->steps_label, steps);
  gtk_widget_set_visible (GTK_WIDGET (self->steps_label), steps[0] != '\0');

  edit = _md_request_panel_get_edit (self, request);
  set_entry (self->recipient_row, edit != NULL && draft->recipient != NULL
             ? json_object_get_string_member_with_default (edit, "recipient", draft->recipient)
             : draft->recipient);
  gtk_widget_set_visible (GTK_WIDGET (self->recipient_row), draft->recipient != NULL);
  set_entry (self->subject_line_row, edit != NULL && draft->subject != NULL
             ? json_object_get_string_member_with_default (edit, "subject", draft->subject)
             : draft->subject);
  gtk_widget_set_visible (GTK_WIDGET (self->subject_line_row), draft->subject != NULL);
  gtk_widget_set_visible (self->draft_list, draft->recipient != NULL || draft->subject != NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view),
                            edit != NULL
                            ? json_object_get_string_member_with_default (edit, "body", "")
                            : (draft->body ? draft->body : ""), -1);
  gtk_widget_set_visible (self->edited_label, edit != NULL);
  gtk_widget_set_visible (self->reset_button, edit != NULL);

  for (guint i = 0; draft->fields != NULL && i < draft->fields->len; i++)
    {
      const MdDraftField *field = g_ptr_array_index (draft->fields, i);

      gtk_list_box_append (self->extras_list, md_fact_row_new (field->label, field->value));
      gtk_widget_set_visible (GTK_WIDGET (self->extras_list), TRUE);
    }

  for (guint i = 0; draft->attachments != NULL && i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *attachment = g_ptr_array_index (draft->attachments, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("mail-attachment-symbolic");
      g_autofree char *size = g_format_size (g_bytes_get_size (attachment->data));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", attachment->content_type, size);
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), attachment->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Attachment"), -1);
      gtk_list_box_append (self->extras_list, row);
      gtk_widget_set_visible (GTK_WIDGET (self->extras_list), TRUE);
    }

  set_button_visible (self->open_mail_button, draft->recipient != NULL);
  set_button_visible (self->save_eml_button, draft->recipient != NULL);
  set_button_visible (GTK_WIDGET (self->open_url_button), draft->url != NULL);
  if (draft->url != NULL)
    gtk_button_set_label (self->open_url_button,
                          draft->channel_kind == MD_CHANNEL_PORTAL ? _("Open _Portal")
                                                                   : _("Open _Form"));
  gtk_widget_set_visible (gtk_widget_get_parent (self->reset_button),
                          gtk_widget_get_visible (self->reset_button));

  self->filling = FALSE;
}

/* The draft for the request shown: its rejection, the latest checks and the
 * steps the user took, drafted by the diagnosis like the CLI's. */
static MdDraft *
build_draft (MdRequestPanel  *self,
             Request         *request,
             GError         **error)
{
  g_autoptr(MdSenderProfile) profile = md_sender_profile_new_from_settings ();
  g_autoptr(MdDraftFacts) facts = md_draft_facts_new ();
  JsonArray *steps = _md_request_panel_steps_array (self);
  guint index = request != NULL ? request->index
                                : md_case_session_get_primary_index (self->session);

  md_draft_facts_add_checks (facts, md_case_session_get_checks (self->session));
  /* The domain the checks checked is the sending domain the request names. */
  if (md_case_session_get_checked_subject (self->session) != NULL &&
      md_case_session_get_checked_subject (self->session)->domain != NULL)
    md_draft_facts_add_domain (facts, md_case_session_get_checked_subject (self->session)->domain);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    md_draft_facts_add_remediation (facts, json_array_get_string_element (steps, i));

  return md_diagnosis_build_request (md_case_session_get_diagnosis (self->session), index,
                                     profile, facts, request != NULL ? request->channel : NULL,
                                     _md_request_panel_get_answer (self, request), error);
}

void
_md_request_panel_rebuild_draft (MdRequestPanel *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->draft, md_draft_free);
  if (self->session == NULL)
    return;

  if (_md_request_panel_current_request (self) != NULL)
    self->draft = build_draft (self, _md_request_panel_current_request (self), &error);

  fill_draft (self);

  /* Said where the request would be, after fill_draft() wrote what to do. */
  if (self->draft == NULL && error != NULL &&
      !g_error_matches (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_NO_CHANNEL))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", _("Could not prepare the request"),
                                                  error->message);
      gtk_label_set_text (self->nothing_label, message);
    }
}

static void
session_checks_finished_cb (MdRequestPanel *self)
{
  /* The request cites the check results: the template text follows them;
   * the user's edits stay. */
  _md_request_panel_flush_autosave (self);
  _md_request_panel_rebuild_draft (self);
}

/* GObject */

static void
md_request_panel_dispose (GObject *object)
{
  MdRequestPanel *self = MD_REQUEST_PANEL (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  md_request_panel_set_session (self, NULL);
  g_cancellable_cancel (self->state_cancellable);
  g_clear_object (&self->state_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_REQUEST_PANEL);
  /* The template's top box has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->handoff);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->draft, md_draft_free);
  g_clear_pointer (&self->state, json_object_unref);
  g_clear_pointer (&self->undo_edit, json_object_unref);
  g_clear_pointer (&self->undo_key, g_free);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->warning_rows, g_ptr_array_unref);
  g_clear_pointer (&self->step_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (md_request_panel_parent_class)->dispose (object);
}

static void
md_request_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MdRequestPanel *self = MD_REQUEST_PANEL (object);

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
md_request_panel_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MdRequestPanel *self = MD_REQUEST_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_request_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_request_panel_class_init (MdRequestPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_request_panel_dispose;
  object_class->get_property = md_request_panel_get_property;
  object_class->set_property = md_request_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A confirmation for the window to show (an AdwToast). */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-request-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, request_group);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, switcher);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, back_button);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, nothing_label);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, request_box);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, warnings_list);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, warnings_row);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, steps_label);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, fixed_group);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, fixed_list);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, add_step_row);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, answer_list);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, answer_row);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, draft_list);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, recipient_row);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, subject_line_row);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, body_view);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, edited_label);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, extras_list);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, request_buttons);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, open_mail_button);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, open_url_button);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, save_eml_button);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, copy_button);
  gtk_widget_class_bind_template_child (widget_class, MdRequestPanel, reset_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "add_step_cb",
                                                G_CALLBACK (_md_request_panel_add_step_cb));
}

static void
md_request_panel_init (MdRequestPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  md_expander_row_lay_out_when_open (self->warnings_row);

  self->cancellable = g_cancellable_new ();
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  self->warning_rows = g_ptr_array_new ();
  self->step_rows = g_ptr_array_new ();
  self->state = json_object_new ();

  {
    g_autoptr(GtkStringList) answers = gtk_string_list_new (NULL);

    /* The engine's words for the answers, in its order. */
    for (MdFollowUpAnswer answer = 0; answer < MD_FOLLOW_UP_N_ANSWERS; answer++)
      gtk_string_list_append (answers, md_follow_up_answer_get_label (answer));
    adw_combo_row_set_model (self->answer_row, G_LIST_MODEL (answers));
  }

  /* The flow box's children are layout, not controls: no focus stop. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->request_buttons));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);

  self->session_signals = g_signal_group_new (MD_TYPE_CASE_SESSION);
  g_signal_group_connect_object (self->session_signals, "checks-finished",
                                 G_CALLBACK (session_checks_finished_cb), self,
                                 G_CONNECT_SWAPPED);

  g_signal_connect_object (self->switcher, "notify::selected",
                           G_CALLBACK (switcher_selected_cb), self, G_CONNECT_SWAPPED);
  _md_request_panel_edits_init (self);
}

/* Public API */

MdCaseSession *
md_request_panel_get_session (MdRequestPanel *self)
{
  g_return_val_if_fail (MD_IS_REQUEST_PANEL (self), NULL);

  return self->session;
}

void
md_request_panel_set_session (MdRequestPanel *self,
                              MdCaseSession  *session)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));
  g_return_if_fail (!session || MD_IS_CASE_SESSION (session));

  if (self->session == session)
    return;

  /* What was typed into the case being left is kept. */
  _md_request_panel_flush_autosave (self);
  g_clear_object (&self->handoff);
  g_clear_pointer (&self->undo_edit, json_object_unref);
  g_clear_pointer (&self->undo_key, g_free);

  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  _md_request_panel_load_state (self);
  g_ptr_array_set_size (self->requests, 0);

  if (session != NULL)
    {
      fill_requests (self);
      _md_request_panel_rebuild_draft (self);
    }
  else
    {
      g_clear_pointer (&self->draft, md_draft_free);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

guint
md_request_panel_get_n_requests (MdRequestPanel *self)
{
  g_return_val_if_fail (MD_IS_REQUEST_PANEL (self), 0);

  return self->requests->len;
}

void
md_request_panel_select_request (MdRequestPanel *self,
                                 guint           position)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (position >= self->requests->len)
    return;

  _md_request_panel_flush_autosave (self);
  self->current = position;
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->switcher, position);
  self->filling = FALSE;
  _md_request_panel_rebuild_draft (self);
}

/* Drafts the request for @channel (a template id, e.g. "microsoft-follow-up"
 * for a "Not qualified for mitigation" answer) as a request of its own;
 * NULL goes back to the first request. */
void
md_request_panel_set_channel (MdRequestPanel *self,
                              const char     *channel)
{
  guint primary;
  g_autoptr(GtkStringList) model = NULL;

  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (self->session == NULL)
    return;

  if (channel == NULL)
    {
      md_request_panel_select_request (self, 0);
      return;
    }

  for (guint i = 0; i < self->requests->len; i++)
    if (g_strcmp0 (((Request *) g_ptr_array_index (self->requests, i))->channel, channel) == 0)
      {
        md_request_panel_select_request (self, i);
        return;
      }

  primary = md_case_session_get_primary_index (self->session);
  g_ptr_array_add (self->requests,
                   request_new (self->session, primary, channel,
                                g_str_equal (channel, "microsoft-follow-up")
                                ? _("Follow-up Reply") : channel));
  model = GTK_STRING_LIST (g_object_ref (gtk_drop_down_get_model (self->switcher)));
  gtk_string_list_append (model,
                          ((Request *) g_ptr_array_index (self->requests,
                                                          self->requests->len - 1))->label);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher), self->requests->len > 1);
  md_request_panel_select_request (self, self->requests->len - 1);
}

MdDraft *
md_request_panel_dup_draft (MdRequestPanel *self)
{
  g_autoptr(MdDraft) draft = NULL;

  g_return_val_if_fail (MD_IS_REQUEST_PANEL (self), NULL);

  if (self->draft == NULL)
    return NULL;

  draft = md_draft_copy (self->draft);
  g_free (draft->body);
  draft->body = _md_request_panel_buffer_text (self->body_view);
  if (draft->recipient != NULL)
    {
      const char *recipient = gtk_editable_get_text (GTK_EDITABLE (self->recipient_row));

      g_free (draft->recipient);
      draft->recipient = g_strstrip (g_strdup (recipient));
    }
  if (draft->subject != NULL)
    {
      g_free (draft->subject);
      draft->subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_line_row)));
    }

  return g_steal_pointer (&draft);
}

/* The button a user presses next: send, open the form, or copy. */
GtkWidget *
md_request_panel_get_primary_action (MdRequestPanel *self)
{
  g_return_val_if_fail (MD_IS_REQUEST_PANEL (self), NULL);

  if (gtk_widget_get_visible (self->open_mail_button))
    return self->open_mail_button;
  if (gtk_widget_get_visible (GTK_WIDGET (self->open_url_button)))
    return GTK_WIDGET (self->open_url_button);

  return self->copy_button;
}
