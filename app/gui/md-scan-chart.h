/* md-scan-chart.h — rejections per day, per receiver
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "md-log-scan.h"

G_BEGIN_DECLS

#define MD_TYPE_SCAN_CHART (md_scan_chart_get_type ())
G_DECLARE_FINAL_TYPE (MdScanChart, md_scan_chart, MD, SCAN_CHART, GtkWidget)

GtkWidget *md_scan_chart_new        (void);
void       md_scan_chart_set_report (MdScanChart     *self,
                                     MdLogScanReport *report);
/* The chart in words, for screen readers (and tests). */
char      *md_scan_chart_dup_summary (MdScanChart    *self);

G_END_DECLS
