/* md-scan-page.c — a report of every rejection in mail server logs
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "md-scan-chart.h"
#include "md-scan-page.h"

/* One group as a list item: the report is kept alive by the item. */
#define MD_TYPE_SCAN_GROUP_ITEM (md_scan_group_item_get_type ())
G_DECLARE_FINAL_TYPE (MdScanGroupItem, md_scan_group_item, MD, SCAN_GROUP_ITEM, GObject)

struct _MdScanGroupItem
{
  GObject               parent_instance;
  MdLogScanReport      *report;
  const MdLogScanGroup *group;
};

G_DEFINE_FINAL_TYPE (MdScanGroupItem, md_scan_group_item, G_TYPE_OBJECT)

static void
md_scan_group_item_finalize (GObject *object)
{
  g_clear_pointer (&MD_SCAN_GROUP_ITEM (object)->report, md_log_scan_report_unref);
  G_OBJECT_CLASS (md_scan_group_item_parent_class)->finalize (object);
}

static void
md_scan_group_item_class_init (MdScanGroupItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = md_scan_group_item_finalize;
}

static void
md_scan_group_item_init (MdScanGroupItem *self)
{
}

struct _MdScanPage
{
  GtkWidget         parent_instance;

  /* Owned */
  GCancellable     *cancellable;
  MdLogScanReport  *report;
  GListStore       *groups;

  /* Template widgets */
  GtkStack         *stack;
  GtkProgressBar   *progress_bar;
  AdwStatusPage    *message_page;
  GtkLabel         *title_label;
  GtkLabel         *summary_label;
  MdScanChart      *chart;
  GtkLabel         *warning_label;
  GtkColumnView    *column_view;
};

G_DEFINE_FINAL_TYPE (MdScanPage, md_scan_page, GTK_TYPE_WIDGET)

enum {
  GROUP_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  COLUMN_RECEIVER,
  COLUMN_CODE,
  COLUMN_IP,
  COLUMN_COUNT,
  COLUMN_RECIPIENTS,
  COLUMN_LAST_SEEN,
} Column;

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (seconds == 0)
    return g_strdup ("—");
  dt = g_date_time_new_from_unix_utc (seconds);
  /* Translators: strftime format of "last seen" in the scan report. */
  return g_date_time_format (dt, _("%-d %b, %H:%M"));
}

static char *
column_text (const MdLogScanGroup *g,
             Column                column)
{
  switch (column)
    {
    case COLUMN_RECEIVER:
      if (g->receiver == NULL)
        return g_strdup (C_("receiver", "Unknown"));
      /* Microsoft's two services are known by their own names (and the
       * table must fit a narrow window): receivers.xml's <short-name>. */
      return g_strdup (md_provider_service_display_name (g->receiver, g->service));
    case COLUMN_CODE:
      if (g->smtp_code != 0)
        return g_strdup_printf ("%u %s", g->smtp_code, g->enhanced_status ? g->enhanced_status : "");
      return g_strdup (g->enhanced_status ? g->enhanced_status : "—");
    case COLUMN_IP:
      return g_strdup (g->blocked_ip ? g->blocked_ip : "—");
    case COLUMN_COUNT:
      return format_count (g->count);
    case COLUMN_RECIPIENTS:
      return format_count (g->recipients);
    case COLUMN_LAST_SEEN:
      return format_time (g->last_seen);
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label),
                        column == COLUMN_COUNT || column == COLUMN_RECIPIENTS ? 1.0 : 0.0);
  if (column == COLUMN_RECEIVER)
    {
      /* "Exchange Online" wraps rather than losing a word. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_width_chars (GTK_LABEL (label), 11);
    }
  /* Codes, addresses, counts and times are read whole. */
  if (column == COLUMN_COUNT || column == COLUMN_RECIPIENTS)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  MdScanGroupItem *group = gtk_list_item_get_item (item);
  g_autofree char *text = column_text (group->group, GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static int
compare_count (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const MdLogScanGroup *x = ((MdScanGroupItem *) a)->group, *y = ((MdScanGroupItem *) b)->group;

  return x->count < y->count ? -1 : x->count > y->count;
}

static int
compare_last_seen (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const MdLogScanGroup *x = ((MdScanGroupItem *) a)->group, *y = ((MdScanGroupItem *) b)->group;

  return x->last_seen < y->last_seen ? -1 : x->last_seen > y->last_seen;
}

static GtkColumnViewColumn *
add_column (MdScanPage       *self,
            const char       *title,
            Column            column,
            GCompareDataFunc  compare)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, column == COLUMN_RECEIVER);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (compare != NULL)
    gtk_column_view_column_set_sorter (col, GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL)));
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
  return col;
}

static void
scan_progress_cb (double   fraction,
                  gpointer user_data)
{
  MdScanPage *self = user_data;

  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
show_message (MdScanPage *self,
              const char *icon,
              const char *title,
              const char *description)
{
  adw_status_page_set_icon_name (self->message_page, icon);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
show_report (MdScanPage      *self,
             MdLogScanReport *report)
{
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *n = format_count (report->rejections);
  g_autofree char *bounced = format_count (report->bounced);
  g_autofree char *deferred = format_count (report->deferred);
  g_autofree char *messages = format_count (report->messages);

  g_clear_pointer (&self->report, md_log_scan_report_unref);
  self->report = md_log_scan_report_ref (report);

  if (report->rejections == 0)
    {
      g_autofree char *lines = format_count (report->lines);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%s line read from Postfix, Exim or "
                                                            "OpenSMTPD logs, and none of it is a "
                                                            "rejection.",
                                                            "%s lines read from Postfix, Exim or "
                                                            "OpenSMTPD logs, and none of them is a "
                                                            "rejection.",
                                                            report->lines), lines);
      show_message (self, "emblem-ok-symbolic", _("No Rejections Found"), text);
      return;
    }

  /* Translators: %s is a number with thousands separators. */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Rejection", "%s Rejections",
                                        report->rejections), n);
  gtk_label_set_text (self->title_label, title);
  /* Translators: the figures under the report's title: bounced lines, deferred lines
   * (all "%s" are numbers), then the number of distinct messages. */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s bounced and %s deferred log lines, for %s message.",
                                          "%s bounced and %s deferred log lines, for %s messages.",
                                          report->messages), bounced, deferred, messages);
  gtk_label_set_text (self->summary_label, summary);

  if (report->warnings[0] != NULL)
    {
      g_autofree char *warnings = g_strjoinv ("\n", report->warnings);
      gtk_label_set_text (self->warning_label, warnings);
      gtk_widget_set_visible (GTK_WIDGET (self->warning_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->warning_label), FALSE);

  md_scan_chart_set_report (self->chart, report);

  g_list_store_remove_all (self->groups);
  for (guint i = 0; i < report->groups->len; i++)
    {
      g_autoptr(MdScanGroupItem) item = g_object_new (MD_TYPE_SCAN_GROUP_ITEM, NULL);

      item->report = md_log_scan_report_ref (report);
      item->group = g_ptr_array_index (report->groups, i);
      g_list_store_append (self->groups, item);
    }
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MdScanPage) self = user_data;
  g_autoptr(MdLogScanReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = md_log_scanner_run_finish (MD_LOG_SCANNER (object), result, &error);
  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* A newer scan replaced this one: it shows its own state. */
          if (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
            show_message (self, "process-stop-symbolic", _("Scan Cancelled"),
                          _("Nothing was kept. Open the logs again to read them to the end."));
          return;
        }
      show_message (self, "dialog-warning-symbolic", _("The Logs Cannot Be Read"), error->message);
      return;
    }
  show_report (self, report);
}

static void
cancel_clicked_cb (MdScanPage *self)
{
  md_scan_page_cancel (self);
}

static void
group_activated_cb (MdScanPage *self,
                    guint       position)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (self->column_view));
  g_autoptr(MdScanGroupItem) item = g_list_model_get_item (model, position);

  if (item != NULL)
    g_signal_emit (self, signals[GROUP_ACTIVATED], 0, item->group);
}

static void
md_scan_page_dispose (GObject *object)
{
  MdScanPage *self = MD_SCAN_PAGE (object);

  md_scan_page_cancel (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_SCAN_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->groups);
  g_clear_pointer (&self->report, md_log_scan_report_unref);

  G_OBJECT_CLASS (md_scan_page_parent_class)->dispose (object);
}

static void
md_scan_page_class_init (MdScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_scan_page_dispose;

  /* The group (const MdLogScanGroup *) whose sample should become a case;
   * valid during the emission. */
  signals[GROUP_ACTIVATED] = g_signal_new ("group-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (MD_TYPE_SCAN_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/MailDoctor/ui/md-scan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, message_page);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, chart);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, MdScanPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, group_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
md_scan_page_init (MdScanPage *self)
{
  g_autoptr(GtkSortListModel) sorted = NULL;
  GtkColumnViewColumn *count;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->groups = g_list_store_new (MD_TYPE_SCAN_GROUP_ITEM);
  /* Translators: column headers of the mail log report; short, the table
   * must fit a narrow window. */
  add_column (self, C_("scan column", "Receiver"), COLUMN_RECEIVER, NULL);
  add_column (self, _("Code"), COLUMN_CODE, NULL);
  add_column (self, _("Blocked IP"), COLUMN_IP, NULL);
  count = add_column (self, C_("scan column", "Rejections"), COLUMN_COUNT, compare_count);
  add_column (self, _("Recipients"), COLUMN_RECIPIENTS, NULL);
  add_column (self, C_("scan column", "Last Seen"), COLUMN_LAST_SEEN, compare_last_seen);

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->groups)),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (gtk_single_selection_new (
                               G_LIST_MODEL (g_steal_pointer (&sorted)))));
  gtk_column_view_sort_by_column (self->column_view, count, GTK_SORT_DESCENDING);
}

void
md_scan_page_scan (MdScanPage *self,
                   GListModel *files)
{
  g_autoptr(MdLogScanner) scanner = NULL;

  g_return_if_fail (MD_IS_SCAN_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  md_scan_page_cancel (self);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->report, md_log_scan_report_unref);
  g_list_store_remove_all (self->groups);

  scanner = md_log_scanner_new ();
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      md_log_scanner_add_file (scanner, file);
    }
  if (g_list_model_get_n_items (files) == 0)
    return;

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  md_log_scanner_run_async (scanner, self->cancellable, scan_progress_cb, self,
                            scan_done_cb, g_object_ref (self));
}

void
md_scan_page_cancel (MdScanPage *self)
{
  g_return_if_fail (MD_IS_SCAN_PAGE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

MdLogScanReport *
md_scan_page_get_report (MdScanPage *self)
{
  g_return_val_if_fail (MD_IS_SCAN_PAGE (self), NULL);

  return self->report;
}

char *
md_scan_group_describe (const MdLogScanGroup *group)
{
  g_autofree char *count = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *since = NULL;
  g_autofree char *rejections = NULL;
  g_autoptr(GDateTime) first = NULL;

  g_return_val_if_fail (group != NULL, NULL);

  count = format_count (group->count);
  recipients = format_count (group->recipients);
  first = g_date_time_new_from_unix_utc (group->first_seen);
  /* Translators: strftime format of a day in "… since 12 Nov". */
  since = g_date_time_format (first, _("%-d %b"));
  g_strstrip (since);
  /* Translators: the first part of "1,204 rejections for 37 recipients since 12 Nov". */
  rejections = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s rejection", "%s rejections",
                                             group->count), count);
  /* Translators: "1,204 rejections" (already translated), recipients, a day: "… for 37
   * recipients since 12 Nov". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s for %s recipient since %s",
                                       "%s for %s recipients since %s", group->recipients),
                          rejections, recipients, since);
}
