"""The household list and the household page: the funnel's rules seen through the pages (trama/records/views)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent, services
from trama.records.models import Household, NoteVisibility
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db
GIVEN_ON = dt.date(2026, 11, 20)


def _url(household: Household) -> str:
    return reverse("records:household_detail", args=[household.pk])


def _share_with_b(p: Personas, household: Household, categories: list[str]) -> object:
    return consent.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
        given_on=GIVEN_ON, notice_version="2026-11", notice_language="it", recipient_organisations=[p.ets_b],
        given_by_name="Amina Rossi")


@pytest.fixture
def family(personas: Personas) -> Household:
    household = make_household(personas, label="Famiglia R.", opened_on=dt.date(2026, 1, 1))
    make_person(personas, household, first_name_or_alias="Amina", surname="Rossi", health_notes="asma grave",
                documents_status="none", disability="yes")
    services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                      text="nota interna alfa", visibility=NoteVisibility.ORGANISATION)
    services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                      text="nota riservata alfa", visibility=NoteVisibility.SENSITIVE)
    services.note_add(household=household, by=personas.proximity, organisation=personas.ets_a,
                      text="nota condivisa alfa", visibility=NoteVisibility.SHARED)
    return household


# --- List -----------------------------------------------------------------------------------------------


def test_it_lists_my_households_without_names(personas: Personas, family: Household, client_as) -> None:
    response = client_as(personas.proximity).get(reverse("records:household_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert family.reference_code in html and "Famiglia R." in html
    assert "Amina" not in html  # names need opening the household
    assert "Nuovo nucleo" in html


def test_the_list_is_newest_first_across_pages(personas: Personas, client_as) -> None:
    opened = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(30)]
    codes = {day: make_household(personas, opened_on=day, label=f"Nucleo {day:%m%d}").reference_code
             for day in opened}
    client = client_as(personas.proximity)
    first = client.get(reverse("records:household_list")).content.decode()
    second = client.get(reverse("records:household_list") + "?page=2").content.decode()
    newest_first = [codes[day] for day in reversed(opened)]
    shown = [code for code in newest_first if code in first]
    assert shown == newest_first[:25]
    assert [first.index(code) for code in shown] == sorted(first.index(code) for code in shown)
    assert [code for code in newest_first if code in second] == newest_first[25:]
    assert "Pagina 2 di 2" in second


def test_it_requires_login_for_the_list(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("records:household_list"))
    assert response.status_code == 302 and "/account/login" in response["Location"]


def test_it_lists_nothing_of_other_organisations(personas: Personas, family: Household, client_as) -> None:
    for user in (personas.proximity_b, personas.evaluator, personas.admin, personas.social_worker):
        html = client_as(user).get(reverse("records:household_list")).content.decode()
        assert family.reference_code not in html, user.email


def test_it_lists_households_shared_by_consent_as_shared(personas: Personas, family: Household, client_as) -> None:
    _share_with_b(personas, family, ["identity"])
    html = client_as(personas.proximity_b).get(reverse("records:household_list") + "?source=shared").content.decode()
    assert family.reference_code in html and "condiviso" in html
    html = client_as(personas.proximity_b).get(reverse("records:household_list") + "?source=own").content.decode()
    assert family.reference_code not in html


def test_a_search_by_label_does_not_find_shared_households(personas: Personas, family: Household,
                                                          client_as) -> None:
    """The label is identity data: Beta, with a consent that does not share identity, cannot learn by searching
    that the household it sees is "Famiglia R."; its code still finds it."""
    _share_with_b(personas, family, ["needs_and_plan"])
    client = client_as(personas.proximity_b)
    assert family.reference_code in client.get(reverse("records:household_list")).content.decode()
    by_label = client.get(reverse("records:household_list"), {"q": "Famiglia R"}).content.decode()
    assert family.reference_code not in by_label
    assert family.reference_code in client.get(reverse("records:household_list"),
                                               {"q": family.reference_code}).content.decode()
    api = client.get("/api/households", {"q": "Famiglia R"}).json()
    assert family.pk not in [h["id"] for h in api["results"]]


def test_it_filters_by_code_and_status(personas: Personas, family: Household, client_as) -> None:
    other = make_household(personas, label="Famiglia K.")
    client = client_as(personas.proximity)
    html = client.get(reverse("records:household_list"), {"q": "K."}).content.decode()
    assert other.reference_code in html and family.reference_code not in html
    services.household_close(household=other, by=personas.proximity, reason="moved_away")
    html = client.get(reverse("records:household_list"), {"status": "open"}).content.decode()
    assert family.reference_code in html and other.reference_code not in html


def test_the_list_runs_a_bounded_number_of_queries(personas: Personas, client_as) -> None:
    client = client_as(personas.proximity)
    url = reverse("records:household_list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    household = make_household(personas)
    make_person(personas, household)
    count()  # the first request also writes the session's last-seen time (at most once a minute)
    make_person(personas, make_household(personas))
    few = count()  # the list collected again: a household was created
    for _n in range(6):
        make_person(personas, make_household(personas))
    assert count() == few
    assert count() == few - 1  # nothing changed: the list's ids kept by the process (one query less)


def test_the_page_runs_a_bounded_number_of_queries_whatever_the_plan(personas: Personas, family: Household,
                                                                       client_as) -> None:
    """Goals and actions of the plan are read in one query each: checking that each encrypted description
    belongs to the opened household (action → goal → plan → household) used to cost a query per row."""
    client = client_as(personas.proximity)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(family)).status_code == 200
        return len(queries)

    goal = services.plan_goal_add(household=family, by=personas.proximity, dimension="housing",
                                  description="trovare casa")
    services.plan_action_add(goal=goal, by=personas.proximity, description="domanda ERP",
                             by_organisation=personas.ets_a)
    count()  # the first request also writes the session's last-seen time (at most once a minute)
    few = count()
    for dimension in ("health", "income_work", "education", "relations"):
        more = services.plan_goal_add(household=family, by=personas.proximity, dimension=dimension,
                                      description=f"obiettivo {dimension}")
        for n in range(3):
            services.plan_action_add(goal=more, by=personas.proximity, description=f"azione {n}",
                                     by_organisation=personas.ets_a)
    html = client.get(_url(family)).content.decode()
    assert "azione 2" in html and "obiettivo relations" in html
    assert count() == few


def test_the_list_is_paginated(personas: Personas, client_as) -> None:
    for _n in range(26):
        make_household(personas)
    html = client_as(personas.proximity).get(reverse("records:household_list")).content.decode()
    assert "Pagina 1 di 2" in html


def test_the_list_shows_an_empty_state(personas: Personas, client_as) -> None:
    html = client_as(personas.proximity).get(reverse("records:household_list")).content.decode()
    assert "Non ci sono ancora nuclei" in html


# --- The household page ---------------------------------------------------------------------------------


def test_it_shows_the_household_to_the_owner_and_audits_the_opening(personas: Personas, family: Household,
                                                                    client_as) -> None:
    response = client_as(personas.proximity).get(_url(family))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amina Rossi" in html and "asma grave" in html and "Senza documenti" in html
    assert "nota interna alfa" in html and "nota riservata alfa" in html and "nota condivisa alfa" in html
    assert "Registro degli accessi" in html
    assert AuditEvent.objects.filter(action="records.household.view", object_id=str(family.pk),
                                     actor=personas.proximity).exists()


def test_it_requires_login_for_the_household(personas: Personas, family: Household, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_url(family))
    assert response.status_code == 302 and "/account/login" in response["Location"]


@pytest.mark.parametrize("persona", ["proximity_b", "referent_b", "evaluator", "admin", "social_worker", "nobody"])
def test_it_hides_the_household_from_outsiders_with_404(personas: Personas, family: Household, client_as,
                                                        persona: str) -> None:
    user = personas.users[persona]
    response = client_as(user).get(_url(family))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.pk), actor=user).exists()


def test_a_read_only_member_sees_no_special_categories_nor_sensitive_notes(personas: Personas, family: Household,
                                                                           client_as) -> None:
    response = client_as(personas.referent).get(_url(family))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amina Rossi" in html
    assert "asma grave" not in html and "Senza documenti" not in html
    assert "nota riservata alfa" not in html
    assert "nota interna alfa" in html  # the organisation's own notes, for its members
    assert "Aggiungi un componente" not in html  # read only: no write links


def test_a_recipient_sees_only_the_shared_categories(personas: Personas, family: Household, client_as) -> None:
    _share_with_b(personas, family, ["identity", "notes"])
    html = client_as(personas.proximity_b).get(_url(family)).content.decode()
    assert "Amina Rossi" in html
    assert "asma grave" not in html and "Senza documenti" not in html
    assert "nota condivisa alfa" in html
    assert "nota interna alfa" not in html and "nota riservata alfa" not in html
    assert "Registro degli accessi" not in html
    assert "Progetto di accompagnamento" not in html  # needs and plan not shared
    assert 'badge bg-success">Aperto' not in html  # the status is needs-and-plan data too
    assert 'badge bg-success">Aperto' in client_as(personas.proximity).get(_url(family)).content.decode()


def test_withdrawal_hides_the_household_from_the_recipient_at_the_next_request(personas: Personas,
                                                                                family: Household,
                                                                                client_as) -> None:
    given = _share_with_b(personas, family, ["identity"])
    owner = client_as(personas.proximity)
    response = owner.post(reverse("records:consent_withdraw", args=[family.pk, given.pk]), {"reason": ""})  # type: ignore[attr-defined]
    assert response.status_code == 302
    reader = client_as(personas.proximity_b)
    assert reader.get(_url(family)).status_code == 404
    assert family.reference_code not in reader.get(reverse("records:household_list")).content.decode()


def test_a_shared_reader_may_not_withdraw(personas: Personas, family: Household, client_as) -> None:
    given = _share_with_b(personas, family, ["identity"])
    response = client_as(personas.proximity_b).post(
        reverse("records:consent_withdraw", args=[family.pk, given.pk]), {})  # type: ignore[attr-defined]
    assert response.status_code == 403


# --- Access log -----------------------------------------------------------------------------------------


def test_the_access_log_shows_openings_and_denials_to_the_owner(personas: Personas, family: Household,
                                                                client_as) -> None:
    client_as(personas.proximity_b).get(_url(family))  # denied
    client_as(personas.referent).get(_url(family))
    response = client_as(personas.proximity).get(reverse("records:access_log", args=[family.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert personas.referent.email in html and personas.proximity_b.email in html
    assert "negato" in html and "della mia organizzazione" in html


def test_the_access_log_is_the_owners_only(personas: Personas, family: Household, client_as) -> None:
    _share_with_b(personas, family, ["identity"])
    assert client_as(personas.proximity_b).get(reverse("records:access_log", args=[family.pk])).status_code == 403
    assert client_as(personas.evaluator).get(reverse("records:access_log", args=[family.pk])).status_code == 404


# --- Break-glass ----------------------------------------------------------------------------------------


def test_break_glass_opens_the_household_read_only_with_a_banner(personas: Personas, family: Household,
                                                                 client_as) -> None:
    client = client_as(personas.admin)
    assert client.get(_url(family)).status_code == 404
    short = client.post(reverse("records:break_glass"), {"reference_code": family.reference_code,
                                                         "reason": "troppo breve"})
    assert short.status_code == 200 and "almeno 20 caratteri" in short.content.decode()
    response = client.post(reverse("records:break_glass"), {
        "reference_code": family.reference_code.lower(),
        "reason": "Segnalazione urgente del pronto soccorso per un minore"})
    assert response.status_code == 302 and response["Location"] == _url(family)
    html = client.get(_url(family)).content.decode()
    assert "Accesso straordinario" in html and "Amina Rossi" in html
    assert "Aggiungi un componente" not in html
    assert client.get(reverse("records:person_add", args=[family.pk])).status_code == 403
    # The owning organisation reads who opened it and why on the access log.
    log = client_as(personas.proximity).get(reverse("records:access_log", args=[family.pk])).content.decode()
    assert "Segnalazione urgente del pronto soccorso per un minore" in log and "Accessi straordinari" in log


def test_the_access_log_shows_the_referrals_read_and_the_members_refused(personas: Personas, family: Household,
                                                                          client_as) -> None:
    from trama.records.models import Person

    amina = Person.objects.get(household=family, first_name_or_alias="Amina")
    stranger = client_as(personas.proximity_b)
    assert stranger.get(reverse("records:person_export", args=[family.pk, amina.pk])).status_code == 404
    log = client_as(personas.proximity).get(reverse("records:access_log", args=[family.pk])).content.decode()
    assert personas.proximity_b.email in log


def test_break_glass_is_refused_to_others(personas: Personas, client_as) -> None:
    assert client_as(personas.proximity).get(reverse("records:break_glass")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=personas.proximity).exists()


def test_the_page_shows_the_trend_per_dimension(personas: Personas, family: Household, client_as) -> None:
    for day, score in ((dt.date(2026, 9, 1), 2), (dt.date(2026, 11, 1), 4)):
        services.assessment_record(household=family, by=personas.proximity, assessed_on=day,
                                   scores={"housing": services.DimensionScore(score=score)})
    html = client_as(personas.proximity).get(_url(family)).content.decode()
    assert "01/09/2026: 2; 01/11/2026: 4" in html and "migliorata" in html


def test_the_pages_speak_english(personas: Personas, family: Household, client_as) -> None:
    client = client_as(personas.proximity)
    try:
        client.post(reverse("set_language"), {"language": "en"})
        html = client.get(_url(family)).content.decode()
        assert "Add a member" in html and "Access log" in html
        assert "Households" in client.get(reverse("records:household_list")).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the thread's language must not leak into other tests
