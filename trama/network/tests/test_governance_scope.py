"""Who manages which network's governance, through the pages: an ETS governs the networks it leads or
co-leads (not those where it is a plain member, nor the networks below), and a Comune role scoped to a
municipal network governs that network and the ones below it, not the city network."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.models import AuditEvent
from trama.core.testing import PASSWORD, Personas
from trama.network import services
from trama.network.models import BodyKind, GovernanceBody, Network, NetworkLevel, NetworkRole
from trama.network.selectors import owner_candidates
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def _reception_network(personas: Personas) -> tuple[Network, GovernanceBody]:
    """A second city network (like the reception co-programming) where ets_a is only a member."""
    network = services.network_create(by=None, name="Accoglienza (test)", level=NetworkLevel.CITY)
    services.network_membership_add(
        network=network, organisation=personas.comune, by=None, role=NetworkRole.LEAD_PARTNER
    )
    services.network_membership_add(network=network, organisation=personas.ets_a, by=None)
    body = services.body_create(
        network=network, by=None, kind=BodyKind.THEMATIC_TABLE, name="Comunità di pratiche (test)"
    )
    return network, body


def _neighbourhood_led_by_ets_b(personas: Personas) -> tuple[Network, GovernanceBody]:
    """A neighbourhood network below network 8, led by ets_b (ets_a is partner of network 8 only)."""
    network = services.network_create(
        by=None, name="Rete Quarto Oggiaro (test)", level=NetworkLevel.NEIGHBOURHOOD, parent=personas.network8
    )
    services.network_membership_add(
        network=network, organisation=personas.ets_b, by=None, role=NetworkRole.LEAD_PARTNER
    )
    body = services.body_create(
        network=network, by=None, kind=BodyKind.PROJECT_GROUP, name="Sportello Quarto Oggiaro (test)"
    )
    return network, body


def test_it_lets_an_ets_referent_read_but_not_govern_a_network_where_it_is_a_plain_member(
    personas: Personas, client_as: ClientAs
) -> None:
    network, body = _reception_network(personas)
    client = client_as(personas.referent)
    assert client.get(reverse("network:body_detail", args=[body.pk])).status_code == 200
    assert client.get(reverse("network:body_edit", args=[body.pk])).status_code == 403
    assert client.post(reverse("network:body_edit", args=[body.pk]), {"name": "X"}).status_code == 403
    assert client.get(reverse("network:body_create", args=[network.slug])).status_code == 403
    assert client.get(reverse("network:meeting_create", args=[body.pk])).status_code == 403
    body.refresh_from_db()
    assert body.name == "Comunità di pratiche (test)"
    denied = AuditEvent.objects.filter(action="access.denied", actor=personas.referent)
    assert denied.filter(object_type="network.governancebody", details__status=403).count() == 4


def test_it_does_not_let_a_partner_govern_the_networks_below_led_by_another_ets(
    personas: Personas, client_as: ClientAs
) -> None:
    network, body = _neighbourhood_led_by_ets_b(personas)
    rita = client_as(personas.referent)  # ets_a: lead partner of network 8, nothing in the network below
    assert rita.get(reverse("network:network_detail", args=[network.slug])).status_code == 200
    assert rita.get(reverse("network:body_detail", args=[body.pk])).status_code == 200
    assert rita.get(reverse("network:body_create", args=[network.slug])).status_code == 403
    assert rita.get(reverse("network:body_edit", args=[body.pk])).status_code == 403
    bruno = client_as(personas.referent_b)  # ets_b leads it
    assert bruno.get(reverse("network:body_create", args=[network.slug])).status_code == 200
    assert bruno.get(reverse("network:body_edit", args=[body.pk])).status_code == 200


def test_it_limits_scoped_comune_roles_to_their_network_and_below(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    integrated = services.body_create(
        network=personas.city_network, by=None, kind=BodyKind.INTEGRATED_STEERING, name="Cabina integrata"
    )
    below, below_body = _neighbourhood_led_by_ets_b(personas)
    for role in (Role.COMMUNITY_SOCIAL_WORKER, Role.MUNICIPAL_UNIT_LEAD):
        user = User.objects.create_user(
            email=f"{role}-m8@test.trama.invalid", password=PASSWORD, full_name=f"{role} M8"
        )
        Membership.objects.create(user=user, organisation=personas.comune, role=role, network=personas.network8)
        client = client_as(user)
        # The city network's bodies are outside the scope: not even visible.
        assert client.get(reverse("network:body_detail", args=[integrated.pk])).status_code == 404
        assert client.get(reverse("network:body_edit", args=[integrated.pk])).status_code == 404
        assert client.get(reverse("network:body_create", args=[personas.city_network.slug])).status_code == 404
        assert client.get(reverse("network:body_detail", args=[gov.other_body.pk])).status_code == 404
        # Network 8 and the networks below it are theirs to govern.
        assert client.get(reverse("network:body_edit", args=[gov.body.pk])).status_code == 200
        assert client.get(reverse("network:body_edit", args=[below_body.pk])).status_code == 200
        assert client.get(reverse("network:body_create", args=[below.slug])).status_code == 200
    # The same role without a scope acts for every network of the Comune, the city one included.
    unscoped = client_as(personas.social_worker)
    assert unscoped.get(reverse("network:body_edit", args=[integrated.pk])).status_code == 200


def test_it_offers_a_scoped_role_as_action_owner_only_within_its_scope(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    sara = User.objects.create_user(email="sara-m8@test.trama.invalid", password=PASSWORD, full_name="Sara M8")
    Membership.objects.create(
        user=sara, organisation=personas.comune, role=Role.COMMUNITY_SOCIAL_WORKER, network=personas.network8
    )
    assert sara in owner_candidates(personas.network8)
    assert sara not in owner_candidates(personas.network1)
    assert personas.social_worker in owner_candidates(personas.network1)  # unscoped: every Comune network
    # The form offers what the service accepts.
    page = client_as(personas.coordinator).get(reverse("network:action_create", args=[gov.other_body.pk]))
    assert "Sara M8" not in page.content.decode()
