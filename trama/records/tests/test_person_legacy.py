"""A member stored before the fiscal-code rules tightened (a code disagreeing with the birth date, an impossible
day) can still be edited: the code is checked again only when it or the birth date changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from trama.core.errors import ApplicationError
from trama.core.testing import Personas
from trama.records import services
from trama.records.models import Person
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def test_a_member_stored_under_older_rules_can_still_be_edited(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    household = make_household(personas)
    person = make_person(personas, household, fiscal_code="RSSMRA80A01F205X", birth_date=dt.date(1980, 1, 1))
    Person.objects.filter(pk=person.pk).update(birth_date=dt.date(1980, 1, 2))  # stored before the check
    person = Person.objects.get(pk=person.pk)
    services.person_update(person=person, by=personas.proximity, phones=["+39 333 1234567"])
    with pytest.raises(ApplicationError) as info:  # changing the birth date checks the pair again
        services.person_update(person=Person.objects.get(pk=person.pk), by=personas.proximity,
                               birth_date=dt.date(1980, 1, 3))
    assert info.value.field == "fiscal_code"
    response = client_as(personas.proximity).post(reverse("records:person_edit", args=[household.pk, person.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Amina", "fiscal_code": "RSSMRA80A01F205X",
        "birth_date": "1980-01-02", "surname": "Rossi"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(pk=person.pk).surname == "Rossi"
