"""The staff search page: form, paginated results and a clustered Leaflet map kept in sync.

A plain GET renders the whole page (works without JavaScript); an htmx request (the form's hx-get, the boosted
pagination and suggestion links) gets only the results partial, which carries the map markers as JSON for
search.js to redraw."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from trama.core import audit
from trama.directory import access
from trama.directory.models import ServiceAtLocation, ServiceStatus
from trama.directory.search import SearchForm, SearchResult, map_markers, run_search

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
    for service in page.object_list:
        rows.append({
            "service": service,
            "distance": result.distances.get(service.pk),
            "locations": [access.location_fields_for(request.user, link.location)
                          for link in service.service_at_locations.all()],
            "inactive": service.status != ServiceStatus.ACTIVE,
        })
    return rows


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_read_directory(user):
        audit.record(action="access.denied", actor=cast(Any, user), object_type="directory.search",
                     request=request, details={"write": False, "status": 403})
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    base = access.services_visible_to(user).select_related("organisation")
    if not form.is_bound:
        result = SearchResult(services=base.order_by("name", "pk"))
    elif form.is_valid():
        result = run_search(base, form.to_params(), user=user)
    else:
        result = SearchResult(services=base.none())
    page = Paginator(result.services.prefetch_related(_links()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    suggestions = []
    for text in form.address_suggestions:
        again = query.copy()
        again["address"] = text
        suggestions.append({"text": text, "query": again.urlencode()})
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "rows": _rows(request, page, result),
        "origin": result.origin,
        "suggestions": suggestions,
        "map_data": {
            "markers": map_markers(result.services, user=user, origin=result.origin),
            "origin": ({"lat": result.origin.latitude, "lon": result.origin.longitude, "label": result.origin.label}
                       if result.origin else None),
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
