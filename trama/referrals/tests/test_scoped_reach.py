"""A membership scoped to a Municipio's network reads and acts on referrals and case transfers only about
households of that Municipio (or created by the user), like the records funnel; an unscoped one everywhere."""

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
from trama.directory import services as directory_services
from trama.records import access as records_access
from trama.records import consent as consent_services
from trama.records import services as records_services
from trama.referrals import access, services
from trama.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def _scoped_social_worker(p: Personas) -> User:
    user = User.objects.create_user(email="scoped@test.trama.invalid", password="x-Trama-123456",
                                    full_name="Sandra Scoped")
    Membership.objects.create(user=user, organisation=p.comune, role=Role.COMMUNITY_SOCIAL_WORKER,
                              network=p.network8, valid_from=dt.date(2024, 5, 8))
    return user


def _referral_from_municipio(p: Personas, municipio: Any) -> Referral:
    household = records_services.household_create(organisation=p.comune, by=p.social_worker, label="Famiglia",
                                                  municipio=municipio)
    records_services.person_add(household=household, by=p.social_worker, role_in_household="parent",
                                first_name_or_alias="Madre")
    child = records_services.person_add(household=household, by=p.social_worker, role_in_household="child",
                                        first_name_or_alias="Luca")
    service = directory_services.service_create(by=p.referent_b, organisation=p.ets_b, maintainer=p.ets_b,
                                                name=f"Servizio {municipio.name}")
    consent_services.consent_record(
        household=household, by=p.social_worker, purposes=["share_named_organisations"],
        categories=["identity", "needs_and_plan"], given_on=timezone.localdate(), notice_version="2026-11",
        notice_language="it", recipient_organisations=[p.ets_b], recipient_networks=[], given_by_name="Madre",
        person=None, given_by_kind="person")
    referral = services.referral_create(household=household, by=p.social_worker, people=[child], service=service,
                                        reason=f"Motivo {municipio.name}", categories=["identity"])
    services.referral_send(referral=referral, by=p.social_worker)
    return referral


def test_a_scoped_member_reaches_only_the_referrals_of_its_municipio(personas: Personas, client_as: Any) -> None:
    p = personas
    elsewhere = _referral_from_municipio(p, p.municipio1)
    here = _referral_from_municipio(p, p.municipio8)
    scoped = _scoped_social_worker(p)
    with pytest.raises(Http404):  # the records funnel: not its Municipio
        records_access.open_household(scoped, elsewhere.household_id)

    assert list(access.referrals_visible_to(scoped)) == [here]
    assert [r.pk for r in access.outbox(scoped)] == [here.pk]
    client = client_as(scoped)
    page = client.get(f"/referrals/{elsewhere.pk}/")
    assert page.status_code == 404 and b"Motivo Municipio 1" not in page.content
    assert client.post(f"/referrals/{elsewhere.pk}/cancel/").status_code == 404
    with pytest.raises(ApplicationError):
        services.referral_cancel(referral=elsewhere, by=scoped)
    assert Referral.objects.get(pk=elsewhere.pk).status == ReferralStatus.SENT
    assert client.get(f"/api/referrals/{elsewhere.pk}").status_code == 404
    assert [item["id"] for item in client.get("/api/referrals").json()["results"]] == [here.pk]

    assert client.get(f"/referrals/{here.pk}/").status_code == 200  # its own Municipio's: as before
    services.referral_cancel(referral=here, by=scoped)
    # The unscoped social worker of the same organisation still reaches both.
    assert {r.pk for r in access.referrals_visible_to(p.social_worker)} == {elsewhere.pk, here.pk}


def test_a_scoped_member_handles_its_organisations_transfers_only_of_its_municipio(personas: Personas) -> None:
    """As the holder (the transfer's sender) within its area; as the receiving party, like every member."""
    from trama.referrals.services import case_transfer_cancel, case_transfer_request

    p = personas
    household = records_services.household_create(organisation=p.comune, by=p.social_worker, label="Famiglia",
                                                  municipio=p.municipio1)
    transfer = case_transfer_request(household=household, by=p.social_worker, to_organisation=p.ets_a,
                                     reason="Passaggio")
    scoped = _scoped_social_worker(p)
    assert not access.transfers_visible_to(scoped).exists()
    with pytest.raises(Http404):
        access.get_transfer_for(scoped, transfer.pk)
    with pytest.raises(ApplicationError):
        case_transfer_cancel(transfer=transfer, by=scoped)
    assert access.transfers_visible_to(p.social_worker).get() == transfer
    incoming = records_services.household_create(organisation=p.ets_a, by=p.proximity, label="Altra",
                                                 municipio=p.municipio1)
    towards = case_transfer_request(household=incoming, by=p.proximity, to_organisation=p.comune, reason="Verso")
    assert list(access.transfers_visible_to(scoped)) == [towards]  # addressed to its organisation


def test_the_api_labels_a_referral_by_the_side_the_user_reaches_it_from(personas: Personas, client_as: Any) -> None:
    """A user scoped to Municipio 8 in the Comune and a member of Associazione Beta receives, for Beta, a
    Comune referral about a household of Municipio 1: "in", not "out"."""
    p = personas
    elsewhere = _referral_from_municipio(p, p.municipio1)
    both = _scoped_social_worker(p)
    Membership.objects.create(user=both, organisation=p.ets_b, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2024, 5, 8))
    client = client_as(both)
    [item] = client.get("/api/referrals").json()["results"]
    assert (item["id"], item["direction"]) == (elsewhere.pk, "in")
    assert client.get("/api/referrals?direction=out").json()["count"] == 0
    assert client.get("/api/referrals?direction=in").json()["count"] == 1
    assert client.get(f"/api/referrals/{elsewhere.pk}").json()["direction"] == "in"
