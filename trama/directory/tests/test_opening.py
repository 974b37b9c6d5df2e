"""Open now / next openings of a service, including the itinerant desk of Municipio 8."""

from __future__ import annotations

import datetime as dt

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.opening import service_next_openings, service_open_at, service_open_now
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service
from trama.lib.schedules import ROME, UTC

T = dt.time


def rome(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=ROME)


def _itinerant_desk(p: Personas):  # type: ignore[no-untyped-def]
    desk = make_service(p, name="Sportello QuBì Municipio 8")
    stops = [
        ("Quarto Oggiaro", "Via Lessona 20", "TU", T(10), T(13)),
        ("Gallaratese", "Via Appennini 70", "WE", T(14), T(17)),
        ("Villapizzone", "Via Console Marcello 2", "FR", T(10), T(13)),
    ]
    places = {}
    for name, address, day, opens, closes in stops:
        location = make_location(p, name=name, address_text=address)
        link = services.service_at_location_attach(service=desk, location=location, by=p.referent)
        services.schedule_set(by=p.referent, service_at_location=link,
                              windows=[ScheduleSpec(byday=day, opens_at=opens, closes_at=closes)])
        places[name] = location
    return desk, places


def test_it_tells_where_and_when_the_itinerant_desk_opens_next(personas: Personas) -> None:
    desk, places = _itinerant_desk(personas)
    # Tuesday 3 June 2025 at 11:00 the desk is in Quarto Oggiaro.
    assert service_open_now(desk, rome(2025, 6, 3, 11))
    assert [o.location for o in service_open_at(desk, rome(2025, 6, 3, 11))] == [places["Quarto Oggiaro"]]
    assert not service_open_now(desk, rome(2025, 6, 3, 14))
    upcoming = service_next_openings(desk, rome(2025, 6, 3, 14), limit=4)
    assert [(o.location.name if o.location else None, o.start, o.end) for o in upcoming] == [
        ("Gallaratese", rome(2025, 6, 4, 14), rome(2025, 6, 4, 17)),
        ("Villapizzone", rome(2025, 6, 6, 10), rome(2025, 6, 6, 13)),
        ("Quarto Oggiaro", rome(2025, 6, 10, 10), rome(2025, 6, 10, 13)),
        ("Gallaratese", rome(2025, 6, 11, 14), rome(2025, 6, 11, 17)),
    ]


def test_it_skips_a_closed_stop_and_a_closed_service(personas: Personas) -> None:
    desk, places = _itinerant_desk(personas)
    services.closure_add(by=None, location=places["Gallaratese"], start_date=dt.date(2025, 6, 4),
                         reason="Sede chiusa")
    assert service_next_openings(desk, rome(2025, 6, 3, 14), limit=1)[0].location == places["Villapizzone"]
    services.closure_add(by=None, service=desk, start_date=dt.date(2025, 6, 5), end_date=dt.date(2025, 6, 12),
                         reason="Ferie")
    nxt = service_next_openings(desk, rome(2025, 6, 3, 14), limit=1)[0]
    assert (nxt.location, nxt.start) == (places["Villapizzone"], rome(2025, 6, 13, 10))


def test_it_is_right_across_the_daylight_saving_change(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    link = services.service_at_location_attach(service=service, location=location, by=None)
    services.schedule_set(by=None, service_at_location=link,
                          windows=[ScheduleSpec(byday="SA,MO", opens_at=T(9), closes_at=T(12))])
    # Saturday 29 March 2025 09:00 CET = 08:00Z; Monday 31 March 09:00 CEST = 07:00Z.
    assert service_open_now(service, dt.datetime(2025, 3, 29, 8, 0, tzinfo=UTC))
    assert service_open_now(service, dt.datetime(2025, 3, 31, 7, 0, tzinfo=UTC))
    assert not service_open_now(service, dt.datetime(2025, 3, 31, 6, 30, tzinfo=UTC))
    nxt = service_next_openings(service, rome(2025, 3, 29, 13), limit=1)[0]
    assert nxt.start.astimezone(UTC) == dt.datetime(2025, 3, 31, 7, 0, tzinfo=UTC)
    assert nxt.location == location


def test_it_uses_a_service_schedule_at_its_only_location(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    services.service_at_location_attach(service=service, location=location, by=None)
    services.schedule_set(by=None, service=service,
                          windows=[ScheduleSpec(freq="MONTHLY", byday="1MO", opens_at=T(9), closes_at=T(12))])
    (nxt,) = service_next_openings(service, rome(2025, 6, 3), limit=1)
    assert (nxt.location, nxt.start) == (location, rome(2025, 7, 7, 9))


def test_it_has_no_next_opening_without_schedules(personas: Personas) -> None:
    service = make_service(personas)
    assert service_next_openings(service, rome(2025, 6, 3), limit=3) == []
    assert not service_open_now(service, rome(2025, 6, 3, 10))
