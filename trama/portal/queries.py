"""What the public portal reads, always through the directory's public funnel.

Every query starts from `access.public_services()` / `access.public_service_at_locations()` (active and public
records only) and every place is rendered through `access.public_location_fields()`, so a confidential address
(shelters) never reaches a portal page, its map data or its PDF. The portal has no user: the search runs with
`user=None`, for which the directory search treats confidential places as having no point and no NIL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from trama.directory import access, opening
from trama.directory.models import (
    Attribute,
    Closure,
    Language,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from trama.directory.search import SearchParams, SearchResult, run_search
from trama.directory.search.filters import NEEDS_TAXONOMY, term_with_descendants
from trama.directory.search.maplayer import BBox, map_layer, pk_urls
from trama.portal import display
from trama.territory.models import Area, AreaKind
from trama.territory.selectors import HEAVY

# The needs term of the places where a family can ask for orientation (QuBì desks, community points…).
ACCESS_POINTS_TERM = "orientamento.punti-accesso"
# Milan's Municipi, 1 to 9: the URL number and the territory code ("MI-M8").
MUNICIPI = tuple(range(1, 10))
_LOCATION_AREAS_HEAVY = tuple(f"location__{area}__{column}" for area in ("municipio", "nil") for column in HEAVY)


def municipio_code(number: int) -> str:
    return f"MI-M{number}"


# --- Search ---------------------------------------------------------------------------------------


def public_services() -> QuerySet[Service]:
    return access.public_services().select_related("organisation")


def search(params: SearchParams | None) -> SearchResult:
    """The public search; no parameters: every public service, by name."""
    if params is None:
        return SearchResult(services=public_services().order_by("name", "pk"))
    return run_search(public_services(), params, user=None)


def _light_links() -> QuerySet[ServiceAtLocation]:
    return (ServiceAtLocation.objects.select_related("location", "location__municipio", "location__nil")
            .defer(*_LOCATION_AREAS_HEAVY).order_by("location__name", "pk"))


def with_places(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services with their places, for a results page (one more query whatever the page size)."""
    return services.prefetch_related(Prefetch("service_at_locations", queryset=_light_links()),
                                     Prefetch("required_documents", queryset=RequiredDocument.objects.only(
                                         "pk", "service_id", "kind")))


@dataclass
class ResultRow:
    service: Service
    name: display.Text
    summary: display.Text
    distance: float | None
    places: list[dict[str, Any]]
    badges: list[display.Badge]


def result_rows(services: list[Service], result: SearchResult, lang: str) -> list[ResultRow]:
    rows = []
    distances = result.distances_of(service.pk for service in services)
    for service in services:
        rows.append(ResultRow(
            service=service,
            name=display.translated(service, "name", lang),
            summary=display.translated(service, "description", lang).truncated(220),
            distance=distances.get(service.pk),
            places=[access.public_location_fields(link.location) for link in service.service_at_locations.all()],
            badges=display.badges(service),
        ))
    return rows


# The places the public may see on a map: located, and not confidential (public_location_fields gives no point
# for those). The services are public already (public_services).
PUBLIC_POINTS = Q(location__latitude__isnull=False, location__longitude__isnull=False,
                  location__confidential_address=False)


def map_data(services: QuerySet[Service], lang: str, bbox: BBox | None = None) -> dict[str, Any]:
    """The search map of these services (see trama.directory.search.maplayer): their public places as points, or
    per-NIL counts when there are many; JSON-safe. Names in the page's language."""
    layer = map_layer(services, visible=PUBLIC_POINTS, bbox=bbox)
    # The names in the page's language: one light row per service on the map.
    names = {service.pk: str(display.translated(service, "name", lang))
             for service in Service.objects.filter(pk__in={row.service_id for row in layer.points})
             .only("pk", "name", "translations")}
    url = pk_urls("portal:service")
    return layer.as_json(lambda row: {"lat": row.latitude, "lon": row.longitude, "service": names[row.service_id],
                                      "place": row.place, "address": row.address, "url": url(row.service_id)})


def need_terms() -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY)
                .only("pk", "code", "name", "labels", "parent_id", "position").order_by("position", "code"))


# --- One service ----------------------------------------------------------------------------------


def get_public_service(pk: int) -> Service:
    service = public_services().select_related("program").filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


@dataclass
class Place:
    fields: dict[str, Any]
    week: display.Week
    phones: list[Phone]


@dataclass
class ServicePage:
    service: Service
    places: list[Place]
    general_week: display.Week
    phones: list[Phone]
    languages: list[display.SpokenLanguage]
    needs: list[str]
    target_groups: list[str]
    documents: list[dict[str, str]]
    costs: list[str]
    areas: list[str]
    open_now: list[opening.NextOpening]
    upcoming: list[opening.NextOpening]
    points: list[dict[str, Any]] = field(default_factory=list)
    closures: list[display.ClosureRow] = field(default_factory=list)

    @property
    def has_phone(self) -> bool:
        return bool(self.phones) or any(place.phones for place in self.places)


def _public_phones(phones: list[Phone]) -> list[Phone]:
    """The numbers the portal shows as links to call: a fax or a pager is not one a family can call."""
    return [phone for phone in phones if phone.callable_by_family]


def service_page(service: Service, lang: str, now: dt.datetime | None = None) -> ServicePage:
    now = now or timezone.now()
    links = list(
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location", "location__municipio", "location__nil")
        .defer(*_LOCATION_AREAS_HEAVY)
        .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
                          Prefetch("phones", queryset=Phone.objects.order_by("pk")),
                          Prefetch("location__phones", queryset=Phone.objects.order_by("pk")),
                          Prefetch("location__languages", queryset=Language.objects.order_by("code")))
    )
    own = list(service.schedules.filter(service_at_location__isnull=True).order_by("opens_at", "pk"))
    places, points = [], []
    for link in links:
        fields = access.public_location_fields(link.location)
        # A service's own hours belong to its only place, or to the place they name (as opening.py reads them).
        schedules = list(link.schedules.all()) + [
            s for s in own if s.location_id == link.location_id or (s.location_id is None and len(links) == 1)
        ]
        phones = list(link.phones.all())
        if not link.location.confidential_address:
            phones += list(link.location.phones.all())
        places.append(Place(fields=fields, week=display.week(schedules), phones=_public_phones(phones)))
        if fields["latitude"] is not None and fields["longitude"] is not None:
            points.append({"lat": fields["latitude"], "lon": fields["longitude"], "place": fields["name"],
                           "address": fields["address"] or "", "service": "", "url": ""})
    # Hours that belong to no particular place (a service offered at several places, or at none).
    general = display.week([s for s in own if s.location_id is None and len(links) != 1])

    languages: dict[str, display.SpokenLanguage] = {}
    for language in service.languages.order_by("code"):
        languages.setdefault(language.code, display.spoken_language(language))
    for link in links:
        if link.location.confidential_address:
            continue
        for language in link.location.languages.all():
            languages.setdefault(language.code, display.spoken_language(language))

    attributes = (Attribute.objects.filter(service=service, term__taxonomy__code=NEEDS_TAXONOMY)
                  .select_related("term").order_by("term__position", "term__code"))
    areas = [area.name or (area.area.name if area.area is not None else "")
             for area in service.service_areas.select_related("area").defer(
                 *(f"area__{column}" for column in HEAVY))]
    return ServicePage(
        service=service,
        places=places,
        general_week=general,
        phones=_public_phones(list(service.phones.order_by("pk"))),
        languages=sorted(languages.values(), key=lambda item: item.name.casefold()),
        needs=[attribute.term.label(lang) for attribute in attributes],
        target_groups=[group.label(lang) for group in service.target_groups.order_by("position", "code")],
        documents=[display.document(document) for document in service.required_documents.order_by("pk")],
        costs=[display.cost(option) for option in service.cost_options.order_by("pk")],
        areas=[name for name in areas if name],
        open_now=opening.service_open_at(service, now),
        upcoming=opening.service_next_openings(service, now, limit=3),
        points=points,
        closures=_closures_ahead(service, links, timezone.localdate(now)),
    )


CLOSURES_AHEAD_DAYS = 60  # how far ahead the service page announces closures ("chiuso per ferie")


def _closures_ahead(service: Service, links: list[ServiceAtLocation], today: dt.date) -> list[display.ClosureRow]:
    """The closures of the service, and of its places, under way or starting within CLOSURES_AHEAD_DAYS: the
    weekly hours alone would send a family to a desk closed for the holidays."""
    horizon = today + dt.timedelta(days=CLOSURES_AHEAD_DAYS)
    names = {link.location_id: link.location.name for link in links}
    confidential = {link.location_id for link in links if link.location.confidential_address}
    rows = Closure.objects.filter(Q(service=service) | Q(location_id__in=names), end_date__gte=today,
                                  start_date__lte=horizon).order_by("start_date", "pk")
    # A confidential place's closure: its days only, not the reason staff wrote for it.
    return [display.closure_row(closure, names.get(closure.location_id, "") if closure.location_id else "",
                                with_reason=closure.location_id not in confidential)
            for closure in rows]


def _closures_by_owner(links: list[ServiceAtLocation], today: dt.date) -> dict[tuple[str, int], list[Closure]]:
    """The closures under way or starting within CLOSURES_AHEAD_DAYS of these links' services and places, by
    ("service", id) or ("location", id), in one query."""
    if not links:
        return {}
    horizon = today + dt.timedelta(days=CLOSURES_AHEAD_DAYS)
    rows = Closure.objects.filter(Q(service_id__in={link.service_id for link in links})
                                  | Q(location_id__in={link.location_id for link in links}),
                                  end_date__gte=today, start_date__lte=horizon)
    found: dict[tuple[str, int], list[Closure]] = {}
    for closure in rows:
        key = ("service", closure.service_id) if closure.service_id else ("location", closure.location_id)
        found.setdefault(key, []).append(closure)  # type: ignore[arg-type]
    return found


# --- Municipi and their access points ---------------------------------------------------------------


def municipio(number: int) -> Area:
    if number not in MUNICIPI:
        raise Http404
    area = (Area.objects.filter(kind=AreaKind.MUNICIPIO, code=municipio_code(number))
            .defer(*HEAVY, "demographics").first())
    if area is None:
        raise Http404
    return area


def _ancestors(area: Area) -> list[int]:
    ids, parent_id = [], area.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Area.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


@dataclass
class AccessPoint:
    service: Service
    name: display.Text
    organisation: str
    place: dict[str, Any]
    week: display.Week
    when: list[str]
    phones: list[Phone]
    note: display.Text
    closures: list[display.ClosureRow] = field(default_factory=list)


def access_points(area: Area, lang: str, today: dt.date | None = None) -> list[AccessPoint]:
    """The public places where families of this Municipio can ask for orientation: the services classified under
    ACCESS_POINTS_TERM (or below it), at a place in the Municipio or serving an area that covers it."""
    terms = term_with_descendants(ACCESS_POINTS_TERM)
    services = Attribute.objects.filter(term_id__in=terms).values("service_id")
    covering = ServiceArea.objects.filter(area_id__in=[area.pk, *_ancestors(area)]).values("service_id")
    # A service serving the Municipio is listed at its places in the Municipio; at all its places only when it
    # has none there (a city-wide desk in Via Padova is not one of Municipio 8's access points if it has one in
    # Municipio 8 too).
    here = access.public_service_at_locations().filter(location__municipio=area)
    links = (
        access.public_service_at_locations()
        .filter(service__in=services)
        .filter(Q(location__municipio=area)
                | (Q(service__in=covering) & ~Q(service__in=here.values("service_id"))))
        .select_related("service__organisation")
        .defer(*_LOCATION_AREAS_HEAVY)
        .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
                          Prefetch("phones", queryset=Phone.objects.order_by("pk")),
                          Prefetch("location__phones", queryset=Phone.objects.order_by("pk")),
                          Prefetch("service__phones", queryset=Phone.objects.order_by("pk")),
                          Prefetch("service__schedules",
                                   queryset=Schedule.objects.filter(service_at_location__isnull=True)
                                   .order_by("opens_at", "pk")),
                          Prefetch("service__service_at_locations", queryset=ServiceAtLocation.objects.only(
                              "pk", "service_id", "location_id")))
    )
    listed = list(links)
    closures = _closures_by_owner(listed, today or timezone.localdate())
    points = []
    for link in listed:
        service = link.service
        schedules = list(link.schedules.all())
        if not schedules:  # the service's own hours: those of this place, or all of them at its only place
            alone = len(service.service_at_locations.all()) == 1
            schedules = [s for s in service.schedules.all()
                         if s.location_id == link.location_id or (s.location_id is None and alone)]
        # The desk's own numbers, else the place's (never a confidential one's), else the service's.
        phones = list(link.phones.all())
        if not phones and not link.location.confidential_address:
            phones = list(link.location.phones.all())
        phones = _public_phones(phones or list(service.phones.all()))
        note = (display.italian(link.description, lang) if link.description
                else display.translated(service, "application_process", lang))
        week = display.week(schedules)
        points.append(AccessPoint(
            service=service,
            name=display.translated(service, "name", lang),
            organisation=service.organisation.name,
            place=access.public_location_fields(link.location),
            week=week,
            when=week.lines(),
            phones=phones,
            note=note,
            # The service's closures and this place's, as on the service page; a confidential place's without the
            # reason staff wrote for it.
            closures=[display.closure_row(c, with_reason=not (c.location_id and link.location.confidential_address))
                      for c in sorted([*closures.get(("service", service.pk), []),
                                       *closures.get(("location", link.location_id), [])],
                                      key=lambda c: (c.start_date, c.pk))],
        ))
    points.sort(key=lambda p: (str(p.name).casefold(), p.week.first_day, str(p.place["name"]).casefold()))
    return points


def municipi_with_counts() -> list[dict[str, Any]]:
    """The nine Municipi, each with its number of public access points (for the index page)."""
    areas = {a.code: a for a in Area.objects.filter(kind=AreaKind.MUNICIPIO,
                                                      code__in=[municipio_code(n) for n in MUNICIPI])
             .only("pk", "code", "name")}
    return [{"number": n, "area": areas.get(municipio_code(n))} for n in MUNICIPI]
