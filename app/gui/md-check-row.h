/* md-check-row.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_CHECK_ROW (md_check_row_get_type ())

G_DECLARE_FINAL_TYPE (MdCheckRow, md_check_row, MD, CHECK_ROW, AdwExpanderRow)

GtkWidget  *md_check_row_new                (MdCheck       *check);
MdCheck    *md_check_row_get_check          (MdCheckRow    *self);
const char *md_check_status_icon_name       (MdCheckStatus  status);
const char *md_check_status_describe        (MdCheckStatus  status);

G_END_DECLS
