"""People and roles pages: platform administrators create accounts and grant or end memberships."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trama.accounts.models import Membership, User
from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_lists_people_with_their_roles(client: Client, personas: Personas,
                                          django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:people_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rita Referente" in content and "Referente di rete" in content
    assert "Rita" in client.get(reverse("accounts:people_list"), {"q": "alfa"}).content.decode()
    # The search is carried into the page links URL-encoded.
    assert client.get(reverse("accounts:people_list"), {"q": "Rossi & Figli"}).context["query"] == "q=Rossi+%26+Figli"


def test_it_requires_login_and_hides_the_pages_from_other_roles(client: Client, personas: Personas) -> None:
    assert client.get(reverse("accounts:people_list")).status_code == 302
    client.force_login(personas.coordinator)
    assert client.get(reverse("accounts:people_list")).status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[personas.referent.pk])).status_code == 404
    response = client.post(reverse("accounts:person_create"), {"full_name": "X", "email": "x@example.org"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=personas.coordinator).count() == 3


def test_it_creates_an_account_and_grants_a_scoped_role(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:person_create"), {"full_name": "Nora Nuova", "email": "nora@example.org"})
    nora = User.objects.get(email="nora@example.org")
    assert response.url == reverse("accounts:person_detail", args=[nora.pk])
    response = client.post(reverse("accounts:person_detail", args=[nora.pk]), {
        "organisation": personas.comune.pk, "role": "community_social_worker", "network": personas.network8.pk,
        "valid_from": "2025-01-01",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(user=nora)
    assert membership.network == personas.network8
    assert AuditEvent.objects.filter(action="membership.grant", actor=personas.admin).exists()


def test_it_explains_errors_and_saves_nothing(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.post(reverse("accounts:person_create"), {"full_name": "Doppia", "email": personas.referent.email})
    assert "Esiste già" in response.content.decode()
    response = client.post(reverse("accounts:person_detail", args=[personas.nobody.pk]), {
        "organisation": personas.ets_a.pk, "role": "volunteer", "network": personas.network1.pk,
        "valid_from": "2025-01-01", "valid_until": "2024-01-01",
    })
    assert "precede" in response.content.decode()
    response = client.post(reverse("accounts:person_detail", args=[personas.nobody.pk]), {
        "organisation": personas.ets_a.pk, "role": "volunteer", "network": personas.network1.pk,
        "valid_from": "2025-01-01",
    })
    assert "non fa parte" in response.content.decode()
    assert not Membership.objects.filter(user=personas.nobody).exists()


def test_it_ends_a_membership(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    membership = personas.volunteer.memberships.get()
    response = client.post(reverse("accounts:membership_end", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_until is not None
    assert not personas.volunteer.memberships.active().exists()  # revoked now, not at midnight
    assert client.get(reverse("accounts:membership_end", args=[membership.pk])).status_code == 405


def test_it_asks_for_the_second_factor_on_these_pages(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:people_list"))
    assert response.status_code == 302
    assert reverse("accounts:two_factor") in response.url
