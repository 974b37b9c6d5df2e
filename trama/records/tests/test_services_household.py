"""Households: reference codes, closure with outcomes, reopening, immutable history, audit without values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import services
from trama.records.models import (
    ClosureReason,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    HouseholdStatus,
    PlanReview,
    ReviewKind,
    ReviewOutcome,
)
from trama.records.services import DimensionOutcome
from trama.records.tests.helpers import make_household, make_person
from trama.territory.models import Area, AreaKind

pytestmark = pytest.mark.django_db


def test_it_gives_sequential_non_identifying_reference_codes(personas: Personas) -> None:
    year = timezone.localdate().year
    first = make_household(personas, label="Famiglia R.")
    second = make_household(personas, organisation=personas.ets_other)
    assert first.reference_code == f"NUC-{year}-000001"
    assert second.reference_code == f"NUC-{year}-000002"
    earlier = make_household(personas, opened_on=dt.date(2025, 3, 1))
    assert earlier.reference_code == "NUC-2025-000001"
    assert list(first.events.values_list("kind", flat=True)) == [HouseholdEventKind.OPENED]
    event = AuditEvent.objects.get(action="records.household.create", object_id=str(first.pk))
    assert event.details["categories"] == ["identity", "needs_and_plan"]
    assert "Famiglia R." not in str(event.details)


def test_reference_codes_are_unique_in_the_database(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(organisation=personas.ets_b, reference_code=household.reference_code,
                                 opened_on=household.opened_on)


def test_it_checks_the_territory(personas: Personas) -> None:
    nil_elsewhere = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-1", name="Brera", parent=personas.municipio1)
    with pytest.raises(ApplicationError) as info:
        make_household(personas, municipio=personas.city)
    assert info.value.field == "municipio"
    with pytest.raises(ApplicationError) as info:
        make_household(personas, municipio=personas.municipio8, nil=nil_elsewhere)
    assert info.value.field == "nil"
    with pytest.raises(ApplicationError) as info:
        make_household(personas, opened_on=timezone.localdate() + dt.timedelta(days=1))
    assert info.value.field == "opened_on"
    assert not Household.objects.exists()
    ok = make_household(personas, municipio=personas.municipio1, nil=nil_elsewhere)
    assert ok.nil == nil_elsewhere


def test_it_closes_with_a_reason_and_outcomes_and_reopens(personas: Personas) -> None:
    household = make_household(personas, opened_on=dt.date(2025, 1, 10))
    event = services.household_close(
        household=household, by=personas.proximity, reason=ClosureReason.GOALS_ACHIEVED,
        closed_on=dt.date(2025, 12, 1),
        outcomes={"housing": DimensionOutcome("improved", "Contratto d'affitto firmato"),
                  "health": DimensionOutcome("unchanged")},
    )
    assert household.status == HouseholdStatus.CLOSED  # the caller's instance is updated
    household.refresh_from_db()
    assert (household.status, household.closed_on, household.closure_reason) == (
        HouseholdStatus.CLOSED, dt.date(2025, 12, 1), ClosureReason.GOALS_ACHIEVED)
    review = PlanReview.objects.get(household=household, kind=ReviewKind.CLOSURE)
    assert review.closure_event == event
    assert dict(review.outcomes.values_list("dimension", "result")) == {"housing": "improved",
                                                                         "health": "unchanged"}
    audit = AuditEvent.objects.get(action="records.household.close")
    assert audit.details["outcomes"] == {"health": "unchanged", "housing": "improved"}
    assert "affitto" not in str(audit.details)

    with pytest.raises(ApplicationError, match="già chiuso"):
        services.household_close(household=household, by=personas.proximity, reason=ClosureReason.OTHER,
                                 note="x")
    with pytest.raises(ApplicationError, match="chiuso"):
        make_person(personas, household)
    with pytest.raises(ApplicationError) as info:
        services.household_reopen(household=household, by=personas.proximity, note="  ")
    assert info.value.field == "note"

    services.household_reopen(household=household, by=personas.proximity, note="La famiglia è tornata")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OPEN and household.closed_on is None
    kinds = list(household.events.values_list("kind", "reason"))
    assert kinds == [("opened", ""), ("closed", "goals_achieved"), ("reopened", "")]
    # The closure review stays in the history.
    assert ReviewOutcome.objects.filter(review__household=household).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "bored"}, "reason"),
        ({"reason": ClosureReason.OTHER}, "note"),
        ({"reason": ClosureReason.GOALS_ACHIEVED}, "outcomes"),
        ({"reason": ClosureReason.MOVED_AWAY, "closed_on": dt.date(2020, 1, 1)}, "closed_on"),
        ({"reason": ClosureReason.MOVED_AWAY, "outcomes": {"luck": DimensionOutcome("improved")}}, "outcomes"),
        ({"reason": ClosureReason.MOVED_AWAY, "outcomes": {"housing": DimensionOutcome("great")}}, "outcomes"),
    ],
)
def test_it_refuses_an_incomplete_closure_and_keeps_the_household_open(
    personas: Personas, kwargs: dict, field: str
) -> None:
    household = make_household(personas, opened_on=dt.date(2025, 1, 10))
    with pytest.raises(ApplicationError) as info:
        services.household_close(household=household, by=personas.proximity, **kwargs)
    assert info.value.field == field
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OPEN
    assert not PlanReview.objects.exists()
    assert household.events.count() == 1


def test_history_rows_are_immutable(personas: Personas) -> None:
    household = make_household(personas)
    event = household.events.get()
    with pytest.raises(PermissionError):
        event.note = "rewritten"
        event.save()
    with pytest.raises(PermissionError):
        HouseholdEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(PermissionError):
        HouseholdEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_an_inconsistent_closure(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.CLOSED)
