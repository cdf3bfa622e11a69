/* md-log-scan-report.c — what a mail log scan found, and its JSON
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-log-line.h"
#include "md-log-scan.h"

G_DEFINE_BOXED_TYPE (MdLogScanReport, md_log_scan_report,
                     md_log_scan_report_ref, md_log_scan_report_unref)

MdLogScanReport *
md_log_scan_report_ref (MdLogScanReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return g_atomic_rc_box_acquire (report);
}

static void
report_clear (MdLogScanReport *report)
{
  g_strfreev (report->files);
  g_clear_pointer (&report->groups, g_ptr_array_unref);
  g_strfreev (report->warnings);
}

void
md_log_scan_report_unref (MdLogScanReport *report)
{
  g_atomic_rc_box_release_full (report, (GDestroyNotify) report_clear);
}

JsonNode *
md_log_scan_report_to_json (const MdLogScanReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

#define SET_TIME(name, t) G_STMT_START { \
    json_builder_set_member_name (b, name); \
    if ((t) != 0) { g_autofree char *s_ = md_log_scan_format_time (t); \
                    json_builder_add_string_value (b, s_); } \
    else json_builder_add_null_value (b); } G_STMT_END
#define SET_STRING(name, s) G_STMT_START { \
    json_builder_set_member_name (b, name); \
    if ((s) != NULL) json_builder_add_string_value (b, s); \
    else json_builder_add_null_value (b); } G_STMT_END
#define SET_INT(name, n) G_STMT_START { \
    json_builder_set_member_name (b, name); json_builder_add_int_value (b, (gint64) (n)); \
  } G_STMT_END

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; report->files[i] != NULL; i++)
    json_builder_add_string_value (b, report->files[i]);
  json_builder_end_array (b);
  SET_INT ("lines", report->lines);
  SET_INT ("rejections", report->rejections);
  SET_INT ("bounced", report->bounced);
  SET_INT ("deferred", report->deferred);
  SET_INT ("messages", report->messages);
  json_builder_set_member_name (b, "distinct_complete");
  json_builder_add_boolean_value (b, report->distinct_complete);
  SET_INT ("long_lines", report->long_lines);
  SET_TIME ("first_seen", report->first_seen);
  SET_TIME ("last_seen", report->last_seen);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; report->warnings[i] != NULL; i++)
    json_builder_add_string_value (b, report->warnings[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->groups->len; i++)
    {
      const MdLogScanGroup *g = g_ptr_array_index (report->groups, i);

      json_builder_begin_object (b);
      SET_STRING ("receiver", g->receiver);
      SET_STRING ("service", g->service);
      json_builder_set_member_name (b, "smtp_code");
      if (g->smtp_code != 0)
        json_builder_add_int_value (b, g->smtp_code);
      else
        json_builder_add_null_value (b);
      SET_STRING ("enhanced_status", g->enhanced_status);
      SET_STRING ("blocked_ip", g->blocked_ip);
      SET_INT ("count", g->count);
      SET_INT ("bounced", g->bounced);
      SET_INT ("deferred", g->deferred);
      SET_INT ("recipients", g->recipients);
      SET_TIME ("first_seen", g->first_seen);
      SET_TIME ("last_seen", g->last_seen);
      json_builder_set_member_name (b, "per_day");
      json_builder_begin_object (b);
      for (guint j = 0; j < g->per_day->len; j++)
        {
          const MdLogScanDay *day = &g_array_index (g->per_day, MdLogScanDay, j);
          g_autofree char *name = md_log_format_day (day->day);

          SET_INT (name, day->count);
        }
      json_builder_end_object (b);
      SET_STRING ("explanation_id", g->explanation_id);
      SET_STRING ("sample", g->sample);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

#undef SET_TIME
#undef SET_STRING
#undef SET_INT

  return json_builder_get_root (b);
}
