/* md-diagnosis-panel.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_DIAGNOSIS_PANEL (md_diagnosis_panel_get_type ())
G_DECLARE_FINAL_TYPE (MdDiagnosisPanel, md_diagnosis_panel, MD, DIAGNOSIS_PANEL, GtkWidget)

MdCaseSession *md_diagnosis_panel_get_session (MdDiagnosisPanel *self);
void           md_diagnosis_panel_set_session (MdDiagnosisPanel *self,
                                               MdCaseSession    *session);
GtkWidget     *md_diagnosis_panel_get_primary_action (MdDiagnosisPanel *self);

G_END_DECLS
