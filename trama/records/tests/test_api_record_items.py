"""The records API beyond members, consents and plan: changing a household, its needs, wishes and resources, its
assessments and its notes — through the same funnel and services as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory.models import TaxonomyTerm
from trama.records import consent as consent_services
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.models import Household, Note, NoteVisibility, Statement
from trama.records.tests.helpers import make_household, make_person
from trama.territory.models import Area, AreaKind

C = DataCategory


def _body(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def _share(p: Personas, household: Household, categories: list[str], person: Any = None) -> None:
    consent_services.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_organisations=[p.ets_b], given_by_name="Amina", person=person)


@pytest.fixture
def family(personas: Personas) -> Household:
    household = make_household(personas, label="Famiglia R.", municipio=personas.municipio8,
                               opened_on=timezone.localdate() - dt.timedelta(days=60))
    make_person(personas, household, first_name_or_alias="Amina")
    return household


@pytest.fixture
def nil8(personas: Personas) -> Area:
    return Area.objects.create(kind=AreaKind.NIL, code="T-NIL-QO", name="Quarto Oggiaro", parent=personas.municipio8)


# --- Changing a household -------------------------------------------------------------------------------


def test_the_owner_changes_a_household_through_the_api(personas: Personas, family: Household, nil8: Area,  # type: ignore[no-untyped-def]
                                                       client_as) -> None:
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}"
    changed = _send(client, "patch", url, {"label": "  Famiglia Rossi ", "nil": nil8.pk})
    assert changed.status_code == 200, changed.content
    body = _body(changed)
    assert body["label"] == "Famiglia Rossi" and body["nil"] == {"id": nil8.pk, "name": "Quarto Oggiaro"}
    assert body["municipio"]["id"] == p.municipio8.pk  # not sent: unchanged
    event = AuditEvent.objects.get(action="records.household.update")
    assert event.details["fields"] == ["label", "nil"] and event.details["categories"] == ["identity"]
    assert "Rossi" not in json.dumps(event.details)
    # A NIL of another Municipio, an area of the wrong kind, a closed household, an unknown field.
    other_nil = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-X", name="Brera", parent=p.municipio1)
    refused = _send(client, "patch", url, {"nil": other_nil.pk})
    assert refused.status_code == 400 and _body(refused)["errors"]["nil"] == [
        "Il NIL non appartiene al Municipio scelto."]
    refused = _send(client, "patch", url, {"municipio": nil8.pk})
    assert refused.status_code == 400 and "municipio" in _body(refused)["errors"]
    assert _send(client, "patch", url, {"status": "closed"}).status_code == 400
    family.refresh_from_db()
    assert family.nil == nil8 and family.municipio == p.municipio8 and family.label == "Famiglia Rossi"
    # Null clears; moving to Municipio 1 with the NIL of Municipio 8 is refused unless the NIL goes too.
    assert _send(client, "patch", url, {"municipio": p.municipio1.pk}).status_code == 400
    moved = _send(client, "patch", url, {"municipio": p.municipio1.pk, "nil": None, "label": None})
    assert moved.status_code == 200 and _body(moved)["nil"] is None and _body(moved)["label"] == ""
    services.household_close(household=family, by=p.proximity, reason="moved_away")
    assert _send(client, "patch", url, {"label": "X"}).status_code == 409


def test_household_changes_follow_the_funnel(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    url = f"/api/households/{family.pk}"
    assert _send(client_as(p.volunteer), "patch", url, {"label": "X"}).status_code == 404
    _share(p, family, [C.IDENTITY])
    assert _send(client_as(p.proximity_b), "patch", url, {"label": "X"}).status_code == 403
    family.refresh_from_db()
    assert family.label == "Famiglia R."
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.pk), details__status=403).exists()


def test_the_household_page_changes_label_and_area(personas: Personas, family: Household, nil8: Area,  # type: ignore[no-untyped-def]
                                                   client_as) -> None:
    p = personas
    client = client_as(p.proximity)
    url = reverse("records:household_edit", args=[family.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Famiglia R." in form.content.decode()
    other_nil = Area.objects.create(kind=AreaKind.NIL, code="T-NIL-X", name="Brera", parent=p.municipio1)
    refused = client.post(url, {"label": "Famiglia Rossi", "municipio": p.municipio8.pk, "nil": other_nil.pk})
    assert refused.status_code == 200 and "Il NIL non appartiene al Municipio scelto." in refused.content.decode()
    family.refresh_from_db()
    assert family.label == "Famiglia R."
    done = client.post(url, {"label": "Famiglia Rossi", "municipio": p.municipio8.pk, "nil": nil8.pk})
    assert done.status_code == 302
    page = client.get(reverse("records:household_detail", args=[family.pk])).content.decode()
    assert "Famiglia Rossi" in page and "Municipio 8 · NIL Quarto Oggiaro" in page
    # A recipient without identity sees neither the label nor the area.
    _share(p, family, [C.NEEDS_AND_PLAN])
    shared = client_as(p.proximity_b).get(reverse("records:household_detail", args=[family.pk])).content.decode()
    assert "Quarto Oggiaro" not in shared and "Famiglia Rossi" not in shared


# --- Needs, wishes and resources ------------------------------------------------------------------------


def test_statements_through_the_api(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/statements"
    amina = family.members.get()
    housing = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="casa")
    created = _send(client, "post", url, {"kind": "need", "text": "Una casa più grande", "person": amina.pk,
                                          "term": housing.pk})
    assert created.status_code == 201, created.content
    assert _body(created)["term"]["code"] == "casa" and _body(created)["person_id"] == amina.pk
    assert _send(client, "post", url, {"kind": "resource", "text": "La nonna aiuta"}).status_code == 201
    listed = _body(client.get(url))
    assert listed["shared"] and listed["count"] == 2
    assert [s["kind"] for s in listed["results"]] == ["need", "resource"]
    assert [s["kind"] for s in _body(client.get(f"{url}?kind=resource"))["results"]] == ["resource"]
    assert client.get(f"{url}?kind=bisogno").status_code == 400
    # Refused, nothing saved: an unknown kind, an empty text, a term of another taxonomy, someone else's member.
    stranger = make_person(p, make_household(p), first_name_or_alias="Altro")
    action_line = TaxonomyTerm.objects.exclude(taxonomy__code="bisogni").first()
    assert action_line is not None
    for bad, field in (({"kind": "dream", "text": "x"}, "kind"), ({"kind": "need", "text": "  "}, "text"),
                       ({"kind": "need", "text": "x", "term": action_line.pk}, "term"),
                       ({"kind": "need", "text": "x", "person": stranger.pk}, "person")):
        refused = _send(client, "post", url, bad)
        assert refused.status_code == 400 and field in _body(refused)["errors"], (bad, refused.content)
    assert Statement.objects.filter(household=family).count() == 2


def test_statements_need_the_needs_and_plan_category(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    services.statement_add(household=family, by=p.proximity, kind="need", text="Lavoro per il padre")
    url = f"/api/households/{family.pk}/statements"
    _share(p, family, [C.IDENTITY])
    reader = client_as(p.proximity_b)
    listed = reader.get(url)
    assert listed.status_code == 200 and _body(listed)["shared"] is False and _body(listed)["results"] == []
    assert b"Lavoro" not in listed.content
    assert _send(reader, "post", url, {"kind": "need", "text": "x"}).status_code == 403
    assert client_as(p.volunteer).get(url).status_code == 404


def test_member_statements_reach_only_readers_of_that_member(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                             client_as) -> None:
    p = personas
    amina = family.members.get()
    yusuf = make_person(p, family, first_name_or_alias="Yusuf")
    services.statement_add(household=family, by=p.proximity, kind="need", text="Amina cerca lavoro", person=amina)
    services.statement_add(household=family, by=p.proximity, kind="wish", text="Yusuf vuole giocare a calcio",
                           person=yusuf)
    _share(p, family, [C.NEEDS_AND_PLAN], person=yusuf)  # a consent for Yusuf only
    listed = client_as(p.proximity_b).get(f"/api/households/{family.pk}/statements")
    assert [s["text"] for s in _body(listed)["results"]] == ["Yusuf vuole giocare a calcio"]


# --- Assessments ----------------------------------------------------------------------------------------


def test_assessments_through_the_api(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/assessments"
    today = timezone.localdate()
    first = _send(client, "post", url, {"assessed_on": (today.replace(day=1)).isoformat(),
                                        "scores": {"housing": {"score": 2, "notes": "sfratto"},
                                                   "health": {"score": 3, "notes": "asma"}}})
    assert first.status_code == 201, first.content
    assert {s["dimension"]: s["score"] for s in _body(first)["scores"]} == {"health": 3, "housing": 2}
    assert _send(client, "post", url, {"assessed_on": today.isoformat(),
                                       "scores": {"housing": {"score": 4}}}).status_code == 201
    listed = _body(client.get(url))
    housing = [next(s["score"] for s in a["scores"] if s["dimension"] == "housing") for a in listed["results"]]
    assert listed["count"] == 2 and housing == [4, 2]  # newest first
    # Validated in Italian, nothing saved.
    for bad, field in (({"assessed_on": today.isoformat(), "scores": {}}, "scores"),
                       ({"assessed_on": today.isoformat(), "scores": {"housing": {"score": 6}}}, "scores"),
                       ({"assessed_on": today.isoformat(), "scores": {"happiness": {"score": 3}}}, "scores"),
                       ({"assessed_on": "2999-01-01", "scores": {"housing": {"score": 3}}}, "assessed_on"),
                       ({"assessed_on": "2000-01-01", "scores": {"housing": {"score": 3}}}, "assessed_on")):
        refused = _send(client, "post", url, bad)
        assert refused.status_code == 400 and field in _body(refused)["errors"], (bad, refused.content)
    for score in (True, "4", 3.0):  # a score is a number from 1 to 5, not anything that reads as one
        body = {"assessed_on": today.isoformat(), "scores": {"housing": {"score": score}}}
        refused = _send(client, "post", url, body)
        assert refused.status_code == 400, (score, refused.content)
    assert family.assessments.count() == 2
    # A recipient with needs and plan but not health: no health score, no health notes.
    _share(p, family, [C.NEEDS_AND_PLAN])
    shared = client_as(p.proximity_b).get(url)
    assert [s["dimension"] for a in _body(shared)["results"] for s in a["scores"]] == ["housing", "housing"]
    assert b"asma" not in shared.content
    assert _send(client_as(p.proximity_b), "post", url, {"assessed_on": today.isoformat(),
                                                        "scores": {"housing": {"score": 3}}}).status_code == 403


# --- Notes ----------------------------------------------------------------------------------------------


def test_notes_through_the_api_keep_their_visibility(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/notes"
    for visibility, text in (("organisation", "Nota interna"), ("shared", "Nota condivisa"),
                             ("sensitive", "Segnalazione al tribunale")):
        created = _send(client, "post", url, {"visibility": visibility, "text": text})
        assert created.status_code == 201, created.content
        assert _body(created)["text"] == text and _body(created)["organisation"]["id"] == p.ets_a.pk
    assert Note.objects.get(visibility=NoteVisibility.SENSITIVE).organisation == p.ets_a
    assert [n["text"] for n in _body(client.get(url))["results"]] == [
        "Segnalazione al tribunale", "Nota condivisa", "Nota interna"]
    # A member of the owner without the sensitive-notes entitlement neither reads nor writes sensitive notes.
    volunteer_a = client_as(p.referent)
    texts = [n["text"] for n in _body(volunteer_a.get(url))["results"]]
    assert "Segnalazione al tribunale" not in texts and "Nota interna" in texts
    refused = _send(volunteer_a, "post", url, {"visibility": "sensitive", "text": "x"})
    assert refused.status_code in (400, 403)
    # A recipient with the notes category reads the shared note only.
    _share(p, family, [C.NOTES])
    shared = client_as(p.proximity_b).get(url)
    assert [n["text"] for n in _body(shared)["results"]] == ["Nota condivisa"]
    assert b"tribunale" not in shared.content and b"interna" not in shared.content
    # Bad input: nothing saved.
    client = client_as(p.proximity)  # one test client, signed in again
    for bad, field in (({"visibility": "public", "text": "x"}, "visibility"), ({"text": " "}, "text"),
                       ({"text": "x", "person": 999999}, "person")):
        refused = _send(client, "post", url, bad)
        assert refused.status_code == 400 and field in _body(refused)["errors"], (bad, refused.content)
    assert Note.objects.filter(household=family).count() == 3
    assert client_as(p.volunteer).get(url).status_code == 404


def test_an_editor_without_the_sensitive_notes_entitlement(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                           client_as, monkeypatch) -> None:
    from trama.accounts.roles import ROLE_PERMISSIONS, Perm, Role

    p = personas
    services.note_add(household=family, by=p.proximity, organisation=p.ets_a, text="Segnalazione al tribunale",
                      visibility=NoteVisibility.SENSITIVE)
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PROXIMITY_WORKER,
                        ROLE_PERMISSIONS[Role.PROXIMITY_WORKER] - {Perm.RECORDS_SENSITIVE_NOTES})
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/notes"
    listed = client.get(url)
    assert _body(listed)["results"] == [] and b"tribunale" not in listed.content
    refused = _send(client, "post", url, {"visibility": "sensitive", "text": "Altra segnalazione"})
    assert refused.status_code == 400 and _body(refused)["errors"]["visibility"] == [
        "Non puoi scrivere note riservate per questo nucleo."]
    assert _send(client, "post", url, {"visibility": "organisation", "text": "Colloquio"}).status_code == 201
    assert Note.objects.filter(household=family).count() == 2
