from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from trama.directory import taxonomies


class Command(BaseCommand):
    help = "Carica (o aggiorna) la tassonomia dei bisogni, le linee d'azione e i gruppi di destinatari."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = taxonomies.load()
        self.stdout.write(
            f"Tassonomie: {counts['taxonomies']}, termini: {counts['terms']}, "
            f"destinatari: {counts['target_groups']}."
        )
