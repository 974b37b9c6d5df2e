"""The bulk "open now" / "open on a day" of many services (opening.open_service_ids / opening_service_ids) answers
exactly as the per-service functions do, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from trama.core.testing import Personas
from trama.directory import opening
from trama.directory.models import Closure, Schedule, Service, ServiceAtLocation
from trama.directory.tests.helpers import make_location, make_service
from trama.lib.schedules import ROME, UTC

T = dt.time


def _place(p: Personas, service: Service, name: str) -> ServiceAtLocation:
    location = make_location(p, name=name)
    return ServiceAtLocation.objects.create(service=service, location=location)


def _varied(p: Personas) -> list[Service]:
    """Itinerant desks, monthly rules, a service's own hours at one or at two places, closures, a night window
    across the clock change, validity ranges, an interval."""
    made = []
    desk = make_service(p, name="Itinerante")
    for name, day, opens, closes in (("Lessona", "TU", T(10), T(13)), ("Appennini", "WE", T(14), T(17)),
                                     ("Console", "FR", T(10), T(13))):
        Schedule.objects.create(service_at_location=_place(p, desk, name), byday=day, opens_at=opens,
                                closes_at=closes)
    Closure.objects.create(location=desk.service_at_locations.get(location__name="Appennini").location,
                           start_date=dt.date(2025, 6, 4), end_date=dt.date(2025, 6, 4))
    # A closure of the whole service, on a day one of its plain weekly rows (decided in SQL) would open.
    Closure.objects.create(service=desk, start_date=dt.date(2025, 6, 6), end_date=dt.date(2025, 6, 6))
    made.append(desk)
    monthly = make_service(p, name="Mensile")
    _place(p, monthly, "Mensile")
    Schedule.objects.create(service=monthly, freq="MONTHLY", byday="1MO,-1FR", opens_at=T(9), closes_at=T(12))
    Schedule.objects.create(service=monthly, freq="MONTHLY", bymonthday="3,15", opens_at=T(15), closes_at=T(18))
    made.append(monthly)
    two_places = make_service(p, name="Due sedi")
    _place(p, two_places, "Prima")
    second = _place(p, two_places, "Seconda")
    Schedule.objects.create(service=two_places, byday="MO,TU,WE,TH,FR", opens_at=T(8), closes_at=T(20))
    Closure.objects.create(location=second.location, start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 6, 30))
    Closure.objects.create(service=two_places, start_date=dt.date(2025, 6, 6), end_date=dt.date(2025, 6, 6))
    made.append(two_places)
    night = make_service(p, name="Notturno")
    Schedule.objects.create(service_at_location=_place(p, night, "Notte"), byday="SU,SA", opens_at=T(1, 30),
                            closes_at=T(3, 30))
    made.append(night)
    # Windows that close inside the spring gap or open in the hour repeated in autumn: the wall clock alone
    # would misjudge them on those nights.
    late = make_service(p, name="Notturno tardo")
    late_place = _place(p, late, "Tardo")
    Schedule.objects.create(service_at_location=late_place, byday="SU", opens_at=T(0, 30), closes_at=T(2, 30))
    Schedule.objects.create(service_at_location=late_place, byday="SU", opens_at=T(2, 40), closes_at=T(4))
    made.append(late)
    ranged = make_service(p, name="Estivo")
    Schedule.objects.create(service_at_location=_place(p, ranged, "Estate"), byday="TU,WE", opens_at=T(10),
                            closes_at=T(12), valid_from=dt.date(2025, 6, 4), valid_to=dt.date(2025, 9, 1))
    Schedule.objects.create(service=ranged, interval=2, dtstart=dt.date(2025, 6, 2), opens_at=T(16),
                            closes_at=T(19))
    made.append(ranged)
    made.append(make_service(p, name="Senza orari"))
    return made


MOMENTS = [
    dt.datetime(2025, 6, d, h, m, tzinfo=ROME)
    for d, h, m in itertools.product((3, 4, 6, 30), (9, 11, 15, 19), (0, 45))
] + [
    # The nights the clocks change: 30 March and 26 October 2025, before, inside and after the change.
    dt.datetime(2025, 3, 30, h, m, tzinfo=UTC) for h, m in ((0, 15), (0, 45), (1, 15), (1, 45), (2, 30))
] + [
    dt.datetime(2025, 10, 26, h, m, tzinfo=UTC) for h, m in ((0, 15), (0, 45), (1, 15), (1, 45), (2, 30))
]


def test_bulk_open_now_answers_as_each_service_does(personas: Personas) -> None:
    made = _varied(personas)
    ids = [s.pk for s in made]
    for at in MOMENTS:
        expected = {s.pk for s in made if opening.service_open_at(s, at)}
        assert opening.open_service_ids(ids, at) == expected, at
        # Without a list of candidates: the day's rows of every service are read.
        assert opening.open_service_ids(None, at) & set(ids) == expected, at
    # The fixture is varied enough that the answer is not always the same.
    answers = {frozenset(opening.open_service_ids(ids, at)) for at in MOMENTS}
    assert len(answers) > 4


def test_bulk_opening_on_a_day_answers_as_each_service_does(personas: Personas) -> None:
    made = _varied(personas)
    ids = [s.pk for s in made]
    for offset in range(0, 45, 3):
        day = dt.date(2025, 5, 28) + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time.min, tzinfo=ROME)
        expected = set()
        for service in made:
            first = opening.service_next_openings(service, start, limit=1)
            if first and first[0].start.astimezone(ROME).date() == day:
                expected.add(service.pk)
        assert opening.opening_service_ids(ids, day) == expected, day
        assert opening.opening_service_ids(None, day) & set(ids) == expected, day


def test_bulk_opening_takes_the_same_queries_for_few_or_many_services(personas: Personas) -> None:
    made = _varied(personas)
    at = dt.datetime(2025, 6, 3, 11, tzinfo=ROME)
    with CaptureQueriesContext(connection) as few:
        opening.open_service_ids([made[0].pk], at)
    with CaptureQueriesContext(connection) as many:
        opening.open_service_ids([s.pk for s in made], at)
    with CaptureQueriesContext(connection) as day:
        opening.opening_service_ids([s.pk for s in made], dt.date(2025, 6, 3))
    assert len(few) == len(many) == len(day) == 5
