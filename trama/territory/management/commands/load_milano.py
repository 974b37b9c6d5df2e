from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.territory.services import milano_load


class Command(BaseCommand):
    help = "Carica (o aggiorna) Milano, i 9 Municipi e gli 88 NIL con confini e popolazione 2024."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = milano_load()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(
                _("Milano: %(municipi)d Municipi, %(nil)d NIL, %(residents)d residenti, %(minors)d minori "
                  "(aree create %(created)d, aggiornate %(updated)d).")
                % {"municipi": report.municipi, "nil": report.nil, "residents": report.residents,
                   "minors": report.minors, "created": report.created, "updated": report.updated}
            ))
