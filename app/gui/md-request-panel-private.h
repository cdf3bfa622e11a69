/* md-request-panel-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-case-session.h"
#include "md-request-panel.h"

G_BEGIN_DECLS

/* The request panel is one class in three files, as GNOME Text Editor splits
 * its page: md-request-panel.c (the requests and the draft in the editor),
 * md-request-panel-edits.c (what the user changes: edits, steps, the
 * follow-up's answer; saved with the case, reset and undo) and
 * md-request-panel-send.c (before and while sending: the checklist, the
 * hand-off to the mail app, the dialogs, saving and copying). This header
 * holds what they share. */

typedef struct
{
  guint  index;     /* the rejection */
  char  *channel;   /* a template id the user chose, or NULL: the recommended */
  char  *key;       /* "INDEX:TEMPLATE", in the saved edits */
  char  *label;
} Request;

struct _MdRequestPanel
{
  GtkWidget             parent_instance;

  /* Owned */
  MdCaseSession        *session;
  GSignalGroup         *session_signals;
  GPtrArray            *requests;       /* Request* */
  guint                 current;
  JsonObject           *state;          /* the saved edits and steps */
  JsonObject           *undo_edit;      /* what "Reset to Template" replaced */
  char                 *undo_key;
  MdDraft              *draft;          /* as built; the editor holds the edits */
  MdHandoff            *handoff;        /* the last hand-off: its files live until the next */
  GCancellable         *cancellable;    /* hand-offs and file writes of this case */
  GCancellable         *state_cancellable; /* reading the case's saved edits */
  GPtrArray            *warning_rows;   /* rows in warnings_row, owned by it */
  GPtrArray            *step_rows;      /* rows in fixed_list, owned by it */
  guint                 autosave_id;
  gboolean              filling;        /* the panel, not the user, changes the widgets */

  /* Template widgets */
  AdwPreferencesGroup  *request_group;
  GtkDropDown          *switcher;
  GtkWidget            *back_button;
  GtkLabel             *nothing_label;
  GtkWidget            *request_box;
  GtkWidget            *warnings_list;
  AdwExpanderRow       *warnings_row;
  GtkLabel             *steps_label;
  GtkWidget            *fixed_group;
  GtkListBox           *fixed_list;
  AdwEntryRow          *add_step_row;
  GtkWidget            *answer_list;
  AdwComboRow          *answer_row;
  GtkWidget            *draft_list;
  AdwEntryRow          *recipient_row;
  AdwEntryRow          *subject_line_row;
  GtkTextView          *body_view;
  GtkWidget            *edited_label;
  GtkListBox           *extras_list;
  GtkFlowBox           *request_buttons;
  GtkWidget            *open_mail_button;
  GtkButton            *open_url_button;
  GtkWidget            *save_eml_button;
  GtkWidget            *copy_button;
  GtkWidget            *reset_button;
};

static inline gboolean
md_request_is_follow_up (const Request *request)
{
  return request != NULL && g_strcmp0 (request->channel, "microsoft-follow-up") == 0;
}

/* md-request-panel.c */
Request          *_md_request_panel_current_request  (MdRequestPanel *self);
void              _md_request_panel_rebuild_draft    (MdRequestPanel *self);
void              _md_request_panel_confirm          (MdRequestPanel *self,
                                                      const char     *message);
void              _md_request_panel_confirm_undoable (MdRequestPanel *self,
                                                      const char     *message);
void              _md_request_panel_show_error       (MdRequestPanel *self,
                                                      const char     *heading,
                                                      const GError   *error);

/* md-request-panel-edits.c */
void              _md_request_panel_edits_init       (MdRequestPanel *self);
void              _md_request_panel_load_state       (MdRequestPanel *self);
void              _md_request_panel_flush_autosave   (MdRequestPanel *self);
JsonArray        *_md_request_panel_steps_array      (MdRequestPanel *self);
JsonObject       *_md_request_panel_get_edit         (MdRequestPanel *self,
                                                      const Request  *request);
MdFollowUpAnswer  _md_request_panel_get_answer       (MdRequestPanel *self,
                                                      const Request  *request);
char             *_md_request_panel_buffer_text      (GtkTextView    *view);
void              _md_request_panel_fill_steps       (MdRequestPanel *self);
void              _md_request_panel_add_step_cb      (MdRequestPanel *self);

/* md-request-panel-send.c */
void              _md_request_panel_fill_warnings    (MdRequestPanel *self);

G_END_DECLS
