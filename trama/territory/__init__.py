"""Territory: the area tree (city/ambito → municipio/comune → NIL), point-in-polygon, Milan's offline geocoder.

Public API for other modules (stable):
    trama.territory.locate(lat, lon) -> (municipio Area | None, nil Area | None)
    trama.territory.locate_many([(lat, lon), ...]) -> [(municipio, nil), ...]
    trama.territory.geocoder.geocode(text) -> GeocodeResult   (raises GeocodeError)
The functions here import the models lazily, so importing this package never touches the app registry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trama.territory.models import Area


def locate(lat: float, lon: float) -> tuple[Area | None, Area | None]:
    """The Municipio and NIL containing the point (WGS84 degrees); see trama.territory.locator."""
    from trama.territory.locator import locate as _locate

    return _locate(lat, lon)


def locate_many(points: Iterable[tuple[float, float]]) -> list[tuple[Area | None, Area | None]]:
    """`locate` for many (lat, lon) points at once (one polygon pass, one query for the areas)."""
    from trama.territory.locator import locate_many as _locate_many

    return _locate_many(points)
