from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _reads_network(request: HttpRequest) -> bool:
    from trama.accounts.access import has_perm
    from trama.accounts.roles import Perm

    return has_perm(request.user, Perm.NETWORK_VIEW)


def _lazy(label: Promise) -> str:
    # NavEntry.label must stay a lazy translation (the menu follows each user's language), though typed str.
    return cast(str, label)


class NetworkConfig(AppConfig):
    name = "trama.network"
    label = "network"
    verbose_name = _("Reti e governance")

    def ready(self) -> None:
        from trama.core.nav import NavEntry, register

        register(NavEntry("network", _lazy(_("Reti")), "network:network_list", order=10,
                          visible=_reads_network))
        register(NavEntry("organisations", _lazy(_("Organizzazioni")), "network:organisation_list", order=20,
                          visible=_reads_network))
        register(NavEntry("my_actions", _lazy(_("Le mie azioni")), "network:my_actions", order=40))
