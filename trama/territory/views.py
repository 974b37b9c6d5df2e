from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from trama.territory.models import AreaKind, PlaceKind
from trama.territory.selectors import (
    ancestors,
    areas_for_map,
    areas_light,
    feature,
    nil_rows,
    places_in,
    quantile_breaks,
    sorted_rows,
)

# Sequential palette for the minors choropleth, light to dark (one colour per legend class).
CHOROPLETH_COLOURS = ["#eef3fb", "#c6d8f0", "#8fb4e0", "#4f86c6", "#1f4e96"]
PLACE_COLOURS: dict[str, str] = {
    PlaceKind.MUNICIPIO_HQ: "#a61d24",
    PlaceKind.SOCIAL_SERVICE_OFFICE: "#d9364f",
    PlaceKind.COMMUNITY_CENTRE: "#008055",
    PlaceKind.LIBRARY: "#6b3fa0",
    PlaceKind.SPORTS_FACILITY: "#c26100",
}


def _legend(breaks: list[int]) -> list[dict[str, object]]:
    legend, low = [], 0
    for colour, high in zip(CHOROPLETH_COLOURS, breaks, strict=False):
        legend.append({"colour": colour, "low": low, "high": high})
        low = high + 1
    return legend


def _map_config(*, geojson_url: str, breaks: list[int], focus: str | None = None,
                places: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "geojsonUrl": geojson_url,
        "tilesUrl": settings.TRAMA_TILES_URL,
        "tilesAttribution": settings.TRAMA_TILES_ATTRIBUTION,
        "breaks": breaks,
        "colours": CHOROPLETH_COLOURS[: len(breaks)],
        "focus": focus,
        "places": places or [],
        "areaUrl": reverse("territory:area_detail", args=["__code__"]),
        "labels": {
            "residents": _("Residenti"), "minors": _("Minori"), "share": _("% minori"),
            "noData": _("nessun dato"), "open": _("Apri la scheda"),
        },
    }


@login_required
@require_GET
def territory_map(request: HttpRequest) -> HttpResponse:
    rows, sort = sorted_rows(nil_rows(), request.GET.get("ordina", "nome"))
    breaks = quantile_breaks([a.minors for a in rows if a.minors is not None])
    municipi = list(areas_light().filter(kind=AreaKind.MUNICIPIO).order_by("code"))
    city = areas_light().filter(kind=AreaKind.CITY).order_by("code").first()
    context = {
        "rows": rows,
        "sort": sort,
        "city": city,
        "municipi": sorted(municipi, key=lambda a: (len(a.code), a.code)),
        "legend": _legend(breaks),
        "map_config": _map_config(geojson_url=reverse("territory:geojson"), breaks=breaks),
        "columns": [
            ("nome", _("NIL")), ("municipio", _("Municipio")), ("residenti", _("Residenti")),
            ("minori", _("Minori")), ("quota_minori", _("% minori")), ("stranieri", _("Residenti stranieri")),
        ],
    }
    return render(request, "territory/map.html", context)


@login_required
@require_GET
@cache_control(private=True, max_age=300)
def geojson(request: HttpRequest) -> JsonResponse:
    """Light (simplified) boundaries with population figures: all Municipi and NIL, or ?area=CODE and its
    children."""
    code = request.GET.get("area", "").strip()
    base = areas_for_map()
    if code:
        area = get_object_or_404(base, code=code)
        areas = [area, *base.filter(parent=area).order_by("code")]
    else:
        areas = list(base.filter(kind__in=[AreaKind.MUNICIPIO, AreaKind.NIL]).order_by("kind", "code"))
    features = [feature(a, geometry=a.geometry_simplified) for a in areas if a.geometry_simplified]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(areas_light("parent", "parent__parent", "parent__parent__parent"), code=code)
    children = list(areas_light().filter(parent=area).order_by("name"))
    places = list(places_in(area))
    groups: dict[str, list[object]] = {}
    for place in places:
        groups.setdefault(place.get_kind_display(), []).append(place)
    breaks = quantile_breaks([c.minors for c in children if c.minors is not None])
    place_points = [
        {"name": p.name, "kind": p.get_kind_display(), "address": p.normalised_address or p.address,
         "lat": p.latitude, "lon": p.longitude, "colour": PLACE_COLOURS.get(p.kind, "#555")}
        for p in places
    ]
    context = {
        "area": area,
        "ancestors": ancestors(area),
        "children": children,
        "place_groups": sorted(groups.items()),
        "place_count": len(places),
        "legend": _legend(breaks),
        "place_legend": [(label, PLACE_COLOURS[kind]) for kind, label in PlaceKind.choices],
        "map_config": _map_config(
            geojson_url=f"{reverse('territory:geojson')}?area={area.code}", breaks=breaks, focus=area.code,
            places=place_points,
        ),
    }
    return render(request, "territory/area_detail.html", context)
