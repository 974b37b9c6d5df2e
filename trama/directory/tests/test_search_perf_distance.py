"""Distance ordering and map markers at scale: the visibility of confidential points decided in SQL exactly as
`shows_point` decides it, km computed only for the results asked about, queries that do not grow with the number
of results."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.access import services_visible_to
from trama.directory.models import Location, ServiceAtLocation
from trama.directory.search import Point, SearchParams, run_search
from trama.directory.search.filters import haversine_km, shows_point, visible_point
from trama.directory.search.maplayer import map_layer
from trama.directory.tests.helpers import make_location, make_service

APPENNINI = Point(45.502927, 9.106427, "Via Appennini 70")
ADDRESSES = ("Via Padova 36", "Via Console Marcello 2", "Via Lessona 20")


def test_the_sql_visibility_of_points_is_shows_point(personas: Personas) -> None:
    p = personas
    places = [make_location(p, name=f"Sede {i}", maintainer=org, confidential_address=confidential)
              for i, (org, confidential) in enumerate([(p.ets_a, True), (p.ets_b, True), (p.comune, True),
                                                       (p.ets_a, False), (p.ets_other, False)])]
    for key in ("coordinator", "referent", "referent_b", "referent_other", "evaluator", "volunteer", "nobody"):
        user = p.users[key]
        expected = {loc.pk for loc in places if shows_point(user, loc)}
        in_sql = set(Location.objects.filter(visible_point(user, prefix=""), pk__in=[loc.pk for loc in places])
                     .values_list("pk", flat=True))
        assert in_sql == expected, key
    assert set(Location.objects.filter(visible_point(None, prefix="")).values_list("pk", flat=True)) == {
        places[3].pk, places[4].pk}


def _services(p: Personas, count: int) -> None:
    for i in range(count):
        service = make_service(p, name=f"Sportello {i:02d}", description="Sportello di orientamento")
        location = make_location(p, name=f"Sede {i:02d}", address_text=ADDRESSES[i % len(ADDRESSES)])
        services.service_at_location_attach(service=service, location=location, by=p.referent)


def _page_queries(p: Personas, params: SearchParams) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = run_search(services_visible_to(p.referent), params, user=p.referent)
        page = list(result.services[:3])
        assert all(result.distances.get(s.pk) is not None for s in page)
        map_layer(result.services, visible=visible_point(p.referent))
    return len(queries)


def test_a_page_by_distance_takes_the_same_queries_for_few_or_many_results(personas: Personas) -> None:
    p = personas
    params = SearchParams(origin=APPENNINI)
    _services(p, 3)
    few = _page_queries(p, params)
    _services(p, 9)
    assert _page_queries(p, params) == few
    # With a radius the km of the page are already known.
    _services(p, 3)
    assert _page_queries(p, SearchParams(origin=APPENNINI, radius_km=50)) < few + 3


def test_distances_are_the_nearest_visible_place_and_ties_go_by_name(personas: Personas) -> None:
    p = personas
    _services(p, 6)
    result = run_search(services_visible_to(p.referent), SearchParams(origin=APPENNINI), user=p.referent)
    ordered = list(result.services)
    for service in ordered:
        links = ServiceAtLocation.objects.filter(service=service).select_related("location")
        nearest = min(haversine_km(APPENNINI.latitude, APPENNINI.longitude, link.location.latitude or 0,
                                   link.location.longitude or 0) for link in links)
        assert abs(result.distances[service.pk] - nearest) < 1e-9
    keys = [(round(result.distances[s.pk], 6), s.name) for s in ordered]
    assert keys == sorted(keys)
    assert [s.name for s in ordered][:2] == ["Sportello 02", "Sportello 05"]  # same place: by name
    assert len(result.distances) == 6


def test_a_pages_distances_are_read_in_one_query_and_agree_with_each_one(personas: Personas) -> None:
    p = personas
    _services(p, 6)
    unlocated = make_service(p, name="Sportello senza sede", description="Sportello di orientamento")
    params = SearchParams(origin=APPENNINI)
    result = run_search(services_visible_to(p.referent), params, user=p.referent)
    page = [s.pk for s in result.services[:7]]
    assert unlocated.pk in page  # no point: last, and no distance
    with CaptureQueriesContext(connection) as queries:
        batch = result.distances_of(page)
    assert len(queries) == 1
    assert unlocated.pk not in batch and len(batch) == 6
    with CaptureQueriesContext(connection) as queries:
        assert result.distances_of(page) == batch  # known now: no query
    assert not queries
    one_by_one = run_search(services_visible_to(p.referent), params, user=p.referent).distances
    assert batch == {pk: one_by_one[pk] for pk in page if pk in one_by_one}
