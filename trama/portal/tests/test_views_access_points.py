"""Access points per Municipio /aiuto/municipio/<n>/ (like the Municipio 8 QuBì flyer), the Municipi index and the
printable flyer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.testing import Personas
from trama.portal.flyer import FlyerPoint
from trama.portal.tests.conftest import QUBI_ZONES, SHELTER_ADDRESS, PortalData


def _url(number: int) -> str:
    return reverse("portal:access_points", args=[number])


def test_it_lists_the_nine_municipi(client: Client, portal_data: PortalData) -> None:
    html = client.get(reverse("portal:municipi")).content.decode()
    for number in range(1, 10):
        assert f'href="{_url(number)}"' in html
    assert 'aria-current="page"' in html


def test_it_shows_the_itinerant_desks_three_zones_with_day_hours_and_phone(
    client: Client, portal_data: PortalData
) -> None:
    response = client.get(_url(8))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Punti di accesso del Municipio 8" in html
    days = {"TU": "Martedì", "WE": "Mercoledì", "FR": "Venerdì"}
    for zone, address, day, opens, closes, phone in QUBI_ZONES:
        card = re.search(rf"Punto QuBì zona {zone}.*?</li>", html, re.S)
        assert card is not None, zone
        assert address in card.group(0)
        assert f"{days[day]} {opens}–{closes}" in card.group(0)
        assert f'href="tel:{phone.replace(" ", "")}"' in card.group(0)
    # Tuesday, Wednesday, Friday: the order of the week.
    assert html.index("zona Quarto Oggiaro") < html.index("zona Gallaratese") < html.index("zona Villapizzone")
    assert 'href="/aiuto/municipio/8/volantino.pdf"' in html


def test_hours_imported_as_service_and_place_stay_with_their_place(client: Client, portal_data: PortalData) -> None:
    # The shape of an HSDS schedule row with service_id and location_id (an itinerant desk imported from CSV).
    from trama.directory.models import Schedule

    qubi = portal_data.qubi
    for link in qubi.service_at_locations.select_related("location"):
        for schedule in Schedule.objects.filter(service_at_location=link):
            schedule.service_at_location, schedule.service, schedule.location = None, qubi, link.location
            schedule.save()
    html = client.get(_url(8)).content.decode()
    days = {"TU": "Martedì", "WE": "Mercoledì", "FR": "Venerdì"}
    for zone, _address, day, opens, closes, _phone in QUBI_ZONES:
        card = re.search(rf"Punto QuBì zona {zone}.*?</li>", html, re.S)
        assert card is not None and f"{days[day]} {opens}–{closes}" in card.group(0), zone
    body = client.get(f"/api/hsds/services/{qubi.hsds_id}").json()
    places = {str(link.location.hsds_id) for link in qubi.service_at_locations.select_related("location")}
    assert len(body["schedules"]) == 3 and {s["location_id"] for s in body["schedules"]} == places


def test_it_lists_only_active_public_points_of_that_municipio(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(8)).content.decode()
    for hidden in ("Doposcuola Sospeso", "Doposcuola Chiuso", "Doposcuola Interno", "Sportello NoLo"):
        assert hidden not in html
    assert "Sportello NoLo" in client.get(_url(2)).content.decode()


def test_it_never_shows_a_confidential_address(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(8)).content.decode()
    assert "Casa rifugio Aurora" in html and "indirizzo riservato" in html
    assert "Pascarella" not in html and SHELTER_ADDRESS not in html


def test_it_suggests_a_search_when_a_municipio_has_no_points(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(5)).content.decode()
    assert "non ci sono ancora punti di accesso" in html and "/aiuto/?municipio=5" in html


@pytest.mark.parametrize("number", [0, 10, 99])
def test_it_gives_404_for_a_municipio_that_does_not_exist(client: Client, portal_data: PortalData,
                                                         number: int) -> None:
    assert client.get(_url(number)).status_code == 404
    assert client.get(reverse("portal:flyer", args=[number])).status_code == 404


def test_it_gives_404_for_a_municipio_not_loaded(client: Client, portal_data: PortalData) -> None:
    assert client.get(_url(3)).status_code == 404


def test_it_renders_the_arabic_page_right_to_left(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "ar"
    html = client.get(_url(8)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الثلاثاء \u206610:00–13:00\u2069" in html  # the hours isolated left to right


def test_it_returns_the_printable_flyer_as_a_pdf(client: Client, portal_data: PortalData) -> None:
    response = client.get(reverse("portal:flyer", args=[8]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="punti-di-accesso-municipio-8.pdf"'
    body = response.content
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:]


def test_it_puts_the_pages_access_points_on_the_flyer(client: Client, portal_data: PortalData,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from trama.portal import views

    printed: dict[str, Any] = {}

    def fake_render(*, municipio_name: str, points: Sequence[FlyerPoint], language: str) -> bytes:
        printed.update(municipio_name=municipio_name, points=list(points), language=language)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(views, "render_flyer", fake_render)
    client.cookies["django_language"] = "en"
    assert client.get(reverse("portal:flyer", args=[8])).content == b"%PDF-1.7 test"
    assert printed["municipio_name"] == "Municipio 8" and printed["language"] == "en"
    points = {point.place.split(",")[0]: point for point in printed["points"]}
    tuesday = points["Punto QuBì zona Quarto Oggiaro"]
    assert tuesday.name == "QuBì orientation desk, Municipio 8 (travelling desk)"
    assert tuesday.place == "Punto QuBì zona Quarto Oggiaro, Via Michele Lessona 20, Milano"
    assert tuesday.when == ["Tuesday 10:00–13:00"] and tuesday.phones == ["333 111 2222"]
    assert points["Punto QuBì zona Villapizzone"].when == ["Friday 10:00–13:00"]
    shelter = next(point for point in printed["points"] if point.name == "Casa rifugio Aurora")
    assert shelter.place == "Casa Aurora (confidential address: you get it when you call)"
    assert all("Pascarella" not in point.place for point in printed["points"])
    assert "Sportello NoLo" not in {point.name for point in printed["points"]}


def test_it_prints_the_flyer_in_arabic_too(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "ar"
    response = client.get(reverse("portal:flyer", args=[8]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_a_flyer_is_printed_once_until_what_it_shows_changes(client: Client, portal_data: PortalData,
                                                              personas: Personas,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from trama.directory import services
    from trama.portal import flyer, views

    calls: list[tuple[str, list[FlyerPoint]]] = []

    def counting_render(*, municipio_name: str, points: Sequence[FlyerPoint], language: str) -> bytes:
        calls.append((language, list(points)))
        return flyer.render_flyer(municipio_name=municipio_name, points=points, language=language)

    monkeypatch.setattr(views, "render_flyer", counting_render)
    url = reverse("portal:flyer", args=[8])
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200 and len(calls) == 1
    assert first.content == second.content and first.content.startswith(b"%PDF-")
    assert first["ETag"] == second["ETag"] and "Accept-Language" in first["Vary"]

    # The browser's copy is current: 304, nothing printed.
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and len(calls) == 1

    # Another language is another flyer.
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english["ETag"] != first["ETag"] and len(calls) == 2
    del client.cookies["django_language"]

    # A change to what a card shows prints it again, at once, with the change.
    link = portal_data.qubi.service_at_locations.get(location__name="Punto QuBì zona Gallaratese")
    services.phone_add(by=personas.referent, service_at_location=link, number="02 9999 0000")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"] and len(calls) == 3
    assert any("02 9999 0000" in point.phones for point in calls[-1][1])


def test_a_city_wide_access_point_is_listed_at_its_places_in_the_municipio(client: Client, portal_data: PortalData,
                                                                          personas: Personas) -> None:
    from trama.directory import services
    from trama.directory.models import TaxonomyTerm
    from trama.directory.tests.helpers import make_location, make_service
    from trama.territory.models import Area

    desk = make_service(personas, name="Sportello cittadino")
    services.taxonomy_term_assign(service=desk, by=personas.referent,
                                  term=TaxonomyTerm.objects.get(code="orientamento.punti-accesso"))
    services.service_area_add(service=desk, by=personas.referent, area=Area.objects.get(code="MI"))
    for name, address in (("Desk Padova", "Via Padova 36"), ("Desk Appennini", "Via Appennini 70")):
        services.service_at_location_attach(service=desk, by=personas.referent,
                                            location=make_location(personas, name=name, address_text=address))
    m8 = client.get(reverse("portal:access_points", args=[8])).content.decode()
    assert "Desk Appennini" in m8 and "Desk Padova" not in m8  # Via Padova 36 is in Municipio 2
    m5 = client.get(reverse("portal:access_points", args=[5])).content.decode()
    assert "Desk Appennini" in m5 and "Desk Padova" in m5  # no place there: every place of the service serving it
