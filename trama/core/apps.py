from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "trama.core"
    label = "core"
    verbose_name = _("Nucleo")

    def ready(self) -> None:
        from trama.accounts.access import has_perm
        from trama.accounts.roles import Perm
        from trama.core.nav import NavEntry, register

        register(NavEntry("audit", _("Audit"), "core:audit_log", order=900,
                          visible=lambda request: has_perm(request.user, Perm.AUDIT_VIEW)))
