/* md-cli.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "md-diagnosis.h"

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

  /* Chunk by chunk up to the parser's bound, never the whole of an endless
   * input (parse /dev/zero): the message names the limit as the README does. */
  return md_input_read_stream (stream, NULL, error);
}

/* Output ------------------------------------------------------------------ */

static int stdout_errno;

char *
md_cli_sanitize_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Line feed and tab are layout; a CR before a line feed is a line
       * end from the network. Everything else a terminal acts on — C0, DEL,
       * C1 (U+009B is CSI to some terminals), the bidirectional overrides
       * that reorder what is shown, the Unicode line separators — is shown
       * as \uXXXX: visible, and in JSON text the same value. */
      if (c == '\n' || c == '\t')
        g_string_append_c (out, (char) c);
      else if (c == '\r' && p[1] == '\n')
        continue;
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
               (c >= 0x200e && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static void
print_sanitized (FILE       *stream,
                 const char *string)
{
  g_autofree char *clean = md_cli_sanitize_text (string);
  g_autofree char *converted = NULL;
  const char *charset;

  /* What GLib's own handler does: the locale's charset, "?" for what it
   * cannot show. */
  if (!g_get_console_charset (&charset))
    converted = g_convert_with_fallback (clean, -1, charset, "UTF-8", "?", NULL, NULL, NULL);

  if ((fputs (converted != NULL ? converted : clean, stream) == EOF || fflush (stream) != 0) &&
      stream == stdout && stdout_errno == 0)
    stdout_errno = errno != 0 ? errno : EIO;
}

static void
print_stdout (const char *string)
{
  print_sanitized (stdout, string);
}

static void
print_stderr (const char *string)
{
  /* Once stdout failed, the one line on stderr is the error ("maildoctor-cli:
   * …", the command's or md_cli_output_finish()'s); notes about the output
   * that was lost are left out. */
  if (stdout_errno != 0 && !g_str_has_prefix (string, "maildoctor-cli: "))
    return;

  print_sanitized (stderr, string);
}

void
md_cli_output_init (void)
{
  g_set_print_handler (print_stdout);
  g_set_printerr_handler (print_stderr);
}

int
md_cli_output_finish (int status)
{
  if (fflush (stdout) != 0 && stdout_errno == 0)
    stdout_errno = errno != 0 ? errno : EIO;
  if (ferror (stdout) && stdout_errno == 0)
    stdout_errno = EIO;

  if (stdout_errno == 0)
    return status;

  /* The command's own error line, when it failed, is the one line. */
  if (status == MD_CLI_EXIT_OK)
    return md_cli_usage_error (_("cannot write the output: %s"), g_strerror (stdout_errno));

  return status;
}

gboolean
md_cli_write_output_file (const char  *path,
                          GBytes      *bytes,
                          GError     **error)
{
  const guchar *data = g_bytes_get_data (bytes, NULL);
  gsize len = g_bytes_get_size (bytes);
  struct stat st;
  int fd;

  if (g_str_equal (path, "-"))
    {
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          int saved = errno != 0 ? errno : EIO;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                               g_strerror (saved));
          /* Reported here: not a second time at exit. */
          clearerr (stdout);
          return FALSE;
        }
      return TRUE;
    }

  /* Into the path the user gave, never replacing what is there: a symlink,
   * FIFO or device node is refused (O_NOFOLLOW, O_NONBLOCK so a FIFO with
   * no reader fails instead of blocking, then fstat on what was opened); a
   * new file is private to the user (0600, like the window's saved files). */
  fd = g_open (path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ELOOP || saved == ENXIO ||
          (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode)))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                             _("not a regular file"));
      else
        g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                             g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                           _("not a regular file"));
      close (fd);
      return FALSE;
    }

  if (ftruncate (fd, 0) != 0)
    goto failed;
  for (gsize done = 0; done < len;)
    {
      gssize n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;
      done += n;
    }
  if (fsync (fd) != 0 && errno != EINVAL)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }

  return TRUE;

failed:
  {
    int saved = errno;

    if (fd >= 0)
      close (fd);
    g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
    return FALSE;
  }
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

  /* GOption leaves the "--" that ends the options in argv: drop it, so that
   * "parse -- -dash.txt" reads the file named -dash.txt. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }

  return TRUE;
}
