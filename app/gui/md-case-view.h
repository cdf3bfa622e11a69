/* md-case-view.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"
#include "md-request-panel.h"

G_BEGIN_DECLS

#define MD_TYPE_CASE_VIEW (md_case_view_get_type ())

G_DECLARE_FINAL_TYPE (MdCaseView, md_case_view, MD, CASE_VIEW, GtkWidget)

MdCaseSession *md_case_view_get_session   (MdCaseView    *self);
void           md_case_view_set_session   (MdCaseView    *self,
                                           MdCaseSession *session);
/* Checks the subject in the "What Is Checked" rows. */
gboolean       md_case_view_start_checks  (MdCaseView    *self);
void           md_case_view_set_channel   (MdCaseView    *self,
                                           const char    *channel);
void           md_case_view_scroll_to     (MdCaseView    *self,
                                           const char    *section);
/* The draft as the user edited it; NULL when there is none. */
MdDraft       *md_case_view_dup_draft     (MdCaseView    *self);
/* Gives the keyboard focus to what the user does next. */
void           md_case_view_focus_next_step (MdCaseView  *self);
MdRequestPanel *md_case_view_get_request_panel (MdCaseView *self);

G_END_DECLS
