/* md-watch-page.c — the window's watch list: every watched address and its listings
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-watch-page.h"

struct _MdWatchPage
{
  AdwBin           parent_instance;

  /* Owned */
  MdWatch         *watch;
  GtkSortListModel *sorted;
  GtkSorter       *sorter;
  GSignalGroup    *watch_signals;

  /* Template widgets */
  GtkLabel        *state_label;
  GtkSpinner      *spinner;
  GtkLabel        *pause_label;
  GtkStack        *stack;
  GtkColumnView   *column_view;
};

enum {
  PROP_0,
  PROP_WATCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MdWatchPage, md_watch_page, ADW_TYPE_BIN)

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return md_watch_item_compare (MD_WATCH_ITEM ((gpointer) a), MD_WATCH_ITEM ((gpointer) b));
}

static void
update_state (MdWatchPage *self)
{
  gboolean busy = self->watch != NULL && md_watch_is_busy (self->watch);
  const char *pause = self->watch != NULL ? md_watch_get_pause_reason (self->watch) : NULL;
  guint n = self->watch != NULL ? g_list_model_get_n_items (md_watch_get_model (self->watch)) : 0;
  g_autofree char *state = NULL;

  if (busy)
    state = g_strdup (_("Checking the block lists…"));
  else if (self->watch != NULL)
    {
      GListModel *model = md_watch_get_model (self->watch);
      guint hours = md_watch_get_interval (self->watch) / 3600;
      guint n_addresses = 0;
      g_autofree char *what = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(MdWatchItem) item = g_list_model_get_item (model, i);

          if (g_hostname_is_ip_address (md_watch_item_get_subject (item)))
            n_addresses++;
        }

      if (n_addresses == n)
        /* Translators: the start of "5 addresses, checked every 6 hours" */
        what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u address", "%u addresses",
                                             n_addresses), n_addresses);
      else
        {
          g_autofree char *addresses = NULL;

          addresses = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u address",
                                                    "%u addresses", n_addresses), n_addresses);
          /* Translators: %s is "5 addresses", %u a number of domains */
          what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u domain",
                                               "%s and %u domains", n - n_addresses),
                                  addresses, n - n_addresses);
        }
      /* Translators: %s is "5 addresses" or "5 addresses and 1 domain", %u a number of hours */
      state = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, checked every hour",
                                            "%s, checked every %u hours", hours),
                               what, hours);
    }

  gtk_label_set_text (self->state_label, state != NULL ? state : "");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_text (self->pause_label, pause != NULL ? pause : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pause_label), pause != NULL);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "watch.recheck",
                                 self->watch != NULL && !busy && n > 0);
}

static void
round_finished_cb (MdWatchPage *self)
{
  /* Items change in place: problems first needs a new sort. */
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
  update_state (self);
}

static void
recheck_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MdWatchPage *self = MD_WATCH_PAGE (widget);

  if (self->watch != NULL)
    md_watch_recheck_now (self->watch);
  update_state (self);
}

/* Columns */

typedef enum
{
  COLUMN_SUBJECT,
  COLUMN_STATUS,
  COLUMN_CHECKED,
  COLUMN_HISTORY,
  COLUMN_CASE,
} Column;

static char *
format_time (GDateTime *utc)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  /* Translators: a date and time in strftime() format */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static GtkWidget *
history_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);

  return label;
}

static void
show_history (GtkLabel     *label,
              GPtrArray    *listings,
              const GError *error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (listings == NULL)
    g_string_append (text, error->message);
  else if (listings->len == 0)
    g_string_append (text, _("No listing seen yet."));

  for (guint i = 0; listings != NULL && i < listings->len; i++)
    {
      const MdWatchListing *listing = g_ptr_array_index (listings, i);
      g_autofree char *listed = format_time (listing->listed);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (listing->delisted != NULL)
        {
          g_autofree char *delisted = format_time (listing->delisted);

          /* Translators: a block list's name, then two dates */
          g_string_append_printf (text, _("%s: listed from %s to %s"), listing->list_name,
                                  listed, delisted);
        }
      else
        /* Translators: a block list's name, then a date */
        g_string_append_printf (text, _("%s: listed since %s"), listing->list_name, listed);
    }

  gtk_label_set_text (label, text->str);
}

static void
history_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(GtkLabel) label = g_weak_ref_get (weak);
  g_autoptr(GPtrArray) listings = NULL;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  listings = md_case_store_list_listings_finish (MD_CASE_STORE (object), result, &error);
  /* Cancelled: the label went, or a newer read replaced this one. */
  if (label == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_history (label, listings, error);
}

static void
cancel_read (gpointer data)
{
  g_cancellable_cancel (data);
  g_object_unref (data);
}

/* The address's history from the case store, read (on the store's writer
 * thread) when the popover opens; the label is empty the moment until then. */
static void
fill_history (GtkMenuButton *button,
              gpointer       user_data)
{
  GtkListItem *list_item = user_data;
  MdWatchPage *self = g_object_get_data (G_OBJECT (button), "md-page");
  MdWatchItem *item = gtk_list_item_get_item (list_item);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  MdCaseStore *store;
  GtkWidget *label;
  GWeakRef *weak;

  if (item == NULL || self == NULL || self->watch == NULL)
    return;

  label = history_label_new ();
  gtk_popover_set_child (gtk_menu_button_get_popover (button), label);

  store = md_watch_get_store (self->watch);
  if (store == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The case database is not open yet."));
      show_history (GTK_LABEL (label), NULL, error);
      return;
    }

  /* Replacing the data cancels the read before; so does the button's end. */
  cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (button), "md-history-read", cancellable, cancel_read);
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, label);
  md_case_store_list_listings_async (store, md_watch_item_get_subject (item), FALSE, cancellable,
                                     history_read_cb, weak);
}

static void
update_cell (GtkListItem *list_item)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "md-column"));
  MdWatchItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (item == NULL)
    return;

  switch (column)
    {
    case COLUMN_SUBJECT:
      gtk_label_set_text (GTK_LABEL (child), md_watch_item_get_subject (item));
      break;
    case COLUMN_STATUS:
      {
        g_autofree char *status = md_watch_item_dup_status (item);

        gtk_label_set_text (GTK_LABEL (child), status);
        if (md_watch_item_get_n_listed (item) > 0)
          gtk_widget_add_css_class (child, "error");
        else
          gtk_widget_remove_css_class (child, "error");
      }
      break;
    case COLUMN_CHECKED:
      {
        gint64 checked = md_watch_item_get_checked (item);
        g_autoptr(GDateTime) utc = NULL;
        g_autofree char *text = NULL;

        if (checked > 0)
          {
            utc = g_date_time_new_from_unix_utc (checked / G_USEC_PER_SEC);
            text = format_time (utc);
          }
        gtk_label_set_text (GTK_LABEL (child), text != NULL ? text : "—");
      }
      break;
    case COLUMN_HISTORY:
      break;
    case COLUMN_CASE:
      {
        gint64 case_id = md_watch_item_get_case_id (item);

        gtk_widget_set_visible (child, case_id > 0);
        gtk_actionable_set_action_target (GTK_ACTIONABLE (child), "x", case_id);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *child;

  if (column == COLUMN_HISTORY)
    {
      child = gtk_menu_button_new ();
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (child), "document-open-recent-symbolic");
      gtk_widget_set_tooltip_text (child, _("Listing History"));
      gtk_menu_button_set_popover (GTK_MENU_BUTTON (child), gtk_popover_new ());
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (child), fill_history, list_item,
                                             NULL);
      gtk_widget_add_css_class (child, "flat");
      g_object_set_data (G_OBJECT (child), "md-page",
                         g_object_get_data (G_OBJECT (factory), "md-page"));
    }
  else if (column == COLUMN_CASE)
    {
      child = gtk_button_new_with_label (_("Open Case"));
      /* The target first: the action takes a case id. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (child), "x", G_GINT64_CONSTANT (0));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (child), "app.open-case");
      gtk_widget_add_css_class (child, "flat");
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      if (column == COLUMN_SUBJECT)
        gtk_widget_add_css_class (child, "monospace");
      if (column == COLUMN_CHECKED)
        gtk_widget_add_css_class (child, "dim-label");
    }
  gtk_widget_set_margin_top (child, 6);
  gtk_widget_set_margin_bottom (child, 6);
  g_object_set_data (G_OBJECT (list_item), "md-column", user_data);
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         gpointer                  user_data)
{
  MdWatchItem *item = gtk_list_item_get_item (list_item);

  g_signal_connect_object (item, "notify", G_CALLBACK (update_cell), list_item,
                           G_CONNECT_SWAPPED);
  update_cell (list_item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  MdWatchItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, update_cell, list_item);
}

static void
add_column (MdWatchPage *self,
            const char  *title,
            Column       column,
            gboolean     expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "md-page", self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (self->column_view, view_column);
}

static void
md_watch_page_dispose (GObject *object)
{
  MdWatchPage *self = MD_WATCH_PAGE (object);

  if (self->watch_signals != NULL)
    g_signal_group_set_target (self->watch_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_WATCH_PAGE);
  g_clear_object (&self->watch_signals);
  g_clear_object (&self->sorted);
  g_clear_object (&self->watch);

  G_OBJECT_CLASS (md_watch_page_parent_class)->dispose (object);
}

static void
md_watch_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MdWatchPage *self = MD_WATCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_WATCH:
      g_value_set_object (value, self->watch);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_watch_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MdWatchPage *self = MD_WATCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_WATCH:
      md_watch_page_set_watch (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_watch_page_class_init (MdWatchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_watch_page_dispose;
  object_class->get_property = md_watch_page_get_property;
  object_class->set_property = md_watch_page_set_property;

  properties[PROP_WATCH] = g_param_spec_object ("watch", NULL, NULL, MD_TYPE_WATCH,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-watch-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MdWatchPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPage, pause_label);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MdWatchPage, column_view);
  gtk_widget_class_install_action (widget_class, "watch.recheck", NULL, recheck_action);
}

static void
md_watch_page_init (MdWatchPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The sort model owns the sorter; the page keeps the model. */
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_items, NULL, NULL));
  self->sorted = gtk_sort_list_model_new (NULL, self->sorter);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  add_column (self, _("Address"), COLUMN_SUBJECT, FALSE);
  add_column (self, _("Block Lists"), COLUMN_STATUS, TRUE);
  add_column (self, _("Last Checked"), COLUMN_CHECKED, FALSE);
  add_column (self, _("History"), COLUMN_HISTORY, FALSE);
  add_column (self, _("Case"), COLUMN_CASE, FALSE);

  self->watch_signals = g_signal_group_new (MD_TYPE_WATCH);
  g_signal_group_connect_swapped (self->watch_signals, "round-started",
                                  G_CALLBACK (update_state), self);
  g_signal_group_connect_swapped (self->watch_signals, "round-finished",
                                  G_CALLBACK (round_finished_cb), self);

  update_state (self);
}

GtkWidget *
md_watch_page_new (void)
{
  return g_object_new (MD_TYPE_WATCH_PAGE, NULL);
}

MdWatch *
md_watch_page_get_watch (MdWatchPage *self)
{
  g_return_val_if_fail (MD_IS_WATCH_PAGE (self), NULL);

  return self->watch;
}

void
md_watch_page_set_watch (MdWatchPage *self,
                         MdWatch     *watch)
{
  g_return_if_fail (MD_IS_WATCH_PAGE (self));
  g_return_if_fail (watch == NULL || MD_IS_WATCH (watch));

  if (!g_set_object (&self->watch, watch))
    return;

  g_signal_group_set_target (self->watch_signals, watch);
  gtk_sort_list_model_set_model (self->sorted, watch != NULL ? md_watch_get_model (watch) : NULL);
  if (watch != NULL)
    g_signal_connect_object (md_watch_get_model (watch), "items-changed",
                             G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCH]);
}
