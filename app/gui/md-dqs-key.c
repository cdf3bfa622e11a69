/* md-dqs-key.c — the Spamhaus DQS key in the keyring
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "md-dqs-key.h"

/* One item, found by its attribute; the catalog's key id ("spamhaus-dqs")
 * names the list family it opens. */
static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.example.MailDoctor.ListKey", SECRET_SCHEMA_NONE,
    {
      { "key-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *key = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, key, (GDestroyNotify) secret_password_free);
}

/* Finishes with the key, or NULL (no error) when none is stored. */
void
md_dqs_key_lookup_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, md_dqs_key_lookup_async);
  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "key-id", "spamhaus-dqs", NULL);
}

char *
md_dqs_key_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_get_task_data (task) != NULL)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);

  /* Clearing what is not there is no failure. */
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Stores @key, or removes the stored key when @key is NULL or empty. */
void
md_dqs_key_store_async (const char          *key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, md_dqs_key_store_async);

  if (key == NULL || key[0] == '\0')
    {
      secret_password_clear (get_schema (), cancellable, store_cb, g_steal_pointer (&task),
                             "key-id", "spamhaus-dqs", NULL);
      return;
    }

  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  /* Translators: the label of the stored secret in the user's keyring */
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, _("MailDoctor: Spamhaus DQS key"),
                         key, cancellable, store_cb, g_steal_pointer (&task),
                         "key-id", "spamhaus-dqs", NULL);
}

gboolean
md_dqs_key_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Wipes the key's memory before freeing it. */
void
md_dqs_key_free (char *key)
{
  secret_password_free (key);
}

static void
list_keys_looked_up_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *key = md_dqs_key_lookup_finish (result, &error);
  GHashTable *keys;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* No keyring (a session without one, a sandbox without the portal) is
   * no key: the lists are asked without. */
  if (error != NULL)
    g_debug ("DQS key: %s", error->message);
  else
    g_debug ("DQS key: %s", key != NULL ? "found in the keyring" : "none in the keyring");

  if (key == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) md_dqs_key_free);
  g_hash_table_insert (keys, (gpointer) "spamhaus-dqs", key);
  g_task_return_pointer (task, keys, (GDestroyNotify) g_hash_table_unref);
}

void
md_list_keys_lookup_async (GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, md_list_keys_lookup_async);
  md_dqs_key_lookup_async (cancellable, list_keys_looked_up_cb, g_steal_pointer (&task));
}

GHashTable *
md_list_keys_lookup_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
