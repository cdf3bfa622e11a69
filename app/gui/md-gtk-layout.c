/* md-gtk-layout.c — keeps GTK's size negotiation linear for wrapping text
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Why this file exists (measured with build-aux/bench-window.sh and a GTK
 * 4.8.3 built with symbols; issue 14):
 *
 * A case is a long page of rows whose titles and subtitles wrap. To find
 * the height of a horizontal box for a width, GtkBoxLayout
 * (compute_opposite_size_for_size → distribute_remaining_size) searches for
 * the smallest height at which its height-for-width children fit, asking
 * each of them "how wide for this height?". For a vertical box (a row's
 * title and subtitle) that question starts the same search one level down,
 * and for a GtkLabel it is a binary search over widths, each step laying
 * the text out again with Pango. Nested three deep in every AdwActionRow,
 * the first layout of a case took 100–170 ms and the next one as much
 * again: the window could not answer for that long.
 *
 * A widget that trades height for width gives its width independently of
 * any height — that is the height-for-width contract (gtk_widget_measure():
 * the width is asked with for_size -1, then the height for that width). So
 * for labels and boxes in that mode, the width for a given height is
 * answered with their width for no height: cached by GTK, found without a
 * search. The box's search then ends at its first step. Heights are still
 * measured for the real width, so nothing is laid out differently unless
 * a row is narrower than its widest word — the case the search was for,
 * where the text now wraps at that word instead of the row growing taller.
 *
 * It changes three class methods, GtkLabel's measure, GtkBoxLayout's and
 * GtkViewport's (see md_viewport_measure()), once at startup, before any
 * window exists. No library offers this, and
 * the widgets concerned are libadwaita's own (AdwActionRow's title box),
 * which the app cannot replace one by one. */

#include "config.h"

#include <gtk/gtk.h>

#include "md-gtk-layout.h"

/* GtkWidgetClass.measure */
typedef void (*WidgetMeasure) (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline);

static WidgetMeasure label_measure;
static WidgetMeasure viewport_measure;

static void (*box_layout_measure) (GtkLayoutManager *manager,
                                   GtkWidget        *widget,
                                   GtkOrientation    orientation,
                                   int               for_size,
                                   int              *minimum,
                                   int              *natural,
                                   int              *minimum_baseline,
                                   int              *natural_baseline);

static gboolean
width_for_any_height (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural)
{
  if (orientation != GTK_ORIENTATION_HORIZONTAL || for_size < 0 ||
      gtk_widget_get_request_mode (widget) != GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH)
    return FALSE;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, minimum, natural, NULL, NULL);

  return TRUE;
}

static void
md_label_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (!width_for_any_height (widget, orientation, for_size, minimum, natural))
    label_measure (widget, orientation, for_size, minimum, natural,
                   minimum_baseline, natural_baseline);
}

static void
md_box_layout_measure (GtkLayoutManager *manager,
                       GtkWidget        *widget,
                       GtkOrientation    orientation,
                       int               for_size,
                       int              *minimum,
                       int              *natural,
                       int              *minimum_baseline,
                       int              *natural_baseline)
{
  if (!width_for_any_height (widget, orientation, for_size, minimum, natural))
    box_layout_measure (manager, widget, orientation, for_size, minimum, natural,
                        minimum_baseline, natural_baseline);
}

/* A scrolled window asks its content's height for no width, and uses the
 * answer only when it shows no vertical scrollbar or passes the content's
 * natural height on (gtkscrolledwindow.c, measure). For a case, that answer
 * lays every wrapping line out again at the narrowest width, each time a row
 * is added. When the scrolled window will not use it, it is not computed. */
static void
md_viewport_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL && for_size < 0 &&
      GTK_IS_SCROLLED_WINDOW (parent))
    {
      GtkPolicyType policy;

      gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (parent), NULL, &policy);
      if (policy != GTK_POLICY_NEVER &&
          !gtk_scrolled_window_get_propagate_natural_height (GTK_SCROLLED_WINDOW (parent)))
        {
          *minimum = *natural = 0;
          return;
        }
    }

  viewport_measure (widget, orientation, for_size, minimum, natural,
                    minimum_baseline, natural_baseline);
}

void
md_gtk_layout_init (void)
{
  GtkWidgetClass *label_class;
  GtkWidgetClass *viewport_class;
  GtkLayoutManagerClass *box_class;

  if (label_measure != NULL)
    return;

  /* Kept referenced for the life of the process: the methods stay ours. */
  label_class = g_type_class_ref (GTK_TYPE_LABEL);
  box_class = g_type_class_ref (GTK_TYPE_BOX_LAYOUT);

  label_measure = label_class->measure;
  label_class->measure = md_label_measure;
  box_layout_measure = box_class->measure;
  box_class->measure = md_box_layout_measure;

  viewport_class = g_type_class_ref (GTK_TYPE_VIEWPORT);
  viewport_measure = viewport_class->measure;
  viewport_class->measure = md_viewport_measure;
}
