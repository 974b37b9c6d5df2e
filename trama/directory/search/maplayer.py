"""What the search map draws, served apart from the results page (the staff and portal `map.json` URLs run the
same search as their page, with the same query string, so the list and the map show the same services).

Points or areas. When the places to draw (a service at a location whose point the reader may see, inside the
bounding box if one is given) are at most POINTS_LIMIT, the map gets one marker per place. Beyond that it gets
one marker per NIL (Milan's 88 neighbourhoods) carrying the number of places there and their centroid; the
script then asks again with the visible box (`bbox=west,south,east,north`, Leaflet's toBBoxString order) as the
reader zooms in, and gets points once the places in view are few enough. A box narrower than STREET_SPAN degrees
of latitude (about 2 km: street level) always gets points, at most MAX_POINTS. Places with no NIL (outside the
city) are grouped by a GRID-degree cell instead.

Confidential addresses: every figure comes from the points the reader may see (`visible`, see
filters.visible_point), so a hidden place is neither drawn, nor counted, nor moves a centroid."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from trama.directory.models import Service, ServiceAtLocation

POINTS_LIMIT = 300
MAX_POINTS = 2000
STREET_SPAN = 0.02
GRID = 0.05


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str | None) -> BBox | None:
        """"west,south,east,north" in degrees; None when absent or malformed (the whole result set is drawn)."""
        parts = (text or "").split(",")
        if len(parts) != 4:
            return None
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            return None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            return None
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180 and west <= east):
            return None
        return cls(west, south, east, north)

    @property
    def span(self) -> float:
        return self.north - self.south

    def q(self, prefix: str = "location__") -> Q:
        return Q(**{f"{prefix}latitude__range": (self.south, self.north),
                    f"{prefix}longitude__range": (self.west, self.east)})


class PlaceRow(NamedTuple):
    service_id: int
    service_name: str
    place: str
    latitude: float
    longitude: float
    address: str


@dataclass
class MapLayer:
    kind: str  # "points" or "areas"
    points: list[PlaceRow] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False  # points cut at MAX_POINTS

    def as_json(self, point: Any) -> dict[str, Any]:
        """The response body; `point(row)` renders one place (its keys depend on the audience)."""
        return {"kind": self.kind, "truncated": self.truncated, "markers": [point(row) for row in self.points],
                "areas": self.areas}


def map_layer(services: QuerySet[Service], *, visible: Q, bbox: BBox | None = None,
              limit: int | None = None) -> MapLayer:
    """The places of `services` with a visible point (in `bbox`, if given), as points (at most `limit`, default
    POINTS_LIMIT; MAX_POINTS at street level) or per-NIL areas."""
    # A subquery, not a list of keys: with thousands of keys bound in an IN list SQLite drives the GROUP BY from
    # the locations and probes every key for each of them (minutes); with the subquery it materialises the
    # services once (the full-text match included) and walks their places.
    links = ServiceAtLocation.objects.filter(visible, service__in=services.order_by().values("pk"))
    if bbox is not None:
        links = links.filter(bbox.q())
    street = bbox is not None and bbox.span <= STREET_SPAN
    cap = MAX_POINTS if street else (POINTS_LIMIT if limit is None else limit)
    rows = [PlaceRow(service, name, place, round(float(lat or 0), 6), round(float(lon or 0), 6),
                     normalised or address or "")  # never None: `visible` keeps located places
            for service, name, place, lat, lon, normalised, address in
            links.order_by("pk").values_list("service_id", "service__name", "location__name", "location__latitude",
                                             "location__longitude", "location__normalised_address",
                                             "location__address_text")[:cap + 1]]
    if len(rows) <= cap or street:
        return MapLayer(kind="points", points=rows[:cap], truncated=len(rows) > cap)
    return MapLayer(kind="areas", areas=_areas(links))


def _areas(links: QuerySet[ServiceAtLocation]) -> list[dict[str, Any]]:
    grouped = (links.order_by().values("location__nil_id", "location__nil__name")
               .annotate(places=Count("pk"), lat=Avg("location__latitude"), lon=Avg("location__longitude")))
    areas: list[dict[str, Any]] = []
    outside = False
    for row in grouped:
        if row["location__nil_id"] is None:
            outside = True
            continue
        areas.append({"lat": round(float(row["lat"]), 6), "lon": round(float(row["lon"]), 6),
                      "count": row["places"], "name": row["location__nil__name"] or ""})
    if outside:
        cells: dict[tuple[int, int], list[float]] = {}
        for latitude, longitude in (links.filter(location__nil__isnull=True).order_by()
                                    .values_list("location__latitude", "location__longitude")):
            lat, lon = float(latitude or 0), float(longitude or 0)
            cell = cells.setdefault((math.floor(lat / GRID), math.floor(lon / GRID)), [0.0, 0.0, 0.0])
            cell[0] += lat
            cell[1] += lon
            cell[2] += 1
        for total_lat, total_lon, count in cells.values():
            areas.append({"lat": round(total_lat / count, 6), "lon": round(total_lon / count, 6),
                          "count": int(count), "name": ""})
    areas.sort(key=lambda area: (-area["count"], area["name"], area["lat"], area["lon"]))
    return areas


def pk_urls(name: str) -> Callable[[int], str]:
    """pk -> the URL named `name` for that pk, reversed once rather than for each of thousands of markers."""
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"
