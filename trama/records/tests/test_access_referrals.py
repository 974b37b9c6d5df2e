"""The records funnel's "referral" source: an accepted or in-progress referral lets the receiving organisation read
the referred members, only the shared categories, while its consent (or legal basis) is in force; lists and
openings agree at every step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access
from trama.records import consent as consent_services
from trama.records.models import Household
from trama.records.protection import NotEntitled, reveal
from trama.referrals import services
from trama.referrals.tests.helpers import C, Family, give_consent, make_family, sent


def _carer(p: Personas) -> User:
    """An operator of Associazione Beta whose role is scoped to another network (Municipio 1): no consent naming
    Municipio 8's network reaches them, so only a referral addressed to their organisation can."""
    user = User.objects.create_user(email="carer@test.trama.invalid", password="x-Trama-1-test", full_name="Carla B.")
    Membership.objects.create(user=user, organisation=p.ets_b, role=Role.PROXIMITY_WORKER, network=p.network1,
                              valid_from=dt.date(2024, 5, 8))
    return user


def _opens(user: User, household: Household) -> bool:
    try:
        access.open_household(user, household.pk)
    except Http404:
        return False
    return True


def _agree(user: User, household: Household) -> bool:
    listed = access.households_visible_to(user).filter(pk=household.pk).exists()
    assert listed == _opens(user, household)  # lists and openings agree
    return listed


def _setup(p: Personas) -> tuple[Family, User]:
    family = make_family(p)
    give_consent(p, family, networks=[p.network8],
                 categories=[C.IDENTITY, C.NEEDS_AND_PLAN, C.CONTACTS, C.HEALTH])
    return family, _carer(p)


def test_acceptance_gives_the_receiver_only_the_shared_categories_of_the_referred_members(
        personas: Personas) -> None:
    family, carer = _setup(personas)
    referral = sent(personas, family)  # the child, identity and needs and plan
    assert not _agree(carer, family.household)  # sent is not enough

    services.referral_accept(referral=referral, by=carer)
    assert _agree(carer, family.household)
    opened = access.open_household(carer, family.household.pk)
    assert opened.via == ("referral",)
    assert opened.categories == frozenset({C.IDENTITY, C.NEEDS_AND_PLAN})
    assert opened.person_ids == frozenset({family.child.pk})
    assert list(access.people_of(opened)) == [family.child]
    assert not opened.can_edit
    with pytest.raises(NotEntitled):  # health was in the consent, not in the referral
        reveal(family.child, "health_notes", entitlement=opened.entitlement)
    with pytest.raises(NotEntitled):  # the parent was not referred
        reveal(family.parent, "health_notes", entitlement=opened.entitlement)
    event = AuditEvent.objects.filter(action="records.household.view", actor=carer).latest("pk")
    assert event.details["via"] == ["referral"] and event.details["people"] == [family.child.pk]

    services.referral_start(referral=referral, by=carer)
    assert _agree(carer, family.household)
    services.referral_complete(referral=referral, by=carer, outcome="got_help")
    assert not _agree(carer, family.household)  # the loop is closed: access ends


def test_the_referral_adds_its_categories_to_a_consent_reader(personas: Personas) -> None:
    family, _carer_user = _setup(personas)
    referral = sent(personas, family, categories=[C.IDENTITY, C.HEALTH])
    services.referral_accept(referral=referral, by=personas.proximity_b)
    opened = access.open_household(personas.proximity_b, family.household.pk)
    assert set(opened.via) == {"consent", "referral"}
    assert reveal(family.child, "health_notes", entitlement=opened.entitlement) == "allergia"


def test_withdrawing_the_consent_ends_the_referrals_access_at_the_next_request(personas: Personas) -> None:
    family, carer = _setup(personas)
    referral = sent(personas, family)
    services.referral_accept(referral=referral, by=carer)
    assert _agree(carer, family.household)
    assert referral.consent is not None
    consent_services.consent_withdraw(consent=referral.consent, by=personas.proximity)
    assert not _agree(carer, family.household)
    assert AuditEvent.objects.filter(action="access.denied", actor=carer).exists()


def test_a_revoked_legal_basis_ends_the_referrals_access(personas: Personas) -> None:
    family = make_family(personas)
    carer = _carer(personas)
    record = consent_services.legal_basis_record(
        household=family.household, by=personas.social_worker, basis="public_task",
        reference="L. 328/2000 art. 22", reason="Tutela del minore", categories=[C.IDENTITY, C.NEEDS_AND_PLAN],
        network=personas.network8)
    referral = sent(personas, family)
    assert referral.legal_basis == record
    services.referral_accept(referral=referral, by=carer)
    assert _agree(carer, family.household)
    consent_services.legal_basis_revoke(record=record, by=personas.social_worker)
    assert not _agree(carer, family.household)


def test_cancelled_declined_and_other_organisations_referrals_give_nothing(personas: Personas) -> None:
    family, carer = _setup(personas)
    declined = sent(personas, family)
    services.referral_decline(referral=declined, by=carer, reason="no_capacity")
    assert not _agree(carer, family.household)
    cancelled = sent(personas, family)
    services.referral_accept(referral=cancelled, by=carer)
    assert _agree(carer, family.household)
    services.referral_cancel(referral=cancelled, by=personas.proximity)
    assert not _agree(carer, family.household)
    # An organisation the referral is not addressed to sees nothing through it.
    assert not _agree(personas.referent_other, family.household)


def test_two_referrals_share_their_categories_with_their_own_members_only(personas: Personas) -> None:
    # The child is referred with health, the parent with identity only: the parent's health stays closed.
    family, carer = _setup(personas)
    for_child = sent(personas, family, categories=[C.IDENTITY, C.HEALTH])
    for_parent = sent(personas, family, people=[family.parent], categories=[C.IDENTITY])
    services.referral_accept(referral=for_child, by=carer)
    services.referral_accept(referral=for_parent, by=carer)
    opened = access.open_household(carer, family.household.pk)
    assert opened.person_ids == {family.child.pk, family.parent.pk}
    assert opened.categories_for(family.child.pk) == {C.IDENTITY, C.HEALTH}
    assert opened.categories_for(family.parent.pk) == {C.IDENTITY}
    assert reveal(family.child, "health_notes", entitlement=opened.entitlement) == "allergia"
    with pytest.raises(NotEntitled):
        reveal(family.parent, "health_notes", entitlement=opened.entitlement)
