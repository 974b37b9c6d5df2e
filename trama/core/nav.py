"""The navigation registry: each module registers its entries in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

StrOrPromise = str | Promise


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: StrOrPromise  # lazily translated
    url_name: str
    order: int = 100
    visible: Callable[[HttpRequest], bool] | None = None
    public: bool = False


_REGISTRY: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    # Registration happens at import time in AppConfig.ready(); keyed, so re-imports are harmless.
    _REGISTRY[entry.key] = entry


def nav_for(request: HttpRequest) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    authenticated = getattr(request, "user", None) is not None and request.user.is_authenticated
    for entry in sorted(_REGISTRY.values(), key=lambda e: (e.order, e.key)):
        if not entry.public and not authenticated:
            continue
        if entry.visible is not None and not entry.visible(request):
            continue
        url = reverse(entry.url_name)
        items.append({"key": entry.key, "label": entry.label, "url": url, "active": False})
    # Only the entry with the longest URL prefix of the current path is active ("/network/organisations/" is
    # under "Organisations", not under "Networks").
    matching = [item for item in items if request.path.startswith(str(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(str(item["url"])))["active"] = True
    return items
