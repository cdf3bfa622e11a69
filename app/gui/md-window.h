/* md-window.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-scan-page.h"

G_BEGIN_DECLS

#define MD_TYPE_WINDOW (md_window_get_type ())

G_DECLARE_FINAL_TYPE (MdWindow, md_window, MD, WINDOW, AdwApplicationWindow)

MdWindow   *md_window_new           (MdApplication *application);
MdCaseView *md_window_get_case_view (MdWindow      *self);
/* Reads @text as if the user had pasted it. */
void        md_window_load_text     (MdWindow      *self,
                                     const char    *text);
/* Scans mail logs (@files of GFile) on the scan page, as "Open Mail Log…" does. */
void        md_window_scan_logs     (MdWindow      *self,
                                     GListModel    *files);
MdScanPage *md_window_get_scan_page (MdWindow      *self);
void        md_window_show_watch    (MdWindow      *self);
void        md_window_open_case     (MdWindow      *self,
                                     gint64         case_id,
                                     const char    *section);

G_END_DECLS
