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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

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
    GovernanceBody,
    Meeting,
    Network,
    Organisation,
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
) -> None:
    actor = cast("User", user) if user is not None and user.is_authenticated else None
    details: dict[str, object] = {"write": write, "status": status}
    if request is not None and not getattr(request, "acting_for", None):
        # audit.record would copy the request's lazy acting_for, which wraps None for a user without any
        # organisation and cannot be stored: record the address ourselves instead.
        details["ip"] = audit.client_ip(request)
        request = None
    audit.record(
        action="access.denied",
        actor=actor,
        object_type=object_type,
        object_id=str(object_id),
        request=request,
        details=details,
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
        networks_visible_to(user).filter(slug=slug).select_related("parent", "area", "programme").first()
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
    body = bodies_visible_to(user).filter(pk=pk).select_related("network", "network__area").first()
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


def require_perm(
    user: AnyUser | None, allowed: bool, *, object_type: str, request: HttpRequest | None
) -> None:
    """For endpoints without an object (create pages): 403, audited, when not allowed."""
    if not allowed:
        raise _forbidden(user, object_type, "", True, request)
