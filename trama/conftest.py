from __future__ import annotations

import pytest
from django.test import Client

from trama.core.testing import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def client_as(client: Client):  # type: ignore[no-untyped-def]
    """client_as(user) -> a test client logged in as that user."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login
