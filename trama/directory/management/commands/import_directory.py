"""manage.py import_directory FILE --maintainer SLUG: the Italian template (CSV/XLSX), all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trama.directory.importexport.template import import_file
from trama.network.models import Organisation


class Command(BaseCommand):
    help = "Importa servizi dal modello italiano (CSV o XLSX): tutto o niente."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--maintainer", required=True, help="identificativo (slug) dell'ente che aggiorna")

    def handle(self, *args: Any, **options: Any) -> None:
        maintainer = Organisation.objects.filter(slug=options["maintainer"]).first()
        if maintainer is None:
            raise CommandError(f"Ente sconosciuto: {options['maintainer']}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        result = import_file(path.read_bytes(), path.name, by=None, maintainer=maintainer)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errori: non è stato salvato nulla.")
        self.stdout.write(f"Importati {result.services} servizi, {result.locations} sedi, "
                          f"{result.schedules} fasce orarie.")
