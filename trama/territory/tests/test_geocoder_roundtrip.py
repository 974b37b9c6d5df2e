"""25 house numbers sampled (fixed seed) from the shipped gazetteer, written as the Comune writes them, come back
exactly: same street, same number, same coordinates."""

from __future__ import annotations

import random

import pytest

from trama.territory import data
from trama.territory.geocoder import geocode


def _streets() -> dict[str, tuple[str, str]]:
    types = {row["CODICE"]: row["DESC_ESTESA"] for row in data.read_csv(data.STREET_TYPES_FILE, encoding="ascii")}
    return {row["CODICE_VIA"]: (types[row["TIPO"]], row["DENOMINAZIONE"])
            for row in data.read_csv(data.STREETS_FILE, encoding="ascii")}


def _sample(n: int, seed: int) -> list[dict[str, str]]:
    streets = _streets()
    rows = [
        row for row in data.read_csv(data.CIVICI_FILE, delimiter=",", encoding="ascii")
        if row["stato"] in ("2", "4") and not row["barra2"] and row["codice_via"] in streets
    ]
    return random.Random(seed).sample(rows, n)


SAMPLE = _sample(25, seed=20200302)


def _number(row: dict[str, str]) -> str:
    text = row["numero"]
    if row["lettera"]:
        text += f" {row['lettera']}" if row["lettera"] == "BIS" else f"/{row['lettera']}"
    if row["barra"]:
        text += f"/{row['barra']}"
    return text


@pytest.mark.parametrize("row", SAMPLE, ids=lambda r: f"{r['codice_via']}-{r['numero']}{r['lettera']}{r['barra']}")
def test_it_round_trips_gazetteer_addresses(row: dict[str, str]) -> None:
    street_type, denominazione = _streets()[row["codice_via"]]
    # As in the gazetteer: "VIA CALDERON DE LA BARCA PIETRO 2" (surname first, parenthesised articles).
    result = geocode(f"{street_type} {denominazione} {_number(row)}")
    assert result.street_code == int(row["codice_via"])
    assert (result.latitude, result.longitude) == (float(row["lat"]), float(row["lon"]))
    assert result.in_progress == (row["stato"] == "4")
    assert result.nil_id == int(row["nil"])
    assert result.municipio == int(row["municipio"])
    assert result.address.endswith(", Milano")
    # The normalised address is itself a valid input giving the same place.
    again = geocode(result.address)
    assert (again.street_code, again.house_number) == (result.street_code, result.house_number)
