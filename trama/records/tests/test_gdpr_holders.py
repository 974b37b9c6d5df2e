"""GDPR tools across case transfers, reopenings and plan changes: what a person's export shows of a former
holder's data, how long data a public office held are kept, who may be anonymised again, and the denials of
objects that are not the opened household's."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access, gdpr, services
from trama.records.gdpr import ERASED
from trama.records.gdpr import AnonymisationReason as Reason
from trama.records.models import ClosureReason, Dimension, NoteVisibility, Person, PlanVersion
from trama.records.protection import unseal_for_copy
from trama.records.tests.helpers import make_household, make_person
from trama.referrals import services as referral_services

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _days_ago(days: int) -> dt.date:
    return _today() - dt.timedelta(days=days)


def _holder(personas: Personas) -> User:
    """A proximity worker of the organisation the case is passed to (ets_other)."""
    user = User.objects.create_user(email="nuovo.titolare@test.trama.invalid", password="x-Trama-1-test",
                                    full_name="Nuovo Titolare")
    Membership.objects.create(user=user, organisation=personas.ets_other, role=Role.PROXIMITY_WORKER,
                              valid_from=dt.date(2024, 1, 1))
    return user


def _transfer(household: Any, *, by: User, to: Any, accept_by: User, reason: str, note: str) -> None:
    transfer = referral_services.case_transfer_request(household=household, by=by, to_organisation=to, reason=reason)
    referral_services.case_transfer_accept(transfer=transfer, by=accept_by, note=note)
    household.refresh_from_db()


def test_the_new_holders_export_lists_the_former_holders_own_notes_without_their_text(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    amina = make_person(p, household, first_name_or_alias="Amina")
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, person=amina,
                      text="NOTA-INTERNA-ALFA", visibility=NoteVisibility.ORGANISATION)
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, person=amina,
                      text="NOTA-RISERVATA-ALFA", visibility=NoteVisibility.SENSITIVE)
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, person=amina,
                      text="NOTA-CONDIVISA-ALFA", visibility=NoteVisibility.SHARED)
    holder = _holder(p)
    _transfer(household, by=p.proximity, to=p.ets_other, accept_by=holder, reason="MOTIVO-PASSAGGIO trasloco",
              note="RISPOSTA-PASSAGGIO presa in carico")

    opened = access.open_household(holder, household.pk, purpose="export")
    shown = {note.visibility for note in access.notes_of(opened, holder)}
    assert shown == {NoteVisibility.SHARED}  # the page: only the shared note
    export = gdpr.person_export(person=amina, by=holder, entitlement=opened.entitlement)
    text = json.dumps(export, ensure_ascii=False)
    assert "NOTA-CONDIVISA-ALFA" in text
    assert "NOTA-INTERNA-ALFA" not in text and "NOTA-RISERVATA-ALFA" not in text
    withheld = [n for n in export["notes"] if n["text"] is None]
    assert {n["visibility"] for n in withheld} == {NoteVisibility.ORGANISATION, NoteVisibility.SENSITIVE}
    assert {n["organisation"] for n in withheld} == {p.ets_a.name}  # whom to ask for them
    # The case's transfers, with their texts: the exporting holder was a party.
    [transfer] = export["case_transfers"]
    assert (transfer["from"], transfer["to"], transfer["status"]) == (p.ets_a.name, p.ets_other.name, "accepted")
    assert transfer["reason"] == "MOTIVO-PASSAGGIO trasloco"
    assert transfer["response_note"] == "RISPOSTA-PASSAGGIO presa in carico"


def test_a_transfer_between_two_other_organisations_is_listed_without_its_texts(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    amina = make_person(p, household, first_name_or_alias="Amina")
    holder = _holder(p)
    _transfer(household, by=p.proximity, to=p.ets_other, accept_by=holder, reason="PRIMO-PASSAGGIO", note="")
    _transfer(household, by=holder, to=p.ets_a, accept_by=p.proximity, reason="SECONDO-PASSAGGIO", note="")
    opened = access.open_household(p.proximity, household.pk, purpose="export")
    export = gdpr.person_export(person=amina, by=p.proximity, entitlement=opened.entitlement)
    assert [t["reason"] for t in export["case_transfers"]] == ["PRIMO-PASSAGGIO", "SECONDO-PASSAGGIO"]
    # In the PDF too, the section is there and readable.
    pdf = gdpr.person_export_pdf(person=amina, by=p.proximity, entitlement=opened.entitlement, language="en")
    assert pdf.startswith(b"%PDF")


def test_a_case_a_public_office_held_stays_kept_by_law_after_it_passed_it_on(personas: Personas) -> None:
    p = personas
    household = services.household_create(organisation=p.comune, by=p.social_worker, opened_on=_days_ago(200))
    services.person_add(household=household, by=p.social_worker, role_in_household="parent",
                        first_name_or_alias="Amina")
    _transfer(household, by=p.social_worker, to=p.ets_a, accept_by=p.proximity, reason="passaggio", note="")
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY)
    household.refresh_from_db()
    blockers = gdpr.erasure_blockers(household)
    assert any("obbligo di legge" in b for b in blockers)
    with pytest.raises(ApplicationError):
        gdpr.household_anonymise(household=household, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    assert Person.objects.get(household=household).first_name_or_alias == "Amina"


def test_the_retention_command_never_shortens_the_period_of_data_kept_by_law(
        personas: Personas, settings: Any) -> None:
    settings.TRAMA_RECORDS_RETENTION_YEARS = 10
    p = personas
    household = make_household(p, organisation=p.comune, opened_on=_days_ago(365 * 4))
    make_person(p, household, first_name_or_alias="Amina")
    services.household_close(household=household, by=p.social_worker, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(365 * 3))
    other = make_household(p, opened_on=_days_ago(365 * 4))
    make_person(p, other, first_name_or_alias="Omar")
    services.household_close(household=other, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(365 * 3))
    out = StringIO()
    call_command("records_retention", "--years", "2", stdout=out)
    assert "2 past retention, 1 anonymised" in out.getvalue()
    assert Person.objects.get(household=household).first_name_or_alias == "Amina"  # the Comune's: kept 10 years
    assert Person.objects.get(household=other).first_name_or_alias == gdpr.ANONYMOUS_NAME


def test_a_closure_cannot_be_dated_before_the_last_reopening(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=_days_ago(365 * 12))
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(365 * 11))
    services.household_reopen(household=household, by=p.proximity, note="La famiglia è tornata",
                              reopened_on=_days_ago(3))
    with pytest.raises(ApplicationError) as refused:
        services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                                 closed_on=_days_ago(365 * 11))
    assert refused.value.field == "closed_on" and "riapertura" in str(refused.value)
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(3))  # the day of the reopening is allowed


def test_a_review_cannot_be_dated_before_the_household_was_opened(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=_days_ago(10))
    outcomes = {Dimension.HOUSING.value: services.DimensionOutcome(result="improved", evidence="")}
    with pytest.raises(ApplicationError) as refused:
        services.plan_review_record(household=household, by=p.proximity, reviewed_on=_days_ago(11),
                                    outcomes=outcomes)
    assert refused.value.field == "reviewed_on"
    services.plan_review_record(household=household, by=p.proximity, reviewed_on=_days_ago(10), outcomes=outcomes)


def test_anonymising_a_member_erases_an_action_reassigned_to_them_from_every_plan_version(
        personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=_days_ago(10))
    amina = make_person(p, household, first_name_or_alias="Amina")
    goal = services.plan_goal_add(household=household, by=p.proximity, dimension=Dimension.INCOME_WORK,
                                  description="Lavoro")
    action = services.plan_action_add(goal=goal, by=p.proximity, description="SEGRETO Amina va al CPS",
                                      by_organisation=p.ets_a)
    services.plan_action_update(action=action, by=p.proximity, by_organisation=None, by_operator=None,
                                by_member=amina)
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY)
    gdpr.person_anonymise(person=amina, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    texts = [item["description"] for version in PlanVersion.objects.filter(plan__household=household)
             for goal_item in unseal_for_copy(version, "snapshot")["goals"] for item in goal_item["actions"]]
    assert texts and all(text == ERASED for text in texts)


def test_a_member_can_be_anonymised_again_after_the_household_is_reopened(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=_days_ago(100))
    amina = make_person(p, household, first_name_or_alias="Amina")
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(50))
    gdpr.person_anonymise(person=amina, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    with pytest.raises(ApplicationError):  # once is enough while nothing new is recorded
        gdpr.person_anonymise(person=amina, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    services.household_reopen(household=household, by=p.proximity, note="La famiglia è tornata")
    amina = Person.objects.get(pk=amina.pk)
    assert amina.pk not in gdpr.anonymised_person_ids(household)
    services.person_update(person=amina, by=p.proximity, first_name_or_alias="Amina")
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY)
    gdpr.person_anonymise(person=amina, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    assert Person.objects.get(pk=amina.pk).first_name_or_alias == gdpr.ANONYMOUS_NAME
    assert amina.pk in gdpr.anonymised_person_ids(household)


def test_the_retention_reason_is_refused_before_the_period_is_over(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=_days_ago(30))
    make_person(p, household, first_name_or_alias="Amina")
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(1))
    with pytest.raises(ApplicationError) as refused:
        gdpr.household_anonymise(household=household, by=p.proximity, reason=Reason.RETENTION_EXPIRED)
    assert refused.value.field == "reason"
    gdpr.household_anonymise(household=household, by=p.proximity, reason=Reason.ERASURE_REQUEST)


def test_objects_of_another_household_are_audited_denials(personas: Personas, client_as: Any) -> None:
    p = personas
    mine = make_household(p)
    make_person(p, mine)
    other = make_household(p, organisation=p.ets_b)
    stranger = services.person_add(household=other, by=p.proximity_b, role_in_household="parent",
                                   first_name_or_alias="Estraneo")
    goal = services.plan_goal_add(household=other, by=p.proximity_b, dimension=Dimension.HOUSING,
                                  description="Obiettivo")
    action = services.plan_action_add(goal=goal, by=p.proximity_b, description="Azione", by_organisation=p.ets_b)
    client = client_as(p.proximity)
    cases = [
        ("get", f"/records/{mine.pk}/plan/goals/{goal.pk}/edit/", "records.plangoal", goal.pk),
        ("get", f"/records/{mine.pk}/plan/actions/{action.pk}/edit/", "records.planaction", action.pk),
        ("get", f"/records/{mine.pk}/people/{stranger.pk}/edit/", "records.person", stranger.pk),
        ("patch", f"/api/households/{mine.pk}/plan/actions/{action.pk}", "records.planaction", action.pk),
        ("get", f"/api/households/{mine.pk}/people/{stranger.pk}", "records.person", stranger.pk),
    ]
    for method, url, object_type, key in cases:
        response = (client.get(url) if method == "get"
                    else client.patch(url, data="{}", content_type="application/json"))
        assert response.status_code == 404, url
        denial = AuditEvent.objects.filter(action="access.denied", object_type=object_type).latest("id")
        assert denial.object_id == str(key) and denial.details == {"household": mine.pk, "status": 404}, url
        assert denial.actor == p.proximity


def test_the_household_page_gdpr_box_agrees_with_the_services(personas: Personas, client_as: Any) -> None:
    """The page hands the GDPR box the members, events and legal bases it has read: the anonymised members
    (since the last reopening) and the blockers must be those the services find by themselves."""
    from django.urls import reverse

    from trama.records import consent as consent_services
    from trama.records.categories import DataCategory
    from trama.records.models import SharingBasis

    p = personas
    household = make_household(p, opened_on=_days_ago(100))
    make_person(p, household, first_name_or_alias="Omar")
    amina = make_person(p, household, first_name_or_alias="Amina")  # not the first member
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=_days_ago(50))
    gdpr.person_anonymise(person=amina, by=p.proximity, reason=Reason.ERASURE_REQUEST)
    url = reverse("records:household_detail", args=[household.pk])

    def box() -> dict[str, Any]:
        response = client_as(p.proximity).get(url)
        assert response.status_code == 200
        return response.context["gdpr"]  # type: ignore[no-any-return]

    assert box()["anonymised_people"] == gdpr.anonymised_person_ids(household) == {amina.pk}
    assert box()["blockers"] == gdpr.erasure_blockers(household) == []
    services.household_reopen(household=household, by=p.proximity, note="La famiglia è tornata")
    household.refresh_from_db()
    assert box()["anonymised_people"] == gdpr.anonymised_person_ids(household) == set()
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY)
    household.refresh_from_db()
    revoked = consent_services.legal_basis_record(
        household=household, by=p.unit_lead, basis=SharingBasis.VITAL_INTERESTS, reference="art. 6.1.d",
        reason="Rischio per un minore", categories=[DataCategory.IDENTITY], network=p.network8)
    consent_services.legal_basis_revoke(record=revoked, by=p.unit_lead)
    assert box()["blockers"] == gdpr.erasure_blockers(household) == []  # a revoked basis no longer blocks
    consent_services.legal_basis_record(
        household=household, by=p.unit_lead, basis=SharingBasis.VITAL_INTERESTS, reference="art. 6.1.d",
        reason="Rischio per un minore", categories=[DataCategory.IDENTITY], network=p.network8)
    blockers = box()["blockers"]
    assert blockers == gdpr.erasure_blockers(household) and any("base giuridica" in b for b in blockers)
