/* md-dqs-key.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The Spamhaus DQS key, kept in the keyring (libsecret: the Secret Service
 * on the desktop, the Secret portal inside Flatpak) — never in GSettings,
 * logs, reports, drafts or case data. */

void      md_dqs_key_lookup_async   (GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
char     *md_dqs_key_lookup_finish  (GAsyncResult         *result,
                                     GError              **error);
void      md_dqs_key_store_async    (const char           *key,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean  md_dqs_key_store_finish   (GAsyncResult         *result,
                                     GError              **error);
void      md_dqs_key_free           (char                 *key);

G_END_DECLS
