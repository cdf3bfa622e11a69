/* md-probe-panel.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_PROBE_PANEL (md_probe_panel_get_type ())

G_DECLARE_FINAL_TYPE (MdProbePanel, md_probe_panel, MD, PROBE_PANEL, AdwBin)

GtkWidget     *md_probe_panel_new         (void);
MdCaseSession *md_probe_panel_get_session (MdProbePanel  *self);
void           md_probe_panel_set_session (MdProbePanel  *self,
                                           MdCaseSession *session);

G_END_DECLS
