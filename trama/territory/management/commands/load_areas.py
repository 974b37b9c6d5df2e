from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.territory.models import AreaKind
from trama.territory.services import AreaLoadError, areas_load_geojson


class Command(BaseCommand):
    help = ("Carica aree da un file GeoJSON (es. i Comuni di un Ambito). Ogni elemento viene controllato; "
            "con anche un solo errore non viene caricato nulla.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="file GeoJSON (FeatureCollection, WGS84 lon/lat)")
        parser.add_argument("--kind", required=True, choices=AreaKind.values, help="tipo delle aree")
        parser.add_argument("--name-field", required=True, help="proprietà con il nome")
        parser.add_argument("--code-field", help="proprietà con il codice (altrimenti: il nome)")
        parser.add_argument("--parent", help="codice dell'area superiore")
        parser.add_argument("--code-prefix", help="prefisso dei codici (predefinito: '<codice superiore>-')")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(_("Impossibile leggere %(path)s: %(error)s") % {"path": path, "error": error.strerror}) \
                from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(_("%(path)s non è un file JSON valido: %(error)s") % {"path": path, "error": error}) \
                from error
        try:
            report = areas_load_geojson(
                collection=collection, kind=options["kind"], name_field=options["name_field"],
                code_field=options["code_field"], parent_code=options["parent"], code_prefix=options["code_prefix"],
                source=path.name,
            )
        except AreaLoadError as error:
            raise CommandError("\n".join([error.message, *(f"  - {p}" for p in error.problems)])) from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(
                _("Aree create: %(created)d, aggiornate: %(updated)d.")
                % {"created": len(report.created), "updated": len(report.updated)}
            ))
