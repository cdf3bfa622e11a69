/* test-handoff.c — the hand-off to the mail client, against a mock Email
 * portal on a private session bus and a fake xdg-email
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "md-draft.h"
#include "md-handoff.h"
#include "md-test-util.h"
#include "md-util.h"

/* Text a hostile or careless rejection could put into a draft. */
#define HOSTILE_SUBJECT "-x --body \"quoted\" $(touch /tmp/pwned) `id`; 'single'"
#define HOSTILE_BODY \
  "--attach /etc/passwd\n" \
  "line two with $(rm -rf ~) and \"quotes\" and 'apostrophes'\n" \
  "Umlaute: Prüfung für Müller & Söhne\n" \
  "percent %41 and ampersand & equals = question ? hash #\n"

/* ------------------------------------------------------------------ */
/* A mock org.freedesktop.portal.Email                                 */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Email'>"
  "    <method name='ComposeEmail'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "  <interface name='org.freedesktop.portal.Request'>"
  "    <method name='Close'/>"
  "  </interface>"
  "</node>";

/* A Response the mock never sends: the user is still in the dialog. */
#define NO_RESPONSE G_MAXUINT32

typedef struct
{
  GDBusConnection *connection;
  guint            registration_id;
  guint32          version;
  guint32          response;          /* what the Response signal says */
  gboolean         respond_first;     /* Response before the method reply */
  guint            n_calls;
  guint            request_id;        /* the Request object, for Close */
  gboolean         closed;
  GCancellable    *cancel_on_call;    /* cancelled once ComposeEmail arrives */
  char            *parent_window;
  GVariant        *options;
  GPtrArray       *attachments;       /* of GBytes, read from the fds */
} MockPortal;

typedef struct
{
  MockPortal *portal;
  char       *destination;
  char       *path;
} PendingResponse;

static GTestDBus *test_bus;
static const GDBusInterfaceVTable portal_vtable;

static void
emit_response (MockPortal *portal,
               const char *destination,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder results;

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_dbus_connection_emit_signal (portal->connection, destination, path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", portal->response, &results),
                                 &error);
  g_assert_no_error (error);
}

static gboolean
emit_response_idle_cb (gpointer user_data)
{
  PendingResponse *pending = user_data;

  emit_response (pending->portal, pending->destination, pending->path);
  g_free (pending->destination);
  g_free (pending->path);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static GBytes *
read_fd (int fd)
{
  GByteArray *array = g_byte_array_new ();
  guint8 buffer[4096];
  gssize n;

  g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (array, buffer, n);
  g_assert_cmpint (n, ==, 0);

  return g_byte_array_free_to_bytes (array);
}

static void
portal_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  MockPortal *portal = user_data;
  GUnixFDList *fds = g_dbus_message_get_unix_fd_list (g_dbus_method_invocation_get_message (invocation));
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) handles = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender_part = NULL;
  g_autofree char *path = NULL;
  PendingResponse *pending;

  if (g_str_equal (method_name, "Close"))
    {
      g_assert_cmpstr (interface_name, ==, "org.freedesktop.portal.Request");
      portal->closed = TRUE;
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }

  g_assert_cmpstr (method_name, ==, "ComposeEmail");
  portal->n_calls++;
  g_clear_pointer (&portal->parent_window, g_free);
  g_clear_pointer (&portal->options, g_variant_unref);
  g_variant_get (parameters, "(s@a{sv})", &portal->parent_window, &portal->options);

  g_ptr_array_set_size (portal->attachments, 0);
  handles = g_variant_lookup_value (portal->options, "attachment_fds", G_VARIANT_TYPE ("ah"));
  if (handles != NULL)
    for (gsize i = 0; i < g_variant_n_children (handles); i++)
      {
        gint32 handle;
        int fd;

        g_variant_get_child (handles, i, "h", &handle);
        g_assert_nonnull (fds);
        fd = g_unix_fd_list_get (fds, handle, NULL);
        g_assert_cmpint (fd, >=, 0);
        g_ptr_array_add (portal->attachments, read_fd (fd));
        close (fd);
      }

  /* The request path the portal documentation defines. */
  g_assert_true (g_variant_lookup (portal->options, "handle_token", "s", &token));
  sender_part = g_strdup (sender + 1);
  g_strdelimit (sender_part, ".", '_');
  path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender_part, token);

  info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  portal->request_id = g_dbus_connection_register_object (connection, path, info->interfaces[1],
                                                          &portal_vtable, portal, NULL, &error);
  g_assert_no_error (error);

  if (portal->cancel_on_call != NULL)
    g_cancellable_cancel (portal->cancel_on_call);

  if (portal->response == NO_RESPONSE)
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));
      return;
    }

  if (portal->respond_first)
    emit_response (portal, sender, path);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));

  if (!portal->respond_first)
    {
      pending = g_new0 (PendingResponse, 1);
      pending->portal = portal;
      pending->destination = g_strdup (sender);
      pending->path = g_steal_pointer (&path);
      g_idle_add (emit_response_idle_cb, pending);
    }
}

static GVariant *
portal_get_property (GDBusConnection  *connection,
                     const char       *sender,
                     const char       *object_path,
                     const char       *interface_name,
                     const char       *property_name,
                     GError          **error,
                     gpointer          user_data)
{
  MockPortal *portal = user_data;

  g_assert_cmpstr (property_name, ==, "version");
  return g_variant_new_uint32 (portal->version);
}

static const GDBusInterfaceVTable portal_vtable = {
  portal_method_call,
  portal_get_property,
  NULL,
  { 0 },
};

static MockPortal *
mock_portal_new (guint32 version,
                 guint32 response)
{
  MockPortal *portal = g_new0 (MockPortal, 1);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 result;

  portal->version = version;
  portal->response = response;
  portal->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  portal->connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);

  portal->registration_id =
    g_dbus_connection_register_object (portal->connection, "/org/freedesktop/portal/desktop",
                                       info->interfaces[0], &portal_vtable, portal, NULL,
                                       &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (portal->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Desktop",
                                                      4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1 /* PRIMARY_OWNER */);

  return portal;
}

static void
mock_portal_free (MockPortal *portal)
{
  if (portal->request_id != 0)
    g_dbus_connection_unregister_object (portal->connection, portal->request_id);
  g_dbus_connection_unregister_object (portal->connection, portal->registration_id);
  g_dbus_connection_close_sync (portal->connection, NULL, NULL);
  g_object_unref (portal->connection);
  g_free (portal->parent_window);
  g_clear_pointer (&portal->options, g_variant_unref);
  g_ptr_array_unref (portal->attachments);
  g_free (portal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockPortal, mock_portal_free)

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

static MdDraft *
make_draft (const char *recipient,
            const char *subject,
            const char *body)
{
  MdDraft *draft = md_draft_new ();
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GBytes) binary = NULL;
  static const guchar octets[] = { 0x00, 0xff, 0x0d, 0x0a, 'M', 0xc3, 0xbc };
  static const char rejection[] = "550 5.7.511 Access denied, banned sender[203.0.113.7].\n";

  draft->channel_id = g_strdup ("microsoft-delist-mail");
  draft->channel_kind = MD_CHANNEL_EMAIL;
  draft->recipient = g_strdup (recipient);
  draft->subject = g_strdup (subject);
  draft->body = g_strdup (body);
  draft->language = g_strdup ("en");

  text = g_bytes_new_static (rejection, strlen (rejection));
  binary = g_bytes_new_static (octets, sizeof octets);
  md_draft_add_attachment (draft, "rejection.txt", "text/plain; charset=utf-8", text);
  /* A hostile name must stay inside the private directory. */
  md_draft_add_attachment (draft, "../Prüfbericht.bin", "application/octet-stream", binary);

  return draft;
}

typedef struct
{
  GMainLoop       *loop;
  MdHandoffMethod  method;
  GError          *error;
} RunResult;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunResult *r = user_data;

  r->method = md_handoff_run_finish (MD_HANDOFF (object), result, &r->error);
  g_main_loop_quit (r->loop);
}

static MdHandoffMethod
run_handoff (MdHandoff     *handoff,
             GCancellable  *cancellable,
             GError       **error)
{
  RunResult r = { g_main_loop_new (NULL, FALSE), MD_HANDOFF_METHOD_NONE, NULL };

  md_handoff_run_async (handoff, cancellable, run_cb, &r);
  g_main_loop_run (r.loop);
  g_main_loop_unref (r.loop);
  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.method;
}

/* PATH holds only the fake xdg-email (or nothing useful), the log goes to
 * a fresh directory. */
typedef struct
{
  char *log_dir;
  char *log;
  char *saved_path;
} FakeXdgEmail;

static FakeXdgEmail *
fake_xdg_email_setup (gboolean    present,
                      const char *status)
{
  FakeXdgEmail *fake = g_new0 (FakeXdgEmail, 1);
  g_autofree char *bin = md_test_srcdir_path ("fake-xdg-email", NULL);
  g_autoptr(GError) error = NULL;

  fake->log_dir = g_dir_make_tmp ("md-test-xdg-XXXXXX", &error);
  g_assert_no_error (error);
  fake->log = g_build_filename (fake->log_dir, "argv", NULL);
  fake->saved_path = g_strdup (g_getenv ("PATH"));
  g_setenv ("PATH", present ? bin : fake->log_dir, TRUE);
  g_setenv ("MD_FAKE_XDG_EMAIL_LOG", fake->log, TRUE);
  g_setenv ("MD_FAKE_XDG_EMAIL_STATUS", status, TRUE);

  return fake;
}

static void
fake_xdg_email_free (FakeXdgEmail *fake)
{
  g_autoptr(GDir) dir = g_dir_open (fake->log_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fake->log_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fake->log_dir);
  if (fake->saved_path != NULL)
    g_setenv ("PATH", fake->saved_path, TRUE);
  g_free (fake->log_dir);
  g_free (fake->log);
  g_free (fake->saved_path);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeXdgEmail, fake_xdg_email_free)

/* The argv the fake recorded, without argv[0]. */
static GStrv
fake_xdg_email_argv (FakeXdgEmail *fake)
{
  g_autofree char *contents = NULL;
  gsize len;
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv argv;

  if (!g_file_get_contents (fake->log, &contents, &len, NULL))
    {
      g_strv_builder_unref (builder);
      return NULL;
    }
  for (gsize i = 0; i < len; i += strlen (contents + i) + 1)
    g_strv_builder_add (builder, contents + i);
  argv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return argv;
}

static void
assert_attachment_bytes (GBytes        *got,
                         const MdDraft *draft,
                         guint          index)
{
  const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, index);

  g_assert_true (g_bytes_equal (got, a->data));
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void
test_portal_ok (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, 0);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@messaging.microsoft.com",
                                         "Delist request for IP 203.0.113.7", HOSTILE_BODY);
  g_autoptr(MdHandoff) handoff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **addresses = NULL;
  g_autofree const char **cc = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  struct stat st;
  MdHandoffMethod method;

  /* Microsoft: the documented address in copy (knowledge.xml). */
  draft->cc = g_strdup ("delist@microsoft.com");
  handoff = md_handoff_new (draft);
  md_handoff_set_parent_window (handoff, "x11:2a");
  method = run_handoff (handoff, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (method, ==, MD_HANDOFF_METHOD_PORTAL);

  g_assert_cmpuint (portal->n_calls, ==, 1);
  g_assert_cmpstr (portal->parent_window, ==, "x11:2a");
  g_assert_true (g_variant_lookup (portal->options, "addresses", "^a&s", &addresses));
  g_assert_cmpuint (g_strv_length ((char **) addresses), ==, 1);
  g_assert_cmpstr (addresses[0], ==, "delist@messaging.microsoft.com");
  g_assert_false (g_variant_lookup (portal->options, "address", "s", NULL));
  g_assert_true (g_variant_lookup (portal->options, "cc", "^a&s", &cc));
  g_assert_cmpuint (g_strv_length ((char **) cc), ==, 1);
  g_assert_cmpstr (cc[0], ==, "delist@microsoft.com");
  g_assert_true (g_variant_lookup (portal->options, "subject", "s", &subject));
  g_assert_cmpstr (subject, ==, "Delist request for IP 203.0.113.7");
  g_assert_true (g_variant_lookup (portal->options, "body", "s", &body));
  g_assert_cmpstr (body, ==, HOSTILE_BODY);

  g_assert_cmpuint (portal->attachments->len, ==, 2);
  assert_attachment_bytes (g_ptr_array_index (portal->attachments, 0), draft, 0);
  assert_attachment_bytes (g_ptr_array_index (portal->attachments, 1), draft, 1);

  /* The portal took it: xdg-email never ran. */
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));

  /* The files live in a private directory that outlives the hand-off (the
   * mail client may read them later) and goes when the application exits. */
  g_assert_nonnull (md_handoff_get_directory (handoff));
  g_assert_cmpint (g_stat (md_handoff_get_directory (handoff), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  {
    g_auto(GStrv) paths = md_handoff_get_attachment_paths (handoff);
    g_autofree char *dir = g_strdup (md_handoff_get_directory (handoff));
    g_autofree char *first = g_path_get_basename (paths[0]);
    g_autofree char *second = g_path_get_basename (paths[1]);
    g_autofree char *parent = g_path_get_dirname (paths[1]);

    g_assert_cmpstr (first, ==, "rejection.txt");
    g_assert_cmpstr (second, ==, "_Prüfbericht.bin");
    g_assert_cmpstr (parent, ==, dir);
    g_clear_object (&handoff);
    g_assert_true (g_file_test (paths[0], G_FILE_TEST_EXISTS));
    md_handoff_remove_temporary_files ();
    g_assert_false (g_file_test (paths[0], G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  }
}

/* Version 1 knows "address", not "addresses"; a Response that arrives
 * before the method reply still counts. */
static void
test_portal_v1 (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (1, 0);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("tosa@rx.t-online.de", "Bitte um Prüfung", "Text");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  portal->respond_first = TRUE;
  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_PORTAL);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (portal->options, "address", "s", &address));
  g_assert_cmpstr (address, ==, "tosa@rx.t-online.de");
  g_assert_false (g_variant_lookup (portal->options, "addresses", "^a&s", NULL));
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
}

static void
test_portal_cancelled (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, 1);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (portal->n_calls, ==, 1);
  /* The user said no: nothing else pops up. */
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
  g_assert_null (md_handoff_get_eml_path (handoff));
}

static void
assert_hostile_argv (FakeXdgEmail  *fake,
                     const MdDraft *draft,
                     MdHandoff     *handoff)
{
  g_auto(GStrv) argv = fake_xdg_email_argv (fake);
  g_auto(GStrv) paths = md_handoff_get_attachment_paths (handoff);
  g_autofree char *uri = md_handoff_build_mailto_uri (draft);
  /* No text of the draft as an option value (xdg-email echoes those
   * through dash): the mail is one percent-encoded mailto: URI. */
  const char *expected[] = {
    "--utf8",
    "--attach", paths[0],
    "--attach", paths[1],
    uri,
    NULL
  };

  g_assert_nonnull (argv);
  g_assert_cmpuint (g_strv_length (argv), ==, g_strv_length ((char **) expected) + 1);
  g_assert_true (g_str_has_suffix (argv[0], "/fake-xdg-email/xdg-email"));
  g_assert_cmpstrv (argv + 1, expected);

  /* The files existed while xdg-email ran, with the draft's bytes. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *copy = g_strdup_printf ("%s.attach%u", fake->log, i);
      g_autofree char *contents = NULL;
      gsize len;
      g_autoptr(GBytes) bytes = NULL;

      g_assert_true (g_file_get_contents (copy, &contents, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      assert_attachment_bytes (bytes, draft, i);
    }
}

/* A failed Response falls back to xdg-email. */
static void
test_portal_failed (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, 2);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("-delist@example.net", HOSTILE_SUBJECT, HOSTILE_BODY);
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_no_error (error);
  g_assert_cmpuint (portal->n_calls, ==, 1);
  assert_hostile_argv (fake, draft, handoff);
}

/* No portal on the bus: xdg-email, with every text as one argument. */
static void
test_no_portal (void)
{
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("-delist@example.net", HOSTILE_SUBJECT, HOSTILE_BODY);
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_no_error (error);
  assert_hostile_argv (fake, draft, handoff);
  g_assert_false (g_file_test ("/tmp/pwned", G_FILE_TEST_EXISTS));
}

/* An ordinary address goes as xdg-email's plain argument, last. */
static void
test_xdg_email_plain_address (void)
{
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@messaging.microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  guint n;

  md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_no_error (error);
  argv = fake_xdg_email_argv (fake);
  n = g_strv_length (argv);
  g_assert_cmpstr (argv[n - 1], ==, "mailto:delist@messaging.microsoft.com?subject=S&body=B");
}

/* No portal, xdg-email fails (exit 3: no mail client) or is absent: the
 * .eml file. */
static void
test_eml_fallback (void)
{
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (round == 0, "3");
      g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "Delist request", "Body");
      g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
      g_autoptr(GError) error = NULL;
      g_autofree char *eml_path = NULL;
      g_autofree char *contents = NULL;
      struct stat st;

      md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_ALL & ~MD_HANDOFF_METHOD_MAILTO);
      g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_EML);
      g_assert_no_error (error);
      g_assert_cmpint (g_file_test (fake->log, G_FILE_TEST_EXISTS), ==, round == 0);

      eml_path = g_strdup (md_handoff_get_eml_path (handoff));
      g_assert_nonnull (eml_path);
      g_assert_true (g_file_get_contents (eml_path, &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, "\r\nSubject: Delist request\r\n"));
      g_assert_nonnull (strstr (contents, "\r\nX-Unsent: 1\r\n"));
      g_assert_cmpint (g_stat (eml_path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);

      /* Saved where the user can find it, and kept. */
      g_assert_true (g_str_has_prefix (eml_path, g_get_user_data_dir ()));
      g_clear_object (&handoff);
      md_handoff_remove_temporary_files ();
      g_assert_true (g_file_test (eml_path, G_FILE_TEST_EXISTS));
    }
}

static void
test_nothing_left (void)
{
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (FALSE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GError) error = NULL;

  md_handoff_set_methods (handoff, MD_HANDOFF_METHOD_PORTAL | MD_HANDOFF_METHOD_XDG_EMAIL);
  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  /* PATH held no xdg-email, so nothing ran. */
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
}

static void
test_cancelled_before (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, 0);
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_cmpint (run_handoff (handoff, cancellable, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (portal->n_calls, ==, 0);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Cancelled while the portal's dialog is open: the request is closed and
 * nothing else is tried. */
static void
test_cancelled_waiting (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, NO_RESPONSE);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  portal->cancel_on_call = cancellable;
  g_assert_cmpint (run_handoff (handoff, cancellable, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (portal->n_calls, ==, 1);
  while (!portal->closed && g_get_monotonic_time () < deadline)
    {
      guint wake = g_timeout_add (100, wake_cb, NULL);

      g_main_context_iteration (NULL, TRUE);
      g_source_remove (wake);
    }
  g_assert_true (portal->closed);
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
  portal->cancel_on_call = NULL;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* The same, once the portal has answered the call and shows its dialog. */
static void
test_cancelled_in_dialog (void)
{
  g_autoptr(MockPortal) portal = mock_portal_new (4, NO_RESPONSE);
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", "B");
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_timeout_add (300, cancel_cb, cancellable);
  g_assert_cmpint (run_handoff (handoff, cancellable, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (portal->n_calls, ==, 1);
  while (!portal->closed && g_get_monotonic_time () < deadline)
    {
      guint wake = g_timeout_add (100, wake_cb, NULL);

      g_main_context_iteration (NULL, TRUE);
      g_source_remove (wake);
    }
  g_assert_true (portal->closed);
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
}

static void
test_mailto (void)
{
  g_autoptr(MdDraft) draft = make_draft ("-delist+tag@example.net", HOSTILE_SUBJECT,
                                         HOSTILE_BODY);
  g_autofree char *uri = md_handoff_build_mailto_uri (draft);
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) crlf = g_string_new (HOSTILE_BODY);

  /* Nothing a shell, a URI parser or a mail client would read specially
   * is left unescaped. */
  for (const char *p = uri + strlen ("mailto:"); *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || strchr ("-._~%@?&=", *p) != NULL);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (parsed), ==, "mailto");
  g_assert_cmpstr (g_uri_get_path (parsed), ==, "-delist+tag@example.net");
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (params), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (params, "subject"), ==, HOSTILE_SUBJECT);
  g_string_replace (crlf, "\n", "\r\n", 0);
  g_assert_cmpstr (g_hash_table_lookup (params, "body"), ==, crlf->str);

  /* A draft without recipient and body (a follow-up to paste). */
  {
    g_autoptr(MdDraft) bare = md_draft_new ();
    g_autofree char *bare_uri = NULL;

    bare->subject = g_strdup ("Re: 203.0.113.7");
    bare_uri = md_handoff_build_mailto_uri (bare);
    g_assert_cmpstr (bare_uri, ==, "mailto:?subject=Re%3A%20203.0.113.7");
  }

  /* The copy goes in the URI too (and with it through xdg-email). */
  {
    g_autoptr(MdDraft) cc = make_draft ("delist@messaging.microsoft.com", "S", "B");
    g_autofree char *cc_uri = NULL;

    cc->cc = g_strdup ("delist@microsoft.com");
    cc_uri = md_handoff_build_mailto_uri (cc);
    g_assert_cmpstr (cc_uri, ==,
                     "mailto:delist@messaging.microsoft.com?cc=delist@microsoft.com&subject=S&body=B");
  }
}

static void
test_clipboard (void)
{
  g_autoptr(MdDraft) draft = make_draft ("delist@microsoft.com", "S", HOSTILE_BODY);
  g_autoptr(MdHandoff) handoff = md_handoff_new (draft);

  g_assert_cmpstr (md_handoff_get_clipboard_text (handoff), ==, HOSTILE_BODY);
  /* Nothing is written before a hand-off needs it. */
  g_assert_null (md_handoff_get_directory (handoff));
}

/* A form's text is pasted, not mailed: no mail client pops up. */
static void
test_form_refused (void)
{
  g_autoptr(FakeXdgEmail) fake = fake_xdg_email_setup (TRUE, "0");
  g_autoptr(MdDraft) draft = make_draft (NULL, NULL, "Contact: joerg@example.org\n");
  g_autoptr(MdHandoff) handoff = NULL;
  g_autoptr(GError) error = NULL;

  draft->channel_kind = MD_CHANNEL_FORM;
  handoff = md_handoff_new (draft);
  g_assert_cmpint (run_handoff (handoff, NULL, &error), ==, MD_HANDOFF_METHOD_NONE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (g_file_test (fake->log, G_FILE_TEST_EXISTS));
  g_assert_null (md_handoff_get_directory (handoff));
}

/* The private data dir of this run, with the requests saved in it. */
static void
remove_recursively (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_recursively (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  /* Saved requests go below the user's data dir: a private one. */
  data_home = g_dir_make_tmp ("md-handoff-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  /* A private session bus for the whole program: GDBus keeps one session
   * connection per process. */
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/MailDoctor/Handoff/portal-ok", test_portal_ok);
  g_test_add_func ("/MailDoctor/Handoff/portal-v1", test_portal_v1);
  g_test_add_func ("/MailDoctor/Handoff/portal-cancelled", test_portal_cancelled);
  g_test_add_func ("/MailDoctor/Handoff/portal-failed", test_portal_failed);
  g_test_add_func ("/MailDoctor/Handoff/no-portal", test_no_portal);
  g_test_add_func ("/MailDoctor/Handoff/xdg-email-address", test_xdg_email_plain_address);
  g_test_add_func ("/MailDoctor/Handoff/eml-fallback", test_eml_fallback);
  g_test_add_func ("/MailDoctor/Handoff/nothing-left", test_nothing_left);
  g_test_add_func ("/MailDoctor/Handoff/cancelled-before", test_cancelled_before);
  g_test_add_func ("/MailDoctor/Handoff/cancelled-waiting", test_cancelled_waiting);
  g_test_add_func ("/MailDoctor/Handoff/cancelled-in-dialog", test_cancelled_in_dialog);
  g_test_add_func ("/MailDoctor/Handoff/mailto", test_mailto);
  g_test_add_func ("/MailDoctor/Handoff/clipboard", test_clipboard);
  g_test_add_func ("/MailDoctor/Handoff/form-refused", test_form_refused);

  status = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  md_handoff_remove_temporary_files ();
  remove_recursively (data_home);

  return status;
}
