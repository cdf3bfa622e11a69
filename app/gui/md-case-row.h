/* md-case-row.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-list.h"

G_BEGIN_DECLS

#define MD_TYPE_CASE_ROW (md_case_row_get_type ())
G_DECLARE_FINAL_TYPE (MdCaseRow, md_case_row, MD, CASE_ROW, GtkListBoxRow)

GtkWidget   *md_case_row_new      (MdCaseItem *item);
MdCaseItem  *md_case_row_get_item (MdCaseRow  *self);

G_END_DECLS
