/* md-checks-panel.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_CHECKS_PANEL (md_checks_panel_get_type ())
G_DECLARE_FINAL_TYPE (MdChecksPanel, md_checks_panel, MD, CHECKS_PANEL, GtkWidget)

MdCaseSession *md_checks_panel_get_session  (MdChecksPanel *self);
void           md_checks_panel_set_session  (MdChecksPanel *self,
                                             MdCaseSession *session);
gboolean       md_checks_panel_start_checks (MdChecksPanel *self);

G_END_DECLS
