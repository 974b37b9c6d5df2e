"""The directory's access policy, built on trama.accounts.access (same style as trama.network.access).

Decisions:
- **Reading** (staff): every member with NETWORK_VIEW reads every service and location of every organisation,
  whatever its status or `is_public` flag. The directory is the network's shared list: an inactive or defunct
  record stays visible so nobody re-creates it and referrals keep their history; the status is shown, not hidden.
- **Confidential addresses** (shelters): the address text, normalised address, postcode, coordinates and NIL of a
  location flagged `confidential_address` are shown only to members (any role) of the maintaining organisation
  and to city-wide roles. Everyone else, staff included, gets `public_location_fields()`.
- **Editing**: only members of the maintaining organisation holding an edit permission (today
  `network.organisation_edit`; a dedicated `directory.edit` is proposed and honoured as soon as roles.py grants
  it) and roles that may edit any organisation (`network.organisation_edit_any`: the city coordinator and the
  platform administrator) edit a service, its location links, schedules and details, or a location.
- **Public** (portal, HSDS API, exports): `public_services()` = active and public; `public_location_fields()`
  never returns a confidential address or point. The portal and API must use only these two.
- Someone who may not see an object gets 404; who may see but not edit gets 403 on a write; every denial writes
  an `access.denied` audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from trama.accounts.access import grants_of, has_perm, is_city_wide
from trama.accounts.roles import Perm
from trama.core import audit
from trama.directory.models import Location, Service, ServiceAtLocation, ServiceStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from trama.accounts.access import AnyUser
    from trama.accounts.models import User

# Proposed in the report for trama/accounts/roles.py; honoured here as soon as a role grants them.
DIRECTORY_EDIT = "directory.edit"
DIRECTORY_EDIT_ANY = "directory.edit_any"
EDIT_PERMS = frozenset({Perm.ORGANISATION_EDIT, DIRECTORY_EDIT})
EDIT_ANY_PERMS = frozenset({Perm.ORGANISATION_EDIT_ANY, DIRECTORY_EDIT_ANY})

# Location fields that reveal where a confidential place is.
CONFIDENTIAL_FIELDS = ("address_text", "normalised_address", "postcode", "latitude", "longitude", "nil")


def _deny(user: AnyUser | None, object_type: str, key: object, write: bool, status: int,
          request: HttpRequest | None) -> None:
    actor = cast("User", user) if user is not None and user.is_authenticated else None
    audit.record(action="access.denied", actor=actor, object_type=object_type, object_id=str(key),
                 request=request, details={"write": write, "status": status})


def _not_found(user: AnyUser | None, object_type: str, key: object, write: bool,
               request: HttpRequest | None) -> Http404:
    _deny(user, object_type, key, write, 404, request)
    return Http404()


def _forbidden(user: AnyUser | None, object_type: str, key: object, write: bool,
               request: HttpRequest | None) -> PermissionDenied:
    _deny(user, object_type, key, write, 403, request)
    return PermissionDenied()


# --- Predicates -----------------------------------------------------------------------------------


def can_read_directory(user: AnyUser | None) -> bool:
    return has_perm(user, Perm.NETWORK_VIEW)


def can_edit_any_record(user: AnyUser | None) -> bool:
    return any(has_perm(user, perm) for perm in EDIT_ANY_PERMS)


def editable_organisation_ids(user: AnyUser | None) -> set[int] | None:
    """Organisations whose directory records the user edits; None = every organisation."""
    if can_edit_any_record(user):
        return None
    return {grant.organisation_id for grant in grants_of(user) if grant.permissions & EDIT_PERMS}


def can_edit_maintained_by(user: AnyUser | None, maintainer_id: int) -> bool:
    ids = editable_organisation_ids(user)
    return ids is None or maintainer_id in ids


def can_create_records(user: AnyUser | None) -> bool:
    """May create services/locations (for the organisations of editable_organisation_ids)."""
    ids = editable_organisation_ids(user)
    return ids is None or bool(ids)


def can_see_confidential_address(user: AnyUser | None, location: Location) -> bool:
    if not location.confidential_address:
        return can_read_directory(user)
    if is_city_wide(user):
        return True
    return any(grant.organisation_id == location.maintainer_id for grant in grants_of(user))


# --- Services -------------------------------------------------------------------------------------


def services_visible_to(user: AnyUser | None) -> QuerySet[Service]:
    if not can_read_directory(user):
        return Service.objects.none()
    return Service.objects.all()


def get_service_for(
    user: AnyUser | None, pk: int, *, write: bool = False, request: HttpRequest | None = None
) -> Service:
    service = services_visible_to(user).filter(pk=pk).select_related("organisation", "maintainer").first()
    if service is None:
        raise _not_found(user, "directory.service", pk, write, request)
    if write and not can_edit_maintained_by(user, service.maintainer_id):
        raise _forbidden(user, "directory.service", service.pk, write, request)
    return service


# --- Locations ------------------------------------------------------------------------------------


def locations_visible_to(user: AnyUser | None) -> QuerySet[Location]:
    """Every location for staff; render each through location_fields_for (confidential addresses)."""
    if not can_read_directory(user):
        return Location.objects.none()
    return Location.objects.all()


def get_location_for(
    user: AnyUser | None, pk: int, *, write: bool = False, request: HttpRequest | None = None
) -> Location:
    location = locations_visible_to(user).filter(pk=pk).select_related("maintainer", "municipio", "nil").first()
    if location is None:
        raise _not_found(user, "directory.location", pk, write, request)
    if write and not can_edit_maintained_by(user, location.maintainer_id):
        raise _forbidden(user, "directory.location", location.pk, write, request)
    return location


def get_service_at_location_for(
    user: AnyUser | None, service: Service, pk: int, *, request: HttpRequest | None = None
) -> ServiceAtLocation:
    """One location link of a service already fetched through get_service_for; another key is a 404."""
    link = ServiceAtLocation.objects.filter(service=service, pk=pk).select_related("location").first()
    if link is None:
        raise _not_found(user, "directory.serviceatlocation", pk, True, request)
    return link


def public_location_fields(location: Location) -> dict[str, Any]:
    """What anyone may know about a location. A confidential one keeps its name, type and municipio only."""
    fields: dict[str, Any] = {
        "id": str(location.hsds_id),
        "name": location.name,
        "alternate_name": location.alternate_name,
        "description": location.description,
        "location_type": location.location_type,
        "url": location.url,
        "municipio": location.municipio.name if location.municipio is not None else None,
        "accessibility_notes": location.accessibility_notes,
        "confidential_address": location.confidential_address,
    }
    if location.confidential_address:
        fields.update({"address": None, "postcode": None, "latitude": None, "longitude": None, "nil": None,
                       "transportation": ""})
    else:
        fields.update({
            "address": location.normalised_address or location.address_text,
            "postcode": location.postcode,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "nil": location.nil.name if location.nil is not None else None,
            "transportation": location.transportation,
        })
    return fields


def location_fields_for(user: AnyUser | None, location: Location) -> dict[str, Any]:
    """The location's fields as this user may see them (staff pages)."""
    fields = public_location_fields(location)
    if location.confidential_address and can_see_confidential_address(user, location):
        fields.update({
            "address": location.normalised_address or location.address_text,
            "postcode": location.postcode,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "nil": location.nil.name if location.nil is not None else None,
            "transportation": location.transportation,
        })
    return fields


# --- Public (portal, HSDS API, exports) -----------------------------------------------------------


def public_services() -> QuerySet[Service]:
    """Active, public services. The portal and the API list nothing else."""
    return Service.objects.public()


def public_service_at_locations() -> QuerySet[ServiceAtLocation]:
    """Links of public services; render their locations with public_location_fields only."""
    return ServiceAtLocation.objects.filter(
        service__status=ServiceStatus.ACTIVE, service__is_public=True, service__organisation__is_active=True
    ).select_related("service", "location", "location__municipio", "location__nil")


def public_services_with_locations() -> QuerySet[Service]:
    return public_services().prefetch_related(
        Prefetch("service_at_locations",
                 queryset=ServiceAtLocation.objects.select_related("location", "location__municipio",
                                                                   "location__nil"))
    )


# --- The maintainers' queue -----------------------------------------------------------------------


def stale_services_for(user: AnyUser | None) -> QuerySet[Service]:
    """Services the user maintains (edits) that were not verified for 180 days, oldest first."""
    ids = editable_organisation_ids(user)
    services = Service.objects.stale()
    if ids is not None:
        services = services.filter(maintainer_id__in=ids)
    never_first = F("last_verified_on").asc(nulls_first=True)
    return services.select_related("maintainer", "organisation").order_by(never_first, "name", "pk")
