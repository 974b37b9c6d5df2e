"""The network pages run a fixed number of queries however many rows they show: each page is measured with
the `gov` fixture's handful of rows, then again after adding several of every kind of row it lists (with
their related objects), and may not run more queries the second time. An N+1 would add one per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries

from trama.core.testing import Personas
from trama.network import services
from trama.network.models import (
    AttendanceStatus,
    BodyKind,
    BodyRole,
    NetworkLevel,
    NetworkRole,
    OrganisationKind,
    Person,
)
from trama.network.tests.conftest import Governance, at

ClientAs = Callable[..., Client]
ROWS = 6
# The page frame (session, user, acting organisation, navigation) and the permission checks: a ceiling that
# catches a page growing new queries, on top of the "no more queries with more rows" check.
CEILING = 25


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) <= CEILING
    return len(captured)


def _people(personas: Personas, count: int) -> list[Person]:
    """Contact cards in both ETS of network 8 (so rows point to different organisations)."""
    return [
        services.person_add(
            organisation=personas.ets_a if i % 2 else personas.ets_b, by=None, full_name=f"Persona {i:02d}"
        )
        for i in range(count)
    ]


def test_it_shows_a_body_page_with_a_fixed_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    gov: Governance,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:body_detail", args=[gov.body.pk])
    few = _queries(client, url)
    for person in _people(personas, ROWS):
        services.body_member_add(body=gov.body, by=None, person=person, role=BodyRole.MEMBER)
    owners = [personas.proximity, personas.referent, personas.referent_b, personas.proximity_b]
    for i in range(ROWS):
        decision = services.decision_add(meeting=gov.past, by=None, text=f"Decisione {i}")
        services.action_item_create(
            body=gov.body, by=None, meeting=gov.past, decision=decision, title=f"Azione {i}",
            owner=owners[i % len(owners)], due_on=timezone.localdate() + dt.timedelta(days=i),
        )
        services.meeting_create(body=gov.body, by=None, starts_at=at(10 + i), ends_at=at(10 + i, 12))
        services.meeting_create(body=gov.body, by=None, starts_at=at(-10 - i), ends_at=at(-10 - i, 12))
    with django_assert_max_num_queries(few):
        response = client.get(url)
    content = response.content.decode()
    assert "Azione 5" in content and "dalla decisione n. 7" in content and "Persona 05" in content


def test_it_shows_a_meeting_page_with_a_fixed_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    gov: Governance,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:meeting_detail", args=[gov.past.pk])
    few = _queries(client, url)
    people = _people(personas, ROWS)
    entries = [services.AttendanceEntry(status=AttendanceStatus.PRESENT, person=p) for p in people]
    entries += [
        services.AttendanceEntry(status=AttendanceStatus.EXCUSED, organisation=org)
        for org in (personas.ets_a, personas.ets_b, personas.comune)
    ]
    services.attendance_record(meeting=gov.past, by=None, entries=entries)
    for i in range(ROWS):
        decision = services.decision_add(meeting=gov.past, by=None, text=f"Decisione {i}")
        services.action_item_create(
            body=gov.body, by=None, meeting=gov.past, decision=decision, title=f"Azione {i}",
            owner=personas.referent_b if i % 2 else personas.proximity,
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    content = response.content.decode()
    assert "Persona 05" in content and "Decisione 5" in content and "Azione 5" in content


def test_it_shows_a_network_page_with_a_fixed_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    gov: Governance,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.coordinator)
    url = reverse("network:network_detail", args=[personas.network8.slug])
    few = _queries(client, url)
    for i in range(ROWS):
        organisation = services.organisation_create(by=None, name=f"Associazione {i:02d}", kind=OrganisationKind.ETS)
        services.network_membership_add(
            network=personas.network8, organisation=organisation, by=None,
            role=NetworkRole.MEMBER if i % 2 else NetworkRole.PARTNER,
        )
        services.organisation_address_add(
            organisation=organisation, by=None, address_text="Via Padova 36", label=f"Sede {i}"
        )
        child = services.network_create(
            by=None, name=f"Rete di quartiere {i:02d}", level=NetworkLevel.NEIGHBOURHOOD, parent=personas.network8
        )
        services.body_create(
            network=personas.network8, by=None, kind=BodyKind.THEMATIC_TABLE, name=f"Tavolo {i:02d}"
        )
        assert child.parent == personas.network8
    with django_assert_max_num_queries(few):
        response = client.get(url)
    content = response.content.decode()
    assert "Associazione 05" in content and "Rete di quartiere 05" in content and "Tavolo 05" in content


def test_it_lists_organisations_with_a_fixed_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.referent)
    url = reverse("network:organisation_list")
    few = _queries(client, url)
    for i in range(ROWS):
        organisation = services.organisation_create(
            by=None, name=f"Associazione {i:02d}", kind=OrganisationKind.ETS,
            municipi=[personas.municipio8, personas.municipio1] if i % 2 else [personas.municipio8],
        )
        services.network_membership_add(network=personas.network8, organisation=organisation, by=None)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert "Associazione 05" in response.content.decode()


def test_it_lists_my_actions_with_a_fixed_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    gov: Governance,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.proximity)
    url = reverse("network:my_actions")
    few = _queries(client, url)
    table = services.body_create(
        network=personas.network8, by=None, kind=BodyKind.THEMATIC_TABLE, name="Tavolo 0-18 (test)"
    )
    meeting = services.meeting_create(body=table, by=None, starts_at=at(-3), ends_at=at(-3, 12))
    for i in range(ROWS):
        # Items of different bodies and meetings, some without a meeting.
        body, on = (gov.body, gov.past) if i % 2 else (table, meeting if i % 3 else None)
        services.action_item_create(
            body=body, by=None, meeting=on, title=f"Azione {i}", owner=personas.proximity,
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    content = response.content.decode()
    assert "Azione 5" in content and "Tavolo 0-18 (test)" in content
