"""The portal search map's own URL /aiuto/mappa.json: anonymous, the page's filters, active public services only,
never a confidential place (not drawn, not counted, not in a centroid), points or per-NIL areas, bounding box."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trama.directory.models import Location
from trama.directory.search import maplayer
from trama.portal.tests.conftest import SHELTER_ADDRESS, PortalData
from trama.territory.models import Area, AreaKind

URL = reverse("portal:search_map")
PUBLIC = {"Spazio di orientamento QuBì Municipio 8 (sportello itinerante)", "Doposcuola Saponaro (demo)",
          "Sportello NoLo"}


def _get(client: Client, **params: str) -> dict[str, Any]:
    response = client.get(URL, params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def _shelter(data: PortalData) -> Location:
    return data.shelter.service_at_locations.get().location


def test_it_sends_only_the_public_places_of_active_public_services(client: Client, portal_data: PortalData) -> None:
    data = _get(client)
    assert data["kind"] == "points" and data["origin"] is None
    assert {m["service"] for m in data["markers"]} == PUBLIC
    assert len([m for m in data["markers"] if m["service"].startswith("Spazio")]) == 3  # the itinerant desk
    nolo = next(m for m in data["markers"] if m["service"] == "Sportello NoLo")
    assert nolo["place"] == "Sede NoLo" and nolo["url"] == reverse("portal:service", args=[portal_data.nolo.pk])
    assert "km" not in nolo
    body = client.get(URL).content.decode()
    for hidden in ("Doposcuola Sospeso", "Doposcuola Chiuso", "Doposcuola Interno", "Casa Aurora", "Pascarella"):
        assert hidden not in body


def test_it_follows_the_pages_filters(client: Client, portal_data: PortalData) -> None:
    assert [m["service"] for m in _get(client, q="nolo")["markers"]] == ["Sportello NoLo"]
    assert {m["service"] for m in _get(client, municipio="2")["markers"]} == {"Sportello NoLo"}
    near = _get(client, q="doposcuola", address="Via Saponaro 16")
    assert near["origin"]["label"] == "Via Michele Saponaro 16, Milano"
    assert "Doposcuola Saponaro (demo)" in {m["service"] for m in near["markers"]}
    assert _get(client, q="astronave")["markers"] == []
    # A wrong form: nothing (the page shows its message).
    assert _get(client, municipio="12")["markers"] == []


def test_the_pages_state_points_to_the_map_of_the_same_search(client: Client, portal_data: PortalData) -> None:
    html = client.get(reverse("portal:search"), {"q": "nolo", "page": "1"}).content.decode()
    assert '<script id="portal-map-state" type="application/json">{"url": "/aiuto/mappa.json?q=nolo"' in html
    assert 'data-results-map data-config="portal-map-config" data-state="portal-map-state"' in html
    assert "directory/results_map.js" in html
    wrong = client.get(reverse("portal:search"), {"municipio": "12"}).content.decode()
    assert '{"url": null' in wrong


def test_a_confidential_place_is_never_sent_nor_counted(client: Client, portal_data: PortalData,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shelter = _shelter(portal_data)
    assert shelter.latitude is not None and shelter.longitude is not None
    lat, lon = shelter.latitude, shelter.longitude
    box = f"{lon - 0.003},{lat - 0.003},{lon + 0.003},{lat + 0.003}"
    for params in ({}, {"q": "casa rifugio"}, {"municipio": "8"}, {"address": "Via Lessona 20"}, {"bbox": box}):
        body = client.get(URL, params).content.decode()
        assert "Casa Aurora" not in body and "Casa rifugio" not in body and "Pascarella" not in body, params
        assert SHELTER_ADDRESS not in body and f"{shelter.latitude:.4f}" not in body, params
    assert _get(client, bbox=box)["markers"] == []
    # Areas: the shelter's NIL holds only the shelter, so it does not appear at all; the others count public
    # places only.
    nil = Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-99", name="NIL del rifugio", parent=portal_data.m8)
    Location.objects.filter(pk=shelter.pk).update(nil=nil)
    monkeypatch.setattr(maplayer, "POINTS_LIMIT", 1)
    data = _get(client)
    assert data["kind"] == "areas" and data["markers"] == []
    assert sum(area["count"] for area in data["areas"]) == 5  # three QuBì zones, the doposcuola, NoLo
    body = client.get(URL).content.decode()
    assert "NIL del rifugio" not in body and f"{shelter.latitude:.4f}" not in body


def test_it_names_the_services_in_the_visitors_language(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "en"
    names = {m["service"] for m in _get(client, q="qubi")["markers"]}
    assert names == {"QuBì orientation desk, Municipio 8 (travelling desk)"}


def test_it_needs_the_same_number_of_queries_whatever_the_places(client: Client, portal_data: PortalData) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _get(client, q="nolo")
    with CaptureQueriesContext(connection) as many:
        _get(client)
    assert len(few) == len(many) <= 6
