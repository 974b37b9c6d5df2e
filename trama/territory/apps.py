from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "trama.territory"
    label = "territory"
    verbose_name = _("Territorio")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from trama.core.nav import NavEntry, register
        from trama.territory.models import Area

        register(NavEntry("territory", _("Territorio"), "territory:map", order=30))

        # The locator also checks a database fingerprint on every call (other processes' changes); this just
        # makes this process's own changes visible without waiting for that check.
        def drop_locator_index(sender: type[Area], **kwargs: Any) -> None:
            from trama.territory.locator import clear_cache

            clear_cache()

        post_save.connect(drop_locator_index, sender=Area, dispatch_uid="territory.locator.save")
        post_delete.connect(drop_locator_index, sender=Area, dispatch_uid="territory.locator.delete")
