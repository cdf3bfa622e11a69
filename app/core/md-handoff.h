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

/* Files a mail client is given (portal, xdg-email) go to a private
 * temporary directory (0700); they outlive the hand-off object — a mail
 * client may read them long after it returned — and are removed by
 * md_handoff_remove_temporary_files() when the application exits.
 * Files the user is told about (the .eml fallback, the attachments to add by
 * hand after mailto:) are saved in a folder of their own under
 * $XDG_DATA_HOME/maildoctor/requests/ that MailDoctor never removes. */
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
 * NULL before they are needed. The directory is the saved folder when there
 * is one (what to show the user), else the temporary one. */
const char      *md_handoff_get_directory        (MdHandoff            *self);
/* The folder under the user's data dir holding the .eml or the attachments
 * the user must add by hand (after an EML or MAILTO hand-off); never
 * removed by MailDoctor. NULL when nothing was saved for the user. */
const char      *md_handoff_get_saved_directory  (MdHandoff            *self);
/* Removes the temporary hand-off files of this process. Call it once, when
 * the application exits (not earlier: a mail client may still read them). */
void             md_handoff_remove_temporary_files (void);
const char      *md_handoff_get_eml_path         (MdHandoff            *self);
GStrv            md_handoff_get_attachment_paths (MdHandoff            *self);
/* What "Copy" puts on the clipboard. */
const char      *md_handoff_get_clipboard_text   (MdHandoff            *self);

/* RFC 6068: everything but unreserved characters percent-encoded, line
 * breaks in the body as %0D%0A. */
char            *md_handoff_build_mailto_uri     (const MdDraft        *draft);

G_END_DECLS
