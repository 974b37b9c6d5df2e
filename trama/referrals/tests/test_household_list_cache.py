"""The household list's ids kept by the process (`trama.records.listing`): after every change of who may list
what, the next list is the one the funnel gives — for every persona, change after change."""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableSequence

import pytest
from django.urls import reverse
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.testing import Personas
from trama.records import access, gdpr, listing
from trama.records import consent as consent_services
from trama.records import services as records_services
from trama.records.models import AccessChange, Household
from trama.records.tests.helpers import make_household
from trama.referrals import services
from trama.referrals.tests.helpers import C, give_consent, make_family, sent
from trama.territory.models import Area, AreaKind

SCOPED = "scoped-a@test.trama.invalid"  # Alfa's proximity worker within Municipio 8's network only
READERS = ("proximity", "proximity_b", "referent_b", "social_worker", "coordinator", "referent_other", "evaluator",
           "unit_lead")


def _fresh(user: User) -> list[int]:
    """What the funnel gives now, without the process's copy."""
    return list(access.households_visible_to(user).order_by("-opened_on", "-id").values_list("pk", flat=True))


def _readers(p: Personas) -> list[User]:
    return [getattr(p, name) for name in READERS] + list(User.objects.filter(email=SCOPED))


def _check(p: Personas) -> None:
    for user in _readers(p):
        assert list(access.household_ids_listed(user)) == _fresh(user), user.email


def _warm(p: Personas) -> None:
    for user in _readers(p):
        access.household_ids_listed(user)


def test_every_change_of_access_is_seen_by_the_next_list(personas: Personas) -> None:
    p = personas
    scoped = User.objects.create_user(email=SCOPED, password="x-Trama-1-test", full_name="Zoe Zona")
    Membership.objects.create(user=scoped, organisation=p.ets_a, role=Role.PROXIMITY_WORKER, network=p.network8,
                              valid_from=dt.date(2024, 5, 8))
    steps = []
    family = make_family(p)
    steps.append("household created")
    _check(p)

    def step(name: str) -> None:
        steps.append(name)
        _check(p)
        _warm(p)

    _warm(p)
    consent = give_consent(p, family, categories=[C.IDENTITY, C.NEEDS_AND_PLAN])  # names Beta
    step("consent naming Beta")
    assert family.household.pk in access.household_ids_listed(p.proximity_b)
    consent_services.consent_withdraw(consent=consent, by=p.proximity, reason="ci ha ripensato")
    step("consent withdrawn")
    assert family.household.pk not in access.household_ids_listed(p.proximity_b)

    network_consent = give_consent(p, family, categories=[C.IDENTITY, C.NEEDS_AND_PLAN], networks=[p.network8])
    step("consent naming the network")
    consent_services.consent_withdraw(consent=network_consent, by=p.proximity, reason="")
    step("network consent withdrawn")

    give_consent(p, family, categories=[C.IDENTITY, C.NEEDS_AND_PLAN])
    step("consent for the referral")
    referral = sent(p, family)
    step("referral sent")
    services.referral_accept(referral=referral, by=p.referent_b)
    step("referral accepted")
    services.referral_start(referral=referral, by=p.referent_b)
    step("referral in progress")
    services.referral_complete(referral=referral, by=p.referent_b, outcome="got_help")
    step("referral completed")

    record = consent_services.legal_basis_record(
        household=family.household, by=p.social_worker, basis="public_task", reference="L. 328/2000",
        reason="presa in carico dei servizi sociali", categories=[C.IDENTITY], organisation=p.comune)
    step("legal basis recorded")
    consent_services.legal_basis_revoke(record=record, by=p.social_worker)
    step("legal basis revoked")

    records_services.household_update(household=family.household, by=p.proximity, municipio=p.municipio8)
    step("placed in Municipio 8: the network-scoped member")
    assert family.household.pk in access.household_ids_listed(scoped)
    records_services.household_update(household=family.household, by=p.proximity, municipio=p.municipio1)
    step("moved to Municipio 1")
    assert family.household.pk not in access.household_ids_listed(scoped)

    other = make_household(p, label="Famiglia T.")
    step("another household")
    transfer = services.case_transfer_request(household=other, by=p.proximity, to_organisation=p.ets_b,
                                              reason="Si trasferisce")
    services.case_transfer_accept(transfer=transfer, by=p.proximity_b)
    step("case transferred")
    assert other.pk in access.household_ids_listed(p.proximity_b)
    assert other.pk not in access.household_ids_listed(p.proximity)
    assert len(steps) == len(set(steps))


def test_a_change_of_membership_is_a_new_key(personas: Personas) -> None:
    p = personas
    household = make_household(p, label="Famiglia S.")
    assert household.pk in access.household_ids_listed(p.proximity)
    Membership.objects.filter(user=p.proximity).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    user = User.objects.get(pk=p.proximity.pk)  # a new request: grants read again
    assert list(access.household_ids_listed(user)) == [] == _fresh(user)


def test_a_new_day_is_a_new_key(personas: Personas) -> None:
    """Consents and legal bases expire by date: the day is part of the key."""
    p = personas
    family = make_family(p)
    consent_services.consent_record(
        household=family.household, by=p.proximity, purposes=["share_named_organisations"],
        categories=[C.IDENTITY], given_on=timezone.localdate() - dt.timedelta(days=1), notice_version="2026-11",
        notice_language="it", recipient_organisations=[p.ets_b], given_by_name="Amina",
        expires_on=timezone.localdate())
    assert family.household.pk in access.household_ids_listed(p.proximity_b)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert family.household.pk not in access.household_ids_listed(p.proximity_b, at=tomorrow)


def test_an_entry_lives_at_most_the_ttl(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change written behind the signals' back (a raw UPDATE) is seen once the entry is too old."""
    p = personas
    household = make_household(p, label="Famiglia U.")
    other = make_household(p, label="Famiglia V.", organisation=p.ets_b)
    assert other.pk not in access.household_ids_listed(p.proximity)
    Household.objects.filter(pk=other.pk).update(organisation=p.ets_a)  # no signal, no change row
    assert other.pk not in access.household_ids_listed(p.proximity)  # the process's copy
    clock = listing.time.monotonic() + listing.TTL_SECONDS + 1
    monkeypatch.setattr(listing.time, "monotonic", lambda: clock)
    assert {household.pk, other.pk} <= set(access.household_ids_listed(p.proximity))


def test_a_stale_list_never_shows_a_household_the_user_may_not_open(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    mine = make_household(p, label="Famiglia W.")
    client = client_as(p.proximity)
    assert mine.reference_code in client.get(reverse("records:household_list")).content.decode()
    Household.objects.filter(pk=mine.pk).update(organisation=p.ets_b)  # behind the signals' back
    page = client.get(reverse("records:household_list")).content.decode()
    assert mine.reference_code not in page  # the page's rows are tested again


def test_the_stamp_sees_a_change_committed_after_a_newer_one(db: None) -> None:
    """PostgreSQL gives ids at insert: a change with a lower id may commit after one with a higher id."""
    newer = AccessChange.objects.create(id=500)
    before = listing.stamp()
    AccessChange.objects.create(id=499)  # committed later, with an older id
    assert listing.stamp() != before
    assert newer.pk == 500


def test_old_change_rows_are_pruned(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "PRUNE_EVERY", 1)  # every change prunes
    monkeypatch.setattr(listing, "KEEP", 2)
    for _n in range(6):
        listing.changed()
    ids = list(AccessChange.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == 2 and ids[-1] - ids[0] == 1  # the newest KEEP


def test_break_glass_users_are_not_cached(personas: Personas) -> None:
    p = personas
    household = make_household(p, label="Famiglia Z.")
    ids = access.household_ids_listed(p.admin)
    assert household.pk not in ids
    consent_services.break_glass_open(user=p.admin, household=household, reason="Verifica urgente richiesta dal "
                                      "tribunale per i minorenni")
    assert household.pk in access.household_ids_listed(p.admin)


def test_anonymisation_blanking_the_nil_is_a_change(personas: Personas) -> None:
    """Anonymisation writes through QuerySet.update (no signal): blanking the NIL takes the household away from a
    network-scoped member who reached it through its NIL only."""
    p = personas
    nil = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-8X", name="NIL 8X", parent=p.municipio8)
    scoped = User.objects.create_user(email=SCOPED, password="x-Trama-1-test", full_name="Zoe Zona")
    Membership.objects.create(user=scoped, organisation=p.ets_a, role=Role.PROXIMITY_WORKER, network=p.network8,
                              valid_from=dt.date(2024, 5, 8))
    household = make_household(p, label="Famiglia N.", nil=nil)
    records_services.household_close(household=household, by=p.proximity, reason="other", note="si trasferisce")
    assert household.pk in access.household_ids_listed(scoped)
    gdpr.household_anonymise(household=household, by=p.proximity, reason=gdpr.AnonymisationReason.ERASURE_REQUEST)
    user = User.objects.get(pk=scoped.pk)  # the next request
    assert list(access.household_ids_listed(user)) == _fresh(user) == []


def test_a_list_as_of_an_instant_before_the_newest_change_is_not_kept(personas: Personas) -> None:
    """A request takes its instant, then a withdrawal commits before the request reads the stamp: the list it
    computes (as of its instant, with the consent) must not be kept under the stamp that includes the withdrawal."""
    p = personas
    family = make_family(p)
    consent = give_consent(p, family)  # names Beta
    before = timezone.now()
    consent_services.consent_withdraw(consent=consent, by=p.proximity, reason="")
    assert family.household.pk in access.household_ids_listed(p.proximity_b, at=before)  # true as of then
    user = User.objects.get(pk=p.proximity_b.pk)
    assert family.household.pk not in access.household_ids_listed(user)


def test_a_caller_cannot_change_the_kept_list(personas: Personas) -> None:
    p = personas
    household = make_household(p, label="Famiglia K.")
    ids = access.household_ids_listed(p.proximity)
    assert isinstance(ids, MutableSequence)
    ids[0] = 0
    assert list(access.household_ids_listed(p.proximity)) == [household.pk]
