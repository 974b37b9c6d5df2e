"""The staff search map's own URL /directory/map.json: the page's filters, points or per-NIL areas, the bounding
box, and confidential places never sent (nor counted) to who may not see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Location
from trama.directory.search import maplayer
from trama.directory.search.maplayer import BBox
from trama.directory.tests.helpers import make_location, make_service
from trama.territory.models import Area, AreaKind

URL = reverse("directory:search_map")
LESSONA = "Via Lessona 20"


def _data(p: Personas) -> dict[str, Any]:
    cafe = make_service(p, name="Caffè sospeso", is_free=True)
    bar = make_location(p, name="Bar", address_text="Via Padova 36")
    services.service_at_location_attach(service=cafe, by=p.referent, location=bar)
    mensa = make_service(p, name="Mensa Padova")
    services.service_at_location_attach(service=mensa, by=p.referent,
                                        location=make_location(p, name="Refettorio", address_text="Via Padova 40"))
    shelter = make_service(p, name="Casa rifugio", description="Accoglienza riservata")
    casa = make_location(p, name="Casa", address_text=LESSONA, confidential_address=True)
    services.service_at_location_attach(service=shelter, by=p.referent, location=casa)
    make_service(p, name="Servizio senza sede")
    return {"bar": bar, "casa": casa}


def _get(client: Any, **params: str) -> dict[str, Any]:
    response = client.get(URL, params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.json()  # type: ignore[no-any-return]


def test_it_requires_login_and_the_directory(personas: Personas, client: Any, client_as: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_as(personas.nobody).get(URL).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_type="directory.search").exists()


def test_it_sends_the_places_of_the_same_services_as_the_page(personas: Personas, client_as: Any) -> None:
    _data(personas)
    client = client_as(personas.referent)
    everything = _get(client)
    assert everything["kind"] == "points" and everything["areas"] == [] and everything["origin"] is None
    assert {m["service"] for m in everything["markers"]} == {"Caffè sospeso", "Mensa Padova", "Casa rifugio"}
    free = _get(client, free="on")
    assert [(m["service"], m["place"]) for m in free["markers"]] == [("Caffè sospeso", "Bar")]
    marker = free["markers"][0]
    assert marker["address"].startswith("Via Padova 36") and marker["url"].startswith("/directory/services/")
    assert client.get(marker["url"]).status_code == 200
    assert _get(client, q="astronave")["markers"] == []
    near = _get(client, address="Via Padova 30", radius="1")
    assert near["origin"]["label"].startswith("Via Padova 30")
    assert {m["place"] for m in near["markers"]} == {"Bar", "Refettorio"} and all(m["km"] < 1 for m in near["markers"])


def test_a_wrong_form_gets_no_places(personas: Personas, client_as: Any) -> None:
    _data(personas)
    assert _get(client_as(personas.referent), age="-3")["markers"] == []


def test_it_groups_many_places_by_nil_and_counts_only_visible_points(
    personas: Personas, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = _data(personas)
    bar, casa = places["bar"], places["casa"]
    loreto = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-1", name="Loreto (test)", parent=personas.municipio1)
    quarto = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-2", name="Quarto (test)", parent=personas.municipio8)
    Location.objects.filter(address_text__startswith="Via Padova").update(nil=loreto)
    Location.objects.filter(pk=casa.pk).update(nil=quarto)
    monkeypatch.setattr(maplayer, "POINTS_LIMIT", 1)
    outsider = _get(client_as(personas.referent_b))
    assert outsider["kind"] == "areas" and outsider["markers"] == []
    # Via Padova 36 and 40 are in the same NIL: one area, two places, centroid between them; the shelter's NIL
    # is not even named.
    (area,) = outsider["areas"]
    assert area["name"] == "Loreto (test)" and area["count"] == 2
    assert abs(area["lat"] - bar.latitude) < 0.01 and abs(area["lon"] - bar.longitude) < 0.01
    text = str(outsider)
    assert f"{casa.latitude:.4f}" not in text and "Quarto" not in text
    insider = _get(client_as(personas.referent))
    assert [(a["name"], a["count"]) for a in insider["areas"]] == [("Loreto (test)", 2), ("Quarto (test)", 1)]
    assert insider["areas"][1]["lat"] == round(casa.latitude, 6)


def test_places_without_a_nil_are_grouped_by_grid_cell(personas: Personas, client_as: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    places = _data(personas)
    Location.objects.update(nil=None)
    monkeypatch.setattr(maplayer, "POINTS_LIMIT", 1)
    areas = _get(client_as(personas.referent_b))["areas"]
    assert sum(area["count"] for area in areas) == 2 and {area["name"] for area in areas} == {""}
    assert all(abs(area["lat"] - places["bar"].latitude) < 0.05 for area in areas)


def test_the_bounding_box_limits_the_places_and_street_level_gets_points(
    personas: Personas, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = _data(personas)
    client = client_as(personas.coordinator)
    bar, casa = places["bar"], places["casa"]
    around_bar = f"{bar.longitude - 0.005},{bar.latitude - 0.005},{bar.longitude + 0.005},{bar.latitude + 0.005}"
    assert {m["place"] for m in _get(client, bbox=around_bar)["markers"]} == {"Bar", "Refettorio"}
    around_casa = f"{casa.longitude - 0.005},{casa.latitude - 0.005},{casa.longitude + 0.005},{casa.latitude + 0.005}"
    assert [m["place"] for m in _get(client, bbox=around_casa)["markers"]] == ["Casa"]
    monkeypatch.setattr(maplayer, "POINTS_LIMIT", 1)
    assert _get(client)["kind"] == "areas"
    # A street-level box always gets the places themselves.
    assert _get(client, bbox=around_bar)["kind"] == "points"
    # A malformed box is ignored: the whole result set.
    assert _get(client, bbox="9,45,nope,46")["kind"] == "areas"


def test_a_confidential_place_is_never_in_the_map_of_who_may_not_see_it(personas: Personas,
                                                                         client_as: Any) -> None:
    places = _data(personas)
    casa = places["casa"]
    client = client_as(personas.referent_b)
    box = f"{casa.longitude - 0.005},{casa.latitude - 0.005},{casa.longitude + 0.005},{casa.latitude + 0.005}"
    for params in ({}, {"q": "casa"}, {"address": "Via Appennini 70"}, {"bbox": box}, {"q": "casa", "bbox": box}):
        body = client.get(URL, params).content.decode()
        assert "Lessona" not in body and f"{casa.latitude:.4f}" not in body, params
        assert '"Casa"' not in body and "Casa rifugio" not in body


def test_it_needs_the_same_number_of_queries_whatever_the_places(personas: Personas, client_as: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _data(personas)
    client = client_as(personas.referent)

    def count(expected: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert len(_get(client, free="on")["markers"]) == expected
        return len(queries)

    count(1)  # the first request also writes the session's last-seen time (at most once a minute)
    few = count(1)
    for i in range(15):
        service = make_service(personas, name=f"Servizio {i:02d}", is_free=True)
        services.service_at_location_attach(service=service, by=personas.referent,
                                            location=make_location(personas, name=f"Sede {i}"))
    assert count(16) == few
    assert few <= 10  # session and user, grants, form choices, keys, places


@pytest.mark.parametrize(("text", "expected"), [
    ("9.1,45.4,9.2,45.5", BBox(9.1, 45.4, 9.2, 45.5)),
    ("", None), ("9.1,45.4,9.2", None), ("a,b,c,d", None), ("9.2,45.4,9.1,45.5", None),
    ("9.1,45.5,9.2,45.4", None), ("9.1,95,9.2,96", None), ("nan,45.4,9.2,45.5", None),
])
def test_it_reads_a_bounding_box(text: str, expected: BBox | None) -> None:
    assert BBox.parse(text) == expected
