from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from trama.accounts.models import User
from trama.core.testing import Personas
from trama.network.tests.conftest import Governance

ClientAs = Callable[..., Client]


@pytest.mark.parametrize(
    "model",
    ["organisation", "person", "network", "programme", "governancebody", "meeting", "actionitem"],
)
def test_it_lists_network_models_in_the_admin(
    personas: Personas, gov: Governance, client_as: ClientAs, model: str
) -> None:
    admin = User.objects.create_superuser(
        email="root@test.trama.invalid", password="x" * 12, full_name="Root"
    )
    response = client_as(admin).get(reverse(f"admin:network_{model}_changelist"))
    assert response.status_code == 200


def test_it_opens_an_organisation_in_the_admin(personas: Personas, client_as: ClientAs) -> None:
    admin = User.objects.create_superuser(
        email="root@test.trama.invalid", password="x" * 12, full_name="Root"
    )
    response = client_as(admin).get(reverse("admin:network_organisation_change", args=[personas.ets_a.pk]))
    assert response.status_code == 200


MODELS = [
    "organisation",
    "person",
    "network",
    "programme",
    "governancebody",
    "meeting",
    "actionitem",
]


def _superuser() -> User:
    return User.objects.create_superuser(email="root@test.trama.invalid", password="x" * 12, full_name="Root")


def _object_of(model: str, personas: Personas, gov: Governance) -> object:
    return {
        "organisation": personas.ets_a,
        "person": gov.person,
        "network": personas.network8,
        "programme": personas.programme,
        "governancebody": gov.body,
        "meeting": gov.past,
        "actionitem": gov.action,
    }[model]


@pytest.mark.parametrize("model", MODELS)
def test_it_keeps_the_network_admin_read_only_even_for_superusers(
    personas: Personas, gov: Governance, client_as: ClientAs, model: str
) -> None:
    # Writes go through the pages' services (business rules, geocoding, audit trail), never the admin.
    client = client_as(_superuser())
    obj = _object_of(model, personas, gov)
    pk = obj.pk  # type: ignore[attr-defined]
    change_url = reverse(f"admin:network_{model}_change", args=[pk])
    view = client.get(change_url)
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert client.get(reverse(f"admin:network_{model}_add")).status_code == 403
    assert client.post(change_url, {}).status_code == 403
    assert client.get(reverse(f"admin:network_{model}_delete", args=[pk])).status_code == 403
    assert client.post(reverse(f"admin:network_{model}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    changelist = client.get(reverse(f"admin:network_{model}_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert type(obj).objects.filter(pk=pk).exists()  # type: ignore[attr-defined]


def test_it_still_searches_and_filters_in_the_admin(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(_superuser())
    found = client.get(reverse("admin:network_organisation_changelist"), {"q": "Alfa"}).content.decode()
    assert "Cooperativa Alfa (test)" in found and "Associazione Beta (test)" not in found
    municipal = client.get(reverse("admin:network_network_changelist"), {"level__exact": "municipal"})
    content = municipal.content.decode()
    assert reverse("admin:network_network_change", args=[personas.network8.pk]) in content
    assert reverse("admin:network_network_change", args=[personas.city_network.pk]) not in content


def test_it_adds_network_entries_to_the_navigation(personas: Personas, client_as: ClientAs) -> None:
    content = client_as(personas.volunteer).get(reverse("network:my_actions")).content.decode()
    for name in ("network:network_list", "network:organisation_list", "network:my_actions"):
        assert f'href="{reverse(name)}"' in content


def test_it_hides_directory_entries_from_someone_without_roles(
    personas: Personas, client_as: ClientAs
) -> None:
    content = client_as(personas.nobody).get(reverse("network:my_actions")).content.decode()
    assert f'href="{reverse("network:network_list")}"' not in content
