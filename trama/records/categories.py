"""Data categories of social records, and the ONE mapping from every field of every records model to its category.

The access funnel and consent filter by category: a recipient who may see "needs_and_plan" of a household but
not "health" sees the plan without the health goals and without the health notes. `None` marks *structural*
fields (keys, ownership, timestamps, links): visible to anyone who may see the row at all, since a row cannot be
shown without them. A test checks that every field of every model is mapped (records/tests/test_categories.py).

Special categories (GDPR art. 9 and, for legal status, art. 10 and the Italian offence of irregular stay):
- health: disability, health notes, and every row of the health dimension (its score, notes, goals, actions,
  outcomes). Disability is health data (recital 35).
- legal_migration: documents status and residency status (they reveal irregular stay, which in Italy is an
  offence under art. 10-bis of d.lgs. 286/1998: art. 10 logic) — encrypted; citizenship and countries of birth
  of the person and parents — shared only under this category because they are a proxy for ethnic origin
  (art. 9), but stored in clear because the ESF+ indicators count participants by them ("foreign background",
  "third-country nationals") and they reveal no status by themselves.
- sensitive notes: notes with visibility "sensitive" need, besides the notes category, an entitlement to
  sensitive notes (see protection.Entitlement).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from trama.records.models import Dimension, NoteVisibility


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identità")
    CONTACTS = "contacts", _("Contatti")
    NEEDS_AND_PLAN = "needs_and_plan", _("Bisogni e progetto")
    NOTES = "notes", _("Note")
    HEALTH = "health", _("Salute e disabilità")
    LEGAL_MIGRATION = "legal_migration", _("Posizione giuridica e migratoria")


SPECIAL_CATEGORIES: frozenset[DataCategory] = frozenset({DataCategory.HEALTH, DataCategory.LEGAL_MIGRATION})

C = DataCategory
STRUCTURAL = None

FIELD_CATEGORIES: Mapping[str, Mapping[str, DataCategory | None]] = {
    "records.referencecounter": {"year": STRUCTURAL, "last": STRUCTURAL},
    "records.accesschange": {"id": STRUCTURAL, "at": STRUCTURAL},  # no data: the instant of a change of access
    "records.household": {
        "id": STRUCTURAL, "organisation": STRUCTURAL, "reference_code": STRUCTURAL, "created_by": STRUCTURAL,
        "created_at": STRUCTURAL, "updated_at": STRUCTURAL,
        "label": C.IDENTITY, "municipio": C.IDENTITY, "nil": C.IDENTITY,
        "status": C.NEEDS_AND_PLAN, "opened_on": C.NEEDS_AND_PLAN, "closed_on": C.NEEDS_AND_PLAN,
        "closure_reason": C.NEEDS_AND_PLAN, "closure_note": C.NEEDS_AND_PLAN,
    },
    "records.householdevent": {
        "id": STRUCTURAL, "household": STRUCTURAL, "by": STRUCTURAL, "at": STRUCTURAL,
        "kind": C.NEEDS_AND_PLAN, "reason": C.NEEDS_AND_PLAN, "note": C.NEEDS_AND_PLAN, "on": C.NEEDS_AND_PLAN,
    },
    "records.person": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "household": STRUCTURAL, "statistics_key": STRUCTURAL,
        "created_by": STRUCTURAL, "created_at": STRUCTURAL, "updated_at": STRUCTURAL,
        "role_in_household": C.IDENTITY, "first_name_or_alias": C.IDENTITY, "surname": C.IDENTITY,
        "name_key": C.IDENTITY, "birth_date": C.IDENTITY, "birth_year": C.IDENTITY, "sex_gender": C.IDENTITY,
        "fiscal_code": C.IDENTITY, "languages": C.IDENTITY, "interpreter_needed": C.IDENTITY,
        "citizenship": C.LEGAL_MIGRATION, "country_of_birth": C.LEGAL_MIGRATION,
        "mother_country_of_birth": C.LEGAL_MIGRATION, "father_country_of_birth": C.LEGAL_MIGRATION,
        "documents_status": C.LEGAL_MIGRATION, "residency_status": C.LEGAL_MIGRATION,
        "housing_situation": C.NEEDS_AND_PLAN, "labour_status": C.NEEDS_AND_PLAN,
        "education_level": C.NEEDS_AND_PLAN,
        "disability": C.HEALTH, "health_notes": C.HEALTH,
        "phones": C.CONTACTS, "emails": C.CONTACTS,
    },
    "records.statement": {
        "id": STRUCTURAL, "household": STRUCTURAL, "person": STRUCTURAL, "recorded_by": STRUCTURAL,
        "recorded_at": STRUCTURAL, "updated_at": STRUCTURAL, "kind": C.NEEDS_AND_PLAN, "term": C.NEEDS_AND_PLAN,
        "text": C.NEEDS_AND_PLAN,
    },
    "records.assessment": {
        "id": STRUCTURAL, "household": STRUCTURAL, "assessed_by": STRUCTURAL, "created_at": STRUCTURAL,
        "assessed_on": C.NEEDS_AND_PLAN,
    },
    "records.assessmentscore": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "assessment": STRUCTURAL,
        "dimension": C.NEEDS_AND_PLAN, "score": C.NEEDS_AND_PLAN, "notes": C.NEEDS_AND_PLAN,
    },
    "records.plan": {"id": STRUCTURAL, "household": STRUCTURAL, "version": STRUCTURAL, "created_at": STRUCTURAL,
                     "updated_at": STRUCTURAL},
    "records.plangoal": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "plan": STRUCTURAL, "created_by": STRUCTURAL,
        "created_at": STRUCTURAL, "updated_at": STRUCTURAL,
        "dimension": C.NEEDS_AND_PLAN, "description": C.NEEDS_AND_PLAN, "target_date": C.NEEDS_AND_PLAN,
        "status": C.NEEDS_AND_PLAN,
    },
    "records.planaction": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "goal": STRUCTURAL, "created_by": STRUCTURAL,
        "created_at": STRUCTURAL, "updated_at": STRUCTURAL,
        "description": C.NEEDS_AND_PLAN, "by_organisation": C.NEEDS_AND_PLAN, "by_operator": C.NEEDS_AND_PLAN,
        "by_member": C.NEEDS_AND_PLAN, "due_date": C.NEEDS_AND_PLAN, "status": C.NEEDS_AND_PLAN,
    },
    "records.planversion": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "plan": STRUCTURAL, "number": STRUCTURAL, "change": STRUCTURAL,
        "created_by": STRUCTURAL, "created_at": STRUCTURAL, "snapshot": C.NEEDS_AND_PLAN,
    },
    "records.planreview": {
        "id": STRUCTURAL, "household": STRUCTURAL, "closure_event": STRUCTURAL, "reviewed_by": STRUCTURAL,
        "created_at": STRUCTURAL, "kind": C.NEEDS_AND_PLAN, "reviewed_on": C.NEEDS_AND_PLAN,
    },
    "records.reviewoutcome": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "review": STRUCTURAL,
        "dimension": C.NEEDS_AND_PLAN, "result": C.NEEDS_AND_PLAN, "evidence": C.NEEDS_AND_PLAN,
    },
    "records.note": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "household": STRUCTURAL, "person": STRUCTURAL,
        "organisation": STRUCTURAL, "written_by": STRUCTURAL, "written_at": STRUCTURAL,
        "visibility": C.NOTES, "text": C.NOTES,
    },
    # Consent and the other legal bases (trama/records/models/consent.py): the terms are structural, since whoever
    # may see a household may see on which basis; only who signed (and their title to do so) is identity, and the
    # free-text reasons may tell the family's story, so they go with needs and plan.
    "records.consent": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "household": STRUCTURAL, "person": STRUCTURAL,
        "purposes": STRUCTURAL, "categories": STRUCTURAL, "legal_basis": STRUCTURAL,
        "special_condition": STRUCTURAL, "given_by_kind": STRUCTURAL, "notice_version": STRUCTURAL,
        "notice_language": STRUCTURAL, "given_on": STRUCTURAL, "expires_on": STRUCTURAL,
        "withdrawn_at": STRUCTURAL, "withdrawn_by": STRUCTURAL, "recorded_for": STRUCTURAL,
        "recorded_by": STRUCTURAL, "recorded_at": STRUCTURAL,
        "given_by_name": C.IDENTITY, "guardian_evidence": C.IDENTITY, "withdrawal_reason": C.NEEDS_AND_PLAN,
    },
    # The household and dates are copies of the consent's (for the funnel's lists), as structural as those.
    "records.consentrecipient": {"id": STRUCTURAL, "consent": STRUCTURAL, "organisation": STRUCTURAL,
                                 "network": STRUCTURAL, "household": STRUCTURAL, "given_on": STRUCTURAL,
                                 "expires_on": STRUCTURAL},
    "records.consentevent": {"id": STRUCTURAL, "consent": STRUCTURAL, "kind": STRUCTURAL, "by": STRUCTURAL,
                             "at": STRUCTURAL, "detail": STRUCTURAL},
    "records.legalbasisrecord": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "household": STRUCTURAL, "organisation": STRUCTURAL,
        "network": STRUCTURAL, "categories": STRUCTURAL, "basis": STRUCTURAL, "reference": STRUCTURAL,
        "recorded_by": STRUCTURAL, "recorded_at": STRUCTURAL, "valid_until": STRUCTURAL, "revoked_at": STRUCTURAL,
        "revoked_by": STRUCTURAL, "reason": C.NEEDS_AND_PLAN,
    },
    "records.breakglassaccess": {
        "id": STRUCTURAL, "uuid": STRUCTURAL, "user": STRUCTURAL, "household": STRUCTURAL,
        "started_at": STRUCTURAL, "expires_at": STRUCTURAL, "notified_at": STRUCTURAL, "reason": C.NEEDS_AND_PLAN,
    },
    # The inbox text names reference codes and platform users only (never a family's data).
    "records.organisationnotification": {
        "id": STRUCTURAL, "organisation": STRUCTURAL, "kind": STRUCTURAL, "household": STRUCTURAL,
        "text": STRUCTURAL, "created_at": STRUCTURAL, "read_at": STRUCTURAL, "read_by": STRUCTURAL,
    },
}

# Rows whose dimension is "health" belong to the health category as a whole (their non-structural fields).
DIMENSION_ROWS = frozenset({"records.assessmentscore", "records.plangoal", "records.reviewoutcome"})

# Special-category fields deliberately stored in clear, with the reason (the test checks the rest is encrypted).
CLEAR_SPECIAL_FIELDS: Mapping[tuple[str, str], str] = {
    ("records.person", "citizenship"): "ESF+ counts by citizenship; reveals no status by itself",
    ("records.person", "country_of_birth"): "ESF+ 'foreign background' indicator",
    ("records.person", "mother_country_of_birth"): "ESF+ 'foreign background' indicator",
    ("records.person", "father_country_of_birth"): "ESF+ 'foreign background' indicator",
}


def field_category(label: str, field_name: str) -> DataCategory | None:
    """The category of a field as mapped (KeyError for an unmapped field: fail closed)."""
    return FIELD_CATEGORIES[label][field_name]


def category_of(obj: models.Model, field_name: str) -> DataCategory | None:
    """The category of one field of one row: the mapping, raised to health for health-dimension rows and to
    health for the actions of a health goal."""
    label = obj._meta.label_lower
    category = field_category(label, field_name)
    if category is None:
        return None
    if label in DIMENSION_ROWS and getattr(obj, "dimension", None) == Dimension.HEALTH:
        return DataCategory.HEALTH
    if label == "records.planaction":
        goal: Any = obj.goal  # type: ignore[attr-defined]
        if goal.dimension == Dimension.HEALTH:
            return DataCategory.HEALTH
    return category


def is_sensitive_note(obj: models.Model) -> bool:
    return obj._meta.label_lower == "records.note" and getattr(obj, "visibility", None) == NoteVisibility.SENSITIVE
