"""Anonymisation with cascade (GDPR art. 17): every related row, raw database free of the plaintext, statistics
fields kept, history kept, refusals where the retention rule forbids it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import gdpr, services
from trama.records.categories import FIELD_CATEGORIES, DataCategory
from trama.records.gdpr import ANONYMOUS_NAME, ERASED, RULES, AnonymisationReason
from trama.records.models import (
    ClosureReason,
    HouseholdEvent,
    Note,
    Person,
    PlanAction,
    PlanVersion,
    SharingBasis,
    Statement,
)
from trama.records.protection import encrypted_models, reveal, reveal_plan_snapshot
from trama.records.tests.helpers import entitled, make_household, make_person
from trama.records.tests.test_gdpr_export import Seeded, seed

pytestmark = pytest.mark.django_db

C = DataCategory
R = AnonymisationReason


def long_ago(years: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=365 * years + 10)


def raw_database_text() -> str:
    """Every row of every records, referrals and audit table, as the database returns it."""
    labels = ["records"] + (["referrals"] if apps.is_installed("trama.referrals") else []) + ["core"]
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for label in labels:
            for model in apps.get_app_config(label).get_models():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: models.QuerySet(m).count() for m in apps.get_app_config("records").get_models()}


def encrypted_values(p: Personas, seeded: Seeded) -> dict[str, list[Any]]:
    """Every encrypted value of the household's rows, decrypted (the test stands in for the funnel)."""
    entitlement = entitled(p, seeded.household, sensitive_notes=True)
    found: dict[str, list[Any]] = {}
    for model, fields in encrypted_models():
        obj: Any
        for obj in models.QuerySet(model):
            if obj.owning_household_id() != seeded.household.pk:  # type: ignore[attr-defined]
                continue
            for field in fields:
                found.setdefault(f"{model._meta.label_lower}.{field.name}", []).append(
                    reveal(obj, field.name, entitlement=entitlement))
    return found


def test_every_field_of_every_records_model_has_an_anonymisation_rule() -> None:
    for label, fields in FIELD_CATEGORIES.items():
        personal = {name for name, category in fields.items() if category is not None}
        assert personal == set(RULES.get(label, {})), label


def test_household_anonymisation_cascades_to_every_related_row(personas: Personas) -> None:
    seeded = seed(personas, opened_on=long_ago(12), closed_on=long_ago(11))
    person_before = Person.objects.get(pk=seeded.person.pk)
    before = row_counts()
    raw = raw_database_text()
    assert "Zelindaself" in raw and "HHSTMT" in raw and "HHCLOSURE" in raw  # the check below can fail

    result = gdpr.household_anonymise(household=seeded.household, by=personas.proximity, reason=R.ERASURE_REQUEST)

    # Structure and history kept: no row deleted or added (the audit events are in core).
    assert row_counts() == before
    raw = raw_database_text()
    plain_markers = ["Zelindaself", "Selfsurname", "RSSMRA85T10A562S", "1985-12-10", "+39 333 1112223",
                     "zelinda.self@example.org", "Ottavioother", "Othersurname", "ottavio.other@example.org",
                     "HHLABEL", "HHSTMT", "SELFSTMT", "OTHERSTMT", "HHCLOSURE"]
    assert [m for m in plain_markers if m in raw] == []
    # Other households are untouched.
    assert "Bartolomeostranger" in raw and "STRANGERSTMT" in raw

    # Every encrypted value of the household is the marker, empty, or a kept statistics code.
    values = encrypted_values(personas, seeded)
    kept = {"records.person.disability"}
    for name, found in values.items():
        if name in kept:
            continue
        if name == "records.planversion.snapshot":
            continue
        assert set(found) <= {ERASED, None}, name
    assert values["records.person.disability"] == ["yes", None]
    for name in ("records.note.text", "records.statement.text", "records.assessmentscore.notes",
                 "records.plangoal.description", "records.planaction.description", "records.reviewoutcome.evidence",
                 "records.consent.given_by_name", "records.consent.guardian_evidence",
                 "records.legalbasisrecord.reason", "records.breakglassaccess.reason", "records.person.health_notes"):
        if name in values:
            assert ERASED in values[name], name
    assert set(Statement.objects.filter(household=seeded.household).values_list("text", flat=True)) == {ERASED}
    assert set(HouseholdEvent.objects.filter(household=seeded.household, kind="closed")
               .values_list("note", flat=True)) == {ERASED}

    # Plan versions re-sealed: every description erased, statuses and dimensions kept.
    entitlement = entitled(personas, seeded.household)
    for version in PlanVersion.objects.filter(plan__household=seeded.household):
        snapshot = reveal_plan_snapshot(version, entitlement=entitlement)
        assert {g["description"] for g in snapshot["goals"]} == {ERASED}
        assert {a["description"] for g in snapshot["goals"] for a in g["actions"]} <= {ERASED}
        assert {g["dimension"] for g in snapshot["goals"]} == {"income_work"}

    # Identity gone, statistics kept.
    person = Person.objects.get(pk=seeded.person.pk)
    assert (person.first_name_or_alias, person.surname, person.fiscal_code, person.birth_date) == \
        (ANONYMOUS_NAME, "", "", None)
    assert person.phones == [] and person.emails == [] and person.languages == [] and person.name_key == "anonimo"
    assert person.documents_status is None and person.residency_status is None
    assert (person.birth_year, person.sex_gender, person.citizenship, person.country_of_birth,
            person.labour_status, person.education_level, person.housing_situation) == \
        (1985, "female", "MA", "MA", "unemployed", "isced2", "rented")
    assert person.statistics_key == person_before.statistics_key
    household = type(seeded.household).objects.get(pk=seeded.household.pk)
    assert household.label == "" and household.municipio == personas.municipio8 and household.nil is None
    assert household.closure_reason == ClosureReason.OTHER and household.closure_note == ERASED

    event = AuditEvent.objects.get(action="records.household.anonymise")
    assert event.details["rows"] == result.as_dict() and event.details["rows"]["records.person"] == 2
    assert event.details["reason"] == R.ERASURE_REQUEST
    with pytest.raises(ApplicationError, match="già stato anonimizzato"):
        gdpr.household_anonymise(household=seeded.household, by=personas.proximity, reason=R.ERASURE_REQUEST)


def test_person_anonymisation_cascades_to_their_rows_only(personas: Personas) -> None:
    seeded = seed(personas, legal_basis=False)
    gdpr.person_anonymise(person=seeded.person, by=personas.proximity, reason=R.CONSENT_WITHDRAWN)
    person, other = Person.objects.get(pk=seeded.person.pk), Person.objects.get(pk=seeded.other.pk)
    assert person.first_name_or_alias == ANONYMOUS_NAME and person.fiscal_code == "" and person.phones == []
    assert other.first_name_or_alias == "Ottavioother" and other.phones == ["+39 333 9998887"]
    rows = Statement.objects.filter(household=seeded.household).values_list("person_id", "text")
    texts: dict[int | None, str] = dict(rows)
    assert texts[seeded.person.pk] == ERASED and texts[seeded.other.pk].startswith("OTHERSTMT")
    assert texts[None].startswith("HHSTMT")  # household-level text: erased by household_anonymise

    entitlement = entitled(personas, seeded.household, sensitive_notes=True)
    notes = {n.person_id: reveal(n, "text", entitlement=entitlement)
             for n in Note.objects.filter(household=seeded.household, person__isnull=False)}
    assert notes[seeded.person.pk] == ERASED and notes[seeded.other.pk].startswith("OTHERNOTE")
    actions = {a.by_member_id: reveal(a, "description", entitlement=entitlement)
               for a in PlanAction.objects.filter(goal__plan__household=seeded.household)}
    assert actions == {seeded.person.pk: ERASED, seeded.other.pk: "HHACTIONOTHER accompagnare"}
    latest = PlanVersion.objects.filter(plan__household=seeded.household).order_by("-number").first()
    assert latest is not None
    snapshot = reveal_plan_snapshot(latest, entitlement=entitlement)
    assert sorted(a["description"] for g in snapshot["goals"] for a in g["actions"]) == \
        sorted([ERASED, "HHACTIONOTHER accompagnare"])
    assert snapshot["goals"][0]["description"].startswith("HHGOALV2")
    signers = {c.person_id: reveal(c, "given_by_name", entitlement=entitlement)
               for c in seeded.household.consents.all()}
    assert signers[seeded.person.pk] == ERASED and signers[seeded.other.pk].startswith("OTHERSIGNER")
    assert signers[None].startswith("HHSIGNER")
    assert AuditEvent.objects.filter(action="records.person.anonymise", object_id=str(person.pk)).count() == 1
    with pytest.raises(ApplicationError, match="già stata anonimizzata"):
        gdpr.person_anonymise(person=seeded.person, by=personas.proximity, reason=R.CONSENT_WITHDRAWN)


def test_an_open_household_is_not_anonymised(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, surname="Rossi")
    with pytest.raises(ApplicationError, match="aperto") as info:
        gdpr.household_anonymise(household=household, by=personas.proximity, reason=R.ERASURE_REQUEST)
    assert info.value.code == "retention"
    with pytest.raises(ApplicationError, match="aperto"):
        gdpr.person_anonymise(person=person, by=personas.proximity, reason=R.ERASURE_REQUEST)
    assert Person.objects.get(pk=person.pk).surname == "Rossi"
    assert not AuditEvent.objects.filter(action__endswith=".anonymise").exists()


def _closed(p: Personas, *, years_ago: int = 0, **fields: Any) -> Any:
    opened = long_ago(years_ago + 1) if years_ago else timezone.localdate() - dt.timedelta(days=30)
    household = make_household(p, opened_on=opened, **fields)
    make_person(p, household, surname="Rossi")
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY,
                             closed_on=long_ago(years_ago) if years_ago else None)
    return household


def test_an_active_legal_basis_blocks_anonymisation(personas: Personas) -> None:
    household = _closed(personas, years_ago=11)
    consent_services.legal_basis_record(
        household=household, by=personas.unit_lead, basis=SharingBasis.VITAL_INTERESTS, reference="art. 6.1.d",
        reason="Rischio per un minore", categories=[C.IDENTITY], network=personas.network8)
    with pytest.raises(ApplicationError, match="base giuridica"):
        gdpr.household_anonymise(household=household, by=personas.proximity, reason=R.ERASURE_REQUEST)


@pytest.mark.parametrize("kept_by", ["public_task_record", "public_office_owner", "legal_obligation_consent"])
def test_data_kept_by_law_wait_for_the_retention_period(personas: Personas, kept_by: str) -> None:
    organisation = personas.comune if kept_by == "public_office_owner" else personas.ets_a
    household = make_household(personas, organisation=organisation,
                               opened_on=timezone.localdate() - dt.timedelta(days=30))
    make_person(personas, household, surname="Rossi")
    if kept_by == "public_task_record":
        record = consent_services.legal_basis_record(
            household=household, by=personas.unit_lead, basis=SharingBasis.PUBLIC_TASK, reference="L. 328/2000",
            reason="Presa in carico congiunta", categories=[C.IDENTITY], network=personas.network8)
        consent_services.legal_basis_revoke(record=record, by=personas.unit_lead)
    if kept_by == "legal_obligation_consent":
        consent_services.consent_record(  # recorded by a role that records legal bases
            household=household, by=personas.social_worker, purposes=["services_in_network"], categories=[C.IDENTITY],
            given_on=timezone.localdate() - dt.timedelta(days=1), notice_version="2026-11", notice_language="it",
            legal_basis="legal_obligation", given_by_name="Mario Rossi")
    services.household_close(household=household, by=personas.proximity, reason=ClosureReason.MOVED_AWAY)
    until = (timezone.localdate().replace(year=timezone.localdate().year + 10)).strftime("%d/%m/%Y")
    with pytest.raises(ApplicationError, match=f"fino al {until}"):
        gdpr.household_anonymise(household=household, by=personas.proximity, reason=R.ERASURE_REQUEST)
    # Past the period the same household may be anonymised.
    assert gdpr.erasure_blockers(household, today=timezone.localdate().replace(
        year=timezone.localdate().year + 10)) == []


def test_a_household_kept_on_consent_alone_is_anonymised_on_request_once_closed(personas: Personas) -> None:
    household = _closed(personas)
    result = gdpr.household_anonymise(household=household, by=personas.proximity, reason=R.ERASURE_REQUEST)
    assert result.rows["records.person"] == 1
    assert Person.objects.get(household=household).surname == ""


def test_the_reason_is_one_of_the_listed_ones(personas: Personas) -> None:
    household = _closed(personas)
    with pytest.raises(ApplicationError) as info:
        gdpr.household_anonymise(household=household, by=personas.proximity, reason="Mario Rossi lo chiede")
    assert info.value.field == "reason"
    assert Person.objects.get(household=household).surname == "Rossi"
