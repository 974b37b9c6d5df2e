"""The raw database holds no plaintext of an encrypted field — in any table, not only the field's own column: the
audit log, notifications, plan version snapshots, sessions and every other table are scanned after a household
has been filled through the services and read through the pages, the API and the export (issue 4 §3 and §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory import services as directory_services
from trama.records import consent as consent_services
from trama.records import gdpr
from trama.records import services as records_services
from trama.records.access import open_household
from trama.records.models import HouseholdRole, NoteVisibility
from trama.records.protection import encrypted_models
from trama.records.services import DimensionOutcome, DimensionScore
from trama.records.tests.helpers import make_household, make_person
from trama.referrals import services as referral_services

pytestmark = pytest.mark.django_db

# One marker per encrypted text field; the coded ones (a closed list of values) are checked by test_encryption.
MARKERS = {
    "records.consent.given_by_name": "QXGIVENBY",
    "records.consent.guardian_evidence": "QXGUARDIAN",
    "records.consent.withdrawal_reason": "QXWITHDRAWN",
    "records.legalbasisrecord.reason": "QXLEGALREASON",
    "records.breakglassaccess.reason": "QXBREAKGLASS",
    "records.assessmentscore.notes": "QXSCORENOTES",
    "records.note.text": "QXNOTETEXT",
    "records.person.health_notes": "QXHEALTH",
    "records.plangoal.description": "QXGOAL",
    "records.planaction.description": "QXACTION",
    "records.reviewoutcome.evidence": "QXEVIDENCE",
    "referrals.referral.reason": "QXREFREASON",
    "referrals.referral.decline_note": "QXDECLINED",
    "referrals.referral.outcome_note": "QXOUTCOME",
    "referrals.referralmessage.text": "QXMESSAGE",
    "referrals.casetransfer.reason": "QXTRANSFER",
    "referrals.casetransfer.response_note": "QXTRANSFERNOTE",
}
CODED = {"records.person.documents_status", "records.person.residency_status", "records.person.disability",
         "records.planversion.snapshot"}  # the snapshot carries the goal and action markers


def raw_database() -> str:
    """Every row of every table of the database, as the database returns it."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_every_encrypted_text_field_has_a_marker() -> None:
    fields = {f"{model._meta.label_lower}.{f.name}" for model, found in encrypted_models() for f in found}
    assert fields - CODED == set(MARKERS), (
        "A new encrypted field: give it a marker in MARKERS and fill it in test_no_plaintext_in_any_table "
        "(or list it in CODED if it only holds a closed list of codes).")


def test_no_plaintext_in_any_table(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p, m = personas, MARKERS
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    household = make_household(p, label="Famiglia P.", opened_on=yesterday)
    parent = make_person(p, household, first_name_or_alias="Amina", disability="yes", documents_status="none",
                         health_notes=f"{m['records.person.health_notes']} asma")
    child = make_person(p, household, first_name_or_alias="Yusuf", role_in_household=HouseholdRole.CHILD)
    by = p.proximity
    records_services.assessment_record(household=household, by=by, assessed_on=yesterday, scores={
        "housing": DimensionScore(2, m["records.assessmentscore.notes"])})
    goal = records_services.plan_goal_add(household=household, by=by, dimension="income_work",
                                          description=m["records.plangoal.description"])
    records_services.plan_action_add(goal=goal, by=by, description=m["records.planaction.description"],
                                     by_member=parent)
    records_services.plan_review_record(household=household, by=by, reviewed_on=yesterday, outcomes={
        "housing": DimensionOutcome("improved", m["records.reviewoutcome.evidence"])})
    for visibility in NoteVisibility.values:
        records_services.note_add(household=household, by=by, organisation=p.ets_a, visibility=visibility,
                                  text=f"{m['records.note.text']} {visibility}")
    consent_args: dict[str, Any] = {"household": household, "by": by, "purposes": ["share_named_organisations"],
                    "categories": ["identity", "needs_and_plan"], "given_on": yesterday, "notice_version": "2026-11",
                    "notice_language": "it", "recipient_organisations": [p.ets_b]}
    consent = consent_services.consent_record(**consent_args, given_by_name=m["records.consent.given_by_name"])
    for_child = consent_services.consent_record(**consent_args, person=child, given_by_kind="guardian",
                                                given_by_name="Tutore",
                                                guardian_evidence=m["records.consent.guardian_evidence"])
    consent_services.consent_withdraw(consent=for_child, by=by, reason=m["records.consent.withdrawal_reason"])
    consent_services.legal_basis_record(household=household, by=p.unit_lead, basis="public_task",
                                        reference="L. 328/2000", reason=m["records.legalbasisrecord.reason"],
                                        categories=["identity"], network=p.network8)
    consent_services.break_glass_open(user=p.admin, household=household,
                                      reason=f"{m['records.breakglassaccess.reason']} richiesta urgente")

    service = directory_services.service_create(by=p.referent_b, organisation=p.ets_b, maintainer=p.ets_b,
                                                name="Doposcuola Beta")

    def referral() -> object:
        made = referral_services.referral_create(household=household, by=by, people=[child], service=service,
                                                 reason=m["referrals.referral.reason"],
                                                 categories=["identity", "needs_and_plan"], consent=consent)
        return referral_services.referral_send(referral=made, by=by)

    declined, completed = referral(), referral()
    referral_services.referral_decline(referral=declined, by=p.proximity_b, reason="no_capacity",  # type: ignore[arg-type]
                                       note=m["referrals.referral.decline_note"])
    referral_services.referral_accept(referral=completed, by=p.proximity_b)  # type: ignore[arg-type]
    referral_services.referral_message_add(referral=completed, by=p.proximity_b, organisation=p.ets_b,  # type: ignore[arg-type]
                                           text=m["referrals.referralmessage.text"])
    referral_services.referral_complete(referral=completed, by=p.proximity_b, outcome="got_help",  # type: ignore[arg-type]
                                        note=m["referrals.referral.outcome_note"])
    transfer = referral_services.case_transfer_request(household=household, by=by, to_organisation=p.ets_b,
                                                       reason=m["referrals.casetransfer.reason"])
    referral_services.case_transfer_decline(transfer=transfer, by=p.proximity_b,
                                            note=m["referrals.casetransfer.response_note"])

    # Read everything back through the pages, the API and the export: what is read must not be written.
    page = client_as(p.proximity).get(reverse("records:household_detail", args=[household.pk]))
    assert page.status_code == 200 and m["records.note.text"] in page.content.decode()
    for referral_pk in (declined.pk, completed.pk):  # type: ignore[attr-defined]
        assert client_as(p.proximity).get(reverse("referrals:detail", args=[referral_pk])).status_code == 200
    client_as(p.proximity).get(f"/api/households/{household.pk}/plan")
    opened = open_household(p.proximity, household.pk, purpose="export")
    export = gdpr.person_export(person=parent, by=p.proximity, entitlement=opened.entitlement)
    assert m["records.person.health_notes"] in str(export)

    raw = raw_database()
    assert "Amina" in raw  # the scan sees the rows (names are not encrypted)
    leaked = {field: marker for field, marker in MARKERS.items() if marker in raw}
    assert leaked == {}, f"plaintext of encrypted fields found in the raw database: {leaked}"
