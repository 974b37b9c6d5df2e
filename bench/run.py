"""Run every bench/bench_*.py against a throwaway SQLite database with Milan loaded; print figures vs goals.

    .venv/bin/python bench/run.py [--strict] [--quick] [bench_name ...]

Each bench module has `run() -> list[Measure]`. With --strict the exit status is 1 when a goal is missed. --quick
asks the benches that support it (TRAMA_BENCH_QUICK=1) for a smaller smoke run. Naming benches runs only those,
e.g. `bench/run.py bench_records` (social records and referrals; TRAMA_BENCH_RECORDS_LEGS=sqlite skips its
PostgreSQL leg)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def _setup_django(tmp: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["TRAMA_SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ["TRAMA_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "trama.settings"
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_milano", verbosity=0)
    print(f"setup: temporary SQLite database, Milan loaded in {time.perf_counter() - start:.1f} s")


def _load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    if "--quick" in argv:
        os.environ["TRAMA_BENCH_QUICK"] = "1"
    wanted = {a for a in argv if not a.startswith("--")}
    paths = [p for p in sorted(BENCH_DIR.glob("bench_*.py")) if not wanted or p.stem in wanted]
    tmp = Path(tempfile.mkdtemp(prefix="trama-bench-"))
    missed = 0
    try:
        _setup_django(tmp)
        for path in paths:
            print(f"\n== {path.stem}")
            for measure in _load(path).run():
                # A ceiling (latency) is met at or below its goal, any other figure at or above it.
                sign = "≤" if getattr(measure, "ceiling", False) else "≥"
                goal = f"goal {sign} {measure.goal:,.0f} {measure.unit}" if measure.goal is not None else "info"
                status = "" if measure.goal is None else ("OK" if measure.met else "MISSED")
                value = f"{measure.value:>12,.1f}" if abs(measure.value) < 100 else f"{measure.value:>12,.0f}"
                print(f"  {measure.name:<56} {value} {measure.unit:<10} {goal:<24} {status}")
                if measure.note:
                    print(f"    {measure.note}")
                missed += 0 if measure.met else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if missed:
        print(f"\nMISSED: {missed} figure(s) did not meet their goal")
    return 1 if strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
