"""Offline geocoder for Milan addresses, on the Comune's street gazetteer (stradario + numeri civici, 2020-03-02).

Stable API for other modules::

    from trama.territory.geocoder import GeocodeError, GeocodeResult, geocode

    try:
        result = geocode("v.le Monza 12/a, 20127 Milano")
    except GeocodeError as error:
        error.message       # Italian, for the person who typed the address
        error.code          # "empty" | "too_long" | "street_missing" | "number_missing" | "number_invalid" |
                            # "street_not_found" | "type_mismatch" | "ambiguous" | "number_not_found" |
                            # "suppressed"
        error.suggestions   # list[str]: full addresses or street names to offer instead
    else:
        result.latitude, result.longitude        # WGS84 of the house number
        result.address                           # "Viale Monza 12/A, Milano" (normalised)
        result.street_code, result.street_name   # CODICE_VIA, "Viale Monza"
        result.house_number                      # "12/A"
        result.municipio, result.municipio_name, result.municipio_code   # 2, "Municipio 2", "MI-M2"
        result.nil_id, result.nil_name, result.nil_code                  # 20, "Loreto - Casoretto - NoLo", "MI-NIL-20"
        result.in_progress                       # True: the number is still being assigned ("iter in corso")

Errors, by what was typed: "" → empty; more than MAX_LENGTH characters → too_long; "Via", "16", "12345",
"Milano" → street_missing; "Via Saponaro" → number_missing (street_not_found when the street does not exist
either); "Via Saponaro -3", "Via Saponaro 1.5" → number_invalid; "Via Saponaro 0", "Via Saponaro 99999" →
number_not_found with the street's nearest numbers. geocode() raises nothing but GeocodeError, and bounds its work
by the length limit.

What it tolerates: case, accents, apostrophes and punctuation; a missing or abbreviated street type (v., v.le,
p.za, p.zza, p.le, c.so, l.go, vic., …) and Piazza/Piazzale-style slips when that still gives one address;
words in any order ("Calderon de la Barca Pietro" = "Pietro Calderon de la Barca"); missing articles
("Piazza Duomo"); the surname alone when it is unique; letters and bis ("12/A", "12 A", "12a", "12 bis"), sub-numbers
("19/3"); ", Milano", "(MI)", a CAP. What it refuses: anything that is not exactly one existing address. Only active
house numbers and numbers in progress (flagged) are returned; suppressed numbers are an error.

The index is built lazily on first use from the project's own data files (about 0.3 s) and kept for the life of
the process; those files only change with a deployment, so the cache cannot go stale. `warm_up()` builds it
eagerly (e.g. in a worker's start-up)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.territory.geocoder.gazetteer import Civico, Gazetteer, Street
from trama.territory.geocoder.parsing import (
    HouseNumber,
    is_type_only,
    parse_address,
    split_type,
    tokens,
    type_family,
)
from trama.territory.milano import municipio_code, municipio_name, nil_code, nil_names
from trama.territory.names import title_case

__all__ = ["MAX_LENGTH", "GeocodeError", "GeocodeResult", "geocode", "other_suggestions", "warm_up"]

CITY_SUFFIX = "Milano"
# Longest text accepted (spaces collapsed): the longest Milan address with CAP, city and country is about 100
# characters; the limit keeps the fuzzy suggestions (the slow part) bounded for any input.
MAX_LENGTH = 300
# Longest piece of the person's own text repeated in a message.
_ECHO_LENGTH = 60
# "16 Via Saponaro": the number written before the street.
_LEADING_NUMBER = re.compile(r"^(?P<number>\d{1,9}\S*)\s+(?P<street>\D.*)$")


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float
    longitude: float
    address: str
    street_code: int
    street_name: str
    house_number: str
    municipio: int | None
    municipio_name: str
    municipio_code: str
    nil_id: int | None
    nil_name: str
    nil_code: str
    in_progress: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class GeocodeError(ApplicationError):
    """The text is not exactly one existing address; `suggestions` lists what the person may have meant."""

    def __init__(self, message: str, *, code: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message, field="address", code=code)
        self.suggestions = suggestions or []


def other_suggestions(error: GeocodeError, typed: str, limit: int = 5) -> list[str]:
    """The suggestions of a GeocodeError worth offering as links: none for a missing number (the bare street
    would be missing its number again), never the text typed again, none empty."""
    if error.code == "number_missing":
        return []

    def key(text: str) -> str:
        return " ".join(text.casefold().split())

    return [s for s in error.suggestions if s and key(s) != key(typed)][:limit]


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def _get() -> Gazetteer:
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                _gazetteer = Gazetteer.from_files()
    return _gazetteer


def warm_up() -> None:
    """Build the index now instead of on the first geocode."""
    _get()


def _address(street: Street, number: HouseNumber) -> str:
    return f"{street.full_name} {number.display()}, {CITY_SUFFIX}"


def _result(street: Street, number: HouseNumber, civico: Civico) -> GeocodeResult:
    return GeocodeResult(
        latitude=civico.latitude,
        longitude=civico.longitude,
        address=_address(street, number),
        street_code=street.code,
        street_name=street.full_name,
        house_number=number.display(),
        municipio=civico.municipio,
        municipio_name=municipio_name(civico.municipio) if civico.municipio else "",
        municipio_code=municipio_code(civico.municipio) if civico.municipio else "",
        nil_id=civico.nil,
        nil_name=nil_names().get(civico.nil, "") if civico.nil else "",
        nil_code=nil_code(civico.nil) if civico.nil else "",
        in_progress=civico.in_progress,
    )


def _streets_for(g: Gazetteer, type_code: int | None, name: str) -> tuple[list[int], list[int]]:
    """(streets of the written type — or of a related type when none has it —, all streets with that name)."""
    words = tokens(name)
    if not words:
        return [], []
    levels = g.candidates(words)
    named: list[int] = []
    for codes in levels:
        if codes and not named:
            named = sorted(codes)
        if type_code is None:
            if codes:
                return sorted(codes), named
            continue
        typed = sorted(c for c in codes if g.streets[c].type_code == type_code)
        if typed:
            return typed, named
    if type_code is not None:
        family = type_family(type_code)
        for codes in levels:
            related = sorted(c for c in codes if g.streets[c].type_code in family)
            if related:
                return related, named
    return [], named


def _resolve(
    g: Gazetteer, type_code: int | None, name: str, number: HouseNumber, *, suggest: bool
) -> GeocodeResult:
    # With a related type (Piazza for Piazzale …) too, only an address that exactly one street has is accepted.
    streets, named = _streets_for(g, type_code, name)
    written = _written(g, type_code, name)
    if not streets:
        if named:
            suggestions = [_suggest(g, c, number) for c in named]
            raise GeocodeError(
                _("A Milano non esiste «%(street)s», ma ci sono strade di altro tipo con questo nome.")
                % {"street": written},
                code="type_mismatch", suggestions=suggestions,
            )
        similar = g.similar_streets(tokens(name)) if suggest else []
        raise GeocodeError(
            _("Strada non trovata nello stradario di Milano: «%(street)s».") % {"street": written},
            code="street_not_found", suggestions=[_suggest(g, s.code, number) for s in similar],
        )
    hits = [c for c in streets if number.key in g.numbers.get(c, {})]
    if len(hits) == 1:
        street = g.streets[hits[0]]
        return _result(street, number, g.numbers[street.code][number.key])
    if len(hits) > 1:
        raise GeocodeError(
            _("L'indirizzo è ambiguo: più strade con questo nome hanno il civico %(number)s. Indica il tipo di "
              "strada (via, piazza, corso…).") % {"number": number.display()},
            code="ambiguous", suggestions=[_address(g.streets[c], number) for c in hits],
        )
    if len(streets) > 1:
        raise GeocodeError(
            _("Nessuna delle strade chiamate «%(street)s» ha il civico %(number)s.")
            % {"street": written, "number": number.display()},
            code="number_not_found", suggestions=[_suggest(g, c, number) for c in streets],
        )
    street = g.streets[streets[0]]
    nearest = [_address(street, n) for n in g.nearest_numbers(street.code, number)]
    if not nearest:
        raise GeocodeError(
            _("Nello stradario %(street)s non ha numeri civici.") % {"street": street.full_name},
            code="number_not_found",
        )
    if number.key in g.suppressed.get(street.code, set()):
        raise GeocodeError(
            _("Il civico %(number)s di %(street)s è stato soppresso.")
            % {"number": number.display(), "street": street.full_name},
            code="suppressed", suggestions=nearest,
        )
    low, high = g.number_range(street.code)
    raise GeocodeError(
        _("Il civico %(number)s non esiste in %(street)s (i civici vanno da %(low)d a %(high)d).")
        % {"number": number.display(), "street": street.full_name, "low": low, "high": high},
        code="number_not_found", suggestions=nearest,
    )


def _printable(text: str | None) -> str:
    """The text with control and invisible format characters (NUL, zero-width space …) made spaces."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _shorten(text: str, limit: int = _ECHO_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _written(g: Gazetteer, type_code: int | None, name: str) -> str:
    """What the person wrote, tidied for a message: "via duomo" → "Via Duomo"."""
    type_name = g.type_names.get(type_code, "") if type_code is not None else ""
    return _shorten(title_case(f"{type_name} {name}".strip().upper()))


def _suggest(g: Gazetteer, street_code: int, number: HouseNumber | None) -> str:
    street = g.streets[street_code]
    if number is not None and number.key in g.numbers.get(street_code, {}):
        return _address(street, number)
    return street.full_name


def _named_streets(g: Gazetteer, street_text: str) -> list[int]:
    """Streets the text names (of the written type first), for suggestions when the number is missing."""
    type_code, rest = split_type(street_text)
    streets, named = _streets_for(g, type_code, rest) if type_code is not None else ([], [])
    if not streets:
        streets, named = _streets_for(g, None, street_text)
    return streets or named


def _raise_without_number(
    g: Gazetteer, whole_text: str, street_text: str, bad_number: str, *, suggest: bool
) -> NoReturn:
    """The error for a text without a readable house number."""
    if bad_number:
        named = _named_streets(g, whole_text)
        if named:  # "Via Papa Gregorio 14.": the "number" is part of the street's name
            raise GeocodeError(
                _("Manca il numero civico."), code="number_missing",
                suggestions=[g.streets[c].full_name for c in named][:5],
            )
    named = _named_streets(g, street_text)
    if not named and is_type_only(street_text):  # "Via", "Via 16": only the street type
        raise GeocodeError(_("Manca il nome della strada."), code="street_missing")
    if bad_number:
        digits = re.search(r"\d{1,9}", bad_number)
        suggestions = [g.streets[c].full_name for c in named][:5]
        if len(named) == 1 and digits:
            street = g.streets[named[0]]
            near = HouseNumber(int(digits.group()))
            suggestions = [_address(street, n) for n in g.nearest_numbers(street.code, near)]
        raise GeocodeError(
            _("«%(number)s» non è un numero civico: scrivi un numero intero da 1 in su, con la lettera o la barra se "
              "ci sono (per esempio 12, 12/A, 19/3).") % {"number": _shorten(bad_number, 20)},
            code="number_invalid", suggestions=suggestions,
        )
    if named:
        raise GeocodeError(
            _("Manca il numero civico."), code="number_missing",
            suggestions=[g.streets[c].full_name for c in named][:5],
        )
    leading = _LEADING_NUMBER.match(street_text)
    if leading:
        named = _named_streets(g, leading.group("street"))
        if named:
            number = leading.group("number")
            raise GeocodeError(
                _("Scrivi il numero civico dopo il nome della strada, per esempio «%(example)s».")
                % {"example": f"{g.streets[named[0]].full_name} {_shorten(number, 12)}"},
                code="number_missing", suggestions=[g.streets[c].full_name for c in named][:5],
            )
    similar = g.similar_streets(tokens(street_text)) if suggest else []
    raise GeocodeError(
        _("Strada non trovata nello stradario di Milano: «%(street)s»; manca anche il numero civico.")
        % {"street": _written(g, None, street_text)},
        code="street_not_found", suggestions=[s.full_name for s in similar],
    )


def geocode(text: str, *, suggest: bool = True) -> GeocodeResult:
    """The one existing Milan address the text denotes; raises GeocodeError (with suggestions) otherwise.

    `suggest=False` skips the fuzzy search for similar street names (the slow part of an error) for batch jobs
    that do not show suggestions to anyone."""
    text = _printable(text)
    if not text.strip():
        raise GeocodeError(_("Scrivi un indirizzo: via e numero civico."), code="empty")
    if len(" ".join(text.split())) > MAX_LENGTH:
        raise GeocodeError(
            _("L'indirizzo è troppo lungo (più di %(max)d caratteri): scrivi solo via e numero civico.")
            % {"max": MAX_LENGTH},
            code="too_long",
        )
    g = _get()
    parsed = parse_address(text)
    if not parsed.street_text:
        raise GeocodeError(_("Manca il nome della strada."), code="street_missing")
    if parsed.number is None:
        _raise_without_number(g, parsed.whole_text, parsed.street_text, parsed.bad_number, suggest=suggest)
    if is_type_only(parsed.street_text) and not _named_streets(g, parsed.street_text):
        raise GeocodeError(_("Manca il nome della strada."), code="street_missing")  # "Via 16"
    type_code, rest = split_type(parsed.street_text)
    # With a leading type word, read it as the type first ("Ponte Seveso" may also be Via Ponte Seveso).
    readings: list[tuple[int | None, str]] = [(type_code, rest)] if type_code is not None else []
    readings.append((None, parsed.street_text))
    first_error: GeocodeError | None = None
    for reading_type, name in readings:
        try:
            # Fuzzy suggestions only once: a later reading's "not found" never replaces the first error.
            return _resolve(g, reading_type, name, parsed.number, suggest=suggest and first_error is None)
        except GeocodeError as error:
            # A reading that found the street says more than one that did not.
            if first_error is None or (first_error.code == "street_not_found" and error.code != "street_not_found"):
                first_error = error
    assert first_error is not None
    raise first_error
