"""Assessments with trends, the plan with goals, actions and immutable versions, reviews, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.models import GoalStatus, Note, PlanAction, PlanVersion, ReviewKind
from trama.records.protection import NotEntitled, reveal, reveal_plan_snapshot
from trama.records.selectors import assessment_trend
from trama.records.services import DimensionOutcome, DimensionScore
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db
C = DataCategory


def _assess(p: Personas, household: object, on: dt.date, **scores: int) -> None:
    services.assessment_record(household=household, by=p.proximity, assessed_on=on,  # type: ignore[arg-type]
                               scores={d: DimensionScore(s, f"note {d}") for d, s in scores.items()})


def test_assessments_give_a_trend_per_dimension(personas: Personas) -> None:
    household = make_household(personas)
    _assess(personas, household, dt.date(2025, 1, 15), housing=2, health=3, parenting=4)
    _assess(personas, household, dt.date(2025, 6, 15), housing=4, health=2, parenting=4)
    _assess(personas, household, dt.date(2025, 3, 15), housing=1)  # recorded late, sorted by date
    trend = assessment_trend(household, entitlement=entitled(personas, household))
    assert list(trend) == ["housing", "health", "parenting"]
    housing = trend["housing"]
    assert [score for _, score in housing.series] == [2, 1, 4]
    assert (housing.previous, housing.latest, housing.change, housing.direction) == (1, 4, 3, "improved")
    assert trend["health"].direction == "worsened"
    assert trend["parenting"].direction == "unchanged"
    # Without health, the health dimension is left out; without needs_and_plan, nothing at all.
    assert "health" not in assessment_trend(household, entitlement=entitled(personas, household,
                                                                            [C.NEEDS_AND_PLAN]))
    with pytest.raises(NotEntitled):
        assessment_trend(household, entitlement=entitled(personas, household, [C.IDENTITY]))
    with pytest.raises(NotEntitled):
        assessment_trend(household, entitlement=entitled(personas, make_household(personas)))


@pytest.mark.parametrize("scores", [{}, {"housing": DimensionScore(6)}, {"housing": DimensionScore(0)},
                                    {"luck": DimensionScore(3)}])
def test_it_refuses_invalid_assessments(personas: Personas, scores: dict) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        services.assessment_record(household=household, by=personas.proximity, assessed_on=dt.date(2025, 1, 1),
                                   scores=scores)
    assert info.value.field == "scores"
    assert not household.assessments.exists()


def test_every_plan_change_writes_an_immutable_version(personas: Personas) -> None:
    household = make_household(personas)
    mother = make_person(personas, household)
    by = personas.proximity
    goal = services.plan_goal_add(household=household, by=by, dimension="income_work",
                                  description="Trovare un lavoro part-time", target_date=dt.date(2026, 12, 31))
    action = services.plan_action_add(goal=goal, by=by, description="Corso di italiano", by_member=mother,
                                      due_date=dt.date(2026, 3, 1))
    services.plan_action_update(action=action, by=by, status="done")
    services.plan_goal_update(goal=goal, by=by, status=GoalStatus.ACHIEVED, description="Lavoro trovato")
    versions = list(PlanVersion.objects.filter(plan__household=household).order_by("number"))
    assert [(v.number, v.change) for v in versions] == [
        (1, "goal_add"), (2, "action_add"), (3, "action_update"), (4, "goal_update")]
    grant = entitled(personas, household)
    first = reveal_plan_snapshot(versions[0], entitlement=grant)
    assert first["goals"][0]["description"] == "Trovare un lavoro part-time"
    assert first["goals"][0]["actions"] == []
    second = reveal_plan_snapshot(versions[1], entitlement=grant)["goals"][0]
    assert second["actions"][0]["status"] == "planned" and second["actions"][0]["by_member"] == mother.pk
    last = reveal_plan_snapshot(versions[3], entitlement=grant)["goals"][0]
    assert (last["status"], last["description"], last["actions"][0]["status"]) == (
        "achieved", "Lavoro trovato", "done")
    assert household.plan.version == 4
    with pytest.raises(PermissionError):
        versions[0].save()
    with pytest.raises(PermissionError):
        PlanVersion.objects.filter(pk=versions[0].pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.create(plan=household.plan, number=4, change="forged", snapshot={"goals": []})
    audit = AuditEvent.objects.filter(action="records.plan.goal_update").get()
    assert "Lavoro trovato" not in str(audit.details) and audit.details["version"] == 4


def test_an_action_has_exactly_one_assignee(personas: Personas) -> None:
    household = make_household(personas)
    by = personas.proximity
    goal = services.plan_goal_add(household=household, by=by, dimension="education", description="Doposcuola")
    with pytest.raises(ApplicationError, match="uno solo"):
        services.plan_action_add(goal=goal, by=by, description="x")
    with pytest.raises(ApplicationError, match="uno solo"):
        services.plan_action_add(goal=goal, by=by, description="x", by_organisation=personas.ets_b,
                                 by_operator=personas.proximity_b)
    stranger = make_person(personas, make_household(personas))
    with pytest.raises(ApplicationError) as info:
        services.plan_action_add(goal=goal, by=by, description="x", by_member=stranger)
    assert info.value.field == "by_member"
    action = services.plan_action_add(goal=goal, by=by, description="Iscrizione", by_operator=personas.proximity_b)
    with pytest.raises(ApplicationError, match="uno solo"):
        services.plan_action_update(action=action, by=by, by_organisation=personas.ets_b)
    services.plan_action_update(action=action, by=by, by_organisation=personas.ets_b, by_operator=None)
    assert PlanAction.objects.get(pk=action.pk).by_organisation == personas.ets_b
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAction.objects.filter(pk=action.pk).update(by_operator=personas.proximity)


def test_it_refuses_invalid_goals(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        services.plan_goal_add(household=household, by=personas.proximity, dimension="luck", description="x")
    assert info.value.field == "dimension"
    with pytest.raises(ApplicationError) as info:
        services.plan_goal_add(household=household, by=personas.proximity, dimension="housing", description=" ")
    assert info.value.field == "description"
    goal = services.plan_goal_add(household=household, by=personas.proximity, dimension="housing",
                                  description="Casa")
    with pytest.raises(ApplicationError) as info:
        services.plan_goal_update(goal=goal, by=personas.proximity, status="forgotten")
    assert info.value.field == "status"
    with pytest.raises(ApplicationError):
        services.plan_goal_update(goal=goal, by=personas.proximity, plan=None)


def test_reviews_record_outcomes_per_dimension(personas: Personas) -> None:
    household = make_household(personas, opened_on=dt.date(2025, 12, 1))
    review = services.plan_review_record(
        household=household, by=personas.proximity, reviewed_on=dt.date(2026, 1, 10),
        outcomes={"housing": DimensionOutcome("improved", "Nuovo contratto"),
                  "health": DimensionOutcome("worsened", "Ricovero a dicembre")})
    assert review.kind == ReviewKind.PERIODIC
    outcomes = {o.dimension: o for o in review.outcomes.all()}
    assert outcomes["housing"].result == "improved"
    grant = entitled(personas, household, [C.NEEDS_AND_PLAN])
    assert reveal(outcomes["housing"], "evidence", entitlement=grant) == "Nuovo contratto"
    with pytest.raises(NotEntitled):
        reveal(outcomes["health"], "evidence", entitlement=grant)
    with pytest.raises(ApplicationError) as info:
        services.plan_review_record(household=household, by=personas.proximity, reviewed_on=dt.date(2026, 1, 10),
                                    outcomes={})
    assert info.value.field == "outcomes"


def test_notes_keep_their_author_organisation_and_visibility(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                          visibility="public", text="x")
    assert info.value.field == "visibility"
    with pytest.raises(ApplicationError) as info:
        services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a, text="")
    assert info.value.field == "text"
    note = services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                             text="Colloquio svolto")
    assert Note.objects.get(pk=note.pk).organisation == personas.ets_a
    audit = AuditEvent.objects.get(action="records.note.add")
    assert audit.details["categories"] == ["notes"] and "Colloquio" not in str(audit.details)
