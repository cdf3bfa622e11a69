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

/* The access keys of keyed lists as MdCheckRunOptions.keys takes them
 * (key id → key), for the window's checks and the watch alike: the stored
 * DQS key, or NULL when none is stored or there is no keyring (then the
 * lists are asked without; logged at debug level). Fails only when
 * cancelled. */
void        md_list_keys_lookup_async  (GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GHashTable *md_list_keys_lookup_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
