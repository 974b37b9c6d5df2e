"""The records benchmark's data generator goes through the services' rules as they are: a rule added to the
services (dates within the household's open periods) must not leave `make bench` broken."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from trama.core.testing import Personas
from trama.territory.models import Area, AreaKind

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.mark.django_db
def test_the_benchmark_generator_runs_on_a_small_city(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    from records_data import generate  # bench/ is not a package: imported from its folder

    Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M9", name="Municipio 9 (bench)", parent=personas.city)
    summary = generate(households=240, people=400, organisations=4, referrals=40)
    assert summary.households >= 240 and summary.sample_households
    sys.modules.pop("records_data", None)
