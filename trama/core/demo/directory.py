"""The demo's resource directory (issue 3 §6), written through `trama.directory.services`:

1. **Real places first**: a directory location for every public place loaded from open data (`territory.Place`)
   and a service of the Comune di Milano at each: the social-service offices (SSPT), the Municipio seats (citizen
   desk), the case di quartiere (their "spazi freschi" opening hours of summer 2026 parsed by
   `parse_opening_hours`, their activities), the libraries and the sports facilities.
2. **QuBì access points from seed 001**: the Municipio 8 flyer's orientation desk, one itinerant service at its
   three zones (Quarto Oggiaro Tue 10–13, Gallaratese Wed 14–17, Villapizzone Fri 10–13, one phone each), and the
   city-wide *zaino sospeso* collection.
3. **~300 fictional services**, every name ending in "(demo)", run by the real ETS of each Municipio's QuBì
   network at real gazetteer addresses (`data/directory_addresses.json`), covering every leaf of the needs
   taxonomy, generated from `TEMPLATES` with a seeded random generator (the same services on every run).

Idempotent: locations are found by `external_identifier`, services by (maintainer, name); a service found is left
as it is, so a second run writes nothing. Everything goes through the directory services (with their revisions
and audit events) except what `DIRECT_WRITES` lists."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from trama.core.demo import scenario, seeds
from trama.core.demo.seeds import DATA_DIR
from trama.directory.models import (
    DocumentKind,
    Location,
    PhoneType,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TargetGroup,
    TaxonomyTerm,
    Weekday,
)
from trama.directory.search import deferred_indexing
from trama.directory.services import (
    ScheduleSpec,
    closure_add,
    cost_option_add,
    language_add,
    location_create,
    phone_add,
    required_document_add,
    schedule_set,
    service_area_add,
    service_at_location_attach,
    service_create,
    service_verify,
    taxonomy_term_assign,
)
from trama.lib import schedules as lib
from trama.network.models import NetworkMembership, Organisation, OrganisationKind
from trama.territory.models import Area, AreaKind, Place, PlaceKind
from trama.territory.selectors import HEAVY

if TYPE_CHECKING:
    from trama.core.demo.build import DemoBuilder

# Written without a service: the directory's location services take the point only from the geocoder, so a place
# the gazetteer does not know (an address missing from the 2020 gazetteer, a flyer's "zona") gets the coordinates,
# Municipio and NIL the open data (or the neighbourhood's centroid) gives it.
DIRECT_WRITES = ("directory.Location.latitude/longitude/municipio/nil",)

NEEDS = "bisogni"
ACTION_LINES = "linee-azione"
PLACE_ID_TYPE = "trama.territory.place"
DEMO_ID_TYPE = "trama.demo"
# The year of the "spazi freschi" datasets (ds3017, ds3019: see territory/data/milano/ATTRIBUTION.md).
OPEN_DATA_YEAR = 2026
SEED = 20240508  # the start of the QuBì unitary projects
FICTIONAL_SERVICES = 300
DEMO_MARK = "(demo)"


# --- Opening hours as the open data writes them ---------------------------------------------------------

@dataclass(frozen=True)
class ClosureSpec:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class OpeningHours:
    """What `parse_opening_hours` understood: weekly windows (with the period they hold for) and closures.

    `parsed` is False when the text is not one the parser is sure about: then there are no windows at all (a
    half-read timetable would say "closed" on a day the place is open); `closures_parsed` likewise."""

    text: str
    windows: tuple[ScheduleSpec, ...] = ()
    closures: tuple[ClosureSpec, ...] = ()
    parsed: bool = False
    closures_parsed: bool = False


_DAY_NAMES = {"lunedi": "MO", "martedi": "TU", "mercoledi": "WE", "giovedi": "TH", "venerdi": "FR",
              "sabato": "SA", "domenica": "SU"}
_DAY_ORDER = [day.value for day in Weekday]
_MONTHS = {"gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6, "lug": 7, "ago": 8, "aug": 8, "set": 9,
           "ott": 10, "nov": 11, "dic": 12}
_MONTH = r"(?:gen|feb|mar|apr|mag|giu|lug|ago|aug|set|ott|nov|dic)[a-z]*"
_TIME = r"(?<![\d:.,])(\d{1,2})(?:[:.,](\d{2}))?"
_TIME_RANGE = re.compile(rf"(?:\bdalle\s+)?{_TIME}\s*(?:-|–|\balle\b|\ba\b)\s*{_TIME}(?![\d:.,]?\d)")
# A date: "1 giugno", "14" (month given later), "01/06/2026", "10/08".
_DATE = rf"(\d{{1,2}})(?:\s*({_MONTH})|/(\d{{1,2}})(?:/(\d{{2,4}}))?)?"
_PERIOD = re.compile(rf"^dal\s*{_DATE}\s*(?:al\b|-)?\s*{_DATE}\s*:?")
_NOISE_WORDS = {"e", "dal", "da", "al", "a", "alle", "dalle", "ore", "h", "orario", "il", "la", "solo"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _day(word: str) -> str | None:
    """"lun", "giov", "Lunedì" → "MO"; None for any other word (at least three letters of a day's name)."""
    if len(word) < 3:
        return None
    for name, code in _DAY_NAMES.items():
        if name.startswith(word):
            return code
    return None


def _month(word: str | None) -> int | None:
    return _MONTHS.get(word[:3]) if word else None


def _time(hours: str, minutes: str | None) -> dt.time | None:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        return dt.time(23, 59)
    if h > 23 or m > 59:
        return None
    return dt.time(h, m)


def _days(text: str) -> list[str] | None:
    """Days named in a piece of text without times: "lun", "mar e gio", "lun-ven", "dal lunedi al sabato".
    None if a word is neither a day nor a connective."""
    days: list[str] = []
    range_from: str | None = None
    pending_range = False
    for token in re.findall(r"[a-z]+|-", text):
        if token == "-" or (token in ("al", "a") and days):  # noqa: S105 - a word, not a password
            pending_range, range_from = True, days[-1] if days else None
            continue
        day = _day(token)
        if day is None:
            if token in _NOISE_WORDS:
                continue
            return None
        if pending_range and range_from is not None:
            start, end = _DAY_ORDER.index(range_from), _DAY_ORDER.index(day)
            if end < start:
                return None
            days.extend(_DAY_ORDER[start + 1:end + 1])
        else:
            days.append(day)
        pending_range, range_from = False, None
    return None if pending_range else days


def _parse_items(body: str) -> dict[str, list[tuple[dt.time, dt.time]]] | None:
    """"lun 15:00-18:00, mar 9:00-12:00 e 14:30-19:00" or "dalle 8 alle 18 dal lunedi al sabato" → day → hours."""
    result: dict[str, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    pending: list[str] = []
    for item in re.split(r"[,;.](?:\s+|$)", body):
        item = item.strip()
        if not item:
            continue
        hours: list[tuple[dt.time, dt.time]] = []
        for match in _TIME_RANGE.finditer(item):
            opens, closes = _time(match[1], match[2]), _time(match[3], match[4])
            if opens is None or closes is None or closes <= opens:
                return None
            hours.append((opens, closes))
        rest = _TIME_RANGE.sub(" ", item)
        if re.search(r"\d", rest):
            return None
        days = _days(rest)
        if days is None:
            return None
        if not hours:
            pending.extend(days)  # "lun, mer e ven 9-12": the days come before their hours
            continue
        days = pending + days
        pending = []
        if not days:
            return None
        for day in days:
            result[day].extend(hours)
    if pending or not result:
        return None
    return result


def _merge(hours: Iterable[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    """Overlapping or touching hours of one day as one window ("12:00-18:00 e 17:30-21:00" → 12:00-21:00)."""
    merged: list[tuple[dt.time, dt.time]] = []
    for opens, closes in sorted(hours):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(closes, merged[-1][1]))
        else:
            merged.append((opens, closes))
    return merged


def _date(day: str, month_word: str | None, month_number: str | None, year: str | None,
          default_month: int | None, default_year: int) -> dt.date | None:
    month = _month(month_word) or (int(month_number) if month_number else None) or default_month
    if month is None:
        return None
    full_year = default_year if not year else (2000 + int(year) if len(year) == 2 else int(year))
    try:
        return dt.date(full_year, month, int(day))
    except ValueError:
        return None


def _period(match: re.Match[str], year: int) -> tuple[dt.date, dt.date] | None:
    """A "dal … al …" header's first and last day; the first day takes the month of the last if it has none."""
    end = _date(match[5], match[6], match[7], match[8], None, year)
    if end is None:
        return None
    start = _date(match[1], match[2], match[3], match[4], end.month, end.year)
    if start is None or start > end:
        return None
    return start, end


def _parse_closures(text: str, year: int) -> tuple[tuple[ClosureSpec, ...], bool]:
    """The "Chiusura:" line: "dal 10 al 23 agosto", "dal 10/08 al 23/08", "10-16 agosto", "tutto agosto",
    "15-ago", "15 e 16 agosto", "ND" … → closures, and whether every part of the line was understood."""
    text = _fold(text).strip().rstrip(".")
    text = re.sub(r"\b(chiuso|chiusura|compresi|settimana di ferragosto|ferragosto|tutto il mese di)\b", " ", text)
    text = " ".join(text.split())
    if text in ("", "nd", "nessuna", "nessuna chiusura"):
        return (), True
    closures: list[ClosureSpec] = []
    for part in re.split(r"\s+e\s+(?=tutto|dal|\d{1,2}\s*(?:-|/|al|$))", text):
        part = part.strip()
        whole_month = re.fullmatch(rf"(?:tutto\s+)?({_MONTH})(?:\s+tutto(?:\s+il\s+mese)?)?", part)
        two_days = re.fullmatch(rf"(\d{{1,2}})\s+e\s+(\d{{1,2}})\s+({_MONTH})", part)
        one_day = re.fullmatch(rf"(\d{{1,2}})\s*(?:-\s*)?({_MONTH})", part)
        span = re.fullmatch(rf"(?:dal\s*)?{_DATE}\s*(?:al\b|-)\s*{_DATE}", part)
        if whole_month:
            month = _month(whole_month[1])
            assert month is not None
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            closures.append(ClosureSpec(dt.date(year, month, 1), dt.date(year, month, last)))
        elif two_days:
            month = _month(two_days[3])
            assert month is not None
            closures.append(ClosureSpec(dt.date(year, month, int(two_days[1])),
                                        dt.date(year, month, int(two_days[2]))))
        elif one_day:
            day = _date(one_day[1], one_day[2], None, None, None, year)
            if day is None:
                return (), False
            closures.append(ClosureSpec(day, day))
        elif span:
            period = _period(span, year)
            if period is None:
                return (), False
            closures.append(ClosureSpec(*period))
        else:
            return (), False
    return tuple(closures), True


def parse_opening_hours(text: str, *, year: int = OPEN_DATA_YEAR) -> OpeningHours:
    """Read opening hours as written in Milan's open data, tolerantly but never guessing.

    Understood: "lun-ven 9-18", "Dalle 8:00 alle 18:00 dal lunedi al sabato", "mar e gio 9.30-12.30", and the
    "spazi freschi" timetables, "Dal 1 giugno al 20 settembre: Lun 15:00-18:00, Mar 9:00-12:00 e 14:30-19:00 …
    Dal 21 settembre …" (each period becomes the windows' validity; days with the same hours share a window;
    overlapping hours of one day are merged), with a "Chiusura: …" line of closures. Anything else — a time
    like "14:3", a day like ",er", hours without days — leaves the text unparsed: no windows rather than wrong ones."""
    folded = _fold(text)
    main, _, closure_line = re.sub(r"chiusur[ae]\s*:", "\x00", folded, count=1).partition("\x00")
    closures, closures_parsed = _parse_closures(closure_line, year)
    main = " ".join(main.split())
    if not main:
        return OpeningHours(text=text, closures=closures, closures_parsed=closures_parsed)

    chunks = [c.strip() for c in re.split(r"(?=\bdal\s*\d)", main) if c.strip()]
    # (periods, day → hours) per timetable; a header without a timetable shares the next one's.
    tables: list[tuple[list[tuple[dt.date, dt.date] | None], dict[str, list[tuple[dt.time, dt.time]]]]] = []
    waiting: list[tuple[dt.date, dt.date] | None] = []
    for chunk in chunks:
        header = _PERIOD.match(chunk)
        period: tuple[dt.date, dt.date] | None = None
        if header:
            period = _period(header, year)
            if period is None:
                return OpeningHours(text=text, closures=closures, closures_parsed=closures_parsed)
            chunk = chunk[header.end():]
        body = re.sub(r"^\s*e\s*$", "", chunk).strip(" :,.")
        if not body:
            if header is None:
                continue
            waiting.append(period)
            continue
        items = _parse_items(body)
        if items is None:
            return OpeningHours(text=text, closures=closures, closures_parsed=closures_parsed)
        tables.append(([*waiting, period], items))
        waiting = []
    if waiting or not tables:
        return OpeningHours(text=text, closures=closures, closures_parsed=closures_parsed)

    windows: list[ScheduleSpec] = []
    for periods, items in tables:
        grouped: dict[tuple[dt.time, dt.time], list[str]] = defaultdict(list)
        for day in _DAY_ORDER:
            for hours in _merge(items.get(day, ())):
                grouped[hours].append(day)
        for span in periods:
            for (opens, closes), days in sorted(grouped.items(), key=lambda kv: (_DAY_ORDER.index(kv[1][0]), kv[0])):
                windows.append(ScheduleSpec(
                    opens_at=opens, closes_at=closes, byday=",".join(days),
                    valid_from=span[0] if span else None, valid_to=span[1] if span else None,
                    description=f"Dal {span[0]:%d/%m/%Y} al {span[1]:%d/%m/%Y}" if span else "",
                ))
    return OpeningHours(text=text, windows=tuple(windows), closures=closures, parsed=True,
                        closures_parsed=closures_parsed)


# --- The fictional services ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    """A kind of fictional service: `label` and one of `brands` make its name, `terms` its needs (the first is the
    main one), and the flags are probabilities (0–1) drawn per service."""

    label: str
    terms: tuple[str, ...]
    description: str
    groups: tuple[str, ...] = ()
    ages: tuple[int | None, int | None] = (None, None)
    hours: str = "afternoon"  # a key of HOURS
    free: float = 0.85
    appointment: float = 0.3
    residency: float = 0.15
    documents: float = 0.2
    isee: float = 0.0
    languages: tuple[str, ...] = ("en", "ar", "fr", "es")
    action_line: str = ""
    confidential: bool = False
    itinerant: float = 0.0


T = Template
TEMPLATES: tuple[Template, ...] = (
    T("Doposcuola", ("doposcuola.compiti", "scuola.dispersione"),
      "Aiuto nei compiti e nello studio in piccoli gruppi, con educatori e volontari.", ("6-14",), (6, 14),
      "afternoon", residency=0.1, documents=0.05, action_line="prossimita"),
    T("Aiuto compiti per le medie", ("doposcuola.compiti",),
      "Sostegno allo studio per ragazze e ragazzi delle scuole medie, con un tutor per ogni piccolo gruppo.",
      ("6-14", "minori-stranieri"), (11, 14), "afternoon", languages=("ar", "es", "zh", "bn")),
    T("Centro di aggregazione giovanile", ("doposcuola.centri-aggregazione", "cultura.laboratori"),
      "Uno spazio per stare insieme dopo la scuola: giochi, musica, laboratori e uscite.", ("14-25",), (11, 21),
      "late", residency=0.0, documents=0.0, action_line="cittadinanza-attiva"),
    T("Spazio mamma-bambino", ("prima-infanzia.spazi-mamma-bambino", "genitorialita.sostegno"),
      "Mattine di gioco e incontro per bambini 0-6 anni con le loro mamme (e papà), con un'educatrice.",
      ("0-6", "neomamme", "famiglie"), (0, 6), "morning", residency=0.0, documents=0.0,
      languages=("ar", "bn", "es", "zh", "uk"), action_line="prossimita"),
    T("Nido in famiglia", ("prima-infanzia.nidi",),
      "Piccolo gruppo educativo per bambini da 12 a 36 mesi, nel quartiere.", ("0-3", "famiglie"), (1, 3),
      "office", free=0.2, appointment=0.6, residency=0.4, documents=0.6, isee=0.4),
    T("Letture ad alta voce 0-6", ("prima-infanzia.gioco", "cultura.biblioteche"),
      "Storie, filastrocche e libri illustrati per i più piccoli e chi li accompagna, anche in altre lingue.",
      ("0-6", "famiglie"), (0, 6), "saturday", residency=0.0, documents=0.0, languages=("ar", "es", "uk", "zh")),
    T("Ludoteca", ("prima-infanzia.gioco", "cultura.laboratori"),
      "Giochi e laboratori per bambini da 3 a 10 anni, con i genitori.", ("0-6", "6-14"), (3, 10), "afternoon"),
    T("Iscrizioni scolastiche: sportello di aiuto", ("scuola.iscrizione", "digitale.spid"),
      "Aiuto alle famiglie per l'iscrizione online a scuola e ai servizi di refezione, anche senza SPID.",
      ("famiglie", "stranieri"), (None, None), "office", appointment=0.6, languages=("ar", "bn", "zh", "es", "ro"),
      itinerant=0.3),
    T("Contro la dispersione scolastica", ("scuola.dispersione", "doposcuola.compiti"),
      "Percorsi personalizzati per ragazzi che rischiano di lasciare la scuola, con la scuola e la famiglia.",
      ("14-25",), (14, 18), "afternoon", appointment=0.7),
    T("Sostegno alla genitorialità", ("genitorialita.sostegno", "supporto-psicologico.ascolto"),
      "Colloqui e gruppi di confronto per genitori, con pedagogista e psicologa.", ("famiglie",), (None, None),
      "office", appointment=0.9),
    T("Percorso nascita", ("genitorialita.nascita", "salute.consultori"),
      "Incontri in gravidanza e nei primi mesi: allattamento, sonno, cura del neonato.", ("neomamme", "donne"),
      (None, None), "morning", residency=0.0, documents=0.0, languages=("ar", "bn", "es", "tl", "zh")),
    T("Italiano per adulti", ("lingua-italiana.adulti",),
      "Corsi di italiano L2 dal livello A0 al B1, anche per chi non ha mai studiato.", ("adulti", "stranieri"),
      (16, None), "evening", residency=0.0, documents=0.0, languages=("ar", "bn", "zh", "es", "uk", "ti")),
    T("Italiano per mamme con bambini", ("lingua-italiana.mamme", "prima-infanzia.spazi-mamma-bambino"),
      "Lezioni di italiano per mamme, con uno spazio gioco per i bambini nella stanza accanto.",
      ("donne", "neomamme", "stranieri"), (None, None), "morning", residency=0.0, documents=0.0,
      languages=("ar", "bn", "ur", "zh")),
    T("Italiano per ragazzi neoarrivati", ("lingua-italiana.ragazzi", "scuola.iscrizione"),
      "Laboratorio intensivo di italiano per ragazzi arrivati da poco in Italia.",
      ("minori-stranieri", "14-25"), (11, 18), "afternoon", residency=0.0, documents=0.0,
      languages=("ar", "es", "uk", "zh", "bn")),
    T("Pacchi alimentari", ("cibo.pacchi",),
      "Distribuzione di pacchi alimentari alle famiglie segnalate o che si presentano allo sportello.",
      ("famiglie",), (None, None), "distribution", appointment=0.5, residency=0.3, documents=0.4, isee=0.3),
    T("Emporio solidale", ("cibo.empori", "reddito.bollette"),
      "Un negozio dove si fa la spesa con una tessera a punti, per le famiglie in difficoltà economica.",
      ("famiglie",), (None, None), "office", appointment=0.3, residency=0.5, documents=0.6, isee=0.6),
    T("Mensa solidale", ("cibo.mense", "accoglienza.senza-dimora"),
      "Pasto caldo a pranzo, senza prenotazione e senza documenti.", ("adulti",), (18, None), "lunch",
      residency=0.0, documents=0.0, appointment=0.0, languages=("en", "ar", "fr", "ro", "es")),
    T("Ambulatorio medico gratuito", ("salute.ambulatori", "salute.iscrizione-ssn"),
      "Visite di medicina generale per chi non ha il medico di base, anche senza permesso di soggiorno.",
      ("adulti", "stranieri"), (None, None), "office", residency=0.0, documents=0.0,
      languages=("en", "ar", "fr", "es", "ro")),
    T("Consultorio familiare", ("salute.consultori", "genitorialita.nascita"),
      "Ginecologa, ostetrica e psicologa per donne, coppie e adolescenti.", ("donne", "14-25"), (14, None),
      "office", appointment=0.8, residency=0.3),
    T("Iscrizione al Servizio sanitario: sportello", ("salute.iscrizione-ssn", "documenti.pratiche"),
      "Aiuto per la tessera sanitaria, la scelta del medico e il codice STP/ENI.", ("stranieri",), (None, None),
      "office", appointment=0.5, languages=("en", "ar", "fr", "es", "zh")),
    T("Sportello casa", ("casa.ricerca", "casa.affitto"),
      "Orientamento nella ricerca di una casa in affitto e sui contributi per l'affitto.", ("famiglie", "adulti"),
      (18, None), "office", appointment=0.7, residency=0.5, documents=0.5, isee=0.3),
    T("Emergenza abitativa: primo ascolto", ("casa.emergenza", "accoglienza.senza-dimora"),
      "Primo colloquio per chi ha perso la casa o sta per perderla: sfratti, ospitalità temporanea.",
      ("famiglie", "adulti"), (18, None), "office", appointment=0.5, residency=0.2),
    T("Alloggio temporaneo per famiglie", ("casa.emergenza", "accoglienza.migranti"),
      "Appartamenti per famiglie in emergenza abitativa, su invio dei servizi sociali. Indirizzo riservato.",
      ("famiglie",), (None, None), "office", appointment=1.0, confidential=True),
    T("Orientamento al lavoro", ("lavoro.orientamento", "lavoro.cv"),
      "Colloqui individuali, bilancio delle competenze e ricerca attiva del lavoro.", ("adulti", "14-25"),
      (16, None), "office", appointment=0.8, languages=("en", "ar", "fr", "es", "ro", "uk")),
    T("Corso di formazione professionale", ("lavoro.formazione",),
      "Corsi brevi con tirocinio (cucina, logistica, assistenza familiare).", ("adulti", "14-25"), (16, None),
      "morning", free=0.6, documents=0.7, residency=0.2),
    T("Laboratorio curriculum e colloqui", ("lavoro.cv", "digitale.spid"),
      "Scrivere il curriculum, preparare un colloquio, candidarsi online.", ("adulti", "14-25"), (16, None),
      "evening"),
    T("Contributi per le famiglie: sportello", ("reddito.contributi", "documenti.pratiche"),
      "Informazioni e aiuto per le domande di bonus, assegno unico e contributi comunali.", ("famiglie",),
      (None, None), "office", appointment=0.6, isee=0.5),
    T("Sportello bollette", ("reddito.bollette", "reddito.debiti"),
      "Aiuto per leggere le bollette, chiedere rateizzazioni e bonus sociali luce e gas.", ("famiglie", "anziani"),
      (None, None), "office", appointment=0.5),
    T("Sportello debiti e sovraindebitamento", ("reddito.debiti",),
      "Consulenza gratuita per chi ha debiti: piano di rientro, rapporti con i creditori.", ("adulti",),
      (18, None), "office", appointment=0.9),
    T("Sportello legale", ("documenti.sportello-legale",),
      "Consulenza legale gratuita di avvocati volontari: lavoro, casa, famiglia.", ("adulti",), (18, None),
      "evening", appointment=0.8, residency=0.0, documents=0.0, languages=("en", "fr", "ar", "es")),
    T("Sportello immigrazione", ("documenti.permesso", "documenti.sportello-legale"),
      "Permesso di soggiorno, rinnovi, ricongiungimenti e cittadinanza.", ("stranieri",), (None, None), "office",
      appointment=0.6, residency=0.0, documents=0.0, languages=("en", "fr", "ar", "es", "bn", "zh", "ur")),
    T("Residenza anagrafica: accompagnamento", ("documenti.residenza", "accoglienza.senza-dimora"),
      "Aiuto a chiedere la residenza, anche fittizia, per chi vive in strada o in sistemazioni precarie.",
      ("adulti",), (18, None), "office", residency=0.0, documents=0.0),
    T("Aiuto con le pratiche", ("documenti.pratiche", "digitale.spid"),
      "Compilare moduli, prenotare appuntamenti, capire le lettere degli uffici.", ("adulti", "anziani"),
      (None, None), "morning", itinerant=0.4),
    T("Centro di ascolto", ("supporto-psicologico.ascolto", "orientamento.punti-accesso"),
      "Ascolto e orientamento per chi attraversa un momento difficile.", ("adulti",), (None, None), "office",
      residency=0.0, documents=0.0, action_line="prossimita"),
    T("Sportello psicologico per adolescenti", ("supporto-psicologico.ascolto",),
      "Colloqui gratuiti con una psicologa per ragazze e ragazzi, anche senza i genitori.", ("14-25",), (13, 21),
      "afternoon", appointment=1.0, residency=0.0, documents=0.0),
    T("Centro antiviolenza", ("supporto-psicologico.violenza", "documenti.sportello-legale"),
      "Ascolto, consulenza legale e psicologica per donne che subiscono violenza.", ("donne",), (None, None),
      "office", appointment=0.7, residency=0.0, documents=0.0, languages=("en", "ar", "es", "fr", "uk")),
    T("Casa rifugio per donne", ("supporto-psicologico.violenza", "casa.emergenza"),
      "Ospitalità protetta per donne e figli in pericolo, su invio dei centri antiviolenza. Indirizzo riservato.",
      ("donne", "famiglie"), (None, None), "office", appointment=1.0, residency=0.0, documents=0.0,
      confidential=True),
    T("Sport per tutti", ("sport.bambini",),
      "Calcio, basket e pallavolo a quota simbolica per bambini e ragazzi, con il materiale in prestito.",
      ("6-14", "14-25"), (6, 17), "late", free=0.5),
    T("Minibasket e psicomotricità", ("sport.bambini", "prima-infanzia.gioco"),
      "Gioco-sport per bambini dai 4 ai 10 anni.", ("0-6", "6-14"), (4, 10), "late", free=0.3),
    T("Biblioteca di condominio", ("cultura.biblioteche", "prima-infanzia.gioco"),
      "Prestito di libri e giochi nel cortile, gestito da volontari del quartiere.", ("famiglie",), (None, None),
      "saturday", action_line="cittadinanza-attiva"),
    T("Laboratorio creativo", ("cultura.laboratori",),
      "Laboratori di arte, teatro e musica per bambini e ragazzi.", ("6-14",), (6, 14), "saturday", free=0.7),
    T("Punto di comunità", ("orientamento.punti-accesso", "genitorialita.sostegno"),
      "Sportello di quartiere: informazioni sui servizi, accompagnamento, ascolto.", ("famiglie",), (None, None),
      "office", residency=0.0, documents=0.0, action_line="prossimita", itinerant=0.4),
    T("Segretariato sociale", ("orientamento.servizio-sociale", "orientamento.punti-accesso"),
      "Primo accesso ai servizi sociali: ascolto, informazioni e invio.", ("adulti", "famiglie"), (None, None),
      "office", appointment=0.5, residency=0.6),
    T("Accoglienza per richiedenti asilo", ("accoglienza.migranti", "lingua-italiana.adulti"),
      "Ospitalità in appartamenti, con corsi di italiano e orientamento al lavoro, su invio della Prefettura.",
      ("stranieri", "adulti"), (18, None), "office", appointment=1.0, documents=1.0, confidential=True,
      languages=("en", "fr", "ar", "ti", "bn")),
    T("Centro diurno per persone senza dimora", ("accoglienza.senza-dimora", "cibo.mense"),
      "Docce, guardaroba, deposito bagagli, un posto al caldo e un operatore con cui parlare.", ("adulti",),
      (18, None), "office", residency=0.0, documents=0.0, appointment=0.0, languages=("en", "ro", "ar", "fr")),
    T("Unità di strada", ("accoglienza.senza-dimora", "salute.ambulatori"),
      "Operatori e volontari incontrano di sera le persone che dormono in strada: coperte, tè caldo, orientamento.",
      ("adulti",), (18, None), "evening", residency=0.0, documents=0.0, appointment=0.0, itinerant=1.0),
    T("Comunità per minori stranieri non accompagnati", ("accoglienza.msna", "lingua-italiana.ragazzi"),
      "Accoglienza residenziale di ragazzi soli, su invio del Comune. Indirizzo riservato.",
      ("minori-stranieri",), (14, 17), "office", appointment=1.0, confidential=True),
    T("Tutori volontari per MSNA: sportello", ("accoglienza.msna", "documenti.sportello-legale"),
      "Informazioni per chi vuole diventare tutore volontario e per i ragazzi soli arrivati in Italia.",
      ("minori-stranieri", "adulti"), (None, None), "evening", residency=0.0, documents=0.0),
    T("Centro diurno per persone con disabilità", ("disabilita",),
      "Attività educative e di autonomia per giovani e adulti con disabilità.", ("persone-con-disabilita",),
      (16, None), "office", appointment=0.8, residency=0.7, documents=0.6, isee=0.4, free=0.3),
    T("Tempo libero inclusivo", ("disabilita", "sport.bambini"),
      "Sport e uscite per bambini e ragazzi con e senza disabilità.", ("persone-con-disabilita", "6-14"), (6, 18),
      "saturday"),
    T("Centro anziani", ("anziani", "cultura.laboratori"),
      "Ginnastica dolce, carte, gite e compagnia per le persone anziane del quartiere.", ("anziani",), (65, None),
      "afternoon", residency=0.3),
    T("Custode sociale", ("anziani", "orientamento.punti-accesso"),
      "Visite a domicilio e piccoli aiuti per anziani soli nei caseggiati popolari.", ("anziani",), (65, None),
      "morning", appointment=0.6, residency=0.5, itinerant=0.5),
    T("Facilitazione digitale", ("digitale.spid", "documenti.pratiche"),
      "Aiuto per attivare SPID e CIE, usare il Fascicolo sanitario e i servizi online del Comune.",
      ("adulti", "anziani"), (None, None), "morning", appointment=0.5, documents=0.5, itinerant=0.3,
      languages=("en", "ar", "zh", "es", "uk")),
)

BRANDS = ("Il Ponte", "La Bussola", "Arcobaleno", "Girasole", "Passo dopo passo", "Il Cortile", "Terra di mezzo",
          "Porte aperte", "La Tela", "Il Faro", "Semi di comunità", "Il Filo", "Mille voci", "La Piazzetta",
          "Il Nido", "Orizzonti", "Radici", "Ali", "Il Melo", "Fuori classe", "Crocevia", "La Scala", "Tandem",
          "Il Quadrifoglio")

# (opening, closing, days) options per kind of timetable; days are BYDAY values.
HOURS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "afternoon": (("14:30", "18:00", "MO,WE,FR"), ("15:00", "18:30", "TU,TH"), ("16:00", "18:30", "MO,TU,WE,TH,FR"),
                  ("14:30", "17:30", "MO,TU,TH")),
    "late": (("16:30", "19:30", "MO,WE,FR"), ("17:00", "20:00", "TU,TH"), ("15:30", "19:00", "MO,TU,WE,TH,FR")),
    "morning": (("09:30", "12:30", "TU,TH"), ("09:00", "12:00", "MO,WE,FR"), ("10:00", "12:30", "WE")),
    "evening": (("18:30", "20:30", "TU,TH"), ("19:00", "21:00", "MO,WE"), ("20:00", "23:00", "MO,WE,FR")),
    "office": (("09:00", "13:00", "MO,TU,WE,TH,FR"), ("14:00", "17:00", "TU,TH"), ("09:30", "12:30", "MO,WE,FR"),
               ("10:00", "13:00", "TU")),
    "saturday": (("10:00", "12:30", "SA"), ("15:00", "18:00", "SA"), ("10:00", "12:00", "SA,SU")),
    "lunch": (("11:45", "13:30", "MO,TU,WE,TH,FR,SA"), ("12:00", "14:00", "MO,TU,WE,TH,FR,SA,SU")),
    "distribution": (("09:00", "12:00", "TH"), ("15:00", "17:30", "TU"), ("09:30", "12:00", "SA")),
}

LANGUAGE_NAMES = {"it": "italiano", "en": "inglese", "ar": "arabo", "fr": "francese", "es": "spagnolo",
                  "uk": "ucraino", "zh": "cinese", "ro": "rumeno", "bn": "bengalese", "tl": "tagalog",
                  "ur": "urdu", "ti": "tigrino"}
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR")


@dataclass(frozen=True)
class AddressSpec:
    address: str
    municipio: int
    nil: str


@dataclass(frozen=True)
class FictionalService:
    """One fictional service, fully decided before touching the database (so every run makes the same ones)."""

    name: str
    template: Template
    municipio: int
    organisation: str  # slug
    addresses: tuple[AddressSpec, ...]  # more than one: an itinerant service
    windows: tuple[tuple[str, str, str], ...]  # one per address
    monthly: bool
    languages: tuple[str, ...]
    is_free: bool
    requires_appointment: bool
    requires_residency: bool
    requires_documents: bool
    requires_isee: bool
    is_public: bool
    status: str
    verified_days_ago: int
    fee: Decimal | None
    closure_in_days: int | None


@cache
def addresses() -> dict[int, tuple[AddressSpec, ...]]:
    with (DATA_DIR / "directory_addresses.json").open(encoding="utf-8") as handle:
        raw = json.load(handle)
    by_municipio: dict[int, list[AddressSpec]] = defaultdict(list)
    for entry in raw["addresses"]:
        by_municipio[entry["municipio"]].append(AddressSpec(**entry))
    return {n: tuple(specs) for n, specs in sorted(by_municipio.items())}


def fictional_services(organisations_by_municipio: Mapping[int, Sequence[str]],
                       count: int = FICTIONAL_SERVICES) -> list[FictionalService]:
    """`count` services, the templates in turn (so each is used, hence every need they cover), each in a Municipio
    drawn in turn and run by one of that Municipio's organisations (slugs, in a stable order)."""
    rng = random.Random(SEED)
    places = addresses()
    names: set[str] = set()
    homes: dict[tuple[str, int], list[AddressSpec]] = {}
    result: list[FictionalService] = []
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        municipio = index % 9 + 1
        organisation = rng.choice(list(organisations_by_municipio[municipio]))
        stops = 1
        if template.itinerant and rng.random() < template.itinerant:
            stops = rng.choice((2, 3))
        own = homes.setdefault((organisation, municipio), [])
        if stops > 1 or template.confidential:
            chosen = tuple(rng.sample([a for a in places[municipio] if a not in own], stops))
        elif own and (len(own) >= 3 or rng.random() < 0.7):
            chosen = (rng.choice(own),)  # most services are at one of the organisation's few seats
        else:
            chosen = (rng.choice([a for a in places[municipio] if a not in own]),)
            own.append(chosen[0])
        # Named after the neighbourhood (the first name of its NIL); a protected place only after its Municipio.
        where = f"Municipio {municipio}" if template.confidential else chosen[0].nil.split(" - ")[0]
        base = f"{template.label} «{rng.choice(BRANDS)}» – {where}"
        name, n = f"{base} {DEMO_MARK}", 2
        while name in names:
            name, n = f"{base} {n} {DEMO_MARK}", n + 1
        names.add(name)
        option = rng.choice(HOURS[template.hours])
        if stops > 1:
            # One day a week at each stop, on different days.
            days = rng.sample(_WEEKDAY_CODES, stops)
            windows = tuple((option[0], option[1], day) for day in days)
        else:
            windows = (option,)
        extra_languages = rng.sample(template.languages, rng.randint(0, min(3, len(template.languages))))
        if rng.random() < 0.08:
            extra_languages.append(rng.choice(("ro", "bn", "tl", "ur", "uk", "zh")))
        residency = rng.random() < template.residency
        documents = rng.random() < template.documents or residency
        roll = rng.random()
        status = ServiceStatus.TEMPORARILY_CLOSED if roll < 0.03 else ServiceStatus.ACTIVE
        is_free = rng.random() < template.free
        age = rng.random()
        verified = rng.randint(181, 540) if age < 0.15 else (rng.randint(1, 170) if age < 0.8 else 0)
        result.append(FictionalService(
            name=name, template=template, municipio=municipio, organisation=organisation, addresses=chosen,
            windows=windows, monthly=template.hours == "distribution" and rng.random() < 0.5,
            languages=tuple(dict.fromkeys(extra_languages)),
            is_free=is_free, requires_appointment=rng.random() < template.appointment,
            requires_residency=residency, requires_documents=documents,
            requires_isee=rng.random() < template.isee, is_public=rng.random() >= 0.03, status=status,
            verified_days_ago=verified,
            fee=None if is_free else Decimal(rng.choice((5, 10, 15, 20, 30, 50))),
            closure_in_days=rng.randint(5, 40) if rng.random() < 0.05 else None,
        ))
    return result


# --- Building -------------------------------------------------------------------------------------------

class DirectoryBuilder:
    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.today = builder.today
        self.comune = Organisation.objects.get(slug=scenario.COMUNE)
        self.terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=NEEDS)}
        self.action_lines = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=ACTION_LINES)}
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        self.areas = {a.code: a for a in Area.objects.filter(kind__in=[AreaKind.MUNICIPIO, AreaKind.NIL])
                      .defer(*HEAVY)}
        self.locations = {
            (loc.external_identifier_type, loc.external_identifier): loc
            for loc in Location.objects.filter(external_identifier_type__in=[PLACE_ID_TYPE, DEMO_ID_TYPE])
        }
        self.services = {(s.maintainer_id, s.name): s for s in Service.objects.all()}

    def created(self, what: str) -> None:
        self.builder.result.created[what] += 1

    # --- locations

    def location(self, key: str, *, maintainer: Organisation, name: str, address: str,
                 fallback: tuple[float, float, Area | None, Area | None] | None = None,
                 id_type: str = DEMO_ID_TYPE, **fields: Any) -> Location:
        existing = self.locations.get((id_type, key))
        if existing is not None:
            return existing
        location = location_create(by=None, maintainer=maintainer, name=name, address_text=address,
                                   allow_unlocated=True, external_identifier=key,
                                   external_identifier_type=id_type, **fields)
        if not location.has_point and fallback is not None:
            latitude, longitude, municipio, nil = fallback
            Location.objects.filter(pk=location.pk).update(latitude=latitude, longitude=longitude,
                                                           municipio=municipio, nil=nil)  # see DIRECT_WRITES
            location.refresh_from_db()
        self.locations[(id_type, key)] = location
        self.created("directory location")
        return location

    # --- services

    def existing(self, maintainer: Organisation, name: str) -> Service | None:
        return self.services.get((maintainer.pk, " ".join(name.split())))

    def service(self, *, organisation: Organisation, name: str, terms: Iterable[str] = (),
                action_lines: Iterable[str] = (), groups: Iterable[str] = (), languages: Iterable[str] = ("it",),
                **fields: Any) -> Service:
        service = service_create(by=None, organisation=organisation, name=name,
                                 target_groups=[self.groups[code] for code in groups], **fields)
        for code in terms:
            taxonomy_term_assign(service=service, term=self.terms[code], by=None)
        for code in action_lines:
            taxonomy_term_assign(service=service, term=self.action_lines[code], by=None)
        for code in languages:
            language_add(by=None, service=service, code=code, name=LANGUAGE_NAMES.get(code, ""))
        self.services[(service.maintainer_id, service.name)] = service
        self.created("directory service")
        return service

    def attach(self, service: Service, location: Location, windows: Sequence[ScheduleSpec] = (),
               description: str = "") -> ServiceAtLocation:
        link = service_at_location_attach(service=service, location=location, by=None, description=description)
        if windows:
            schedule_set(by=None, service_at_location=link, windows=windows)
        return link

    # --- 1. real places

    def build_places(self) -> None:
        places = list(Place.objects.select_related("municipio", "nil").order_by("kind", "name", "pk"))
        names = Counter((p.kind, p.name) for p in places)
        for place in places:
            location = self.location(
                _place_key(place), id_type=PLACE_ID_TYPE, maintainer=self.comune,
                name=place.name, address=place.normalised_address or place.address,
                fallback=(place.latitude, place.longitude, place.municipio, place.nil),
                description=place.notes,
            )
            name = _place_service_name(place)
            if names[(place.kind, place.name)] > 1:
                name = f"{name} ({place.address})"
            if self.existing(self.comune, name) is None:
                self.place_service(place, location, name)

    def place_service(self, place: Place, location: Location, name: str) -> None:
        kind = place.kind
        terms: tuple[str, ...]
        hours = parse_opening_hours(place.opening_hours) if place.opening_hours else None
        source = f"Dati aperti del Comune di Milano ({place.source})."
        fields: dict[str, Any] = {"is_free": True, "email": _email(place.email), "url": _url(place.link)}
        if kind == PlaceKind.SOCIAL_SERVICE_OFFICE:
            terms = ("orientamento.servizio-sociale", "reddito.contributi", "genitorialita.sostegno")
            description = ("Servizio Sociale Professionale Territoriale: assistenti sociali per persone e famiglie "
                           "in difficoltà, colloqui, progetti di aiuto e accesso ai servizi del Comune.")
            fields |= {"requires_appointment": "appuntamento" in place.notes.casefold(),
                       "application_process": place.notes, "requires_residency": True,
                       "eligibility_description": "Per chi abita nel Municipio."}
            groups: tuple[str, ...] = ("famiglie", "adulti", "anziani")
        elif kind == PlaceKind.MUNICIPIO_HQ:
            terms = ("orientamento.punti-accesso", "documenti.pratiche")
            description = ("La sede del Municipio: informazioni ai cittadini (URP), pratiche e, dove c'è, "
                           "l'anagrafe decentrata.")
            groups = ("adulti",)
        elif kind == PlaceKind.COMMUNITY_CENTRE:
            terms = ("cultura.laboratori", "anziani")
            description = ("Casa di quartiere del Comune, aperta d'estate come «spazio fresco» per chi soffre "
                           "il caldo.")
            if place.activities:
                description += f" Attività: {place.activities.strip().rstrip('.')}."
            groups = ("anziani", "famiglie")
        elif kind == PlaceKind.LIBRARY:
            terms = ("cultura.biblioteche",)
            description = ("Biblioteca rionale del Comune: prestito, lettura, spazi studio; d'estate «spazio "
                           "fresco».")
            groups = ("famiglie", "adulti")
        else:
            terms = ("sport",)
            description = "Impianto sportivo."
            if place.activities:
                description += f" Attività: {place.activities.strip().rstrip('.')}."
            fields["is_free"] = False
            groups = ("6-14", "14-25", "adulti")
        service = self.service(organisation=self.comune, name=name, terms=terms, groups=groups,
                               description=f"{description} {source}", **fields)
        windows = hours.windows if hours is not None else ()
        note = f"Orari (dalla fonte): {place.opening_hours}" if place.opening_hours else ""
        self.attach(service, location, windows, description=note)
        if hours is not None and hours.closures_parsed:
            for closure in hours.closures:
                if not location.closures.filter(start_date=closure.start, end_date=closure.end).exists():
                    closure_add(by=None, location=location, start_date=closure.start, end_date=closure.end,
                                reason="Chiusura indicata nei dati aperti")
        number, rest = _phone(place.phone)
        if number:
            phone_add(by=None, service=service, number=number, description=rest)

    # --- 2. QuBì, seed 001

    def build_qubi(self) -> None:
        qubi = seeds.qubi()
        runner = Organisation.objects.get(slug=scenario.ETS_A)
        name = f"Spazio di orientamento QuBì Municipio {scenario.MUNICIPIO} (sportello itinerante)"
        zones = {n.name.removeprefix("QuBì ").strip(): n for n in qubi.neighbourhood_networks
                 if n.municipio == scenario.MUNICIPIO}
        locations = []
        for point in qubi.municipio8_access_points:
            network = zones[point.zone]
            nil = self.areas.get(f"MI-NIL-{network.nil_ids[0]}") if network.nil_ids else None
            municipio = self.areas.get(f"MI-M{scenario.MUNICIPIO}")
            centre = nil if nil is not None and nil.centroid_lat is not None else municipio
            assert centre is not None and centre.centroid_lat is not None and centre.centroid_lon is not None
            locations.append((point, self.location(
                f"qubi-m8:{point.zone}", maintainer=runner, name=f"Punto QuBì zona {point.zone}",
                address=f"Quartiere {point.zone}, Milano",
                fallback=(centre.centroid_lat, centre.centroid_lon, municipio, nil),
                description=("Il volantino del Municipio 8 indica la zona, non l'indirizzo: il luogo dell'incontro "
                             "si concorda al telefono. Sulla mappa il punto è il centro del quartiere."),
            )))
        if self.existing(runner, name) is None:
            service = self.service(
                organisation=runner, name=name,
                terms=("orientamento.punti-accesso", "genitorialita.sostegno", "doposcuola.compiti"),
                action_lines=("prossimita",), groups=("famiglie", "0-18"),
                description=("Cerchi informazioni su servizi e attività educative per i tuoi figli? Vieni a scoprire "
                             "vicino a casa tua uno spazio di orientamento, ascolto e supporto. Progetto QuBì, la "
                             "ricetta contro la povertà minorile del Comune di Milano in co-progettazione con le reti "
                             "del Terzo Settore (volantino del Municipio 8, seed 001). Ente gestore attribuito per la "
                             "demo al capofila dell'ATS del Municipio 8."),
                application_process="Contattaci per un appuntamento: un numero per ciascuna zona.",
                eligibility_description=f"Rivolto alle famiglie del Municipio {scenario.MUNICIPIO}.",
                requires_appointment=True, is_free=True,
            )
            municipio = self.areas.get(f"MI-M{scenario.MUNICIPIO}")
            service_area_add(service=service, by=None, area=municipio)
            weekdays = {"lunedì": "MO", "martedì": "TU", "mercoledì": "WE", "giovedì": "TH", "venerdì": "FR",
                        "sabato": "SA", "domenica": "SU"}
            for point, location in locations:
                link = self.attach(service, location, [ScheduleSpec(
                    opens_at=dt.time.fromisoformat(point.opens), closes_at=dt.time.fromisoformat(point.closes),
                    byday=weekdays[point.weekday], description=f"Zona {point.zone}",
                )])
                phone_add(by=None, service_at_location=link, number=point.phone, type=PhoneType.CELL,
                          description=f"Zona {point.zone}: per un appuntamento")

        zaino = "Zaino sospeso QuBì"
        if self.existing(self.comune, zaino) is None:
            self.service(
                organisation=self.comune, name=zaino, terms=("scuola.dispersione", "reddito.contributi"),
                action_lines=("cittadinanza-attiva",), groups=("famiglie", "6-14"),
                description=("Aiuta un bambino in difficoltà economica ad acquistare materiale scolastico: lo zaino "
                             "sospeso è un'iniziativa di solidarietà del progetto QuBì per aiutare le famiglie del "
                             "quartiere a sostenere le spese per la scuola. Dona un articolo della lista. Cofinanziato "
                             "dall'Unione europea (PN Metro Plus e Città Medie Sud 2021-2027). Luoghi e date della "
                             "raccolta: il volantino (seed 001) li lascia in bianco; chiedere ai punti QuBì."),
                is_free=True,
            )

    # --- 3. fictional services

    def organisations_by_municipio(self) -> dict[int, list[str]]:
        """The ETS partners of each QuBì municipal network; for Municipio 1 (a network new in 2024, no ETS yet)
        the city network's other ETS."""
        result: dict[int, list[str]] = {}
        for spec in seeds.qubi().municipal_networks:
            slugs = sorted(NetworkMembership.objects.filter(
                network__slug=spec.slug, organisation__kind=OrganisationKind.ETS,
            ).values_list("organisation__slug", flat=True))
            result[spec.municipio] = slugs or sorted(seeds.qubi().other_ets)[:8]
        return result

    def build_fictional(self) -> None:
        organisations = {o.slug: o for o in Organisation.objects.all()}
        for spec in fictional_services(self.organisations_by_municipio()):
            organisation = organisations[spec.organisation]
            locations = []
            for address in spec.addresses:
                template = spec.template
                key = f"{'riservata' if template.confidential else 'sede'}:{organisation.pk}:{address.address}"
                locations.append(self.location(
                    key, maintainer=organisation,
                    name=(f"Struttura protetta {organisation.short_name or organisation.name} {DEMO_MARK}"
                          if template.confidential else
                          f"{organisation.short_name or organisation.name} – {address.address} {DEMO_MARK}"),
                    address=f"{address.address}, Milano", confidential_address=template.confidential,
                ))
            if self.existing(organisation, spec.name) is None:
                self.fictional_service(spec, organisation, locations)

    def fictional_service(self, spec: FictionalService, organisation: Organisation,
                          locations: Sequence[Location]) -> None:
        template = spec.template
        low, high = template.ages
        if not spec.requires_residency and not spec.requires_documents:
            eligibility = "Aperto a tutti: non servono la residenza né documenti."
        elif spec.requires_residency:
            eligibility = f"Per chi abita nel Municipio {spec.municipio}."
        else:
            eligibility = "Serve un documento d'identità."
        fields: dict[str, Any] = {
            "description": f"{template.description} Servizio fittizio della demo di Trama.",
            "eligibility_description": eligibility, "minimum_age": low, "maximum_age": high,
            "requires_residency": spec.requires_residency, "requires_documents": spec.requires_documents,
            "requires_isee": spec.requires_isee, "requires_appointment": spec.requires_appointment,
            "is_free": spec.is_free, "is_public": spec.is_public, "status": spec.status,
            "fees_description": "Gratuito." if spec.is_free else "Quota di partecipazione (vedi costi).",
            "application_process": ("Su appuntamento, scrivendo o passando negli orari di apertura."
                                    if spec.requires_appointment else "Accesso libero negli orari di apertura."),
        }
        if not spec.is_public:
            fields["eligibility_description"] += " Accesso solo su invio dei servizi sociali o della rete."
        if spec.status == ServiceStatus.TEMPORARILY_CLOSED:
            fields["alert"] = "Temporaneamente chiuso per lavori nella sede: riapertura prevista a breve."
        service = self.service(
            organisation=organisation, name=spec.name, terms=template.terms,
            action_lines=(template.action_line,) if template.action_line else (),
            groups=template.groups, languages=("it", *spec.languages), **fields,
        )
        for location, (opens, closes, days) in zip(locations, spec.windows, strict=True):
            if spec.monthly:
                window = ScheduleSpec(opens_at=dt.time.fromisoformat(opens), closes_at=dt.time.fromisoformat(closes),
                                      freq=lib.MONTHLY, byday=f"1{days.split(',')[0]},3{days.split(',')[0]}",
                                      description="Il primo e il terzo del mese")
            else:
                window = ScheduleSpec(opens_at=dt.time.fromisoformat(opens), closes_at=dt.time.fromisoformat(closes),
                                      byday=days)
            self.attach(service, location, [window],
                        description="Tappa dello sportello itinerante" if len(locations) > 1 else "")
        if spec.requires_documents:
            required_document_add(service=service, by=None, kind=DocumentKind.IDENTITY)
            if template.documents >= 0.6:
                required_document_add(service=service, by=None, kind=DocumentKind.RESIDENCE_PERMIT,
                                      document="Permesso di soggiorno (per i cittadini non UE)")
        if spec.requires_residency:
            required_document_add(service=service, by=None, kind=DocumentKind.RESIDENCY)
            service_area_add(service=service, by=None, area=self.areas.get(f"MI-M{spec.municipio}"))
        if spec.requires_isee:
            required_document_add(service=service, by=None, kind=DocumentKind.ISEE)
        if spec.fee is not None:
            cost_option_add(service=service, by=None, option="Quota mensile", amount=spec.fee,
                            amount_description="Riduzioni per chi ha più figli o un ISEE basso.")
        if spec.closure_in_days is not None:
            start = self.today + dt.timedelta(days=spec.closure_in_days)
            closure_add(by=None, service=service, start_date=start, end_date=start + dt.timedelta(days=6),
                        reason="Chiusura per formazione degli operatori")
        if spec.verified_days_ago:
            service_verify(service=service, by=None, on=self.today - dt.timedelta(days=spec.verified_days_ago))


def _place_key(place: Place) -> str:
    """The place's identity in its dataset ("ds3017:18"), hashed when it would not fit the location's field."""
    key = f"{place.source}:{place.external_id}"
    if len(key) > 100:
        key = f"{place.source}:sha1:{hashlib.sha1(place.external_id.encode()).hexdigest()}"  # noqa: S324
    return key


def _place_service_name(place: Place) -> str:
    if place.kind == PlaceKind.MUNICIPIO_HQ:
        return f"Sportello al cittadino – {place.name}"
    return place.name


_PHONE = re.compile(r"\+?\d[\d .]{4,}\d")


def _phone(text: str) -> tuple[str, str]:
    """The first phone number in an open-data phone field, and the whole text when it says more."""
    match = _PHONE.search(text)
    if match is None:
        return "", ""
    number = " ".join(match[0].replace(".", " ").split())
    return number, (text.strip() if text.strip() != match[0] else "")


def _email(value: str) -> str:
    try:
        EmailValidator()(value)
    except ValidationError:
        return ""
    return value


def _url(value: str) -> str:
    if not value or len(value) > 200:
        return ""
    try:
        URLValidator()(value)
    except ValidationError:
        return ""
    return value


def build_directory(builder: DemoBuilder) -> None:
    directory = DirectoryBuilder(builder)
    # Each service is written several times (places, schedules, terms): index each once, at the end.
    with deferred_indexing():
        directory.build_places()
        directory.build_qubi()
        directory.build_fictional()
