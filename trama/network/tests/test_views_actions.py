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
from trama.network.models import ActionStatus
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


def test_it_lists_my_open_action_items(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    response = client_as(personas.proximity).get(reverse("network:my_actions"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preparare il piano dei doposcuola" in content
    assert "Mappare i doposcuola" not in content  # someone else's, in another network


def test_it_shows_an_empty_state(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    content = client_as(personas.volunteer).get(reverse("network:my_actions")).content.decode()
    assert "Non hai azioni aperte" in content


def test_it_hides_done_items_and_flags_overdue_ones(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    client = client_as(personas.proximity)
    overdue = services.action_item_create(
        body=gov.body,
        by=None,
        meeting=gov.past,
        title="Inviare il verbale",
        owner=personas.proximity,
        due_on=timezone.localdate(gov.past.starts_at),
    )
    content = client.get(reverse("network:my_actions")).content.decode()
    assert "Inviare il verbale" in content and "scaduta" in content
    services.action_item_update_status(item=overdue, by=None, status=ActionStatus.DONE)
    assert "Inviare il verbale" not in client.get(reverse("network:my_actions")).content.decode()


def test_it_requires_login_for_my_actions(client: Client) -> None:
    response = client.get(reverse("network:my_actions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_my_actions_with_a_constant_number_of_queries(
    personas: Personas,
    client_as: ClientAs,
    gov: Governance,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(personas.proximity)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("network:my_actions"))
    for i in range(30):
        services.action_item_create(
            body=gov.body,
            by=None,
            meeting=gov.past,
            title=f"Azione {i}",
            owner=personas.proximity,
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("network:my_actions"))
    assert "Pagina 1 di 2" in response.content.decode()


def test_it_lets_the_owner_complete_an_action(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    response = client_as(personas.proximity).post(
        reverse("network:action_status", args=[gov.action.pk]),
        {
            "status": ActionStatus.DONE,
            "next": reverse("network:my_actions"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("network:my_actions")
    gov.action.refresh_from_db()
    assert (gov.action.status, gov.action.done_on) == (ActionStatus.DONE, timezone.localdate())


def test_it_ignores_an_unsafe_next_url(personas: Personas, client_as: ClientAs, gov: Governance) -> None:
    response = client_as(personas.referent).post(
        reverse("network:action_status", args=[gov.action.pk]),
        {
            "status": ActionStatus.IN_PROGRESS,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("network:body_detail", args=[gov.body.pk])


def test_it_forbids_status_changes_to_read_only_non_owners(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    url = reverse("network:action_status", args=[gov.action.pk])
    assert client_as(personas.volunteer).post(url, {"status": ActionStatus.DONE}).status_code == 403
    assert client_as(personas.referent_other).post(url, {"status": ActionStatus.DONE}).status_code == 404
    gov.action.refresh_from_db()
    assert gov.action.status == ActionStatus.OPEN


def test_it_requires_login_to_change_a_status(personas: Personas, client: Client, gov: Governance) -> None:
    response = client.post(reverse("network:action_status", args=[gov.action.pk]), {"status": "done"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_creates_an_action_from_the_body_page(
    personas: Personas, client_as: ClientAs, gov: Governance
) -> None:
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client_as(personas.referent).post(
        reverse("network:action_create", args=[gov.body.pk]),
        {
            "title": "Aggiornare la mappa delle risorse",
            "owner": personas.referent.pk,
            "due_on": due,
        },
    )
    assert response.status_code == 302
    past = client_as(personas.referent).post(
        reverse("network:action_create", args=[gov.body.pk]),
        {
            "title": "Nel passato",
            "owner": personas.referent.pk,
            "due_on": "2020-01-01",
        },
    )
    assert "La scadenza non può essere nel passato." in past.content.decode()
