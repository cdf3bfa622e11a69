/* md-request-panel-edits.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-request-panel-private.h"

/* What the user changes in a request, and how it is kept. The text the user
 * edits is part of the case: saved as it is typed
 * (md_case_store_set_request_edits(), a JSON object this file defines:
 * {"steps": [...], "edits": {KEY: {"recipient", "subject", "body"}},
 * "answers": {KEY: "none"}} — what Microsoft answered, for the follow-up,
 * as md_follow_up_answer_to_string() writes it),
 * restored when the case is opened again, and written anew from the
 * template only on "Reset to Template" or another answer, which can be
 * undone. */

#define AUTOSAVE_DELAY_MS 600

static JsonObject *
edits_object (MdRequestPanel *self)
{
  if (!json_object_has_member (self->state, "edits"))
    json_object_set_object_member (self->state, "edits", json_object_new ());

  return json_object_get_object_member (self->state, "edits");
}

static JsonObject *
answers_object (MdRequestPanel *self)
{
  if (!json_object_has_member (self->state, "answers"))
    json_object_set_object_member (self->state, "answers", json_object_new ());

  return json_object_get_object_member (self->state, "answers");
}

/* What the user made of @request's text, or NULL: the template's. */
JsonObject *
_md_request_panel_get_edit (MdRequestPanel *self,
                            const Request  *request)
{
  if (request == NULL || !json_object_has_member (edits_object (self), request->key))
    return NULL;

  return json_object_get_object_member (edits_object (self), request->key);
}

/* Drops the edits of @request, kept for "Undo"; FALSE when there were none. */
static gboolean
drop_edit (MdRequestPanel *self,
           const Request  *request)
{
  JsonObject *edit = _md_request_panel_get_edit (self, request);

  if (edit == NULL)
    return FALSE;

  g_clear_pointer (&self->undo_edit, json_object_unref);
  g_free (self->undo_key);
  self->undo_key = g_strdup (request->key);
  self->undo_edit = json_object_ref (edit);
  json_object_remove_member (edits_object (self), request->key);

  return TRUE;
}

/* What the user said Microsoft answered; UNKNOWN (the mail claims no
 * answer) until they say. */
MdFollowUpAnswer
_md_request_panel_get_answer (MdRequestPanel *self,
                              const Request  *request)
{
  MdFollowUpAnswer answer = MD_FOLLOW_UP_ANSWER_UNKNOWN;
  JsonObject *answers;

  if (!md_request_is_follow_up (request))
    return MD_FOLLOW_UP_ANSWER_UNKNOWN;

  answers = answers_object (self);
  if (json_object_has_member (answers, request->key) &&
      !md_follow_up_answer_from_string (json_object_get_string_member (answers, request->key),
                                        &answer))
    answer = MD_FOLLOW_UP_ANSWER_UNKNOWN;

  return answer;
}

JsonArray *
_md_request_panel_steps_array (MdRequestPanel *self)
{
  if (!json_object_has_member (self->state, "steps"))
    json_object_set_array_member (self->state, "steps", json_array_new ());

  return json_object_get_array_member (self->state, "steps");
}

static void
state_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_case_store_set_request_edits_finish (MD_CASE_STORE (object), result, &error))
    _md_request_panel_show_error (self, _("Could Not Save the Request"), error);
}

/* On the store's writer thread, after the writes asked for before: the
 * last autosave of a case is the one that stays. Not cancelled when the
 * case is left, so what was typed is kept. */
static void
save_state (MdRequestPanel *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;

  json_node_set_object (node, self->state);
  text = json_to_string (node, FALSE);
  md_case_store_set_request_edits_async (md_case_session_get_store (self->session),
                                         md_case_session_get_case_id (self->session),
                                         text, NULL, state_saved_cb, g_object_ref (self));
}

/* Looking at the state adds its empty members ("steps": [], "edits": {}):
 * those are not the user's changes. */
static gboolean
is_empty_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;

  return JSON_NODE_HOLDS_NULL (node);
}

static gboolean
is_empty_state (JsonObject *state)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, state);
  while (json_object_iter_next (&iter, &name, &node))
    if (!is_empty_node (node))
      return FALSE;

  return TRUE;
}

/* Adds to @current what only @stored has: the edits of the other requests
 * and the answers given, when the user changed the case before its saved
 * edits arrived (their own changes win). */
static void
merge_state (JsonObject *current,
             JsonObject *stored)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, stored);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonNode *mine = json_object_get_member (current, name);

      if (mine == NULL || is_empty_node (mine))
        {
          json_object_set_member (current, name, json_node_copy (node));
        }
      else if (JSON_NODE_HOLDS_OBJECT (mine) && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *into = json_node_get_object (mine);
          JsonObjectIter inner;
          const char *key;
          JsonNode *value;

          json_object_iter_init (&inner, json_node_get_object (node));
          while (json_object_iter_next (&inner, &key, &value))
            if (!json_object_has_member (into, key))
              json_object_set_member (into, key, json_node_copy (value));
        }
    }
}

static void
state_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MdRequestPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;

  text = md_case_store_dup_request_edits_finish (MD_CASE_STORE (object), result, &error);
  /* Another case was opened meanwhile: its own read answers. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Edits that cannot be read (none yet, the case gone, text from a damaged
   * row) leave the template's text: the request is still there to send. */
  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  if (is_empty_state (self->state))
    {
      g_clear_pointer (&self->state, json_object_unref);
      self->state = json_object_ref (json_node_get_object (node));
      _md_request_panel_rebuild_draft (self);
    }
  else
    {
      merge_state (self->state, json_node_get_object (node));
    }
}

/* The panel shows the template's text at once and the user's saved edits
 * when they arrive from the store's writer thread (a moment later). */
void
_md_request_panel_load_state (MdRequestPanel *self)
{
  g_cancellable_cancel (self->state_cancellable);
  g_clear_object (&self->state_cancellable);

  g_clear_pointer (&self->state, json_object_unref);
  self->state = json_object_new ();
  if (self->session == NULL)
    return;

  self->state_cancellable = g_cancellable_new ();
  md_case_store_dup_request_edits_async (md_case_session_get_store (self->session),
                                         md_case_session_get_case_id (self->session),
                                         self->state_cancellable, state_read_cb,
                                         g_object_ref (self));
}

char *
_md_request_panel_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Takes what the editor shows into the state. */
static void
capture_edits (MdRequestPanel *self)
{
  Request *request = _md_request_panel_current_request (self);
  JsonObject *edit;
  g_autofree char *body = NULL;

  if (request == NULL || self->draft == NULL)
    return;

  edit = json_object_new ();
  body = _md_request_panel_buffer_text (self->body_view);
  json_object_set_string_member (edit, "recipient",
                                 gtk_editable_get_text (GTK_EDITABLE (self->recipient_row)));
  json_object_set_string_member (edit, "subject",
                                 gtk_editable_get_text (GTK_EDITABLE (self->subject_line_row)));
  json_object_set_string_member (edit, "body", body);
  json_object_set_object_member (edits_object (self), request->key, edit);
}

void
_md_request_panel_flush_autosave (MdRequestPanel *self)
{
  if (self->autosave_id == 0)
    return;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  capture_edits (self);
  save_state (self);
}

static gboolean
autosave_timeout_cb (gpointer user_data)
{
  MdRequestPanel *self = user_data;

  self->autosave_id = 0;
  capture_edits (self);
  save_state (self);

  return G_SOURCE_REMOVE;
}

static void
draft_changed_cb (MdRequestPanel *self)
{
  if (self->filling || self->session == NULL)
    return;

  gtk_widget_set_visible (self->reset_button, TRUE);
  /* Saved a moment after the typing stops, and when the case is left. */
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add (AUTOSAVE_DELAY_MS, autosave_timeout_cb, self);
}

/* Another answer writes the follow-up anew; edits made for the one before
 * are kept for "Undo", as with "Reset to Template". */
static void
answer_selected_cb (MdRequestPanel *self)
{
  Request *request = _md_request_panel_current_request (self);
  guint selected = adw_combo_row_get_selected (self->answer_row);
  gboolean dropped;

  if (self->filling || self->session == NULL || !md_request_is_follow_up (request) ||
      selected >= MD_FOLLOW_UP_N_ANSWERS ||
      selected == _md_request_panel_get_answer (self, request))
    return;

  _md_request_panel_flush_autosave (self);
  json_object_set_string_member (answers_object (self), request->key,
                                 md_follow_up_answer_to_string (selected));
  dropped = drop_edit (self, request);
  save_state (self);
  _md_request_panel_rebuild_draft (self);

  if (dropped)
    _md_request_panel_confirm_undoable (self, _("Follow-up written anew for this answer"));
}

/* Connects what the user types and picks to the state. */
void
_md_request_panel_edits_init (MdRequestPanel *self)
{
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recipient_row, "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->subject_line_row, "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->answer_row, "notify::selected",
                           G_CALLBACK (answer_selected_cb), self, G_CONNECT_SWAPPED);
}

/* What we fixed: the steps the user took, cited in the request */

static void
remove_step_clicked_cb (GtkButton      *button,
                        MdRequestPanel *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);
  guint index;

  if (row != NULL && g_ptr_array_find (self->step_rows, row, &index))
    md_request_panel_remove_step (self, index);
}

void
_md_request_panel_fill_steps (MdRequestPanel *self)
{
  JsonArray *steps = _md_request_panel_steps_array (self);

  for (guint i = 0; i < self->step_rows->len; i++)
    gtk_list_box_remove (self->fixed_list, g_ptr_array_index (self->step_rows, i));
  g_ptr_array_set_size (self->step_rows, 0);

  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *escaped = g_markup_escape_text (json_array_get_string_element (steps, i),
                                                       -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Remove Step"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove Step"), -1);
      g_signal_connect_object (button, "clicked", G_CALLBACK (remove_step_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_insert (self->fixed_list, row, (int) i);
      g_ptr_array_add (self->step_rows, row);
    }
}

void
_md_request_panel_add_step_cb (MdRequestPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->add_step_row));
  g_autofree char *step = g_strstrip (g_strdup (text));

  if (step[0] == '\0')
    return;

  md_request_panel_add_step (self, step);
  gtk_editable_set_text (GTK_EDITABLE (self->add_step_row), "");
}

void
md_request_panel_add_step (MdRequestPanel *self,
                           const char     *step)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));
  g_return_if_fail (step != NULL);

  if (self->session == NULL)
    return;

  _md_request_panel_flush_autosave (self);
  json_array_add_string_element (_md_request_panel_steps_array (self), step);
  save_state (self);
  _md_request_panel_rebuild_draft (self);
}

void
md_request_panel_remove_step (MdRequestPanel *self,
                              guint           position)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (self->session == NULL ||
      position >= json_array_get_length (_md_request_panel_steps_array (self)))
    return;

  _md_request_panel_flush_autosave (self);
  json_array_remove_element (_md_request_panel_steps_array (self), position);
  save_state (self);
  _md_request_panel_rebuild_draft (self);
}

void
md_request_panel_focus_add_step (MdRequestPanel *self)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->add_step_row));
}

/* Writes the request anew from the template; the edits it replaces are kept
 * for "Undo". */
void
md_request_panel_reset (MdRequestPanel *self)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  _md_request_panel_flush_autosave (self);
  if (!drop_edit (self, _md_request_panel_current_request (self)))
    return;

  save_state (self);
  _md_request_panel_rebuild_draft (self);
  _md_request_panel_confirm_undoable (self, _("Request reset to the template"));
}

void
md_request_panel_undo_reset (MdRequestPanel *self)
{
  g_return_if_fail (MD_IS_REQUEST_PANEL (self));

  if (self->undo_edit == NULL || self->session == NULL)
    return;

  json_object_set_object_member (edits_object (self), self->undo_key,
                                 g_steal_pointer (&self->undo_edit));
  g_clear_pointer (&self->undo_key, g_free);
  save_state (self);
  _md_request_panel_rebuild_draft (self);
}
