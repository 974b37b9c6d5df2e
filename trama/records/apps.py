from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "trama.records"
    label = "records"
    verbose_name = _("Cartella sociale")

    def ready(self) -> None:
        from trama.accounts.access import has_perm
        from trama.accounts.roles import Perm
        from trama.core.nav import NavEntry, register
        from trama.records import listing
        from trama.records.access import can_break_glass

        listing.connect()

        # Shown to whoever may reach households (a role with records.view, or break-glass), decided from the
        # request's memoised grants: no query of its own on every page.
        register(NavEntry("records", _("Nuclei familiari"), "records:household_list", order=30,
                          visible=lambda request: has_perm(request.user, Perm.RECORDS_VIEW)
                          or can_break_glass(request.user)))
