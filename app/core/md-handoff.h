/* md-handoff.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-draft.h"

G_BEGIN_DECLS

/* The ways a draft reaches the user's mail client, tried in this order. */
typedef enum
{
  MD_HANDOFF_METHOD_NONE      = 0,
  MD_HANDOFF_METHOD_PORTAL    = 1 << 0, /* org.freedesktop.portal.Email */
  MD_HANDOFF_METHOD_XDG_EMAIL = 1 << 1, /* xdg-email --attach … */
  MD_HANDOFF_METHOD_MAILTO    = 1 << 2, /* a mailto: URI; attachments are left to the user */
  MD_HANDOFF_METHOD_EML       = 1 << 3, /* an .eml file the user opens or saves */
} MdHandoffMethod;

#define MD_HANDOFF_METHOD_ALL (MD_HANDOFF_METHOD_PORTAL | MD_HANDOFF_METHOD_XDG_EMAIL | \
                               MD_HANDOFF_METHOD_MAILTO | MD_HANDOFF_METHOD_EML)

#define MD_TYPE_HANDOFF (md_handoff_get_type ())
G_DECLARE_FINAL_TYPE (MdHandoff, md_handoff, MD, HANDOFF, GObject)

/* The hand-off owns a private temporary directory (mode 0700) for the
 * attachments and the .eml; it is removed when the object is finalized, so
 * keep the object alive while the mail client may still read the files. */
MdHandoff       *md_handoff_new                  (const MdDraft        *draft);
/* Which methods to try (default MD_HANDOFF_METHOD_ALL). */
void             md_handoff_set_methods          (MdHandoff            *self,
                                                  MdHandoffMethod       methods);
/* The portal's parent window identifier ("x11:…", "wayland:…"), or NULL. */
void             md_handoff_set_parent_window    (MdHandoff            *self,
                                                  const char           *parent_window);
/* User cancellation in the portal dialog ends with G_IO_ERROR_CANCELLED and
 * no fallback; an unavailable or failing method falls back to the next. */
void             md_handoff_run_async            (MdHandoff            *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
MdHandoffMethod  md_handoff_run_finish           (MdHandoff            *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
const MdDraft   *md_handoff_get_draft            (MdHandoff            *self);
/* The directory and files written for the hand-off (attachments, .eml);
 * NULL before they are needed. */
const char      *md_handoff_get_directory        (MdHandoff            *self);
const char      *md_handoff_get_eml_path         (MdHandoff            *self);
GStrv            md_handoff_get_attachment_paths (MdHandoff            *self);
/* The mailto: URI the MAILTO method opened (or would open). */
char            *md_handoff_get_mailto_uri       (MdHandoff            *self);
/* What "Copy" puts on the clipboard. */
const char      *md_handoff_get_clipboard_text   (MdHandoff            *self);

/* RFC 6068: everything but unreserved characters percent-encoded, line
 * breaks in the body as %0D%0A. */
char            *md_handoff_build_mailto_uri     (const MdDraft        *draft);

G_END_DECLS
