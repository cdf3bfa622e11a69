/* md-case-list.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_CASE_ITEM (md_case_item_get_type ())
G_DECLARE_FINAL_TYPE (MdCaseItem, md_case_item, MD, CASE_ITEM, GObject)

gint64       md_case_item_get_id        (MdCaseItem  *self);
const char  *md_case_item_get_title     (MdCaseItem  *self);
const char  *md_case_item_get_subtitle  (MdCaseItem  *self);

#define MD_TYPE_CASE_LIST (md_case_list_get_type ())
G_DECLARE_FINAL_TYPE (MdCaseList, md_case_list, MD, CASE_LIST, GObject)

MdCaseList  *md_case_list_new           (MdCaseStore *store);
void         md_case_list_set_search    (MdCaseList  *self,
                                         const char  *search);
/* Reads the cases (with the search) on the case store's writer thread. A
 * newer refresh (with a newer search) supersedes this one: it then ends with
 * G_IO_ERROR_CANCELLED and the list is left to the newer one. */
void         md_case_list_refresh_async (MdCaseList          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     md_case_list_refresh_finish (MdCaseList         *self,
                                          GAsyncResult       *result,
                                          GError            **error);
/* The position of @case_id, or G_MAXUINT. */
guint        md_case_list_find          (MdCaseList  *self,
                                         gint64       case_id);

G_END_DECLS
