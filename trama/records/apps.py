from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "trama.records"
    label = "records"
    verbose_name = _("Cartella sociale")

    def ready(self) -> None:
        from trama.core.nav import NavEntry, register
        from trama.records.access import can_break_glass, scope_of

        # Shown to whoever may reach households: through an organisation's role, a network, or break-glass.
        register(NavEntry("records", _("Nuclei familiari"), "records:household_list", order=30,
                          visible=lambda request: not scope_of(request.user).empty
                          or can_break_glass(request.user)))
