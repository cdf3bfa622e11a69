/* md-cli.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include <gio/gunixinputstream.h>

#include "md-cli.h"

int
md_cli_usage_error (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line, whatever the message held. */
  g_strdelimit (message, "\r\n", ' ');
  g_printerr ("maildoctor-cli: %s\n", message);

  return MD_CLI_EXIT_USAGE;
}

GBytes *
md_cli_read_input (const char  *path,
                   GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = NULL;

  if (path == NULL || g_str_equal (path, "-"))
    {
      stream = g_unix_input_stream_new (0, FALSE);
    }
  else
    {
      file = g_file_new_for_commandline_arg (path);
      stream = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (stream == NULL)
        return NULL;
    }

  sink = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (sink, stream,
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                              G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, error) < 0)
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
}

gboolean
md_cli_parse_options (GOptionContext   *context,
                      int              *argc,
                      char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      md_cli_usage_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}
