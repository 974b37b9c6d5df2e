"""Query parameters of the HSDS API. Every bad value raises ParamError, which the views turn into a JSON 400.

Syntax (also in the API root's ``description``):

- ``page`` (>= 1, default 1), ``per_page`` (>= 1, default 50, capped at 100; at 1000 with ``minimal=true``).
  A page after the last one is an empty page, not an error.
- booleans (``minimal``, ``full``, ``full_service``, ``top_only``): ``true``/``false``, ``1``/``0``, ``yes``/``no``.
- ids (``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``, ``parent_id``): UUIDs.
- ``modified_after``: ISO 8601 date-time (``2025-03-01T10:00:00+01:00``, ``…Z``) or date (``2025-03-01``);
  without an offset it is Europe/Rome time. An unencoded ``+`` (read as a space) is accepted.
- ``proximity``: ``lat,lon`` (results ordered by distance from the point), ``lat,lon,metres`` (only results within
  that many metres, ordered by distance), or ``metres`` together with ``postcode`` (the point is the centroid of the
  published, non-confidential locations with that postcode). Metres, as in the served OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PER_PAGE_MINIMAL = 1000
MAX_PROXIMITY_METRES = 100_000
MAX_SEARCH_LENGTH = 200
MAX_POSTCODE_LENGTH = 10

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_OFFSET_AS_SPACE = re.compile(r"^(.*T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class ParamError(ValueError):
    """A bad query parameter: `message` is already translated into the request's language (Italian by default,
    the client's Accept-Language otherwise); `parameter` is the HSDS name, never translated."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Proximity:
    """A point and an optional radius. ``latitude``/``longitude`` are None when the point is a postcode's centroid."""

    latitude: float | None
    longitude: float | None
    metres: float | None


def _single(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    return value.strip()


def _integer(query: Mapping[str, str], name: str, default: int) -> int:
    text = _single(query, name)
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[+]?[0-9]{1,18}", text):  # ASCII digits: "²" is a digit to str.isdigit, not to int()
        raise ParamError(name, _("deve essere un numero intero non minore di 1, non «%(value)s»")
                         % {"value": text[:40]})
    value = int(text)
    if value < 1:
        raise ParamError(name, _("deve essere almeno 1"))
    return value


def paging(query: Mapping[str, str], *, minimal: bool = False) -> Paging:
    cap = MAX_PER_PAGE_MINIMAL if minimal else MAX_PER_PAGE
    page = _integer(query, "page", 1)
    per_page = min(_integer(query, "per_page", DEFAULT_PER_PAGE), cap)
    if page > 10**6:
        raise ParamError("page", _("è troppo grande"))
    return Paging(page=page, per_page=per_page)


def boolean(query: Mapping[str, str], name: str) -> bool:
    text = _single(query, name)
    if text is None or text == "":
        return False
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ParamError(name, _("deve essere true o false, non «%(value)s»") % {"value": text[:40]})


def identifier(query: Mapping[str, str], name: str) -> uuid.UUID | None:
    text = _single(query, name)
    if text is None or text == "":
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ParamError(name, _("deve essere un UUID, non «%(value)s»") % {"value": text[:60]}) from None


def text(query: Mapping[str, str], name: str, *, max_length: int = MAX_SEARCH_LENGTH) -> str | None:
    value = _single(query, name)
    if value is None or value == "":
        return None
    if len(value) > max_length:
        raise ParamError(name, _("può avere al massimo %(count)d caratteri") % {"count": max_length})
    if "\x00" in value:
        raise ParamError(name, _("non può contenere caratteri NUL"))
    return value


# Before any record and after any plausible one: "everything since 0001-01-01" is a common client's request.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def modified_after(query: Mapping[str, str]) -> dt.datetime | None:
    value = _single(query, "modified_after")
    if value is None or value == "":
        return None
    candidate = _OFFSET_AS_SPACE.sub(r"\1+\2", value)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
            parsed = dt.datetime.combine(dt.date.fromisoformat(candidate), dt.time())
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", candidate):
            parsed = dt.datetime.fromisoformat(candidate)
        else:
            raise ValueError(candidate)
    except ValueError:
        raise ParamError("modified_after", _(
            "deve essere una data e ora ISO 8601 come 2025-03-01T10:00:00+01:00, non «%(value)s»"
        ) % {"value": value[:60]}) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # Europe/Rome (settings.TIME_ZONE)
    # The database receives it in UTC, where the years 1 and 9999 may overflow: an earlier or later date selects
    # the same records as the bound.
    return min(max(parsed, EARLIEST), LATEST)


def _float(part: str) -> float:
    value = float(part)
    if not math.isfinite(value):
        raise ValueError(part)
    return value


def proximity(query: Mapping[str, str], *, postcode: str | None) -> Proximity | None:
    value = _single(query, "proximity")
    if value is None or value == "":
        return None
    parts = [part.strip() for part in value.split(",")]
    usage = _("deve essere «lat,lon», «lat,lon,metri» oppure, insieme a postcode, «metri»")
    wrong = _("%(usage)s, non «%(value)s»") % {"usage": usage, "value": value[:60]}
    try:
        numbers = [_float(part) for part in parts]
    except ValueError:
        raise ParamError("proximity", wrong) from None
    if len(numbers) == 1:
        if postcode is None:
            raise ParamError("proximity", _("%(usage)s: un raggio da solo richiede postcode") % {"usage": usage})
        latitude = longitude = None
        metres: float | None = numbers[0]
    elif len(numbers) in (2, 3):
        latitude, longitude = numbers[0], numbers[1]
        metres = numbers[2] if len(numbers) == 3 else None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ParamError("proximity", _("la latitudine deve essere tra -90 e 90 e la longitudine tra -180 e 180"))
    else:
        raise ParamError("proximity", wrong)
    if metres is not None and not 0 < metres <= MAX_PROXIMITY_METRES:
        raise ParamError("proximity", _("il raggio deve essere maggiore di 0 e al massimo %(max)d metri")
                         % {"max": MAX_PROXIMITY_METRES})
    return Proximity(latitude=latitude, longitude=longitude, metres=metres)


def postcode(query: Mapping[str, str]) -> str | None:
    value = text(query, "postcode", max_length=MAX_POSTCODE_LENGTH)
    if value is not None and not re.fullmatch(r"[A-Za-z0-9 -]+", value):
        raise ParamError("postcode", _("deve essere un codice postale come 20127, non «%(value)s»") % {"value": value})
    return value.replace(" ", "").upper() if value is not None else None


def output_format(query: Mapping[str, str]) -> None:
    value = _single(query, "format")
    if value not in (None, "", "json"):
        raise ParamError("format", _("è disponibile solo json"))
