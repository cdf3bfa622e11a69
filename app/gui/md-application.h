/* md-application.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "md-case-session.h"
#include "md-settings.h"
#include "md-watch.h"

G_BEGIN_DECLS

#define MD_TYPE_APPLICATION (md_application_get_type ())

G_DECLARE_FINAL_TYPE (MdApplication, md_application, MD, APPLICATION, AdwApplication)

MdApplication *md_application_new          (const char    *application_id,
                                            GApplicationFlags flags);
MdSettings    *md_application_get_settings (MdApplication *self);
/* The app's watch list, started on first use; NULL without a resolver.
 * The app's store may still be opening: see md_watch_get_store(). */
MdWatch       *md_application_get_watch    (MdApplication *self);
/* The cases, one store for the windows and the watch, opened on first use
 * off the main thread. */
void           md_application_get_store_async  (MdApplication       *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
MdCaseStore   *md_application_get_store_finish (MdApplication       *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
