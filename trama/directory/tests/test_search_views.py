"""The staff search page /directory/: login, full page and htmx partial, filters, map data, confidential places."""

from __future__ import annotations

import json
import re
from typing import Any

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.tests.helpers import make_location, make_service

URL = reverse("directory:search")


def _state(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="search-map-state" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def _markers(client: Any, html: str, **extra: str) -> dict[str, Any]:
    """The map data of a results page: the JSON its script fetches (the state's URL)."""
    state = _state(html)
    response = client.get(state["url"], extra)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data: dict[str, Any] = response.json()
    assert data["origin"] == state["origin"]
    return data


def _data(p: Personas) -> None:
    cafe = make_service(p, name="Caffè sospeso", is_free=True)
    services.service_at_location_attach(service=cafe, by=p.referent,
                                        location=make_location(p, name="Bar", address_text="Via Padova 36"))
    shelter = make_service(p, name="Casa rifugio", description="Accoglienza riservata")
    services.service_at_location_attach(
        service=shelter, by=p.referent,
        location=make_location(p, name="Casa", address_text="Via Lessona 20", confidential_address=True))
    for i in range(30):
        make_service(p, name=f"Servizio {i:02d}")


def test_it_requires_login(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_refuses_who_does_not_read_the_directory(personas: Personas, client_as: Any) -> None:
    assert client_as(personas.nobody).get(URL).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_type="directory.search").exists()


def test_it_renders_the_page_with_form_map_and_paginated_results(personas: Personas, client_as: Any,
                                                                  django_assert_max_num_queries: Any) -> None:
    _data(personas)
    client = client_as(personas.referent_b)
    # Constant whatever the number of results (20 a page, markers in one query).
    with django_assert_max_num_queries(18):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-map"' in html and "leaflet.markercluster.js" in html and "MarkerCluster.Default.css" in html
    assert 'hx-get="/directory/"' in html and 'hx-push-url="true"' in html
    assert "32 servizi trovati" in html and "Pagina 1 di 2" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]
    with django_assert_max_num_queries(18):
        second = client.get(URL, {"page": 2, "free": "on", "q": "servizio"})
    assert second.status_code == 200


def test_it_answers_htmx_with_the_results_partial(personas: Personas, client_as: Any) -> None:
    _data(personas)
    client = client_as(personas.referent)
    response = client.get(URL, {"q": "caffe"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="search-map"' not in html
    assert "Caffè sospeso" in html and "Casa rifugio" not in html
    assert _state(html)["url"] == "/directory/map.json?q=caffe"
    assert [m["service"] for m in _markers(client, html)["markers"]] == ["Caffè sospeso"]
    restore = client_as(personas.referent).get(URL, {"q": "caffe"}, HTTP_HX_REQUEST="true",
                                                HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_it_never_sends_a_confidential_point_to_who_may_not_see_it(personas: Personas, client_as: Any) -> None:
    _data(personas)
    b = client_as(personas.referent_b)
    outsider = b.get(URL, {"q": "casa"}).content.decode()
    assert "Casa rifugio" in outsider and "indirizzo riservato" in outsider
    assert "Lessona" not in outsider and "45.516" not in outsider
    assert _markers(b, outsider)["markers"] == []
    near = b.get(URL, {"address": "Via Appennini 70", "radius": "10"}).content.decode()
    assert "Casa rifugio" not in near and "Caffè sospeso" in near
    a = client_as(personas.referent)
    insider = a.get(URL, {"q": "casa"}).content.decode()
    assert "Lessona" in insider
    assert [m["service"] for m in _markers(a, insider)["markers"]] == ["Casa rifugio"]


def test_it_sorts_by_distance_from_an_address(personas: Personas, client_as: Any) -> None:
    _data(personas)
    client = client_as(personas.coordinator)
    html = client.get(URL, {"address": "Via Appennini 70", "radius": "10"}).content.decode()
    assert html.index("Casa rifugio") < html.index("Caffè sospeso")
    data = _markers(client, html)
    assert data["origin"]["label"].startswith("Via Appennini 70")
    assert all("km" in m for m in data["markers"])


def test_it_suggests_addresses_when_the_address_is_unknown(personas: Personas, client_as: Any) -> None:
    _data(personas)
    response = client_as(personas.referent).get(URL, {"address": "Via Saponaroo 16"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Strada non trovata" in html and "Via Michele Saponaro 16, Milano" in html
    assert "address=Via+Michele+Saponaro+16%2C+Milano" in html
    assert 'aria-invalid="true"' in html


def test_it_shows_an_empty_state(personas: Personas, client_as: Any) -> None:
    client = client_as(personas.referent)
    assert "Non ci sono ancora servizi" in client.get(URL).content.decode()
    make_service(personas, name="Mensa")
    assert "Nessun servizio corrisponde" in client.get(URL, {"q": "astronave"}).content.decode()
