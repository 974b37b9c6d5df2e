"""Geocoder throughput on 10,000 gazetteer addresses written three ways (goal ≥ 2,000 geocodes/s)."""

from __future__ import annotations

import random

from _common import Measure, seconds

from trama.territory import data
from trama.territory.geocoder import GeocodeError, geocode, warm_up

N = 10_000
ABBREVIATIONS = {"Via": "v.", "Viale": "v.le", "Piazza": "p.za", "Piazzale": "p.le", "Corso": "c.so", "Largo": "l.go"}


def _addresses() -> list[str]:
    types = {r["CODICE"]: r["DESC_ESTESA"] for r in data.read_csv(data.STREET_TYPES_FILE, encoding="ascii")}
    streets = {r["CODICE_VIA"]: (types[r["TIPO"]], r["DENOMINAZIONE"], r["DESCRITTIVO"])
               for r in data.read_csv(data.STREETS_FILE, encoding="ascii")}
    rows = [r for r in data.read_csv(data.CIVICI_FILE, delimiter=",", encoding="ascii")
            if r["stato"] in ("2", "4") and not r["barra2"] and r["codice_via"] in streets]
    texts = []
    for i, r in enumerate(random.Random(42).sample(rows, N)):
        kind, denominazione, descrittivo = streets[r["codice_via"]]
        number = r["numero"] + (f"/{r['lettera']}" if r["lettera"] else "") + (f"/{r['barra']}" if r["barra"] else "")
        if i % 3 == 0:
            texts.append(f"{kind} {denominazione} {number}")  # as the gazetteer writes it
        elif i % 3 == 1:
            texts.append(f"{kind.lower()} {descrittivo.lower()}, {number}, 20100 Milano")
        else:
            texts.append(f"{ABBREVIATIONS.get(kind, kind)} {descrittivo.title()} {number.lower()}")
    return texts


def run() -> list[Measure]:
    cold, _ = seconds(warm_up)
    texts = _addresses()
    failures = 0

    def geocode_all() -> None:
        nonlocal failures
        for text in texts:
            try:
                geocode(text)
            except GeocodeError:
                failures += 1

    elapsed, _ = seconds(geocode_all)
    return [
        Measure("index build (first call)", cold * 1000, "ms"),
        Measure(f"geocode {N:,} gazetteer addresses", N / elapsed, "/s", goal=2_000,
                note=f"{N - failures:,} found, {failures} errors, {elapsed:.2f} s"),
    ]
