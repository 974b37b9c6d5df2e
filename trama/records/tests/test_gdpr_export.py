"""A person's export (GDPR arts. 15 and 20): all of their data, decrypted, with the access log — and nothing of any
other person, in the JSON and in what the PDF prints."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access, gdpr, services
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.gdpr_pdf import export_blocks
from trama.records.models import (
    ClosureReason,
    Disability,
    Household,
    HouseholdRole,
    NoteVisibility,
    Person,
    SharingBasis,
)
from trama.records.notice import CURRENT_NOTICE_VERSION
from trama.records.protection import NotEntitled
from trama.records.services import DimensionOutcome, DimensionScore
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db

C = DataCategory
BREAK_GLASS_REASON = "Verifica urgente richiesta dal tribunale HHBREAKGLASS"


@dataclass
class Seeded:
    household: Household
    person: Person  # the data subject
    other: Person  # another member of the same household
    stranger: Person  # a member of another household
    # Text that must appear in the person's export / must not.
    own: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def seed(p: Personas, *, close: bool = True, closed_on: dt.date | None = None,
         opened_on: dt.date | None = None, legal_basis: bool = True) -> Seeded:
    by = p.proximity
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    household = make_household(p, label="Famiglia HHLABEL", municipio=p.municipio8,
                               opened_on=opened_on or yesterday)
    person = make_person(p, household, first_name_or_alias="Zelindaself", surname="Selfsurname",
                         fiscal_code="rss mra 85t10 a562s", birth_date=dt.date(1985, 12, 10),
                         phones=["+39 333 1112223"], emails=["zelinda.self@example.org"], citizenship="MA",
                         country_of_birth="MA", labour_status="unemployed", education_level="isced2",
                         housing_situation="rented", sex_gender="female", disability=Disability.YES,
                         documents_status="none", residency_status="fictitious", health_notes="SELFHEALTH asma",
                         languages=["ar", "fr"], interpreter_needed=True)
    other = make_person(p, household, first_name_or_alias="Ottavioother", surname="Othersurname",
                        role_in_household=HouseholdRole.CHILD, birth_year=2015, phones=["+39 333 9998887"],
                        emails=["ottavio.other@example.org"], health_notes="OTHERHEALTH allergia")
    stranger_household = make_household(p, organisation=p.ets_b, label="Famiglia STRANGERLABEL")
    stranger = make_person(p, stranger_household, first_name_or_alias="Bartolomeostranger",
                           surname="Strangersurname", health_notes="STRANGERHEALTH")
    services.statement_add(household=stranger_household, by=by, kind="need", text="STRANGERSTMT casa")
    services.note_add(household=stranger_household, by=by, organisation=p.ets_b, text="STRANGERNOTE")

    services.statement_add(household=household, by=by, kind="need", text="HHSTMT lavoro")
    services.statement_add(household=household, by=by, kind="wish", text="SELFSTMT studiare", person=person)
    services.statement_add(household=household, by=by, kind="resource", text="OTHERSTMT calcio", person=other)
    assessed = opened_on or yesterday  # the household was open then: it may have been closed since
    services.assessment_record(household=household, by=by, assessed_on=assessed,
                               scores={"housing": DimensionScore(2, "HHASSESS sfratto"),
                                       "health": DimensionScore(3, "HHHEALTHSCORE")})
    goal = services.plan_goal_add(household=household, by=by, dimension="income_work", description="HHGOAL lavoro")
    services.plan_action_add(goal=goal, by=by, description="HHACTIONOTHER accompagnare", by_member=other)
    services.plan_action_add(goal=goal, by=by, description="HHACTIONSELF cv", by_member=person)
    services.plan_goal_update(goal=goal, by=by, description="HHGOALV2 lavoro stabile")
    services.plan_review_record(household=household, by=by, reviewed_on=assessed,
                                outcomes={"housing": DimensionOutcome("improved", "HHEVIDENCE contratto")})
    kwargs: dict[str, Any] = {"household": household, "by": by, "organisation": p.ets_a}
    services.note_add(**kwargs, text="HHNOTE colloquio")
    services.note_add(**kwargs, text="SELFNOTE ansia", person=person)
    services.note_add(**kwargs, text="SELFSENSITIVE violenza", person=person, visibility=NoteVisibility.SENSITIVE)
    services.note_add(**kwargs, text="OTHERNOTE scuola", person=other)
    consent_args: dict[str, Any] = {"household": household, "by": by, "purposes": ["services_in_network"],
                    "categories": [C.IDENTITY, C.NEEDS_AND_PLAN], "given_on": yesterday,
                    "notice_version": CURRENT_NOTICE_VERSION, "notice_language": "it"}
    consent_services.consent_record(**consent_args, given_by_name="HHSIGNER Qualcuno")
    consent_services.consent_record(**consent_args, person=person, given_by_name="SELFSIGNER Zelindaself")
    consent_services.consent_record(**consent_args, person=other, given_by_kind="guardian",
                                    given_by_name="OTHERSIGNER Tutore", guardian_evidence="OTHEREVIDENCE decreto")
    if legal_basis:
        record = consent_services.legal_basis_record(
            household=household, by=p.unit_lead, basis=SharingBasis.PUBLIC_TASK, reference="L. 328/2000 art. 22",
            reason="HHLEGAL presa in carico", categories=[C.IDENTITY], network=p.network8)
        consent_services.legal_basis_revoke(record=record, by=p.unit_lead)
    consent_services.break_glass_open(user=p.admin, household=household, reason=BREAK_GLASS_REASON)
    if close:
        services.household_close(household=household, by=by, reason=ClosureReason.OTHER, note="HHCLOSURE trasloco",
                                 closed_on=closed_on or timezone.localdate(),
                                 outcomes={"income_work": DimensionOutcome("unchanged", "HHCLOSEEVIDENCE")})
    own = ["Zelindaself", "Selfsurname", "RSSMRA85T10A562S", "1985-12-10", "+39 333 1112223",
           "zelinda.self@example.org", "SELFHEALTH", "HHSTMT", "SELFSTMT", "HHASSESS", "HHHEALTHSCORE", "HHGOALV2",
           "HHACTIONOTHER", "HHACTIONSELF", "HHEVIDENCE", "HHNOTE", "SELFNOTE", "SELFSENSITIVE", "SELFSIGNER",
           "HHBREAKGLASS", "Famiglia HHLABEL"]
    if legal_basis:
        own.append("HHLEGAL")
    if close:
        own += ["HHCLOSURE", "HHCLOSEEVIDENCE"]
    others = ["Ottavioother", "Othersurname", "+39 333 9998887", "ottavio.other@example.org", "OTHERHEALTH",
              "OTHERSTMT", "OTHERNOTE", "OTHERSIGNER", "OTHEREVIDENCE", "Bartolomeostranger", "Strangersurname",
              "STRANGERHEALTH", "STRANGERSTMT", "STRANGERNOTE", "STRANGERLABEL", "HHSIGNER"]
    return Seeded(household=household, person=person, other=other, stranger=stranger, own=own, others=others)


def _export(p: Personas, seeded: Seeded) -> dict:
    opened = access.open_household(p.proximity, seeded.household.pk, purpose="export")
    return gdpr.person_export(person=seeded.person, by=p.proximity, entitlement=opened.entitlement)


def test_the_export_holds_all_of_the_persons_data_and_nothing_of_anyone_else(personas: Personas) -> None:
    seeded = seed(personas)
    export = _export(personas, seeded)
    text = json.dumps(export, ensure_ascii=False)
    missing = [marker for marker in seeded.own if marker not in text]
    leaked = [marker for marker in seeded.others if marker in text]
    assert missing == [] and leaked == []
    # Decrypted special categories, and the household seen from the person's side.
    assert export["person"]["disability"] == "yes" and export["person"]["documents_status"] == "none"
    assert export["household"]["role"] == HouseholdRole.PARENT and export["household"]["members"] == 2
    assignees = sorted(a["member"] for g in export["plan"]["goals"] for a in g["actions"])
    assert assignees == ["other_member", "self"]
    assert len(export["plan"]["versions"]) == 4
    assert {c["about"] for c in export["consents"]} == {"household", "self"}
    # The referrals section exists exactly when the referrals app is installed (none were made here).
    assert export["referrals"] == ([] if apps.is_installed("trama.referrals") else None)
    # Plan versions name assignees by relation, never by another member's id.
    members = {a["by_member"] for v in export["plan"]["versions"] for g in v["goals"] for a in g["actions"]}
    assert members == {"other_member", "self"}
    assert {"household", "self", "other_member"} <= {entry["about"] for entry in export["access_log"]}


def test_the_access_log_says_who_opened_the_household(personas: Personas) -> None:
    seeded = seed(personas)
    export = _export(personas, seeded)
    actions = [(entry["action"], entry["by"]) for entry in export["access_log"]]
    assert ("records.break_glass.open", personas.admin.full_name) in actions
    assert ("records.household.export", personas.proximity.full_name) in actions
    assert all(set(entry) == {"at", "action", "about", "by", "organisation", "via", "categories"}
               for entry in export["access_log"])


def test_the_pdf_prints_the_same_content_in_italian_and_english(personas: Personas) -> None:
    seeded = seed(personas)
    opened = access.open_household(personas.proximity, seeded.household.pk, purpose="export")
    export = gdpr.person_export(person=seeded.person, by=personas.proximity, entitlement=opened.entitlement)
    for language, heading, opening in (("it", "Registro degli accessi", "ha aperto il nucleo per un'esportazione"),
                                       ("en", "Access log", "opened the household for an export")):
        printed = "\n".join(f"{b.label} {b.value}" for b in export_blocks(export, language=language))
        assert heading in printed and f"{opening} (" in printed
        assert [m for m in seeded.own if m not in printed] == []
        assert [m for m in seeded.others if m in printed] == []
    pdf = gdpr.person_export_pdf(person=seeded.person, by=personas.proximity, entitlement=opened.entitlement,
                                 language="en")
    assert pdf.startswith(b"%PDF")
    formats = sorted(AuditEvent.objects.filter(action="records.person.export", object_id=str(seeded.person.pk))
                     .values_list("details__format", flat=True))
    assert formats == ["json", "pdf"]


def test_the_export_writes_an_audit_event_without_plaintext(personas: Personas) -> None:
    seeded = seed(personas, close=False)
    _export(personas, seeded)
    event = AuditEvent.objects.get(action="records.person.export")
    assert event.actor == personas.proximity and event.details["household"] == seeded.household.pk
    dumped = json.dumps(event.details)
    assert not [m for m in seeded.own if m in dumped]


def test_the_export_needs_a_complete_entitlement_of_the_exporting_user(personas: Personas) -> None:
    seeded = seed(personas, close=False)
    person, household = seeded.person, seeded.household
    no_health = entitled(personas, household, [c for c in C if c != C.HEALTH], sensitive_notes=True)
    no_sensitive = entitled(personas, household)
    other_household = entitled(personas, seeded.stranger.household, sensitive_notes=True)
    complete = entitled(personas, household, sensitive_notes=True)
    for entitlement, by in ((no_health, personas.proximity), (no_sensitive, personas.proximity),
                            (other_household, personas.proximity), (complete, personas.proximity_b)):
        with pytest.raises(NotEntitled):
            gdpr.person_export(person=person, by=by, entitlement=entitlement)
        with pytest.raises(NotEntitled):
            gdpr.person_export_pdf(person=person, by=by, entitlement=entitlement)
    assert not AuditEvent.objects.filter(action="records.person.export").exists()
    assert gdpr.person_export(person=person, by=personas.proximity, entitlement=complete)["person"]["surname"] \
        == "Selfsurname"


def test_a_reader_through_consent_cannot_export(personas: Personas) -> None:
    seeded = seed(personas, close=False)
    consent_services.consent_record(
        household=seeded.household, by=personas.proximity, purposes=["share_named_organisations"],
        categories=list(C), recipient_organisations=[personas.ets_b],
        given_on=timezone.localdate() - dt.timedelta(days=1), notice_version=CURRENT_NOTICE_VERSION,
        notice_language="it", given_by_name="Zelindaself")
    opened = access.open_household(personas.proximity_b, seeded.household.pk, purpose="export")
    with pytest.raises(NotEntitled):
        gdpr.person_export(person=seeded.person, by=personas.proximity_b, entitlement=opened.entitlement)
