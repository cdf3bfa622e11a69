/* md-request-panel.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_REQUEST_PANEL (md_request_panel_get_type ())
G_DECLARE_FINAL_TYPE (MdRequestPanel, md_request_panel, MD, REQUEST_PANEL, GtkWidget)

MdCaseSession *md_request_panel_get_session        (MdRequestPanel *self);
void           md_request_panel_set_session        (MdRequestPanel *self,
                                                    MdCaseSession  *session);
void           md_request_panel_set_channel        (MdRequestPanel *self,
                                                    const char     *channel);
guint          md_request_panel_get_n_requests     (MdRequestPanel *self);
void           md_request_panel_select_request     (MdRequestPanel *self,
                                                    guint           position);
MdDraft       *md_request_panel_dup_draft          (MdRequestPanel *self);
GtkWidget     *md_request_panel_get_primary_action (MdRequestPanel *self);
void           md_request_panel_add_step           (MdRequestPanel *self,
                                                    const char     *step);
void           md_request_panel_remove_step        (MdRequestPanel *self,
                                                    guint           position);
void           md_request_panel_focus_add_step     (MdRequestPanel *self);
void           md_request_panel_reset              (MdRequestPanel *self);
void           md_request_panel_undo_reset         (MdRequestPanel *self);
void           md_request_panel_open_mail          (MdRequestPanel *self);
void           md_request_panel_open_url           (MdRequestPanel *self);
void           md_request_panel_save_eml           (MdRequestPanel *self);
void           md_request_panel_copy_text          (MdRequestPanel *self);
/* The dialog for a request that no mail app took: the file in its @folder
 * (md_handoff_get_saved_directory(), which MailDoctor never removes), "Open
 * Folder" and "Save As…". @file NULL: the mail app opened without the
 * attachments (a mailto: link), which are in @folder. */
GtkWindow     *md_request_panel_present_saved      (MdRequestPanel *self,
                                                    const char     *folder,
                                                    const char     *file);

G_END_DECLS
