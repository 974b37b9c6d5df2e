"""The possible-duplicate warning looks only within the people the caller may already see."""

from __future__ import annotations

import datetime as dt

import pytest

from trama.core.testing import Personas
from trama.records.models import Person
from trama.records.selectors import find_possible_duplicates
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db
CF = "RSSMRA85T10A562S"


def _visible_to_alfa(p: Personas):  # type: ignore[no-untyped-def]
    return Person.objects.filter(household__organisation=p.ets_a)


def test_it_matches_fiscal_code_or_names_with_birth(personas: Personas) -> None:
    household = make_household(personas)
    by_cf = make_person(personas, household, first_name_or_alias="Mario", surname="Rossi", fiscal_code=CF)
    by_name = make_person(personas, household, first_name_or_alias="Aïcha", surname="Diallo",
                          birth_date=dt.date(2012, 4, 3))
    by_year = make_person(personas, household, first_name_or_alias="Yusuf", surname="Haddad", birth_year=2016)
    visible = _visible_to_alfa(personas)

    found = find_possible_duplicates(candidates=visible, fiscal_code="rssmra85t10a562s")
    assert [(m.person, m.reasons) for m in found] == [(by_cf, ["fiscal_code"])]
    # Names in any order, without accents or case; same birth date, or same year when only the year is known.
    found = find_possible_duplicates(candidates=visible, first_name_or_alias="DIALLO", surname="aicha",
                                     birth_date=dt.date(2012, 4, 3))
    assert [m.person for m in found] == [by_name]
    assert find_possible_duplicates(candidates=visible, first_name_or_alias="Aicha", surname="Diallo",
                                    birth_date=dt.date(2012, 4, 4)) == []
    assert [m.person for m in find_possible_duplicates(candidates=visible, first_name_or_alias="Aicha",
                                                       surname="Diallo", birth_year=2012)] == [by_name]
    assert [m.person for m in find_possible_duplicates(candidates=visible, first_name_or_alias="Yusuf",
                                                       surname="Haddad",
                                                       birth_date=dt.date(2016, 9, 9))] == [by_year]
    # The same name without any birth information is not enough; the person being edited is excluded.
    assert find_possible_duplicates(candidates=visible, first_name_or_alias="Yusuf", surname="Haddad") == []
    assert find_possible_duplicates(candidates=visible, fiscal_code=CF, exclude=by_cf) == []


def test_it_never_reveals_people_outside_the_given_queryset(personas: Personas) -> None:
    theirs = make_household(personas, organisation=personas.ets_other)
    make_person(personas, theirs, first_name_or_alias="Mario", surname="Rossi", fiscal_code=CF,
                birth_date=dt.date(1985, 12, 10))
    visible = _visible_to_alfa(personas)
    assert find_possible_duplicates(candidates=visible, fiscal_code=CF) == []
    assert find_possible_duplicates(candidates=visible, first_name_or_alias="Mario", surname="Rossi",
                                    birth_date=dt.date(1985, 12, 10)) == []
    # The same search over everything would have found it: the empty answers above come from the queryset.
    assert len(find_possible_duplicates(candidates=Person.objects.all(), fiscal_code=CF)) == 1
    with pytest.raises(TypeError):
        find_possible_duplicates(candidates=theirs.events.all(), fiscal_code=CF)  # type: ignore[arg-type]
