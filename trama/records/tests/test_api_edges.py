"""The staff API at its edges: what a reader of a shared household learns of who signed, probes audited on every
endpoint that takes a member, bounded lists, and error answers always in the API's JSON shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import services
from trama.records.tests.helpers import make_household, make_person
from trama.referrals.tests.helpers import give_consent, make_family

pytestmark = pytest.mark.django_db


def _send(client: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_a_reader_does_not_learn_who_signed(personas: Personas) -> None:
    """A reader given identity for the child only must not read the name of the adult who signed another consent
    (for the household, to another organisation): the pages never show it to readers either."""
    p = personas
    family = make_family(p)
    for organisation, person, signer in ((p.ets_other, None, "Amina Rossi"), (p.ets_b, family.child, "Karim Rossi")):
        consent_services.consent_record(
            household=family.household, by=p.proximity, purposes=["share_named_organisations"],
            categories=["identity"] if person else ["needs_and_plan"], given_on=timezone.localdate(),
            notice_version="2026-11-23", notice_language="it", recipient_organisations=[organisation],
            given_by_name=signer, person=person, given_by_kind="parent" if person else "person")
    reader = Client()
    reader.force_login(p.proximity_b)
    url = f"/api/households/{family.household.pk}/consents"
    assert {c["given_by_name"] for c in reader.get(url).json()["results"]} == {None}
    holder = Client()
    holder.force_login(p.proximity)
    assert {c["given_by_name"] for c in holder.get(url).json()["results"]} == {"Amina Rossi", "Karim Rossi"}


def test_naming_another_households_member_is_audited_everywhere(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    household = family.household.pk
    goal = services.plan_goal_add(household=family.household, by=p.proximity, dimension="housing",
                                  description="Casa", target_date=None, status="planned")
    stranger = make_person(p, make_household(p, organisation=p.ets_other), first_name_or_alias="Altro")
    client = Client()
    client.force_login(p.proximity)
    bodies = {
        "consent": (f"/api/households/{household}/consents", {
            "person": stranger.pk, "purposes": ["share_named_organisations"], "categories": ["identity"],
            "recipient_organisations": [p.ets_b.pk], "given_by_kind": "person", "notice_version": "2026-11-23",
            "notice_language": "it", "given_on": str(timezone.localdate())}),
        "action": (f"/api/households/{household}/plan/goals/{goal.pk}/actions",
                   {"description": "Chiamare", "by_member": stranger.pk}),
        "referral": ("/api/referrals", {"household": household, "people": [stranger.pk],
                                        "service": family.service.pk, "reason": "Compiti",
                                        "categories": ["identity"]}),
    }
    probes = AuditEvent.objects.filter(action="access.denied", object_type="records.person",
                                       object_id=str(stranger.pk), details__household=household)
    for name, (url, body) in bodies.items():
        before = probes.count()
        response = _send(client, "post", url, body)
        assert response.status_code == 400, (name, response.content)
        assert probes.count() == before + 1, name


def test_lists_in_a_body_are_bounded_and_a_body_that_is_not_an_object_is_named_as_such(personas: Personas) -> None:
    family = make_family(personas)
    client = Client()
    client.force_login(personas.proximity)
    response = _send(client, "post", "/api/referrals", {
        "household": family.household.pk, "people": list(range(1, 302)), "service": family.service.pk,
        "reason": "Compiti", "categories": ["identity"]})
    assert response.status_code == 400
    assert response.json()["errors"]["people"] == ["Troppi elementi."]
    for method, url in (("post", f"/api/households/{family.household.pk}/notes"),
                        ("patch", f"/api/households/{family.household.pk}")):
        errors = _send(client, method, url, "[]").json()["errors"]
        assert list(errors) == ["__all__"], errors


def test_every_error_answer_of_the_api_is_json(personas: Personas, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    household = make_household(personas)
    anonymous = Client(raise_request_exception=False)
    client = Client(raise_request_exception=False)
    client.force_login(personas.proximity)
    answers = {
        "wrong method, anonymous": (anonymous.delete(f"/api/households/{household.pk}"), 405),
        "wrong method": (_send(client, "put", f"/api/households/{household.pk}", {}), 405),
        "unknown address, anonymous": (anonymous.get("/api/household"), 404),
        "trailing slash": (client.get(f"/api/households/{household.pk}/"), 404),
        "body too large": (_send(client, "post", f"/api/households/{household.pk}/notes", {"text": "x" * 20_000}),
                           400),
    }
    for name, (response, status) in answers.items():
        assert response.status_code == status, name
        assert response["Content-Type"].startswith("application/json"), name
        assert set(response.json()) == {"detail", "errors"}, name
    assert "GET" in answers["wrong method"][0]["Allow"]
    english = client.get("/api/household", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "Address not found in the API."


def test_a_day_before_1950_is_a_typo(personas: Personas) -> None:
    """"0001-01-01" as an opening day made the reference code NUC-1-000001."""
    client = Client()
    client.force_login(personas.proximity)
    response = _send(client, "post", "/api/households", {"organisation": personas.ets_a.pk, "label": "Famiglia",
                                                          "opened_on": "0001-01-01"})
    assert response.status_code == 400 and "opened_on" in response.json()["errors"]
    household = make_household(personas)
    response = _send(client, "post", f"/api/households/{household.pk}/consents", {
        "purposes": ["monitoring_statistics"], "categories": ["identity"], "given_by_kind": "person",
        "given_by_name": "Amina", "notice_version": "2026-11-23", "notice_language": "it", "given_on": "1949-12-31"})
    assert response.status_code == 400 and "given_on" in response.json()["errors"]
