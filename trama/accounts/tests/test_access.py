"""The access policy's helpers, condition by condition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from trama.accounts import access
from trama.accounts.models import Membership
from trama.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from trama.core.testing import Personas
from trama.network.models import Network, NetworkLevel, NetworkMembership

pytestmark = pytest.mark.django_db


def test_it_gives_anonymous_users_nothing(personas: Personas) -> None:
    anonymous = AnonymousUser()
    assert not access.active_memberships(anonymous).exists()
    assert not access.organisations_for(anonymous).exists()
    assert not access.networks_for(anonymous).exists()
    assert not access.areas_for(anonymous).exists()
    assert not access.has_perm(anonymous, Perm.NETWORK_VIEW)


def test_it_gives_a_user_without_memberships_nothing(personas: Personas) -> None:
    assert not access.organisations_for(personas.nobody).exists()
    assert not access.networks_for(personas.nobody).exists()
    assert access.permissions_for(personas.nobody) == set()


def test_it_ignores_memberships_not_yet_started(personas: Personas) -> None:
    user = personas.nobody
    Membership.objects.create(user=user, organisation=personas.ets_a, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date.today() + dt.timedelta(days=1))
    assert not access.organisations_for(user).exists()


def test_it_ignores_memberships_that_ended(personas: Personas) -> None:
    user = personas.nobody
    Membership.objects.create(user=user, organisation=personas.ets_a, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2020, 1, 1), valid_until=dt.date.today() - dt.timedelta(days=1))
    assert not access.organisations_for(user).exists()
    assert access.organisations_for(user).count() == 0


def test_it_counts_a_membership_ending_today(personas: Personas) -> None:
    user = personas.nobody
    Membership.objects.create(user=user, organisation=personas.ets_a, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2020, 1, 1), valid_until=dt.date.today())
    assert list(access.organisations_for(user)) == [personas.ets_a]


def test_it_ignores_inactive_users(personas: Personas) -> None:
    user = personas.proximity
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not access.organisations_for(user).exists()
    assert not access.has_perm(user, Perm.RECORDS_VIEW)


def test_it_ignores_inactive_organisations(personas: Personas) -> None:
    personas.ets_a.is_active = False
    personas.ets_a.save(update_fields=["is_active"])
    assert not access.organisations_for(personas.proximity).exists()


def test_it_scopes_permissions_to_the_organisation(personas: Personas) -> None:
    assert access.has_perm(personas.referent, Perm.GOVERNANCE_MANAGE, organisation=personas.ets_a)
    assert not access.has_perm(personas.referent, Perm.GOVERNANCE_MANAGE, organisation=personas.ets_b)


def test_it_gives_each_role_only_its_permissions(personas: Personas) -> None:
    assert access.permissions_for(personas.volunteer) == set(ROLE_PERMISSIONS[Role.VOLUNTEER])
    assert not access.has_perm(personas.volunteer, Perm.RECORDS_VIEW)
    assert not access.has_perm(personas.evaluator, Perm.RECORDS_VIEW)
    assert access.has_perm(personas.evaluator, Perm.AGGREGATES_VIEW)


def test_it_defines_permissions_for_every_role() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    for role, perms in ROLE_PERMISSIONS.items():
        assert Perm.NETWORK_VIEW in perms, role


def test_it_gives_networks_through_organisation_membership(personas: Personas) -> None:
    assert set(access.networks_for(personas.proximity)) == {personas.network8}
    assert set(access.networks_for(personas.referent_other)) == {personas.network1}


def test_it_gives_networks_below_a_membership(personas: Personas) -> None:
    child = Network.objects.create(name="Quartiere", slug="t-q", level=NetworkLevel.NEIGHBOURHOOD,
                                   parent=personas.network8)
    assert child in access.networks_for(personas.proximity)
    assert child not in access.networks_for(personas.referent_other)


def test_it_ignores_network_memberships_that_ended(personas: Personas) -> None:
    NetworkMembership.objects.filter(organisation=personas.ets_b).update(until=dt.date(2024, 12, 31))
    assert not access.networks_for(personas.proximity_b).exists()


def test_it_ignores_network_memberships_not_yet_started(personas: Personas) -> None:
    NetworkMembership.objects.filter(organisation=personas.ets_b).update(since=dt.date.today() + dt.timedelta(days=3))
    assert not access.networks_for(personas.proximity_b).exists()


def test_it_gives_every_network_to_city_wide_roles(personas: Personas) -> None:
    everything = set(Network.objects.all())
    assert set(access.networks_for(personas.coordinator)) == everything
    assert set(access.networks_for(personas.admin)) == everything
    assert access.is_city_wide(personas.coordinator)
    assert not access.is_city_wide(personas.social_worker)


def test_a_city_wide_role_widens_only_the_permissions_it_grants(personas: Personas) -> None:
    # A Comune employee: community social worker for Municipio 8 and, in another membership, city coordinator.
    # Coordinating the city does not make them read records shared with every network.
    from trama.accounts.models import User

    user = User.objects.create_user(email="doppio@test.trama.invalid", password="x-Trama-1-test", full_name="D.")
    Membership.objects.create(user=user, organisation=personas.comune, role=Role.COMMUNITY_SOCIAL_WORKER,
                              network=personas.network8, valid_from=dt.date(2024, 1, 1))
    Membership.objects.create(user=user, organisation=personas.comune, role=Role.CITY_COORDINATOR,
                              valid_from=dt.date(2024, 1, 1))
    assert access.network_ids_for(user) is None
    assert access.network_ids_for(user, perm=Perm.NETWORK_CONFIGURE) is None
    assert access.network_ids_for(user, perm=Perm.RECORDS_VIEW) == {personas.network8.pk}
    assert access.network_ids_for(user, perm=Perm.RECORDS_SPECIAL) == {personas.network8.pk}
    assert access.network_ids_for(user, perm=Perm.FUNDS_APPROVE) == set()


def test_it_filters_networks_by_permission(personas: Personas) -> None:
    assert not access.networks_for(personas.volunteer, perm=Perm.GOVERNANCE_MANAGE).exists()
    assert set(access.networks_for(personas.referent, perm=Perm.GOVERNANCE_MANAGE)) == {personas.network8}


def test_it_gives_areas_of_the_networks_and_below(personas: Personas) -> None:
    assert set(access.areas_for(personas.proximity)) == {personas.municipio8}
    assert personas.city in access.areas_for(personas.evaluator)  # the university is in the city network
    assert personas.municipio8 in access.areas_for(personas.evaluator)
    assert set(access.areas_for(personas.coordinator)) >= {personas.city, personas.municipio1, personas.municipio8}


def test_it_lets_governance_roles_manage_only_their_networks(personas: Personas) -> None:
    assert access.can_manage_governance(personas.referent, personas.network8)
    assert not access.can_manage_governance(personas.referent, personas.network1)
    assert not access.can_manage_governance(personas.proximity, personas.network8)
    assert access.can_manage_governance(personas.coordinator, personas.network1)


def test_it_lets_only_configuring_roles_configure_networks(personas: Personas) -> None:
    assert access.can_configure_networks(personas.coordinator)
    assert access.can_configure_networks(personas.admin)
    assert not access.can_configure_networks(personas.referent)
    assert not access.can_configure_networks(personas.social_worker)


def test_it_lets_organisation_editors_edit_only_their_own(personas: Personas) -> None:
    assert access.can_edit_organisation(personas.referent, personas.ets_a)
    assert not access.can_edit_organisation(personas.referent, personas.ets_b)
    assert not access.can_edit_organisation(personas.proximity, personas.ets_a)
    assert access.can_edit_organisation(personas.coordinator, personas.ets_b)


def test_it_requires_two_factor_for_roles_that_see_records(personas: Personas) -> None:
    assert access.requires_two_factor(personas.social_worker)
    assert access.requires_two_factor(personas.proximity)
    assert access.requires_two_factor(personas.reception)
    assert not access.requires_two_factor(personas.volunteer)
    assert not access.requires_two_factor(personas.evaluator)
    assert not access.requires_two_factor(personas.coordinator)


def test_it_limits_a_network_scoped_membership_to_that_network_and_below(personas: Personas) -> None:
    child = Network.objects.create(name="Quartiere", slug="t-q8", level=NetworkLevel.NEIGHBOURHOOD,
                                   parent=personas.network8)
    NetworkMembership.objects.create(network=personas.network1, organisation=personas.comune, role="partner")
    Membership.objects.filter(user=personas.social_worker).update(network=personas.network8)
    assert set(access.networks_for(personas.social_worker)) == {personas.network8, child}
    assert access.can_manage_governance(personas.social_worker, child)
    assert not access.can_manage_governance(personas.social_worker, personas.network1)
    assert not access.can_manage_governance(personas.social_worker, personas.city_network)


def test_it_lets_only_governing_partners_manage_a_network(personas: Personas) -> None:
    # ets_other joins network8 as a plain member: it takes part, it does not govern.
    NetworkMembership.objects.create(network=personas.network8, organisation=personas.ets_other, role="member")
    assert personas.network8 in access.networks_for(personas.referent_other)
    assert not access.can_manage_governance(personas.referent_other, personas.network8)
    # Governing a municipal network does not pass down to neighbourhood networks with their own lead.
    child = Network.objects.create(name="Quartiere", slug="t-q8b", level=NetworkLevel.NEIGHBOURHOOD,
                                   parent=personas.network8)
    assert child in access.networks_for(personas.referent)
    assert not access.can_manage_governance(personas.referent, child)


def test_it_memoises_answers_for_the_request(personas: Personas, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = personas.referent
    access.start_request_cache(user)
    access.networks_for(user).count()
    access.can_manage_governance(user, personas.network8)
    with django_assert_num_queries(0):
        access.has_perm(user, Perm.NETWORK_VIEW)
        access.roles_of(user)
        access.network_ids_for(user)
        access.can_manage_governance(user, personas.network8)


def test_it_requires_two_factor_for_audit_readers_too(personas: Personas) -> None:
    assert access.requires_two_factor(personas.admin)
