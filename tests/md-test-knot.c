/* md-test-knot.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-test-knot.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "md-test-util.h"

#define START_TIMEOUT_MS   15000
#define STOP_TIMEOUT_MS    5000
#define PROBE_TIMEOUT_MS   150
#define START_ATTEMPTS     3
#define TOKEN_ZONE         "md-test-knot.invalid"
#define TMPDIR_PREFIX      "md-test-knot-"

struct _MdTestKnot
{
  GPid      pid;
  guint16   port;
  char     *address;
  char     *dir;
  char     *token;
  GPtrArray *origins;        /* zones that must load before the server counts as up */
};

struct _MdTestSilentServer
{
  GSocket *socket;
  char    *address;
};

G_DEFINE_QUARK (md-test-knot-error-quark, md_test_knot_error)

/* ---------------------------------------------------------------------------
 * Safety net: no knotd outlives its test program.
 */

typedef struct
{
  GPid  pid;
  char *dir;
} LiveServer;

static GMutex live_lock;
static GArray *live_servers;

static void remove_tree (const char *path);

static void
kill_live_servers_at_exit (void)
{
  g_mutex_lock (&live_lock);
  for (guint i = 0; live_servers != NULL && i < live_servers->len; i++)
    {
      LiveServer *live = &g_array_index (live_servers, LiveServer, i);

      kill (live->pid, SIGKILL);
      waitpid (live->pid, NULL, 0);
      remove_tree (live->dir);
    }
  g_mutex_unlock (&live_lock);
}

static void
register_live (GPid        pid,
               const char *dir)
{
  LiveServer live = { pid, (char *) dir };

  g_mutex_lock (&live_lock);
  if (live_servers == NULL)
    {
      live_servers = g_array_new (FALSE, FALSE, sizeof (LiveServer));
      atexit (kill_live_servers_at_exit);
    }
  g_array_append_val (live_servers, live);
  g_mutex_unlock (&live_lock);
}

static void
unregister_live (GPid pid)
{
  g_mutex_lock (&live_lock);
  for (guint i = 0; live_servers != NULL && i < live_servers->len; i++)
    {
      if (g_array_index (live_servers, LiveServer, i).pid == pid)
        {
          g_array_remove_index_fast (live_servers, i);
          break;
        }
    }
  if (live_servers != NULL && live_servers->len == 0)
    g_clear_pointer (&live_servers, g_array_unref);
  g_mutex_unlock (&live_lock);
}

/* Runs in the child between fork and exec. The knotd dies with the test
 * program, whatever way that goes (abort, SIGKILL from a test runner). */
static void
child_setup (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127);
}

/* Only our own temp trees, never following symlinks. */
static void
remove_tree (const char *path)
{
  struct stat st;
  GDir *dir;
  const char *name;

  if (path == NULL || lstat (path, &st) != 0)
    return;

  if (!S_ISDIR (st.st_mode))
    {
      unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
          g_free (child);
        }
      g_dir_close (dir);
    }
  rmdir (path);
}

/* Temp dirs of test programs that died without cleaning up (an abort skips
 * atexit); named after their pid, removed once that pid is gone. */
static void
sweep_stale_dirs (void)
{
  const char *tmp = g_get_tmp_dir ();
  GDir *dir = g_dir_open (tmp, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      guint64 pid = 0;
      g_autofree char *pid_text = NULL;
      const char *dash;

      if (!g_str_has_prefix (name, TMPDIR_PREFIX))
        continue;
      dash = strchr (name + strlen (TMPDIR_PREFIX), '-');
      if (dash == NULL)
        continue;
      pid_text = g_strndup (name + strlen (TMPDIR_PREFIX),
                            dash - name - strlen (TMPDIR_PREFIX));
      if (!g_ascii_string_to_unsigned (pid_text, 10, 1, G_MAXINT, &pid, NULL))
        continue;
      if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        {
          g_autofree char *path = g_build_filename (tmp, name, NULL);

          remove_tree (path);
        }
    }
  g_dir_close (dir);
}

/* ---------------------------------------------------------------------------
 * A tiny blocking DNS client, so that the harness does not depend on the
 * resolver under test.
 */

static GBytes *
build_query (guint16     id,
             const char *name,
             guint16     qtype)
{
  g_autoptr(GByteArray) packet = g_byte_array_new ();
  g_auto(GStrv) labels = g_strsplit (name, ".", -1);
  guint8 header[12] = { id >> 8, id & 0xff, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
  guint8 tail[5] = { 0, qtype >> 8, qtype & 0xff, 0, 1 };

  g_byte_array_append (packet, header, sizeof header);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      guint8 len = (guint8) strlen (labels[i]);

      if (len == 0)
        continue;
      g_byte_array_append (packet, &len, 1);
      g_byte_array_append (packet, (const guint8 *) labels[i], len);
    }
  g_byte_array_append (packet, tail, sizeof tail);

  return g_byte_array_free_to_bytes (g_steal_pointer (&packet));
}

/* Sends one query from a fresh socket (fresh source port); returns the
 * response or NULL when nothing valid came in time. */
static GBytes *
probe (guint16     port,
       const char *name,
       guint16     qtype)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (loopback, port);
  g_autoptr(GBytes) query = NULL;
  guint16 id = (guint16) g_random_int_range (0, 65536);
  gint64 deadline = g_get_monotonic_time () + PROBE_TIMEOUT_MS * 1000;
  guint8 buffer[4096];

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, NULL);
  if (socket == NULL)
    return NULL;

  query = build_query (id, name, qtype);
  if (g_socket_send_to (socket, server, g_bytes_get_data (query, NULL),
                        g_bytes_get_size (query), NULL, NULL) < 0)
    return NULL;

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      gssize received;

      if (left <= 0 ||
          !g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, NULL))
        return NULL;
      received = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, NULL);
      if (received < 12)
        continue;
      if (buffer[0] == (id >> 8) && buffer[1] == (id & 0xff) && (buffer[2] & 0x80))
        return g_bytes_new (buffer, received);
    }
}

static guint
response_rcode (GBytes *response)
{
  const guint8 *data = g_bytes_get_data (response, NULL);

  return data[3] & 0x0f;
}

static gboolean
response_contains (GBytes     *response,
                   const char *text)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (response, &len);
  gsize text_len = strlen (text);

  for (gsize i = 0; i + text_len <= len; i++)
    if (memcmp (data + i, text, text_len) == 0)
      return TRUE;

  return FALSE;
}

/* ---------------------------------------------------------------------------
 * Starting and stopping knotd
 */

static char *
find_knotd (void)
{
  static const char *const candidates[] = { "/usr/sbin/knotd", "/usr/local/sbin/knotd", "/sbin/knotd" };
  const char *env = g_getenv ("MD_KNOTD");
  char *path;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  path = g_find_program_in_path ("knotd");
  if (path != NULL)
    return path;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return g_strdup (candidates[i]);

  return NULL;
}

/* TRUE when knotd is installed (MD_KNOTD, PATH, /usr/sbin). */
gboolean
md_test_knot_is_available (void)
{
  g_autofree char *knotd = find_knotd ();

  return knotd != NULL;
}

/* A port that is free for both UDP and TCP right now. knotd binds it a
 * moment later; the token check in wait_until_up() catches the rare case of
 * someone else taking it in between. */
static guint16
pick_free_port (GError **error)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;
      g_autoptr(GSocket) udp = NULL;
      g_autoptr(GSocket) tcp = NULL;
      guint16 port;

      udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                          G_SOCKET_PROTOCOL_UDP, error);
      if (udp == NULL || !g_socket_bind (udp, any, FALSE, error))
        return 0;
      bound = g_socket_get_local_address (udp, error);
      if (bound == NULL)
        return 0;
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

      tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                          G_SOCKET_PROTOCOL_TCP, error);
      if (tcp == NULL)
        return 0;
      same = g_inet_socket_address_new (loopback, port);
      if (g_socket_bind (tcp, same, FALSE, NULL))
        return port;
    }

  g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
               "No free loopback port for knotd");
  return 0;
}

static char *
origin_from_file (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (!g_str_has_suffix (base, ".zone"))
    return NULL;
  base[strlen (base) - strlen (".zone")] = '\0';
  if (g_str_equal (base, "root"))
    return g_strdup (".");

  return g_steal_pointer (&base);
}

static char *
quote (const char *text)
{
  g_autoptr(GString) out = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
write_config (MdTestKnot               *knot,
              const MdTestKnotOptions  *options,
              GError                  **error)
{
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autofree char *run = g_build_filename (knot->dir, "run", NULL);
  g_autofree char *storage = g_build_filename (knot->dir, "storage", NULL);
  g_autofree char *socket_path = g_build_filename (run, "knot.sock", NULL);
  g_autofree char *token_file = g_build_filename (knot->dir, TOKEN_ZONE ".zone", NULL);
  g_autofree char *token_zone = NULL;
  g_autofree char *conf_path = g_build_filename (knot->dir, "knot.conf", NULL);
  g_autofree char *q_run = quote (run);
  g_autofree char *q_storage = quote (storage);
  g_autofree char *q_socket = quote (socket_path);
  g_autofree char *q_token = quote (token_file);

  if (g_mkdir (run, 0700) != 0 || g_mkdir (storage, 0700) != 0)
    {
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                   "Cannot create directories in %s: %s", knot->dir, g_strerror (errno));
      return FALSE;
    }

  /* The zone that proves this knotd is ours: a TXT record with a random token. */
  token_zone = g_strdup_printf ("$ORIGIN " TOKEN_ZONE ".\n"
                                "$TTL 60\n"
                                "@ SOA ns hostmaster 1 3600 600 86400 60\n"
                                "@ NS ns\n"
                                "ns A 127.0.0.1\n"
                                "token TXT \"%s\"\n", knot->token);
  if (!g_file_set_contents (token_file, token_zone, -1, error))
    return FALSE;

  g_string_append_printf (conf,
                          "# Written by the MailDoctor test harness (tests/md-test-knot.c)\n"
                          "server:\n"
                          "  rundir: %s\n"
                          "  listen: 127.0.0.1@%u\n"
                          "  udp-workers: 1\n"
                          "  tcp-workers: 1\n"
                          "  background-workers: 1\n"
                          "database:\n"
                          "  storage: %s\n"
                          "  journal-db-max-size: 8M\n"
                          "  kasp-db-max-size: 8M\n"
                          "  timer-db-max-size: 8M\n"
                          "  catalog-db-max-size: 8M\n"
                          "control:\n"
                          "  listen: %s\n"
                          "log:\n"
                          "  - target: stderr\n"
                          "    any: info\n"
                          "template:\n"
                          "  - id: default\n"
                          "    zonefile-sync: -1\n"
                          "    zonefile-load: whole\n"
                          "    journal-content: none\n"
                          "zone:\n"
                          "  - domain: " TOKEN_ZONE "\n"
                          "    file: %s\n",
                          q_run, knot->port, q_storage, q_socket, q_token);

  for (guint i = 0; options->zone_files != NULL && options->zone_files[i] != NULL; i++)
    {
      const char *file = options->zone_files[i];
      g_autofree char *path = NULL;
      g_autofree char *origin = NULL;
      g_autofree char *q_path = NULL;
      g_autofree char *q_origin = NULL;

      path = g_path_is_absolute (file) ? g_strdup (file) : md_test_srcdir_path ("dns", file, NULL);
      origin = origin_from_file (path);
      if (origin == NULL)
        {
          g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                       "Zone file “%s” must be named <origin>.zone", file);
          return FALSE;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                       "Zone file %s does not exist", path);
          return FALSE;
        }
      q_path = quote (path);
      q_origin = quote (origin);
      g_string_append_printf (conf, "  - domain: %s\n    file: %s\n", q_origin, q_path);
      g_ptr_array_add (knot->origins, g_steal_pointer (&origin));
    }

  for (guint i = 0; options->failing_zones != NULL && options->failing_zones[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("failing-%u.zone", i);
      g_autofree char *path = g_build_filename (knot->dir, name, NULL);
      g_autofree char *q_path = quote (path);
      g_autofree char *q_origin = quote (options->failing_zones[i]);

      /* Not a zone: knotd refuses to load it and answers SERVFAIL. */
      if (!g_file_set_contents (path, "this line is not a resource record\n", -1, error))
        return FALSE;
      g_string_append_printf (conf, "  - domain: %s\n    file: %s\n", q_origin, q_path);
    }

  return g_file_set_contents (conf_path, conf->str, conf->len, error);
}

static char *
read_log (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "knotd.log", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");

  return contents;
}

static char *
log_tail (const char *dir)
{
  g_autofree char *log = read_log (dir);
  gsize len = strlen (log);

  if (len > 2000)
    return g_strdup (log + len - 2000);

  return g_steal_pointer (&log);
}

/* TRUE when the child has exited (and is reaped). */
static gboolean
child_exited (GPid pid)
{
  int status;

  return waitpid (pid, &status, WNOHANG) == pid;
}

static void
stop_process (GPid pid)
{
  gint64 deadline;

  if (pid <= 0)
    return;

  if (kill (pid, SIGTERM) != 0)
    {
      waitpid (pid, NULL, WNOHANG);
      return;
    }

  deadline = g_get_monotonic_time () + STOP_TIMEOUT_MS * 1000;
  while (g_get_monotonic_time () < deadline)
    {
      if (child_exited (pid))
        return;
      g_usleep (5000);
    }

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

typedef enum
{
  UP,
  EXITED,
  WRONG_SERVER,
  TIMED_OUT,
} StartResult;

static StartResult
wait_until_up (MdTestKnot  *knot,
               char       **problem)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  g_autofree char *token_name = g_strdup ("token." TOKEN_ZONE);
  guint next_origin = 0;
  guint tokens_seen = 0;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GBytes) response = NULL;

      if (child_exited (knot->pid))
        {
          knot->pid = 0;
          return EXITED;
        }

      /* Four answers from four source ports: with SO_REUSEPORT a second
       * server on the same port would get some of them. */
      if (tokens_seen < 4)
        {
          response = probe (knot->port, token_name, 16);
          if (response == NULL || response_rcode (response) != 0)
            {
              g_usleep (10000);
              continue;
            }
          if (!response_contains (response, knot->token))
            return WRONG_SERVER;
          tokens_seen++;
          continue;
        }

      if (next_origin < knot->origins->len)
        {
          const char *origin = g_ptr_array_index (knot->origins, next_origin);

          response = probe (knot->port, origin, 6);
          if (response != NULL && response_rcode (response) == 0)
            next_origin++;
          else
            {
              g_free (*problem);
              *problem = g_strdup_printf ("zone “%s” did not load (%s)", origin,
                                          response ? "SERVFAIL or error" : "no answer");
              g_usleep (10000);
            }
          continue;
        }

      return UP;
    }

  return TIMED_OUT;
}

static MdTestKnot *
start_once (const char               *knotd,
            const MdTestKnotOptions  *options,
            GError                  **error)
{
  g_autoptr(MdTestKnot) knot = g_new0 (MdTestKnot, 1);
  g_autofree char *template = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *tail = NULL;
  const char *argv[] = { knotd, "-c", NULL, NULL };
  int log_fd;
  gboolean spawned;

  knot->origins = g_ptr_array_new_with_free_func (g_free);
  knot->token = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());

  template = g_strdup_printf (TMPDIR_PREFIX "%d-XXXXXX", (int) getpid ());
  knot->dir = g_dir_make_tmp (template, error);
  if (knot->dir == NULL)
    return NULL;

  knot->port = pick_free_port (error);
  if (knot->port == 0)
    return NULL;
  knot->address = g_strdup_printf ("127.0.0.1:%u", knot->port);

  if (!write_config (knot, options, error))
    return NULL;

  conf_path = g_build_filename (knot->dir, "knot.conf", NULL);
  log_path = g_build_filename (knot->dir, "knotd.log", NULL);
  argv[2] = conf_path;

  log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0)
    {
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                   "Cannot create %s: %s", log_path, g_strerror (errno));
      return NULL;
    }

  spawned = g_spawn_async_with_fds (knot->dir, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                    child_setup, GINT_TO_POINTER ((int) getpid ()),
                                    &knot->pid, -1, log_fd, log_fd, error);
  close (log_fd);
  if (!spawned)
    return NULL;
  register_live (knot->pid, knot->dir);

  switch (wait_until_up (knot, &problem))
    {
    case UP:
      return g_steal_pointer (&knot);

    case EXITED:
      tail = log_tail (knot->dir);
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                   "knotd exited during start-up; its log:\n%s", tail);
      return NULL;

    case WRONG_SERVER:
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                   "Another server answers on port %u", knot->port);
      return NULL;

    case TIMED_OUT:
    default:
      tail = log_tail (knot->dir);
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED,
                   "knotd on port %u not ready after %d ms: %s; its log:\n%s", knot->port,
                   START_TIMEOUT_MS, problem ? problem : "no answer", tail);
      return NULL;
    }
}

/**
 * md_test_knot_new_full:
 * @options: zones to serve, zones that must fail to load
 * @error: %MD_TEST_KNOT_ERROR_NOT_FOUND when knotd is not installed
 *
 * Starts knotd and returns once it answers for every zone.
 */
MdTestKnot *
md_test_knot_new_full (const MdTestKnotOptions  *options,
                       GError                  **error)
{
  static const MdTestKnotOptions no_options = { NULL, NULL };
  g_autofree char *knotd = find_knotd ();
  g_autoptr(GError) last_error = NULL;

  if (options == NULL)
    options = &no_options;

  if (knotd == NULL)
    {
      g_set_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_NOT_FOUND,
                   "knotd (Knot DNS) is not installed: apt install knot");
      return NULL;
    }

  sweep_stale_dirs ();

  for (guint attempt = 0; attempt < START_ATTEMPTS; attempt++)
    {
      MdTestKnot *knot;

      g_clear_error (&last_error);
      knot = start_once (knotd, options, &last_error);
      if (knot != NULL)
        return knot;
      /* A bad zone will not get better: only port trouble is worth a retry. */
      if (last_error->code != MD_TEST_KNOT_ERROR_FAILED ||
          strstr (last_error->message, "did not load") != NULL ||
          strstr (last_error->message, "Zone file") != NULL)
        break;
    }

  g_propagate_error (error, g_steal_pointer (&last_error));
  return NULL;
}

/**
 * md_test_knot_new:
 * @zone_files: (nullable): NULL-terminated zone files, names below
 *   tests/dns/ ("example.test.zone", "root.zone") or absolute paths; %NULL
 *   or empty for a server without zones (it answers REFUSED to everything)
 * @error: a location for an error
 */
MdTestKnot *
md_test_knot_new (const char *const  *zone_files,
                  GError            **error)
{
  MdTestKnotOptions options = { zone_files, NULL };

  return md_test_knot_new_full (&options, error);
}

void
md_test_knot_free (MdTestKnot *knot)
{
  if (knot == NULL)
    return;

  if (knot->pid > 0)
    {
      stop_process (knot->pid);
      unregister_live (knot->pid);
    }
  if (knot->dir != NULL && g_getenv ("MD_TEST_KNOT_KEEP") == NULL)
    remove_tree (knot->dir);

  g_free (knot->address);
  g_free (knot->dir);
  g_free (knot->token);
  g_clear_pointer (&knot->origins, g_ptr_array_unref);
  g_free (knot);
}

/* "127.0.0.1:PORT", for md_resolver_new_for_servers() and --resolver. */
const char *
md_test_knot_get_address (MdTestKnot *knot)
{
  g_return_val_if_fail (knot != NULL, NULL);

  return knot->address;
}

guint16
md_test_knot_get_port (MdTestKnot *knot)
{
  g_return_val_if_fail (knot != NULL, 0);

  return knot->port;
}

GPid
md_test_knot_get_pid (MdTestKnot *knot)
{
  g_return_val_if_fail (knot != NULL, 0);

  return knot->pid;
}

/* knotd's log so far (for failure messages). */
char *
md_test_knot_get_log (MdTestKnot *knot)
{
  g_return_val_if_fail (knot != NULL, NULL);

  return read_log (knot->dir);
}

MdResolver *
md_test_knot_new_resolver (MdTestKnot *knot)
{
  g_autoptr(GError) error = NULL;
  MdResolver *resolver;

  g_return_val_if_fail (knot != NULL, NULL);

  resolver = md_resolver_new_for_servers (knot->address, &error);
  g_assert_no_error (error);

  return resolver;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every *.zone in tests/dns/, sorted, for md_test_knot_new(). */
GStrv
md_test_knot_list_zone_files (void)
{
  g_autofree char *path = md_test_srcdir_path ("dns", NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".zone"))
          g_ptr_array_add (names, g_strdup (name));
      g_dir_close (dir);
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* ---------------------------------------------------------------------------
 * A server that never answers
 */

MdTestSilentServer *
md_test_silent_server_new (GError **error)
{
  g_autoptr(MdTestSilentServer) server = g_new0 (MdTestSilentServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  server->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                 G_SOCKET_PROTOCOL_UDP, error);
  if (server->socket == NULL || !g_socket_bind (server->socket, any, FALSE, error))
    return NULL;

  bound = g_socket_get_local_address (server->socket, error);
  if (bound == NULL)
    return NULL;

  server->address = g_strdup_printf ("127.0.0.1:%u",
                                     g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return g_steal_pointer (&server);
}

const char *
md_test_silent_server_get_address (MdTestSilentServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return server->address;
}

void
md_test_silent_server_free (MdTestSilentServer *server)
{
  if (server == NULL)
    return;

  g_clear_object (&server->socket);
  g_free (server->address);
  g_free (server);
}

/* ---------------------------------------------------------------------------
 * Main loop helper
 */

static gboolean
run_until_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

gboolean
md_test_main_loop_run_until (const gboolean *done,
                             guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, run_until_timeout_cb, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return *done;
}
