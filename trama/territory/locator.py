"""Which Municipio and NIL a point falls in: point-in-polygon over the areas stored in the database.

The polygons are indexed once per process (an STRtree plus prepared polygons, see polygon_index.py). The index
is rebuilt whenever the areas change: every call first reads a cheap fingerprint of the indexed areas
(count, highest id, latest `updated_at` — one aggregate query) and compares it with the one the index was built
from, so several app servers never answer from stale polygons; saving or deleting an area in this process also
drops the index at once (signals in apps.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max

from trama.territory.models import Area, AreaKind
from trama.territory.polygon_index import PolygonIndex

LOCATED_KINDS = (AreaKind.MUNICIPIO, AreaKind.NIL)


# Columns kept with the index, so answering a point needs no query beyond the fingerprint. Other columns are
# deferred on the returned instances and load on first access, like any deferred field.
_CACHED_FIELDS = ("id", "kind", "code", "name", "parent_id")


@dataclass(frozen=True)
class _Layer:
    index: PolygonIndex
    area_ids: np.ndarray  # polygon position → Area id
    rows: dict[int, tuple[Any, ...]]  # Area id → values of _CACHED_FIELDS


@dataclass(frozen=True)
class _Index:
    fingerprint: tuple[Any, ...]
    municipio: _Layer
    nil: _Layer


class _IndexCache:
    """One process-local index, replaced (never mutated) when the fingerprint changes."""

    def __init__(self) -> None:
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def clear(self) -> None:
        self._index = None

    def get(self) -> _Index:
        fingerprint = _fingerprint()
        index = self._index
        if index is not None and index.fingerprint == fingerprint:
            return index
        with self._lock:
            index = self._index
            if index is None or index.fingerprint != fingerprint:
                index = _build(fingerprint)
                self._index = index
        return index


def _fingerprint() -> tuple[Any, ...]:
    # Answered from the (kind, updated_at) index alone: never reads the large geometry columns.
    stats = Area.objects.filter(kind__in=LOCATED_KINDS).aggregate(
        n=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
    )
    return (stats["n"], stats["last_id"], stats["last_change"])


def _layer(kind: str) -> _Layer:
    from trama.territory.geo import to_shape

    # Ordered by code so a point on a shared boundary always gets the same area.
    rows = list(
        Area.objects.filter(kind=kind, geometry__isnull=False).order_by("code")
        .values_list("geometry", *_CACHED_FIELDS)
    )
    shapes, ids, cached = [], [], {}
    for geometry, *values in rows:
        try:
            shapes.append(to_shape(geometry))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            continue  # a malformed geometry edited by hand must not take the locator down
        ids.append(values[0])
        cached[values[0]] = tuple(values)
    return _Layer(PolygonIndex(shapes), np.array(ids, dtype=np.int64), cached)


def _build(fingerprint: tuple[Any, ...]) -> _Index:
    return _Index(fingerprint, _layer(AreaKind.MUNICIPIO), _layer(AreaKind.NIL))


_cache = _IndexCache()


def clear_cache() -> None:
    _cache.clear()


def _ids_for(layer: _Layer, positions: np.ndarray) -> np.ndarray:
    if not layer.area_ids.size:
        return np.full(positions.shape[0], -1, dtype=np.int64)
    return np.where(positions >= 0, layer.area_ids[np.maximum(positions, 0)], -1)


def locate_ids(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bulk, fastest form: arrays of Municipio ids and NIL ids (-1 where the point is in none)."""
    lat_arr = np.asarray(lats, dtype=float)
    lon_arr = np.asarray(lons, dtype=float)
    index = _cache.get()
    municipi = _ids_for(index.municipio, index.municipio.index.lookup_many(lon_arr, lat_arr))
    nils = _ids_for(index.nil, index.nil.index.lookup_many(lon_arr, lat_arr))
    return municipi, nils


def _area(layer: _Layer, area_id: int) -> Area | None:
    if area_id < 0:
        return None
    # A fresh instance per answer: callers may change it without touching the cache.
    return Area.from_db(Area.objects.db, list(_CACHED_FIELDS), list(layer.rows[area_id]))


def locate_many(points: Iterable[tuple[float, float]]) -> list[tuple[Area | None, Area | None]]:
    """(municipio, nil) for each (lat, lon) point, in order.

    The areas carry id, kind, code, name and parent_id; other fields load on first access."""
    pts = list(points)
    if not pts:
        return []
    lats = np.array([p[0] for p in pts], dtype=float)
    lons = np.array([p[1] for p in pts], dtype=float)
    index = _cache.get()
    municipi = _ids_for(index.municipio, index.municipio.index.lookup_many(lons, lats))
    nils = _ids_for(index.nil, index.nil.index.lookup_many(lons, lats))
    return [
        (_area(index.municipio, int(m)), _area(index.nil, int(n)))
        for m, n in zip(municipi, nils, strict=True)
    ]


def locate(lat: float, lon: float) -> tuple[Area | None, Area | None]:
    """The Municipio and the NIL containing the point (boundary included); None where there is none."""
    index = _cache.get()
    found = []
    for layer in (index.municipio, index.nil):
        position = layer.index.lookup(lon, lat)
        found.append(_area(layer, int(layer.area_ids[position])) if position >= 0 else None)
    return found[0], found[1]
