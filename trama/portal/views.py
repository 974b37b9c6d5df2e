"""The public portal "Trova aiuto": search, a service's page, the Municipi and their access points, the flyer.

No login, no audit (public records only, no personal data). Reads go through trama.portal.queries, which uses
the directory's public funnel only. A plain GET renders a whole page (works without JavaScript); an htmx request
of the search gets only the results partial. The search map's places come from `search_map` (same query string,
same services), fetched by directory/results_map.js once the list is shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from trama.directory.models import TRANSLATABLE_FIELDS
from trama.directory.search import SearchResult
from trama.directory.search.maplayer import BBox
from trama.portal import display, queries
from trama.portal.flyer import FlyerPoint, flyer_digest, flyer_note, printed_flyer, render_flyer
from trama.portal.forms import PortalSearchForm

PAGE_SIZE = 10


def _map_config() -> dict[str, Any]:
    return {
        "tilesUrl": settings.TRAMA_TILES_URL,
        "tilesAttribution": settings.TRAMA_TILES_ATTRIBUTION,
        "labels": {"origin": _("Il tuo indirizzo")},
    }


def _searched(request: HttpRequest) -> tuple[PortalSearchForm, SearchResult]:
    """The search the page and its map share: the same query string gives the same services."""
    form = PortalSearchForm(request.GET or None, terms=queries.need_terms())
    if not form.is_bound:
        return form, queries.search(None)
    if form.is_valid():
        return form, queries.search(None if form.is_empty else form.to_params())
    return form, SearchResult(services=queries.public_services().none())


def _origin(result: SearchResult) -> dict[str, Any] | None:
    if result.origin is None:
        return None
    return {"lat": result.origin.latitude, "lon": result.origin.longitude, "label": result.origin.label}


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    lang = get_language()
    form, result = _searched(request)
    page = Paginator(queries.with_places(result.services), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    suggestions = []
    for text in form.address_suggestions:
        again = query.copy()
        again["address"] = text
        suggestions.append({"text": text, "query": again.urlencode()})
    map_url = reverse("portal:search_map")
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "rows": queries.result_rows(list(page.object_list), result, lang),
        "origin": result.origin,
        "searched": form.is_bound and not form.is_empty,
        "suggestions": suggestions,
        # What the map shows with these results: fetched by results_map.js (nothing to fetch for a wrong form).
        "map_state": {
            "url": (f"{map_url}?{query.urlencode()}" if query else map_url) if not form.errors else None,
            "origin": _origin(result),
        },
        "map_config": _map_config(),
        "section": "search",
    }
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    context["partial"] = partial  # a fragment carries the page's <title>, which htmx applies
    response = render(request, "portal/_results.html" if partial else "portal/search.html", context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def search_map(request: HttpRequest) -> JsonResponse:
    """The map of the search with the same query string: {kind, markers, areas, truncated, origin}; `bbox`
    (west,south,east,north) limits it to the map's view. Active public services, public places only."""
    _form, result = _searched(request)
    data = queries.map_data(result.services, get_language(), BBox.parse(request.GET.get("bbox")))
    data["origin"] = _origin(result)
    response = JsonResponse(data)
    # The answer depends on the language (the services' names), chosen by cookie or Accept-Language.
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_safe
def service(request: HttpRequest, pk: int) -> HttpResponse:
    lang = get_language()
    item = queries.get_public_service(pk)
    now = timezone.now()
    data = queries.service_page(item, lang, now)
    context = {
        "service": item,
        "texts": {name: display.translated(item, name, lang) for name in TRANSLATABLE_FIELDS},
        "page": data,
        "badges": display.badges(item),
        "ages": display.ages(item),
        "open_now": [display.opening_row(o, now, with_day=False) for o in data.open_now],
        "upcoming": [display.opening_row(o, now) for o in data.upcoming],
        "stale": item.is_stale,
        "map_data": {"markers": data.points, "origin": None},
        "map_config": _map_config(),
        "section": "search",
    }
    return render(request, "portal/service.html", context)


@require_safe
def municipi(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/municipi.html", {"municipi": queries.municipi_with_counts(),
                                                    "section": "municipi"})


@require_safe
def access_points(request: HttpRequest, number: int) -> HttpResponse:
    area = queries.municipio(number)
    points = queries.access_points(area, get_language())
    return render(request, "portal/access_points.html", {"number": number, "area": area, "points": points,
                                                         "section": "municipi"})


@require_safe
def flyer(request: HttpRequest, number: int) -> HttpResponse:
    area = queries.municipio(number)
    lang = get_language()
    points = []
    for point in queries.access_points(area, lang):
        place = point.place["name"]
        if point.place["address"]:
            place = f"{place}, {point.place['address']}"
        elif point.place["confidential_address"]:
            place = f"{place} ({_('indirizzo riservato: lo ricevi quando telefoni')})"
        points.append(FlyerPoint(name=str(point.name), organisation=point.organisation, place=place, when=point.when,
                                 phones=[display.phone_text(phone) for phone in point.phones],
                                 note=flyer_note(str(point.note)),
                                 closures=[f"{c.text} ({c.reason})" if c.reason else c.text for c in point.closures]))
    # The Municipio's own name ("Municipio 8"), as on its signs and letters, in every language.
    digest = flyer_digest(municipio_name=area.name, points=points, language=lang)
    etag = f'"{digest[:32]}"'
    unchanged = get_conditional_response(request, etag=etag)  # the browser's copy is this flyer: 304
    if unchanged is None:
        pdf = printed_flyer(digest, lambda: render_flyer(municipio_name=area.name, points=points, language=lang))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="punti-di-accesso-municipio-{number}.pdf"'
    else:
        response = unchanged
    response["ETag"] = etag
    # The language comes from the cookie or Accept-Language.
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
