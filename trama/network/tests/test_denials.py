"""Every refusal is audited: rows looked up under an object fetched for writing (a body's members, a network's
memberships, an organisation's addresses, people and ATS components) and the calendar feed's token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from trama.accounts.models import User
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import (
    ATSMember,
    BodyMember,
    NetworkMembership,
    OrganisationAddress,
    OrganisationKind,
    Person,
)
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def _denials(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.denied", object_type=object_type))


def _assert_one_denial(object_type: str, pk: int, actor: User) -> None:
    (event,) = _denials(object_type)
    assert event.object_id == str(pk)
    assert event.actor == actor
    assert event.details["status"] == 404 and event.details["write"] is True
    assert event.ip  # the request's address, recorded without the view passing it


def test_it_audits_a_body_member_of_another_body(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    other = services.body_member_add(body=gov.other_body, by=None, organisation=personas.ets_other)
    url = reverse("network:body_member_remove", args=[gov.body.pk, other.pk])
    assert client_as(personas.coordinator).post(url).status_code == 404
    _assert_one_denial("network.bodymember", other.pk, personas.coordinator)
    assert BodyMember.objects.get(pk=other.pk).until is None


def test_it_audits_a_membership_of_another_network(personas: Personas, client_as: ClientAs) -> None:
    other = NetworkMembership.objects.get(network=personas.network1, organisation=personas.ets_other)
    url = reverse("network:membership_end", args=[personas.network8.slug, other.pk])
    assert client_as(personas.coordinator).post(url).status_code == 404
    _assert_one_denial("network.networkmembership", other.pk, personas.coordinator)
    other.refresh_from_db()
    assert other.until is None


def test_it_audits_an_address_of_another_organisation(personas: Personas, client_as: ClientAs) -> None:
    other = services.organisation_address_add(
        organisation=personas.ets_b, by=None, address_text="Via Padova 36", label="Sede"
    )
    url = reverse("network:address_remove", args=[personas.ets_a.slug, other.pk])
    assert client_as(personas.referent).post(url).status_code == 404
    _assert_one_denial("network.organisationaddress", other.pk, personas.referent)
    assert OrganisationAddress.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_audits_a_person_of_another_organisation(
    personas: Personas, client_as: ClientAs, method: str
) -> None:
    other = services.person_add(organisation=personas.ets_b, by=None, full_name="Bruna Contatto")
    url = reverse("network:person_edit", args=[personas.ets_a.slug, other.pk])
    response = getattr(client_as(personas.referent), method)(url, {"full_name": "Cambiata"})
    assert response.status_code == 404
    _assert_one_denial("network.person", other.pk, personas.referent)
    assert Person.objects.get(pk=other.pk).full_name == "Bruna Contatto"


def test_it_audits_a_component_of_another_ats(personas: Personas, client_as: ClientAs) -> None:
    ats = services.organisation_create(by=None, name="ATS Uno", kind=OrganisationKind.ATS)
    other_ats = services.organisation_create(by=None, name="ATS Due", kind=OrganisationKind.ATS)
    other = services.ats_member_add(ats=other_ats, organisation=personas.ets_a, by=None)
    url = reverse("network:ats_member_end", args=[ats.slug, other.pk])
    assert client_as(personas.coordinator).post(url).status_code == 404
    _assert_one_denial("network.atsmember", other.pk, personas.coordinator)
    assert ATSMember.objects.get(pk=other.pk).until is None


def test_it_audits_a_wrong_calendar_token_without_storing_it(
    personas: Personas, client: Client, gov: Governance
) -> None:
    guess = "guessed-token-0123456789abcdef"
    assert client.get(reverse("network:body_calendar_feed", args=[guess])).status_code == 404
    (event,) = _denials("network.governancebody")
    assert event.actor is None
    assert event.details == {"write": False, "status": 404, "via": "calendar_token"}
    assert event.ip
    assert guess not in str(event.details) and guess not in event.object_id
    # The right token still works and leaves no denial.
    assert client.get(reverse("network:body_calendar_feed", args=[gov.body.calendar_token])).status_code == 200
    assert len(_denials("network.governancebody")) == 1


def test_it_audits_a_rotated_calendar_token(personas: Personas, client: Client, gov: Governance) -> None:
    old = gov.body.calendar_token
    services.body_calendar_token_rotate(body=gov.body, by=None)
    assert client.get(reverse("network:body_calendar_feed", args=[old])).status_code == 404
    assert len(_denials("network.governancebody")) == 1
