"""manage.py export_directory --format hsds|geojson|xlsx|datapackage OUT: the public directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trama.directory.importexport import export as exports


class Command(BaseCommand):
    help = "Esporta i servizi pubblici (HSDS JSON, GeoJSON, XLSX o pacchetto HSDS .zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(exports.FORMATS), default="hsds")
        parser.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        data = exports.export(options["format"])
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"Scritti {len(data)} byte in {options['out']}.")
