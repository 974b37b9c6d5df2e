"""Sources that cover single members (a consent given for one person, a referral of some members) share their
categories for those members only: a mother's consent to share her health data opens neither the father's health
data nor the notes and statements about him, even when another consent shares the whole household."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import access, services
from trama.records import consent as consent_services
from trama.records.categories import DataCategory
from trama.records.models import Household, NoteVisibility, Person
from trama.records.protection import reveal_if_entitled
from trama.records.tests.helpers import make_household, make_person

C = DataCategory


def _share(p: Personas, household: Household, categories: list[str], person: Person | None = None) -> None:
    consent_services.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_organisations=[p.ets_b], given_by_name="Amina", person=person)


def _family(p: Personas) -> tuple[Household, Person, Person]:
    household = make_household(p, label="Famiglia R.")
    mother = make_person(p, household, first_name_or_alias="Amina", health_notes="asma della madre",
                         phones=["3330000001"])
    father = make_person(p, household, first_name_or_alias="Karim", health_notes="diabete del padre",
                         phones=["3330000002"])
    return household, mother, father


def test_a_members_consent_adds_its_categories_to_that_member_only(personas: Personas) -> None:
    p = personas
    household, mother, father = _family(p)
    _share(p, household, [C.IDENTITY, C.CONTACTS])  # the whole household
    _share(p, household, [C.IDENTITY, C.HEALTH, C.NOTES], person=mother)  # the mother, for herself
    opened = access.open_household(p.proximity_b, household.pk)
    assert opened.person_ids is None  # every member is shown...
    assert opened.categories_for(mother.pk) == {C.IDENTITY, C.CONTACTS, C.HEALTH, C.NOTES}
    assert opened.categories_for(father.pk) == {C.IDENTITY, C.CONTACTS}  # ...with the household's categories
    entitlement = opened.entitlement
    assert reveal_if_entitled(mother, "health_notes", entitlement=entitlement) == "asma della madre"
    assert reveal_if_entitled(father, "health_notes", entitlement=entitlement) is None
    assert opened.members_with(C.HEALTH) == {mother.pk} and opened.members_with(C.CONTACTS) is None
    event = AuditEvent.objects.filter(action="records.household.view", actor=p.proximity_b).latest("id")
    assert event.details["member_categories"] == {"all": ["contacts", "identity"], str(mother.pk): ["health", "notes"]}


def test_the_page_and_the_api_show_the_father_nothing_of_the_mothers_consent(personas: Personas,  # type: ignore[no-untyped-def]
                                                                             client_as) -> None:
    p = personas
    household, mother, father = _family(p)
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, text="Nota sul padre",
                      visibility=NoteVisibility.SHARED, person=father)
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, text="Nota sulla madre",
                      visibility=NoteVisibility.SHARED, person=mother)
    _share(p, household, [C.IDENTITY, C.CONTACTS])
    _share(p, household, [C.IDENTITY, C.HEALTH, C.NOTES], person=mother)
    client = client_as(p.proximity_b)
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "asma della madre" in page and "diabete del padre" not in page
    assert "Nota sulla madre" in page and "Nota sul padre" not in page
    people: Any = json.loads(client.get(f"/api/households/{household.pk}/people").content)["results"]
    by_name = {person["first_name_or_alias"]: person for person in people}
    assert by_name["Amina"]["health_notes"] == "asma della madre"
    assert by_name["Karim"]["health_notes"] is None and by_name["Karim"]["phones"] == ["3330000002"]
    notes = json.loads(client.get(f"/api/households/{household.pk}/notes").content)
    assert [note["text"] for note in notes["results"]] == ["Nota sulla madre"]


def test_a_members_consent_alone_shows_that_member_only(personas: Personas) -> None:
    p = personas
    household, mother, father = _family(p)
    services.statement_add(household=household, by=p.proximity, kind="need", text="Lavoro per Karim", person=father)
    services.statement_add(household=household, by=p.proximity, kind="need", text="Corso per Amina", person=mother)
    services.statement_add(household=household, by=p.proximity, kind="wish", text="Una casa")
    _share(p, household, [C.IDENTITY, C.NEEDS_AND_PLAN], person=mother)
    opened = access.open_household(p.proximity_b, household.pk)
    assert opened.person_ids == {mother.pk} and opened.categories_for(mother.pk) == {C.IDENTITY, C.NEEDS_AND_PLAN}
    assert list(access.people_of(opened)) == [mother]
    assert sorted(access.statements_of(opened).values_list("text", flat=True)) == ["Corso per Amina", "Una casa"]


def test_the_owner_keeps_every_category_for_every_member(personas: Personas) -> None:
    p = personas
    household, mother, father = _family(p)
    _share(p, household, [C.IDENTITY], person=mother)
    opened = access.open_household(p.proximity, household.pk)
    assert opened.entitlement.member_base is None
    assert opened.categories_for(father.pk) == opened.categories == frozenset(C)
