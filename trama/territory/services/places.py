"""Loading public places from the Comune's open data (idempotent: upsert on dataset + id in the dataset).

Each place gets its Municipio and NIL by point-in-polygon. The Municipio attribute of the sources is wrong in a
few rows: the polygon wins and the source value is kept in the notes. When the address resolves in the gazetteer
and the source point lies far from that house number, the point is the error (SOURCE.md documents such cases:
an office with another office's coordinates): the house number's position is used and the notes say so."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.territory import data
from trama.territory.geocoder import GeocodeError, geocode
from trama.territory.locator import locate_many
from trama.territory.milano import CITY_CODE, municipio_code
from trama.territory.models import Area, Place, PlaceKind

if TYPE_CHECKING:
    from trama.accounts.models import User

# A source point farther than this from its own address is considered misplaced.
MISPLACED_METRES = 400.0
GENERIC_SPORTS_NAMES = frozenset({"impianto sportivo", "palestra comunale", "palestra", "campo sportivo"})


@dataclass
class PlaceRecord:
    source: str
    external_id: str
    kind: str
    name: str
    address: str
    latitude: float
    longitude: float
    source_municipio: int | None = None
    phone: str = ""
    email: str = ""
    url: str = ""
    opening_hours: str = ""
    activities: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class PlacesLoadReport:
    created: int = 0
    updated: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    relocated: list[str] = field(default_factory=list)
    municipio_disagreements: list[str] = field(default_factory=list)


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _municipio_number(value: Any) -> int | None:
    match = re.search(r"\d+", str(value or ""))
    return int(match.group()) if match else None


def _from_guidami(path: Any, kind: str, source: str, id_from_number: bool) -> list[PlaceRecord]:
    records = []
    for feature in data.read_json(path)["features"]:
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        name, address = _clean(p.get("name")), _clean(p.get("address"))
        external_id = str(p["municipio"]) if id_from_number else slugify(f"{name} {address}")[:120]
        notes = []
        if p.get("notes"):
            notes.append(_clean(p["notes"]))
        if p.get("transit"):
            notes.append(_("Mezzi pubblici: %(transit)s") % {"transit": _clean(p["transit"])})
        records.append(PlaceRecord(
            source=source, external_id=external_id, kind=kind, name=name, address=address,
            latitude=float(lat), longitude=float(lon), source_municipio=_municipio_number(p.get("municipio")),
            phone=_clean(p.get("phone")), email=_clean(p.get("email")), url=_url(p.get("url")),
            opening_hours=_clean(p.get("hours")), notes=notes,
        ))
    return records


def _url(value: Any) -> str:
    url = _clean(value)
    if url and not url.startswith(("http://", "https://")):
        url = f"https://{url}"
    return url


def _community_centres() -> list[PlaceRecord]:
    records = []
    amenities = (
        ("Aria condizionata", _("aria condizionata")), ("Wifi", _("wi-fi")), ("Giardino", _("giardino")),
        ("Bar/Punto di ristoro gestito", _("bar o punto di ristoro")),
        ("Distributore automatico di bevande e/o alimenti", _("distributore automatico")),
    )
    for row in data.read_csv(data.COMMUNITY_CENTRES_FILE):
        notes = []
        present = [label for column, label in amenities if row.get(column, "").strip().lower() == "si"]
        if present:
            notes.append(_("Servizi: %(list)s") % {"list": ", ".join(str(p) for p in present)})
        if row.get("Barriere Architettoniche", "").strip().lower() == "si":
            notes.append(_("Presenza di barriere architettoniche."))
        if row.get("Note", "").strip():
            notes.append(_clean(row["Note"]))
        hours = _clean(row.get("Orari di apertura"))
        closed = _clean(row.get("Periodo di chiusura"))
        if closed:
            hours = f"{hours}\n" + _("Chiusura: %(period)s") % {"period": closed}
        records.append(PlaceRecord(
            source="ds3017", external_id=row["id"].strip(), kind=PlaceKind.COMMUNITY_CENTRE,
            name=_("Casa di quartiere %(name)s") % {"name": _clean(row["Nome Sede"])},
            address=_clean(row["Indirizzo Sede"]),
            latitude=data.decimal_comma(row["LAT_Y_4326"]), longitude=data.decimal_comma(row["LONG_X_4326"]),
            source_municipio=_municipio_number(row["Municipio"]), opening_hours=hours.strip(),
            activities=_clean(row.get("Attività disponibili")), notes=notes,
        ))
    return records


def _libraries() -> list[PlaceRecord]:
    return [
        PlaceRecord(
            source="ds3019", external_id=row["fid"].strip(), kind=PlaceKind.LIBRARY,
            name=_("Biblioteca %(name)s") % {"name": _clean(row["Toponimo"])}, address=_clean(row["Indirizzo"]),
            latitude=data.decimal_comma(row["LAT_Y_4326"]), longitude=data.decimal_comma(row["LONG_X_4326"]),
            source_municipio=_municipio_number(row["Municipio"]),
        )
        for row in data.read_csv(data.LIBRARIES_FILE)
    ]


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def _sports_facilities() -> list[PlaceRecord]:
    """One place per facility location: the source has one feature per discipline."""
    groups: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for feature in data.read_json(data.SPORTS_FILE)["features"]:
        lon, lat = feature["geometry"]["coordinates"][:2]
        groups[(round(float(lat), 6), round(float(lon), 6))].append(feature["properties"])
    records = []
    for (lat, lon), props in sorted(groups.items()):
        names = [_clean(p.get("SPECIFICA_LOCALITA")).split(" - ")[0] for p in props]
        specific = [n for n in names if n.lower() not in GENERIC_SPORTS_NAMES]
        street = _most_common(_clean(p.get("VIA")) for p in props)
        number, cap = "", ""
        for p in props:
            parts = [x.strip() for x in str(p.get("LOCALITA") or "").split(",")]
            if parts and parts[0] and not number:
                number = parts[0]
            if len(parts) > 1 and parts[1] and not cap:
                cap = parts[1]
        address = f"{street} {number}".strip() + (f", {cap} Milano" if cap else ", Milano")
        name = _most_common(specific) or _("Impianto sportivo %(street)s") % {"street": f"{street} {number}".strip()}
        disciplines = sorted({_clean(p.get("Tipo")) for p in props if p.get("Tipo")}, key=str.lower)
        managers = sorted({_clean(p.get("Gestore")) for p in props if p.get("Gestore")})
        descriptions = []
        for p in props:
            note = _clean(p.get("Note")).replace("|", ";")
            if note and note not in descriptions:
                descriptions.append(note)
        notes = []
        if managers:
            notes.append(_("Gestione: %(list)s") % {"list": "; ".join(managers)})
        notes.extend(descriptions)
        records.append(PlaceRecord(
            source="ds629", external_id=f"{lat:.6f},{lon:.6f}", kind=PlaceKind.SPORTS_FACILITY, name=name,
            address=address, latitude=lat, longitude=lon,
            source_municipio=_municipio_number(_most_common(_clean(p.get("Municipio")) for p in props)),
            email=_most_common(_clean(p.get("Mail")) for p in props),
            url=_url(_most_common(_clean(p.get("Sito Internet")) for p in props)),
            activities=", ".join(disciplines), notes=notes,
        ))
    return records


def read_places() -> list[PlaceRecord]:
    """Every place record of the shipped open-data files (no database access)."""
    return [
        *_from_guidami(data.MUNICIPIO_HQ_FILE, PlaceKind.MUNICIPIO_HQ, "ds1299", id_from_number=True),
        *_from_guidami(data.SOCIAL_OFFICES_FILE, PlaceKind.SOCIAL_SERVICE_OFFICE, "ds1303", id_from_number=False),
        *_community_centres(),
        *_libraries(),
        *_sports_facilities(),
    ]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; plenty for a few hundred metres)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def _check_position(record: PlaceRecord, report: PlacesLoadReport) -> str:
    """Normalised address; moves a misplaced source point onto its house number."""
    try:
        result = geocode(record.address, suggest=False)
    except GeocodeError:
        return ""
    gap = distance_m(record.latitude, record.longitude, result.latitude, result.longitude)
    if gap > MISPLACED_METRES:
        record.notes.append(
            _("Le coordinate della fonte (%(lat).6f, %(lon).6f) distano %(gap)d m dall'indirizzo: si usa la "
              "posizione del numero civico.") % {"lat": record.latitude, "lon": record.longitude, "gap": gap}
        )
        record.latitude, record.longitude = result.latitude, result.longitude
        report.relocated.append(f"{record.source}:{record.external_id}")
    return result.address


@transaction.atomic
def places_load(*, actor: User | None = None) -> PlacesLoadReport:
    """Create or update every place of the shipped datasets; Milan's areas must be loaded first."""
    if not Area.objects.filter(code=CITY_CODE).exists():
        raise ApplicationError(_("Carica prima i confini di Milano (manage.py load_milano)."))
    report = PlacesLoadReport()
    records = read_places()
    normalised = {id(r): _check_position(r, report) for r in records}
    located = locate_many([(r.latitude, r.longitude) for r in records])
    existing = {(p.source, p.external_id): p for p in Place.objects.all()}
    number_of = {municipio_code(n): n for n in range(1, 10)}
    for record, (municipio, nil) in zip(records, located, strict=True):
        notes = list(record.notes)
        polygon_number = number_of.get(municipio.code) if municipio else None
        if record.source_municipio is not None and record.source_municipio != polygon_number:
            notes.append(_("La fonte indica il Municipio %(source)s; il punto ricade in %(actual)s.")
                         % {"source": record.source_municipio,
                            "actual": municipio.name if municipio else _("nessun Municipio")})
            report.municipio_disagreements.append(f"{record.source}:{record.external_id}")
        place = existing.get((record.source, record.external_id)) or Place(
            source=record.source, external_id=record.external_id
        )
        if place.pk is None:
            report.created += 1
        else:
            report.updated += 1
        place.kind = record.kind
        place.name = record.name[:300]
        place.address = record.address[:300]
        place.normalised_address = normalised[id(record)][:300]
        place.latitude, place.longitude = record.latitude, record.longitude
        place.municipio, place.nil = municipio, nil
        place.phone, place.email, place.url = record.phone[:200], record.email[:254], record.url[:500]
        place.opening_hours = record.opening_hours
        place.activities = record.activities
        place.notes = "\n".join(notes)
        place.save()
        report.by_kind[record.kind] = report.by_kind.get(record.kind, 0) + 1
    audit.record(action="territory.places_loaded", actor=actor, object_type="territory.place",
                 details={"created": report.created, "updated": report.updated, "by_kind": report.by_kind,
                          "relocated": report.relocated})
    return report
