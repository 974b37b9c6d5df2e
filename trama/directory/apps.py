from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "trama.directory"
    label = "directory"
    verbose_name = _("Mappa delle risorse")

    def ready(self) -> None:
        from trama.accounts.access import has_perm
        from trama.accounts.roles import Perm
        from trama.core.nav import NavEntry, register
        from trama.directory import search, stamps  # noqa: F401 - connect the full-text index and stamp signals
        from trama.directory.access import can_create_records

        register(NavEntry("directory", _("Mappa delle risorse"), "directory:search", order=25,
                          visible=lambda request: has_perm(request.user, Perm.NETWORK_VIEW)))
        register(NavEntry("directory_to_verify", _("Schede da verificare"), "directory:stale_queue", order=35,
                          visible=lambda request: can_create_records(request.user)))
