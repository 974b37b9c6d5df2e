from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "trama.referrals"
    label = "referrals"
    verbose_name = _("Invii e passaggi di presa in carico")
