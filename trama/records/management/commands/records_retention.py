"""Anonymise social records past the retention period (GDPR art. 5(1)(e); ASVS 4.0.3 8.3.8).

Households closed more than TRAMA_RECORDS_RETENTION_YEARS years ago (or --years N) are anonymised with
trama.records.gdpr (names, contacts and free texts erased, statistics kept). Idempotent: households already
anonymised are skipped, and so are those something still blocks (e.g. a legal-basis record in force), which are
counted and named by reference code. Meant to run daily from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trama.core import audit
from trama.records.gdpr import (
    erasure_blockers,
    is_anonymised,
    retention_anonymise_one,
    retention_cutoff,
    retention_years,
)
from trama.records.models import Household, HouseholdStatus

MAX_YEARS = 150  # a longer period is a typo (and a cutoff before year 1 cannot be computed)


class Command(BaseCommand):
    help = "Anonymise households closed for longer than the retention period (TRAMA_RECORDS_RETENTION_YEARS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=None,
                            help="Retention period in years (default: TRAMA_RECORDS_RETENTION_YEARS).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be anonymised; change nothing.")

    def handle(self, *args: Any, years: int | None, dry_run: bool, **options: Any) -> None:
        if years is None:
            years = retention_years()
        if not 1 <= years <= MAX_YEARS:
            raise CommandError(f"--years must be between 1 and {MAX_YEARS}.")
        cutoff = retention_cutoff(years=years)
        due = (Household.objects.filter(status=HouseholdStatus.CLOSED, closed_on__lte=cutoff)
               .select_related("organisation").order_by("closed_on", "pk"))
        counts = {"due": 0, "anonymised": 0, "already": 0, "blocked": 0}
        blocked: list[str] = []
        for household in due.iterator(chunk_size=200):
            counts["due"] += 1
            if is_anonymised(household):
                counts["already"] += 1
                continue
            if dry_run:
                if erasure_blockers(household):
                    counts["blocked"] += 1
                    blocked.append(household.reference_code)
                else:
                    counts["anonymised"] += 1
                continue
            if retention_anonymise_one(household=household, years=years) is None:
                counts["blocked"] += 1
                blocked.append(household.reference_code)
            else:
                counts["anonymised"] += 1
        if not dry_run:
            audit.record(action="records.retention.run", details={"years": years, "cutoff": cutoff.isoformat(),
                                                                   **counts})
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"Retention {years} years: households closed on or before {cutoff.isoformat()}.")
        self.stdout.write(f"{counts['due']} past retention, {counts['anonymised']} {verb}, "
                          f"{counts['already']} already anonymised, {counts['blocked']} blocked.")
        for code in blocked:
            self.stdout.write(f"  blocked: {code}")
        self.stdout.write(self.style.SUCCESS("Done."))
