"""When and where a service is open: the directory's schedules fed to trama.lib.schedules.

Which windows count for a service:
- the schedules of each service-at-location (the usual case; itinerant desks have one per place), at that place;
- the service's own schedules (HSDS service.schedules), at its only location if it has exactly one, else at no
  particular place (location None);
- a location's own opening hours are the building's, not the service's: they are not used here.
Closures of the service close every window; closures of a location close the windows at that location."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
