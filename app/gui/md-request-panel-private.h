/* md-request-panel-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-handoff.h"
#include "md-request-panel.h"

G_BEGIN_DECLS

/* The request panel is one class in two files, as GNOME Text Editor splits
 * its page: md-request-panel.c (the requests, the editor, the steps) and
 * md-request-panel-send.c (before and while sending: the checklist, the
 * hand-off to the mail app, the dialogs, saving and copying). This header
 * holds what both see. */

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

JsonArray *_md_request_panel_steps_array  (MdRequestPanel *self);
void       _md_request_panel_fill_warnings (MdRequestPanel *self);
void _md_request_panel_confirm    (MdRequestPanel *self,
                                   const char     *message);
void _md_request_panel_show_error (MdRequestPanel *self,
                                   const char     *heading,
                                   const GError   *error);

G_END_DECLS
