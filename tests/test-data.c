/* test-data.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one reader of the XML data files (md-data.c) and the one receiver
 * vocabulary that rejection-providers.xml, blocklists.xml, knowledge.xml and
 * templates.xml share with receivers.xml. */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "md-blocklists.h"
#include "md-data.h"
#include "md-knowledge.h"
#include "md-receivers.h"
#include "md-rejection.h"
#include "md-util.h"

/* A loader that counts how often it parses: it reads receivers.xml and
 * returns the number of <receiver> elements. */
static int begin_calls;

static void
count_start_cb (GMarkupParseContext  *context,
                const char           *element_name,
                const char          **attribute_names,
                const char          **attribute_values,
                gpointer              user_data,
                GError              **error)
{
  if (g_str_equal (element_name, "receiver"))
    (*(guint *) user_data)++;
}

static gpointer
count_begin (void)
{
  g_atomic_int_inc (&begin_calls);
  return g_new0 (guint, 1);
}

static gpointer
count_end (gpointer   state,
           gboolean   parsed,
           GError   **error)
{
  if (!parsed)
    g_clear_pointer (&state, g_free);
  return state;
}

static const MdDataFile count_file = {
  "receivers.xml",
  { count_start_cb, NULL, NULL, NULL, NULL },
  0,
  count_begin,
  count_end,
  g_free,
};

static gpointer
get_count_thread (gpointer data)
{
  return md_data_file_get (&count_file, NULL);
}

/* The file is parsed once, whichever thread asks first, and every caller
 * gets the same object; so do the loaders built on the reader. */
static void
test_cache (void)
{
  g_autoptr(GError) error = NULL;
  GThread *threads[8];
  guint *count;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GPtrArray) lists_again = NULL;
  g_autoptr(GPtrArray) receivers = NULL;
  g_autoptr(GPtrArray) receivers_again = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("data", get_count_thread, NULL);
  count = md_data_file_get (&count_file, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (g_thread_join (threads[i]) == count);

  g_assert_cmpint (g_atomic_int_get (&begin_calls), ==, 1);
  g_assert_cmpuint (*count, >=, 15);

  lists = md_blocklist_catalog_load (&error);
  g_assert_no_error (error);
  lists_again = md_blocklist_catalog_load (&error);
  g_assert_true (lists == lists_again);

  receivers = md_receiver_catalog_load (&error);
  g_assert_no_error (error);
  receivers_again = md_receiver_catalog_load (&error);
  g_assert_true (receivers == receivers_again);
  g_assert_cmpuint (receivers->len, ==, *count);

  g_assert_true (md_knowledge_get_default () == md_knowledge_get_default ());
}

/* An inline file that is not well-formed, and one with a schema error: both
 * name the file and the line. */
static void
test_parse_errors (void)
{
  static const char broken[] = "<maildoctor-data>\n\n  <receiver id=\"x\"\n</maildoctor-data>\n";
  static const char wrong_kind[] =
    "<maildoctor-data>\n"
    "  <provider id=\"p\"><name>P</name></provider>\n"
    "  <receiver id=\"x\" family=\"f\" provider=\"p\" kind=\"mainframe\">\n"
    "</maildoctor-data>\n";
  g_autoptr(GError) error = NULL;

  g_assert_null (md_receiver_catalog_parse (broken, -1, &error));
  g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "receivers.xml:4: "));
  g_clear_error (&error);

  g_assert_null (md_receiver_catalog_parse (wrong_kind, -1, &error));
  g_assert_error (error, MD_RECEIVER_ERROR, MD_RECEIVER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "receivers.xml:3: x: unknown kind “mainframe”");
}

/* The files G_RESOURCE_OVERLAYS puts in place of the built-in ones are
 * read instead (the benchmarks replace blocklists.xml so); a broken one
 * fails with its file and line, every time, and the rest still loads. */
static void
test_overlay (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (md_receiver_catalog_load (&error));
      g_assert_error (error, MD_RECEIVER_ERROR, MD_RECEIVER_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, "receivers.xml:3: x: unknown provider “nobody”");
      g_clear_error (&error);
      g_assert_null (md_receiver_catalog_load (&error));
      g_assert_cmpstr (error->message, ==, "receivers.xml:3: x: unknown provider “nobody”");
      g_clear_error (&error);

      g_assert_null (md_blocklist_catalog_load (&error));
      g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, "blocklists.xml:2: "));
      g_clear_error (&error);

      g_assert_nonnull (md_knowledge_get_default ());
      return;
    }
  else
    {
      g_autofree char *dir = g_dir_make_tmp ("md-data-XXXXXX", NULL);
      g_autofree char *receivers = g_build_filename (dir, "receivers.xml", NULL);
      g_autofree char *lists = g_build_filename (dir, "blocklists.xml", NULL);
      g_autofree char *overlays = NULL;

      g_assert_nonnull (dir);
      g_assert_true (g_file_set_contents (receivers,
                                          "<maildoctor-data>\n"
                                          "  <provider id=\"p\"><name>P</name></provider>\n"
                                          "  <receiver id=\"x\" family=\"f\" provider=\"nobody\""
                                          " kind=\"consumer\">\n"
                                          "</maildoctor-data>\n", -1, NULL));
      g_assert_true (g_file_set_contents (lists, "<maildoctor-data>\n  <blocklist & >\n"
                                          "</maildoctor-data>\n", -1, NULL));
      overlays = g_strdup_printf ("%s/data/receivers.xml=%s%c%s/data/blocklists.xml=%s",
                                  RESOURCE_PATH, receivers, G_SEARCHPATH_SEPARATOR,
                                  RESOURCE_PATH, lists);
      g_setenv ("G_RESOURCE_OVERLAYS", overlays, TRUE);
      g_test_trap_subprocess (NULL, 0, 0);
      g_unsetenv ("G_RESOURCE_OVERLAYS");
      g_remove (receivers);
      g_remove (lists);
      g_rmdir (dir);
      g_test_trap_assert_passed ();
    }
}

/* Names a data file uses for receivers and providers, read from the file in
 * the source tree: attribute @attribute of <@element>, or the text of
 * <@element> when @attribute is NULL. */
typedef struct
{
  const char *element;
  const char *attribute;
  GPtrArray  *names;
  gboolean    in_element;
  GString    *text;
} Collect;

static void
collect_start_cb (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  Collect *collect = user_data;

  if (!g_str_equal (element_name, collect->element))
    return;
  if (collect->attribute == NULL)
    {
      collect->in_element = TRUE;
      g_string_truncate (collect->text, 0);
      return;
    }
  for (guint i = 0; attribute_names[i] != NULL; i++)
    if (g_str_equal (attribute_names[i], collect->attribute) && attribute_values[i][0] != '\0')
      g_ptr_array_add (collect->names, g_strdup (attribute_values[i]));
}

static void
collect_end_cb (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  Collect *collect = user_data;

  if (collect->in_element && g_str_equal (element_name, collect->element))
    {
      g_ptr_array_add (collect->names, md_normalize_space (collect->text->str));
      collect->in_element = FALSE;
    }
}

static void
collect_text_cb (GMarkupParseContext  *context,
                 const char           *text,
                 gsize                 text_len,
                 gpointer              user_data,
                 GError              **error)
{
  Collect *collect = user_data;

  if (collect->in_element)
    g_string_append_len (collect->text, text, text_len);
}

static GPtrArray *
collect_names (const char *file,
               const char *element,
               const char *attribute)
{
  static const GMarkupParser parser = {
    collect_start_cb, collect_end_cb, collect_text_cb, NULL, NULL
  };
  g_autofree char *path = g_build_filename (g_getenv ("MD_SOURCE_ROOT"), "resources", "data",
                                            file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Collect collect = { element, attribute, g_ptr_array_new_with_free_func (g_free), FALSE,
                      g_string_new (NULL) };

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &collect, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, -1, &error));
  g_assert_no_error (error);
  g_string_free (collect.text, TRUE);

  return collect.names;
}

/* Every name the rejection parser, the blocklist catalog, the knowledge
 * base and the templates use for a receiver is one of receivers.xml. */
static void
test_one_vocabulary (void)
{
  g_autoptr(GPtrArray) rule_receivers = collect_names ("rejection-providers.xml", "rule",
                                                       "receiver");
  g_autoptr(GPtrArray) rule_providers = collect_names ("rejection-providers.xml", "rule",
                                                       "provider");
  g_autoptr(GPtrArray) knowledge_providers = collect_names ("knowledge.xml", "provider", NULL);
  g_autoptr(GPtrArray) knowledge_urls = collect_names ("knowledge.xml", "url", "provider");
  g_autoptr(GPtrArray) template_urls = collect_names ("templates.xml", "url", "provider");
  g_autoptr(GPtrArray) list_receivers = collect_names ("blocklists.xml", "receiver", NULL);
  GPtrArray *providers[] = { rule_providers, knowledge_providers, knowledge_urls, template_urls };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = md_blocklist_catalog_load (&error);

  g_assert_no_error (error);
  g_assert_nonnull (lists);
  g_assert_cmpuint (rule_receivers->len, >=, 27);
  g_assert_cmpuint (rule_providers->len, >=, 79);
  g_assert_cmpuint (knowledge_providers->len, >=, 40);
  g_assert_cmpuint (template_urls->len, >=, 1);
  g_assert_cmpuint (list_receivers->len, >=, 14);

  for (guint i = 0; i < rule_receivers->len; i++)
    {
      g_test_message ("rule receiver %s", (char *) g_ptr_array_index (rule_receivers, i));
      g_assert_nonnull (md_receiver_lookup (g_ptr_array_index (rule_receivers, i)));
    }
  for (guint i = 0; i < list_receivers->len; i++)
    {
      g_test_message ("blocklist receiver %s", (char *) g_ptr_array_index (list_receivers, i));
      g_assert_nonnull (md_receiver_lookup (g_ptr_array_index (list_receivers, i)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    for (guint j = 0; j < providers[i]->len; j++)
      {
        g_test_message ("provider %s", (char *) g_ptr_array_index (providers[i], j));
        g_assert_nonnull (md_receiver_provider_name (g_ptr_array_index (providers[i], j)));
      }

  /* The parser's provider and service pairs, as the CLI's JSON has them. */
  g_assert_cmpstr (md_receiver_lookup ("microsoft-365")->provider, ==, "microsoft");
  g_assert_cmpstr (md_receiver_lookup ("microsoft-365")->service, ==, "exchange-online");
  g_assert_cmpstr (md_receiver_lookup ("outlook-com")->service, ==, "outlook-com");
  g_assert_cmpstr (md_receiver_lookup ("web-de")->provider, ==, "web.de");
  g_assert_cmpstr (md_receiver_lookup ("aol")->provider, ==, "yahoo");
  g_assert_null (md_receiver_lookup ("aol")->service);
  g_assert_cmpstr (md_receiver_lookup_service ("microsoft", "outlook-com")->id, ==,
                   "outlook-com");
  g_assert_null (md_receiver_lookup_service ("microsoft", "hotmail"));

  /* Display names come from the data, unknown providers by their id. */
  g_assert_cmpstr (md_provider_display_name ("microsoft"), ==, "Microsoft");
  g_assert_cmpstr (md_provider_display_name ("google"), ==, "Gmail");
  g_assert_cmpstr (md_provider_display_name ("web.de"), ==, "WEB.DE");
  g_assert_cmpstr (md_provider_display_name ("example-mail"), ==, "example-mail");
  g_assert_null (md_provider_display_name (NULL));
  g_assert_cmpstr (md_provider_service_display_name ("microsoft", "exchange-online"), ==,
                   "Exchange Online");
  g_assert_cmpstr (md_provider_service_display_name ("microsoft", "outlook-com"), ==,
                   "Outlook.com");
  g_assert_cmpstr (md_provider_service_display_name ("microsoft", NULL), ==, "Microsoft");
  g_assert_cmpstr (md_provider_service_display_name ("t-online", NULL), ==, "T-Online");
}

/* msgid → msgstr of the single-line entries of po/de.po. */
static GHashTable *
read_german_catalog (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MD_SOURCE_ROOT"), "po", "de.po", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *catalog = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (g_str_has_prefix (lines[i], "msgid \"") && g_str_has_prefix (lines[i + 1], "msgstr \"") &&
        g_str_has_suffix (lines[i], "\"") && g_str_has_suffix (lines[i + 1], "\""))
      {
        g_autofree char *id = g_strndup (lines[i] + strlen ("msgid \""),
                                         strlen (lines[i]) - strlen ("msgid \"\""));
        g_autofree char *str = g_strndup (lines[i + 1] + strlen ("msgstr \""),
                                          strlen (lines[i + 1]) - strlen ("msgstr \"\""));

        g_hash_table_insert (catalog, g_strcompress (id), g_strcompress (str));
      }

  return catalog;
}

/* Every provider and every receiver has a display name in English and in
 * German: marked translatable in receivers.xml, translated in po/de.po. */
static void
test_display_names_translated (void)
{
  g_autoptr(GPtrArray) names = collect_names ("receivers.xml", "name", NULL);
  g_autoptr(GPtrArray) translatable = collect_names ("receivers.xml", "name", "translatable");
  g_autoptr(GPtrArray) provider_ids = collect_names ("receivers.xml", "provider", "id");
  g_autoptr(GPtrArray) receiver_ids = collect_names ("receivers.xml", "receiver", "id");
  g_autoptr(GHashTable) german = read_german_catalog ();

  g_assert_cmpuint (names->len, ==, provider_ids->len + receiver_ids->len);
  g_assert_cmpuint (translatable->len, ==, names->len);
  for (guint i = 0; i < translatable->len; i++)
    g_assert_cmpstr (g_ptr_array_index (translatable, i), ==, "yes");

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *german_name = g_hash_table_lookup (german, name);

      g_test_message ("name %s", name);
      g_assert_true (name[0] != '\0');
      g_assert_nonnull (german_name);
      g_assert_true (german_name[0] != '\0');
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Data/cache", test_cache);
  g_test_add_func ("/MailDoctor/Data/parse-errors", test_parse_errors);
  g_test_add_func ("/MailDoctor/Data/overlay", test_overlay);
  g_test_add_func ("/MailDoctor/Data/one-vocabulary", test_one_vocabulary);
  g_test_add_func ("/MailDoctor/Data/display-names-translated", test_display_names_translated);

  return g_test_run ();
}
