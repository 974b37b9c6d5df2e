"""The access funnel of social records (trama/records/access.py), condition by condition, and the promise that
lists and single openings agree for every persona."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from trama.accounts.models import Membership
from trama.accounts.roles import Role
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access, consent
from trama.records.categories import DataCategory
from trama.records.models import Household
from trama.records.protection import NotEntitled, reveal
from trama.records.tests.helpers import make_household, make_person

C = DataCategory
NOTICE = "2026-11"
TODAY = dt.date(2026, 11, 20)


def _consent(p: Personas, household: Household, *, categories: list[str], organisations: tuple = (),
             networks: tuple = (), expires_on: dt.date | None = None) -> object:
    purposes = []
    if organisations:
        purposes.append("share_named_organisations")
    if networks:
        purposes.append("share_municipal_network")
    return consent.consent_record(
        household=household, by=p.proximity, purposes=purposes, categories=categories, given_on=TODAY,
        notice_version=NOTICE, notice_language="it", recipient_organisations=organisations,
        recipient_networks=networks, given_by_name="Amina", expires_on=expires_on,
    )


def _opens(user: object, household: Household) -> bool:
    try:
        access.open_household(user, household.pk)  # type: ignore[arg-type]
    except Http404:
        return False
    return True


def test_the_owning_organisation_sees_its_households_according_to_role(personas: Personas) -> None:
    household = make_household(personas)
    opened = access.open_household(personas.proximity, household.pk)
    assert opened.via == ("own",) and opened.can_edit
    assert opened.categories == frozenset(C) and opened.entitlement.sensitive_notes
    referent = access.open_household(personas.referent, household.pk)  # records.view only
    assert not referent.can_edit
    assert C.HEALTH not in referent.categories and C.LEGAL_MIGRATION not in referent.categories
    assert C.IDENTITY in referent.categories and not referent.entitlement.sensitive_notes
    with pytest.raises(PermissionDenied):
        access.open_household(personas.referent, household.pk, write=True)


def test_special_categories_stay_encrypted_for_a_role_without_them(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, disability="yes")
    referent = access.open_household(personas.referent, household.pk)
    with pytest.raises(NotEntitled):
        reveal(person, "disability", entitlement=referent.entitlement)
    worker = access.open_household(personas.proximity, household.pk)
    assert reveal(person, "disability", entitlement=worker.entitlement) == "yes"


def test_other_organisations_and_roles_without_records_get_404(personas: Personas) -> None:
    household = make_household(personas)
    for name in ("proximity_b", "referent_b", "referent_other", "social_worker", "unit_lead", "coordinator",
                 "admin", "evaluator", "volunteer", "facilitator", "officer", "nobody"):
        assert not _opens(personas.users[name], household), name
    assert not _opens(None, household)


def test_a_consent_shares_only_its_categories_with_the_organisations_it_names(personas: Personas) -> None:
    household = make_household(personas)
    _consent(personas, household, categories=[C.IDENTITY, C.NEEDS_AND_PLAN, C.HEALTH],
             organisations=(personas.ets_b,))
    shared = access.open_household(personas.proximity_b, household.pk)
    assert shared.via == ("consent",) and not shared.can_edit
    assert shared.categories == {C.IDENTITY, C.NEEDS_AND_PLAN, C.HEALTH}
    assert not shared.entitlement.sensitive_notes  # sensitive notes never leave the owner
    # The same consent, read by a role of the same organisation that holds no special categories.
    assert access.open_household(personas.referent_b, household.pk).categories == {C.IDENTITY, C.NEEDS_AND_PLAN}
    with pytest.raises(PermissionDenied):
        access.open_household(personas.proximity_b, household.pk, write=True)
    assert not _opens(personas.referent_other, household)  # not named


def test_a_withdrawal_takes_effect_on_the_next_request(personas: Personas) -> None:
    household = make_household(personas)
    given = _consent(personas, household, categories=[C.IDENTITY], organisations=(personas.ets_b,))
    assert _opens(personas.proximity_b, household)
    consent.consent_withdraw(consent=given, by=personas.proximity)  # type: ignore[arg-type]
    assert not _opens(personas.proximity_b, household)
    assert household not in access.households_visible_to(personas.proximity_b)


def test_an_expired_consent_shares_nothing(personas: Personas) -> None:
    household = make_household(personas)
    _consent(personas, household, categories=[C.IDENTITY], organisations=(personas.ets_b,),
             expires_on=TODAY + dt.timedelta(days=10))
    assert _opens(personas.proximity_b, household)
    later = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=11), dt.time(9)))
    assert not access.households_visible_to(personas.proximity_b, at=later).exists()
    with pytest.raises(Http404):
        access.open_household(personas.proximity_b, household.pk, at=later)


def test_a_consent_naming_the_municipal_network_reaches_its_members_only(personas: Personas) -> None:
    household = make_household(personas)
    _consent(personas, household, categories=[C.IDENTITY, C.CONTACTS], networks=(personas.network8,))
    assert access.open_household(personas.proximity_b, household.pk).categories == {C.IDENTITY, C.CONTACTS}
    assert access.open_household(personas.social_worker, household.pk).via == ("consent",)
    assert not _opens(personas.referent_other, household)  # Municipio 1's network only
    assert not _opens(personas.evaluator, household)  # evaluators never see identities


def test_a_legal_basis_record_shares_its_categories(personas: Personas) -> None:
    household = make_household(personas)
    assert not _opens(personas.social_worker, household)
    assert access.can_record_legal_basis(personas.social_worker)
    assert not access.can_record_legal_basis(personas.proximity)
    consent.legal_basis_record(household=household, by=personas.social_worker, basis="public_task",
                               reference="L. 328/2000 art. 22", reason="Presa in carico del servizio sociale.",
                               categories=[C.IDENTITY, C.LEGAL_MIGRATION], organisation=personas.comune)
    opened = access.open_household(personas.social_worker, household.pk)
    assert opened.via == ("legal_basis",) and opened.categories == {C.IDENTITY, C.LEGAL_MIGRATION}
    # The unit lead of the same organisation holds no special categories.
    assert access.open_household(personas.unit_lead, household.pk).categories == {C.IDENTITY}


def test_break_glass_opens_everything_for_its_duration_and_is_audited(personas: Personas) -> None:
    household = make_household(personas)
    assert not _opens(personas.admin, household)
    assert access.can_break_glass(personas.admin) and not access.can_break_glass(personas.proximity)
    consent.break_glass_open(user=personas.admin, household=household,
                             reason="Richiesta urgente della Procura per un minore in pericolo.")
    opened = access.open_household(personas.admin, household.pk)
    assert opened.via == ("break_glass",) and opened.categories == frozenset(C)
    assert opened.entitlement.sensitive_notes and not opened.can_edit
    later = timezone.now() + dt.timedelta(hours=2)
    assert not access.households_visible_to(personas.admin, at=later).exists()


def test_a_scoped_membership_sees_its_own_organisations_households_in_its_area_only(personas: Personas) -> None:
    from trama.records import services

    worker = personas.social_worker
    Membership.objects.filter(user=worker).update(network=personas.network8)
    in_m8 = services.household_create(organisation=personas.comune, by=personas.unit_lead,
                                      municipio=personas.municipio8)
    in_m1 = services.household_create(organisation=personas.comune, by=personas.unit_lead,
                                      municipio=personas.municipio1)
    mine = services.household_create(organisation=personas.comune, by=worker)
    visible = set(access.households_visible_to(worker))
    assert in_m8 in visible and mine in visible and in_m1 not in visible
    among = access.households_visible_to(worker, among=[in_m8.pk, in_m1.pk, mine.pk])
    assert set(among) == {in_m8, mine}
    assert not _opens(worker, in_m1)


def test_every_opening_and_every_denial_is_audited(personas: Personas) -> None:
    household = make_household(personas)
    access.open_household(personas.proximity, household.pk)
    event = AuditEvent.objects.filter(action="records.household.view").latest("pk")
    assert event.actor == personas.proximity and event.details["via"] == ["own"]
    with pytest.raises(Http404):
        access.open_household(personas.proximity_b, household.pk)
    denied = AuditEvent.objects.filter(action="access.denied", object_type="records.household").latest("pk")
    assert denied.actor == personas.proximity_b and denied.object_id == str(household.pk)
    with pytest.raises(Http404):
        access.open_household(personas.proximity, "not-a-number")


def test_lists_and_openings_agree_for_every_persona(personas: Personas) -> None:
    own = make_household(personas)
    shared = make_household(personas)
    _consent(personas, shared, categories=[C.IDENTITY], organisations=(personas.ets_b,))
    networked = make_household(personas)
    _consent(personas, networked, categories=[C.IDENTITY], networks=(personas.network8,))
    other = make_household(personas, organisation=personas.ets_other)
    by_law = make_household(personas)
    consent.legal_basis_record(household=by_law, by=personas.social_worker, basis="public_task",
                               reference="L. 328/2000 art. 22", reason="Presa in carico del servizio sociale.",
                               categories=[C.IDENTITY], organisation=personas.comune)
    urgent = make_household(personas, organisation=personas.ets_other)
    consent.break_glass_open(user=personas.admin, household=urgent,
                             reason="Richiesta urgente della Procura per un minore in pericolo.")
    Membership.objects.create(user=personas.nobody, organisation=personas.ets_b, role=Role.EVALUATOR,
                              valid_from=dt.date(2024, 5, 8))
    households = (own, shared, networked, other, by_law, urgent)
    for name, user in personas.users.items():
        # The list collects the sources as one UNION of ids; a few rows are tested with an OR of conditions.
        listed = set(access.households_visible_to(user))
        among = set(access.households_visible_to(user, among=[h.pk for h in households]))
        assert listed & set(households) == among, name
        for household in households:
            assert (household in listed) == _opens(user, household), (name, household.reference_code)
    assert {h for h in households if h in set(access.households_visible_to(personas.admin))} == {urgent}
    # At a later time (the break-glass access has expired) both forms still agree.
    later = timezone.now() + dt.timedelta(hours=2)
    for name, user in personas.users.items():
        listed = set(access.households_visible_to(user, at=later)) & set(households)
        assert listed == set(access.households_visible_to(user, at=later, among=[h.pk for h in households])), name
    assert urgent not in set(access.households_visible_to(personas.admin, at=later))
    assert by_law in set(access.households_visible_to(personas.social_worker))


def test_lists_and_openings_agree_on_a_consents_dates(personas: Personas) -> None:
    """A list reads the recipients' copies of the consent's dates and skips withdrawn consents; a few rows are
    tested on the consent itself: both agree before the consent is given, on its last day, after it expires, and
    before and after a withdrawal, for an organisation and for a network recipient."""
    today = timezone.localdate()
    expiring = make_household(personas)
    _consent(personas, expiring, categories=[C.IDENTITY], networks=(personas.network8,), expires_on=today)
    withdrawn = make_household(personas)
    given = _consent(personas, withdrawn, categories=[C.IDENTITY], organisations=(personas.ets_b,),
                     networks=(personas.network8,))
    before_withdrawal = timezone.now()
    consent.consent_withdraw(consent=given, by=personas.proximity)  # type: ignore[arg-type]
    households = [expiring, withdrawn]
    rome = ZoneInfo("Europe/Rome")
    instants = {
        "before given": dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(12), tzinfo=rome),
        "before withdrawal": before_withdrawal,
        "now": timezone.now(),
        # The day's last second: after the withdrawal above even when the test runs late in the evening.
        "last day": dt.datetime.combine(today, dt.time(23, 59, 59), tzinfo=rome),
        "expired": dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 30), tzinfo=rome),
    }
    expected = {"before given": set(), "before withdrawal": {expiring, withdrawn}, "now": {expiring},
                "last day": {expiring}, "expired": set()}
    for label, at in instants.items():
        listed = set(access.households_visible_to(personas.proximity_b, at=at)) & set(households)
        among = set(access.households_visible_to(personas.proximity_b, at=at, among=[h.pk for h in households]))
        assert listed == among == expected[label], label
    assert not _opens(personas.proximity_b, withdrawn) and _opens(personas.proximity_b, expiring)


def test_a_consent_given_for_one_member_shows_that_member_only(personas: Personas) -> None:
    household = make_household(personas)
    mother = make_person(personas, household, first_name_or_alias="Amina", disability="no")
    son = make_person(personas, household, first_name_or_alias="Omar", role_in_household="child",
                      birth_year=2015, disability="yes")
    consent.consent_record(
        household=household, person=mother, by=personas.proximity, purposes=["share_named_organisations"],
        categories=[C.IDENTITY, C.HEALTH], given_on=TODAY, notice_version=NOTICE, notice_language="it",
        recipient_organisations=(personas.ets_b,), given_by_name="Amina",
    )
    opened = access.open_household(personas.proximity_b, household.pk)
    assert list(access.people_of(opened)) == [mother]
    assert reveal(mother, "disability", entitlement=opened.entitlement) == "no"
    with pytest.raises(NotEntitled):
        reveal(son, "disability", entitlement=opened.entitlement)
    owner = access.open_household(personas.proximity, household.pk)
    assert set(access.people_of(owner)) == {mother, son}


def test_a_network_named_in_a_consent_reaches_its_own_members_only(personas: Personas) -> None:
    # A cooperative of the city network is not a member of Municipio 8's network: what a family shared with the
    # latter does not reach it (the networks above the one named are not its members), while the Comune, a member
    # of both, is reached.
    from trama.accounts.models import User
    from trama.network.models import NetworkMembership, Organisation

    city_coop = Organisation.objects.create(name="Cooperativa Città (test)", slug="t-citta", kind="ets")
    NetworkMembership.objects.create(network=personas.city_network, organisation=city_coop,
                                     since=dt.date(2024, 1, 1))
    worker = User.objects.create_user(email="citta@test.trama.invalid", password="x-Trama-1-test", full_name="C.")
    Membership.objects.create(user=worker, organisation=city_coop, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2024, 1, 1))
    household = make_household(personas)
    _consent(personas, household, categories=[C.IDENTITY], networks=(personas.network8,))
    assert access.recipient_network_ids(worker, perm="records.view") == {personas.city_network.pk}
    assert not _opens(worker, household)
    assert not access.households_visible_to(worker).filter(pk=household.pk).exists()
    assert _opens(personas.social_worker, household)


def test_a_scoped_membership_reaches_the_networks_below_that_its_own_organisation_belongs_to(
        personas: Personas) -> None:
    # Two scoped memberships in two organisations: the second organisation's membership of a neighbourhood network
    # below the first one's scope does not widen the first.
    from trama.accounts.models import User
    from trama.network.models import Network, NetworkMembership

    p = personas
    below8 = Network.objects.create(name="Rete di quartiere (test)", slug="t-quartiere", level="neighbourhood",
                                    parent=p.network8, programme=p.network8.programme)
    NetworkMembership.objects.create(network=below8, organisation=p.ets_other, since=dt.date(2024, 1, 1))
    user = User.objects.create_user(email="due@test.trama.invalid", password="x-Trama-1-test", full_name="D.")
    Membership.objects.create(user=user, organisation=p.ets_a, role=Role.PROXIMITY_WORKER, network=p.network8,
                              valid_from=dt.date(2024, 1, 1))
    Membership.objects.create(user=user, organisation=p.ets_other, role=Role.PROXIMITY_WORKER, network=p.network1,
                              valid_from=dt.date(2024, 1, 1))
    assert access.recipient_network_ids(user, perm="records.view") == {p.network8.pk, p.network1.pk}
