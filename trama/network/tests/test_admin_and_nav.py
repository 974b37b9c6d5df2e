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


def test_it_adds_network_entries_to_the_navigation(personas: Personas, client_as: ClientAs) -> None:
    content = client_as(personas.volunteer).get(reverse("network:my_actions")).content.decode()
    for name in ("network:network_list", "network:organisation_list", "network:my_actions"):
        assert f'href="{reverse(name)}"' in content


def test_it_hides_directory_entries_from_someone_without_roles(
    personas: Personas, client_as: ClientAs
) -> None:
    content = client_as(personas.nobody).get(reverse("network:my_actions")).content.decode()
    assert f'href="{reverse("network:network_list")}"' not in content
