"""Who may sign a consent and on which basis; and whom a consent to a network reaches (only organisations that
are members of it now, only while the network is active)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.errors import ApplicationError
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records.access import open_household
from trama.records.categories import DataCategory
from trama.records.models import Consent, ConsentPurpose, GivenByKind, HouseholdRole, LegalBasis
from trama.records.notice import CURRENT_NOTICE_VERSION
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def _give(p: Personas, household: Any, **overrides: Any) -> Consent:
    arguments: dict[str, Any] = {
        "household": household, "by": p.proximity, "purposes": [ConsentPurpose.SHARE_NAMED_ORGANISATIONS],
        "categories": [DataCategory.IDENTITY, DataCategory.NEEDS_AND_PLAN], "recipient_organisations": [p.ets_b],
        "recipient_networks": [], "given_on": timezone.localdate(), "notice_version": CURRENT_NOTICE_VERSION,
        "notice_language": "it", "given_by_name": "Amina Haddad",
    }
    arguments.update(overrides)
    return consent_services.consent_record(**arguments)


def _shared_with_network8(p: Personas) -> Any:
    """A household of Cooperativa Alfa with an adult member, shared by consent with Municipio 8's network."""
    household = make_household(p)
    make_person(p, household, birth_date=dt.date(1985, 1, 1))
    _give(p, household, purposes=[ConsentPurpose.SHARE_MUNICIPAL_NETWORK], recipient_organisations=[],
          recipient_networks=[p.network8])
    return household


def _refused(field: str, call: Any) -> str:
    with pytest.raises(ApplicationError) as refused:
        call()
    assert refused.value.field == field, refused.value
    return str(refused.value)


def test_only_the_authorised_role_records_sharing_on_another_legal_basis(personas: Personas, client_as: Any) -> None:
    p = personas
    household = make_household(p)
    make_person(p, household, birth_date=dt.date(1985, 1, 1))
    _refused("legal_basis", lambda: _give(p, household, legal_basis=LegalBasis.PUBLIC_TASK))
    client = client_as(p.proximity)
    page = client.post(f"/records/{household.pk}/consents/new/", {
        "purposes": ["share_named_organisations"], "categories": ["identity", "needs_and_plan"],
        "recipient_organisations": [str(p.ets_other.pk)], "given_by_kind": "person", "given_by_name": "Amina",
        "notice_version": CURRENT_NOTICE_VERSION, "notice_language": "it",
        "given_on": timezone.localdate().isoformat(), "legal_basis": "public_task"})
    assert page.status_code == 200 and "base giuridica diversa dal consenso" in page.content.decode()
    assert not Consent.objects.filter(household=household).exists()
    # The role that records legal bases may (the Comune's social worker, on its own household).
    own = make_household(p, organisation=p.comune)
    make_person(p, own, birth_date=dt.date(1985, 1, 1))
    consent = _give(p, own, by=p.social_worker, legal_basis=LegalBasis.PUBLIC_TASK)
    assert consent.legal_basis == LegalBasis.PUBLIC_TASK


def test_a_minor_never_signs_for_themselves(personas: Personas) -> None:
    p = personas
    alone = make_household(p)  # an unaccompanied minor: nobody else in the household
    omar = make_person(p, alone, first_name_or_alias="Omar", role_in_household=HouseholdRole.OTHER_MINOR,
                       birth_date=dt.date(timezone.localdate().year - 15, 1, 1))
    message = _refused("given_by_kind", lambda: _give(p, alone, given_by_kind=GivenByKind.PERSON))
    assert "tutore" in message
    _give(p, alone, given_by_kind=GivenByKind.GUARDIAN, given_by_name="Tutore volontario",
          guardian_evidence="Decreto del Tribunale per i minorenni n. 123/2026")
    # Unknown age in a minor's role: the protective reading.
    family = make_household(p)
    child = make_person(p, family, first_name_or_alias="Luca", role_in_household=HouseholdRole.CHILD)
    _refused("given_by_kind", lambda: _give(p, family, person=child, given_by_kind=GivenByKind.PERSON))
    _give(p, family, person=child, given_by_kind=GivenByKind.PARENT, given_by_name="Madre")
    assert omar.is_minor() is True


def test_a_parent_does_not_sign_for_an_adult(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    adult = make_person(p, household, birth_date=dt.date(1980, 1, 1))
    message = _refused("given_by_kind", lambda: _give(p, household, person=adult, given_by_kind=GivenByKind.PARENT))
    assert "rappresentante legale" in message
    _give(p, household, person=adult, given_by_kind=GivenByKind.LEGAL_REPRESENTATIVE,
          given_by_name="Amministratore di sostegno", guardian_evidence="Decreto n. 45/2025")


def test_a_scope_on_a_network_the_organisation_is_not_in_reaches_nothing(personas: Personas) -> None:
    p = personas
    household = _shared_with_network8(p)
    stranger = User.objects.create_user(email="g8@test.trama.invalid", password="x-Trama-123456", full_name="G8")
    Membership.objects.create(user=stranger, organisation=p.ets_other, role=Role.PROXIMITY_WORKER,
                              network=p.network8, valid_from=dt.date(2024, 1, 1))  # ets_other is in network 1 only
    with pytest.raises(Http404):
        open_household(stranger, household.pk)
    assert "consent" in open_household(p.referent_b, household.pk).via  # a member of network 8: as before


def test_a_deactivated_network_shares_nothing_any_more(personas: Personas) -> None:
    p = personas
    household = _shared_with_network8(p)
    assert "consent" in open_household(p.referent_b, household.pk).via
    p.network8.is_active = False
    p.network8.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        open_household(p.referent_b, household.pk)


def test_the_consent_card_shows_who_gave_it_and_its_history(personas: Personas, client_as: Any) -> None:
    p = personas
    household = make_household(p)
    make_person(p, household, birth_date=dt.date(1985, 1, 1))
    consent = _give(p, household)
    client = client_as(p.proximity)
    assert client.post(f"/records/{household.pk}/consents/{consent.pk}/form.pdf", {"language": "ar"}).status_code == 200
    consent_services.consent_withdraw(consent=consent, by=p.proximity, reason="Non vuole più")
    page = client.get(f"/records/{household.pk}/").content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"il {today}" in page  # withdrawn on
    assert "Espresso da:" in page and "La persona interessata" in page
    assert "Storia del consenso" in page
    for kind in ("Consenso registrato", "Modulo stampato", "Consenso revocato"):
        assert kind in page, kind
    assert p.proximity.full_name in page


def test_the_api_lists_a_households_legal_bases_like_its_page(personas: Personas, client_as: Any) -> None:
    p = personas
    household = make_household(p, organisation=p.comune)
    record = consent_services.legal_basis_record(
        household=household, by=p.social_worker, basis="public_task", reference="L. 328/2000",
        reason="Presa in carico congiunta con il servizio sociale", categories=[DataCategory.IDENTITY],
        organisation=p.ets_b)
    body = client_as(p.social_worker).get(f"/api/households/{household.pk}/legal-bases").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert (item["id"], item["basis"], item["reference"], item["active"]) == (record.pk, "public_task",
                                                                              "L. 328/2000", True)
    assert item["reason"] == "Presa in carico congiunta con il servizio sociale"
    assert item["recipient"]["organisation"]["id"] == p.ets_b.pk
    # The recipient reads the record, without the reason (needs and plan were not shared with it).
    shared = client_as(p.proximity_b).get(f"/api/households/{household.pk}/legal-bases").json()
    assert shared["results"][0]["reason"] is None
    assert client_as(p.proximity).get(f"/api/households/{household.pk}/legal-bases").status_code == 404
