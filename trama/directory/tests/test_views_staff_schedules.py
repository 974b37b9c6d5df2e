"""The schedule editor of a service at a place, and its closures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Closure, Schedule, ServiceAtLocation, ServiceRevision
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service

ClientAs = Callable[..., Client]
T = dt.time


@pytest.fixture
def link(personas: Personas) -> ServiceAtLocation:
    service = make_service(personas)
    return services.service_at_location_attach(service=service, location=make_location(personas),
                                               by=personas.referent)


def _url(link: ServiceAtLocation, name: str = "directory:schedule_edit", *extra: int) -> str:
    return reverse(name, args=[link.service_id, link.pk, *extra])


def _rows(*rows: tuple[str, str, str], deleted: tuple[int, ...] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
    for i, (day, opens, closes) in enumerate(rows):
        data.update({f"windows-{i}-day": day, f"windows-{i}-opens_at": opens, f"windows-{i}-closes_at": closes})
        if i in deleted:
            data[f"windows-{i}-DELETE"] = "on"
    return data


def _windows(link: ServiceAtLocation) -> list[tuple[str, dt.time, dt.time]]:
    return list(Schedule.objects.filter(service_at_location=link).order_by("byday", "opens_at")
                .values_list("byday", "opens_at", "closes_at"))


def test_it_saves_several_windows_a_day(personas: Personas, client_as: ClientAs, link: ServiceAtLocation) -> None:
    client = client_as(personas.referent)
    assert client.get(_url(link)).status_code == 200
    response = client.post(_url(link), _rows(("TU", "09:00", "12:30"), ("TU", "14:00", "17:00"),
                                             ("FR", "10:00", "13:00"), ("", "", "")))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:service_detail", args=[link.service_id])
    assert _windows(link) == [("FR", T(10), T(13)), ("TU", T(9), T(12, 30)), ("TU", T(14), T(17))]
    revision = ServiceRevision.objects.filter(service=link.service, object_type="directory.serviceatlocation").first()
    assert revision is not None and revision.by == personas.referent
    assert AuditEvent.objects.filter(action="directory.schedule.set").exists()
    # The editor shows them again, one row per window.
    page = client.get(_url(link)).content.decode()
    assert 'value="09:00"' in page and 'value="14:00"' in page
    assert 'name="windows-TOTAL_FORMS" value="5"' in page  # three windows and two empty rows


def test_it_deletes_a_window(personas: Personas, client_as: ClientAs, link: ServiceAtLocation) -> None:
    services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday="MO", opens_at=T(9), closes_at=T(12)),
        ScheduleSpec(byday="WE", opens_at=T(9), closes_at=T(12)),
    ])
    client_as(personas.referent).post(_url(link), _rows(("MO", "09:00", "12:00"), ("WE", "09:00", "12:00"),
                                                        deleted=(1,)))
    assert _windows(link) == [("MO", T(9), T(12))]


def test_it_refuses_overlapping_windows_with_the_services_message(
    personas: Personas, client_as: ClientAs, link: ServiceAtLocation
) -> None:
    services.schedule_set(by=None, service_at_location=link,
                          windows=[ScheduleSpec(byday="TU", opens_at=T(9), closes_at=T(12))])
    response = client_as(personas.referent).post(_url(link), _rows(("TH", "10:00", "13:00"),
                                                                   ("TH", "12:00", "14:00")))
    assert response.status_code == 200
    assert ("Le fasce orarie si sovrappongono il giovedì: 10:00–13:00 e 12:00–14:00."
            in response.content.decode())
    assert _windows(link) == [("TU", T(9), T(12))]


def test_it_refuses_closing_before_opening_in_italian(
    personas: Personas, client_as: ClientAs, link: ServiceAtLocation
) -> None:
    response = client_as(personas.referent).post(_url(link), _rows(("TU", "13:00", "10:00"),
                                                                   ("WE", "", "12:00"), ("", "09:00", "")))
    content = response.content.decode()
    assert response.status_code == 200
    assert "La chiusura (10:00) deve seguire l&#x27;apertura (13:00)." in content
    assert "Indica l&#x27;ora di apertura." in content
    assert "Scegli il giorno." in content and "Indica l&#x27;ora di chiusura." in content
    assert not Schedule.objects.exists()


def test_it_keeps_rules_the_editor_does_not_show(
    personas: Personas, client_as: ClientAs, link: ServiceAtLocation
) -> None:
    services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday="TU", opens_at=T(9), closes_at=T(12)),
        ScheduleSpec(byday="1MO", freq="MONTHLY", opens_at=T(15), closes_at=T(17)),
    ])
    client = client_as(personas.referent)
    assert "il 1º lunedì del mese, 15:00–17:00" in client.get(_url(link)).content.decode()
    client.post(_url(link), _rows(("WE", "09:00", "12:00")))
    assert _windows(link) == [("1MO", T(15), T(17)), ("WE", T(9), T(12))]


def test_it_guards_the_schedule_editor(personas: Personas, client_as: ClientAs, client: Client,
                                       link: ServiceAtLocation) -> None:
    url = _url(link)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for key in ("referent_b", "referent_other", "volunteer"):
        assert client_as(getattr(personas, key)).get(url).status_code == 403
        assert client_as(getattr(personas, key)).post(url, _rows(("TU", "09:00", "12:00"))).status_code == 403
    assert client_as(personas.nobody).get(url).status_code == 404
    other = make_service(personas, name="Altro")
    assert client_as(personas.referent).get(
        reverse("directory:schedule_edit", args=[other.pk, link.pk])).status_code == 404
    assert not Schedule.objects.exists()


# --- Closures -------------------------------------------------------------------------------------


def test_it_adds_and_removes_closures(personas: Personas, client_as: ClientAs, link: ServiceAtLocation) -> None:
    client = client_as(personas.referent)
    start = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(_url(link, "directory:closure_add"), {
        "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=3)).isoformat(),
        "reason": "Festività", "scope": "service",
    })
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.service == link.service and closure.reason == "Festività"
    client.post(_url(link, "directory:closure_add"), {"start_date": start.isoformat(), "scope": "location"})
    assert Closure.objects.filter(location=link.location, end_date=start).exists()
    assert "Festività" in client.get(_url(link)).content.decode()
    client.post(_url(link, "directory:closure_remove", closure.pk))
    assert not Closure.objects.filter(pk=closure.pk).exists()
    assert AuditEvent.objects.filter(action="directory.closure.remove").exists()


def test_it_validates_closures_in_italian(personas: Personas, client_as: ClientAs, link: ServiceAtLocation) -> None:
    response = client_as(personas.referent).post(_url(link, "directory:closure_add"), {
        "start_date": "2030-05-10", "end_date": "2030-05-01", "scope": "service",
    })
    assert response.status_code == 200
    assert "La chiusura finisce prima di cominciare." in response.content.decode()
    missing = client_as(personas.referent).post(_url(link, "directory:closure_add"), {"scope": "service"})
    assert "Questo campo è obbligatorio." in missing.content.decode()
    assert not Closure.objects.exists()


def test_it_closes_only_places_one_maintains(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    theirs = make_location(personas, name="Sede Beta", maintainer=personas.ets_b)
    link = services.service_at_location_attach(service=service, location=theirs, by=None)
    client = client_as(personas.referent)
    assert "Sede Beta" not in str(client.get(_url(link)).context["closure_form"]["scope"])
    response = client.post(_url(link, "directory:closure_add"),
                           {"start_date": "2030-05-10", "scope": "location"})
    assert response.status_code == 200 and not Closure.objects.exists()
    closure = services.closure_add(by=None, location=theirs, start_date=dt.date(2030, 5, 10))
    assert client.post(_url(link, "directory:closure_remove", closure.pk)).status_code == 403
    assert client.post(_url(link, "directory:closure_remove", 999_999)).status_code == 404
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_it_guards_closures(personas: Personas, client_as: ClientAs, link: ServiceAtLocation) -> None:
    data = {"start_date": "2030-05-10", "scope": "service"}
    assert client_as(personas.referent_b).post(_url(link, "directory:closure_add"), data).status_code == 403
    assert client_as(personas.nobody).post(_url(link, "directory:closure_add"), data).status_code == 404
    closure = services.closure_add(by=None, service=link.service, start_date=dt.date(2030, 5, 10))
    assert client_as(personas.volunteer).post(
        _url(link, "directory:closure_remove", closure.pk)).status_code == 403
    assert Closure.objects.count() == 1
