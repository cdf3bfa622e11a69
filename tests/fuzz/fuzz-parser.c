/* fuzz-parser.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the rejection parser: any bytes — a message, a
 * fragment, garbage — must give a (possibly empty) list, never a crash, a
 * hang or a leak. */

#include "config.h"

#include <json-glib/json-glib.h>

#include "md-rejection-parser.h"
#include "md-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GError) error = NULL;

  md_core_init ();

  bytes = g_bytes_new_static (data, size);
  rejections = md_rejection_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rejections);

  for (guint i = 0; i < rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (rejections, i);
      g_autoptr(JsonNode) node = md_rejection_to_json (r);
      g_autofree char *json = json_to_string (node, FALSE);

      g_assert_true (r->text == NULL || g_utf8_validate (r->text, -1, NULL));
      g_assert_true (g_utf8_validate (json, -1, NULL));
    }

  return 0;
}
