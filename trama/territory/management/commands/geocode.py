from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trama.territory.geocoder import GeocodeError, geocode


class Command(BaseCommand):
    help = "Geocodifica un indirizzo di Milano con lo stradario del Comune; stampa JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help='es. "v.le Monza 12/A, Milano"')

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = geocode(options["address"])
        except GeocodeError as error:
            # JSON on stdout for scripts, the message on stderr and exit status 1 for people.
            self.stdout.write(json.dumps(
                {"error": error.message, "code": error.code, "suggestions": error.suggestions}, ensure_ascii=False
            ))
            message = error.message
            if error.suggestions:
                message += " " + _("Forse: %(list)s") % {"list": "; ".join(error.suggestions)}
            raise CommandError(message, returncode=1) from error
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
