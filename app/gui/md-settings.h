/* md-settings.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-case-session.h"

G_BEGIN_DECLS

#define MD_TYPE_SETTINGS (md_settings_get_type ())

G_DECLARE_FINAL_TYPE (MdSettings, md_settings, MD, SETTINGS, GObject)

MdSettings  *md_settings_get_default          (void);
GSettings   *md_settings_get_gsettings        (MdSettings  *self);
gboolean     md_settings_get_web_checks       (MdSettings  *self);
char       **md_settings_dup_dkim_selectors   (MdSettings  *self);
char       **md_settings_dup_sending_domains  (MdSettings  *self);
char       **md_settings_dup_disabled_blocklists (MdSettings *self);
gboolean     md_settings_get_custom_resolver  (MdSettings  *self);
char       **md_settings_dup_resolver_servers (MdSettings  *self);
void         md_settings_set_resolver_servers (MdSettings  *self,
                                               const char * const *servers);
void         md_settings_set_disabled_blocklists (MdSettings *self,
                                                  const char * const *zones);
MdResolver  *md_settings_new_resolver         (MdSettings  *self,
                                               GError     **error);
/* How the settings set up a check run, the one place they become one:
 * the resolver (*@source), the blocklists switched off, @http when web
 * checks are on, and the keyring's list keys as last read. NULL with
 * @error when the resolver is not usable. */
MdCheckRunOptions *md_settings_new_check_run_options (MdSettings   *self,
                                                      MdHttp       *http,
                                                      MdDnsSource **source,
                                                      GError      **error);
char        *md_settings_describe_system_resolver (MdSettings *self);
void         md_settings_list_keys_changed    (MdSettings  *self);
gboolean     md_settings_get_list_keys_pending (MdSettings *self);
void         md_settings_get_window_size      (MdSettings  *self,
                                               int         *width,
                                               int         *height,
                                               gboolean    *maximized);
void         md_settings_save_window_size     (MdSettings  *self,
                                               int          width,
                                               int          height,
                                               gboolean     maximized);

G_END_DECLS
