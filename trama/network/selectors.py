"""Read helpers for the network pages: trees, choices for forms, map data. They take querysets already scoped
by trama.network.access (or a network the caller fetched through it) and never widen them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from trama.accounts.roles import ROLE_PERMISSIONS, Perm
from trama.network.models import (
    BodyMember,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationAddress,
    Person,
)
from trama.territory.geo import derive, to_shape
from trama.territory.models import Area
from trama.territory.selectors import HEAVY

if TYPE_CHECKING:
    from trama.accounts.models import User


@dataclass
class TreeNode:
    network: Network
    children: list[TreeNode] = field(default_factory=list)
    current: bool = False


def active_on(on: dt.date | None = None) -> Q:
    """Rows with since/until fields valid on a day (today by default)."""
    on = on or timezone.localdate()
    return (Q(since__isnull=True) | Q(since__lte=on)) & (Q(until__isnull=True) | Q(until__gte=on))


def network_chain(network: Network) -> list[int]:
    """The ids of a network and of the networks above it (at most three levels: a couple of queries)."""
    ids = [network.pk]
    parent_id = network.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Network.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def network_tree(network: Network, visible_ids: set[int]) -> TreeNode:
    """The visible part of the tree around a network: its visible ancestors down to it, and everything below
    it (recursively), loaded in one query."""
    nodes = {
        n.pk: n
        for n in Network.objects.filter(pk__in=visible_ids)
        .only("pk", "name", "slug", "level", "parent_id", "is_active")
        .order_by("name")
    }
    children: dict[int | None, list[Network]] = defaultdict(list)
    for node in nodes.values():
        children[node.parent_id].append(node)

    def build(n: Network) -> TreeNode:
        return TreeNode(
            network=n, children=[build(c) for c in children.get(n.pk, [])], current=n.pk == network.pk
        )

    subtree = build(nodes.get(network.pk, network))
    root = subtree
    parent_id = network.parent_id
    while parent_id is not None and parent_id in nodes:
        parent = nodes[parent_id]
        root = TreeNode(network=parent, children=[root])
        parent_id = parent.parent_id
    return root


def active_memberships(network: Network) -> QuerySet[NetworkMembership]:
    return (
        NetworkMembership.objects.filter(network=network)
        .filter(active_on())
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )


def member_organisations(network: Network) -> QuerySet[Organisation]:
    """Organisations that may sit in the network's bodies: active members of it or of a network above it."""
    memberships = NetworkMembership.objects.filter(network_id__in=network_chain(network)).filter(active_on())
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"), is_active=True).order_by(
        "name"
    )


def member_people(network: Network) -> QuerySet[Person]:
    return (
        Person.objects.filter(organisation__in=member_organisations(network), is_active=True)
        .select_related("organisation")
        .order_by("full_name")
    )


def owner_candidates(network: Network) -> QuerySet[User]:
    """Users who can own an action item of the network: an active role with NETWORK_VIEW in one of its member
    organisations (or of a network above it), or a city-wide role. The service checks the same rule."""
    from trama.accounts.models import Membership, User

    viewer_roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.NETWORK_VIEW in perms]
    city_roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CITY_WIDE in perms]
    # A role scoped to a network acts only there and below: it qualifies if the scope is this network or one
    # above it (the Comune's social worker of Municipio 8 owns items of Municipio 8's networks, not others').
    in_scope = Q(network__isnull=True) | Q(network_id__in=network_chain(network))
    memberships = (
        Membership.objects.active()
        .filter(organisation__is_active=True)
        .filter(
            Q(role__in=viewer_roles, organisation__in=member_organisations(network)) & in_scope
            | Q(role__in=city_roles)
        )
    )
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("full_name")


def active_body_members(body_id: int, on: dt.date | None = None) -> QuerySet[BodyMember]:
    return (
        BodyMember.objects.filter(body_id=body_id)
        .filter(active_on(on))
        .select_related("person", "person__organisation", "organisation")
        .order_by("role", "person__full_name", "organisation__name")
    )


def map_points(addresses: QuerySet[OrganisationAddress]) -> list[dict[str, Any]]:
    """Located addresses as small dicts for the Leaflet map (rendered with json_script, so escaped)."""
    points = []
    for address in addresses.filter(latitude__isnull=False, longitude__isnull=False).select_related(
        "organisation"
    ):
        points.append(
            {
                "lat": address.latitude,
                "lon": address.longitude,
                "title": str(address.organisation),
                "text": address.normalised or address.address_text,
                "label": address.label,
            }
        )
    return points


# --- Map geometry ---------------------------------------------------------------------------------
# Pages embed an area's light map geometry (Area.geometry_simplified, ~10 m and 5 decimals: 18 kB for the
# whole city), never its full boundary (`geometry`: 890 kB for the city), which lists and pages do not load.


def map_geometry(area: Area | None) -> dict[str, Any] | None:
    """The light GeoJSON geometry of an area for a map, or None.

    Areas written through the territory services always carry it; for one written otherwise (a fixture, an old
    row) it is derived here from the full boundary, the same way the services do."""
    if area is None:
        return None
    if area.geometry_simplified:
        return area.geometry_simplified  # type: ignore[no-any-return]
    geometry = Area.objects.filter(pk=area.pk).values_list("geometry", flat=True).first()
    if not geometry:
        return None
    return derive(to_shape(geometry)).simplified


def municipi_for_map(organisation: Organisation) -> list[Area]:
    """The municipi where an organisation works, without their full boundaries."""
    return list(organisation.municipi.defer("geometry").order_by("code"))


def areas_without_geometry() -> QuerySet[Area]:
    """Areas for lists and choices: without either boundary column."""
    return Area.objects.defer(*HEAVY)
