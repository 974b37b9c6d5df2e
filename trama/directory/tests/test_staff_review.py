"""The staff side against a review's findings: schedule rows and history, far-future dates, a place detached
with its phones, a provider no longer active, closures out of sight."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Closure, Phone, Schedule, ServiceAtLocation, ServiceRevision
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service

pytestmark = pytest.mark.django_db
T = dt.time


@pytest.fixture
def link(personas: Personas) -> ServiceAtLocation:
    service = make_service(personas)
    return services.service_at_location_attach(service=service, location=make_location(personas), by=personas.referent)


def _rows(*rows: tuple[str, ...]) -> dict[str, Any]:
    data = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
    for index, (day, opens, closes, *notes) in enumerate(rows):
        data.update({f"windows-{index}-day": day, f"windows-{index}-opens_at": opens,
                     f"windows-{index}-closes_at": closes, f"windows-{index}-notes": notes[0] if notes else ""})
    return data


def _schedule_url(link: ServiceAtLocation) -> str:
    return reverse("directory:schedule_edit", args=[link.service_id, link.pk])


def test_saving_the_hours_unchanged_in_another_order_changes_nothing(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                                     link: ServiceAtLocation) -> None:
    services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday="FR", opens_at=T(10), closes_at=T(13)),
        ScheduleSpec(byday="MO", opens_at=T(9), closes_at=T(12))])
    ids = dict(Schedule.objects.values_list("byday", "hsds_id"))
    revisions = ServiceRevision.objects.count()
    client_as(personas.referent).post(_schedule_url(link), _rows(("MO", "09:00", "12:00"), ("FR", "10:00", "13:00")))
    assert dict(Schedule.objects.values_list("byday", "hsds_id")) == ids  # each window keeps its id
    assert ServiceRevision.objects.count() == revisions  # nothing changed, nothing recorded


def test_a_window_note_changed_is_in_the_history(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                 link: ServiceAtLocation) -> None:
    services.schedule_set(by=None, service_at_location=link, windows=[ScheduleSpec(byday="MO", opens_at=T(9),
                                                                                   closes_at=T(12))])
    revisions, events = ServiceRevision.objects.count(), AuditEvent.objects.count()
    client_as(personas.referent).post(_schedule_url(link), _rows(("MO", "09:00", "12:00", "solo su appuntamento")))
    assert Schedule.objects.get().notes == "solo su appuntamento"
    assert ServiceRevision.objects.count() == revisions + 1
    assert AuditEvent.objects.filter(pk__gt=events, action="directory.schedule.set").exists()


def test_hours_dated_decades_away_are_refused_and_never_break_the_editor(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                                        link: ServiceAtLocation) -> None:
    with pytest.raises(ApplicationError) as info:
        services.schedule_set(by=None, service_at_location=link, windows=[
            ScheduleSpec(byday="WE", opens_at=T(10), closes_at=T(13), valid_from=dt.date(9999, 12, 1))])
    assert info.value.field == "valid_from"
    [window] = services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday="WE", opens_at=T(10), closes_at=T(13))])
    Schedule.objects.filter(pk=window.pk).update(valid_from=dt.date(9999, 12, 1))  # stored by an older version
    response = client_as(personas.referent).post(_schedule_url(link), _rows(("WE", "11:00", "12:00")))
    assert response.status_code in (200, 302)


def test_detaching_a_place_removes_its_phones_with_their_history(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                                link: ServiceAtLocation) -> None:
    client: Client = client_as(personas.referent)
    phone = services.phone_add(by=personas.referent, service_at_location=link, number="02 8845 1234")
    client.post(reverse("directory:service_location_detach", args=[link.service_id, link.pk]))
    assert not Phone.objects.exists()
    assert ServiceRevision.objects.filter(object_type="directory.phone", object_id=str(phone.pk),
                                          action="delete").exists()


def test_a_service_of_an_organisation_no_longer_active_can_still_be_edited(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                                          link: ServiceAtLocation) -> None:
    service = link.service
    services.service_update(service=service, by=None, organisation=personas.ets_b)
    personas.ets_b.is_active = False
    personas.ets_b.save()
    response = client_as(personas.referent).post(reverse("directory:service_edit", args=[service.pk]), {
        "organisation": personas.ets_b.pk, "maintainer": personas.ets_a.pk, "name": service.name,
        "status": "defunct"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == "defunct"


def test_a_closure_already_over_or_longer_than_a_year_is_refused(personas: Personas, client_as,  # type: ignore[no-untyped-def]
                                                                link: ServiceAtLocation) -> None:
    client: Client = client_as(personas.referent)
    url = reverse("directory:closure_add", args=[link.service_id, link.pk])
    today = timezone.localdate()
    over = client.post(url, {"start_date": (today - dt.timedelta(days=10)).isoformat(),
                             "end_date": (today - dt.timedelta(days=8)).isoformat(), "reason": "Natale",
                             "scope": "service"})
    assert over.status_code == 200 and "già finita" in over.content.decode()
    forever = client.post(url, {"start_date": today.isoformat(), "end_date": "9999-12-31", "scope": "service"})
    assert forever.status_code == 200
    long = client.post(url, {"start_date": today.isoformat(),
                             "end_date": (today + dt.timedelta(days=400)).isoformat(), "scope": "service"})
    assert long.status_code == 200 and "più di un anno" in long.content.decode()
    assert not Closure.objects.exists()
