"""The access policy's foundation: which organisations, networks and areas a user acts for, with which role.

Feature modules build their own `access.py` (one list/one-object pair per sensitive model) on these helpers.
This module imports no feature app. Every condition is on its own line so each can be tested alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from trama.accounts.roles import ROLE_PERMISSIONS, Perm, permissions_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from trama.accounts.models import Membership, User
    from trama.network.models import Network, Organisation
    from trama.territory.models import Area

    AnyUser = User | AnonymousUser


# Network roles of an organisation that make it a co-governor of the network (plain members only take part).
GOVERNING_NETWORK_ROLES = frozenset({"lead_partner", "partner", "co_manager"})

CACHE_ATTR = "_trama_access_cache"


def start_request_cache(user: Any) -> None:
    """Memoise the policy's answers on this request's user object (set by AccessCacheMiddleware).

    The cache lives and dies with the request: a change of memberships is seen at the next request."""
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, CACHE_ATTR, {})


def _cached(user: Any, key: tuple[Any, ...], compute: Any) -> Any:
    cache = getattr(user, CACHE_ATTR, None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def memoised(user: Any, key: tuple[Any, ...], compute: Any) -> Any:
    """`compute()`, remembered for the rest of the request (for feature apps' access policies built on this one;
    keys should start with the app's name)."""
    return _cached(user, key, compute)


@dataclass(frozen=True)
class Grant:
    """One active membership, as the policy sees it."""

    organisation_id: int
    role: str
    network_id: int | None  # scope: only this network and below; None = the organisation's networks

    @property
    def permissions(self) -> frozenset[str]:
        return permissions_of(self.role)


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
        .select_related("organisation", "network")
    )


def grants_of(user: AnyUser | None, *, on: dt.date | None = None) -> list[Grant]:
    if not _is_usable(user):
        return []

    def compute() -> list[Grant]:
        rows = active_memberships(user, on=on).values_list("organisation_id", "role", "network_id")
        return [Grant(organisation_id=o, role=r, network_id=n) for o, r, n in rows]

    return _cached(user, ("grants", on), compute)  # type: ignore[no-any-return]


def roles_of(user: AnyUser | None, *, organisation: Organisation | None = None, on: dt.date | None = None) -> set[str]:
    return {
        grant.role
        for grant in grants_of(user, on=on)
        if organisation is None or grant.organisation_id == organisation.pk
    }


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
    from trama.network.models import Organisation

    return Organisation.objects.filter(pk__in=organisation_ids_for(user, perm=perm))


def organisation_ids_for(user: AnyUser | None, *, perm: str | None = None) -> frozenset[int]:
    """The ids of `organisations_for(user, perm=perm)`, from the memoised memberships (no query)."""
    return frozenset(grant.organisation_id for grant in grants_of(user) if perm is None or perm in grant.permissions)


def acting_organisations(user: AnyUser | None) -> list[Organisation]:
    """`organisations_for(user)` by name, fetched once per request: the header's switch lists them and
    `request.acting_for` is one of them."""
    return _cached(user, ("acting_organisations",),  # type: ignore[no-any-return]
                   lambda: list(organisations_for(user).order_by("name")))


def _descendant_ids(roots: set[int]) -> set[int]:
    from trama.network.models import Network

    seen = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = set(Network.objects.filter(parent_id__in=frontier).order_by().values_list("pk", flat=True)) - seen
        seen |= frontier
    return seen


def _member_network_ids(organisation_ids: set[int], on: dt.date, roles: frozenset[str] | None = None,
                        *, active_networks: bool = False) -> set[int]:
    from trama.network.models import NetworkMembership

    if not organisation_ids:
        return set()
    memberships = (
        NetworkMembership.objects.filter(organisation_id__in=organisation_ids)
        .filter(Q(since__isnull=True) | Q(since__lte=on))
        .filter(Q(until__isnull=True) | Q(until__gte=on))
    )
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    if active_networks:
        memberships = memberships.filter(network__is_active=True)
    return set(memberships.order_by().values_list("network_id", flat=True))  # no ordering: no joins to sort


def member_network_ids(organisation_ids: set[int], *, on: dt.date | None = None,
                       active_networks: bool = False) -> set[int]:
    """The networks these organisations are active members of (directly, not the networks below them); with
    `active_networks`, only networks not deactivated (those a consent naming a network still reaches)."""
    return _member_network_ids(organisation_ids, on or timezone.localdate(), active_networks=active_networks)


def descendant_network_ids(roots: set[int]) -> set[int]:
    """These networks and every network below them."""
    return _descendant_ids(roots)


def network_ids_for(user: AnyUser | None, *, perm: str | None = None, on: dt.date | None = None) -> set[int] | None:
    """Ids of the networks the user acts for (with `perm`: through a role granting it); None means every network
    (a city-wide role — granting `perm` itself: a city coordinator who is also a social worker of one Municipio
    reads records of that Municipio's network only)."""
    if not _is_usable(user):
        return set()
    grants = [g for g in grants_of(user, on=on) if perm is None or perm in g.permissions]
    if not grants:
        return set()
    if any(Perm.CITY_WIDE in g.permissions for g in grants):
        return None

    day = on or timezone.localdate()
    scoped = frozenset(g.network_id for g in grants if g.network_id is not None)
    unscoped_orgs = frozenset(g.organisation_id for g in grants if g.network_id is None)
    # Keyed by what the answer depends on: permissions granted by the same memberships share one computation.
    return set(_cached(user, ("networks", scoped, unscoped_orgs, day),
                       lambda: _descendant_ids(set(scoped) | _member_network_ids(set(unscoped_orgs), day))))


def networks_for(user: AnyUser | None, *, perm: str | None = None, on: dt.date | None = None) -> QuerySet[Network]:
    """Networks the user acts for.

    - a city-wide role (city coordinator, platform administrator) acts for every network;
    - a membership scoped to a network acts for that network and the networks below it;
    - any other membership acts for the networks where its organisation is an active member, and the networks
      below them (a member of the municipal network acts for its neighbourhood networks)."""
    from trama.network.models import Network

    ids = network_ids_for(user, perm=perm, on=on)
    if ids is None:
        return Network.objects.all()
    return Network.objects.filter(pk__in=ids)


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


def governed_network_ids(user: AnyUser | None) -> set[int] | None:
    """Networks whose governance (bodies, meetings, decisions, action items) the user may manage.

    None means every network (city-wide governance roles). Otherwise:
    - a membership scoped to a network governs that network and the networks below it;
    - an unscoped membership governs only the networks where its organisation is lead partner, partner or
      co-manager — not where it is a plain member, and not the networks below (they have their own leads)."""
    if not has_perm(user, Perm.GOVERNANCE_MANAGE):
        return set()
    if is_city_wide(user):
        return None

    def compute() -> set[int]:
        grants = [g for g in grants_of(user) if Perm.GOVERNANCE_MANAGE in g.permissions]
        scoped = _descendant_ids({g.network_id for g in grants if g.network_id is not None})
        unscoped_orgs = {g.organisation_id for g in grants if g.network_id is None}
        return scoped | _member_network_ids(unscoped_orgs, timezone.localdate(), GOVERNING_NETWORK_ROLES)

    return _cached(user, ("governed",), compute)  # type: ignore[no-any-return]


def can_manage_governance(user: AnyUser | None, network: Network) -> bool:
    ids = governed_network_ids(user)
    return ids is None or network.pk in ids


def can_configure_networks(user: AnyUser | None) -> bool:
    return has_perm(user, Perm.NETWORK_CONFIGURE)


def can_edit_organisation(user: AnyUser | None, organisation: Organisation) -> bool:
    if has_perm(user, Perm.ORGANISATION_EDIT_ANY):
        return True
    return has_perm(user, Perm.ORGANISATION_EDIT, organisation=organisation)


def requires_two_factor(user: AnyUser | None) -> bool:
    """Roles holding one of TRAMA_2FA_PERMISSIONS (by default: who sees social records, the audit log or
    manages accounts) must confirm a second factor when TRAMA_2FA_REQUIRED is on."""
    from django.conf import settings

    return bool(permissions_for(user) & set(settings.TRAMA_2FA_PERMISSIONS))


def roles_granting(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
