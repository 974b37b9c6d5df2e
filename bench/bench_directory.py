"""Directory search and HSDS API under load, on SQLite and on PostgreSQL (goals: staff/portal search p95 ≤ 100 ms,
HSDS /services p95 ≤ 150 ms, with 8 concurrent clients against gunicorn).

20,000 services and 30,000 locations (2,000 / 3,000 with --quick) are generated in each database; see
directory_load.py for the method. The SQLite leg uses the bench run's temporary database; the PostgreSQL leg runs
in a child process on a throwaway cluster (scripts/with-postgres.sh) and is skipped when PostgreSQL is not
installed."""

from __future__ import annotations

import os
from pathlib import Path

from _common import Measure
from directory_load import postgres_leg, run_leg


def run() -> list[Measure]:
    quick = os.environ.get("TRAMA_BENCH_QUICK") == "1"
    measures = run_leg("SQLite", quick=quick)
    return measures + postgres_leg(Path(__file__).resolve().parent / "directory_load.py", quick=quick)
