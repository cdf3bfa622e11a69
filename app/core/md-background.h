/* md-background.h — asking the desktop to let MailDoctor run with its window closed
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MD_BACKGROUND_ERROR (md_background_error_quark ())

typedef enum
{
  MD_BACKGROUND_ERROR_DENIED,     /* the user or the desktop said no */
  MD_BACKGROUND_ERROR_FAILED,     /* no portal, or it answered something else */
} MdBackgroundError;

GQuark    md_background_error_quark    (void);
/* In a Flatpak sandbox, where running in the background needs permission. */
gboolean  md_background_is_sandboxed   (void);
/* org.freedesktop.portal.Background.RequestBackground with autostart: at
 * login the desktop starts `maildoctor --gapplication-service`. */
void      md_background_request_async  (GDBusConnection      *connection,
                                        const char           *reason,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* TRUE when allowed; *@autostart (may be NULL) says whether autostart was too. */
gboolean  md_background_request_finish (GAsyncResult         *result,
                                        gboolean             *autostart,
                                        GError              **error);

G_END_DECLS
