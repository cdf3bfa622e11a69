/* md-bounded-read.c — read a stream or file into memory, never more than a limit
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-bounded-read.h"

#include <gio/gunixinputstream.h>
#include <sys/stat.h>

/* Big enough that a pipe drains in few calls, small enough to stop close to
 * the limit. */
#define CHUNK_SIZE ((gsize) 64 * 1024)

char *
md_format_read_limit (gsize limit)
{
  /* One unit system everywhere: the README's "512 MB" is 512 × 2^20 bytes,
   * and so is every limit MailDoctor states (g_format_size() would call the
   * same number "536.9 MB"). */
  if (limit >= 1024 * 1024 && limit % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MB", limit / (1024 * 1024));
  if (limit >= 1024 && limit % 1024 == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " kB", limit / 1024);

  return g_strdup_printf ("%" G_GSIZE_FORMAT " B", limit);
}

/* The one wording of "too large", also for input that arrived in memory
 * (a dropped text), so that every way in says the same. */
void
md_set_read_limit_error (GError **error,
                         gsize    limit)
{
  g_autofree char *text = md_format_read_limit (limit);

  /* Translators: %s is a size, "512 MB" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
               _("the input is larger than %s, the most MailDoctor reads"), text);
}

static void
set_too_large (GError **error,
               gsize    limit)
{
  md_set_read_limit_error (error, limit);
}

/* The size of a regular file behind @stream, or -1 (a pipe, a terminal, a
 * device: those are read until the limit). */
static goffset
known_size (GInputStream *stream,
            GCancellable *cancellable)
{
  if (G_IS_FILE_INPUT_STREAM (stream))
    {
      g_autoptr(GFileInfo) info = NULL;

      info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (stream),
                                             G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                             G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                             cancellable, NULL);
      if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        return g_file_info_get_size (info);
    }
  else if (G_IS_UNIX_INPUT_STREAM (stream))
    {
      struct stat st;

      if (fstat (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (stream)), &st) == 0 &&
          S_ISREG (st.st_mode))
        return st.st_size;
    }

  return -1;
}

GBytes *
md_read_bounded (GInputStream  *stream,
                 gsize          limit,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree guchar *buffer = NULL;
  gsize capacity;
  gsize len = 0;
  goffset size;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (limit < G_MAXSIZE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = known_size (stream, cancellable);
  if (size >= 0 && (guint64) size > limit)
    {
      set_too_large (error, limit);
      return NULL;
    }

  /* Own growth rather than GByteArray's: it rounds up to a power of two,
   * and 512 MB + 1 would reserve 1 GB. */
  capacity = size >= 0 ? MIN ((gsize) size + 1, limit + 1) : MIN (CHUNK_SIZE, limit + 1);
  buffer = g_malloc (MAX (capacity, 1));

  for (;;)
    {
      gssize n;

      if (len == capacity)
        {
          if (capacity == limit + 1)
            {
              set_too_large (error, limit);
              return NULL;
            }
          capacity = capacity > (limit + 1) / 2 ? limit + 1 : capacity * 2;
          buffer = g_realloc (buffer, capacity);
        }

      n = g_input_stream_read (stream, buffer + len, MIN (CHUNK_SIZE, capacity - len),
                               cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      len += n;
    }

  if (len > limit)
    {
      set_too_large (error, limit);
      return NULL;
    }

  buffer = g_realloc (buffer, MAX (len, 1));

  return g_bytes_new_take (g_steal_pointer (&buffer), len);
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GInputStream *stream = source_object;
  gsize limit = *(gsize *) task_data;
  GError *error = NULL;
  GBytes *bytes;

  bytes = md_read_bounded (stream, limit, cancellable, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
md_read_bounded_async (GInputStream        *stream,
                       gsize                limit,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_read_bounded_async);
  g_task_set_task_data (task, g_memdup2 (&limit, sizeof limit), g_free);
  g_task_run_in_thread (task, read_in_thread);
}

GBytes *
md_read_bounded_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_read_bounded_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
file_read_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GFile *file = source_object;
  gsize limit = *(gsize *) task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  GError *error = NULL;
  GBytes *bytes;

  stream = g_file_read (file, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  bytes = md_read_bounded (G_INPUT_STREAM (stream), limit, cancellable, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
md_file_read_bounded_async (GFile               *file,
                            gsize                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_file_read_bounded_async);
  g_task_set_task_data (task, g_memdup2 (&limit, sizeof limit), g_free);
  g_task_run_in_thread (task, file_read_in_thread);
}

GBytes *
md_file_read_bounded_finish (GFile         *file,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (g_task_is_valid (result, file), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
