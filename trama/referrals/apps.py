from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "trama.referrals"
    label = "referrals"
    verbose_name = _("Invii e passaggi di presa in carico")

    def ready(self) -> None:
        from trama.core.nav import NavEntry, register
        from trama.records.access import scope_of
        from trama.referrals.access import reader_org_ids

        # The operator's home: for whoever may see referrals or reach households.
        register(NavEntry("referrals", _("Il mio lavoro"), "referrals:home", order=5,
                          visible=lambda request: bool(reader_org_ids(request.user))
                          or not scope_of(request.user).empty))
