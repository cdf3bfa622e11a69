/* md-scan-chart.c — rejections per day, per receiver
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stacked bars, one per day, one colour per receiver, and a legend under
 * them; drawn with GtkSnapshot. The colours are libadwaita's palette
 * colours looked up from the style (mid tones that read on light and dark
 * backgrounds), the text takes the style's foreground colour.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-scan-chart.h"

#define MAX_SERIES   6     /* receivers shown apart; the rest is "Others" */
#define BAR_AREA     140.0
#define PAD          8.0
#define SWATCH       12.0

typedef struct
{
  char   *label;
  GArray *per_day;       /* guint64 per day index */
  guint64 total;
} Series;

struct _MdScanChart
{
  GtkWidget  parent_instance;

  GPtrArray *series;     /* of Series* */
  guint32    first_day;
  guint      n_days;
  guint64    max_day_total;
};

G_DEFINE_FINAL_TYPE (MdScanChart, md_scan_chart, GTK_TYPE_WIDGET)

static const char *palette[] = {
  "blue_3", "orange_3", "green_4", "purple_3", "red_3", "yellow_5", "brown_3",
};

static void
series_free (Series *s)
{
  g_free (s->label);
  g_array_unref (s->per_day);
  g_free (s);
}

static GdkRGBA
series_color (MdScanChart *self,
              guint        index)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA color = { 0.5, 0.5, 0.5, 1.0 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (style, palette[index % G_N_ELEMENTS (palette)], &color))
    gtk_style_context_lookup_color (style, "accent_bg_color", &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static GdkRGBA
text_color (MdScanChart *self)
{
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static char *
format_day (guint32 day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc ((gint64) day * 86400);

  /* Translators: a day on the chart's axis, strftime format: "29 Nov". */
  return g_date_time_format (dt, _("%-d %b"));
}

static void
add_text (GtkSnapshot   *snapshot,
          PangoLayout   *layout,
          const GdkRGBA *color,
          float          x,
          float          y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* The legend's rows for @width: returns the height it takes. */
static float
legend_layout (MdScanChart *self,
               float        width,
               GtkSnapshot *snapshot,
               float        top)
{
  GdkRGBA fg = text_color (self);
  float x = 0, y = 0, line = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      g_autofree char *text = g_strdup_printf ("%s (%" G_GUINT64_FORMAT ")", s->label, s->total);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      int w, h;
      float item;

      pango_layout_get_pixel_size (layout, &w, &h);
      item = SWATCH + 6 + w + 16;
      if (x > 0 && x + item > width)
        {
          x = 0;
          y += line + 4;
          line = 0;
        }
      if (snapshot != NULL)
        {
          GdkRGBA c = series_color (self, i);
          gtk_snapshot_append_color (snapshot, &c,
                                     &GRAPHENE_RECT_INIT (x, top + y + (h - SWATCH) / 2,
                                                          SWATCH, SWATCH));
          add_text (snapshot, layout, &fg, x + SWATCH + 6, top + y);
        }
      line = MAX (line, h);
      x += item;
      g_object_unref (layout);
    }
  return y + line;
}

/* The legend wraps: the height depends on the width. */
static GtkSizeRequestMode
md_scan_chart_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
md_scan_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  MdScanChart *self = MD_SCAN_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 600;
    }
  else
    {
      float legend = legend_layout (self, for_size > 0 ? for_size : 600, NULL, 0);
      *minimum = *natural = (int) (BAR_AREA + 24 + PAD + legend + PAD);
    }
}

static void
md_scan_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  MdScanChart *self = MD_SCAN_CHART (widget);
  float width = gtk_widget_get_width (widget);
  GdkRGBA fg = text_color (self);
  GdkRGBA grid = fg;
  g_autofree char *max_text = NULL;
  PangoLayout *layout;
  float left, bar_w;
  int w, h;

  if (self->n_days == 0 || self->max_day_total == 0)
    return;

  grid.alpha = 0.25;
  max_text = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_day_total);
  layout = gtk_widget_create_pango_layout (widget, max_text);
  pango_layout_get_pixel_size (layout, &w, &h);
  left = w + 6;
  add_text (snapshot, layout, &fg, 0, 0);
  g_object_unref (layout);

  /* Axis and the top line. */
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (left, BAR_AREA, width - left, 1));
  gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (left, h / 2.0, width - left, 1));

  bar_w = (width - left) / self->n_days;
  for (guint d = 0; d < self->n_days; d++)
    {
      float y = BAR_AREA;
      float x = left + d * bar_w + MIN (2.0, bar_w / 8);
      float bw = MAX (1.0, bar_w - 2 * MIN (2.0, bar_w / 8));

      for (guint i = 0; i < self->series->len; i++)
        {
          const Series *s = g_ptr_array_index (self->series, i);
          guint64 n = g_array_index (s->per_day, guint64, d);
          float bh;
          GdkRGBA c;

          if (n == 0)
            continue;
          bh = (float) n / self->max_day_total * (BAR_AREA - h / 2.0);
          c = series_color (self, i);
          gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (x, y - bh, bw, bh));
          y -= bh;
        }
    }

  /* First and last day under the axis. */
  {
    g_autofree char *first = format_day (self->first_day);
    g_autofree char *last = format_day (self->first_day + self->n_days - 1);

    layout = gtk_widget_create_pango_layout (widget, first);
    add_text (snapshot, layout, &fg, left, BAR_AREA + 4);
    g_object_unref (layout);
    if (self->n_days > 1)
      {
        layout = gtk_widget_create_pango_layout (widget, last);
        pango_layout_get_pixel_size (layout, &w, &h);
        add_text (snapshot, layout, &fg, width - w, BAR_AREA + 4);
        g_object_unref (layout);
      }
  }

  legend_layout (self, width, snapshot, BAR_AREA + 24 + PAD);
}

static void
md_scan_chart_dispose (GObject *object)
{
  MdScanChart *self = MD_SCAN_CHART (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);

  G_OBJECT_CLASS (md_scan_chart_parent_class)->dispose (object);
}

static void
md_scan_chart_class_init (MdScanChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_scan_chart_dispose;
  widget_class->get_request_mode = md_scan_chart_get_request_mode;
  widget_class->measure = md_scan_chart_measure;
  widget_class->snapshot = md_scan_chart_snapshot;
  gtk_widget_class_set_css_name (widget_class, "scanchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
md_scan_chart_init (MdScanChart *self)
{
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Rejections per day"), -1);
}

GtkWidget *
md_scan_chart_new (void)
{
  return g_object_new (MD_TYPE_SCAN_CHART, NULL);
}

static Series *
series_for (MdScanChart *self,
            const char  *label)
{
  Series *s;

  for (guint i = 0; i < self->series->len; i++)
    if (g_str_equal (((Series *) g_ptr_array_index (self->series, i))->label, label))
      return g_ptr_array_index (self->series, i);
  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  s->per_day = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_array_set_size (s->per_day, self->n_days);
  g_ptr_array_add (self->series, s);
  return s;
}

static int
compare_series (gconstpointer a,
                gconstpointer b)
{
  const Series *x = *(Series * const *) a, *y = *(Series * const *) b;

  return x->total > y->total ? -1 : x->total < y->total;
}

void
md_scan_chart_set_report (MdScanChart     *self,
                          MdLogScanReport *report)
{
  g_autofree char *summary = NULL;
  guint32 last_day = 0;

  g_return_if_fail (MD_IS_SCAN_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  self->n_days = 0;
  self->max_day_total = 0;

  if (report != NULL && report->first_seen != 0)
    {
      self->first_day = (guint32) (report->first_seen / 86400);
      last_day = (guint32) (report->last_seen / 86400);
      /* A long log: at most a year of bars, the latest. */
      if (last_day - self->first_day >= 366)
        self->first_day = last_day - 365;
      self->n_days = last_day - self->first_day + 1;

      for (guint i = 0; i < report->groups->len; i++)
        {
          const MdLogScanGroup *g = g_ptr_array_index (report->groups, i);
          const char *label = g->receiver ? md_provider_display_name (g->receiver)
                                          : C_("receiver", "Unknown");
          Series *s = series_for (self, label);

          for (guint j = 0; j < g->per_day->len; j++)
            {
              const MdLogScanDay *day = &g_array_index (g->per_day, MdLogScanDay, j);

              if (day->day < self->first_day || day->day > last_day)
                continue;
              g_array_index (s->per_day, guint64, day->day - self->first_day) += day->count;
              s->total += day->count;
            }
        }
      g_ptr_array_sort (self->series, compare_series);

      /* Past MAX_SERIES receivers, the smallest are one series. */
      if (self->series->len > MAX_SERIES)
        {
          Series *others = g_new0 (Series, 1);

          others->label = g_strdup (_("Others"));
          others->per_day = g_array_new (FALSE, TRUE, sizeof (guint64));
          g_array_set_size (others->per_day, self->n_days);
          while (self->series->len > MAX_SERIES - 1)
            {
              Series *s = g_ptr_array_steal_index (self->series, self->series->len - 1);
              for (guint d = 0; d < self->n_days; d++)
                g_array_index (others->per_day, guint64, d) += g_array_index (s->per_day, guint64, d);
              others->total += s->total;
              series_free (s);
            }
          g_ptr_array_add (self->series, others);
        }

      for (guint d = 0; d < self->n_days; d++)
        {
          guint64 total = 0;
          for (guint i = 0; i < self->series->len; i++)
            total += g_array_index (((Series *) g_ptr_array_index (self->series, i))->per_day,
                                    guint64, d);
          self->max_day_total = MAX (self->max_day_total, total);
        }
    }

  summary = md_scan_chart_dup_summary (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  summary, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
md_scan_chart_dup_summary (MdScanChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (MD_IS_SCAN_CHART (self), NULL);

  if (self->n_days == 0)
    return g_strdup (_("No rejections to show."));

  first = format_day (self->first_day);
  last = format_day (self->first_day + self->n_days - 1);
  g_strstrip (first);
  g_strstrip (last);
  {
    /* The number is formatted apart so that it is grouped in the locale. */
    g_autofree char *max = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->max_day_total);

    /* Translators: the chart's summary for screen readers; dates like "29 Nov". */
    g_string_printf (text, _("Rejections per day from %s to %s, at most %s a day."),
                     first, last, max);
  }
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      g_autofree char *total = g_strdup_printf ("%'" G_GUINT64_FORMAT, s->total);

      g_string_append_c (text, ' ');
      /* Translators: one receiver in the chart summary: "Microsoft: 1,204." */
      g_string_append_printf (text, _("%s: %s."), s->label, total);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
