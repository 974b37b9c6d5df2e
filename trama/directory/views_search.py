"""The staff search page and its map data.

A plain GET of the page renders the form and the paginated results (works without JavaScript); an htmx request
(the form's hx-get, the boosted pagination and suggestion links) gets only the results partial. The map's places
are not built with the page: the results carry the URL of `search_map` with the same query string, which
search_map.js fetches once the list is shown (see trama.directory.search.maplayer: points, or per-NIL counts at
city scale, with a bounding box as the map is zoomed in)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from trama.core import audit
from trama.directory import access
from trama.directory.models import ServiceAtLocation, ServiceStatus
from trama.directory.search import SearchForm, SearchResult, haversine_km, run_search
from trama.directory.search.filters import visible_point
from trama.directory.search.maplayer import BBox, PlaceRow, map_layer, pk_urls

PAGE_SIZE = 20
_AREA_HEAVY = ("geometry", "geometry_simplified", "demographics")


def _links() -> Prefetch[Any]:
    # Locations with their municipio and NIL (for access.location_fields_for) without the areas' polygons.
    deferred = [f"location__{area}__{name}" for area in ("municipio", "nil") for name in _AREA_HEAVY]
    return Prefetch("service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related("location", "location__municipio",
                                                                      "location__nil")
                    .defer(*deferred).order_by("location__name", "pk"))


def _rows(request: HttpRequest, page: Any, result: SearchResult) -> list[dict[str, Any]]:
    rows = []
    distances = result.distances_of(service.pk for service in page.object_list)
    for service in page.object_list:
        rows.append({
            "service": service,
            "distance": distances.get(service.pk),
            "locations": [access.location_fields_for(request.user, link.location)
                          for link in service.service_at_locations.all()],
            "inactive": service.status != ServiceStatus.ACTIVE,
        })
    return rows


def _searched(request: HttpRequest) -> tuple[SearchForm, SearchResult]:
    """The search the page and its map share: the same query string gives the same services."""
    user = request.user
    if not access.can_read_directory(user):
        audit.record(action="access.denied", actor=cast(Any, user), object_type="directory.search",
                     request=request, details={"write": False, "status": 403})
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    base = access.services_visible_to(user).select_related("organisation")
    if not form.is_bound:
        return form, SearchResult(services=base.order_by("name", "pk"))
    if form.is_valid():
        return form, run_search(base, form.to_params(), user=user)
    return form, SearchResult(services=base.none())


def _origin(result: SearchResult) -> dict[str, Any] | None:
    if result.origin is None:
        return None
    return {"lat": result.origin.latitude, "lon": result.origin.longitude, "label": result.origin.label}


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form, result = _searched(request)
    page = Paginator(result.services.prefetch_related(_links()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    suggestions = []
    for text in form.address_suggestions:
        again = query.copy()
        again["address"] = text
        suggestions.append({"text": text, "query": again.urlencode()})
    map_url = reverse("directory:search_map")
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "rows": _rows(request, page, result),
        "origin": result.origin,
        "suggestions": suggestions,
        # What the map shows with these results: fetched by search_map.js (nothing to fetch for a wrong form).
        "map_state": {
            "url": (f"{map_url}?{query.urlencode()}" if query else map_url) if not form.errors else None,
            "origin": _origin(result),
        },
        "map_config": {
            "tilesUrl": settings.TRAMA_TILES_URL,
            "tilesAttribution": settings.TRAMA_TILES_ATTRIBUTION,
            "labels": {"distance": _("Distanza"), "origin": _("Punto di partenza")},
        },
    }
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    template = "directory/search_results.html" if partial else "directory/search.html"
    response = render(request, template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def search_map(request: HttpRequest) -> JsonResponse:
    """The map of the search with the same query string: {kind, markers, areas, truncated, origin}; `bbox`
    (west,south,east,north) limits it to the map's view. Confidential places only for who may see them."""
    form, result = _searched(request)
    user = request.user
    layer = map_layer(result.services, visible=visible_point(user), bbox=BBox.parse(request.GET.get("bbox")))
    url = pk_urls("directory:service_detail")
    origin = result.origin

    def point(row: PlaceRow) -> dict[str, Any]:
        marker: dict[str, Any] = {"lat": row.latitude, "lon": row.longitude, "service": row.service_name,
                                  "place": row.place, "address": row.address, "url": url(row.service_id)}
        if origin is not None:
            marker["km"] = round(haversine_km(origin.latitude, origin.longitude, row.latitude, row.longitude), 2)
        return marker

    data = layer.as_json(point)
    data["origin"] = _origin(result)
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response
