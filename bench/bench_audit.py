"""A household's access log over a large audit trail, on SQLite and on PostgreSQL (informational: the issue sets
no goal for it).

Every view of a household page, every export and every denial writes an audit event, so the trail grows by tens
of thousands of events a day across the city. A household's access log (its owner's "Registro degli accessi" tab)
and a person's GDPR export select the events about one household. They do it by the indexed `household_id`
column that `audit.record` fills in; before it, they matched `details->household`, which no index serves.

1,000,000 events over 20,000 households in a year are generated (100,000 with --quick), one household with 5,000
of them. Measured, as medians:
- the access log's first page (50 events with their organisation) and its count, for a household with a typical
  number of events and for the busy one;
- the export's read of all the busy household's events, oldest first;
- the same first page through the former condition (on the object, or naming it in the details), for comparison.

    .venv/bin/python bench/run.py bench_audit
    scripts/with-postgres.sh .venv/bin/python bench/bench_audit.py --out RESULT.json [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:  # run as a script (the PostgreSQL leg)
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from _common import Measure  # noqa: E402
from directory_load import _timed, postgres_child, postgres_leg  # noqa: E402

FULL = {"events": 1_000_000, "households": 20_000, "busy": 5_000, "repeat": 30, "former_repeat": 3}
QUICK = {"events": 100_000, "households": 2_000, "busy": 500, "repeat": 10, "former_repeat": 2}
# Keys far beyond any real household's, so the generated trail never mixes with the records' bench, which runs
# after this one in the same SQLite database.
BASE = 10**12
BUSY = BASE + 1  # the busy household's key; the others are BASE + 2 .. BASE + households
PAGE = 50
Row = tuple[str, str, str, str, str, str, int]  # as COLUMNS
COLUMNS = ("at", "actor_email", "action", "object_type", "object_id", "details", "household_id")
# What the trail is made of: household reads dominate, then the records' changes, then denials.
KINDS = [("records.household.view", "records.household", 70), ("records.note.add", "records.note", 8),
         ("records.person.edit", "records.person", 8), ("referrals.referral.view", "referrals.referral", 8),
         ("records.consent.record", "records.consent", 3), ("access.denied", "records.household", 3)]


def _rows(events: int, households: int, busy: int, *, aware: bool) -> Iterator[Row]:
    rng = random.Random(20261123)  # noqa: S311 - generated test data, not security
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    weights = [w for *_, w in KINDS]
    for index in range(events):
        household = BUSY if index < busy else BASE + rng.randint(2, households)
        action, object_type, _ = rng.choices(KINDS, weights)[0]
        moment = start + dt.timedelta(seconds=rng.randint(0, 365 * 86_400), microseconds=rng.randint(0, 999_999))
        # As Django stores it: SQLite keeps UTC without an offset, PostgreSQL a timestamptz.
        at = moment.isoformat(" ") if aware else moment.replace(tzinfo=None).isoformat(" ")
        on_household = object_type == "records.household"
        object_id = household if on_household else rng.randint(1, 10 * events)
        details = ({"via": ["own"], "categories": ["identity", "contacts"], "owner": 7, "write": False}
                   if on_household else {"household": household, "organisation": 7})
        yield (at, f"operatore{index % 400}@example.org", action, object_type, str(object_id), json.dumps(details),
               household)


def generate(events: int, households: int, busy: int) -> float:
    """Insert the trail straight into the table (COPY on PostgreSQL); the seconds it took."""
    from django.db import connection, transaction

    begin = time.perf_counter()
    rows = _rows(events, households, busy, aware=connection.vendor == "postgresql")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY core_auditevent ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = (f"INSERT INTO core_auditevent ({', '.join(COLUMNS)}) "
                   f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")
            batch: list[Row] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - begin


def run_leg(label: str, *, quick: bool) -> list[Measure]:
    from django.db.models import Q

    from trama.core.models import AuditEvent

    size = QUICK if quick else FULL
    seconds = generate(size["events"], size["households"], size["busy"])
    typical = BASE + 2 + size["households"] // 2
    counts = {key: AuditEvent.objects.filter(household_id=key).count() for key in (typical, BUSY)}
    print(f"  [{label}] {size['events']:,} audit events over {size['households']:,} households in {seconds:.1f} s",
          flush=True)

    def first_page(condition: Q) -> Callable[[], object]:
        def read() -> object:
            events = AuditEvent.objects.filter(condition)
            return events.count(), list(events.select_related("acting_for").order_by("-at", "-id")[:PAGE])
        return read

    def indexed(key: int) -> Q:
        return Q(household_id=key)

    def former(key: int) -> Q:
        return Q(object_type="records.household", object_id=str(key)) | Q(details__household=key)

    measures = [Measure(f"{label}: audit trail generated", seconds, "s",
                        note=f"{size['events']:,} events, {size['households']:,} households")]
    for name, key in (("typical household", typical), ("busy household", BUSY)):
        measures.append(Measure(f"{label}: access log page, {name}",
                                _timed(first_page(indexed(key)), size["repeat"]), "ms",
                                note=f"{counts[key]:,} events; count and first {PAGE} with their organisation"))
    measures.append(Measure(
        f"{label}: GDPR export's events, busy household",
        _timed(lambda: list(AuditEvent.objects.filter(household_id=BUSY).select_related("actor", "acting_for")
                                .order_by("at", "id")), size["repeat"]), "ms",
        note=f"all {counts[BUSY]:,} events, oldest first"))
    measures.append(Measure(f"{label}: access log page by the former condition, typical household",
                            _timed(first_page(former(typical)), size["former_repeat"]), "ms",
                            note="on the household or naming it in details->household: no index serves it"))
    return measures


def run() -> list[Measure]:
    quick = os.environ.get("TRAMA_BENCH_QUICK") == "1"
    return run_leg("SQLite", quick=quick) + postgres_leg(BENCH_DIR / "bench_audit.py", quick=quick)


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    return postgres_child(run_leg, quick=args.quick, out=args.out, name="bench_audit.py")


if __name__ == "__main__":
    sys.exit(_main())
