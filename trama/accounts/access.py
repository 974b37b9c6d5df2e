"""The access policy's foundation: which organisations, networks and areas a user acts for, with which role.

Feature modules build their own `access.py` (one list/one-object pair per sensitive model) on these helpers.
This module imports no feature app. Every condition is on its own line so each can be tested alone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from trama.accounts.roles import Perm, permissions_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from trama.accounts.models import Membership, User
    from trama.network.models import Network, Organisation
    from trama.territory.models import Area

    AnyUser = User | AnonymousUser


def _is_usable(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def active_memberships(user: AnyUser | None, *, on: dt.date | None = None) -> QuerySet[Membership]:
    from trama.accounts.models import Membership

    if not _is_usable(user):
        return Membership.objects.none()
    return (
        Membership.objects.active(on)
        .filter(user_id=user.pk)  # type: ignore[union-attr,misc]
        .filter(organisation__is_active=True)
        .select_related("organisation")
    )


def roles_of(user: AnyUser | None, *, organisation: Organisation | None = None, on: dt.date | None = None) -> set[str]:
    memberships = active_memberships(user, on=on)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return set(memberships.values_list("role", flat=True))


def permissions_for(
    user: AnyUser | None, *, organisation: Organisation | None = None, on: dt.date | None = None
) -> set[str]:
    perms: set[str] = set()
    for role in roles_of(user, organisation=organisation, on=on):
        perms |= permissions_of(role)
    return perms


def has_perm(
    user: AnyUser | None, perm: str, *, organisation: Organisation | None = None, on: dt.date | None = None
) -> bool:
    """True if one of the user's active roles (in `organisation`, if given) grants `perm`."""
    return perm in permissions_for(user, organisation=organisation, on=on)


def is_city_wide(user: AnyUser | None) -> bool:
    return has_perm(user, Perm.CITY_WIDE)


def organisations_for(user: AnyUser | None, *, perm: str | None = None) -> QuerySet[Organisation]:
    """Organisations the user acts for (optionally: through a role granting `perm`)."""
    from trama.accounts.roles import ROLE_PERMISSIONS
    from trama.network.models import Organisation

    memberships = active_memberships(user)
    if perm is not None:
        roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def _descendant_ids(roots: set[int]) -> set[int]:
    from trama.network.models import Network

    seen = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = set(Network.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - seen
        seen |= frontier
    return seen


def networks_for(user: AnyUser | None, *, perm: str | None = None, on: dt.date | None = None) -> QuerySet[Network]:
    """Networks the user acts for.

    - a city-wide role (city coordinator, platform administrator) acts for every network;
    - otherwise, networks where one of the user's organisations is an active member, and the networks
      below them (a member of the municipal network acts for its neighbourhood networks)."""
    from trama.network.models import Network, NetworkMembership

    if not _is_usable(user):
        return Network.objects.none()
    if perm is not None and not has_perm(user, perm, on=on):
        return Network.objects.none()
    if has_perm(user, Perm.CITY_WIDE, on=on):
        return Network.objects.all()
    on = on or timezone.localdate()
    organisations = organisations_for(user, perm=perm)
    direct = set(
        NetworkMembership.objects.filter(organisation__in=organisations)
        .filter(Q(since__isnull=True) | Q(since__lte=on))
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .values_list("network_id", flat=True)
    )
    return Network.objects.filter(pk__in=_descendant_ids(direct))


def areas_for(user: AnyUser | None) -> QuerySet[Area]:
    """Areas the user acts for: those of their networks and everything below them; every area if city-wide."""
    from trama.territory.models import Area

    if not _is_usable(user):
        return Area.objects.none()
    if is_city_wide(user):
        return Area.objects.all()
    roots = set(networks_for(user).exclude(area__isnull=True).values_list("area_id", flat=True))
    seen = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - seen
        seen |= frontier
    return Area.objects.filter(pk__in=seen)


def can_manage_governance(user: AnyUser | None, network: Network) -> bool:
    """Manage a network's bodies and meetings: a governance role acting for that network."""
    if not has_perm(user, Perm.GOVERNANCE_MANAGE):
        return False
    if is_city_wide(user):
        return True
    return networks_for(user, perm=Perm.GOVERNANCE_MANAGE).filter(pk=network.pk).exists()


def can_configure_networks(user: AnyUser | None) -> bool:
    return has_perm(user, Perm.NETWORK_CONFIGURE)


def can_edit_organisation(user: AnyUser | None, organisation: Organisation) -> bool:
    if has_perm(user, Perm.ORGANISATION_EDIT_ANY):
        return True
    return has_perm(user, Perm.ORGANISATION_EDIT, organisation=organisation)


def requires_two_factor(user: AnyUser | None) -> bool:
    """Roles that can see social records must confirm a second factor (when TRAMA_2FA_REQUIRED is on)."""
    return has_perm(user, Perm.RECORDS_VIEW)
