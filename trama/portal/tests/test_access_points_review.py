"""What the access points, their flyer and the service page tell a family about calling and opening hours: the
place's own number, only hours still in force, numbers dialled as written (also in Arabic), a card that fits its
page, and pages that answer HEAD."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service
from trama.portal import queries
from trama.portal.flyer import FLYER_NOTE_CHARS, flyer_note


def _access_point(personas: Personas, name: str) -> tuple[Service, Any, ServiceAtLocation]:
    by = personas.referent
    service = make_service(personas, name=name, description="Ascolto e orientamento.")
    services.taxonomy_term_assign(service=service, by=by, term=TaxonomyTerm.objects.get(
        taxonomy__code="bisogni", code="orientamento.punti-accesso"))
    place = make_location(personas, name=f"Sede {name}", address_text="Via Appennini 70")
    link = services.service_at_location_attach(service=service, location=place, by=by)
    return service, place, link


def test_an_access_point_offers_the_places_own_number(portal_data: Any, personas: Personas) -> None:
    service, place, _link = _access_point(personas, "Sportello Appennini")
    services.phone_add(by=personas.referent, location=place, number="02 8844 1122")
    point = next(p for p in queries.access_points(portal_data.m8, "it") if p.service.pk == service.pk)
    assert [phone.number for phone in point.phones] == ["02 8844 1122"]
    page = Client().get(reverse("portal:access_points", args=[8])).content.decode()
    assert 'href="tel:0288441122"' in page


def test_hours_that_have_ended_are_not_listed(portal_data: Any, personas: Personas) -> None:
    service, _place, link = _access_point(personas, "Sportello Scaduto")
    today = timezone.localdate()
    services.schedule_set(by=personas.referent, service_at_location=link, windows=[
        ScheduleSpec(opens_at=dt.time(9), closes_at=dt.time(12), byday="MO",
                     valid_from=today - dt.timedelta(days=700), valid_to=today - dt.timedelta(days=300)),
        ScheduleSpec(opens_at=dt.time(14), closes_at=dt.time(17), byday="TH",
                     valid_from=today - dt.timedelta(days=200)),
    ])
    point = next(p for p in queries.access_points(portal_data.m8, "it") if p.service.pk == service.pk)
    assert not any("09:00" in line for line in point.when) and any("14:00" in line for line in point.when)
    page = Client().get(reverse("portal:service", args=[service.pk])).content.decode()
    assert "09:00–12:00" not in page and "14:00–17:00" in page


def test_a_field_that_is_not_one_number_is_shown_but_not_dialled(portal_data: Any, personas: Personas) -> None:
    for number in ("02 1234 5678 / 02 8765 4321", "02 1234 5678 int. 3", "+39 02 1234 5678", "(+39) 02 8888 7777"):
        services.phone_add(by=personas.referent, service=portal_data.nolo, number=number)
    page = Client().get(reverse("portal:service", args=[portal_data.nolo.pk])).content.decode()
    links = re.findall(r'href="tel:([^"]+)"', page)
    assert "+390212345678" in links and "+390288887777" in links
    assert not any(len(re.sub(r"\D", "", link.split(";")[0])) > 15 or link.endswith("56783") for link in links)
    assert "02 1234 5678 / 02 8765 4321" in page and "02 1234 5678 int. 3" in page


def test_the_arabic_flyer_prints_a_number_and_its_extension_in_order(portal_data: Any, personas: Personas,
                                                                      monkeypatch: Any) -> None:
    from fpdf import line_break

    _service, _place, link = _access_point(personas, "Sportello Appennini")
    services.phone_add(by=personas.referent, service_at_location=link, number="02 1234 5678", extension="417")
    lines: list[str] = []
    original = line_break.TextLine.get_ordered_fragments

    def visual_order(self: Any) -> Any:  # the fragments of each printed line, left to right
        ordered = original(self)
        lines.append("".join(fragment.string for fragment in ordered))
        return ordered

    monkeypatch.setattr(line_break.TextLine, "get_ordered_fragments", visual_order)
    client = Client()
    client.cookies["django_language"] = "ar"
    assert client.get(reverse("portal:flyer", args=[8])).status_code == 200
    printed = [line for line in lines if "1234" in line]
    assert printed and all("02 1234 5678" in line for line in printed), printed


def test_a_long_how_to_apply_is_cut_on_the_flyer() -> None:
    words = "Portare il documento e il codice fiscale. " * 100
    note = flyer_note(words)
    assert len(note) <= FLYER_NOTE_CHARS + 1 and note.endswith("…") and not note.endswith(" …")
    assert flyer_note("Breve.") == "Breve."


def test_portal_pages_answer_head(portal_data: Any) -> None:
    client = Client()
    for url in (reverse("portal:access_points", args=[8]), reverse("portal:service", args=[portal_data.nolo.pk])):
        assert client.head(url).status_code == 200, url


def test_a_missing_portal_page_is_the_portals_in_the_familys_language(portal_data: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "ar"
    missing = client.get(reverse("portal:service", args=[987654321]))
    assert missing.status_code == 404
    page = missing.content.decode()
    assert 'dir="rtl"' in page and "الصفحة غير موجودة" in page
    assert f'href="{reverse("portal:search")}"' in page and "con il tuo ruolo" not in page
    staff = Client().get("/records/987654321/nowhere/")
    assert staff.status_code == 404 and "con il tuo ruolo" in staff.content.decode()


def test_the_service_page_announces_closures_ahead(portal_data: Any, personas: Personas) -> None:
    """The weekly hours alone would send a family to a desk closed for the holidays."""
    service, place, _link = _access_point(personas, "Sportello Natale")
    today = timezone.localdate()
    services.closure_add(by=personas.referent, service=service, start_date=today + dt.timedelta(days=10),
                         end_date=today + dt.timedelta(days=20), reason="Festività")
    services.closure_add(by=personas.referent, location=place, start_date=today + dt.timedelta(days=5),
                         end_date=today + dt.timedelta(days=5))
    services.closure_add(by=personas.referent, service=service, start_date=today + dt.timedelta(days=200),
                         end_date=today + dt.timedelta(days=201))
    page = Client().get(reverse("portal:service", args=[service.pk])).content.decode()
    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).strftime("%d/%m/%Y")

    assert f"Chiuso dal {day(10)} al {day(20)}" in page and "Festività" in page
    assert f"Chiuso il {day(5)}" in page and "Sede Sportello Natale" in page
    assert day(200) not in page
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Closures" in english.get(reverse("portal:service", args=[service.pk])).content.decode()


def test_the_access_points_and_their_flyer_announce_closures_ahead(portal_data: Any, personas: Personas,
                                                                  monkeypatch: Any) -> None:
    """A flyer on a noticeboard, like the list, must not send a family to a desk closed for the holidays."""
    from trama.directory.models import Location
    from trama.portal import views

    service, place, _link = _access_point(personas, "Sportello Natale")
    today = timezone.localdate()
    services.closure_add(by=personas.referent, service=service, start_date=today + dt.timedelta(days=10),
                         end_date=today + dt.timedelta(days=20), reason="Festività")
    services.closure_add(by=personas.referent, location=place, start_date=today + dt.timedelta(days=5))
    services.closure_add(by=personas.referent, service=service, start_date=today + dt.timedelta(days=200))
    services.closure_add(by=personas.referent, service=service, start_date=today - dt.timedelta(days=30),
                         end_date=today - dt.timedelta(days=20), reason="Passata")
    shelter_place = Location.objects.get(name="Casa Aurora")  # a confidential address: days only, no reason
    services.closure_add(by=personas.referent, location=shelter_place, start_date=today + dt.timedelta(days=3),
                         reason="Lavori in Via Pascarella")

    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).strftime("%d/%m/%Y")

    points = {str(point.name): point for point in queries.access_points(portal_data.m8, "it")}
    assert [c.text for c in points["Sportello Natale"].closures] == [
        f"Chiuso il {day(5)}", f"Chiuso dal {day(10)} al {day(20)}"]
    assert [(c.text, c.reason) for c in points["Casa rifugio Aurora"].closures] == [(f"Chiuso il {day(3)}", "")]
    assert all(not point.closures for name, point in points.items()
               if name not in ("Sportello Natale", "Casa rifugio Aurora"))

    html = Client().get(reverse("portal:access_points", args=[8])).content.decode()
    assert f"Chiuso dal {day(10)} al {day(20)}" in html and "Festività" in html
    assert day(200) not in html and "Passata" not in html and "Pascarella" not in html

    printed: dict[str, Any] = {}

    def fake_render(*, municipio_name: str, points: Any, language: str) -> bytes:
        printed["points"] = list(points)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(views, "render_flyer", fake_render)
    Client().get(reverse("portal:flyer", args=[8]))
    cards = {point.name: point for point in printed["points"]}
    assert cards["Sportello Natale"].closures == [f"Chiuso il {day(5)}",
                                                  f"Chiuso dal {day(10)} al {day(20)} (Festività)"]
    assert cards["Casa rifugio Aurora"].closures == [f"Chiuso il {day(3)}"]
