/* md-handoff.c — a draft handed to the user's mail client
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* One unit, over 1,000 lines: the hand-off is one chain of fallbacks —
 * the Email portal (with attachment fds and the window's handle), then
 * xdg-email, then mailto:, then an .eml kept for the user — each step
 * deciding from the previous one's failure, with the files' lifetimes
 * shared across them. */

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_EMAIL_IFACE "org.freedesktop.portal.Email"
#define PORTAL_REQUEST_IFACE "org.freedesktop.portal.Request"

struct _MdHandoff
{
  GObject          parent_instance;

  /* Owned */
  MdDraft         *draft;
  char            *parent_window;
  char            *directory;          /* temporary: removed at exit at the earliest */
  char            *saved_directory;    /* in the user's data dir: never removed */
  GPtrArray       *attachment_paths;   /* of char*, NULL until written */
  gboolean         attachments_saved;  /* attachment_paths lie in saved_directory */
  char            *eml_path;
  MdHandoffMethod  methods;
};

G_DEFINE_FINAL_TYPE (MdHandoff, md_handoff, G_TYPE_OBJECT)

/* One run of the fallback chain. */
typedef struct
{
  GDBusConnection *bus;
  char            *portal_owner;
  char            *request_path;
  guint            version;
  guint            response_id;
  gulong           cancelled_id;
  guint            cancel_idle_id;
  gboolean         done;
} RunData;

static void try_xdg_email (GTask *task);
static void try_mailto    (GTask *task);
static void try_eml       (GTask *task);

static void
run_data_free (RunData *data)
{
  g_assert (data->response_id == 0);
  g_assert (data->cancelled_id == 0);
  g_clear_handle_id (&data->cancel_idle_id, g_source_remove);
  g_clear_object (&data->bus);
  g_free (data->portal_owner);
  g_free (data->request_path);
  g_free (data);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

/* Temporary hand-off directories of this process (the files a mail client
 * was given). A mail client may read an attachment long after xdg-email or
 * the portal returned, so they are removed only by
 * md_handoff_remove_temporary_files(), which the application calls when it
 * exits — never when a hand-off object goes away. */
G_LOCK_DEFINE_STATIC (temporary);
static GPtrArray *temporary_directories;

static gboolean
ensure_directory (MdHandoff  *self,
                  GError    **error)
{
  if (self->directory != NULL)
    return TRUE;

  /* mkdtemp(): mode 0700, a fresh name; nobody else can read the draft. */
  self->directory = g_dir_make_tmp ("maildoctor-draft-XXXXXX", error);
  if (self->directory == NULL)
    return FALSE;

  G_LOCK (temporary);
  if (temporary_directories == NULL)
    temporary_directories = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (temporary_directories, g_strdup (self->directory));
  G_UNLOCK (temporary);

  return TRUE;
}

/* A request the user is told to open or attach by hand is saved where they
 * can find it again and where nothing cleans up behind them: a folder of
 * its own under $XDG_DATA_HOME/maildoctor/requests, named by date and
 * channel (private, 0700: it holds the user's details). */
static gboolean
ensure_saved_directory (MdHandoff  *self,
                        GError    **error)
{
  g_autofree char *parent = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  const char *channel = self->draft->channel_id != NULL ? self->draft->channel_id : "request";

  if (self->saved_directory != NULL)
    return TRUE;

  parent = g_build_filename (g_get_user_data_dir (), "maildoctor", "requests", NULL);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", parent, g_strerror (saved));
      return FALSE;
    }

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y-%m-%d-%H%M%S");
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (i == 1)
        name = g_strdup_printf ("%s-%s", stamp, channel);
      else
        name = g_strdup_printf ("%s-%s-%u", stamp, channel, i);
      g_strdelimit (name, "/\\", '_');
      path = g_build_filename (parent, name, NULL);
      if (g_mkdir (path, 0700) == 0)
        {
          self->saved_directory = g_steal_pointer (&path);
          return TRUE;
        }
      if (errno != EEXIST)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "%s: %s", path, g_strerror (saved));
          return FALSE;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s: no free folder name", parent);
  return FALSE;
}

/* An attachment's name becomes a file name in our directory: no path
 * separators, no hidden or special names. */
static char *
safe_file_name (const char *name,
                guint       index)
{
  g_autofree char *clean = g_strdup (name != NULL ? name : "");
  const char *start;

  g_strdelimit (clean, "/\\", '_');
  g_strstrip (clean);
  for (start = clean; *start == '.'; start++)
    ;
  if (*start == '\0')
    return g_strdup_printf ("attachment-%u", index + 1);

  return g_strdup (start);
}

static gboolean
write_private_file (const char  *path,
                    const void  *data,
                    gsize        len,
                    GError     **error)
{
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

/* @saved: the files are for the user (mailto: has no attachments, so the
 * user attaches them by hand) and go to the saved folder; otherwise they are
 * for a mail client and go to the temporary one. */
static gboolean
ensure_attachments (MdHandoff  *self,
                    gboolean    saved,
                    GError    **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  const char *directory;

  if (self->attachment_paths != NULL && (self->attachments_saved || !saved))
    return TRUE;
  if (saved ? !ensure_saved_directory (self, error) : !ensure_directory (self, error))
    return FALSE;
  directory = saved ? self->saved_directory : self->directory;

  /* The temporary copies (if any) stay for the mail client that has them. */
  g_clear_pointer (&self->attachment_paths, g_ptr_array_unref);
  self->attachments_saved = saved;

  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (self->draft->attachments, i);
      g_autofree char *name = safe_file_name (a->name, i);
      g_autofree char *path = g_build_filename (directory, name, NULL);

      /* Two attachments of the same name must not overwrite each other. */
      for (guint j = 0; j < paths->len; j++)
        if (g_str_equal (g_ptr_array_index (paths, j), path))
          {
            g_autofree char *numbered = g_strdup_printf ("%u-%s", i + 1, name);
            g_free (path);
            path = g_build_filename (directory, numbered, NULL);
            break;
          }

      if (!write_private_file (path, g_bytes_get_data (a->data, NULL),
                               g_bytes_get_size (a->data), error))
        {
          g_ptr_array_add (paths, g_steal_pointer (&path));
          self->attachment_paths = g_steal_pointer (&paths);
          return FALSE;
        }
      g_ptr_array_add (paths, g_steal_pointer (&path));
    }

  self->attachment_paths = g_steal_pointer (&paths);
  return TRUE;
}

static gboolean
ensure_eml (MdHandoff  *self,
            GError    **error)
{
  g_autoptr(GBytes) eml = NULL;
  g_autofree char *path = NULL;

  if (self->eml_path != NULL)
    return TRUE;
  if (!ensure_saved_directory (self, error))
    return FALSE;

  eml = md_draft_to_eml (self->draft, NULL, error);
  if (eml == NULL)
    return FALSE;

  path = g_build_filename (self->saved_directory, "delist-request.eml", NULL);
  if (!write_private_file (path, g_bytes_get_data (eml, NULL), g_bytes_get_size (eml), error))
    {
      g_unlink (path);
      return FALSE;
    }

  self->eml_path = g_steal_pointer (&path);
  return TRUE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  /* Only the flat folders written above: files, no subfolders. */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static gboolean
is_empty (const char *s)
{
  return s == NULL || s[0] == '\0';
}

static MdHandoff *
task_handoff (GTask *task)
{
  return g_task_get_source_object (task);
}

static RunData *
task_data (GTask *task)
{
  return g_task_get_task_data (task);
}

/* Cancellation by the caller ends the chain; any other failure moves on. */
static gboolean
return_if_cancelled (GTask        *task,
                     const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The hand-off was cancelled"));
      return TRUE;
    }

  return FALSE;
}

/* One way of handing off failed: unless the hand-off was cancelled, @next
 * gets its turn. Takes the reference on @task that the callback held. */
static void
move_on (GTask        *task,
         const GError *error,
         void        (*next) (GTask *task))
{
  if (return_if_cancelled (task, error))
    {
      g_object_unref (task);
      return;
    }
  next (task);
}

/* ------------------------------------------------------------------ */
/* 1. The Email portal                                                 */

static void
portal_stop_waiting (GTask *task)
{
  RunData *data = task_data (task);

  if (data->response_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (data->bus, data->response_id);
      data->response_id = 0;
      /* The subscription's reference (see portal_subscribe()); the caller
       * holds its own. */
      g_object_unref (task);
    }
  if (data->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
      data->cancelled_id = 0;
    }
}

static void
portal_response_cb (GDBusConnection *connection,
                    const char      *sender_name,
                    const char      *object_path,
                    const char      *interface_name,
                    const char      *signal_name,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);
  guint32 response = 2;

  if (data->done || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  data->done = TRUE;
  g_variant_get (parameters, "(u@a{sv})", &response, NULL);
  g_debug ("Email portal response %u", response);

  /* Keep the task alive past the unsubscribe. */
  g_object_ref (task);
  portal_stop_waiting (task);

  if (response == 0)
    {
      g_task_return_int (task, MD_HANDOFF_METHOD_PORTAL);
      g_object_unref (task);
    }
  else if (response == 1)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The mail client was closed without sending"));
      g_object_unref (task);
    }
  else
    try_xdg_email (task);   /* takes the reference */
}

static void
portal_close_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* Best effort: the dialog may be gone already. */
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_debug ("Email portal: closing the request: %s", error->message);
}

static gboolean
portal_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);

  data->cancel_idle_id = 0;
  if (data->done)
    return G_SOURCE_REMOVE;

  data->done = TRUE;
  g_object_ref (task);
  portal_stop_waiting (task);

  /* Tell the portal we are no longer interested; it closes its dialog. */
  g_dbus_connection_call (data->bus, data->portal_owner, data->request_path,
                          PORTAL_REQUEST_IFACE, "Close", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, portal_close_cb, NULL);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "%s", _("The hand-off was cancelled"));
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
portal_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);

  /* Not from here: g_cancellable_disconnect() would deadlock in the handler. */
  if (data->cancel_idle_id == 0)
    data->cancel_idle_id = g_idle_add (portal_cancelled_idle_cb, task);
}

static void
portal_subscribe (GTask      *task,
                  const char *path)
{
  RunData *data = task_data (task);

  /* The sender is the portal's unique name: GLib 2.74 filters signals by
   * unique names only, and nobody else may answer for the portal. */
  data->response_id =
    g_dbus_connection_signal_subscribe (data->bus, data->portal_owner, PORTAL_REQUEST_IFACE,
                                        "Response", path, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        portal_response_cb, task, NULL);
  /* Released by portal_stop_waiting(), not by the subscription's destroy
   * notify: GLib runs that from an idle, which would keep the task and the
   * hand-off's files alive after the result was delivered. */
  g_object_ref (task);
}

static void
portal_compose_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *handle = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (object), NULL,
                                                           result, &error);
  if (reply == NULL)
    {
      g_debug ("Email portal: %s", error->message);
      portal_stop_waiting (task);
      move_on (g_steal_pointer (&task), error, try_xdg_email);
      return;
    }

  if (data->done)
    return;

  g_variant_get (reply, "(&o)", &handle);

  /* Cancelled while the call was on its way: the portal may already show
   * its dialog, so close the request rather than leave it open. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_debug ("Email portal: cancelled, closing %s", handle);
      data->done = TRUE;
      portal_stop_waiting (task);
      g_dbus_connection_call (data->bus, data->portal_owner, handle,
                              PORTAL_REQUEST_IFACE, "Close", NULL, NULL,
                              G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, portal_close_cb, NULL);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The hand-off was cancelled"));
      return;
    }
  /* Portals older than the handle_token option answer on another path:
   * follow it, as the portal documentation asks. */
  if (g_strcmp0 (handle, data->request_path) != 0)
    {
      portal_stop_waiting (task);
      g_free (data->request_path);
      data->request_path = g_strdup (handle);
      portal_subscribe (task, handle);
    }

  if (g_task_get_cancellable (task) != NULL)
    data->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task),
                                                G_CALLBACK (portal_cancelled_cb), task, NULL);
}

static void
portal_compose (GTask *task)
{
  MdHandoff *self = task_handoff (task);
  RunData *data = task_data (task);
  const MdDraft *draft = self->draft;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  GVariantBuilder options;
  GVariantBuilder handles;

  if (!ensure_attachments (self, FALSE, &error))
    {
      g_debug ("Email portal: %s", error->message);
      try_xdg_email (task);
      return;
    }

  g_variant_builder_init (&handles, G_VARIANT_TYPE ("ah"));
  for (guint i = 0; i < self->attachment_paths->len; i++)
    {
      const char *path = g_ptr_array_index (self->attachment_paths, i);
      int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      int handle;

      if (fd < 0)
        {
          int saved_errno = errno;
          g_variant_builder_clear (&handles);
          g_debug ("Email portal: %s: %s", path, g_strerror (saved_errno));
          try_xdg_email (task);
          return;
        }
      handle = g_unix_fd_list_append (fds, fd, &error);
      close (fd);
      if (handle < 0)
        {
          g_variant_builder_clear (&handles);
          g_debug ("Email portal: %s", error->message);
          try_xdg_email (task);
          return;
        }
      g_variant_builder_add (&handles, "h", handle);
    }

  token = g_strdup_printf ("maildoctor%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (data->bus) + 1);
  g_strdelimit (sender, ".", '_');
  data->request_path = g_strdup_printf ("%s/request/%s/%s", PORTAL_OBJECT_PATH, sender, token);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  if (!is_empty (draft->recipient))
    {
      /* "addresses" came with version 3; "address" works everywhere. */
      if (data->version >= 3)
        {
          const char *addresses[] = { draft->recipient, NULL };
          g_variant_builder_add (&options, "{sv}", "addresses",
                                 g_variant_new_strv (addresses, -1));
        }
      else
        g_variant_builder_add (&options, "{sv}", "address",
                               g_variant_new_string (draft->recipient));
    }
  /* "cc" came with version 3 too; an older portal cannot take it, which
   * the draft's warning about the copy already tells the user. */
  if (!is_empty (draft->cc) && data->version >= 3)
    {
      const char *cc[] = { draft->cc, NULL };
      g_variant_builder_add (&options, "{sv}", "cc", g_variant_new_strv (cc, -1));
    }
  if (!is_empty (draft->subject))
    g_variant_builder_add (&options, "{sv}", "subject", g_variant_new_string (draft->subject));
  if (!is_empty (draft->body))
    g_variant_builder_add (&options, "{sv}", "body", g_variant_new_string (draft->body));
  g_variant_builder_add (&options, "{sv}", "attachment_fds", g_variant_builder_end (&handles));

  /* Subscribe before the call: the Response may come before the reply. */
  portal_subscribe (task, data->request_path);

  g_dbus_connection_call_with_unix_fd_list (data->bus, data->portal_owner, PORTAL_OBJECT_PATH,
                                            PORTAL_EMAIL_IFACE, "ComposeEmail",
                                            g_variant_new ("(sa{sv})",
                                                           self->parent_window != NULL ?
                                                           self->parent_window : "",
                                                           &options),
                                            G_VARIANT_TYPE ("(o)"),
                                            G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, fds,
                                            /* Not cancellable: a cancelled call
                                             * loses the handle needed to close
                                             * the dialog (see portal_compose_cb) */
                                            NULL, portal_compose_cb, task);
}

static void
portal_owner_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_debug ("Email portal: %s", error->message);
      move_on (task, error, try_xdg_email);
      return;
    }

  g_variant_get (reply, "(s)", &data->portal_owner);
  portal_compose (task);
}

static void
portal_version_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* No portal, or one without the Email interface. */
      g_debug ("Email portal: %s", error->message);
      move_on (task, error, try_xdg_email);
      return;
    }

  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    {
      g_debug ("Email portal: version is of type %s", g_variant_get_type_string (value));
      try_xdg_email (task);
      return;
    }
  data->version = g_variant_get_uint32 (value);
  g_debug ("Email portal version %u", data->version);

  g_dbus_connection_call (data->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetNameOwner",
                          g_variant_new ("(s)", PORTAL_BUS_NAME), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          portal_owner_cb, task);
}

static void
portal_bus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = task_data (task);
  g_autoptr(GError) error = NULL;

  data->bus = g_bus_get_finish (result, &error);
  if (data->bus == NULL)
    {
      g_debug ("Email portal: no session bus: %s", error->message);
      move_on (task, error, try_xdg_email);
      return;
    }

  /* The version first: it says which options the portal understands. This
   * call also starts the portal if it is D-Bus activatable. */
  g_dbus_connection_call (data->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PORTAL_EMAIL_IFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), portal_version_cb, task);
}

/* ------------------------------------------------------------------ */
/* 2. xdg-email                                                        */

static void
xdg_email_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error))
    {
      g_task_return_int (task, MD_HANDOFF_METHOD_XDG_EMAIL);
      g_object_unref (task);
      return;
    }

  g_debug ("xdg-email: %s", error->message);
  move_on (task, error, try_mailto);
}

static void
try_xdg_email (GTask *task)
{
  MdHandoff *self = task_handoff (task);
  const MdDraft *draft = self->draft;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *program = NULL;
  g_autofree char *uri = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (!(self->methods & MD_HANDOFF_METHOD_XDG_EMAIL) ||
      (program = g_find_program_in_path ("xdg-email")) == NULL)
    {
      try_mailto (task);
      return;
    }

  if (!ensure_attachments (self, FALSE, &error))
    {
      g_debug ("xdg-email: %s", error->message);
      try_mailto (task);
      return;
    }

  /* An argument vector, no shell — and no text of ours as --subject,
   * --body or --to: xdg-email runs `echo "$1"` on those under /bin/sh, and
   * dash's echo reads "\c" as "stop here" and "\n" as a line break, so a
   * rejection quoted in the body came out cut or changed. The whole mail
   * goes as one mailto: URI instead, every byte but unreserved ones
   * percent-encoded (no backslash left for echo to read), which xdg-email
   * passes on as it is; only our own file paths go through --attach. */
  uri = md_handoff_build_mailto_uri (draft);
  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, program);
  g_ptr_array_add (argv, (gpointer) "--utf8");
  for (guint i = 0; i < self->attachment_paths->len; i++)
    {
      g_ptr_array_add (argv, (gpointer) "--attach");
      g_ptr_array_add (argv, g_ptr_array_index (self->attachment_paths, i));
    }
  g_ptr_array_add (argv, uri);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (process == NULL)
    {
      g_debug ("xdg-email: %s", error->message);
      try_mailto (task);
      return;
    }

  g_subprocess_wait_check_async (process, g_task_get_cancellable (task), xdg_email_cb, task);
}

/* ------------------------------------------------------------------ */
/* 3. mailto:                                                          */

static void
append_escaped (GString    *uri,
                const char *text,
                const char *allowed)
{
  g_autofree char *escaped = g_uri_escape_string (text, allowed, FALSE);

  g_string_append (uri, escaped);
}

/* Line breaks travel as CRLF in a mailto: body (RFC 6068, section 5). */
static char *
crlf_lines (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 16);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' && p[1] == '\n')
        continue;
      if (*p == '\n')
        g_string_append (out, "\r\n");
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

char *
md_handoff_build_mailto_uri (const MdDraft *draft)
{
  GString *uri;
  char separator = '?';

  g_return_val_if_fail (draft != NULL, NULL);

  /* Escaped by hand because GUri builds hierarchical URIs: "mailto:" has
   * its own rules for "?", "&" and "=" inside the fields. */
  uri = g_string_new ("mailto:");
  if (!is_empty (draft->recipient))
    append_escaped (uri, draft->recipient, "@");

  if (!is_empty (draft->cc))
    {
      g_string_append_printf (uri, "%ccc=", separator);
      append_escaped (uri, draft->cc, "@");
      separator = '&';
    }
  if (!is_empty (draft->subject))
    {
      g_string_append_printf (uri, "%csubject=", separator);
      append_escaped (uri, draft->subject, NULL);
      separator = '&';
    }
  if (!is_empty (draft->body))
    {
      g_autofree char *body = crlf_lines (draft->body);

      g_string_append_printf (uri, "%cbody=", separator);
      append_escaped (uri, body, NULL);
    }

  return g_string_free (uri, FALSE);
}

static void
mailto_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_task_return_int (task, MD_HANDOFF_METHOD_MAILTO);
      g_object_unref (task);
      return;
    }

  g_debug ("mailto: %s", error->message);
  move_on (task, error, try_eml);
}

static void
try_mailto (GTask *task)
{
  MdHandoff *self = task_handoff (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (!(self->methods & MD_HANDOFF_METHOD_MAILTO))
    {
      try_eml (task);
      return;
    }

  /* A mailto: URI carries no attachments: the caller points the user at
   * these files (md_handoff_get_attachment_paths()). */
  if (!ensure_attachments (self, TRUE, &error))
    {
      g_debug ("mailto: %s", error->message);
      try_eml (task);
      return;
    }

  uri = md_handoff_build_mailto_uri (self->draft);
  g_app_info_launch_default_for_uri_async (uri, NULL, g_task_get_cancellable (task),
                                           mailto_cb, task);
}

/* ------------------------------------------------------------------ */
/* 4. The .eml file                                                    */

static void
try_eml (GTask *task)
{
  MdHandoff *self = task_handoff (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (!(self->methods & MD_HANDOFF_METHOD_EML))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                               _("No mail client could take the draft"));
      g_object_unref (task);
      return;
    }

  if (!ensure_eml (self, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, MD_HANDOFF_METHOD_EML);

  g_object_unref (task);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
md_handoff_finalize (GObject *object)
{
  MdHandoff *self = (MdHandoff *) object;

  g_clear_pointer (&self->draft, md_draft_free);
  g_clear_pointer (&self->parent_window, g_free);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->saved_directory, g_free);
  g_clear_pointer (&self->attachment_paths, g_ptr_array_unref);
  g_clear_pointer (&self->eml_path, g_free);

  G_OBJECT_CLASS (md_handoff_parent_class)->finalize (object);
}

static void
md_handoff_class_init (MdHandoffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_handoff_finalize;
}

static void
md_handoff_init (MdHandoff *self)
{
  self->methods = MD_HANDOFF_METHOD_ALL;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

MdHandoff *
md_handoff_new (const MdDraft *draft)
{
  MdHandoff *self;

  g_return_val_if_fail (draft != NULL, NULL);

  self = g_object_new (MD_TYPE_HANDOFF, NULL);
  self->draft = md_draft_copy (draft);

  return self;
}

void
md_handoff_set_methods (MdHandoff       *self,
                        MdHandoffMethod  methods)
{
  g_return_if_fail (MD_IS_HANDOFF (self));

  self->methods = methods;
}

void
md_handoff_set_parent_window (MdHandoff  *self,
                              const char *parent_window)
{
  g_return_if_fail (MD_IS_HANDOFF (self));

  g_free (self->parent_window);
  self->parent_window = g_strdup (parent_window);
}

void
md_handoff_run_async (MdHandoff           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_HANDOFF (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_handoff_run_async);
  g_task_set_task_data (task, g_new0 (RunData, 1), (GDestroyNotify) run_data_free);

  /* Portals and forms are web pages to open, not mails to compose. */
  if (self->draft->channel_kind != MD_CHANNEL_EMAIL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                               _("This request is made on a web page, not by mail"));
      return;
    }

  /* Each step below owns the task reference and passes it on. */
  if (self->methods & MD_HANDOFF_METHOD_PORTAL)
    g_bus_get (G_BUS_TYPE_SESSION, cancellable, portal_bus_cb, g_steal_pointer (&task));
  else
    try_xdg_email (g_steal_pointer (&task));
}

MdHandoffMethod
md_handoff_run_finish (MdHandoff     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  gssize method;

  g_return_val_if_fail (MD_IS_HANDOFF (self), MD_HANDOFF_METHOD_NONE);
  g_return_val_if_fail (g_task_is_valid (result, self), MD_HANDOFF_METHOD_NONE);

  method = g_task_propagate_int (G_TASK (result), error);

  return method < 0 ? MD_HANDOFF_METHOD_NONE : (MdHandoffMethod) method;
}

const MdDraft *
md_handoff_get_draft (MdHandoff *self)
{
  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  return self->draft;
}

const char *
md_handoff_get_directory (MdHandoff *self)
{
  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  return self->saved_directory != NULL ? self->saved_directory : self->directory;
}

const char *
md_handoff_get_saved_directory (MdHandoff *self)
{
  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  return self->saved_directory;
}

void
md_handoff_remove_temporary_files (void)
{
  g_autoptr(GPtrArray) directories = NULL;

  G_LOCK (temporary);
  directories = g_steal_pointer (&temporary_directories);
  G_UNLOCK (temporary);

  for (guint i = 0; directories != NULL && i < directories->len; i++)
    remove_tree (g_ptr_array_index (directories, i));
}

const char *
md_handoff_get_eml_path (MdHandoff *self)
{
  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  return self->eml_path;
}

GStrv
md_handoff_get_attachment_paths (MdHandoff *self)
{
  GStrvBuilder *builder;
  GStrv paths;

  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  builder = g_strv_builder_new ();
  if (self->attachment_paths != NULL)
    for (guint i = 0; i < self->attachment_paths->len; i++)
      g_strv_builder_add (builder, g_ptr_array_index (self->attachment_paths, i));
  paths = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return paths;
}

const char *
md_handoff_get_clipboard_text (MdHandoff *self)
{
  g_return_val_if_fail (MD_IS_HANDOFF (self), NULL);

  return md_draft_get_clipboard_text (self->draft);
}
