"""Writes on networks (city → municipal → neighbourhood) and the organisations taking part in them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError, full_clean
from trama.network.models import (
    AREA_KINDS,
    PARENT_LEVEL,
    Network,
    NetworkLevel,
    NetworkMembership,
    NetworkRole,
    Organisation,
    Programme,
)
from trama.network.services._common import (
    apply_changes,
    check_dates_ordered,
    overlapping,
    unique_slug,
)

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.territory.models import Area

NETWORK_FIELDS = frozenset({"name", "level", "parent", "area", "programme", "description", "is_active"})


def _within(area: Area, ancestor_id: int) -> bool:
    """True if the area is the given one or lies below it (the area tree has three or four levels)."""
    node: Area | None = area
    while node is not None:
        if node.pk == ancestor_id:
            return True
        node = node.parent
    return False


def _check_network_name_free(network: Network) -> None:
    """Two networks with the same name under the same parent (or both roots) would be told apart only by their
    slug ("rete-2"): refused, whatever the case and the surrounding spaces."""
    same_name = Network.objects.filter(name__iexact=network.name.strip(), parent_id=network.parent_id)
    if network.pk is not None:
        same_name = same_name.exclude(pk=network.pk)
    if same_name.exists():
        if network.parent is not None:
            message = _("Esiste già una rete «%(name)s» sotto «%(parent)s».") % {
                "name": network.name.strip(),
                "parent": network.parent.name,
            }
        else:
            message = _("Esiste già una rete principale «%(name)s».") % {"name": network.name.strip()}
        raise ApplicationError(message, field="name")


def _check_network(network: Network) -> None:
    if not network.name.strip():
        raise ApplicationError(_("Il nome è obbligatorio."), field="name")
    if network.level not in NetworkLevel.values:
        raise ApplicationError(_("Livello di rete sconosciuto."), field="level")
    expected_parent = PARENT_LEVEL[network.level]
    parent = network.parent
    if parent is None and expected_parent is not None:
        # Only city networks are roots: a municipal network belongs to a city one, a neighbourhood network to a
        # municipal one (the access policy and the governance read the tree).
        raise ApplicationError(
            _("Una %(level)s deve avere come rete superiore una %(parent_level)s.")
            % {
                "level": NetworkLevel(network.level).label.lower(),
                "parent_level": NetworkLevel(expected_parent).label.lower(),
            },
            field="parent",
        )
    if parent is not None:
        if expected_parent is None:
            raise ApplicationError(_("Una rete cittadina non ha una rete superiore."), field="parent")
        if network.pk is not None and parent.pk == network.pk:
            raise ApplicationError(_("Una rete non può essere superiore a sé stessa."), field="parent")
        if parent.level != expected_parent:
            raise ApplicationError(
                _("La rete superiore di una %(level)s deve essere una %(parent_level)s.")
                % {
                    "level": NetworkLevel(network.level).label.lower(),
                    "parent_level": NetworkLevel(expected_parent).label.lower(),
                },
                field="parent",
            )
    if network.area is not None and network.area.kind not in AREA_KINDS[network.level]:
        raise ApplicationError(
            _("Il territorio «%(area)s» (%(kind)s) non è adatto a una %(level)s.")
            % {
                "area": network.area.name,
                "kind": network.area.get_kind_display(),
                "level": NetworkLevel(network.level).label.lower(),
            },
            field="area",
        )
    parent_area_id = network.parent.area_id if network.parent is not None else None
    if network.area is not None and parent_area_id is not None and not _within(network.area, parent_area_id):
        raise ApplicationError(
            _("Il territorio «%(area)s» non è compreso in quello della rete superiore.")
            % {"area": network.area.name},
            field="area",
        )
    _check_network_name_free(network)
    if network.pk is not None:
        # A change of level must keep the children exactly one level below.
        wrong_children = network.children.exclude(
            level__in=[level for level, parent_level in PARENT_LEVEL.items() if parent_level == network.level]
        )
        if wrong_children.exists():
            raise ApplicationError(
                _("Il livello non è compatibile con quello delle reti sottostanti."), field="level"
            )
    full_clean(network, exclude=["parent", "area", "programme"])


@transaction.atomic
def network_create(
    *,
    by: User | None,
    name: str,
    level: str,
    parent: Network | None = None,
    area: Area | None = None,
    programme: Programme | None = None,
    description: str = "",
    slug: str = "",
) -> Network:
    network = Network(
        name=name.strip(),
        level=level,
        parent=parent,
        area=area,
        programme=programme,
        description=description,
        slug=slug or unique_slug(Network, name),
    )
    _check_network(network)
    network.save()
    audit.record(
        action="network.network.create",
        actor=by,
        obj=network,
        details={"name": network.name, "level": level, "parent": parent.pk if parent else None},
    )
    return network


@transaction.atomic
def network_update(*, network: Network, by: User | None, **changes: Any) -> Network:
    """Change the given fields (any of NETWORK_FIELDS)."""
    changed = apply_changes(network, changes, NETWORK_FIELDS)
    _check_network(network)
    if changed:
        network.save(update_fields=[*changed, "updated_at"])
        audit.record(action="network.network.update", actor=by, obj=network, details={"changed": changed})
    return network


@transaction.atomic
def network_membership_add(
    *,
    network: Network,
    organisation: Organisation,
    by: User | None,
    role: str = NetworkRole.MEMBER,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> NetworkMembership:
    """An organisation joins a network; it may not have two memberships of the same network at once."""
    if not network.is_active:
        raise ApplicationError(_("La rete non è attiva."))
    if not organisation.is_active:
        raise ApplicationError(_("L'organizzazione non è attiva."), field="organisation")
    check_dates_ordered(since, until)
    # Lock the network row: two concurrent adds (even the first ones, when no membership row exists to lock)
    # run one after the other, so they cannot both pass the overlap check.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    existing = NetworkMembership.objects.filter(network=network, organisation=organisation)
    if overlapping(existing, since, until).exists():
        raise ApplicationError(
            _("%(org)s fa già parte di questa rete nello stesso periodo.") % {"org": organisation},
            field="organisation",
        )
    membership = NetworkMembership(
        network=network, organisation=organisation, role=role, since=since, until=until
    )
    full_clean(membership)
    membership.save()
    audit.record(
        action="network.membership.add",
        actor=by,
        obj=membership,
        details={"network": network.pk, "organisation": organisation.pk, "role": role},
    )
    return membership


@transaction.atomic
def network_membership_end(
    *, membership: NetworkMembership, by: User | None, until: dt.date | None = None
) -> NetworkMembership:
    until = until or timezone.localdate()
    if membership.until is not None and membership.until <= until:
        raise ApplicationError(_("Questa adesione è già terminata."))
    if membership.since is not None and until < membership.since:
        raise ApplicationError(_("La data di fine precede l'inizio dell'adesione."), field="until")
    membership.until = until
    membership.save(update_fields=["until"])
    audit.record(
        action="network.membership.end", actor=by, obj=membership, details={"until": until.isoformat()}
    )
    return membership
