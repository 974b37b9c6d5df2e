"""Reads on social records that the access funnel builds on: possible duplicates, assessment trends and scores,
the plan's dimensions, goals, actions and assignees.

None of these functions decides who may see what: the caller passes what the user may already see (a QuerySet of
people from the funnel, an Entitlement)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from trama.lib.codice_fiscale import normalise
from trama.records.categories import DataCategory
from trama.records.models import AssessmentScore, Dimension, Household, Person, PlanAction, PlanGoal, name_key
from trama.records.protection import Entitlement, NotEntitled

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.network.models import Organisation

DUPLICATE_LIMIT = 10
# The fields a possible-duplicate warning compares (find_possible_duplicates): a change to one of them asks again.
IDENTIFYING_FIELDS = frozenset({"first_name_or_alias", "surname", "fiscal_code", "birth_date", "birth_year"})


@dataclass
class DuplicateMatch:
    person: Person
    reasons: list[str] = field(default_factory=list)  # "fiscal_code", "name_and_birth"


def find_possible_duplicates(
    *, candidates: QuerySet[Person], first_name_or_alias: str = "", surname: str = "", fiscal_code: str = "",
    birth_date: dt.date | None = None, birth_year: int | None = None, exclude: Person | None = None,
    limit: int = DUPLICATE_LIMIT,
) -> list[DuplicateMatch]:
    """People in `candidates` with the same fiscal code, or the same names (any order, ignoring accents and case)
    and the same birth date or year. Only `candidates` is queried — the funnel passes the people the user may
    already see, so the warning never reveals records of other organisations."""
    if candidates.model is not Person:
        raise TypeError("candidates must be a QuerySet of Person.")
    condition = Q()
    code = normalise(fiscal_code) if fiscal_code else ""
    if code:
        condition |= Q(fiscal_code=code)
    key = name_key(first_name_or_alias or "", surname or "")
    year = birth_date.year if birth_date is not None else birth_year
    if year is not None and not 1 <= year <= 9999:  # a typo ("19800"): no date has it, the form refuses it
        year = None
    if key and year is not None:
        if birth_date is not None:
            same_birth = Q(birth_date=birth_date) | Q(birth_date__isnull=True, birth_year=birth_date.year)
        else:
            same_birth = Q(birth_year=year) | Q(birth_date__year=year)
        condition |= Q(name_key=key) & same_birth
    if not condition:
        return []
    rows = candidates.filter(condition)
    if exclude is not None and exclude.pk is not None:
        rows = rows.exclude(pk=exclude.pk)
    matches = []
    for person in rows.select_related("household").order_by("pk")[:limit]:
        reasons = []
        if code and person.fiscal_code == code:
            reasons.append("fiscal_code")
        if key and person.name_key == key and year is not None and (
                person.birth_date == birth_date if birth_date is not None and person.birth_date is not None
                else person.approximate_birth_year == year):
            reasons.append("name_and_birth")
        matches.append(DuplicateMatch(person=person, reasons=reasons))
    return matches


@dataclass
class Trend:
    dimension: str
    series: list[tuple[dt.date, int]]

    @property
    def latest(self) -> int | None:
        return self.series[-1][1] if self.series else None

    @property
    def previous(self) -> int | None:
        return self.series[-2][1] if len(self.series) > 1 else None

    @property
    def change(self) -> int | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest - self.previous

    @property
    def direction(self) -> str | None:
        """"improved", "unchanged" or "worsened" between the last two assessments (higher score is better)."""
        change = self.change
        if change is None:
            return None
        return "improved" if change > 0 else "worsened" if change < 0 else "unchanged"


def assessment_trend(household: Household, *, entitlement: Entitlement) -> dict[str, Trend]:
    """Per dimension, the series of scores in date order, one a day (the last recorded), with previous vs latest.

    Needs an entitlement to needs_and_plan; the health dimension is left out unless it covers health too."""
    if entitlement.household_id != household.pk or DataCategory.NEEDS_AND_PLAN not in entitlement.categories:
        raise NotEntitled("Not entitled to the assessments of this household.")
    rows = AssessmentScore.objects.filter(assessment__household=household)
    if DataCategory.HEALTH not in entitlement.categories:
        rows = rows.exclude(dimension=Dimension.HEALTH)
    trends: dict[str, Trend] = {}
    ordered = rows.order_by("assessment__assessed_on", "assessment_id").values_list(
        "dimension", "assessment__assessed_on", "score")
    for dimension, assessed_on, score in ordered:
        series = trends.setdefault(dimension, Trend(dimension=dimension, series=[])).series
        if series and series[-1][0] == assessed_on:
            series[-1] = (assessed_on, score)  # a day's later assessment corrects the earlier one of that day
        else:
            series.append((assessed_on, score))
    return {dimension: trends[dimension] for dimension in Dimension.values if dimension in trends}


def count_members(households: Sequence[Household]) -> None:  # every member: lists show it for own households only
    """Set `members_count` on the households of one page of a list. Counting in the list query would group every
    visible household through the members table (and again in the paginator's COUNT); this counts the page's."""
    counts = dict(Person.objects.filter(household_id__in=[h.pk for h in households]).order_by()
                  .values("household_id").annotate(n=Count("pk")).values_list("household_id", "n"))
    for household in households:
        household.members_count = counts.get(household.pk, 0)  # type: ignore[attr-defined]


def plan_dimensions(categories: Iterable[DataCategory]) -> list[str]:
    """The assessment and plan dimensions a user with these data categories may read and write: health only with
    the health category (pages and API alike)."""
    health = DataCategory.HEALTH in set(categories)
    return [code for code in Dimension.values if code != Dimension.HEALTH or health]


def assessment_scores(categories: Iterable[DataCategory]) -> QuerySet[AssessmentScore]:
    """The assessment scores a user with these data categories may read (health ones with that category), for the
    prefetch of a household's assessments."""
    scores = AssessmentScore.objects.all()
    if DataCategory.HEALTH not in set(categories):
        scores = scores.exclude(dimension=Dimension.HEALTH)
    return scores


def plan_goals(household: Household, categories: Iterable[DataCategory]) -> QuerySet[PlanGoal]:
    """The household's plan goals a user with these data categories may read (health ones with that category)."""
    goals = PlanGoal.objects.filter(plan__household=household)
    if DataCategory.HEALTH not in set(categories):
        goals = goals.exclude(dimension=Dimension.HEALTH)
    return goals


def plan_actions(household: Household, categories: Iterable[DataCategory]) -> QuerySet[PlanAction]:
    """The actions of `plan_goals`."""
    actions = PlanAction.objects.filter(goal__plan__household=household)
    if DataCategory.HEALTH not in set(categories):
        actions = actions.exclude(goal__dimension=Dimension.HEALTH)
    return actions


@dataclass(frozen=True)
class Assignees:
    """Who may be put in charge of a plan action of a household: any active organisation, an operator with a
    membership of the owning organisation in force today, or a member of the household the user may see."""

    organisations: QuerySet[Organisation]
    operators: QuerySet[User]
    people: QuerySet[Person]


def action_assignees(household: Household, people: QuerySet[Person]) -> Assignees:
    """`people`: the household's members the user may see (`access.people_of`)."""
    from trama.accounts.models import Membership, User
    from trama.network.models import Organisation

    members = Membership.objects.active().filter(organisation=household.organisation_id).values("user_id")
    return Assignees(
        organisations=Organisation.objects.filter(is_active=True).order_by("name"),
        operators=User.objects.filter(is_active=True, pk__in=members).order_by("full_name"),
        people=people.order_by("id"),
    )
