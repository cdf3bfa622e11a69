/* md-case-widgets.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-diagnosis.h"

G_BEGIN_DECLS

/* Small pieces the case panels share. */
GtkWidget  *md_wrapped_label_new     (const char          *text,
                                      const char          *css_class);
GtkWidget  *md_fact_row_new          (const char          *title,
                                      const char          *value);
char       *md_numbered_steps        (const char * const  *steps);
char       *md_break_at_dots         (const char          *text);
char       *md_break_host_names      (const char          *text);
void        md_expander_row_lay_out_when_open (AdwExpanderRow *row);
void        md_list_box_bind_model_gradually  (GtkListBox                 *list,
                                               GListModel                 *model,
                                               guint                       per_frame,
                                               GtkListBoxCreateWidgetFunc  create_widget,
                                               gpointer                    user_data);

G_END_DECLS
