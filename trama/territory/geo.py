"""Geometry helpers for areas: GeoJSON validation, equal-area surface, centroid, bbox, light map geometry.

Loaders, the locator and tests share these definitions (shapely + numpy; Django only for translated messages).
Coordinates are always GeoJSON order: (longitude, latitude), WGS84."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# WGS84 ellipsoid.
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)

# Map geometry: ~10 m simplification and 5 decimals (~1 m) are invisible at city zoom and shrink the
# Milan layer (48k vertices) to a few thousand.
SIMPLIFY_TOLERANCE_DEG = 0.0001
MAP_DECIMALS = 5

POLYGON_TYPES = ("Polygon", "MultiPolygon")


def _meridian_arc(lat_rad: np.ndarray) -> np.ndarray:
    """Distance along the meridian from the equator (metres), series to e^6 (sub-millimetre here)."""
    e2, e4, e6 = _E2, _E2 * _E2, _E2 * _E2 * _E2
    return _A * (
        (1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * lat_rad
        - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * np.sin(2 * lat_rad)
        + (15 * e4 / 256 + 45 * e6 / 1024) * np.sin(4 * lat_rad)
        - (35 * e6 / 3072) * np.sin(6 * lat_rad)
    )


def equal_area_xy(coords: np.ndarray, central_lon: float) -> np.ndarray:
    """Project lon/lat to the ellipsoidal sinusoidal projection centred on `central_lon`.

    x = Δλ·N(φ)·cos φ, y = M(φ): its Jacobian is M·N·cos φ, the ellipsoid's own area element, so areas are
    exact whatever the extent; near the central meridian shapes are barely distorted."""
    lon = np.radians(coords[:, 0] - central_lon)
    lat = np.radians(coords[:, 1])
    sin_lat = np.sin(lat)
    n = _A / np.sqrt(1 - _E2 * sin_lat * sin_lat)
    return np.column_stack((lon * n * np.cos(lat), _meridian_arc(lat)))


def area_km2(geom: BaseGeometry) -> float:
    """Surface in km² on the WGS84 ellipsoid (equal-area projection centred on the geometry)."""
    if geom.is_empty:
        return 0.0
    min_lon, _, max_lon, _ = geom.bounds
    central = (min_lon + max_lon) / 2
    projected = shapely.transform(geom, lambda c: equal_area_xy(c, central))
    return float(projected.area) / 1_000_000


@dataclass(frozen=True)
class DerivedGeometry:
    centroid_lat: float
    centroid_lon: float
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    area_km2: float
    simplified: dict[str, Any]


def derive(geom: BaseGeometry) -> DerivedGeometry:
    """Centroid, bbox, surface and the light map geometry of a (valid) polygonal geometry."""
    centroid = geom.centroid
    simple = shapely.set_precision(
        geom.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True), 10 ** -MAP_DECIMALS
    )
    if simple.is_empty:  # a tiny area can vanish at map precision: keep the original then
        simple = geom
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return DerivedGeometry(
        centroid_lat=round(centroid.y, 7),
        centroid_lon=round(centroid.x, 7),
        bbox=(min_lon, min_lat, max_lon, max_lat),
        area_km2=round(area_km2(geom), 4),
        simplified=_rounded(geojson_of(simple)),
    )


def _rounded(geojson: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), MAP_DECIMALS) for v in value[:2]]
            return [walk(v) for v in value]
        return value

    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


def _polygon(rings: list[Any]) -> shapely.Polygon:
    arrays = [np.asarray(ring, dtype=float)[:, :2] for ring in rings]
    return shapely.Polygon(arrays[0], arrays[1:])


def to_shape(geojson: dict[str, Any]) -> BaseGeometry:
    """Shapely geometry of a GeoJSON Polygon/MultiPolygon (numpy path: far faster than shapely's `shape`)."""
    kind = geojson.get("type")
    if kind == "Polygon":
        return _polygon(geojson["coordinates"])
    if kind == "MultiPolygon":
        return shapely.MultiPolygon([_polygon(p) for p in geojson["coordinates"]])
    return shape(geojson)


def geojson_of(geom: BaseGeometry) -> dict[str, Any]:
    """Plain-JSON GeoJSON geometry (lists, not tuples) of a shapely geometry."""
    data = json.loads(shapely.to_geojson(geom))
    return {"type": data["type"], "coordinates": data["coordinates"]}


# --- Validation ------------------------------------------------------------------------------------------
# Messages are for the person loading a file (management commands), hence translated.


_NUMBER_TYPES = (int, float)  # exact types: JSON booleans must not pass as numbers


def _ring_problems(ring: Any, where: str) -> list[str]:
    if not isinstance(ring, list):
        return [_("%(where)s: non è una lista di posizioni") % {"where": where}]
    for j, position in enumerate(ring):
        if (
            type(position) is not list
            or len(position) < 2
            or type(position[0]) not in _NUMBER_TYPES
            or type(position[1]) not in _NUMBER_TYPES
        ):
            return [_("%(where)s, posizione %(j)d: non è una coppia [longitudine, latitudine] di numeri")
                    % {"where": where, "j": j}]
    problems: list[str] = []
    if not ring:
        return [_("%(where)s: un anello richiede almeno 4 posizioni, trovate %(n)d") % {"where": where, "n": 0}]
    coords = np.array([p[:2] for p in ring], dtype=float)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        j = int(np.flatnonzero(~finite)[0])
        return [_("%(where)s, posizione %(j)d: coordinata non finita") % {"where": where, "j": j}]
    in_range = (np.abs(coords[:, 0]) <= 180) & (np.abs(coords[:, 1]) <= 90)
    if not in_range.all():
        j = int(np.flatnonzero(~in_range)[0])
        lon, lat = ring[j][0], ring[j][1]
        return [_("%(where)s, posizione %(j)d: (%(lon)s, %(lat)s) è fuori dagli intervalli di longitudine "
                  "(-180…180) e latitudine (-90…90)") % {"where": where, "j": j, "lon": lon, "lat": lat}]
    if len(ring) < 4:
        problems.append(_("%(where)s: un anello richiede almeno 4 posizioni, trovate %(n)d")
                        % {"where": where, "n": len(ring)})
    elif ring[0][:2] != ring[-1][:2]:
        problems.append(_("%(where)s: l'anello non è chiuso (la prima e l'ultima posizione differiscono)")
                        % {"where": where})
    return problems


def geometry_problems(geometry: Any) -> list[str]:
    """What is wrong with a GeoJSON Polygon/MultiPolygon (translated messages); empty when it is usable."""
    if not isinstance(geometry, dict):
        return [_("geometria mancante")]
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        return [_("tipo di geometria %(kind)s: sono ammessi solo Polygon e MultiPolygon") % {"kind": repr(kind)}]
    coords = geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons or not coords:
        return [_("la geometria non ha coordinate")]
    problems: list[str] = []
    for p, rings in enumerate(polygons):
        prefix = _("poligono %(p)d, anello") % {"p": p} if kind == "MultiPolygon" else _("anello")
        if not isinstance(rings, list) or not rings:
            problems.append(_("poligono %(p)d: nessun anello") % {"p": p})
            continue
        for r, ring in enumerate(rings):
            problems.extend(_ring_problems(ring, f"{prefix} {r}"))
    if problems:
        return problems
    try:
        geom = to_shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        return [_("la geometria non si può costruire: %(error)s") % {"error": exc}]
    if geom.is_empty:
        return [_("la geometria è vuota")]
    if not geom.is_valid:
        return [_("la geometria non è valida (%(reason)s)") % {"reason": shapely.is_valid_reason(geom)}]
    return []
