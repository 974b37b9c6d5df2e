from __future__ import annotations

import pytest
from django.test import Client

from trama.core.testing import Personas, build_personas


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> None:
    # Real hashers are deliberately slow and tests create many users. Session-wide, so that
    # module-scoped fixtures (the demo) hash with the same hasher the tests check with.
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()  # type: ignore[attr-defined]
    get_hashers_by_algorithm.cache_clear()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_household_lists() -> None:
    # The household lists a process keeps between requests: each test's database is rolled back, and SQLite
    # gives the same ids again, so an entry could outlive its test.
    from trama.records import listing

    listing.clear()


@pytest.fixture(autouse=True)
def _fresh_flyers() -> None:
    # Flyers a process keeps by content: a test that replaces the printer must see it called.
    from trama.portal import flyer

    flyer.forget_printed()


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
