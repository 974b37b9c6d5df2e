from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_credits_open_data_publicly(client: Client) -> None:
    content = client.get(reverse("core:about_data")).content.decode()
    assert "CC BY 4.0" in content
    assert "CC BY-SA 4.0" in content
    assert "Comune di Milano" in content
    assert "HSDS" in content


def test_it_requires_login_for_home(client: Client) -> None:
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302


def test_it_shows_home_with_roles_and_networks(client: Client, personas: Personas) -> None:
    client.force_login(personas.referent)
    content = client.get(reverse("dashboard:home")).content.decode()
    assert "Cooperativa Alfa" in content
    assert "QuBì Municipio 8 (test)" in content
    assert "QuBì Municipio 1 (test)" not in content


def test_it_switches_the_acting_organisation_only_to_ones_own(client: Client, personas: Personas) -> None:
    from trama.accounts.models import Membership

    Membership.objects.create(user=personas.referent, organisation=personas.ets_b, role="volunteer")
    client.force_login(personas.referent)
    response = client.post(reverse("dashboard:acting_for"), {"organisation": personas.ets_b.pk})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.acting_for", acting_for=personas.ets_b).exists()
    assert client.post(reverse("dashboard:acting_for"), {"organisation": personas.ets_other.pk}).status_code == 404
    assert client.post(reverse("dashboard:acting_for"), {"organisation": "x"}).status_code == 404
