from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.territory.services import places_load


class Command(BaseCommand):
    help = ("Carica (o aggiorna) i luoghi dai dati aperti: sedi dei Municipi, Servizio Sociale Territoriale, "
            "case di quartiere, biblioteche, impianti sportivi.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = places_load()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        kinds = ", ".join(f"{kind}: {n}" for kind, n in sorted(report.by_kind.items()))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(
                _("Luoghi creati %(created)d, aggiornati %(updated)d (%(kinds)s); Municipio della fonte diverso "
                  "dal poligono: %(disagreements)d; spostati sul numero civico: %(relocated)d.")
                % {"created": report.created, "updated": report.updated, "kinds": kinds,
                   "disagreements": len(report.municipio_disagreements), "relocated": len(report.relocated)}
            ))
