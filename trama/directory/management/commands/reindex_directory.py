"""Rebuild the directory's full-text index from every service (after bulk loads, imports or a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from trama.directory.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search index of the directory's services."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = reindex_all()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} services."))
