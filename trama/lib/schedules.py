"""Opening hours as HSDS describes them (an iCalendar RRULE subset), computed in Europe/Rome. Framework-free.

A `Window` is one opening window that recurs: "every Tuesday 10:00-13:00", "the first Monday of the month
09:00-12:00", "days 1 and 15 of the month", "every other Wednesday from 2025-01-08". Several windows a day are
several `Window`s. A `Closure` is a range of whole days (holidays, summer closure) on which windows do not open.

Both carry an optional `key` (the directory uses the location's id): a closure with a key closes only the windows
with the same key, a closure without a key closes every window. That is how one itinerant service at several
places answers "where and when next".

Times are wall-clock times in Europe/Rome. An occurrence is turned into an instant with `zoneinfo` and all
comparisons are made in UTC, so answers are right on the nights the clocks change:
- spring forward (last Sunday of March, 02:00 → 03:00): a time inside the gap is read with the offset in force
  before it (PEP 495, fold=0), i.e. 02:30 means 03:30 CEST; a window 01:30-03:30 lasts one real hour;
- fall back (last Sunday of October, 03:00 → 02:00): an ambiguous time is its first occurrence (CEST); a window
  01:30-03:30 lasts three real hours.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
UTC = dt.UTC

WEEKLY = "WEEKLY"
MONTHLY = "MONTHLY"
FREQUENCIES = (WEEKLY, MONTHLY)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = date.weekday()

# How far next_opening looks ahead: a monthly rule every 12 months still occurs within it.
DEFAULT_HORIZON_DAYS = 400

_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


class ScheduleError(ValueError):
    """A window that is not a valid rule (a programming or data error; services check user input first)."""


def parse_byday(value: str | Iterable[str]) -> tuple[tuple[int | None, int], ...]:
    """"MO,1TU,-1FR" → ((None, 0), (1, 1), (-1, 4)): (ordinal in the month or None, weekday index)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    parsed = []
    for raw in items:
        item = raw.strip().upper()
        if not item:
            continue
        match = _BYDAY.match(item)
        if match is None:
            raise ScheduleError(f"invalid BYDAY item: {raw!r}")
        ordinal = int(match.group(1)) if match.group(1) else None
        parsed.append((ordinal, WEEKDAYS.index(match.group(2))))
    return tuple(parsed)


def parse_bymonthday(value: str | Iterable[int | str]) -> tuple[int, ...]:
    """"1,15,-1" → (1, 15, -1); negative days count from the end of the month."""
    items: list[int | str] = list(value.split(",")) if isinstance(value, str) else list(value)
    days = []
    for raw in items:
        text = str(raw).strip()
        if not text:
            continue
        try:
            day = int(text)
        except ValueError as error:
            raise ScheduleError(f"invalid BYMONTHDAY item: {raw!r}") from error
        if day == 0 or not -31 <= day <= 31:
            raise ScheduleError(f"invalid BYMONTHDAY item: {raw!r}")
        days.append(day)
    return tuple(days)


@dataclass(frozen=True)
class Window:
    """One recurring opening window (an HSDS schedule row)."""

    opens_at: dt.time
    closes_at: dt.time
    freq: str = WEEKLY
    byday: str = ""  # "MO,WE"; with MONTHLY also "1MO" (first Monday), "-1FR" (last Friday)
    bymonthday: str = ""  # MONTHLY only: "1,15,-1"
    interval: int = 1  # every n weeks / months, counted from dtstart
    dtstart: dt.date | None = None  # first day of the recurrence (anchor of `interval`)
    until: dt.date | None = None  # last day of the recurrence (inclusive)
    valid_from: dt.date | None = None  # the schedule applies from this day (inclusive)...
    valid_to: dt.date | None = None  # ...to this day (inclusive)
    wkst: str = "MO"  # first day of the week, for weekly intervals
    key: Hashable | None = None  # the caller's tag (the directory: the location's id)
    _byday: tuple[tuple[int | None, int], ...] = field(init=False, repr=False, compare=False)
    _bymonthday: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.freq not in FREQUENCIES:
            raise ScheduleError(f"unsupported FREQ: {self.freq!r}")
        if self.closes_at <= self.opens_at:
            raise ScheduleError("closes_at must follow opens_at")
        if self.interval < 1:
            raise ScheduleError("interval must be at least 1")
        if self.wkst not in WEEKDAYS:
            raise ScheduleError(f"invalid WKST: {self.wkst!r}")
        byday = parse_byday(self.byday)
        if self.freq == WEEKLY and any(ordinal is not None for ordinal, _ in byday):
            raise ScheduleError("ordinal BYDAY items need FREQ=MONTHLY")
        bymonthday = parse_bymonthday(self.bymonthday)
        if self.freq == WEEKLY and bymonthday:
            raise ScheduleError("BYMONTHDAY needs FREQ=MONTHLY")
        if self.interval > 1 and self.anchor is None:
            raise ScheduleError("an interval needs dtstart (or valid_from)")
        if not byday and not bymonthday and self.anchor is None:
            raise ScheduleError("a rule without BYDAY or BYMONTHDAY needs dtstart")
        object.__setattr__(self, "_byday", byday)
        object.__setattr__(self, "_bymonthday", bymonthday)

    @property
    def anchor(self) -> dt.date | None:
        return self.dtstart or self.valid_from

    @property
    def first_day(self) -> dt.date | None:
        starts = [d for d in (self.dtstart, self.valid_from) if d is not None]
        return max(starts) if starts else None

    @property
    def last_day(self) -> dt.date | None:
        ends = [d for d in (self.until, self.valid_to) if d is not None]
        return min(ends) if ends else None

    def weekdays(self) -> tuple[int, ...]:
        """Weekday indexes (0 = Monday) the rule names; for a rule without BYDAY, the anchor's weekday."""
        if self._byday:
            return tuple(sorted({weekday for _, weekday in self._byday}))
        if not self._bymonthday and self.anchor is not None:
            return (self.anchor.weekday(),)
        return ()

    def occurs_on(self, day: dt.date) -> bool:
        first, last = self.first_day, self.last_day
        if first is not None and day < first:
            return False
        if last is not None and day > last:
            return False
        if self.freq == WEEKLY:
            return self._weekly(day)
        return self._monthly(day)

    def _weekly(self, day: dt.date) -> bool:
        if day.weekday() not in self.weekdays():
            return False
        if self.interval == 1:
            return True
        assert self.anchor is not None
        start = WEEKDAYS.index(self.wkst)
        week = day - dt.timedelta(days=(day.weekday() - start) % 7)
        anchor_week = self.anchor - dt.timedelta(days=(self.anchor.weekday() - start) % 7)
        return ((week - anchor_week).days // 7) % self.interval == 0

    def _monthly(self, day: dt.date) -> bool:
        if self.interval > 1:
            assert self.anchor is not None
            months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
            if months % self.interval:
                return False
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        if self._bymonthday:
            wanted = {d if d > 0 else days_in_month + d + 1 for d in self._bymonthday}
            if day.day not in wanted:
                return False
        if self._byday:
            nth = (day.day - 1) // 7 + 1
            nth_from_end = -((days_in_month - day.day) // 7 + 1)
            if not any(
                weekday == day.weekday() and ordinal in (None, nth, nth_from_end)
                for ordinal, weekday in self._byday
            ):
                return False
        if not self._byday and not self._bymonthday:
            assert self.anchor is not None
            return day.day == self.anchor.day
        return True

    def interval_on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The window's instants on that local day, in Europe/Rome (aware; compare them in UTC)."""
        return _instant(day, self.opens_at), _instant(day, self.closes_at)


@dataclass(frozen=True)
class Closure:
    """Whole days (start to end, inclusive) on which windows with the same key (or all, without a key) are shut."""

    start: dt.date
    end: dt.date
    reason: str = ""
    key: Hashable | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ScheduleError("a closure ends before it starts")

    def closes(self, window: Window, day: dt.date) -> bool:
        return self.start <= day <= self.end and (self.key is None or self.key == window.key)


@dataclass(frozen=True)
class Opening:
    """One occurrence of a window: from `start` to `end` (aware, Europe/Rome)."""

    start: dt.datetime
    end: dt.datetime
    window: Window

    @property
    def key(self) -> Hashable | None:
        return self.window.key


def _instant(day: dt.date, time: dt.time) -> dt.datetime:
    # Through UTC and back, so a wall time in the spring gap comes out as the real instant (02:30 → 03:30 CEST).
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=ROME).astimezone(UTC).astimezone(ROME)


def _require_aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ScheduleError("a timezone-aware datetime is needed")
    return at.astimezone(UTC)


def _is_closed(window: Window, day: dt.date, closures: Sequence[Closure]) -> bool:
    return any(closure.closes(window, day) for closure in closures)


def openings_on(day: dt.date, windows: Iterable[Window], closures: Iterable[Closure] = ()) -> list[Opening]:
    """The occurrences of the windows on one local day, closures removed, in order of opening."""
    closures = list(closures)
    found = []
    for window in windows:
        if window.occurs_on(day) and not _is_closed(window, day, closures):
            start, end = window.interval_on(day)
            found.append(Opening(start=start, end=end, window=window))
    found.sort(key=lambda o: (o.start.astimezone(UTC), o.end.astimezone(UTC)))
    return found


def open_windows(windows: Iterable[Window], closures: Iterable[Closure], at: dt.datetime) -> list[Opening]:
    """The occurrences open at `at` (start inclusive, end exclusive)."""
    moment = _require_aware(at)
    day = moment.astimezone(ROME).date()
    return [
        opening
        for opening in openings_on(day, windows, closures)
        if opening.start.astimezone(UTC) <= moment < opening.end.astimezone(UTC)
    ]


def is_open(windows: Iterable[Window], closures: Iterable[Closure], at: dt.datetime) -> bool:
    return bool(open_windows(windows, closures, at))


def iter_openings(
    windows: Iterable[Window],
    closures: Iterable[Closure],
    after: dt.datetime,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> Iterator[Opening]:
    """Occurrences starting at or after `after`, in order, up to `horizon_days` local days ahead."""
    moment = _require_aware(after)
    windows, closures = list(windows), list(closures)
    day = moment.astimezone(ROME).date()
    last_days = [w.last_day for w in windows]
    end_of_rules = None if not windows or any(d is None for d in last_days) else max(last_days)  # type: ignore[type-var]
    for offset in range(horizon_days + 1):
        current = day + dt.timedelta(days=offset)
        if end_of_rules is not None and current > end_of_rules:
            return
        for opening in openings_on(current, windows, closures):
            if opening.start.astimezone(UTC) >= moment:
                yield opening


def next_openings(
    windows: Iterable[Window],
    closures: Iterable[Closure],
    after: dt.datetime,
    limit: int,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[Opening]:
    found: list[Opening] = []
    if limit <= 0:
        return found
    for opening in iter_openings(windows, closures, after, horizon_days=horizon_days):
        found.append(opening)
        if len(found) >= limit:
            break
    return found


def next_opening(
    windows: Iterable[Window],
    closures: Iterable[Closure],
    after: dt.datetime,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> dt.datetime | None:
    """When the next window opens (at or after `after`), in Europe/Rome; None if none within the horizon."""
    openings = next_openings(windows, closures, after, 1, horizon_days=horizon_days)
    return openings[0].start if openings else None


def first_overlap(
    a: Window, b: Window, *, start: dt.date, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> dt.date | None:
    """The first local day from `start` on which both windows occur with overlapping hours, or None.

    Used to refuse a schedule whose windows overlap on the same day at the same place."""
    if not (a.opens_at < b.closes_at and b.opens_at < a.closes_at):
        return None
    firsts = [d for d in (a.first_day, b.first_day, start) if d is not None]
    day = max(firsts)
    for offset in range(min(horizon_days, (dt.date.max - day).days) + 1):  # never past the calendar's end
        current = day + dt.timedelta(days=offset)
        if a.occurs_on(current) and b.occurs_on(current):
            return current
    return None
