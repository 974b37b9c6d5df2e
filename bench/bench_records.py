"""Social records and referrals under load, on SQLite and on PostgreSQL (goal: p95 ≤ 150 ms with 8 concurrent
clients against gunicorn, 4 workers) for the operator's household list (/records/), a household page
(/records/<pk>/) and the referral inbox (/referrals/, the operator's home), plus the cost of the audit write.

150,000 households, 400,000 people, 60 organisations, 200,000 referrals and their consents are generated in each
database (15,000 / 40,000 / 60 / 20,000 with --quick); see records_data.py. The operator is a proximity worker of
one organisation (2,500 own households, plus those shared with it by consent or referral), logged in with a
session cookie; two-factor authentication is off in the benchmark server (directory_load.server_env).

The audit write is measured two ways: in-process, the median time of `trama.core.audit.record` (one INSERT and its
commit, as in a request) over N calls; and over HTTP, the household page served by a second gunicorn whose
`audit.record` is a no-op (bench/records_wsgi.py, TRAMA_BENCH_NO_AUDIT=1), so the difference includes the
writers' contention on the database under load.

The SQLite leg runs in the bench process (bench/run.py's temporary database); the PostgreSQL leg in a child
started through scripts/with-postgres.sh, which runs this file as a script:

    scripts/with-postgres.sh .venv/bin/python bench/bench_records.py --out RESULT.json [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:  # run as a script (the PostgreSQL leg)
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from _common import Measure  # noqa: E402
from directory_load import (  # noqa: E402
    CLIENTS,
    WORKERS,
    Ceiling,
    Client,
    Endpoint,
    _free_port,
    _sessions,
    hammer,
    postgres_child,
    postgres_leg,
    server_env,
    stop_server,
    wait_until_serving,
    write_json,
)

GOAL_MS = 150.0
FULL = {"households": 150_000, "people": 400_000, "organisations": 60, "referrals": 200_000,
        "requests": 400, "seconds": 15.0, "repeat": 7, "audit_calls": 500}
QUICK = {"households": 15_000, "people": 40_000, "organisations": 60, "referrals": 20_000,
         "requests": 100, "seconds": 6.0, "repeat": 3, "audit_calls": 100}
SLOW_MS = 3000.0


def start_server(*, audit: bool = True) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = server_env()
    if not audit:
        env["TRAMA_BENCH_NO_AUDIT"] = "1"
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        [str(gunicorn), "records_wsgi:application", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--timeout", "300", "--log-level", "warning", "--chdir", str(ROOT), "--pythonpath", str(BENCH_DIR)],
        env=env, cwd=ROOT, start_new_session=True,
    )
    return wait_until_serving(process, port)


def endpoints(sample: list[int]) -> list[Endpoint]:
    return [
        Endpoint("operator's household list /records/", ["/records/"] + [f"/records/?page={n}" for n in (2, 3, 5)],
                 GOAL_MS, staff=True),
        Endpoint("household page /records/<pk>/", [f"/records/{pk}/" for pk in sample], GOAL_MS, staff=True),
        Endpoint("referral inbox /referrals/", ["/referrals/"], GOAL_MS, staff=True),
    ]


# --- in-process figures: queries per page, the audit write -------------------------------------------------


def profile(label: str, user: Any, sample: list[int], repeat: int) -> list[Measure]:
    """Each page once in-process (Django test client): its SQL query count and median time."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    measures: list[Measure] = []
    for endpoint in endpoints(sample[:1]):
        path = endpoint.paths[0]
        client.get(path)  # warm-up
        times, queries, status = [], 0, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            queries, status = len(captured), response.status_code
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        detail = "; ".join(f"{float(q['time']) * 1000:.0f} ms: {q['sql'][:90]}" for q in slowest)
        measures.append(Measure(f"{label}: in-process {endpoint.name}", statistics.median(times), "ms",
                                note=f"HTTP {status}, {queries} SQL queries; slowest: {detail}"))
    return measures


def audit_cost(label: str, user: Any, household_id: int, calls: int) -> Measure:
    """The median time of one audit write (an INSERT committed on its own, as a GET request does it)."""
    from trama.core import audit
    from trama.records.models import Household

    household = Household.objects.get(pk=household_id)
    details = {"via": ["own"], "categories": ["contacts", "identity", "needs_and_plan", "notes"],
               "sensitive_notes": True, "owner": household.organisation_id, "write": False, "people": "all"}
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        audit.record(action="records.household.view", actor=user, obj=household, details=details)
        times.append((time.perf_counter() - start) * 1000)
    ordered = sorted(times)
    return Measure(f"{label}: audit write in-process (median)", statistics.median(times), "ms",
                   note=f"{calls} calls of trama.core.audit.record, each its own transaction; p95 "
                        f"{ordered[int(len(ordered) * 0.95) - 1]:.2f} ms")


# --- over HTTP ----------------------------------------------------------------------------------------------


def measure(label: str, port: int, cookies: list[str], endpoint: Endpoint, size: dict[str, float],
            suffix: str = "") -> tuple[Measure, float | None]:
    """p95 as the figure (p50, p99, req/s in the note); returns also p50 (None when not load-tested)."""
    probe = Client(port, cookies[0], timeout=60.0)
    start = time.perf_counter()
    status = probe.get(endpoint.paths[0], endpoint.staff)
    single = (time.perf_counter() - start) * 1000
    probe.close()
    name = f"{label}: {endpoint.name}{suffix}"
    if status != 200 or single > SLOW_MS:
        note = f"a single request took {single:.0f} ms (HTTP {status}): not load-tested"
        print(f"  [{label}] {endpoint.name}{suffix}: {note}", flush=True)
        return Ceiling(name, single, "ms alone", goal=endpoint.goal_ms, note=note), None
    clients = [Client(port, cookie) for cookie in cookies]
    hammer(clients, endpoint, requests=CLIENTS * 2, seconds=5.0)  # warm-up
    stats = hammer(clients, endpoint, requests=int(size["requests"]), seconds=float(size["seconds"]))
    for client in clients:
        client.close()
    done = len(stats.latencies)
    rps = done / stats.wall if stats.wall else 0.0
    note = (f"p50 {stats.percentile(50):.0f} ms · p99 {stats.percentile(99):.0f} ms · {rps:.1f} req/s · "
            f"{done} ok, {stats.errors} errors; one request alone {single:.0f} ms")
    if stats.errors:
        note += f" {dict(sorted(stats.statuses.items()))}"
    if done < int(size["requests"]):
        note += f" (stopped after {size['seconds']:.0f} s)"
    print(f"  [{label}] {endpoint.name}{suffix}: p95 {stats.percentile(95):.0f} ms, {note}", flush=True)
    return Ceiling(name, stats.percentile(95), "ms p95", goal=endpoint.goal_ms, note=note), stats.percentile(50)


def existing() -> Any:
    """The summary of data generated by an earlier run in this database (--reuse)."""
    from records_data import USER_EMAIL, Summary

    from trama.accounts.models import User
    from trama.records.models import Household, Person, Statement
    from trama.referrals.models import Referral

    user = User.objects.get(email=USER_EMAIL)
    organisation_id = int(user.memberships.values_list("organisation_id", flat=True).get())
    sample = sorted(set(Statement.objects.filter(household__organisation_id=organisation_id)
                        .values_list("household_id", flat=True)))
    return Summary(organisations=0, households=Household.objects.count(), people=Person.objects.count(),
                   referrals=Referral.objects.count(), user_id=user.pk, organisation_id=organisation_id,
                   sample_households=sample,
                   own_households=Household.objects.filter(organisation_id=organisation_id).count())


def run_leg(label: str, *, quick: bool, reuse: bool = False) -> list[Measure]:
    """Generate, profile in-process, then load over HTTP (with and without the audit write). Django must be set
    up with Milan loaded."""
    from django.db import connections
    from records_data import generate

    from trama.accounts.models import User

    size = QUICK if quick else FULL
    summary = (existing() if reuse else
               generate(households=int(size["households"]), people=int(size["people"]),
                        organisations=int(size["organisations"]), referrals=int(size["referrals"])))
    print(f"  [{label}] {'reused' if reuse else 'generated'} {summary.households:,} households, "
          f"{summary.people:,} people, "
          f"{summary.organisations} organisations, {summary.referrals:,} referrals, {summary.consents:,} consents "
          f"({summary.recipients:,} recipients) in {summary.seconds:.1f} s (of which {summary.enrich_seconds:.1f} s "
          f"filling in {len(summary.sample_households)} households through the services)", flush=True)
    user = User.objects.get(pk=summary.user_id)
    sample = summary.sample_households
    measures: list[Measure] = [
        Measure(f"{label}: data generation", summary.seconds, "s",
                note=f"{summary.households:,} households, {summary.people:,} people, {summary.organisations} "
                     f"organisations, {summary.services} services, {summary.referrals:,} referrals, "
                     f"{summary.consents:,} consents; the operator's organisation owns {summary.own_households:,}"),
    ]
    measures += profile(label, user, sample, int(size["repeat"]))
    measures.append(audit_cost(label, user, sample[0], int(size["audit_calls"])))
    cookies = _sessions(user, CLIENTS)
    connections.close_all()

    load_before = os.getloadavg()[0]
    page = endpoints(sample)
    p50: dict[str, float | None] = {}
    process, port = start_server(audit=True)
    try:
        for endpoint in page:
            figure, median = measure(label, port, cookies, endpoint, size)
            measures.append(figure)
            p50[endpoint.name] = median
    finally:
        stop_server(process)
    process, port = start_server(audit=False)
    try:
        for endpoint in page[:2]:
            figure, median = measure(label, port, cookies, endpoint, size, suffix=" (no audit write)")
            figure.goal = None  # informational: the comparison below is the figure
            measures.append(figure)
            with_audit = p50.get(endpoint.name)
            if with_audit is not None and median is not None:
                measures.append(Measure(f"{label}: audit write cost, {endpoint.name}", with_audit - median,
                                        "ms p50", note="p50 with the audit write minus p50 without (8 clients)"))
    finally:
        stop_server(process)
    measures.append(Measure(f"{label}: host load average", os.getloadavg()[0], "runnable",
                            note=f"{os.cpu_count()} CPUs; {load_before:.1f} before the HTTP part; gunicorn "
                                 f"{WORKERS} sync workers, {CLIENTS} clients"))
    return measures


# --- the legs -----------------------------------------------------------------------------------------------


def run() -> list[Measure]:
    quick = os.environ.get("TRAMA_BENCH_QUICK") == "1"
    legs = os.environ.get("TRAMA_BENCH_RECORDS_LEGS", "sqlite,postgresql").split(",")
    measures = run_leg("SQLite", quick=quick) if "sqlite" in legs else []
    if "postgresql" in legs:
        measures += postgres_leg(BENCH_DIR / "bench_records.py", quick=quick)
    return measures


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reuse-sqlite", metavar="PATH",
                        help="measure again a SQLite database generated by an earlier run (no generation)")
    args = parser.parse_args()
    if args.reuse_sqlite:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TRAMA_SQLITE_PATH"] = str(Path(args.reuse_sqlite).resolve())
        os.environ["DJANGO_SETTINGS_MODULE"] = "trama.settings"
        import django

        django.setup()
        write_json(run_leg("SQLite", quick=args.quick, reuse=True), args.out)
        return 0
    return postgres_child(run_leg, quick=args.quick, out=args.out, name="bench_records.py")


if __name__ == "__main__":
    sys.exit(_main())
