from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trama.territory.locator import locate
from trama.territory.milano import nil_id_from_code


class Command(BaseCommand):
    help = 'Dice in quale Municipio e NIL cade un punto: stampa {"municipio": …, "nil": …, "nil_id": …}.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lat", type=float, help="latitudine WGS84 (es. 45.4642)")
        parser.add_argument("lon", type=float, help="longitudine WGS84 (es. 9.1900)")

    def handle(self, *args: Any, **options: Any) -> None:
        lat, lon = options["lat"], options["lon"]
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise CommandError(_("Coordinate fuori intervallo: latitudine -90…90, longitudine -180…180."))
        municipio, nil = locate(lat, lon)
        nil_id = nil_id_from_code(nil.code) if nil is not None else None
        self.stdout.write(json.dumps({
            "municipio": municipio.name if municipio else None,
            "municipio_code": municipio.code if municipio else None,
            "nil": nil.name if nil else None,
            "nil_id": nil_id,
            "nil_code": nil.code if nil else None,
        }, ensure_ascii=False))
