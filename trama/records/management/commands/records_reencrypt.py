"""Re-encrypt social-record fields with the current key of TRAMA_RECORDS_KEYS (key rotation).

Rotation: put the new key first in TRAMA_RECORDS_KEYS (keep the old one after it), restart, run this command
until it reports nothing left to rotate, then remove the old key. Safe to run while the platform is in use:
each value is replaced only if it was not changed meanwhile."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trama.core import audit
from trama.records.protection import encrypted_models, key_ring, reencrypt_model


class Command(BaseCommand):
    help = "Re-encrypt special-category fields of social records with the current key (key rotation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read per query (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be rotated; change nothing.")

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            raise SystemExit(2)
        ring = key_ring()
        self.stdout.write(f"Current key: {ring.current_id} (key ring: {', '.join(ring.ids)})")
        totals = {"values": 0, "rotated": 0, "skipped": 0}
        for model, fields in encrypted_models():
            result = reencrypt_model(model, fields, batch_size=batch_size, dry_run=dry_run)
            for name in totals:
                totals[name] += getattr(result, name)
            self.stdout.write(f"{result.model}: {result.values} encrypted values, "
                              f"{result.rotated} {'to rotate' if dry_run else 'rotated'}, {result.skipped} skipped")
        if not dry_run:
            audit.record(action="records.keys.reencrypt", details={"key": ring.current_id, **totals})
        verb = "would be rotated" if dry_run else "rotated"
        self.stdout.write(self.style.SUCCESS(f"{totals['rotated']} values {verb}; {totals['skipped']} skipped "
                                             "(changed meanwhile: run again)."))
