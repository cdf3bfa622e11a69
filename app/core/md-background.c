/* md-background.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The portal call by hand over GDBus, like the Email portal in md-handoff.c:
 * libportal would be a new dependency (and a module for the Flatpak manifest
 * to build) for one method call and one signal.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-background.h"

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND  "org.freedesktop.portal.Background"
#define PORTAL_REQUEST     "org.freedesktop.portal.Request"

G_DEFINE_QUARK (md-background-error-quark, md_background_error)

typedef struct
{
  GDBusConnection *connection;
  guint            response_id;
  gboolean         autostart;
} Request;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  g_object_unref (request->connection);
  g_free (request);
}

gboolean
md_background_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  /* The subscription owns a reference until it is dropped below. */
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE;
  guint32 response;

  g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  request->response_id = 0;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      g_task_return_new_error (task, MD_BACKGROUND_ERROR, MD_BACKGROUND_ERROR_FAILED,
                               "Unexpected answer from the Background portal");
      return;
    }

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_variant_lookup (results, "autostart", "b", &request->autostart);

  if (response != 0 || !background)
    {
      g_task_return_new_error (task, MD_BACKGROUND_ERROR, MD_BACKGROUND_ERROR_DENIED,
                               "%s", _("MailDoctor may not run in the background: the watch "
                                       "stops when its window is closed."));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* The Response signal will never come: drop the subscription, which
       * holds the other reference to the task. */
      g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
      request->response_id = 0;
      g_task_return_new_error (task, MD_BACKGROUND_ERROR, MD_BACKGROUND_ERROR_FAILED,
                               "%s", error->message);
    }
}

void
md_background_request_async (GDBusConnection     *connection,
                             const char          *reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;
  const char *commandline[] = { "maildoctor", "--gapplication-service", NULL };
  Request *request;

  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (reason != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_background_request_async);

  request = g_new0 (Request, 1);
  request->connection = g_object_ref (connection);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  /* The request's object path is known in advance (the portal's
   * "handle_token" convention), so the Response signal cannot be missed. */
  sender = g_strdup (g_dbus_connection_get_unique_name (connection) + 1);
  g_strdelimit (sender, ".", '_');
  token = g_strdup_printf ("maildoctor%u", g_random_int ());
  handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);
  request->response_id =
    g_dbus_connection_signal_subscribe (connection, PORTAL_BUS_NAME, PORTAL_REQUEST, "Response",
                                        handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        response_cb, g_object_ref (task), g_object_unref);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (connection, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_BACKGROUND,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          call_cb, g_steal_pointer (&task));
}

gboolean
md_background_request_finish (GAsyncResult  *result,
                              gboolean      *autostart,
                              GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  request = g_task_get_task_data (G_TASK (result));
  if (autostart != NULL)
    *autostart = request->autostart;

  return g_task_propagate_boolean (G_TASK (result), error);
}
