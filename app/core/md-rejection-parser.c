/* md-rejection-parser.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "md-rejection-parser-private.h"
#include "md-util.h"

G_DEFINE_QUARK (md-rejection-parser-error-quark, md_rejection_parser_error)

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

gboolean
md_rejection_parser_is_dsn_field_line (const char *line)
{
  g_return_val_if_fail (line != NULL, FALSE);

  return md_rejection_is_dsn_field_line (line);
}

G_DEFINE_BOXED_TYPE (MdRejectionParse, md_rejection_parse,
                     md_rejection_parse_copy, md_rejection_parse_free)

static MdRejectionParse *
md_rejection_parse_new (void)
{
  MdRejectionParse *parse = g_new0 (MdRejectionParse, 1);

  parse->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  return parse;
}

MdRejectionParse *
md_rejection_parse_copy (const MdRejectionParse *parse)
{
  MdRejectionParse *copy;

  g_return_val_if_fail (parse != NULL, NULL);

  copy = md_rejection_parse_new ();
  for (guint i = 0; i < parse->rejections->len; i++)
    g_ptr_array_add (copy->rejections, md_rejection_copy (g_ptr_array_index (parse->rejections, i)));
  copy->truncated = parse->truncated;
  copy->seen = parse->seen;

  return copy;
}

void
md_rejection_parse_free (MdRejectionParse *parse)
{
  if (parse == NULL)
    return;

  g_clear_pointer (&parse->rejections, g_ptr_array_unref);
  g_free (parse);
}

static GPtrArray *
parse_text (const char   *data,
            gsize         len,
            GCancellable *cancellable)
{
  Collector c;
  GPtrArray *result;

  md_rejection_collector_init (&c, cancellable);
  md_rejection_scan_text (&c, data, len);
  result = g_steal_pointer (&c.rejections);
  md_rejection_collector_clear (&c);

  return result;
}

/* How many distinct rejections a text holds when the collector stopped at
 * its cap: the text is read again in pieces small enough to stay under the
 * cap, each piece's rejections counted once by reply, status and recipient.
 * Only for the report ("1,000 of 3,412 shown"); a rejection whose lines
 * straddle two pieces may count twice. */
#define COUNT_PIECE ((gsize) 64 * 1024)

static guint
count_distinct (const char   *data,
                gsize         len,
                GCancellable *cancellable)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *stop = p + MIN (COUNT_PIECE, (gsize) (end - p));
      g_autoptr(GPtrArray) piece = NULL;

      if (stop < end)
        {
          const char *nl = memchr (stop, '\n', end - stop);
          stop = nl != NULL ? nl + 1 : end;
        }
      if (g_cancellable_is_cancelled (cancellable))
        break;

      piece = parse_text (p, stop - p, cancellable);
      for (guint i = 0; i < piece->len; i++)
        g_hash_table_add (keys, md_rejection_full_key (g_ptr_array_index (piece, i)));
      p = stop;
    }

  return g_hash_table_size (keys);
}

/* One message of the input (the whole input unless it is an mbox): the
 * MIME structure when it is a mail within the guards, else its text. */
static GPtrArray *
parse_one (MdInput      *input,
           guint         index,
           GCancellable *cancellable,
           guint        *seen)
{
  GMimeMessage *message = md_input_get_message (input, index);
  gsize len = 0;
  const char *data;
  GPtrArray *result;

  if (message != NULL)
    {
      result = md_rejection_parse_message_object (message, cancellable, 0);
      /* Broken MIME (a boundary that never occurs) hides the parts from
       * GMime: then the raw text is all there is. */
      if (result->len > 0)
        {
          *seen = result->len;
          return result;
        }
      g_ptr_array_unref (result);
    }

  data = md_input_get_message_text (input, index, &len);
  result = parse_text (data, len, cancellable);
  *seen = result->len;
  if (result->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
    *seen = MAX (result->len, count_distinct (data, len, cancellable));

  return result;
}

static gboolean
check_size (gsize    len,
            GError **error)
{
  if (len > MD_REJECTION_PARSER_MAX_INPUT)
    {
      g_autofree char *size = g_format_size_full (len, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (MD_REJECTION_PARSER_MAX_INPUT,
                                                   G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, MD_REJECTION_PARSER_ERROR, MD_REJECTION_PARSER_ERROR_TOO_LARGE,
                   _("The input is too large (%s); the limit is %s."), size, limit);
      return FALSE;
    }

  return TRUE;
}

static MdRejectionParse *
parse_input (MdInput      *input,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr(MdRejectionParse) parse = NULL;
  gboolean mbox;
  guint n;

  md_core_init ();

  if (!check_size (g_bytes_get_size (md_input_get_bytes (input)), error))
    return NULL;

  parse = md_rejection_parse_new ();
  mbox = md_input_is_mbox (input);
  n = md_input_get_n_messages (input);

  /* The messages of an mbox are read one by one, each as if it were a file
   * of its own: the same bounce gives the same rejections either way. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) found = NULL;
      guint seen = 0;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      found = parse_one (input, i, cancellable, &seen);
      parse->seen += seen;
      for (guint j = 0; j < found->len; j++)
        {
          MdRejection *r = g_ptr_array_index (found, j);

          if (parse->rejections->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
            break;
          g_free (r->source_file);
          r->source_file = g_strdup (md_input_get_name (input));
          r->source_message = mbox ? i + 1 : 0;
          g_ptr_array_add (parse->rejections, g_steal_pointer (&found->pdata[j]));
        }
    }

  parse->truncated = parse->seen > parse->rejections->len;

  return g_steal_pointer (&parse);
}

MdRejectionParse *
md_rejection_parse_input (MdInput       *input,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (MD_IS_INPUT (input), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_input (input, cancellable, error);
}

GPtrArray *
md_rejection_parse_bytes (GBytes  *input,
                          GError **error)
{
  g_autoptr(MdInput) in = NULL;
  g_autoptr(MdRejectionParse) parse = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in = md_input_new (input, NULL);
  parse = parse_input (in, NULL, error);
  if (parse == NULL)
    return NULL;

  return g_steal_pointer (&parse->rejections);
}

GPtrArray *
md_rejection_parse_text (const char *utf8)
{
  g_autoptr(MdInput) in = NULL;
  g_autoptr(MdRejectionParse) parse = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  in = md_input_new_for_text (utf8);
  parse = parse_input (in, NULL, NULL);
  /* Only an input over the size limit has no result. */
  if (parse == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  return g_steal_pointer (&parse->rejections);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  MdInput *input = task_data;
  g_autoptr(MdRejectionParse) parse = NULL;
  GError *error = NULL;

  parse = parse_input (input, cancellable, &error);
  if (parse == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&parse), (GDestroyNotify) md_rejection_parse_free);
}

void
md_rejection_parse_input_async (MdInput             *input,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_INPUT (input));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rejection_parse_input_async);
  g_task_set_task_data (task, g_object_ref (input), g_object_unref);
  g_task_run_in_thread (task, parse_thread);
}

MdRejectionParse *
md_rejection_parse_input_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_rejection_parse_input_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
parse_bytes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(MdRejectionParse) parse = NULL;
  GError *error = NULL;

  parse = md_rejection_parse_input_finish (result, &error);
  if (parse == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&parse->rejections),
                           (GDestroyNotify) g_ptr_array_unref);
}

void
md_rejection_parse_async (GBytes              *input,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MdInput) in = NULL;

  g_return_if_fail (input != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rejection_parse_async);
  in = md_input_new (input, NULL);
  md_rejection_parse_input_async (in, cancellable, parse_bytes_cb, g_steal_pointer (&task));
}

GPtrArray *
md_rejection_parse_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_rejection_parse_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
