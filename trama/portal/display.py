"""How the portal says things: plain-language texts in the visitor's language, with no queries.

Every string here is the portal's own (trama/portal/locale), not the staff pages' (they speak it/en only): day
names come from Django's catalogues, which cover all the portal languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language_bidi, get_language_info, override, pgettext
from django.utils.translation import gettext as _

from trama.directory.models import (
    TRANSLATABLE_FIELDS,
    Closure,
    CostOption,
    DocumentKind,
    Language,
    Phone,
    Schedule,
    Service,
)
from trama.directory.models.details import requirements
from trama.directory.opening import NextOpening
from trama.lib import schedules as lib

# --- Texts that may be in another language than the page ---------------------------------------------


def base_language(lang: str | None) -> str:
    """"zh-hans" → "zh": the key of the services' translations and of the taxonomy labels."""
    return (lang or "it").lower().replace("_", "-").split("-")[0]


@dataclass(frozen=True)
class Text:
    """A text and, when it is not in the page's language, the language it is in (for a `lang` attribute, so
    screen readers pronounce an Italian description on an Arabic page as Italian)."""

    text: str
    lang: str = ""

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def lang_attr(self) -> SafeString:
        return format_html(' lang="{}"', self.lang) if self.lang else mark_safe("")  # noqa: S308 - constant

    def truncated(self, chars: int) -> Text:
        return Text(Truncator(self.text).chars(chars), self.lang)


def translated(service: Service, field_name: str, lang: str | None) -> Text:
    """The field in the page's language when the service has that translation, else as entered (Italian)."""
    assert field_name in TRANSLATABLE_FIELDS, field_name
    base = base_language(lang)
    value = ((service.translations or {}).get(base) or {}).get(field_name)
    if isinstance(value, str) and value.strip():
        return Text(value)
    return italian(getattr(service, field_name) or "", lang)


def italian(text: str, lang: str | None) -> Text:
    """A text entered in Italian, marked as such on a page in another language."""
    return Text(text, "" if base_language(lang) == "it" or not text else "it")


def phone_text(phone: Phone) -> str:
    """A number as printed: with its extension, if any; in a right-to-left language each in a left-to-right
    isolate, or "02 1234 5678" is laid out as "5678 1234 02"."""
    number, extension = phone.number, phone.extension.strip()
    if get_language_bidi():
        number = LTR_ISOLATE.format(number)
        extension = LTR_ISOLATE.format(extension) if extension else ""
    if extension:
        return str(_("%(number)s, interno %(extension)s") % {"number": number, "extension": extension})
    return number


# --- Eligibility in plain words -----------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    text: str
    kind: str  # "yes": good news for the family; "need": a requirement; "info"


def badges(service: Service) -> list[Badge]:
    """The service's conditions in plain words: its flags, and the documents it asks for (a residence permit asked
    means documents are needed even if the flag was left off). Prefetch `required_documents` for a list."""
    needed = requirements(service)
    residency, papers = needed["requires_residency"], needed["requires_documents"]
    rows = []
    if service.is_free:
        rows.append(Badge(_("Gratis"), "yes"))
    if not residency:
        rows.append(Badge(_("Non serve la residenza"), "yes"))
    if not papers:
        rows.append(Badge(_("Non servono documenti"), "yes"))
    if residency:
        rows.append(Badge(_("Serve la residenza"), "need"))
    if papers:
        rows.append(Badge(_("Servono documenti o permesso di soggiorno"), "need"))
    if needed["requires_isee"]:
        rows.append(Badge(_("Serve l'ISEE"), "need"))
    if service.requires_appointment:
        rows.append(Badge(_("Su appuntamento"), "info"))
    return rows


def ages(service: Service) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("Da %(low)s a %(high)s anni") % {"low": low, "high": high}
    if low is not None:
        return _("Da %(low)s anni in su") % {"low": low}
    if high is not None:
        return _("Fino a %(high)s anni") % {"high": high}
    return ""


def document(required: Any) -> dict[str, str]:
    kinds = {
        DocumentKind.IDENTITY: _("Documento d'identità"),
        DocumentKind.RESIDENCE_PERMIT: _("Permesso di soggiorno"),
        DocumentKind.FISCAL_CODE: _("Codice fiscale o tessera sanitaria"),
        DocumentKind.ISEE: _("Attestazione ISEE"),
        DocumentKind.RESIDENCY: _("Certificato di residenza"),
    }
    kind = kinds.get(required.kind, "")
    text = required.document.strip()
    with override("it"):  # a document entered without a text carries the kind's Italian label
        italian_kind = str(DocumentKind(required.kind).label) if required.kind in DocumentKind.values else ""
    if kind and text.casefold() in (kind.casefold(), italian_kind.casefold()):
        text = ""
    return {"kind": kind, "text": text, "uri": required.uri}


def cost(option: CostOption) -> str:
    parts = [option.option.strip()] if option.option.strip() else []
    if option.amount is not None:
        amount = formats.number_format(option.amount, 2, use_l10n=True)
        parts.append(f"{amount} €" if option.currency == "EUR" else f"{amount} {option.currency}")
    if option.amount_description.strip():
        parts.append(option.amount_description.strip())
    return " · ".join(parts)


@dataclass(frozen=True)
class SpokenLanguage:
    code: str
    name: str  # in the page's language
    local: str  # in the language itself ("العربية"), when known


# ISO 639 codes a service may record under which Django knows the language by another code.
_DJANGO_LANGUAGE_CODES = {"zh": "zh-hans", "zho": "zh-hans", "nb": "nb", "no": "nb"}


def spoken_language(language: Language) -> SpokenLanguage:
    try:
        info = get_language_info(_DJANGO_LANGUAGE_CODES.get(language.code, language.code))
    except KeyError:
        return SpokenLanguage(code=language.code, name=language.name or language.code, local="")
    local = str(info["name_local"])
    name = str(info["name_translated"])
    return SpokenLanguage(code=language.code, name=name, local="" if local.casefold() == name.casefold() else local)


# --- Opening hours ------------------------------------------------------------------------------------


def day_name(index: int) -> str:
    return str(WEEKDAYS[index])


# Left-to-right isolate (U+2066 … U+2069): in an Arabic sentence "10:00–13:00" would otherwise be laid out
# right to left and read "13:00–10:00".
LTR_ISOLATE = "\u2066{}\u2069"


def hours(opens_at: dt.time, closes_at: dt.time) -> str:
    text = f"{opens_at:%H:%M}–{closes_at:%H:%M}"
    return LTR_ISOLATE.format(text) if get_language_bidi() else text


def _date(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _simple_days(schedule: Schedule) -> list[int] | None:
    """The weekdays of a plain "every <day>" window, else None."""
    if schedule.freq != lib.WEEKLY or schedule.interval != 1 or schedule.bymonthday:
        return None
    try:
        parsed = lib.parse_byday(schedule.byday)
    except lib.ScheduleError:
        return None
    if not parsed or any(ordinal is not None for ordinal, _day in parsed):
        return None
    return [weekday for _ordinal, weekday in parsed]


def _period(schedule: Schedule) -> str:
    """When the window applies: from the later of its two starts to the earlier of its two ends (as
    lib.Window's first_day and last_day)."""
    starts = [day for day in (schedule.valid_from, schedule.dtstart) if day is not None]
    ends = [day for day in (schedule.valid_to, schedule.until) if day is not None]
    start = max(starts) if starts else None
    end = min(ends) if ends else None
    if start and end:
        return _("dal %(start)s al %(end)s") % {"start": _date(start), "end": _date(end)}
    if start:
        return _("dal %(start)s") % {"start": _date(start)}
    if end:
        return _("fino al %(end)s") % {"end": _date(end)}
    return ""


def _month_days(bymonthday: str) -> list[str]:
    """BYMONTHDAY in words: "giorno 1, 15 del mese", "ultimo giorno del mese", "2º giorno dalla fine del mese"."""
    days, words = [], []
    for value in (part.strip() for part in bymonthday.split(",")):
        try:
            number = int(value)
        except ValueError:
            continue
        if number == -1:
            words.append(str(_("ultimo giorno del mese")))
        elif number < 0:
            words.append(str(_("%(nth)sº giorno dalla fine del mese") % {"nth": -number}))
        else:
            days.append(str(number))
    if days:
        words.insert(0, str(_("giorno %(days)s del mese") % {"days": ", ".join(days)}))
    return words


def describe(schedule: Schedule) -> str:
    """A window the week list cannot hold, in words ("2nd Tuesday of the month, 10:00–12:00")."""
    try:
        parsed = lib.parse_byday(schedule.byday)
    except lib.ScheduleError:
        parsed = ()
    parts: list[str] = []
    if schedule.freq == lib.MONTHLY:
        for ordinal, weekday in parsed:
            day = day_name(weekday)
            if ordinal == -1:
                parts.append(_("ultimo %(day)s del mese") % {"day": day})
            elif ordinal and ordinal < 0:
                parts.append(_("%(nth)sº %(day)s dalla fine del mese") % {"nth": -ordinal, "day": day})
            elif ordinal:
                parts.append(_("%(nth)sº %(day)s del mese") % {"nth": ordinal, "day": day})
            else:
                parts.append(day)
        if schedule.bymonthday:
            parts.extend(_month_days(schedule.bymonthday))
        elif not parsed and schedule.dtstart:  # RFC 5545: the day of the month of its start
            parts.append(_("giorno %(days)s del mese") % {"days": schedule.dtstart.day})
        if schedule.interval > 1:
            parts.append(_("ogni %(n)s mesi") % {"n": schedule.interval})
    else:
        if parsed:
            parts.append(", ".join(day_name(weekday) for _ordinal, weekday in parsed))
        elif schedule.dtstart:  # RFC 5545: the weekday of its start
            parts.append(day_name(schedule.dtstart.weekday()))
        if schedule.interval > 1:
            parts.append(_("ogni %(n)s settimane") % {"n": schedule.interval})
    text = f"{'; '.join(p for p in parts if p)} {hours(schedule.opens_at, schedule.closes_at)}".strip()
    period = _period(schedule)
    return f"{text} ({period})" if period else text


@dataclass
class Day:
    index: int
    name: str
    windows: list[str] = field(default_factory=list)


@dataclass
class Week:
    """The open days of a week (closed days are left out) and the windows that are not weekly."""

    days: list[Day]
    other: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.days and not self.other

    @property
    def first_day(self) -> int:
        return self.days[0].index if self.days else 7

    def lines(self) -> list[str]:
        return [f"{day.name} {', '.join(day.windows)}" for day in self.days] + self.other


def _ended(schedule: Schedule, today: dt.date) -> bool:
    """Whether the window's last day (the earlier of its two ends) is past: no longer opening hours."""
    ends = [day for day in (schedule.valid_to, schedule.until) if day is not None]
    return bool(ends) and min(ends) < today


def week(schedules: Iterable[Schedule]) -> Week:
    """The opening hours still in force (or to come), by weekday; windows that have ended are left out."""
    by_day: dict[int, list[tuple[dt.time, str]]] = {}
    other: list[str] = []
    today = timezone.localdate()
    for schedule in schedules:
        if _ended(schedule, today):
            continue
        days = _simple_days(schedule)
        period = _period(schedule)
        if days is None:
            other.append(describe(schedule))
            continue
        text = hours(schedule.opens_at, schedule.closes_at)
        if period:
            text += f" ({period})"
        for index in days:
            by_day.setdefault(index, []).append((schedule.opens_at, text))
    return Week(
        days=[Day(index=i, name=day_name(i), windows=[t for _opens, t in sorted(by_day[i])]) for i in sorted(by_day)],
        other=other,
    )


def opening_text(item: NextOpening, now: dt.datetime | None = None) -> str:
    """ "Today, 10:00–13:00" / "Tuesday 25/11/2026, 10:00–13:00", in the page's language."""
    now = timezone.localtime(now or timezone.now())
    start, end = timezone.localtime(item.start), timezone.localtime(item.end)
    days = (start.date() - now.date()).days
    if days == 0:
        when = _("oggi")
    elif days == 1:
        when = _("domani")
    else:
        when = pgettext("weekday and date", "%(day)s %(date)s") % {
            "day": day_name(start.weekday()), "date": _date(start.date())}
    return f"{when}, {hours(start.time(), end.time())}"


def opening_row(item: NextOpening, now: dt.datetime, *, with_day: bool = True) -> dict[str, str]:
    """An opening for the page: when (with the day, or the hours only for "open now") and the place's name
    (a name only: a confidential place's name is public, its address is not)."""
    start, end = timezone.localtime(item.start), timezone.localtime(item.end)
    text = opening_text(item, now) if with_day else hours(start.time(), end.time())
    return {"text": text, "place": item.location.name if item.location is not None else ""}


# --- Closures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureRow:
    text: str  # "Chiuso dal 24/12/2026 al 06/01/2027", in the page's language
    reason: str  # as entered, in Italian
    place: str  # the place's name, or "" for the whole service


def closure_row(closure: Closure, place: str = "", *, with_reason: bool = True) -> ClosureRow:
    if closure.start_date == closure.end_date:
        text = _("Chiuso il %(day)s") % {"day": _date(closure.start_date)}
    else:
        text = _("Chiuso dal %(start)s al %(end)s") % {"start": _date(closure.start_date),
                                                       "end": _date(closure.end_date)}
    return ClosureRow(text=str(text), reason=closure.reason if with_reason else "", place=place)

