/* md-window-private.h — what md-window.c and md-window-input.c share
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "md-case-list.h"
#include "md-case-view.h"
#include "md-scan-page.h"
#include "md-settings.h"
#include "md-watch-page.h"
#include "md-window.h"

G_BEGIN_DECLS

struct _MdWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  MdSettings           *settings;
  MdCaseStore          *store;
  MdCaseList           *cases;           /* the sidebar's model */
  GCancellable         *cancellable;     /* cancelled when the window closes */
  GCancellable         *load_cancellable; /* the input being read now */
  GBytes               *input;            /* the input being read now */
  /* The database opens on the writer thread (it may be checked after an
   * unclean end); what the user asks for meanwhile waits here. */
  gboolean              store_opening;
  GBytes               *pending_input;
  gint64                pending_case_id;
  char                 *pending_section;
  gint64                deleted_case_id;  /* for "Undo" */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkToggleButton      *search_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListBox           *case_list;
  AdwStatusPage        *sidebar_empty_page;
  AdwWindowTitle       *window_title;
  GtkWidget            *case_menu_button;
  GtkStack             *content_stack;
  AdwStatusPage        *empty_page;
  GtkSpinner           *loading_spinner;
  MdCaseView           *case_view;
  MdScanPage           *scan_page;
  GtkTextView          *nothing_text;
  GtkWidget            *nothing_paste_button;
  GtkWidget            *start_paste_button;
  MdWatchPage          *watch_page;
};

/* md-window.c */
void _md_window_alert               (MdWindow      *self,
                                     const char    *heading,
                                     const char    *message);
void _md_window_toast               (MdWindow      *self,
                                     const char    *message);
void _md_window_begin_loading       (MdWindow      *self,
                                     gboolean       navigate);
void _md_window_refresh_cases       (MdWindow      *self);
void _md_window_show_scan_page      (MdWindow      *self);
void _md_window_show_session        (MdWindow      *self,
                                     MdCaseSession *session);
void _md_window_update_case_actions (MdWindow      *self);
/* A write of the window's on the store's writer thread; a failure is said. */
void _md_window_case_written_cb     (GObject       *object,
                                     GAsyncResult  *result,
                                     gpointer       user_data);

/* md-window-input.c: every way in — paste, file, drop, a log's group */
void _md_window_load_input          (MdWindow       *self,
                                     GBytes         *input);
void _md_window_input_class_init    (GtkWidgetClass *widget_class);
void _md_window_input_init          (MdWindow       *self);

G_END_DECLS
