"""Milan loaded once for the whole territory test package (about two seconds), then rolled back.

The load runs inside a transaction opened here; each test's own transaction (the `db` fixture) nests inside it as a
savepoint, so tests see Milan and never change it for the next test. At the end of the package everything is
rolled back: other apps' tests never see these areas, places or audit events. Works on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from trama.territory.services import milano_load, places_load


@pytest.fixture(scope="package")
def milan(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            milano_load()
            places_load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def milan_db(milan: None, db: None) -> None:
    """Milan's areas and places, inside this test's own (rolled back) transaction."""

