"""Directory search and HSDS API under load, on SQLite and on PostgreSQL (goals: staff/portal search p95 ≤ 100 ms,
HSDS /services p95 ≤ 150 ms, with 8 concurrent clients against gunicorn).

20,000 services and 30,000 locations (2,000 / 3,000 with --quick) are generated in each database; see
directory_load.py for the method. The SQLite leg uses the bench run's temporary database; the PostgreSQL leg runs
in a child process on a throwaway cluster (scripts/with-postgres.sh) and is skipped when PostgreSQL is not
installed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import Measure
from directory_load import Ceiling, from_json, run_leg

ROOT = Path(__file__).resolve().parent.parent
PG_UNAVAILABLE = 3  # scripts/with-postgres.sh


def _postgres(quick: bool) -> list[Measure]:
    with tempfile.TemporaryDirectory(prefix="trama-bench-pg-") as tmp:
        out = Path(tmp) / "postgres.json"
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable,
                   str(ROOT / "bench" / "directory_load.py"), "--out", str(out)]
        if quick:
            command.append("--quick")
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRAMA_SQLITE_PATH")}
        status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603
        if status == PG_UNAVAILABLE:
            print("  [PostgreSQL] SKIPPED: PostgreSQL is not available on this machine (scripts/with-postgres.sh)")
            return []
        if status != 0 or not out.exists():
            return [Ceiling("PostgreSQL: leg failed", float(status), "exit status", goal=0.0,
                            note="see the output above")]
        return from_json(out)


def run() -> list[Measure]:
    quick = os.environ.get("TRAMA_BENCH_QUICK") == "1"
    measures = run_leg("SQLite", quick=quick)
    return measures + _postgres(quick)
