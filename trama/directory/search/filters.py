"""Filters of the directory search: the validated parameters, the filters, distance and map markers.

Confidential addresses (shelters): a location flagged `confidential_address` takes part in the NIL filter, in
distance filtering/sorting and in map markers only for people who may see its address
(`access.can_see_confidential_address`); for everyone else it is as if it had no point and no NIL. Its municipio
is public (access.public_location_fields), so the municipio filter uses it for everyone. Distances are never
computed from a hidden point: a distance would let anyone triangulate the place."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from trama.accounts.access import grants_of, is_city_wide
from trama.core.sql import in_ids
from trama.directory import access, opening
from trama.directory.models import (
    Attribute,
    Language,
    Location,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from trama.directory.models.details import PAPERS_DOCUMENTS, RESIDENCY_DOCUMENTS
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
# Up to this many candidates "open now / on a day" reads the windows of those services only, else of every one.
MAX_OPENING_KEYS = 5000
DISTANCE = "search_distance2"  # annotation of distance-ordered results: squared degrees to the nearest point


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
    # km to the nearest visible location, by service pk (computed when asked: `Distances`)
    distances: Mapping[int, float] = field(default_factory=dict)
    origin: Point | None = None

    def distances_of(self, pks: Iterable[int]) -> dict[int, float]:
        """km to these services (a results page) that have a visible point, read at once."""
        if isinstance(self.distances, Distances):
            return self.distances.of(pks)
        return {pk: self.distances[pk] for pk in pks if pk in self.distances}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _km_to(origin: Point, latitude: float | None, longitude: float | None) -> float:
    assert latitude is not None and longitude is not None  # the queries keep located places only
    return haversine_km(origin.latitude, origin.longitude, latitude, longitude)


def shows_point(user: AnyUser | None, location: Location) -> bool:
    """May this user see where the location is (its point and NIL)?"""
    return not location.confidential_address or access.can_see_confidential_address(user, location)


def confidential_maintainers(user: AnyUser | None) -> set[int] | None:
    """`shows_point` for many places at once: the organisations whose confidential places the user may see
    (access.can_see_confidential_address: the maintaining organisation's people), None for every one (city-wide
    roles)."""
    if is_city_wide(user):
        return None
    return {grant.organisation_id for grant in grants_of(user)}


def visible_point(user: AnyUser | None, prefix: str = "location__") -> Q:
    """Places (through `prefix`) with a point the user may see: `shows_point` in SQL."""
    located = Q(**{f"{prefix}latitude__isnull": False, f"{prefix}longitude__isnull": False})
    maintainers = confidential_maintainers(user)
    if maintainers is None:
        return located
    return located & (Q(**{f"{prefix}confidential_address": False})
                      | Q(**{f"{prefix}maintainer_id__in": sorted(maintainers)}))


def term_with_descendants(code: str, taxonomy: str = NEEDS_TAXONOMY) -> set[int]:
    """The ids of the term with this code and of every term below it, at any depth."""
    rows = list(TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).values_list("pk", "parent_id", "code"))
    root = next((pk for pk, _parent, term_code in rows if term_code == code), None)
    return set() if root is None else _subtree(root, [(pk, parent) for pk, parent, _code in rows])


def term_ids_below(term: TaxonomyTerm) -> set[int]:
    """The ids of this term and of every term below it, at any depth (its taxonomy's tree)."""
    return _subtree(term.pk, list(TaxonomyTerm.objects.filter(taxonomy_id=term.taxonomy_id)
                                  .values_list("pk", "parent_id")))


def _subtree(root: int, rows: list[tuple[int, int | None]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pk, parent in rows:
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
        # A place in the Municipio, or an area served that is the Municipio or one of its NILs (a phone line, an
        # online desk, home visits for its residents). A city-wide area is left out: it would list every such
        # service under every Municipio.
        served = ServiceArea.objects.filter(Q(area__code=params.municipio) | Q(area__parent__code=params.municipio))
        qs = qs.filter(Q(pk__in=_services_at(Location.objects.filter(municipio__code=params.municipio)))
                       | Q(pk__in=served.values("service_id")))
    if params.nil:
        in_nil = [loc.pk for loc in Location.objects.filter(nil__code=params.nil).only(
            "pk", "confidential_address", "maintainer_id") if shows_point(user, loc)]
        qs = qs.filter(pk__in=_services_at(in_nil))
    if params.age is not None:
        qs = qs.filter(_for_age(params.age))
    if params.language:
        code = params.language.lower()
        qs = qs.filter(
            Q(pk__in=Language.objects.filter(code=code, service__isnull=False).values("service_id"))
            | Q(pk__in=_services_at(Location.objects.filter(languages__code=code)))
        )
    if params.no_residency:
        qs = qs.filter(requires_residency=False).exclude(pk__in=_asking_for(RESIDENCY_DOCUMENTS))
    if params.no_documents:
        qs = qs.filter(requires_documents=False).exclude(pk__in=_asking_for(PAPERS_DOCUMENTS))
    if params.free:
        qs = qs.filter(is_free=True)
    return qs


def _asking_for(kinds: Iterable[str]) -> QuerySet[Any]:
    return RequiredDocument.objects.filter(kind__in=list(kinds)).values("service_id")


def _covers(age: int, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}minimum_age__isnull": True}) | Q(**{f"{prefix}minimum_age__lte": age})) & (
        Q(**{f"{prefix}maximum_age__isnull": True}) | Q(**{f"{prefix}maximum_age__gte": age}))


def _for_age(age: int) -> Q:
    """Services for a person of this age: by the service's own ages when it states them; otherwise by its target
    groups that are age bands (0-3, 6-14…: at least one covers the age), or for anyone when it has none."""
    explicit = Q(minimum_age__isnull=False) | Q(maximum_age__isnull=False)
    links = Service.target_groups.through.objects
    banded = Q(targetgroup__minimum_age__isnull=False) | Q(targetgroup__maximum_age__isnull=False)
    with_bands = links.filter(banded).values("service_id")
    covering = links.filter(banded, _covers(age, "targetgroup__")).values("service_id")
    return (explicit & _covers(age)) | (~explicit & (~Q(pk__in=with_bands) | Q(pk__in=covering)))


def next_day_start(weekday: str, now: dt.datetime) -> dt.datetime:
    """Midnight (Europe/Rome) of the next `weekday`, today included."""
    today = now.astimezone(ROME).date()
    offset = (WEEKDAYS.index(weekday) - today.weekday()) % 7
    day = today + dt.timedelta(days=offset)
    return dt.datetime.combine(day, dt.time.min, tzinfo=ROME)


def _opening_filters(qs: QuerySet[Service], params: SearchParams, now: dt.datetime) -> QuerySet[Service]:
    """Open now / open on a weekday, through opening.py: SQL decides the plain weekly rows and keeps the other
    schedules that may open then, Python decides on those (in a few queries whatever the number of
    candidates)."""
    if not (params.open_now or params.weekday):
        return qs
    # Few candidates (a text search): only their schedules are read; more: the day's schedules of every
    # service, which costs less than binding a long list of ids.
    keys = list(qs.order_by().values_list("pk", flat=True)[:MAX_OPENING_KEYS + 1])
    candidates = keys if len(keys) <= MAX_OPENING_KEYS else None
    keep: set[int] | None = None
    if params.open_now:
        keep = opening.open_service_ids(candidates, now)
    if params.weekday:
        on_day = opening.opening_service_ids(candidates, next_day_start(params.weekday, now).date())
        keep = on_day if keep is None else keep & on_day
    # The list bound below is at most as long as the open services.
    return qs.filter(in_ids("pk", keep or ()))


def _service_keys(qs: QuerySet[Service], field: str = "service_id") -> Q:
    """`field` among the services of `qs`: a list of their ids, fetched first, when it is not too long. With the
    full-text match inside an `IN (subquery)` SQLite's planner re-runs the match for every place (seconds on the
    demo); a list of ids (bound as one parameter, `in_ids`) avoids it. Longer results keep the subquery."""
    keys = list(qs.order_by().values_list("pk", flat=True)[:MAX_LISTED_KEYS + 1])
    if len(keys) <= MAX_LISTED_KEYS:
        return Q(in_ids(field, keys))
    return Q(**{f"{field}__in": qs.order_by().values("pk")})


def _distances(qs: QuerySet[Service] | None, origin: Point, visible: Q, radius_km: float | None) -> dict[int, float]:
    """Distance from the origin to each service's nearest location whose point the user may see (within
    radius_km, if given); `qs=None`: of every service with such a point in the radius."""
    # No order: the model's (by service name, then place name) would join the services and sort every place.
    links = ServiceAtLocation.objects.filter(visible).order_by()
    if qs is not None:
        links = links.filter(_service_keys(qs))
    if radius_km is not None:
        # A bounding box first, in SQL, so Python measures only the places that can be inside the circle.
        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
        links = links.filter(location__latitude__range=(origin.latitude - dlat, origin.latitude + dlat),
                             location__longitude__range=(origin.longitude - dlon, origin.longitude + dlon))
    nearest: dict[int, float] = {}
    for service_id, latitude, longitude in links.values_list("service_id", "location__latitude",
                                                             "location__longitude"):
        km = _km_to(origin, latitude, longitude)
        if (radius_km is None or km <= radius_km) and km < nearest.get(service_id, math.inf):
            nearest[service_id] = km
    return nearest


class Distances(Mapping[int, float]):
    """km from the origin to a result's nearest visible location, computed for the services asked about (a
    results page, in one query: `of`) rather than for every result. Iterating computes them all."""

    def __init__(self, services: QuerySet[Service], origin: Point, visible: Q,
                 within: dict[int, float] | None = None, radius_km: float | None = None) -> None:
        self._services, self._origin, self._visible, self._radius_km = services, origin, visible, radius_km
        self._within = within  # with a radius: every service within it (not only the results)
        self._known: dict[int, float | None] = {}
        self._all: dict[int, float] | None = None

    def _load(self, pks: list[int]) -> None:
        """Read the distances of these services, not yet known, in one query."""
        nearest: dict[int, float] = {}
        points = (ServiceAtLocation.objects.filter(self._visible, in_ids("service_id", pks)).order_by()
                  .values_list("service_id", "location__latitude", "location__longitude"))
        for service_id, latitude, longitude in points:
            km = _km_to(self._origin, latitude, longitude)
            if km < nearest.get(service_id, math.inf):
                nearest[service_id] = km
        self._known.update({pk: nearest.get(pk) for pk in pks})

    def _lookup(self, pk: int) -> float | None:
        if self._within is not None:
            return self._within.get(pk)
        if pk not in self._known:
            self._load([pk])
        return self._known[pk]

    def of(self, pks: Iterable[int]) -> dict[int, float]:
        """`{pk: km}` for these services (those with a visible point), in one query for those not yet known."""
        wanted = list(dict.fromkeys(pks))
        if self._within is None:
            unknown = [pk for pk in wanted if pk not in self._known]
            if unknown:
                self._load(unknown)
        found = {pk: self._lookup(pk) for pk in wanted}
        return {pk: km for pk, km in found.items() if km is not None}

    def __getitem__(self, pk: int) -> float:
        km = self._lookup(pk) if isinstance(pk, int) else None
        if km is None:
            raise KeyError(pk)
        return km

    def _every(self) -> dict[int, float]:
        if self._all is None:
            self._all = _distances(self._services, self._origin, self._visible, self._radius_km)
        return self._all

    def __iter__(self) -> Iterator[int]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())


def _squared_degrees(origin: Point, prefix: str = "location__") -> ExpressionWrapper:
    """Equirectangular squared distance from the origin (in degrees of latitude): enough to order places within
    a city; the km shown are the exact haversine ones."""
    scale = math.cos(math.radians(origin.latitude))
    dlat = F(f"{prefix}latitude") - Value(origin.latitude)
    dlon = (F(f"{prefix}longitude") - Value(origin.longitude)) * Value(scale)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def run_search(qs: QuerySet[Service], params: SearchParams, *, user: AnyUser | None,
               now: dt.datetime | None = None) -> SearchResult:
    """Text search and filters over `qs` (already limited by the access policy)."""
    now = now or timezone.now()
    qs = _db_filters(qs, params, user)
    qs = search_services(qs, params.text)
    qs = _opening_filters(qs, params, now)
    origin = params.origin
    if origin is None:
        if not params.text.strip():
            qs = qs.order_by("name", "pk")
        return SearchResult(services=qs)
    visible = visible_point(user)
    within = None
    if params.radius_km is not None:
        within = _distances(None, origin, visible, params.radius_km)
        qs = qs.filter(in_ids("pk", within))
    results = qs  # before the distance annotation
    nearest = (ServiceAtLocation.objects.filter(visible, service=OuterRef("pk"))
               .annotate(d2=_squared_degrees(origin)).order_by("d2").values("d2")[:1])
    qs = qs.annotate(**{DISTANCE: Subquery(nearest, output_field=FloatField())})
    # Results without a visible point (unlocated, online, confidential) come last, by name.
    qs = qs.order_by(F(DISTANCE).asc(nulls_last=True), "name", "pk")
    return SearchResult(services=qs, origin=origin,
                        distances=Distances(results, origin, visible, within, params.radius_km))


def filter_services(qs: QuerySet[Service], params: SearchParams, *, user: AnyUser | None,
                    now: dt.datetime | None = None) -> QuerySet[Service]:
    """`run_search(...).services`: the filtered, ordered services."""
    return run_search(qs, params, user=user, now=now).services
