from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trama.core.nav import nav_for


def trama(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "TILES_URL": settings.TRAMA_TILES_URL,
        "TILES_ATTRIBUTION": settings.TRAMA_TILES_ATTRIBUTION,
        "nav_items": nav_for(request),
        "acting_choices": [],
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from trama.accounts.access import organisations_for

        context["acting_choices"] = list(organisations_for(request.user).order_by("name"))
    return context
