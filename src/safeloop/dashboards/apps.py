from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "safeloop.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from safeloop.core.counts import register_summary
        from safeloop.dashboards.listcounts import hazard_state_counts
        from safeloop.hazards.models import Hazard

        # the hidden-danger list's counts per state, exact from the tallies
        register_summary(Hazard, hazard_state_counts)
