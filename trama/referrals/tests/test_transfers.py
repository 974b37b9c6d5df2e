"""Case transfers: the holder asks, the other organisation accepts (the household changes owner) or declines."""

from __future__ import annotations

import pytest
from django.http import Http404

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access as records_access
from trama.records.models import Household, OrganisationNotification
from trama.referrals import access, services
from trama.referrals.models import CaseTransfer, TransferStatus
from trama.referrals.tests.helpers import make_family


def test_accepting_a_transfer_changes_who_holds_the_case(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    transfer = services.case_transfer_request(household=family.household, by=p.proximity,
                                              to_organisation=p.ets_b, reason="La famiglia si è trasferita")
    assert list(access.pending_transfers_in(p.proximity_b)) == [transfer]
    assert OrganisationNotification.objects.filter(organisation=p.ets_b, kind="case_transfer").exists()
    with pytest.raises(ApplicationError, match="già una richiesta"):
        services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_other,
                                       reason="Doppione")
    with pytest.raises(ApplicationError):  # the sender cannot accept its own request
        services.case_transfer_accept(transfer=transfer, by=p.proximity)

    services.case_transfer_accept(transfer=transfer, by=p.proximity_b, note="Ci pensiamo noi")
    assert transfer.status == TransferStatus.ACCEPTED and transfer.responded_by == p.proximity_b
    assert Household.objects.get(pk=family.household.pk).organisation == p.ets_b
    assert records_access.open_household(p.proximity_b, family.household.pk, write=True).can_edit
    with pytest.raises(Http404):  # the previous holder no longer sees it (no consent names it)
        records_access.open_household(p.proximity, family.household.pk)
    audit = AuditEvent.objects.get(action="records.household.transfer")
    assert audit.details["from_organisation"] == p.ets_a.pk and audit.details["to_organisation"] == p.ets_b.pk
    # The history of holders stays, visible to both organisations.
    assert list(access.transfers_visible_to(p.proximity)) == [transfer]
    with pytest.raises(ApplicationError, match="già ricevuto una risposta"):
        services.case_transfer_decline(transfer=transfer, by=p.proximity_b)


def test_a_declined_or_cancelled_transfer_leaves_the_owner(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    declined = services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_b,
                                              reason="Motivo")
    services.case_transfer_decline(transfer=declined, by=p.proximity_b, note="Non abbiamo posto")
    cancelled = services.case_transfer_request(household=family.household, by=p.proximity,
                                               to_organisation=p.ets_b, reason="Motivo")
    with pytest.raises(ApplicationError):  # only the requesting side cancels
        services.case_transfer_cancel(transfer=cancelled, by=p.proximity_b)
    services.case_transfer_cancel(transfer=cancelled, by=p.proximity)
    assert [t.status for t in CaseTransfer.objects.order_by("pk")] == ["declined", "cancelled"]
    assert Household.objects.get(pk=family.household.pk).organisation == p.ets_a


def test_only_the_holder_may_ask_and_not_to_itself(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    with pytest.raises(ApplicationError) as error:
        services.case_transfer_request(household=family.household, by=p.proximity_b, to_organisation=p.ets_b,
                                       reason="Lo prendiamo noi")
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError, match="già in carico"):
        services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_a,
                                       reason="x")
    with pytest.raises(ApplicationError, match="motivo"):
        services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_b,
                                       reason=" ")
    assert not CaseTransfer.objects.exists()


def test_a_closed_household_is_not_transferred(personas: Personas) -> None:
    from trama.records import services as records_services

    p = personas
    family = make_family(p)
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    with pytest.raises(ApplicationError, match="chiuso"):
        services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_b,
                                       reason="Segue un'altra cooperativa")
    assert not CaseTransfer.objects.exists()


def test_a_transfer_is_not_accepted_once_the_household_closed(personas: Personas) -> None:
    from trama.records import services as records_services

    p = personas
    family = make_family(p)
    transfer = services.case_transfer_request(household=family.household, by=p.proximity, to_organisation=p.ets_b,
                                              reason="Segue un'altra cooperativa")
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    with pytest.raises(ApplicationError, match="chiuso") as info:
        services.case_transfer_accept(transfer=transfer, by=p.proximity_b)
    assert info.value.code == "closed"
    assert Household.objects.get(pk=family.household.pk).organisation == p.ets_a
    assert CaseTransfer.objects.get(pk=transfer.pk).status == TransferStatus.REQUESTED
