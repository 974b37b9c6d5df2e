"""Builders for records tests, going through the services like real callers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trama.core.testing import Personas
from trama.network.models import Organisation
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.models import Household, HouseholdRole, Person
from trama.records.protection import Entitlement

ALL_CATEGORIES = tuple(DataCategory)


def make_household(p: Personas, *, organisation: Organisation | None = None, **fields: Any) -> Household:
    return services.household_create(organisation=organisation or p.ets_a, by=p.proximity, **fields)


def make_person(p: Personas, household: Household, *, first_name_or_alias: str = "Amina",
                role_in_household: str = HouseholdRole.PARENT, **fields: Any) -> Person:
    return services.person_add(household=household, by=p.proximity, role_in_household=role_in_household,
                               first_name_or_alias=first_name_or_alias, **fields)


def entitled(p: Personas, household: Household, categories: Iterable[DataCategory] = ALL_CATEGORIES, *,
             sensitive_notes: bool = False) -> Entitlement:
    # Tests stand in for the access funnel, the only other caller allowed to issue entitlements.
    return Entitlement.issue(household=household, categories=categories, user=p.proximity, purpose="test",
                             sensitive_notes=sensitive_notes)
