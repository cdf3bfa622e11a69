/* main.c — maildoctor-cli
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-util.h"

typedef struct
{
  const char       *name;
  MdCliCommandFunc  func;
  const char       *summary;
} MdCliCommand;

/* Sub-commands, in the order --help lists them. */
static const MdCliCommand commands[] = {
  MD_CLI_COMMANDS
};

static void
print_help (void)
{
  g_print ("%s\n", _("Usage: maildoctor-cli COMMAND [OPTION…]"));
  g_print ("\n%s\n", _("Diagnose rejected mail: read the rejection, check the sending server, draft the delist request."));
  g_print ("\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].name != NULL)
      g_print ("  %-13s  %s\n", commands[i].name, g_dgettext (GETTEXT_PACKAGE, commands[i].summary));
  g_print ("\n%s\n", _("Options:"));
  g_print ("  %-16s  %s\n", "-h, --help", _("Show this help"));
  g_print ("  %-16s  %s\n", "--version", _("Show the version"));
  g_print ("\n%s\n", _("Run “maildoctor-cli COMMAND --help” for a command’s options."));
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, md_core_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  md_core_init ();
  md_cli_output_init ();

  if (argc < 2)
    return md_cli_usage_error ("%s", _("no command given (try “maildoctor-cli --help”)"));

  name = argv[1];

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_help ();
      return md_cli_output_finish (MD_CLI_EXIT_OK);
    }

  if (g_str_equal (name, "--version"))
    {
      g_print ("maildoctor-cli %s\n", PACKAGE_VERSION);
      return md_cli_output_finish (MD_CLI_EXIT_OK);
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (commands[i].name != NULL && g_str_equal (commands[i].name, name))
        {
          /* The command sees itself as argv[0], so GOption's messages and
           * --help name it. */
          g_autofree char *prgname = g_strdup_printf ("maildoctor-cli %s", name);
          g_set_prgname (prgname);
          return md_cli_output_finish (commands[i].func (argc - 1, argv + 1));
        }
    }

  if (name[0] == '-')
    return md_cli_usage_error (_("unknown option “%s” (try “maildoctor-cli --help”)"), name);

  return md_cli_usage_error (_("unknown command “%s” (try “maildoctor-cli --help”)"), name);
}
