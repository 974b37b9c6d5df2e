"""Reads for the territory pages (areas and places are public open data: no access funnel needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from trama.territory.models import Area, AreaKind, Place

# Boundaries are large JSON documents (the city's is ~900 kB): lists never load them, nor their parents'.
HEAVY = ("geometry", "geometry_simplified")


def _without_heavy(*relations: str) -> list[str]:
    return [f"{relation}__{name}" if relation else name for relation in ("", *relations) for name in HEAVY]


def areas_light(*related: str) -> QuerySet[Area]:
    """Areas (and the `related` parents, joined) without their geometry columns."""
    queryset = Area.objects.all()
    if related:
        queryset = queryset.select_related(*related)
    return queryset.defer(*_without_heavy(*related))


def areas_for_map() -> QuerySet[Area]:
    """Areas with the light map geometry but not the full boundary."""
    return Area.objects.select_related("parent").defer("geometry", *(f"parent__{n}" for n in HEAVY))


def nil_rows() -> list[Area]:
    return list(areas_light("parent").filter(kind=AreaKind.NIL))


# The map page's NIL table: query value of ?ordina= → sort key.
SORT_KEYS: dict[str, Any] = {
    "nome": lambda a: a.name.lower(),
    "municipio": lambda a: (_municipio_order(a.parent), a.name.lower()),
    "residenti": lambda a: a.residents or 0,
    "minori": lambda a: a.minors or 0,
    "quota_minori": lambda a: a.minors_share or 0,
    "stranieri": lambda a: a.foreign_residents or 0,
}


def _municipio_order(parent: Area | None) -> tuple[int, str]:
    if parent is None:
        return (10**6, "")
    digits = "".join(ch for ch in parent.name if ch.isdigit())
    return (int(digits) if digits else 10**5, parent.name)


def sorted_rows(rows: list[Area], sort: str) -> tuple[list[Area], str]:
    """Rows sorted by `sort` ("minori", "-minori" for descending); unknown keys fall back to the name."""
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, sort = "nome", "nome"
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-")), sort


def quantile_breaks(values: Sequence[int], classes: int = 5, step: int = 100) -> list[int]:
    """Upper bounds of `classes` groups of about equal size, rounded to `step` for a readable legend."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return []
    breaks: list[int] = []
    for i in range(1, classes):
        raw = data[min(len(data) - 1, (len(data) * i) // classes)]
        rounded = int(round(raw / step) * step)
        if not breaks or rounded > breaks[-1]:
            breaks.append(rounded)
    top = data[-1]
    if not breaks or top > breaks[-1]:
        breaks.append(top)
    return breaks


def feature(area: Area, *, geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "code": area.code,
            "name": area.name,
            "kind": area.kind,
            "parent": area.parent.name if area.parent_id and area.parent else None,
            "residents": area.residents,
            "minors": area.minors,
            "minors_share": round(area.minors_share, 1) if area.minors_share is not None else None,
            "foreign_residents": area.foreign_residents,
        },
    }


def places_in(area: Area) -> QuerySet[Place]:
    """Places inside an area: by NIL or Municipio link; for a city, those of its Municipi."""
    places = (
        Place.objects.select_related("municipio", "nil")
        .defer(*(f"{rel}__{name}" for rel in ("municipio", "nil") for name in HEAVY))
        .order_by("kind", "name")
    )
    if area.kind == AreaKind.NIL:
        return places.filter(nil=area)
    if area.kind == AreaKind.MUNICIPIO:
        return places.filter(municipio=area)
    if area.kind == AreaKind.CITY:
        return places.filter(municipio__parent=area)
    return places.none()


def ancestors(area: Area) -> list[Area]:
    """From the root down to the area's parent (the tree is a few levels deep)."""
    chain: list[Area] = []
    current = area.parent
    seen = {area.pk}
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return list(reversed(chain))
