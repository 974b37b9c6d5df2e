"""The network module's access policy, built on trama.accounts.access.

For each model a list/one-object pair built from the same predicate: `<things>_visible_to(user)` for lists and
`get_<thing>_for(user, key, *, write=False)` for one object. Someone who may not see an object gets 404 (its
existence does not leak); someone who may see it but not change it gets 403 on a write. Every denial writes an
`access.denied` audit event.

- Organisations (and their addresses and people) are a directory of partners: every member with NETWORK_VIEW
  reads them all; editing needs `can_edit_organisation`.
- Networks, governance bodies, meetings and action items are visible to the members of the networks they
  belong to (`networks_for`, which includes the networks below one's own, and every network for city-wide
  roles).
- The city coordinator (NETWORK_CONFIGURE) creates and edits networks and their memberships; governance roles
  of a network (`can_manage_governance`) manage its bodies, meetings, decisions and action items; the owner of
  an action item may update its status.
- Rows that hang off an object already fetched for writing (a body's members, a network's memberships, an
  organisation's addresses, people and ATS components) are looked up with `get_<row>_for(user, parent, pk)`,
  so a key that does not belong to the parent is a 404 audited like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from trama.accounts.access import (
    can_configure_networks,
    can_edit_organisation,
    can_manage_governance,
    has_perm,
    networks_for,
)
from trama.accounts.roles import Perm
from trama.core import audit
from trama.network.models import (
    ActionItem,
    ATSMember,
    BodyMember,
    GovernanceBody,
    Meeting,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationAddress,
    Person,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from trama.accounts.access import AnyUser
    from trama.accounts.models import User


def _deny(
    user: AnyUser | None,
    *,
    object_type: str,
    object_id: object,
    write: bool,
    status: int,
    request: HttpRequest | None,
    details: dict[str, object] | None = None,
) -> None:
    actor = cast("User", user) if user is not None and user.is_authenticated else None
    audit.record(
        action="access.denied",
        actor=actor,
        object_type=object_type,
        object_id=str(object_id),
        # None: audit.record takes the request being served (IP address, acting organisation) by itself.
        request=request,
        details={"write": write, "status": status, **(details or {})},
    )


def _not_found(
    user: AnyUser | None, object_type: str, key: object, write: bool, request: HttpRequest | None
) -> Http404:
    _deny(user, object_type=object_type, object_id=key, write=write, status=404, request=request)
    return Http404()


def _forbidden(
    user: AnyUser | None, object_type: str, key: object, write: bool, request: HttpRequest | None
) -> PermissionDenied:
    _deny(user, object_type=object_type, object_id=key, write=write, status=403, request=request)
    return PermissionDenied()


# --- Organisations: a directory every member reads ------------------------------------------------


def can_read_directory(user: AnyUser | None) -> bool:
    return has_perm(user, Perm.NETWORK_VIEW)


def can_create_organisations(user: AnyUser | None) -> bool:
    # Only roles that may edit any organisation add new ones, so the directory keeps one entry per partner.
    return has_perm(user, Perm.ORGANISATION_EDIT_ANY)


def organisations_visible_to(user: AnyUser | None) -> QuerySet[Organisation]:
    if not can_read_directory(user):
        return Organisation.objects.none()
    return Organisation.objects.all()


def get_organisation_for(
    user: AnyUser | None, slug: str, *, write: bool = False, request: HttpRequest | None = None
) -> Organisation:
    organisation = organisations_visible_to(user).filter(slug=slug).first()
    if organisation is None:
        raise _not_found(user, "network.organisation", slug, write, request)
    if write and not can_edit_organisation(user, organisation):
        raise _forbidden(user, "network.organisation", organisation.pk, write, request)
    return organisation


# --- Networks -------------------------------------------------------------------------------------


def networks_visible_to(user: AnyUser | None) -> QuerySet[Network]:
    return networks_for(user, perm=Perm.NETWORK_VIEW)


def visible_network_ids(user: AnyUser | None) -> set[int]:
    """The same predicate as networks_visible_to, as ids: computed once per request by pages that filter
    several lists by it (templates check membership without further queries)."""
    return set(networks_visible_to(user).values_list("pk", flat=True))


def get_network_for(
    user: AnyUser | None, slug: str, *, write: bool = False, request: HttpRequest | None = None
) -> Network:
    network = (
        networks_visible_to(user)
        .filter(slug=slug)
        .select_related("parent", "area", "programme")
        # The area's full boundary (890 kB for the city) is never needed by a page: maps use the light one.
        .defer("area__geometry")
        .first()
    )
    if network is None:
        raise _not_found(user, "network.network", slug, write, request)
    if write and not can_configure_networks(user):
        raise _forbidden(user, "network.network", network.pk, write, request)
    return network


# --- Governance bodies ----------------------------------------------------------------------------


def bodies_visible_to(user: AnyUser | None) -> QuerySet[GovernanceBody]:
    return GovernanceBody.objects.filter(network__in=networks_visible_to(user))


def get_body_for(
    user: AnyUser | None, pk: int, *, write: bool = False, request: HttpRequest | None = None
) -> GovernanceBody:
    body = (
        bodies_visible_to(user)
        .filter(pk=pk)
        .select_related("network", "network__area")
        .defer("network__area__geometry", "network__area__geometry_simplified")
        .first()
    )
    if body is None:
        raise _not_found(user, "network.governancebody", pk, write, request)
    if write and not can_manage_governance(user, body.network):
        raise _forbidden(user, "network.governancebody", body.pk, write, request)
    return body


# --- Meetings -------------------------------------------------------------------------------------


def meetings_visible_to(user: AnyUser | None) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body__network__in=networks_visible_to(user))


def get_meeting_for(
    user: AnyUser | None, pk: int, *, write: bool = False, request: HttpRequest | None = None
) -> Meeting:
    meeting = meetings_visible_to(user).filter(pk=pk).select_related("body", "body__network").first()
    if meeting is None:
        raise _not_found(user, "network.meeting", pk, write, request)
    if write and not can_manage_governance(user, meeting.body.network):
        raise _forbidden(user, "network.meeting", meeting.pk, write, request)
    return meeting


# --- Action items ---------------------------------------------------------------------------------


def action_items_visible_to(user: AnyUser | None) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(body__network__in=networks_visible_to(user))


def can_update_action_item(user: AnyUser | None, item: ActionItem) -> bool:
    if user is not None and user.is_authenticated and item.owner_id == user.pk:
        return True
    return can_manage_governance(user, item.body.network)


def get_action_item_for(
    user: AnyUser | None, pk: int, *, write: bool = False, request: HttpRequest | None = None
) -> ActionItem:
    item = (
        action_items_visible_to(user).filter(pk=pk).select_related("body", "body__network", "owner").first()
    )
    if item is None:
        raise _not_found(user, "network.actionitem", pk, write, request)
    if write and not can_update_action_item(user, item):
        raise _forbidden(user, "network.actionitem", item.pk, write, request)
    return item


# --- Rows of an object already fetched for writing ------------------------------------------------


def _child_for(
    user: AnyUser | None,
    queryset: QuerySet[Any],
    pk: int,
    object_type: str,
    request: HttpRequest | None,
) -> Any:
    """One row of `queryset` (already restricted to a parent the caller fetched through this module); a key
    that is not one of them is a 404, audited."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise _not_found(user, object_type, pk, True, request)
    return row


def get_network_membership_for(
    user: AnyUser | None, network: Network, pk: int, *, request: HttpRequest | None = None
) -> NetworkMembership:
    queryset = NetworkMembership.objects.filter(network=network).select_related("organisation")
    return cast(NetworkMembership, _child_for(user, queryset, pk, "network.networkmembership", request))


def get_body_member_for(
    user: AnyUser | None, body: GovernanceBody, pk: int, *, request: HttpRequest | None = None
) -> BodyMember:
    queryset = BodyMember.objects.filter(body=body).select_related("person", "organisation")
    return cast(BodyMember, _child_for(user, queryset, pk, "network.bodymember", request))


def get_address_for(
    user: AnyUser | None, organisation: Organisation, pk: int, *, request: HttpRequest | None = None
) -> OrganisationAddress:
    queryset = OrganisationAddress.objects.filter(organisation=organisation)
    return cast(OrganisationAddress, _child_for(user, queryset, pk, "network.organisationaddress", request))


def get_person_for(
    user: AnyUser | None, organisation: Organisation, pk: int, *, request: HttpRequest | None = None
) -> Person:
    queryset = Person.objects.filter(organisation=organisation).select_related("user")
    return cast(Person, _child_for(user, queryset, pk, "network.person", request))


def get_ats_member_for(
    user: AnyUser | None, ats: Organisation, pk: int, *, request: HttpRequest | None = None
) -> ATSMember:
    queryset = ATSMember.objects.filter(ats=ats).select_related("organisation")
    return cast(ATSMember, _child_for(user, queryset, pk, "network.atsmember", request))


# --- Calendar feeds -------------------------------------------------------------------------------


def get_body_for_calendar_token(token: str, *, request: HttpRequest | None = None) -> GovernanceBody:
    """The active body whose calendar subscription URL carries this token (calendar apps cannot log in: the
    token stands for the login). A wrong or rotated token is a 404, audited without the token itself."""
    body = (
        GovernanceBody.objects.filter(calendar_token=token, is_active=True).select_related("network").first()
        if token
        else None
    )
    if body is None:
        _deny(
            None,
            object_type="network.governancebody",
            object_id="",
            write=False,
            status=404,
            request=request,
            details={"via": "calendar_token"},
        )
        raise Http404()
    return body


def require_perm(
    user: AnyUser | None, allowed: bool, *, object_type: str, request: HttpRequest | None
) -> None:
    """For endpoints without an object (create pages): 403, audited, when not allowed."""
    if not allowed:
        raise _forbidden(user, object_type, "", True, request)
