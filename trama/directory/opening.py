"""When and where a service is open: the directory's schedules fed to trama.lib.schedules.

Which windows count for a service:
- the schedules of each service-at-location (the usual case; itinerant desks have one per place), at that place;
- the service's own schedules (HSDS service.schedules), at its only location if it has exactly one, else at no
  particular place (location None);
- a location's own opening hours are the building's, not the service's: they are not used here.
Closures of the service close every window; closures of a location close the windows at that location."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from trama.core.sql import in_ids
from trama.directory.models import Closure, Location, Schedule, Service, ServiceAtLocation
from trama.lib import schedules as lib


@dataclass(frozen=True)
class NextOpening:
    location: Location | None
    start: dt.datetime  # aware, Europe/Rome
    end: dt.datetime


def _windows_and_closures(service: Service) -> tuple[list[lib.Window], list[lib.Closure], dict[int, Location]]:
    links = list(ServiceAtLocation.objects.filter(service=service).select_related("location"))
    locations = {link.location_id: link.location for link in links}
    link_location = {link.pk: link.location_id for link in links}
    sole_location = next(iter(locations)) if len(locations) == 1 else None
    windows: list[lib.Window] = []
    for schedule in Schedule.objects.filter(service_at_location__in=link_location):
        windows.append(schedule.to_window(key=link_location[schedule.service_at_location_id]))  # type: ignore[index]
    for schedule in Schedule.objects.filter(service=service, service_at_location__isnull=True):
        windows.append(schedule.to_window(key=schedule.location_id or sole_location))
    closures = [
        closure.to_closure(key=closure.location_id)  # None for a service's closure: it closes every window
        for closure in Closure.objects.filter(service=service) | Closure.objects.filter(location_id__in=locations)
    ]
    return windows, closures, locations


def service_open_now(service: Service, at: dt.datetime) -> bool:
    windows, closures, _ = _windows_and_closures(service)
    return lib.is_open(windows, closures, at)


def service_open_at(service: Service, at: dt.datetime) -> list[NextOpening]:
    """The windows open at `at`, with their location (the "where is the desk now" answer)."""
    windows, closures, locations = _windows_and_closures(service)
    return [
        NextOpening(location=locations.get(o.key) if isinstance(o.key, int) else None, start=o.start, end=o.end)
        for o in lib.open_windows(windows, closures, at)
    ]


def service_next_openings(service: Service, after: dt.datetime, limit: int = 5) -> list[NextOpening]:
    """The next `limit` openings (location, start, end) starting at or after `after`, in time order."""
    windows, closures, locations = _windows_and_closures(service)
    return [
        NextOpening(location=locations.get(o.key) if isinstance(o.key, int) else None, start=o.start, end=o.end)
        for o in lib.next_openings(windows, closures, after, limit)
    ]


# --- Many services at once (the search's "open now" / "open on a day") ---------------------------------------
#
# Most schedules are the plain kind: weekly, every week, on named weekdays, at a place (a service-at-location).
# Whether such a row opens on a day, and at a wall-clock time, SQL can decide alone: the day is within its dates,
# its BYDAY names the weekday, its hours hold the time, and no closure of its service or of its place covers the
# day. Those rows never reach Python (at 20,000 services, reading and judging them one by one took 300 ms a
# search). The others (monthly rules, intervals, a weekly rule on its anchor's weekday, a service's own hours,
# whose place depends on how many it has) are read and judged in Python by trama.lib.schedules, as before. On
# the nights the clocks change a wall time is not one instant, so then every row is judged in Python.

_WINDOW_COLUMNS = ("opens_at", "closes_at", "freq", "byday", "bymonthday", "interval", "dtstart", "until",
                   "valid_from", "valid_to", "wkst")
# Rows whose occurrence on a day SQL decides exactly (with _may_occur_on): a weekly BYDAY names only weekdays.
_PLAIN = Q(freq=lib.WEEKLY, interval=1, service_at_location__isnull=False) & ~Q(byday="")


def _may_occur_on(day: dt.date, clock: dt.time | None = None) -> Q:
    """Schedules that may have an occurrence on `day`, open at local wall time `clock` if given (a superset: the
    rule itself is checked in Python, except for the _PLAIN rows, for which it is exact)."""
    code = lib.WEEKDAYS[day.weekday()]
    condition = (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(dtstart__isnull=True) | Q(dtstart__lte=day)) & (Q(until__isnull=True) | Q(until__gte=day))
        # A monthly rule or a weekly rule without BYDAY (its anchor's weekday) is decided in Python.
        & (Q(freq=lib.MONTHLY) | Q(byday="") | Q(byday__icontains=code))
    )
    if clock is not None:
        # Windows never cross midnight (closes_at > opens_at): the wall clock decides, on a day without a change
        # of the clocks (the callers check).
        second = clock.replace(microsecond=0, tzinfo=None)
        condition &= Q(opens_at__lte=second, closes_at__gt=second)
    return condition


def _clock_changes_on(day: dt.date) -> bool:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=lib.ROME)
    end = dt.datetime.combine(day, dt.time.max, tzinfo=lib.ROME)
    return start.utcoffset() != end.utcoffset()


def _day_windows(service_ids: Collection[int] | None, day: dt.date, clock: dt.time | None,
                 closed: list[tuple[Any, ...]], *, plain: bool,
                 ) -> tuple[dict[int, list[lib.Window]], dict[int, list[lib.Closure]]]:
    """The windows of these services (None: of every service) that may open on `day` (at local time `clock`, if
    given; not on a night the clocks change) and the closures (`closed`, from `_closures_on`) that apply to them,
    keyed as `_windows_and_closures` keys them — in three queries whatever the number of services.
    `plain=False` leaves out the _PLAIN rows (`_plain_open` answers for them)."""
    may_occur = _may_occur_on(day, None if clock is None or _clock_changes_on(day) else clock)
    at_places = Schedule.objects.filter(may_occur, service_at_location__isnull=False).order_by()
    if not plain:
        at_places = at_places.exclude(_PLAIN)
    own = Schedule.objects.filter(may_occur, service__isnull=False, service_at_location__isnull=True).order_by()
    if service_ids is not None:
        at_places = at_places.filter(in_ids("service_at_location__service_id", service_ids))
        own = own.filter(in_ids("service_id", service_ids))
    rows = [(False, row) for row in at_places.values_list(
        "service_at_location__service_id", "service_at_location__location_id", *_WINDOW_COLUMNS)]
    rows += [(True, row) for row in own.values_list("service_id", "location_id", *_WINDOW_COLUMNS)]
    # The places of the services with hours of their own: the key of those hours, and which location closures
    # reach them.
    places: dict[int, set[int]] = {}
    for service_id, location_id in ServiceAtLocation.objects.filter(
            service_id__in=own.values("service_id")).order_by().values_list("service_id", "location_id"):
        places.setdefault(service_id, set()).add(location_id)
    windows: dict[int, list[lib.Window]] = {}
    made: dict[tuple[Any, ...], lib.Window] = {}  # many rows share a rule: a Window is immutable, build it once
    for is_own, (service_id, location_id, *values) in rows:
        key = location_id
        if is_own and key is None:
            linked = places.get(service_id, set())
            key = next(iter(linked)) if len(linked) == 1 else None
        signature = (*values, key)
        if signature not in made:
            made[signature] = lib.Window(**dict(zip(_WINDOW_COLUMNS, values, strict=True)), key=key)
        windows.setdefault(service_id, []).append(made[signature])
    # Closures of the day: a service's closes all its windows; a location's, the windows keyed by that location
    # among the service's places (a service-at-location's window is at one of its places by definition).
    closures: dict[int, list[lib.Closure]] = {}
    closed_places: dict[int, list[lib.Closure]] = {}
    for service_id, location_id, start, end, reason in closed:
        if service_id is not None:
            if service_id in windows:
                closures.setdefault(service_id, []).append(lib.Closure(start=start, end=end, reason=reason))
        else:
            closed_places.setdefault(location_id, []).append(
                lib.Closure(start=start, end=end, reason=reason, key=location_id))
    if closed_places:
        for is_own, (service_id, location_id, *_values) in rows:
            linked = places.get(service_id, set()) if is_own else {location_id}
            for place in linked:
                for closure in closed_places.get(place, []):
                    if closure not in closures.get(service_id, []):
                        closures.setdefault(service_id, []).append(closure)
    return windows, closures


def _closures_on(day: dt.date) -> list[tuple[Any, ...]]:
    """(service_id, location_id, start, end, reason) of the closures covering `day` (a few, even at Christmas:
    one row per service or place)."""
    return list(Closure.objects.filter(start_date__lte=day, end_date__gte=day).order_by().values_list(
        "service_id", "location_id", "start_date", "end_date", "reason"))


def _plain_open(service_ids: Collection[int] | None, day: dt.date, clock: dt.time | None,
                closed: list[tuple[Any, ...]]) -> set[int]:
    """The services with a _PLAIN row open on `day` (at `clock`; not on a night the clocks change) that no
    closure of the day (`closed`) shuts: decided in SQL, one query."""
    rows = Schedule.objects.filter(_PLAIN, _may_occur_on(day, clock)).order_by()
    if service_ids is not None:
        rows = rows.filter(in_ids("service_at_location__service_id", service_ids))
    closed_services = sorted({service for service, _place, *_rest in closed if service is not None})
    closed_places = sorted({place for service, place, *_rest in closed if service is None})
    if closed_services:
        rows = rows.exclude(service_at_location__service_id__in=closed_services)
    if closed_places:
        rows = rows.exclude(service_at_location__location_id__in=closed_places)
    return set(rows.values_list("service_at_location__service_id", flat=True))


def open_service_ids(service_ids: Collection[int] | None, at: dt.datetime) -> set[int]:
    """Which of these services (None: of every service) are open at `at` (what `service_open_at(service, at)`
    says of each), in five queries whatever their number."""
    local = at.astimezone(lib.ROME)
    day, clock = local.date(), local.time()
    closed = _closures_on(day)
    by_sql = not _clock_changes_on(day)
    found = _plain_open(service_ids, day, clock, closed) if by_sql else set()
    windows, closures = _day_windows(service_ids, day, clock, closed, plain=not by_sql)
    found.update(pk for pk, windows_of in windows.items() if lib.is_open(windows_of, closures.get(pk, []), at))
    return found


def opening_service_ids(service_ids: Collection[int] | None, day: dt.date) -> set[int]:
    """Which of these services (None: of every service) open at some time on the local `day` (closures removed),
    in five queries whatever their number."""
    closed = _closures_on(day)
    found = _plain_open(service_ids, day, None, closed)
    windows, closures = _day_windows(service_ids, day, None, closed, plain=False)
    # bool(lib.openings_on(day, windows, closures)), without building the occurrences.
    found.update(
        pk for pk, windows_of in windows.items()
        if any(window.occurs_on(day) and not any(c.closes(window, day) for c in closures.get(pk, []))
               for window in windows_of)
    )
    return found
