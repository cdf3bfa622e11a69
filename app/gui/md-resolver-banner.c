/* md-resolver-banner.c — one bar that says the resolver cannot be trusted
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-resolver-banner.h"

/* Shows what MdCheckRun:resolver-trust says when it is not "trusted": one
 * bar instead of thirty rows of the same error, which server answered and
 * a button that opens the preferences (app.preferences). Hidden while the
 * run probes and when the resolver is trusted and not public. */

struct _MdResolverBanner
{
  GtkWidget     parent_instance;

  /* Owned */
  MdCheckRun   *run;
  GSignalGroup *run_signals;

  /* Template widgets */
  GtkRevealer  *revealer;
  GtkLabel     *title_label;
  GtkLabel     *detail_label;
  GtkButton    *change_button;
};

enum {
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MdResolverBanner, md_resolver_banner, GTK_TYPE_WIDGET)

static const char *
title_for (MdResolverTrust trust)
{
  switch (trust)
    {
    case MD_RESOLVER_TRUST_REWRITES:
      return _("Your DNS resolver makes up answers");
    case MD_RESOLVER_TRUST_DENIES:
      return _("Your DNS resolver denies names that exist");
    case MD_RESOLVER_TRUST_UNREACHABLE:
      return _("Your DNS resolver gives no usable answers");
    case MD_RESOLVER_TRUST_REFUSED:
      return _("Blocklists refuse your DNS resolver");
    case MD_RESOLVER_TRUST_TRUSTED:
      return _("Your DNS resolver is a public one");
    case MD_RESOLVER_TRUST_PROBING:
    default:
      return "";
    }
}

static void
update (MdResolverBanner *self)
{
  MdResolverTrust trust = MD_RESOLVER_TRUST_PROBING;
  gboolean is_public = FALSE;
  g_autofree char *detail = NULL;
  gboolean shown;

  if (self->run != NULL)
    {
      trust = md_check_run_get_resolver_trust (self->run);
      is_public = md_check_run_get_options (self->run)->public_resolver != NULL;
    }

  shown = trust != MD_RESOLVER_TRUST_PROBING &&
          (trust != MD_RESOLVER_TRUST_TRUSTED || is_public);

  if (shown)
    {
      const char *consequence;
      g_autofree char *line = md_check_run_describe_resolver (self->run);

      /* Shown while trusted only for a public resolver: the lists refuse those. */
      consequence = md_resolver_trust_consequence (trust == MD_RESOLVER_TRUST_TRUSTED
                                                   ? MD_RESOLVER_TRUST_REFUSED : trust);
      /* Translators: first %s names the resolver and what is wrong with it,
       * second what MailDoctor does about it */
      detail = g_strdup_printf (_("Resolver %s. %s"), line, consequence);
      gtk_label_set_text (self->title_label, title_for (trust));
      gtk_label_set_text (self->detail_label, detail);
    }

  gtk_widget_set_visible (GTK_WIDGET (self), shown);
  gtk_revealer_set_reveal_child (self->revealer, shown);
}

static void
trust_changed_cb (MdResolverBanner *self)
{
  update (self);
}

static void
md_resolver_banner_dispose (GObject *object)
{
  MdResolverBanner *self = MD_RESOLVER_BANNER (object);

  g_clear_object (&self->run_signals);
  g_clear_object (&self->run);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_RESOLVER_BANNER);

  G_OBJECT_CLASS (md_resolver_banner_parent_class)->dispose (object);
}

static void
md_resolver_banner_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MdResolverBanner *self = MD_RESOLVER_BANNER (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_resolver_banner_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MdResolverBanner *self = MD_RESOLVER_BANNER (object);

  switch (prop_id)
    {
    case PROP_RUN:
      md_resolver_banner_set_run (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_resolver_banner_class_init (MdResolverBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_resolver_banner_dispose;
  object_class->get_property = md_resolver_banner_get_property;
  object_class->set_property = md_resolver_banner_set_property;

  /**
   * MdResolverBanner:run:
   *
   * The check run whose resolver the banner speaks about, or %NULL.
   */
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL,
                         MD_TYPE_CHECK_RUN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/MailDoctor/ui/md-resolver-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, MdResolverBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, MdResolverBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, MdResolverBanner, detail_label);
  gtk_widget_class_bind_template_child (widget_class, MdResolverBanner, change_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "md-resolver-banner");
}

static void
md_resolver_banner_init (MdResolverBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->run_signals = g_signal_group_new (MD_TYPE_CHECK_RUN);
  g_signal_group_connect_object (self->run_signals, "notify::resolver-trust",
                                 G_CALLBACK (trust_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
md_resolver_banner_new (void)
{
  return g_object_new (MD_TYPE_RESOLVER_BANNER, NULL);
}

MdCheckRun *
md_resolver_banner_get_run (MdResolverBanner *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER_BANNER (self), NULL);

  return self->run;
}

void
md_resolver_banner_set_run (MdResolverBanner *self,
                            MdCheckRun       *run)
{
  g_return_if_fail (MD_IS_RESOLVER_BANNER (self));
  g_return_if_fail (run == NULL || MD_IS_CHECK_RUN (run));

  if (!g_set_object (&self->run, run))
    return;

  g_signal_group_set_target (self->run_signals, run);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

const char *
md_resolver_banner_get_title (MdResolverBanner *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER_BANNER (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
md_resolver_banner_get_detail (MdResolverBanner *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER_BANNER (self), NULL);

  return gtk_label_get_text (self->detail_label);
}

/* A check that could not decide because of the resolver: the case view
 * collapses these into one summary row under the banner. */
gboolean
md_resolver_banner_check_is_affected (MdCheck *check)
{
  JsonObject *details;

  g_return_val_if_fail (MD_IS_CHECK (check), FALSE);

  details = md_check_get_details (check);

  return md_check_get_status (check) == MD_CHECK_STATUS_ERROR &&
         json_object_has_member (details, "reason") &&
         JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "reason")) &&
         g_strcmp0 (json_object_get_string_member (details, "reason"), "resolver-untrusted") == 0;
}
