"""Reading Milan's open-data files into plain records (no database): Municipi, NIL, population 2024.

Codes: the city is "MI", Municipi "MI-M1" … "MI-M9", NIL "MI-NIL-<ID_NIL>" (1 … 88)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from shapely.geometry.base import BaseGeometry

from trama.territory import data
from trama.territory.geo import to_shape
from trama.territory.names import fix_mis_encodings, title_case

CITY_CODE = "MI"
CITY_NAME = "Milano"
POPULATION_YEAR = 2024


def municipio_code(number: int) -> str:
    return f"{CITY_CODE}-M{number}"


def municipio_name(number: int) -> str:
    return f"Municipio {number}"


def nil_code(nil_id: int) -> str:
    return f"{CITY_CODE}-NIL-{nil_id}"


def nil_id_from_code(code: str) -> int | None:
    """ID_NIL of a Milan NIL code ("MI-NIL-79" → 79); None for any other area."""
    prefix = f"{CITY_CODE}-NIL-"
    tail = code.removeprefix(prefix)
    return int(tail) if code.startswith(prefix) and tail.isdigit() else None


@dataclass
class SourceArea:
    number: int  # MUNICIPIO or ID_NIL
    code: str
    name: str
    geometry: dict[str, Any]
    properties: dict[str, Any]

    @cached_property
    def shape(self) -> BaseGeometry:
        return to_shape(self.geometry)


@dataclass
class NilPopulation:
    nil_id: int
    residents: int
    minors: int
    foreign_residents: int
    households: int
    details: dict[str, Any] = field(default_factory=dict)


def read_municipi() -> list[SourceArea]:
    collection = data.read_json(data.MUNICIPI_FILE)
    areas = []
    for feature in collection["features"]:
        number = int(feature["properties"]["MUNICIPIO"])
        areas.append(SourceArea(number, municipio_code(number), municipio_name(number), feature["geometry"],
                                feature["properties"]))
    return sorted(areas, key=lambda a: a.number)


def read_nil() -> list[SourceArea]:
    collection = data.read_json(data.NIL_FILE)
    areas = []
    for feature in collection["features"]:
        nil_id = int(feature["properties"]["ID_NIL"])
        areas.append(SourceArea(nil_id, nil_code(nil_id), title_case(feature["properties"]["NIL"]),
                                feature["geometry"], feature["properties"]))
    return sorted(areas, key=lambda a: a.number)


@lru_cache(maxsize=1)
def nil_names() -> dict[int, str]:
    """ID_NIL → readable name (the data file never changes at run time, so caching it is safe)."""
    collection = data.read_json(data.NIL_FILE)
    return {int(f["properties"]["ID_NIL"]): title_case(f["properties"]["NIL"]) for f in collection["features"]}


def _int(value: str | None) -> int:
    # The source leaves a cell empty for 0 / not available.
    value = (value or "").strip()
    return int(value) if value else 0


def read_population() -> dict[int, NilPopulation]:
    """2024 population by ID_NIL (the "N.D." row, people not assigned to a NIL, has no figures and is skipped)."""
    result: dict[int, NilPopulation] = {}
    for row in data.read_csv(data.POPULATION_FILE):
        if row["Anno"].strip() != str(POPULATION_YEAR) or not row["NIL"].strip():
            continue
        nil_id = int(row["NIL"])
        citizenships = []
        for rank, count in (("Prima cittadinanza", "residenti prima cittadinanza"),
                            ("Seconda cittadinanza", "residenti seconda cittadinanza"),
                            ("Terza cittadinanza", "residenti terza cittadinanza")):
            if row[rank].strip():
                citizenships.append({"country": fix_mis_encodings(row[rank].strip()), "residents": _int(row[count])})
        result[nil_id] = NilPopulation(
            nil_id=nil_id,
            residents=_int(row["Totale"]),
            minors=_int(row["Minori"]),
            foreign_residents=_int(row["Stranieri"]),
            households=_int(row["Famiglie registrate in anagrafe"]),
            details={
                "men": _int(row["Uomini"]),
                "women": _int(row["Donne"]),
                "over_65": _int(row["65 e +"]),
                "over_80": _int(row["80 e +"]),
                "single_person_households": _int(row["Famiglie unipersonali registrate in anagrafe"]),
                "births": _int(row["Nati vivi"]),
                "top_citizenships": citizenships,
            },
        )
    return result


# Figures that add up from NIL to Municipio and city.
SUMMABLE_DETAILS = ("men", "women", "over_65", "over_80", "single_person_households", "births")
