from __future__ import annotations

import datetime as dt

import pytest

from trama.core.errors import ApplicationError
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Closure, Schedule, ServiceRevision
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service

T = dt.time


def _link(p: Personas):  # type: ignore[no-untyped-def]
    service = make_service(p)
    location = make_location(p)
    return services.service_at_location_attach(service=service, location=location, by=p.referent)


def test_it_sets_several_windows_a_day_and_replaces_them(personas: Personas) -> None:
    link = _link(personas)
    rows = services.schedule_set(by=personas.referent, service_at_location=link, windows=[
        ScheduleSpec(byday="mo, we", opens_at=T(9), closes_at=T(12)),
        ScheduleSpec(byday="MO,WE", opens_at=T(14), closes_at=T(17), notes="Solo su appuntamento"),
    ])
    assert [(r.byday, r.opens_at, r.timezone) for r in rows] == [("MO,WE", T(9), "Europe/Rome"),
                                                                 ("MO,WE", T(14), "Europe/Rome")]
    services.schedule_set(by=personas.proximity, service_at_location=link,
                          windows=[ScheduleSpec(byday="TU", opens_at=T(10), closes_at=T(13))])
    assert list(Schedule.objects.filter(service_at_location=link).values_list("byday", flat=True)) == ["TU"]
    last = ServiceRevision.objects.filter(service=link.service, object_type="directory.serviceatlocation").first()
    assert last is not None and last.by == personas.proximity
    assert last.changes["schedules"] == [["WEEKLY MO,WE 09:00-12:00", "WEEKLY MO,WE 14:00-17:00"],
                                         ["WEEKLY TU 10:00-13:00"]]


def test_it_refuses_closing_before_opening_naming_the_day(personas: Personas) -> None:
    link = _link(personas)
    with pytest.raises(ApplicationError) as info:
        services.schedule_set(by=None, service_at_location=link,
                              windows=[ScheduleSpec(byday="TU", opens_at=T(13), closes_at=T(10))])
    assert info.value.message == ("Orario non valido il martedì: la chiusura (10:00) deve seguire "
                                  "l'apertura (13:00).")
    assert info.value.code == "closes_before_opening"


def test_it_refuses_overlapping_windows_on_the_same_day_naming_the_day(personas: Personas) -> None:
    link = _link(personas)
    services.schedule_set(by=None, service_at_location=link,
                          windows=[ScheduleSpec(byday="TU", opens_at=T(9), closes_at=T(12))])
    with pytest.raises(ApplicationError) as info:
        services.schedule_set(by=None, service_at_location=link, windows=[
            ScheduleSpec(byday="TU,TH", opens_at=T(10), closes_at=T(13)),
            ScheduleSpec(byday="TH", opens_at=T(12), closes_at=T(14)),
        ])
    assert info.value.message == "Le fasce orarie si sovrappongono il giovedì: 10:00–13:00 e 12:00–14:00."
    assert info.value.code == "overlapping_windows"
    # Nothing changed.
    assert list(Schedule.objects.filter(service_at_location=link).values_list("opens_at", flat=True)) == [T(9)]
    # Touching windows are fine.
    services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday="TH", opens_at=T(10), closes_at=T(12)),
        ScheduleSpec(byday="TH", opens_at=T(12), closes_at=T(14)),
    ])


def test_it_refuses_a_monthly_window_overlapping_a_weekly_one(personas: Personas) -> None:
    link = _link(personas)
    with pytest.raises(ApplicationError) as info:
        services.schedule_set(by=None, service_at_location=link, windows=[
            ScheduleSpec(byday="MO", opens_at=T(9), closes_at=T(12)),
            ScheduleSpec(freq="MONTHLY", byday="1MO", opens_at=T(11), closes_at=T(13)),
        ])
    assert "lunedì" in info.value.message


def test_it_refuses_invalid_recurrences_in_italian(personas: Personas) -> None:
    link = _link(personas)
    with pytest.raises(ApplicationError) as info:
        services.schedule_set(by=None, service_at_location=link,
                              windows=[ScheduleSpec(opens_at=T(9), closes_at=T(12))])
    assert info.value.field == "byday"
    assert "Ricorrenza non valida" in info.value.message
    with pytest.raises(ApplicationError):
        services.schedule_set(by=None, service_at_location=link,
                              windows=[ScheduleSpec(byday="XX", opens_at=T(9), closes_at=T(12))])
    with pytest.raises(ApplicationError):
        services.schedule_set(by=None, windows=[])


def test_it_sets_schedules_of_a_service_or_of_a_location(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    services.schedule_set(by=None, service=service,
                          windows=[ScheduleSpec(freq="MONTHLY", bymonthday="1,15", opens_at=T(9), closes_at=T(11))])
    services.schedule_set(by=None, location=location,
                          windows=[ScheduleSpec(byday="MO,TU,WE,TH,FR", opens_at=T(8), closes_at=T(18))])
    assert Schedule.objects.get(service=service).bymonthday == "1,15"
    assert Schedule.objects.get(location=location).byday == "MO,TU,WE,TH,FR"
    assert ServiceRevision.objects.filter(location=location, object_type="directory.location").count() == 2


def test_it_adds_and_removes_closures(personas: Personas) -> None:
    service = make_service(personas)
    closure = services.closure_add(by=personas.referent, service=service, start_date=dt.date(2025, 8, 4),
                                   end_date=dt.date(2025, 8, 22), reason="Chiusura estiva")
    assert ServiceRevision.objects.filter(service=service, object_type="directory.closure").count() == 1
    with pytest.raises(ApplicationError):
        services.closure_add(by=None, service=service, start_date=dt.date(2025, 8, 4), end_date=dt.date(2025, 8, 1))
    with pytest.raises(ApplicationError):
        services.closure_add(by=None, start_date=dt.date(2025, 8, 4))
    services.closure_remove(closure=closure, by=personas.referent)
    assert not Closure.objects.exists()


def test_a_change_of_details_stamps_the_service_and_the_place(personas: Personas) -> None:
    # The HSDS API's last_modified and modified_after read these: a new timetable is a change of the service.
    from django.utils import timezone

    from trama.directory.models import Location, Service

    p = personas
    link = _link(p)
    other = services.service_at_location_attach(service=make_service(p, name="Altro servizio"),
                                                location=link.location, by=p.referent)
    old = timezone.now() - dt.timedelta(days=30)
    Service.objects.update(updated_at=old)
    Location.objects.update(updated_at=old)
    services.schedule_set(by=p.referent, service_at_location=link,
                          windows=[ScheduleSpec(byday="TH", opens_at=T(10), closes_at=T(13))])
    assert Service.objects.get(pk=link.service_id).updated_at > old
    assert Location.objects.get(pk=link.location_id).updated_at > old
    assert Service.objects.get(pk=other.service_id).updated_at == old  # its own timetable did not change
    # A phone of the place is a change of every service offered there.
    Service.objects.update(updated_at=old)
    services.phone_add(by=p.referent, number="02 1234567", location=link.location)
    assert set(Service.objects.values_list("updated_at", flat=True)) != {old}
    assert Service.objects.get(pk=other.service_id).updated_at > old
    # A timetable of the service alone, and of the place alone.
    Service.objects.update(updated_at=old)
    Location.objects.update(updated_at=old)
    services.schedule_set(by=p.referent, service=link.service,
                          windows=[ScheduleSpec(byday="FR", opens_at=T(9), closes_at=T(12))])
    assert Service.objects.get(pk=link.service_id).updated_at > old
    services.schedule_set(by=p.referent, location=link.location,
                          windows=[ScheduleSpec(byday="SA", opens_at=T(9), closes_at=T(12))])
    assert Location.objects.get(pk=link.location_id).updated_at > old
