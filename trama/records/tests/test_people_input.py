"""Members' identity as people type it, the duplicate warning's reasons, probes of other households' members and
the access log in words (findings of a review, each fixed)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import services
from trama.records.access import duplicate_candidates
from trama.records.models import Person
from trama.records.selectors import find_possible_duplicates
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["0", "19800", "-5"])
def test_a_mistyped_birth_year_is_an_error_of_its_field(personas: Personas, client_as, year: str) -> None:  # type: ignore[no-untyped-def]
    household = make_household(personas)
    response = client_as(personas.proximity).post(reverse("records:person_add", args=[household.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Mario", "birth_year": year})
    assert response.status_code == 200 and response.context["form"].errors["birth_year"]
    assert not Person.objects.exists()


def test_a_fiscal_code_typed_with_spaces_or_dashes_is_taken(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    household = make_household(personas)
    client: Client = client_as(personas.proximity)
    response = client.post(reverse("records:person_add", args=[household.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Mario", "fiscal_code": "rssmra 80a01-f205x"})
    assert response.status_code == 302
    for code, status in (("RSSLCU 10A01 F205X", 400), ("RSSLCU 10A01 F205U", 201)):  # X: a wrong check letter
        response = client.post(f"/api/households/{household.pk}/people", json.dumps({
            "role_in_household": "child", "first_name_or_alias": "Luca", "fiscal_code": code}),
            content_type="application/json")
        assert response.status_code == status, response.content
    assert sorted(Person.objects.values_list("fiscal_code", flat=True)) == ["RSSLCU10A01F205U", "RSSMRA80A01F205X"]


def test_the_duplicate_warning_claims_only_the_reasons_that_hold(personas: Personas) -> None:
    household = make_household(personas)
    make_person(personas, household, first_name_or_alias="Mario", surname="Rossi", fiscal_code="RSSMRA80A01F205X",
                birth_year=1980)
    [match] = find_possible_duplicates(candidates=duplicate_candidates(personas.proximity),
                                       first_name_or_alias="Mario", surname="Rossi",
                                       fiscal_code="RSSMRA80A01F205X", birth_year=1995)
    assert match.reasons == ["fiscal_code"]  # same code; the name matches but the birth year does not
    [match] = find_possible_duplicates(candidates=duplicate_candidates(personas.proximity),
                                       first_name_or_alias="Mario", surname="Rossi", birth_year=1980)
    assert match.reasons == ["name_and_birth"]


def test_naming_another_households_member_through_the_api_is_audited(personas: Personas,
                                                                     client_as) -> None:  # type: ignore[no-untyped-def]
    mine = make_household(personas)
    other = services.household_create(organisation=personas.ets_b, by=personas.proximity_b)
    stranger = services.person_add(household=other, by=personas.proximity_b, role_in_household="parent",
                                   first_name_or_alias="Zed")
    response = client_as(personas.proximity).post(
        f"/api/households/{mine.pk}/notes", json.dumps({"visibility": "organisation", "text": "x",
                                                         "person": stranger.pk}), content_type="application/json")
    assert response.status_code == 400
    denied = AuditEvent.objects.get(action="access.denied", object_type="records.person")
    assert denied.object_id == str(stranger.pk) and denied.details["household"] == mine.pk


def test_the_access_log_says_what_was_done_in_words(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    household = make_household(personas)
    client: Client = client_as(personas.proximity)
    client.get(reverse("records:household_detail", args=[household.pk]))
    html = client.get(reverse("records:access_log", args=[household.pk])).content.decode()
    assert "Ha consultato il nucleo" in html and "Ha registrato il nucleo" in html
    assert "<code>records." not in html
