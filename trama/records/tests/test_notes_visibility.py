"""Who reads an organisation's own and sensitive notes: members who read records there (not every member), the
writing organisation only (a case transfer does not hand over the former holder's notes of either level), every
one under break-glass; and a household key beyond any database key is a plain, audited 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse

from trama.accounts.models import Membership
from trama.accounts.roles import Role
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access, consent, services
from trama.records.categories import DataCategory
from trama.records.models import NoteVisibility
from trama.records.protection import reveal
from trama.records.tests.helpers import make_household
from trama.referrals.services.transfers import case_transfer_accept, case_transfer_request


def _texts(user: object, household_pk: int) -> set[str]:
    opened = access.open_household(user, household_pk)  # type: ignore[arg-type]
    return {reveal(note, "text", entitlement=opened.entitlement)
            for note in access.notes_of(opened, user)}  # type: ignore[arg-type]


def _notes(p: Personas, household: object) -> None:
    for visibility in NoteVisibility.values:
        services.note_add(household=household, by=p.proximity, organisation=p.ets_a,  # type: ignore[arg-type]
                          text=f"ALFA {visibility}", visibility=visibility)


def test_a_case_transfer_hands_over_neither_organisation_nor_sensitive_notes(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    _notes(p, household)
    assert _texts(p.proximity, household.pk) == {"ALFA shared", "ALFA organisation", "ALFA sensitive"}
    transfer = case_transfer_request(household=household, by=p.proximity, to_organisation=p.ets_b,
                                     reason="La famiglia si è trasferita nel quartiere della cooperativa.")
    case_transfer_accept(transfer=transfer, by=p.proximity_b)
    household.refresh_from_db()
    opened = access.open_household(p.proximity_b, household.pk)
    assert opened.via == ("own",) and opened.entitlement.sensitive_notes
    assert _texts(p.proximity_b, household.pk) == {"ALFA shared"}
    services.note_add(household=household, by=p.proximity_b, organisation=p.ets_b, text="BETA sensitive",
                      visibility=NoteVisibility.SENSITIVE)
    assert _texts(p.proximity_b, household.pk) == {"ALFA shared", "BETA sensitive"}


def test_a_volunteer_of_the_owner_reads_no_internal_notes_through_a_records_role_elsewhere(
        personas: Personas) -> None:
    p = personas
    household = make_household(p)
    _notes(p, household)
    consent.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"],
        categories=[DataCategory.IDENTITY, DataCategory.NOTES], given_on=dt.date(2026, 11, 20),
        notice_version="2026-11", notice_language="it", recipient_organisations=[p.ets_b], given_by_name="Amina")
    # The volunteer of the owning organisation also works with records at the second cooperative.
    Membership.objects.create(user=p.volunteer, organisation=p.ets_b, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2026, 1, 1))
    assert _texts(p.volunteer, household.pk) == {"ALFA shared"}
    assert _texts(p.proximity_b, household.pk) == {"ALFA shared"}


@pytest.mark.parametrize("key", ["99999999999999999999", "-99999999999999999999"])
def test_a_key_beyond_any_household_is_an_audited_404(personas: Personas, client_as, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        access.open_household(personas.proximity, key)
    assert AuditEvent.objects.filter(action="access.denied", object_id=key).count() == 1
    client = client_as(personas.proximity)
    assert client.get(f"/records/{key.lstrip('-')}/").status_code == 404
    assert client.get(f"/api/households/{key.lstrip('-')}").status_code == 404
    assert client.get(reverse("records:household_list")).status_code == 200
