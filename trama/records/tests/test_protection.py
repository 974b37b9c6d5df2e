"""Decryption needs an Entitlement from the access funnel that covers the household, the category and, for
sensitive notes, sensitive notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from trama.core.testing import Personas
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.models import Disability, DocumentsStatus, NoteVisibility, PlanVersion
from trama.records.protection import (
    Entitlement,
    NotEntitled,
    reveal,
    reveal_if_entitled,
    reveal_plan_snapshot,
)
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db
TRAMA = Path(__file__).resolve().parents[2]
C = DataCategory


def test_it_reveals_only_the_categories_granted(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, disability=Disability.YES, documents_status=DocumentsStatus.NONE)
    identity_only = entitled(personas, household, [C.IDENTITY, C.NEEDS_AND_PLAN])
    with pytest.raises(NotEntitled):
        reveal(person, "disability", entitlement=identity_only)
    with pytest.raises(NotEntitled):
        reveal(person, "documents_status", entitlement=identity_only)
    assert reveal_if_entitled(person, "disability", entitlement=identity_only) is None
    migration = entitled(personas, household, [C.LEGAL_MIGRATION])
    assert reveal(person, "documents_status", entitlement=migration) == "none"
    with pytest.raises(NotEntitled):
        reveal(person, "disability", entitlement=migration)


def test_an_entitlement_covers_one_household_only(personas: Personas) -> None:
    mine = make_household(personas)
    other = make_household(personas, organisation=personas.ets_b)
    stranger = make_person(personas, other, health_notes="Ricovero")
    with pytest.raises(NotEntitled):
        reveal(stranger, "health_notes", entitlement=entitled(personas, mine))


def test_entitlements_cannot_be_made_up(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, health_notes="x")
    with pytest.raises(TypeError, match="issued by the access funnel"):
        Entitlement(household_id=household.pk, categories=frozenset(C), sensitive_notes=True, user_id=None,
                    purpose="forged")
    with pytest.raises(NotEntitled):
        reveal(person, "health_notes", entitlement=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        reveal(person, "health_notes")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="not an encrypted field"):
        reveal(person, "first_name_or_alias", entitlement=entitled(personas, household))


def test_sensitive_notes_need_their_own_entitlement(personas: Personas) -> None:
    household = make_household(personas)
    kwargs: dict[str, Any] = {"household": household, "by": personas.proximity, "organisation": personas.ets_a}
    shared = services.note_add(**kwargs, visibility=NoteVisibility.SHARED, text="Ha trovato lavoro")
    sensitive = services.note_add(**kwargs, visibility=NoteVisibility.SENSITIVE, text="Violenza domestica")
    notes_only = entitled(personas, household, [C.NOTES])
    assert reveal(shared, "text", entitlement=notes_only) == "Ha trovato lavoro"
    with pytest.raises(NotEntitled):
        reveal(sensitive, "text", entitlement=notes_only)
    full = entitled(personas, household, [C.NOTES], sensitive_notes=True)
    assert reveal(sensitive, "text", entitlement=full) == "Violenza domestica"


def test_health_dimension_rows_belong_to_the_health_category(personas: Personas) -> None:
    household = make_household(personas)
    by = personas.proximity
    health = services.plan_goal_add(household=household, by=by, dimension="health", description="Vaccinazioni")
    school = services.plan_goal_add(household=household, by=by, dimension="education", description="Iscrizione")
    action = services.plan_action_add(goal=health, by=by, description="Prenotare al consultorio",
                                      by_organisation=personas.ets_a)
    plan_only = entitled(personas, household, [C.NEEDS_AND_PLAN])
    assert reveal(school, "description", entitlement=plan_only) == "Iscrizione"
    with pytest.raises(NotEntitled):
        reveal(health, "description", entitlement=plan_only)
    with pytest.raises(NotEntitled):
        reveal(action, "description", entitlement=plan_only)
    latest = PlanVersion.objects.order_by("-number").first()
    assert latest is not None
    assert [g["description"] for g in reveal_plan_snapshot(latest, entitlement=plan_only)["goals"]] == ["Iscrizione"]
    with_health = entitled(personas, household, [C.NEEDS_AND_PLAN, C.HEALTH])
    assert len(reveal_plan_snapshot(latest, entitlement=with_health)["goals"]) == 2


def _callers(pattern: str) -> set[str]:
    found = set()
    for path in TRAMA.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if re.search(pattern, path.read_text(encoding="utf-8")):
            found.add(path.relative_to(TRAMA).as_posix())
    return found


def test_only_the_access_funnel_issues_entitlements() -> None:
    # protection.py defines it; records/access.py (the funnel, when it exists) is the only caller allowed.
    assert _callers(r"Entitlement\.issue\(") <= {"records/protection.py", "records/access.py"}


def test_only_services_copy_plaintext_between_encrypted_values() -> None:
    # records/gdpr.py: anonymisation re-seals each plan version with its free texts replaced by a marker; the old
    # snapshot's structure (statuses, dates, dimensions) is history to keep, so it must be read, and the plaintext
    # goes only into the new encrypted value (gdpr._reseal_versions).
    assert _callers(r"unseal_for_copy\(") <= {"records/protection.py", "records/services.py", "records/gdpr.py"}
