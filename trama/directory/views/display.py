"""How the staff pages show directory records: schedules as a week table, flags as plain-language badges,
revisions as "who changed which fields". Pure functions over already-fetched rows (no queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trama.directory.models import Schedule, Service, ServiceRevision, Weekday
from trama.directory.models.details import requirements
from trama.directory.opening import NextOpening
from trama.lib import schedules as lib

WEEKDAY_CODES = tuple(code for code, _label in Weekday.choices)


@dataclass
class DayRow:
    code: str
    name: str
    windows: list[str] = field(default_factory=list)


@dataclass
class WeekTable:
    days: list[DayRow]
    other_rules: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.other_rules and not any(day.windows for day in self.days)


def is_simple_weekly(schedule: Schedule) -> bool:
    """A plain "every <day> from … to …" window, which the week table and the editor show as rows."""
    if schedule.freq != lib.WEEKLY or schedule.interval != 1 or schedule.bymonthday:
        return False
    if schedule.dtstart or schedule.until or schedule.valid_from or schedule.valid_to:
        return False
    try:
        parsed = lib.parse_byday(schedule.byday)
    except lib.ScheduleError:
        return False
    return bool(parsed) and all(ordinal is None for ordinal, _day in parsed)


def simple_days(schedule: Schedule) -> list[str]:
    return [lib.WEEKDAYS[weekday] for _ordinal, weekday in lib.parse_byday(schedule.byday)]


def hours(opens_at: dt.time, closes_at: dt.time) -> str:
    return f"{opens_at:%H:%M}–{closes_at:%H:%M}"


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j/n/Y")


def describe_rule(schedule: Schedule) -> str:
    """A rule the week table cannot hold, in words: "il 1º lunedì del mese, 10:00–12:00 (dal 1/9/2025)"."""
    days = dict(Weekday.choices)
    parts: list[str] = []
    try:
        parsed = lib.parse_byday(schedule.byday)
    except lib.ScheduleError:
        parsed = ()
    if schedule.freq == lib.MONTHLY:
        for ordinal, weekday in parsed:
            name = str(days[lib.WEEKDAYS[weekday]])
            if ordinal == -1:
                parts.append(_("l'ultimo %(day)s del mese") % {"day": name})
            elif ordinal:
                parts.append(_("il %(nth)sº %(day)s del mese") % {"nth": ordinal, "day": name})
            else:
                parts.append(_("ogni %(day)s") % {"day": name})
        if schedule.bymonthday:
            parts.append(_("il giorno %(days)s del mese") % {"days": schedule.bymonthday.replace(",", ", ")})
        if schedule.interval > 1:
            parts.append(_("ogni %(n)s mesi") % {"n": schedule.interval})
    else:
        names = ", ".join(str(days[lib.WEEKDAYS[weekday]]) for _ordinal, weekday in parsed)
        if schedule.interval > 1:
            parts.append(_("%(days)s, ogni %(n)s settimane") % {"days": names, "n": schedule.interval})
        else:
            parts.append(names or _("il giorno indicato"))
    text = f"{'; '.join(parts)}, {hours(schedule.opens_at, schedule.closes_at)}"
    start = schedule.valid_from or schedule.dtstart
    end = schedule.valid_to or schedule.until
    if start and end:
        text += " " + _("(dal %(start)s al %(end)s)") % {"start": _date(start), "end": _date(end)}
    elif start:
        text += " " + _("(dal %(start)s)") % {"start": _date(start)}
    elif end:
        text += " " + _("(fino al %(end)s)") % {"end": _date(end)}
    if schedule.notes:
        text += f" · {schedule.notes}"
    return text


def week_table(schedules: Iterable[Schedule]) -> WeekTable:
    days = [DayRow(code=code, name=str(label)) for code, label in Weekday.choices]
    by_code = {day.code: day for day in days}
    collected: dict[str, list[tuple[dt.time, str]]] = {code: [] for code in WEEKDAY_CODES}
    other = []
    for schedule in schedules:
        if not is_simple_weekly(schedule):
            other.append(describe_rule(schedule))
            continue
        text = hours(schedule.opens_at, schedule.closes_at)
        if schedule.notes:
            text += f" ({schedule.notes})"
        for code in simple_days(schedule):
            collected[code].append((schedule.opens_at, text))
    for code, windows in collected.items():
        by_code[code].windows = [text for _opens, text in sorted(windows)]
    return WeekTable(days=days, other_rules=other)


def opening_label(opening: NextOpening, now: dt.datetime | None = None) -> str:
    """ "mar 10:00, Quarto Oggiaro", with the date when it is not in the coming week."""
    now = now or timezone.localtime()
    start = timezone.localtime(opening.start)
    same_week = (start.date() - now.date()).days < 7
    when = formats.date_format(start, "D H:i" if same_week else "D j M, H:i").lower()
    if opening.location is not None:
        return f"{when}, {opening.location.name}"
    return when


# --- Eligibility badges ---------------------------------------------------------------------------

# (flag, value that earns the badge, badge text, Bootstrap colour): the plain-language answer to "can I go?".
BADGES: Sequence[tuple[str, bool, Any, str]] = (
    ("requires_residency", False, gettext_lazy("Non serve la residenza"), "success"),
    ("requires_residency", True, gettext_lazy("Serve la residenza"), "warning"),
    ("requires_documents", False, gettext_lazy("Non servono documenti"), "success"),
    ("requires_documents", True, gettext_lazy("Servono documenti o permesso di soggiorno"), "warning"),
    ("requires_isee", True, gettext_lazy("Serve l'ISEE"), "warning"),
    ("is_free", True, gettext_lazy("Gratuito"), "success"),
    ("requires_appointment", True, gettext_lazy("Serve appuntamento"), "info"),
)


def eligibility_badges(service: Service) -> list[dict[str, str]]:
    """The badges, with the portal's rule: the documents asked count as well as the flags (models.requirements)."""
    needed = requirements(service)
    return [
        {"text": str(text), "colour": colour}
        for flag, value, text, colour in BADGES
        if bool(needed.get(flag, getattr(service, flag))) is value
    ]


def ages(service: Service) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("da %(low)s a %(high)s anni") % {"low": low, "high": high}
    if low is not None:
        return _("da %(low)s anni") % {"low": low}
    if high is not None:
        return _("fino a %(high)s anni") % {"high": high}
    return ""


# --- History --------------------------------------------------------------------------------------

_EXTRA_LABELS = {"schedules": gettext_lazy("orari"), "location": gettext_lazy("sede"),
                 "term": gettext_lazy("classificazione"), "target_groups": gettext_lazy("destinatari")}


def _field_label(model: Any, name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name])
    for candidate in (model, Service):
        if candidate is None:
            continue
        try:
            label = getattr(candidate._meta.get_field(name), "verbose_name", None)
        except FieldDoesNotExist:
            continue
        if label:
            return str(label)
    return name


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def revision_rows(revisions: Iterable[ServiceRevision]) -> list[dict[str, Any]]:
    rows = []
    for revision in revisions:
        model = _model(revision.object_type)
        fields = sorted({_field_label(model, name) for name in (revision.changes or {})})
        rows.append({
            "at": revision.at,
            "by": revision.by.full_name if revision.by is not None else _("sistema"),
            "action": revision.get_action_display(),
            "what": str(model._meta.verbose_name) if model is not None else revision.object_type,
            "fields": fields,
        })
    return rows
