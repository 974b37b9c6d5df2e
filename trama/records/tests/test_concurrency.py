"""Reference codes are allocated race-free: concurrent creations get distinct, consecutive numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from trama.core.testing import build_personas
from trama.records import services


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers (IMMEDIATE transactions); the in-memory test database "
                           "cannot run concurrent writers")
def test_concurrent_creations_get_distinct_consecutive_codes(transactional_db: None) -> None:
    personas = build_personas()
    workers = 8
    barrier = threading.Barrier(workers)
    codes: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait(timeout=30)
            household = services.household_create(organisation=personas.ets_a, by=personas.proximity)
            codes.append(household.reference_code)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, workers + 1))
