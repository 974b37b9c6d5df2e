from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trama.core.nav import nav_for


def trama(request: HttpRequest) -> dict[str, Any]:
    return {
        "TILES_URL": settings.TRAMA_TILES_URL,
        "TILES_ATTRIBUTION": settings.TRAMA_TILES_ATTRIBUTION,
        "nav_items": nav_for(request),
        # Staff pages offer only the languages their catalogue covers; the public portal offers all LANGUAGES.
        "STAFF_LANGUAGES": [(code, name) for code, name in settings.LANGUAGES if code in settings.STAFF_LANGUAGES],
    }
