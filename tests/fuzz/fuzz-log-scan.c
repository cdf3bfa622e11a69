/* fuzz-log-scan.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the mail log scanner: the input as a log stream
 * (plain or gzip, by its first bytes), chunking, the line reader, the
 * grouping and the JSON. */

#include "config.h"

#include "md-log-scan.h"
#include "md-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_memdup2 (data, size),
                                                                        (gssize) size, g_free);
  g_autoptr(MdLogScanner) scanner = md_log_scanner_new ();
  g_autoptr(MdLogScanReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* The knowledge base (a resource) names each group's explanation. */
  md_core_init ();
  md_log_scanner_add_stream (scanner, stream, "-");
  report = md_log_scanner_run (scanner, NULL, NULL, NULL, &error);
  if (report != NULL)
    {
      g_autoptr(JsonNode) json = md_log_scan_report_to_json (report);
      g_autofree char *text = json_to_string (json, FALSE);

      g_assert (report->rejections == report->bounced + report->deferred);
      g_assert (text != NULL);
    }
  else
    g_assert (error != NULL);

  return 0;
}
