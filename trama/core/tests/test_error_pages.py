"""Error pages speak the user's language and keep the site's layout."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_renders_a_translated_404_page(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    response = client.get("/network/n/does-not-exist/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Pagina non trovata" in content
    assert "Trama" in content


def test_it_renders_the_403_and_500_templates() -> None:
    assert "Non hai i permessi" in render_to_string("403.html")
    assert "Si è verificato un errore" in render_to_string("500.html")
