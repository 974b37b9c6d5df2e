"""Filters of the directory search: the validated parameters, the filters, distance and map markers.

Confidential addresses (shelters): a location flagged `confidential_address` takes part in the NIL filter, in
distance filtering/sorting and in map markers only for people who may see its address
(`access.can_see_confidential_address`); for everyone else it is as if it had no point and no NIL. Its municipio
is public (access.public_location_fields), so the municipio filter uses it for everyone. Distances are never
computed from a hidden point: a distance would let anyone triangulate the place."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from trama.directory import access, opening
from trama.directory.models import (
    Attribute,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from trama.directory.search.text import search_services
from trama.lib.schedules import ROME, WEEKDAYS

if TYPE_CHECKING:
    from trama.accounts.access import AnyUser

NEEDS_TAXONOMY = "bisogni"
EARTH_RADIUS_KM = 6371.0088
# Upper bound of the map: beyond it the markers are cut (the list still shows every result).
MAX_MARKERS = 2000
# Beyond this many services an IN condition takes a subquery rather than a list of ids (see _service_keys).
MAX_LISTED_KEYS = 30_000


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class SearchParams:
    """Validated search parameters (built by forms.SearchForm.to_params, or directly in code)."""

    text: str = ""
    need: str = ""  # TaxonomyTerm.code in the needs taxonomy; its descendants count too
    municipio: str = ""  # Area.code, "MI-M8"
    nil: str = ""  # Area.code, "MI-NIL-79"
    origin: Point | None = None  # from an address (geocoded) or a point
    radius_km: float | None = None  # only with origin; None: no limit, every located result sorted by distance
    age: int | None = None
    language: str = ""  # ISO 639 code
    open_now: bool = False
    weekday: str = ""  # "MO".."SU": open on the next such day
    no_residency: bool = False
    no_documents: bool = False
    free: bool = False


@dataclass
class SearchResult:
    services: QuerySet[Service]  # filtered and ordered (distance, else relevance, else name)
    distances: dict[int, float] = field(default_factory=dict)  # km to the nearest visible location, by service pk
    origin: Point | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def shows_point(user: AnyUser | None, location: Location) -> bool:
    """May this user see where the location is (its point and NIL)?"""
    return not location.confidential_address or access.can_see_confidential_address(user, location)


def term_with_descendants(code: str, taxonomy: str = NEEDS_TAXONOMY) -> set[int]:
    rows = list(TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).values_list("pk", "parent_id", "code"))
    root = next((pk for pk, _parent, term_code in rows if term_code == code), None)
    if root is None:
        return set()
    children: dict[int, list[int]] = {}
    for pk, parent, _code in rows:
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found, frontier = {root}, [root]
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in found]
        found.update(frontier)
    return found


def _services_at(locations: Any) -> Any:
    return ServiceAtLocation.objects.filter(location__in=locations).values("service_id")


def _db_filters(qs: QuerySet[Service], params: SearchParams, user: AnyUser | None) -> QuerySet[Service]:
    """The filters SQL answers. Each joins through `pk IN (subquery)` so no service appears twice."""
    if params.need:
        terms = term_with_descendants(params.need)
        qs = qs.filter(pk__in=Attribute.objects.filter(term_id__in=terms).values("service_id"))
    if params.municipio:
        qs = qs.filter(pk__in=_services_at(Location.objects.filter(municipio__code=params.municipio)))
    if params.nil:
        in_nil = [loc.pk for loc in Location.objects.filter(nil__code=params.nil).only(
            "pk", "confidential_address", "maintainer_id") if shows_point(user, loc)]
        qs = qs.filter(pk__in=_services_at(in_nil))
    if params.age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=params.age),
                       Q(maximum_age__isnull=True) | Q(maximum_age__gte=params.age))
    if params.language:
        code = params.language.lower()
        qs = qs.filter(
            Q(pk__in=Language.objects.filter(code=code, service__isnull=False).values("service_id"))
            | Q(pk__in=_services_at(Location.objects.filter(languages__code=code)))
        )
    if params.no_residency:
        qs = qs.filter(requires_residency=False)
    if params.no_documents:
        qs = qs.filter(requires_documents=False)
    if params.free:
        qs = qs.filter(is_free=True)
    return qs


def next_day_start(weekday: str, now: dt.datetime) -> dt.datetime:
    """Midnight (Europe/Rome) of the next `weekday`, today included."""
    today = now.astimezone(ROME).date()
    offset = (WEEKDAYS.index(weekday) - today.weekday()) % 7
    day = today + dt.timedelta(days=offset)
    return dt.datetime.combine(day, dt.time.min, tzinfo=ROME)


def _opening_filters(qs: QuerySet[Service], params: SearchParams, now: dt.datetime) -> QuerySet[Service]:
    """Open now / open on a weekday, through opening.py (each candidate's windows and closures)."""
    if not (params.open_now or params.weekday):
        return qs
    with_hours = qs.filter(
        Q(pk__in=Schedule.objects.filter(service__isnull=False).values("service_id"))
        | Q(pk__in=ServiceAtLocation.objects.filter(schedules__isnull=False).values("service_id"))
    )
    day_start = next_day_start(params.weekday, now) if params.weekday else None
    keep = []
    for service in with_hours.order_by():
        if params.open_now and not opening.service_open_at(service, now):
            continue
        if day_start is not None:
            first = opening.service_next_openings(service, day_start, limit=1)
            if not first or first[0].start.astimezone(ROME).date() != day_start.date():
                continue
        keep.append(service.pk)
    return qs.filter(pk__in=keep)


def _service_keys(qs: QuerySet[Service]) -> Any:
    """The services' keys for an `IN` condition: a list, fetched first, when it is not too long. With the
    full-text match inside an `IN (subquery)` SQLite's planner re-runs the match for every place (seconds on the
    demo); a list of ids (SQLite binds up to 32,766 parameters) avoids it. Longer results keep the subquery."""
    keys = list(qs.order_by().values_list("pk", flat=True)[:MAX_LISTED_KEYS + 1])
    return keys if len(keys) <= MAX_LISTED_KEYS else qs.order_by().values("pk")


def _distances(qs: QuerySet[Service], origin: Point, user: AnyUser | None,
               radius_km: float | None) -> dict[int, float]:
    """Distance from the origin to each service's nearest location whose point the user may see (within
    radius_km, if given)."""
    links = ServiceAtLocation.objects.filter(service__in=_service_keys(qs), location__latitude__isnull=False)
    if radius_km is not None:
        # A bounding box first, in SQL, so Python measures only the places that can be inside the circle.
        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
        links = links.filter(location__latitude__range=(origin.latitude - dlat, origin.latitude + dlat),
                             location__longitude__range=(origin.longitude - dlon, origin.longitude + dlon))
    links = (links
             .select_related("location").only("service_id", "location", "location__latitude", "location__longitude",
                                               "location__confidential_address", "location__maintainer_id"))
    nearest: dict[int, float] = {}
    for link in links:
        location = link.location
        if not shows_point(user, location):
            continue
        assert location.latitude is not None and location.longitude is not None
        km = haversine_km(origin.latitude, origin.longitude, location.latitude, location.longitude)
        if km < nearest.get(link.service_id, math.inf):
            nearest[link.service_id] = km
    return nearest


def run_search(qs: QuerySet[Service], params: SearchParams, *, user: AnyUser | None,
               now: dt.datetime | None = None) -> SearchResult:
    """Text search and filters over `qs` (already limited by the access policy)."""
    now = now or timezone.now()
    qs = _db_filters(qs, params, user)
    qs = search_services(qs, params.text)
    qs = _opening_filters(qs, params, now)
    if params.origin is None:
        if not params.text.strip():
            qs = qs.order_by("name", "pk")
        return SearchResult(services=qs)
    distances = _distances(qs, params.origin, user, params.radius_km)
    if params.radius_km is not None:
        distances = {pk: km for pk, km in distances.items() if km <= params.radius_km}
        qs = qs.filter(pk__in=list(distances))
    ordered = sorted(distances, key=lambda pk: (distances[pk], pk))
    # Results without a visible point (unlocated, online, confidential) come last, by name.
    position = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ordered)],
                    default=Value(len(ordered)), output_field=IntegerField())
    return SearchResult(services=qs.order_by(position, "name", "pk"), distances=distances, origin=params.origin)


def filter_services(qs: QuerySet[Service], params: SearchParams, *, user: AnyUser | None,
                    now: dt.datetime | None = None) -> QuerySet[Service]:
    """`run_search(...).services`: the filtered, ordered services."""
    return run_search(qs, params, user=user, now=now).services



def map_markers(services: QuerySet[Service], *, user: AnyUser | None,
                origin: Point | None = None) -> list[dict[str, Any]]:
    """One marker per (service, location) with a point the user may see, for the search map (JSON-safe)."""
    links = (ServiceAtLocation.objects
             .filter(service__in=_service_keys(services), location__latitude__isnull=False)
             .select_related("service", "location")
             .only("service", "service__name", "location", "location__name", "location__latitude",
                   "location__longitude", "location__address_text", "location__normalised_address",
                   "location__confidential_address", "location__maintainer_id")
             .order_by("service__name", "service_id", "location__name", "pk"))
    markers: list[dict[str, Any]] = []
    for link in links[:MAX_MARKERS * 2]:
        location = link.location
        if not shows_point(user, location):
            continue
        marker: dict[str, Any] = {
            "lat": round(float(location.latitude or 0), 6),
            "lon": round(float(location.longitude or 0), 6),
            "service": link.service.name,
            "location": location.name,
            "address": location.normalised_address or location.address_text,
        }
        if origin is not None:
            marker["km"] = round(haversine_km(origin.latitude, origin.longitude, marker["lat"], marker["lon"]), 2)
        markers.append(marker)
        if len(markers) >= MAX_MARKERS:
            break
    return markers
