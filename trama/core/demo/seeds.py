"""Typed access to the facts extracted from the seed documents (`data/*.json`, sources in
`data/SOURCE.md`).

Only real facts live in the JSON files; the fictional part of the demo (people, meetings) is in
`scenario.py`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class SeenAs:
    seed: str
    section: str
    text: str


@dataclass(frozen=True)
class AddressSpec:
    label: str
    text: str


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    short_name: str
    kind: str
    legal_form: str
    description: str
    seen_as: tuple[SeenAs, ...]
    addresses: tuple[AddressSpec, ...] = ()


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    full_name: str
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class NetworkSpec:
    slug: str
    name: str
    area_code: str


@dataclass(frozen=True)
class MunicipalNetworkSpec(NetworkSpec):
    municipio: int
    new_in_2024: bool


@dataclass(frozen=True)
class NeighbourhoodNetworkSpec:
    slug: str
    name: str
    seed_text: str
    quartieri: tuple[str, ...]
    municipio: int
    nil_ids: tuple[int, ...]
    representatives: tuple[str, ...]  # organisation slugs, in the seed's row order
    members: tuple[str, ...]  # other organisation slugs (aderenti), e.g. partners of a network event


@dataclass(frozen=True)
class BodySpec:
    key: str
    name: str
    kind: str  # a trama.network.models.BodyKind value
    theme: str
    level: str  # directive | managerial | operational (seed 002 §4)
    purpose: str


@dataclass(frozen=True)
class AccessPointSpec:
    zone: str
    weekday: str
    opens: str
    closes: str
    phone: str


@dataclass(frozen=True)
class QubiData:
    programme: ProgrammeSpec
    extension_months: int
    city_network: NetworkSpec
    municipal_networks: tuple[MunicipalNetworkSpec, ...]
    neighbourhood_networks: tuple[NeighbourhoodNetworkSpec, ...]
    representative_rows: int
    other_ets: tuple[str, ...]
    did_not_attend: tuple[str, ...]
    city_bodies: tuple[BodySpec, ...]
    municipal_bodies: tuple[BodySpec, ...]  # names contain "{n}", the Municipio number
    municipio8_bodies: tuple[BodySpec, ...]
    municipio8_access_points: tuple[AccessPointSpec, ...]
    targets: dict[str, int]

    def municipal_network(self, municipio: int) -> MunicipalNetworkSpec:
        return next(spec for spec in self.municipal_networks if spec.municipio == municipio)


@dataclass(frozen=True)
class ReceptionEntry:
    n: int
    organisation: str
    text: str


@dataclass(frozen=True)
class ReceptionData:
    programme: ProgrammeSpec
    network: NetworkSpec
    ets: tuple[ReceptionEntry, ...]
    bodies: tuple[BodySpec, ...]
    capacity: dict[str, int]


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _programme(raw: dict[str, Any]) -> ProgrammeSpec:
    starts_on = _date(raw["starts_on"])
    assert starts_on is not None
    return ProgrammeSpec(name=raw["name"], full_name=raw["full_name"], starts_on=starts_on,
                         ends_on=_date(raw.get("ends_on")))


def _bodies(raw: list[dict[str, Any]]) -> tuple[BodySpec, ...]:
    return tuple(
        BodySpec(key=b["key"], name=b["name"], kind=b["kind"], theme=b["theme"], level=b["level"],
                 purpose=b["purpose"])
        for b in raw
    )


@cache
def organisations() -> dict[str, OrganisationSpec]:
    """Every organisation named in the seeds, by slug, in file order."""
    result: dict[str, OrganisationSpec] = {}
    for raw in _read("organisations.json")["organisations"]:
        result[raw["slug"]] = OrganisationSpec(
            slug=raw["slug"], name=raw["name"], short_name=raw.get("short_name", ""), kind=raw["kind"],
            legal_form=raw.get("legal_form", ""), description=raw.get("description", ""),
            seen_as=tuple(SeenAs(**seen) for seen in raw["seen_as"]),
            addresses=tuple(AddressSpec(**address) for address in raw.get("addresses", [])),
        )
    return result


@cache
def qubi() -> QubiData:
    raw = _read("qubi.json")
    representatives: dict[str, list[str]] = {}
    for row in raw["representatives"]:
        representatives.setdefault(row["network"], []).append(row["organisation"])
    members: dict[str, list[str]] = {}
    for event in raw["event_partners"]:
        reps = set(representatives.get(event["network"], []))
        members.setdefault(event["network"], []).extend(s for s in event["organisations"] if s not in reps)
    neighbourhoods = tuple(
        NeighbourhoodNetworkSpec(
            slug=n["slug"], name=n["name"], seed_text=n["seed_text"], quartieri=tuple(n["quartieri"]),
            municipio=n["municipio"], nil_ids=tuple(n["nil_ids"]),
            representatives=tuple(representatives.get(n["slug"], [])),
            members=tuple(members.get(n["slug"], [])),
        )
        for n in raw["neighbourhood_networks"]
    )
    governance = raw["governance"]
    return QubiData(
        programme=_programme(raw["programme"]),
        extension_months=raw["programme"]["extension_months"],
        city_network=NetworkSpec(**raw["city_network"]),
        municipal_networks=tuple(MunicipalNetworkSpec(**m) for m in raw["municipal_networks"]),
        neighbourhood_networks=neighbourhoods,
        representative_rows=len(raw["representatives"]),
        other_ets=tuple(raw["other_ets"]),
        did_not_attend=tuple(raw["did_not_attend_co_programming"]),
        city_bodies=_bodies(governance["city"]),
        municipal_bodies=_bodies(governance["per_municipio"]),
        municipio8_bodies=_bodies(governance["municipio_8"]),
        municipio8_access_points=tuple(AccessPointSpec(**a) for a in raw["municipio_8_access_points"]),
        targets=dict(raw["targets"]),
    )


@cache
def reception() -> ReceptionData:
    raw = _read("reception.json")
    return ReceptionData(
        programme=_programme(raw["programme"]),
        network=NetworkSpec(**raw["network"]),
        ets=tuple(ReceptionEntry(**entry) for entry in raw["ets"]),
        bodies=_bodies(raw["governance"]),
        capacity=dict(raw["capacity"]),
    )
