"""Assessments with trends, the plan with goals, actions and immutable versions, reviews, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

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
    household = make_household(personas, opened_on=dt.date(2025, 1, 1))
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
    household = make_household(personas, opened_on=dt.date(2025, 1, 1))
    with pytest.raises(ApplicationError) as info:
        services.assessment_record(household=household, by=personas.proximity, assessed_on=dt.date(2025, 1, 1),
                                   scores=scores)
    assert info.value.field == "scores"
    assert not household.assessments.exists()


def test_every_plan_change_writes_an_immutable_version(personas: Personas) -> None:
    household = make_household(personas, opened_on=dt.date(2026, 1, 1))
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
    household.plan.refresh_from_db()
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


def test_a_change_cannot_land_on_a_household_closed_since_it_was_loaded(personas: Personas) -> None:
    from trama.records.models import Household

    household = make_household(personas, opened_on=timezone.localdate() - dt.timedelta(days=10))
    stale = Household.objects.get(pk=household.pk)
    services.household_close(household=Household.objects.get(pk=household.pk), by=personas.proximity,
                             reason="moved_away")
    for change in (
        lambda: services.plan_goal_add(household=stale, by=personas.proximity, dimension="housing", description="x"),
        lambda: _assess(personas, stale, timezone.localdate(), housing=3),
    ):
        with pytest.raises(ApplicationError) as info:
            change()
        assert info.value.code == "closed"
    assert not household.assessments.exists() and not PlanVersion.objects.filter(plan__household=household).exists()


def test_assessments_and_reviews_fall_in_an_open_period_and_closure_follows_them(personas: Personas) -> None:
    today = timezone.localdate()
    household = make_household(personas, opened_on=today - dt.timedelta(days=100))
    with pytest.raises(ApplicationError) as info:
        _assess(personas, household, dt.date(1990, 1, 1), housing=3)
    assert info.value.field == "assessed_on" and "apertura" in info.value.message
    _assess(personas, household, today - dt.timedelta(days=5), housing=3)
    services.plan_review_record(household=household, by=personas.proximity, reviewed_on=today - dt.timedelta(days=4),
                                outcomes={"housing": DimensionOutcome("improved")})
    with pytest.raises(ApplicationError) as info:  # the history would read: reviewed after the closure
        services.household_close(household=household, by=personas.proximity, reason="moved_away",
                                 closed_on=today - dt.timedelta(days=60))
    assert info.value.field == "closed_on" and "verifica" in info.value.message
    services.household_close(household=household, by=personas.proximity, reason="moved_away",
                             closed_on=today - dt.timedelta(days=3))
    services.household_reopen(household=household, by=personas.proximity, note="tornati")
    for record in (lambda day: _assess(personas, household, day, housing=2),
                   lambda day: services.plan_review_record(household=household, by=personas.proximity,
                                                           reviewed_on=day,
                                                           outcomes={"housing": DimensionOutcome("improved")})):
        with pytest.raises(ApplicationError) as info:  # while it was closed
            record(today - dt.timedelta(days=2))
        assert "chiuso" in info.value.message
        record(today - dt.timedelta(days=3))  # the closure's day was still open
        record(today)  # the reopening's day is open again


def test_plan_dates_are_after_the_opening_and_within_five_years(personas: Personas) -> None:
    today = timezone.localdate()
    household = make_household(personas, opened_on=today - dt.timedelta(days=10))
    by = personas.proximity
    with pytest.raises(ApplicationError) as info:
        services.plan_goal_add(household=household, by=by, dimension="housing", description="Casa",
                               target_date=dt.date(1900, 1, 1))
    assert info.value.field == "target_date"
    goal = services.plan_goal_add(household=household, by=by, dimension="housing", description="Casa",
                                  target_date=today + dt.timedelta(days=365))
    with pytest.raises(ApplicationError) as info:
        services.plan_action_add(goal=goal, by=by, description="Domanda", by_organisation=personas.ets_a,
                                 due_date=dt.date(2999, 1, 1))
    assert info.value.field == "due_date" and "5 anni" in info.value.message
    action = services.plan_action_add(goal=goal, by=by, description="Domanda", by_organisation=personas.ets_a,
                                      due_date=today - dt.timedelta(days=2))  # overdue, but after the opening
    with pytest.raises(ApplicationError):
        services.plan_action_update(action=action, by=by, due_date=today - dt.timedelta(days=30))
    with pytest.raises(ApplicationError):
        services.plan_goal_update(goal=goal, by=by, target_date=today + dt.timedelta(days=6 * 366))
    assert PlanVersion.objects.filter(plan__household=household).count() == 2


def test_a_change_that_changes_nothing_writes_no_version_and_no_audit(personas: Personas) -> None:
    household = make_household(personas)
    by = personas.proximity
    goal = services.plan_goal_add(household=household, by=by, dimension="housing", description="Casa")
    action = services.plan_action_add(goal=goal, by=by, description="Domanda", by_organisation=personas.ets_a)
    before = (PlanVersion.objects.count(), AuditEvent.objects.count())
    services.plan_goal_update(goal=goal, by=by, status=GoalStatus.PLANNED, description=" Casa ", dimension="housing")
    services.plan_action_update(action=action, by=by, by_organisation=personas.ets_a, by_operator=None,
                                by_member=None, status="planned")
    assert (PlanVersion.objects.count(), AuditEvent.objects.count()) == before
    services.plan_action_update(action=action, by=by, status="done", by_organisation=personas.ets_a)
    assert AuditEvent.objects.filter(action="records.plan.action_update").get().details["fields"] == ["status"]


def test_an_assessment_sent_twice_is_recorded_once_and_a_day_counts_once_in_the_trend(personas: Personas) -> None:
    today = timezone.localdate()
    household = make_household(personas, opened_on=today - dt.timedelta(days=200))
    _assess(personas, household, today - dt.timedelta(days=100), housing=2)
    _assess(personas, household, today, housing=4)
    with pytest.raises(ApplicationError) as info:  # the same form again
        _assess(personas, household, today, housing=4)
    assert info.value.field == "scores" and "già registrata" in info.value.message
    assert household.assessments.count() == 2
    trend = assessment_trend(household, entitlement=entitled(personas, household))["housing"]
    assert (trend.previous, trend.latest, trend.direction) == (2, 4, "improved")
    _assess(personas, household, today, housing=3)  # a correction the same day: recorded, and it counts
    trend = assessment_trend(household, entitlement=entitled(personas, household))["housing"]
    assert [score for _, score in trend.series] == [2, 3] and trend.direction == "improved"
