from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trama.accounts"
    label = "accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        from trama.accounts.access import has_perm
        from trama.accounts.roles import Perm
        from trama.core.nav import NavEntry, register

        register(NavEntry("people", _("Persone e ruoli"), "accounts:people_list", order=800,
                          visible=lambda request: has_perm(request.user, Perm.ACCOUNTS_MANAGE)))
        register(NavEntry("audit", _("Audit"), "dashboard:audit_log", order=900,
                          visible=lambda request: has_perm(request.user, Perm.AUDIT_VIEW)))
