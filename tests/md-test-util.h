/* md-test-util.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A file below tests/ in the source tree. */
char       *md_test_srcdir_path  (const char *first_element,
                                  ...) G_GNUC_NULL_TERMINATED;
/* A file below ../shared/ (testdata, knowledge); NULL when that folder is
 * absent, and the caller skips with a clear message. */
char       *md_test_shared_path  (const char *first_element,
                                  ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
