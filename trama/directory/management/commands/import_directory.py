"""manage.py import_directory PATH --maintainer SLUG: all-or-nothing import of the Italian template (a .csv or
.xlsx file) or of an HSDS tabular datapackage (a .zip, or a folder of CSVs with datapackage.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trama.directory.importexport.datapackage import import_package
from trama.directory.importexport.template import import_file
from trama.network.models import Organisation


class Command(BaseCommand):
    help = ("Importa servizi dal modello italiano (CSV o XLSX) o da un pacchetto HSDS (zip o cartella di CSV): "
            "tutto o niente.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="file .csv/.xlsx/.zip oppure cartella del pacchetto HSDS")
        parser.add_argument("--maintainer", required=True, help="identificativo (slug) dell'ente che aggiorna")

    def handle(self, *args: Any, **options: Any) -> None:
        maintainer = Organisation.objects.filter(slug=options["maintainer"]).first()
        if maintainer is None:
            raise CommandError(f"Ente sconosciuto: {options['maintainer']}")
        path = Path(options["file"])
        if path.is_dir() or (path.is_file() and path.suffix.lower() == ".zip"):
            self._package(path, maintainer)
            return
        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        result = import_file(path.read_bytes(), path.name, by=None, maintainer=maintainer)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errori: non è stato salvato nulla.")
        self.stdout.write(f"Importati {result.services} servizi, {result.locations} sedi, "
                          f"{result.schedules} fasce orarie.")

    def _package(self, path: Path, maintainer: Organisation) -> None:
        result = import_package(path, by=None, maintainer=maintainer)
        for warning in result.warnings:
            self.stderr.write(warning)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} errori: non è stato salvato nulla.")
        created = ", ".join(f"{table} {n}" for table, n in result.created.items()) or "nessuno"
        updated = ", ".join(f"{table} {n}" for table, n in result.updated.items()) or "nessuno"
        self.stdout.write(f"Creati: {created}. Modificati: {updated}. Invariati: {result.unchanged}.")
