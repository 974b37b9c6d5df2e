"""Malformed input never becomes a 500, and lists show identity and status only for one's own households — the
API and the pages alike (found in review: a network-scoped member saw the label of its organisation's household
outside its network, reached only through a consent to that network)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.accounts.models import Membership, User
from trama.accounts.roles import Role
from trama.core.http import parse_id
from trama.core.testing import PASSWORD, Personas
from trama.records import consent as consent_services
from trama.records.models import Household
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def family(personas: Personas) -> Household:
    household = make_household(personas, label="Famiglia Segreta")
    make_person(personas, household, first_name_or_alias="Amina")
    return household


def test_a_scoped_member_sees_no_identity_of_its_organisations_households_elsewhere(personas: Personas,
                                                                                   client_as: Any) -> None:
    p = personas
    scoped = User.objects.create_user(email="scoped@test.trama.invalid", password=PASSWORD, full_name="Sco Ped")
    Membership.objects.create(user=scoped, organisation=p.ets_a, role=Role.PROXIMITY_WORKER, network=p.network8,
                              valid_from=dt.date(2024, 5, 8))
    elsewhere = make_household(p, label="Famiglia Segreta", municipio=p.municipio1)
    consent_services.consent_record(
        household=elsewhere, by=p.proximity, purposes=["share_municipal_network"], categories=["needs_and_plan"],
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_networks=[p.network8], given_by_name="Amina")
    client = client_as(scoped)
    listed = client.get("/api/households").json()["results"]
    row = next(r for r in listed if r["id"] == elsewhere.pk)
    assert row["is_own"] is False and row["label"] is None and row["status"] is None and row["municipio"] is None
    assert client.get("/api/households", {"q": "Segreta"}).json()["count"] == 0
    html = client.get(reverse("records:household_list")).content.decode()
    assert elsewhere.reference_code in html and "Famiglia Segreta" not in html
    assert "Famiglia Segreta" not in client.get(reverse("records:household_list"), {"q": "Segreta"}).content.decode()
    # The status filter selects among one's own households: a shared one is not told open or closed by it.
    assert elsewhere.reference_code not in client.get(reverse("records:household_list"),
                                                      {"status": "open"}).content.decode()


def test_huge_pages_and_ids_are_answered_not_crashed(personas: Personas, family: Household, client_as: Any) -> None:
    client = client_as(personas.proximity)
    for url in ("/api/households", f"/api/households/{family.pk}/people", "/api/referrals"):
        for page in (10**6, 2**62, 10**20):
            response = client.get(url, {"page": page})
            assert response.status_code in (200, 400), (url, page, response.status_code)
            if response.status_code == 200:
                assert response.json()["results"] == []
    huge = 10**20
    response = _post(client, f"/api/households/{family.pk}/consents", {
        "purposes": ["share_named_organisations"], "categories": ["identity"], "given_on": "2026-11-20",
        "given_by_name": "Amina", "recipient_organisations": [huge]})
    assert response.status_code == 400 and "recipient_organisations" in json.dumps(response.json()["errors"])
    response = _post(client, "/api/referrals", {"household": family.pk, "people": [huge], "service": 1,
                                                "reason": "x", "categories": ["identity"]})
    assert response.status_code == 400
    response = _post(client, f"/api/households/{family.pk}/people", {
        "role_in_household": "parent", "first_name_or_alias": "Omar", "birth_year": huge})
    assert response.status_code == 400 and "birth_year" in response.json()["errors"]


def test_nul_characters_are_refused_in_queries_and_bodies(personas: Personas, family: Household,
                                                          client_as: Any) -> None:
    client = client_as(personas.proximity)
    response = client.get("/api/households?q=a%00b")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    response = _post(client, f"/api/households/{family.pk}/people",
                     {"role_in_household": "parent", "first_name_or_alias": "a\u0000b"})
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert family.members.count() == 1


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 7 ", 7), ("0", None), ("-3", None), ("²", None), ("١٢", None), ("", None), (None, None),
    ("9" * 19, None), ("1e3", None), (42, 42),
])
def test_parse_id_takes_ascii_digits_only(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


def test_odd_digits_in_the_referral_form_are_ignored(personas: Personas, family: Household, client_as: Any) -> None:
    client = client_as(personas.proximity)
    url = reverse("referrals:basis_options", args=[family.pk])
    for query in ({"people": "²"}, {"service": "²"}, {"people": str(10**20)}, {"service": "١٢"}):
        assert client.get(url, query).status_code == 200, query
    response = client.post(reverse("referrals:new", args=[family.pk]), {"people": "²", "service": "²"})
    assert response.status_code in (200, 400)
