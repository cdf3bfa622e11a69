/* md-follow-up-panel.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_FOLLOW_UP_PANEL (md_follow_up_panel_get_type ())
G_DECLARE_FINAL_TYPE (MdFollowUpPanel, md_follow_up_panel, MD, FOLLOW_UP_PANEL, GtkWidget)

MdCaseSession *md_follow_up_panel_get_session (MdFollowUpPanel *self);
void           md_follow_up_panel_set_session (MdFollowUpPanel *self,
                                               MdCaseSession   *session);

G_END_DECLS
