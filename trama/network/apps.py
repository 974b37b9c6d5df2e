from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "trama.network"
    label = "network"
    verbose_name = _("Reti e governance")
