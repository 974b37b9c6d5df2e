from __future__ import annotations

import datetime as dt

import pytest

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import NetworkLevel, NetworkRole
from trama.territory.models import Area, AreaKind


def _nil(personas: Personas) -> Area:
    return Area.objects.create(
        kind=AreaKind.NIL, code="T-MI-NIL-79", name="Quarto Oggiaro", parent=personas.municipio8
    )


def test_it_creates_a_neighbourhood_network_under_a_municipal_one(personas: Personas) -> None:
    network = services.network_create(
        by=personas.coordinator,
        name="Rete QuBì Quarto Oggiaro",
        level=NetworkLevel.NEIGHBOURHOOD,
        parent=personas.network8,
        area=_nil(personas),
        programme=personas.programme,
    )
    assert network.slug == "rete-qubi-quarto-oggiaro"
    assert network.parent == personas.network8
    assert AuditEvent.objects.filter(action="network.network.create", object_id=str(network.pk)).exists()


@pytest.mark.parametrize(
    ("level", "parent_attr"),
    [
        (NetworkLevel.NEIGHBOURHOOD, "city_network"),  # two levels up
        (NetworkLevel.MUNICIPAL, "network1"),  # same level
        (NetworkLevel.CITY, "city_network"),  # a city network has no parent
    ],
)
def test_it_requires_the_parent_one_level_up(personas: Personas, level: str, parent_attr: str) -> None:
    with pytest.raises(ApplicationError) as info:
        services.network_create(by=None, name="Sbagliata", level=level, parent=getattr(personas, parent_attr))
    assert info.value.field == "parent"


def test_it_requires_an_area_of_the_right_kind(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.network_create(
            by=None, name="Rete", level=NetworkLevel.MUNICIPAL, parent=personas.city_network, area=personas.city
        )
    assert info.value.field == "area"


def test_it_refuses_a_level_change_that_breaks_the_children(personas: Personas) -> None:
    services.network_create(
        by=None, name="Rete Quarto Oggiaro", level=NetworkLevel.NEIGHBOURHOOD, parent=personas.network8
    )
    with pytest.raises(ApplicationError) as info:
        # Network 8 would become a neighbourhood network (under network 1) with a neighbourhood network below.
        services.network_update(
            network=personas.network8,
            by=None,
            level=NetworkLevel.NEIGHBOURHOOD,
            parent=personas.network1,
            area=None,
        )
    assert info.value.field == "level"


def test_it_updates_a_network(personas: Personas) -> None:
    services.network_update(network=personas.network8, by=None, description="Nove quartieri")
    personas.network8.refresh_from_db()
    assert personas.network8.description == "Nove quartieri"


def test_it_adds_a_member_with_ordered_dates(personas: Personas) -> None:
    membership = services.network_membership_add(
        network=personas.network8,
        organisation=personas.ets_other,
        by=None,
        role=NetworkRole.PARTNER,
        since=dt.date(2025, 1, 1),
    )
    assert membership.role == NetworkRole.PARTNER
    with pytest.raises(ApplicationError) as info:
        services.network_membership_add(
            network=personas.network1,
            organisation=personas.ets_a,
            by=None,
            since=dt.date(2025, 2, 1),
            until=dt.date(2025, 1, 1),
        )
    assert info.value.field == "until"


def test_it_refuses_a_duplicate_active_membership(personas: Personas) -> None:
    # ets_a is an open-ended member of network 8 since 2024-05-08.
    with pytest.raises(ApplicationError) as info:
        services.network_membership_add(
            network=personas.network8, organisation=personas.ets_a, by=None, since=dt.date(2025, 1, 1)
        )
    assert "già parte" in info.value.message


def test_it_ends_a_membership_and_allows_rejoining_later(personas: Personas) -> None:
    membership = personas.ets_b.network_memberships.get(network=personas.network8)
    services.network_membership_end(membership=membership, by=None, until=dt.date(2025, 3, 31))
    assert AuditEvent.objects.filter(action="network.membership.end").exists()
    with pytest.raises(ApplicationError):
        services.network_membership_end(membership=membership, by=None, until=dt.date(2025, 6, 30))
    again = services.network_membership_add(
        network=personas.network8, organisation=personas.ets_b, by=None, since=dt.date(2025, 9, 1)
    )
    assert again.pk != membership.pk


def test_it_refuses_to_end_a_membership_before_it_started(personas: Personas) -> None:
    membership = personas.ets_b.network_memberships.get(network=personas.network8)
    with pytest.raises(ApplicationError):
        services.network_membership_end(membership=membership, by=None, until=dt.date(2020, 1, 1))


def test_it_keeps_a_child_area_inside_the_parent_area(personas: Personas) -> None:
    # A neighbourhood network spanning several NILs may keep its municipio's area.
    wide = services.network_create(by=None, name="Rete Giambellino-Lorenteggio", level=NetworkLevel.NEIGHBOURHOOD,
                                   parent=personas.network8, area=personas.municipio8)
    assert wide.area == personas.municipio8
    with pytest.raises(ApplicationError) as info:
        services.network_create(by=None, name="Fuori zona", level=NetworkLevel.NEIGHBOURHOOD,
                                parent=personas.network8, area=personas.municipio1)
    assert info.value.field == "area"


# --- only city networks are roots; no two networks with the same name under the same parent ------


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (NetworkLevel.MUNICIPAL, "Una rete municipale deve avere come rete superiore una rete cittadina."),
        (NetworkLevel.NEIGHBOURHOOD, "Una rete di quartiere deve avere come rete superiore una rete municipale."),
    ],
)
def test_it_refuses_a_municipal_or_neighbourhood_network_without_a_parent(
    personas: Personas, level: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as info:
        services.network_create(by=None, name="Senza rete superiore", level=level)
    assert info.value.field == "parent"
    assert info.value.message == message
    with pytest.raises(ApplicationError) as info:
        services.network_update(network=personas.network8, by=None, parent=None)
    assert info.value.field == "parent"


def test_it_keeps_city_networks_as_roots(personas: Personas) -> None:
    network = services.network_create(by=None, name="Accoglienza", level=NetworkLevel.CITY)
    assert network.parent is None


def test_it_refuses_a_second_network_with_the_same_name_under_the_same_parent(personas: Personas) -> None:
    services.network_create(by=None, name="Rete Villapizzone", level=NetworkLevel.NEIGHBOURHOOD,
                            parent=personas.network8)
    with pytest.raises(ApplicationError) as info:
        services.network_create(by=None, name=" rete villapizzone ", level=NetworkLevel.NEIGHBOURHOOD,
                                parent=personas.network8)
    assert info.value.field == "name"
    assert info.value.message == "Esiste già una rete «rete villapizzone» sotto «QuBì Municipio 8 (test)»."
    # The same name under another parent is another network.
    other = services.network_create(by=None, name="Rete Villapizzone", level=NetworkLevel.NEIGHBOURHOOD,
                                    parent=personas.network1)
    assert other.slug == "rete-villapizzone-2"


def test_it_refuses_a_second_root_network_with_the_same_name(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.network_create(by=None, name="QuBì Milano (test)", level=NetworkLevel.CITY)
    assert info.value.field == "name"
    assert info.value.message == "Esiste già una rete principale «QuBì Milano (test)»."


def test_it_refuses_renaming_a_network_like_a_sibling(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.network_update(network=personas.network8, by=None, name="QuBì Municipio 1 (test)")
    assert info.value.field == "name"
    personas.network8.refresh_from_db()
    assert personas.network8.name == "QuBì Municipio 8 (test)"
    # Keeping its own name (any case) is no conflict.
    services.network_update(network=personas.network8, by=None, name="QuBì MUNICIPIO 8 (test)")
