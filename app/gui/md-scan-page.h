/* md-scan-page.h — a report of every rejection in mail server logs
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "md-log-scan.h"

G_BEGIN_DECLS

#define MD_TYPE_SCAN_PAGE (md_scan_page_get_type ())
G_DECLARE_FINAL_TYPE (MdScanPage, md_scan_page, MD, SCAN_PAGE, GtkWidget)

/* Scans @files (of GFile) in a thread; the page shows progress, then the
 * report. A scan still running is cancelled. */
void             md_scan_page_scan        (MdScanPage *self,
                                           GListModel *files);
void             md_scan_page_cancel      (MdScanPage *self);
/* The report shown, or NULL while scanning. */
MdLogScanReport *md_scan_page_get_report  (MdScanPage *self);
/* "1,204 rejections for 37 recipients since 12 Nov": a group for the case
 * timeline, translated. */
char            *md_scan_group_describe   (const MdLogScanGroup *group);

G_END_DECLS
