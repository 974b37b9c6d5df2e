"""`manage.py demo`: build (or complete) the Milan demo and print one login per persona.

Idempotent: a second run finds everything in place and writes nothing."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from trama.core.demo import scenario
from trama.core.demo.build import DemoBuilder


class Command(BaseCommand):
    help = ("Crea i dati dimostrativi (reti QuBì e accoglienza di Milano, persone fittizie) "
            "e stampa gli accessi.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-territory", action="store_true",
            help="Non caricare il territorio di Milano (aree e luoghi) anche se manca.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write("Costruzione della demo di Trama (Milano)…")
        builder = DemoBuilder(stdout=self.stdout if verbose else None,
                              load_territory=not options["skip_territory"])
        result = builder.run()
        elapsed = time.perf_counter() - started

        if not verbose:
            return
        created = ", ".join(f"{count} {what}" for what, count in sorted(result.created.items()))
        self.stdout.write(f"Creati: {created}." if created else "Niente da creare: la demo era già completa.")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Attenzione: {warning}"))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Accessi della demo (persone fittizie)"))
        width = max(len(login.email) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.email:<{width}}  {scenario.DEMO_PASSWORD}  "
                              f"{login.role} · {login.organisation}")
        self.stdout.write("")
        self.stdout.write(f"Password (uguale per tutti): {scenario.DEMO_PASSWORD}. "
                          "È pubblica: vale solo per la demo.")
        self.stdout.write(f"Accesso: {reverse('accounts:login')} (es. http://127.0.0.1:8000"
                          f"{reverse('accounts:login')} con `make demo`).")
        self.stdout.write(self.style.SUCCESS(f"Demo pronta in {elapsed:.1f} s."))
