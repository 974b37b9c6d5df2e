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

_WINDOW_COLUMNS = ("opens_at", "closes_at", "freq", "byday", "bymonthday", "interval", "dtstart", "until",
                   "valid_from", "valid_to", "wkst")


def _may_occur_on(day: dt.date) -> Q:
    """Schedules that may have an occurrence on `day` (a superset: the rule itself is checked in Python)."""
    code = lib.WEEKDAYS[day.weekday()]
    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(dtstart__isnull=True) | Q(dtstart__lte=day)) & (Q(until__isnull=True) | Q(until__gte=day))
        # A monthly rule or a weekly rule without BYDAY (its anchor's weekday) is decided in Python.
        & (Q(freq=lib.MONTHLY) | Q(byday="") | Q(byday__icontains=code))
    )


def _clock_changes_on(day: dt.date) -> bool:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=lib.ROME)
    end = dt.datetime.combine(day, dt.time.max, tzinfo=lib.ROME)
    return start.utcoffset() != end.utcoffset()


def _day_windows(service_ids: Collection[int] | None, day: dt.date, clock: dt.time | None,
                 ) -> tuple[dict[int, list[lib.Window]], dict[int, list[lib.Closure]]]:
    """The windows of these services (None: of every service) that may open on `day` (at local time `clock`, if
    given) and the closures that apply to them, keyed as `_windows_and_closures` keys them — in four queries
    whatever the number of services."""
    may_occur = _may_occur_on(day)
    if clock is not None and not _clock_changes_on(day):
        # Windows never cross midnight (closes_at > opens_at), so the wall clock decides, except on the nights
        # the clocks change (a wall time is then not one instant): those days keep every window of the day.
        second = clock.replace(microsecond=0, tzinfo=None)
        may_occur &= Q(opens_at__lte=second, closes_at__gt=second)
    at_places = Schedule.objects.filter(may_occur, service_at_location__isnull=False)
    own = Schedule.objects.filter(may_occur, service__isnull=False, service_at_location__isnull=True)
    if service_ids is not None:
        at_places = at_places.filter(service_at_location__service_id__in=service_ids)
        own = own.filter(service_id__in=service_ids)
    rows = [(False, row) for row in at_places.values_list(
        "service_at_location__service_id", "service_at_location__location_id", *_WINDOW_COLUMNS)]
    rows += [(True, row) for row in own.values_list("service_id", "location_id", *_WINDOW_COLUMNS)]
    # The places of the services with hours of their own: the key of those hours, and which location closures
    # reach them.
    places: dict[int, set[int]] = {}
    for service_id, location_id in ServiceAtLocation.objects.filter(
            service_id__in=own.values("service_id")).values_list("service_id", "location_id"):
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
    for service_id, location_id, start, end, reason in Closure.objects.filter(
            start_date__lte=day, end_date__gte=day,
    ).values_list("service_id", "location_id", "start_date", "end_date", "reason"):
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


def open_service_ids(service_ids: Collection[int] | None, at: dt.datetime) -> set[int]:
    """Which of these services (None: of every service) are open at `at` (what `service_open_at(service, at)`
    says of each)."""
    local = at.astimezone(lib.ROME)
    windows, closures = _day_windows(service_ids, local.date(), local.time())
    return {pk for pk, found in windows.items() if lib.is_open(found, closures.get(pk, []), at)}


def opening_service_ids(service_ids: Collection[int] | None, day: dt.date) -> set[int]:
    """Which of these services (None: of every service) open at some time on the local `day` (closures removed)."""
    windows, closures = _day_windows(service_ids, day, None)
    # bool(lib.openings_on(day, windows, closures)), without building the occurrences.
    return {
        pk for pk, found in windows.items()
        if any(window.occurs_on(day) and not any(c.closes(window, day) for c in closures.get(pk, []))
               for window in found)
    }
