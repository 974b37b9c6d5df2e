from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.testing import Personas
from trama.network.models import BodyKind, BodyRole, GovernanceBody
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def test_it_shows_a_body_with_members_meetings_and_open_actions(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    response = client_as(personas.volunteer).get(reverse("network:body_detail", args=[gov.body.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rita Referente" in content and "Referente di rete" in content
    assert reverse("network:meeting_detail", args=[gov.future.pk]) in content  # upcoming
    assert reverse("network:meeting_detail", args=[gov.past.pk]) in content  # past
    assert "Preparare il piano dei doposcuola" in content
    assert reverse("network:body_calendar_feed", args=[gov.body.calendar_token]) in content
    assert "Nuova riunione" not in content  # read-only


def test_it_shows_management_links_to_governance_roles(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    content = (
        client_as(personas.referent).get(reverse("network:body_detail", args=[gov.body.pk])).content.decode()
    )
    assert reverse("network:meeting_create", args=[gov.body.pk]) in content
    assert reverse("network:body_member_remove", args=[gov.body.pk, gov.member.pk]) in content


def test_it_gives_404_for_another_networks_body(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    client = client_as(personas.referent_other)
    assert client.get(reverse("network:body_detail", args=[gov.body.pk])).status_code == 404
    assert client.get(reverse("network:body_edit", args=[gov.body.pk])).status_code == 404
    assert client.post(reverse("network:meeting_create", args=[gov.body.pk]), {}).status_code == 404


def test_it_requires_login_for_a_body(personas: Personas, client: Client, gov: Governance) -> None:
    for url in (
        reverse("network:body_detail", args=[gov.body.pk]),
        reverse("network:body_edit", args=[gov.body.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name",
    ["body_edit", "body_member_add", "meeting_create", "action_create"],
)
def test_it_forbids_body_writes_to_read_only_members(
    personas: Personas, client_as: ClientAs, gov: Governance, name: str
) -> None:
    client = client_as(personas.proximity)
    assert client.get(reverse(f"network:{name}", args=[gov.body.pk])).status_code == 403
    assert client.post(reverse(f"network:{name}", args=[gov.body.pk]), {}).status_code == 403


def test_it_creates_a_thematic_table(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    url = reverse("network:body_create", args=["t-qubi-m8"])
    page = client.get(url).content.decode()
    assert "Cabina di Regia Integrata" not in page  # not offered on a municipal network
    response = client.post(
        url, {"kind": BodyKind.THEMATIC_TABLE, "name": "Tavolo 0-1000 giorni", "theme": "0-1000 giorni"}
    )
    body = GovernanceBody.objects.get(name="Tavolo 0-1000 giorni")
    assert response.status_code == 302
    assert response["Location"] == reverse("network:body_detail", args=[body.pk])


def test_it_forbids_creating_bodies_to_read_only_members(personas: Personas, client_as: ClientAs) -> None:
    url = reverse("network:body_create", args=["t-qubi-m8"])
    assert client_as(personas.proximity).get(url).status_code == 403
    assert client_as(personas.referent_other).get(url).status_code == 404


def test_it_edits_a_body(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    response = client_as(personas.referent).post(
        reverse("network:body_edit", args=[gov.body.pk]),
        {
            "kind": BodyKind.MUNICIPAL_STEERING,
            "name": "Cabina di regia M8",
            "description": "Si riunisce ogni mese",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    gov.body.refresh_from_db()
    assert gov.body.name == "Cabina di regia M8"


def test_it_adds_and_removes_members(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    client = client_as(personas.referent)
    url = reverse("network:body_member_add", args=[gov.body.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"organisation": personas.comune.pk, "role": BodyRole.COMMUNITY_SOCIAL_WORKER}
    )
    assert response.status_code == 302
    both = client.post(url, {"organisation": personas.comune.pk, "person": gov.person.pk, "role": "member"})
    assert "non entrambe" in both.content.decode()
    response = client.post(reverse("network:body_member_remove", args=[gov.body.pk, gov.member.pk]))
    assert response.status_code == 302
    gov.member.refresh_from_db()
    assert gov.member.until is not None


def test_it_rotates_the_calendar_secret(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    old = gov.body.calendar_token
    url = reverse("network:body_calendar_rotate", args=[gov.body.pk])
    assert client_as(personas.proximity).post(url).status_code == 403
    assert client_as(personas.referent).post(url).status_code == 302
    gov.body.refresh_from_db()
    assert gov.body.calendar_token != old
