/* md-test-knot.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-resolver.h"

G_BEGIN_DECLS

/* A real Knot DNS server (knotd) for tests, unprivileged, on a free
 * loopback port, with its config, run dir and databases in a temp dir.
 *
 * Zone files follow one convention: tests/dns/<origin>.zone, and
 * tests/dns/root.zone for ".". The server answers:
 *   - from the zones it serves, authoritatively (NOERROR / NXDOMAIN);
 *   - SERVFAIL for every name in a "failing zone" (a zone whose file does
 *     not load; see MdTestKnotOptions);
 *   - REFUSED for every name outside its zones (so a server started with no
 *     zone files, or without root.zone, gives REFUSED on demand; a test
 *     that serves root.zone and needs REFUSED starts a second server with
 *     md_test_knot_new (NULL, …)). Knot's mod-queryacl is no substitute:
 *     it answers NOTAUTH, not REFUSED.
 *
 * Typical use, one server per test program, started in main():
 *
 *   static const char *zones[] = { "example.test.zone", NULL };
 *   g_autoptr(GError) error = NULL;
 *   knot = md_test_knot_new (zones, &error);
 *   // in each test: if (knot == NULL) { g_test_skip (error->message); return; }
 *
 * knotd is stopped by md_test_knot_free(), at exit, and (through
 * PR_SET_PDEATHSIG) when the test program dies, even on an abort. */

#define MD_TEST_KNOT_ERROR (md_test_knot_error_quark ())

typedef enum
{
  MD_TEST_KNOT_ERROR_NOT_FOUND,   /* knotd is not installed: skip the test */
  MD_TEST_KNOT_ERROR_FAILED,      /* it is, but did not start or answer */
} MdTestKnotError;

typedef struct _MdTestKnot MdTestKnot;

typedef struct
{
  /* NULL-terminated; names below tests/dns/ or absolute paths */
  const char *const *zone_files;
  /* NULL-terminated zone origins ("broken.example") configured with a zone
   * file that does not load: knotd answers SERVFAIL for every name in them */
  const char *const *failing_zones;
} MdTestKnotOptions;

GQuark       md_test_knot_error_quark      (void);
gboolean     md_test_knot_is_available     (void);

MdTestKnot  *md_test_knot_new              (const char *const        *zone_files,
                                            GError                  **error);
MdTestKnot  *md_test_knot_new_full         (const MdTestKnotOptions  *options,
                                            GError                  **error);
void         md_test_knot_free             (MdTestKnot               *knot);

const char  *md_test_knot_get_address      (MdTestKnot               *knot);
guint16      md_test_knot_get_port         (MdTestKnot               *knot);
GPid         md_test_knot_get_pid          (MdTestKnot               *knot);
char        *md_test_knot_get_log          (MdTestKnot               *knot);
MdResolver  *md_test_knot_new_resolver     (MdTestKnot               *knot);

GStrv        md_test_knot_list_zone_files  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdTestKnot, md_test_knot_free)

/* A bound UDP socket on loopback that never answers: queries to it time out. */
typedef struct _MdTestSilentServer MdTestSilentServer;

MdTestSilentServer *md_test_silent_server_new         (GError             **error);
const char         *md_test_silent_server_get_address (MdTestSilentServer  *server);
void                md_test_silent_server_free        (MdTestSilentServer  *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdTestSilentServer, md_test_silent_server_free)

/* Runs the default main context until *@done is TRUE or @timeout_ms passed;
 * FALSE on timeout. */
gboolean     md_test_main_loop_run_until   (const gboolean           *done,
                                            guint                     timeout_ms);

G_END_DECLS
