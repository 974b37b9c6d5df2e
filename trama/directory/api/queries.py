"""What the HSDS API publishes, and its filters.

Public records only (trama.directory.access): active and public services; the links of those services to their
locations; organisations that run at least one public service; the taxonomies (a public vocabulary).
Distance filters never use the position of a location with a confidential address (profile §4.1 rule 4): such
locations are left out of distance and postcode matching altogether.

Distances are computed in SQL on both SQLite and PostgreSQL with the equirectangular approximation around the query
point (error well under 0.1 % at city scale), so they can be filtered and ordered by the database and paginated.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Avg, Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value

from trama.directory import access
from trama.directory.api import ids
from trama.directory.api.params import Proximity
from trama.directory.models import Attribute, Location, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from trama.directory.search.filters import term_ids_below
from trama.network.models import Organisation

# Metres per degree of latitude (mean Earth radius 6,371,008.8 m).
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180
DISTANCE = "hsds_distance2"  # annotation: squared distance in degrees of latitude

SearchFunction = Callable[[QuerySet[Service], str], QuerySet[Service]]


@dataclass(frozen=True)
class Filters:
    search: str | None = None
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None  # aware
    postcode: str | None = None
    proximity: Proximity | None = None


# --- what is public ---------------------------------------------------------------------------------------------


def public_services() -> QuerySet[Service]:
    return access.public_services()


def public_links() -> QuerySet[ServiceAtLocation]:
    return access.public_service_at_locations()


def public_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(Exists(public_services().filter(organisation=OuterRef("pk"))))


# --- search -----------------------------------------------------------------------------------------------------


def _search_function() -> SearchFunction | None:
    """``trama.directory.search.search_services(qs, text)`` when that module exists (full-text, Italian)."""
    try:
        module = importlib.import_module("trama.directory.search")
    except ModuleNotFoundError as error:
        if error.name == "trama.directory.search":
            return None
        raise
    function = getattr(module, "search_services", None)
    return cast("SearchFunction | None", function)


def _fallback_search(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Substring match on the service's names and description, its organisation and its taxonomy terms."""
    terms = Attribute.objects.filter(service=OuterRef("pk")).filter(
        Q(term__name__icontains=text) | Q(term__parent__name__icontains=text)
    )
    return services.filter(
        Q(name__icontains=text) | Q(alternate_name__icontains=text) | Q(description__icontains=text)
        | Q(organisation__name__icontains=text) | Q(organisation__short_name__icontains=text) | Exists(terms)
    )


def search(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    """The services of ``services`` matching ``text``: ranked best first by the directory's full-text search when
    it is installed, else a substring match ordered by name."""
    function = _search_function()
    if function is None:
        return _fallback_search(services, text).order_by("name", "pk")
    return function(services, text)


def matching_services(text: str) -> QuerySet[Service]:
    """Public services matching the search text (for filters that need a subquery)."""
    return search(public_services(), text).order_by()


# --- distance ---------------------------------------------------------------------------------------------------


def _point(proximity: Proximity, postcode: str | None) -> tuple[float, float] | None:
    if proximity.latitude is not None and proximity.longitude is not None:
        return proximity.latitude, proximity.longitude
    # The published places with that postcode: not those of hidden services, nor places no service uses.
    centroid = Location.objects.filter(
        postcode__iexact=postcode or "", confidential_address=False, latitude__isnull=False,
        pk__in=public_links().values("location_id"),
    ).aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centroid["latitude"] is None:
        return None
    return centroid["latitude"], centroid["longitude"]


def _distance2(prefix: str, latitude: float, longitude: float) -> ExpressionWrapper:
    scale = math.cos(math.radians(latitude))
    dlat = F(f"{prefix}latitude") - Value(latitude)
    dlon = (F(f"{prefix}longitude") - Value(longitude)) * Value(scale)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def _within(queryset: QuerySet[Any], proximity: Proximity) -> QuerySet[Any]:
    if proximity.metres is not None:
        # A missing distance is not ≤ anything: one condition, so the distance subquery runs once less.
        return queryset.filter(**{f"{DISTANCE}__lte": (proximity.metres / METRES_PER_DEGREE) ** 2})
    return queryset.filter(**{f"{DISTANCE}__isnull": False})


# --- services ---------------------------------------------------------------------------------------------------


def _term_links(term_id: uuid.UUID) -> QuerySet[Attribute]:
    """Attributes of a term or of the terms below it, at any depth (a need includes its sub-needs)."""
    term = TaxonomyTerm.objects.filter(hsds_id=term_id).first()
    if term is None:
        return Attribute.objects.none()
    return Attribute.objects.filter(term_id__in=term_ids_below(term))


def filter_services(services: QuerySet[Service], filters: Filters) -> QuerySet[Service] | None:
    """Apply the HSDS filters; None means "certainly nothing" (e.g. an unknown organisation id)."""
    if filters.search and filters.proximity is not None:
        services = services.filter(pk__in=matching_services(filters.search).values("pk"))
    if filters.taxonomy_term_id is not None:
        services = services.filter(Exists(_term_links(filters.taxonomy_term_id).filter(service=OuterRef("pk"))))
    if filters.taxonomy_id is not None:
        services = services.filter(Exists(Attribute.objects.filter(
            service=OuterRef("pk"), term__taxonomy__hsds_id=filters.taxonomy_id)))
    if filters.organization_id is not None:
        pk = ids.organisation_pk(filters.organization_id)
        if pk is None:
            return None
        services = services.filter(organisation_id=pk)
    if filters.modified_after is not None:
        services = services.filter(updated_at__gte=filters.modified_after)
    public_places = ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__confidential_address=False)
    if filters.proximity is not None:
        point = _point(filters.proximity, filters.postcode)
        if point is None:
            return None
        if filters.proximity.latitude is not None and filters.postcode:
            services = services.filter(Exists(public_places.filter(location__postcode__iexact=filters.postcode)))
        if filters.proximity.metres is not None:
            # A bounding box first (it holds the whole circle): the distance subquery then runs only for the
            # services with a place near enough.
            dlat = filters.proximity.metres / METRES_PER_DEGREE
            dlon = dlat / max(math.cos(math.radians(point[0])), 0.01)
            # Not correlated: one pass over the places, rather than a probe for every service.
            services = services.filter(pk__in=ServiceAtLocation.objects.filter(
                location__confidential_address=False,
                location__latitude__range=(point[0] - dlat, point[0] + dlat),
                location__longitude__range=(point[1] - dlon, point[1] + dlon)).values("service_id"))
        nearest = public_places.filter(location__latitude__isnull=False).annotate(
            d=_distance2("location__", *point)).order_by("d").values("d")[:1]
        services = _within(services.annotate(**{DISTANCE: Subquery(nearest, output_field=FloatField())}),
                           filters.proximity)
        return services.order_by(DISTANCE, "name", "pk")
    if filters.postcode:
        services = services.filter(Exists(public_places.filter(location__postcode__iexact=filters.postcode)))
    if filters.search:
        return search(services, filters.search)  # best match first
    return services.order_by("name", "pk")


# --- service at locations ---------------------------------------------------------------------------------------


def filter_links(links: QuerySet[ServiceAtLocation], filters: Filters) -> QuerySet[ServiceAtLocation] | None:
    if filters.search:
        links = links.filter(service__in=matching_services(filters.search).values("pk"))
    if filters.taxonomy_term_id is not None:
        links = links.filter(Exists(_term_links(filters.taxonomy_term_id).filter(service=OuterRef("service"))))
    if filters.taxonomy_id is not None:
        links = links.filter(Exists(Attribute.objects.filter(
            service=OuterRef("service"), term__taxonomy__hsds_id=filters.taxonomy_id)))
    if filters.organization_id is not None:
        pk = ids.organisation_pk(filters.organization_id)
        if pk is None:
            return None
        links = links.filter(service__organisation_id=pk)
    if filters.modified_after is not None:
        links = links.filter(Q(service__updated_at__gte=filters.modified_after)
                             | Q(location__updated_at__gte=filters.modified_after)
                             | Q(created_at__gte=filters.modified_after))
    if filters.postcode and (filters.proximity is None or filters.proximity.latitude is not None):
        links = links.filter(location__postcode__iexact=filters.postcode, location__confidential_address=False)
    if filters.proximity is not None:
        point = _point(filters.proximity, filters.postcode)
        if point is None:
            return None
        links = links.filter(location__confidential_address=False, location__latitude__isnull=False)
        links = _within(links.annotate(**{DISTANCE: _distance2("location__", *point)}), filters.proximity)
        return links.order_by(DISTANCE, "service__name", "location__name", "pk")
    return links.order_by("service__name", "location__name", "pk")


# --- organisations ----------------------------------------------------------------------------------------------


def filter_organisations(organisations: QuerySet[Organisation], filters: Filters) -> QuerySet[Organisation]:
    if filters.search:
        text = filters.search
        organisations = organisations.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(description__icontains=text))
    if filters.taxonomy_term_id is not None:
        tagged = _term_links(filters.taxonomy_term_id).filter(service__in=public_services())
        organisations = organisations.filter(Exists(tagged.filter(service__organisation=OuterRef("pk"))))
    if filters.taxonomy_id is not None:
        tagged = Attribute.objects.filter(service__in=public_services(), term__taxonomy__hsds_id=filters.taxonomy_id)
        organisations = organisations.filter(Exists(tagged.filter(service__organisation=OuterRef("pk"))))
    return organisations.order_by("name", "pk")


def get_organisation(hsds_id: uuid.UUID) -> Organisation | None:
    pk = ids.organisation_pk(hsds_id)
    if pk is None:
        return None
    return public_organisations().filter(pk=pk).first()


# --- taxonomies -------------------------------------------------------------------------------------------------


def filter_taxonomies(search: str | None) -> QuerySet[Taxonomy]:
    taxonomies = Taxonomy.objects.all()
    if search:
        taxonomies = taxonomies.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(code__icontains=search))
    return taxonomies.order_by("name", "pk")


def filter_terms(
    *, search: str | None, taxonomy_id: uuid.UUID | None, parent_id: uuid.UUID | None, top_only: bool
) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent")
    if search:
        terms = terms.filter(Q(name__icontains=search) | Q(code__icontains=search)
                             | Q(description__icontains=search))
    if taxonomy_id is not None:
        terms = terms.filter(taxonomy__hsds_id=taxonomy_id)
    if parent_id is not None:
        terms = terms.filter(parent__hsds_id=parent_id)
    if top_only:
        terms = terms.filter(parent__isnull=True)
    return terms.order_by("taxonomy__name", "position", "code", "pk")
