"""People: the "invisible" are recordable; optional fields are validated; minors are computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import services
from trama.records.models import Disability, HouseholdRole, Person
from trama.records.protection import reveal
from trama.records.tests.helpers import entitled, make_household, make_person

pytestmark = pytest.mark.django_db
VALID_CF = "RSSMRA85T10A562S"


def test_a_first_name_or_alias_is_enough(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, first_name_or_alias="  La signora del terzo piano ")
    assert person.first_name_or_alias == "La signora del terzo piano"
    assert person.fiscal_code == "" and person.birth_date is None and person.is_minor() is None
    assert person.documents_status is None and person.statistics_key is not None


def test_it_records_the_full_profile(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(
        personas, household, surname="Rossi", fiscal_code="rss mra 85t10 a562s", birth_date=dt.date(1985, 12, 10),
        birth_year=1985, sex_gender="non_binary", citizenship="xx", country_of_birth="MA",
        mother_country_of_birth="MA", father_country_of_birth="IT", languages=["AR", "fr", "ise"],
        interpreter_needed=True, housing_situation="hosted", labour_status="long_term_unemployed",
        education_level="isced2", disability=Disability.DECLINED, phones=["+39 333 1234567"],
        emails=["amina@example.org"],
    )
    person = Person.objects.get(pk=person.pk)
    assert person.fiscal_code == VALID_CF
    assert person.citizenship == "XX" and person.languages == ["ar", "fr", "ise"]
    assert reveal(person, "disability", entitlement=entitled(personas, household)) == "declined"
    assert person.name_key == "amina rossi"
    audit = AuditEvent.objects.get(action="records.person.add")
    assert set(audit.details["categories"]) == {"identity", "contacts", "legal_migration", "health",
                                                 "needs_and_plan"}
    assert "declined" not in str(audit.details) and VALID_CF not in str(audit.details)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name_or_alias": "   "}, "first_name_or_alias"),
        ({"fiscal_code": "RSSMRA85T10A562X"}, "fiscal_code"),
        ({"fiscal_code": "01199250158"}, "fiscal_code"),  # a company's code, not a person's
        ({"citizenship": "ZZ"}, "citizenship"),
        ({"country_of_birth": "XX"}, "country_of_birth"),  # stateless is a citizenship, not a birthplace
        ({"languages": ["klingon"]}, "languages"),
        ({"languages": ["it", "it"]}, "languages"),
        ({"phones": ["call me"]}, "phones"),
        ({"emails": ["not-an-email"]}, "emails"),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date"),
        ({"birth_year": 2999}, "birth_year"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_date": dt.date(2010, 5, 1), "birth_year": 2011}, "birth_year"),
        ({"sex_gender": "robot"}, "sex_gender"),
        ({"education_level": "isced9"}, "education_level"),
        ({"disability": "maybe"}, "disability"),
        ({"residency_status": "somewhere"}, "residency_status"),
        ({"role_in_household": "boss"}, "role_in_household"),
    ],
)
def test_it_refuses_invalid_values_with_the_field_named(personas: Personas, fields: dict, field: str) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        make_person(personas, household, **fields)
    assert info.value.field == field
    assert info.value.message
    assert not Person.objects.exists()


def test_it_refuses_unknown_fields(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError, match="statistics_key"):
        make_person(personas, household, statistics_key="chosen")


def test_minors_are_computed_from_the_birth_date_or_year() -> None:
    on = dt.date(2026, 6, 1)
    assert Person(birth_date=dt.date(2008, 6, 2)).is_minor(on) is True
    assert Person(birth_date=dt.date(2008, 6, 1)).is_minor(on) is False
    # With only the year, someone turning 18 this year counts as a minor until the year ends.
    assert Person(birth_year=2008).is_minor(on) is True
    assert Person(birth_year=2007).is_minor(on) is False
    assert Person().is_minor(on) is None


def test_it_updates_a_person_and_keeps_the_name_key(personas: Personas) -> None:
    household = make_household(personas)
    person = make_person(personas, household, role_in_household=HouseholdRole.CHILD, first_name_or_alias="Omar")
    services.person_update(person=person, by=personas.proximity, surname="Ben Ali", birth_year=2015,
                           health_notes="Celiachia")
    person = Person.objects.get(pk=person.pk)
    assert person.name_key == "ali ben omar"
    assert person.is_minor(timezone.localdate()) is True
    assert reveal(person, "health_notes", entitlement=entitled(personas, household)) == "Celiachia"
    services.person_update(person=person, by=personas.proximity, health_notes="")
    assert Person.objects.get(pk=person.pk).health_notes is None
    audit = AuditEvent.objects.filter(action="records.person.update").first()
    assert audit is not None and "Celiachia" not in str(audit.details)


def test_a_statement_uses_the_needs_taxonomy_only(personas: Personas) -> None:
    from trama.directory.models import Taxonomy, TaxonomyTerm

    household = make_household(personas)
    person = make_person(personas, household)
    need = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="casa")
    statement = services.statement_add(household=household, by=personas.proximity, kind="need", person=person,
                                       term=need, text="Cerchiamo una casa più grande")
    assert statement.term == need
    services.statement_add(household=household, by=personas.proximity, kind="resource",
                           text="La nonna aiuta con i bambini")
    services.statement_add(household=household, by=personas.proximity, kind="wish",
                           text="Vorrei imparare l'italiano")
    assert sorted(household.statements.values_list("kind", flat=True)) == ["need", "resource", "wish"]
    other = Taxonomy.objects.create(code="altro", name="Altro")
    foreign = TaxonomyTerm.objects.create(taxonomy=other, code="x", name="X")
    with pytest.raises(ApplicationError) as info:
        services.statement_add(household=household, by=personas.proximity, kind="need", term=foreign, text="x")
    assert info.value.field == "term"
    with pytest.raises(ApplicationError) as info:
        services.statement_add(household=household, by=personas.proximity, kind="need", text="  ")
    assert info.value.field == "text"
    stranger = make_person(personas, make_household(personas))
    with pytest.raises(ApplicationError) as info:
        services.statement_add(household=household, by=personas.proximity, kind="wish", person=stranger,
                               text="x")
    assert info.value.field == "person"


def test_a_fiscal_code_must_agree_with_the_birth_date(personas: Personas) -> None:
    household = make_household(personas)
    with pytest.raises(ApplicationError) as info:
        make_person(personas, household, fiscal_code="RSSMRA80A01F205X", birth_date=dt.date(1995, 1, 1))
    assert info.value.field == "fiscal_code"
    person = make_person(personas, household, fiscal_code="RSSMRA80A01F205X", birth_date=dt.date(1980, 1, 1))
    assert person.fiscal_code == "RSSMRA80A01F205X"
