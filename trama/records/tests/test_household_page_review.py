"""The household page and its access log as a social worker reads them: whom each row is about, every note
reachable, the terms in the reader's language, no empty rows of a category not shared, nothing offered that would
be refused, and an access log with every event about the household and no reading that did not happen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory.models import TaxonomyTerm
from trama.records import consent as consent_services
from trama.records import services
from trama.records.models import NEEDS_TAXONOMY_CODE, Household, HouseholdStatus, Person
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _share(p: Personas, household: Household, categories: list[str], person: Person | None = None) -> None:
    consent_services.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
        given_on=timezone.localdate(), notice_version="2026-11-23", notice_language="it",
        recipient_organisations=[p.ets_b], given_by_name="Amina Rossi", person=person,
        given_by_kind="parent" if person is not None else "person")


def test_statements_and_notes_say_whom_they_are_about(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    amina = make_person(p, household, first_name_or_alias="Amina")
    services.statement_add(household=household, by=p.proximity, kind="need", text="Lavoro", person=amina)
    services.note_add(household=household, by=p.proximity, organisation=p.ets_a, text="Colloquio",
                      visibility="shared", person=amina)
    page = _client(p.proximity).get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "riguarda Amina" in page and page.count("riguarda Amina") == 2
    # A reader without the identity category learns that a row is about a member, not which one.
    _share(p, household, ["needs_and_plan", "notes"])
    shared = _client(p.proximity_b).get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "riguarda un componente" in shared and "Amina" not in shared


def test_every_note_is_reachable_a_page_at_a_time(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    for number in range(55):
        services.note_add(household=household, by=p.proximity, organisation=p.ets_a, text=f"Nota numero {number:02}",
                          visibility="organisation")
    client = _client(p.proximity)
    url = reverse("records:household_detail", args=[household.pk])
    first = client.get(url).content.decode()
    assert "Nota numero 54" in first and "Nota numero 00" not in first and "?notes_page=2#notes" in first
    older = client.get(url, {"notes_page": 2}).content.decode()
    assert "Nota numero 00" in older and "Nota numero 54" not in older


def test_needs_terms_are_in_the_readers_language(personas: Personas) -> None:
    p = personas
    household = make_household(p)
    term = TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY_CODE).exclude(labels={}).first()
    if term is None:
        pytest.skip("no needs taxonomy with labels in the test database")
    english = term.label("en")
    assert english and english != term.name
    services.statement_add(household=household, by=p.proximity, kind="need", text="Cerca casa", term=term)
    client = _client(p.proximity)
    page = client.get(reverse("records:household_detail", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert english in page.content.decode()
    form = client.get(reverse("records:statement_add", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert english in form.content.decode()


def test_health_only_rows_are_not_listed_to_a_reader_without_health(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=timezone.localdate() - dt.timedelta(days=60))
    day = timezone.localdate() - dt.timedelta(days=10)
    services.assessment_record(household=household, by=p.proximity, assessed_on=day,
                               scores={"health": services.DimensionScore(score=2, notes="")})
    services.plan_review_record(household=household, by=p.proximity, reviewed_on=day,
                             outcomes={"health": services.DimensionOutcome(result="improved", evidence="")})
    _share(p, household, ["identity", "needs_and_plan"])
    page = _client(p.proximity_b).get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert day.strftime("%d/%m/%Y") not in page
    assert day.strftime("%d/%m/%Y") in _client(p.proximity).get(
        reverse("records:household_detail", args=[household.pk])).content.decode()


def test_no_transfer_is_offered_for_a_closed_household(personas: Personas) -> None:
    p = personas
    household = make_household(p, opened_on=timezone.localdate() - dt.timedelta(days=30))
    transfer = reverse("referrals:transfer_new", args=[household.pk])
    client = _client(p.proximity)
    assert transfer in client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    services.household_close(household=household, by=p.proximity, reason="moved_away", note="", outcomes={})
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED
    assert transfer not in client.get(reverse("records:household_detail", args=[household.pk])).content.decode()


def test_the_access_log_has_every_event_about_the_household_and_no_reading_that_was_refused(
        personas: Personas) -> None:
    p = personas
    household = make_household(p)
    owner = _client(p.proximity)
    assert owner.post(reverse("records:note_add", args=[household.pk]),
                      {"visibility": "organisation", "text": "nota"}).status_code == 302
    assert owner.post(reverse("records:statement_add", args=[household.pk]),
                      {"kind": "need", "text": "casa"}).status_code == 302
    assert owner.get(reverse("records:goal_edit", args=[household.pk, 987654])).status_code == 404
    # A reader through consent is refused the log: one refusal, not an opening with the categories shared.
    _share(p, household, ["identity", "health"])
    assert _client(p.proximity_b).get(reverse("records:access_log", args=[household.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="records.household.access_log", actor=p.proximity_b).exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=p.proximity_b, object_id=str(household.pk),
                                     details__page="access_log").exists()
    body = owner.get(reverse("records:access_log", args=[household.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    for label in ("ha scritto una nota", "ha annotato un bisogno"):
        assert label in text.lower(), label
    assert text.count("negato") >= 2  # the goal refused to the owner, the log refused to the reader


def test_help_texts_are_announced_with_the_field(personas: Personas) -> None:
    client = _client(personas.proximity)
    page = client.get(reverse("records:household_list"), {"status": "nonsense"}).content.decode()
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        for target in described.split():
            assert f'id="{target}"' in page, target


def test_a_closure_without_outcomes_stays_listed_for_a_reader_without_health(personas: Personas) -> None:
    """Only reviews whose outcomes were all of the health dimension are left out, not one that had none."""
    p = personas
    household = make_household(p, opened_on=timezone.localdate() - dt.timedelta(days=30))
    services.household_close(household=household, by=p.proximity, reason="moved_away", note="", outcomes={})
    page = _client(p.referent).get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "Verifiche ed esiti" in page

