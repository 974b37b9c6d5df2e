from __future__ import annotations

import datetime as dt

import pytest

from trama.lib.schedules import (
    MONTHLY,
    ROME,
    UTC,
    Closure,
    ScheduleError,
    Window,
    first_overlap,
    is_open,
    next_opening,
    next_openings,
    open_windows,
)

T = dt.time


def rome(y: int, m: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=ROME, fold=fold)


def utc(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=UTC)


TUESDAY_MORNING = Window(opens_at=T(10), closes_at=T(13), byday="TU")


def test_it_answers_open_now_for_a_weekly_window() -> None:
    # 2025-06-03 is a Tuesday.
    assert is_open([TUESDAY_MORNING], [], rome(2025, 6, 3, 10, 0))
    assert is_open([TUESDAY_MORNING], [], rome(2025, 6, 3, 12, 59))
    assert not is_open([TUESDAY_MORNING], [], rome(2025, 6, 3, 13, 0))  # the end is exclusive
    assert not is_open([TUESDAY_MORNING], [], rome(2025, 6, 3, 9, 59))
    assert not is_open([TUESDAY_MORNING], [], rome(2025, 6, 4, 11, 0))


def test_it_accepts_any_timezone_for_the_instant_and_refuses_naive_ones() -> None:
    assert is_open([TUESDAY_MORNING], [], utc(2025, 6, 3, 8, 30))  # 10:30 CEST
    assert not is_open([TUESDAY_MORNING], [], utc(2025, 6, 3, 7, 30))  # 09:30 CEST
    with pytest.raises(ScheduleError):
        is_open([TUESDAY_MORNING], [], dt.datetime(2025, 6, 3, 10, 30))


def test_it_handles_several_windows_a_day() -> None:
    windows = [
        Window(opens_at=T(9), closes_at=T(12), byday="MO,WE"),
        Window(opens_at=T(14), closes_at=T(17), byday="MO,WE"),
    ]
    monday = dt.date(2025, 6, 2)
    assert is_open(windows, [], rome(2025, 6, 2, 9, 30))
    assert not is_open(windows, [], rome(2025, 6, 2, 13, 0))
    assert is_open(windows, [], rome(2025, 6, 2, 16, 0))
    assert next_opening(windows, [], rome(2025, 6, 2, 12, 30)) == rome(2025, 6, 2, 14, 0)
    assert [o.start.date() for o in next_openings(windows, [], rome(2025, 6, 2, 0, 0), 4)] == [
        monday, monday, monday + dt.timedelta(days=2), monday + dt.timedelta(days=2)
    ]


def test_it_finds_the_next_opening_across_a_week() -> None:
    # Wednesday after closing → next Tuesday 10:00.
    assert next_opening([TUESDAY_MORNING], [], rome(2025, 6, 4, 15, 0)) == rome(2025, 6, 10, 10, 0)
    # A window already open is not "next": the next one starts next week.
    assert next_opening([TUESDAY_MORNING], [], rome(2025, 6, 3, 10, 30)) == rome(2025, 6, 10, 10, 0)
    assert next_opening([TUESDAY_MORNING], [], rome(2025, 6, 3, 10, 0)) == rome(2025, 6, 3, 10, 0)


def test_it_supports_the_first_monday_of_the_month() -> None:
    window = Window(opens_at=T(9), closes_at=T(12), freq=MONTHLY, byday="1MO")
    # June 2025 starts on a Sunday: the first Monday is the 2nd; July's is the 7th.
    assert is_open([window], [], rome(2025, 6, 2, 10))
    assert not is_open([window], [], rome(2025, 6, 9, 10))
    assert next_opening([window], [], rome(2025, 6, 2, 13)) == rome(2025, 7, 7, 9)


def test_it_supports_the_last_friday_and_month_days() -> None:
    last_friday = Window(opens_at=T(15), closes_at=T(18), freq=MONTHLY, byday="-1FR")
    assert is_open([last_friday], [], rome(2025, 6, 27, 16))
    assert not is_open([last_friday], [], rome(2025, 6, 20, 16))
    month_days = Window(opens_at=T(9), closes_at=T(11), freq=MONTHLY, bymonthday="1,15,-1")
    assert is_open([month_days], [], rome(2025, 6, 15, 10))
    assert is_open([month_days], [], rome(2025, 6, 30, 10))  # -1 = the last day of June
    assert is_open([month_days], [], rome(2025, 2, 28, 10))
    assert not is_open([month_days], [], rome(2025, 6, 29, 10))


def test_it_supports_intervals_counted_from_dtstart() -> None:
    every_other_wednesday = Window(opens_at=T(14), closes_at=T(17), byday="WE", interval=2,
                                   dtstart=dt.date(2025, 6, 4))
    assert is_open([every_other_wednesday], [], rome(2025, 6, 4, 15))
    assert not is_open([every_other_wednesday], [], rome(2025, 6, 11, 15))
    assert is_open([every_other_wednesday], [], rome(2025, 6, 18, 15))
    assert not is_open([every_other_wednesday], [], rome(2025, 5, 21, 15))  # before dtstart
    quarterly = Window(opens_at=T(9), closes_at=T(12), freq=MONTHLY, bymonthday="10", interval=3,
                       dtstart=dt.date(2025, 1, 10))
    assert [o.start.date() for o in next_openings([quarterly], [], rome(2025, 1, 1), 3)] == [
        dt.date(2025, 1, 10), dt.date(2025, 4, 10), dt.date(2025, 7, 10)
    ]


def test_it_respects_valid_from_valid_to_and_until() -> None:
    summer = Window(opens_at=T(9), closes_at=T(12), byday="MO", valid_from=dt.date(2025, 6, 1),
                    valid_to=dt.date(2025, 6, 30))
    assert not is_open([summer], [], rome(2025, 5, 26, 10))
    assert is_open([summer], [], rome(2025, 6, 30, 10))  # valid_to is inclusive
    assert not is_open([summer], [], rome(2025, 7, 7, 10))
    assert next_opening([summer], [], rome(2025, 7, 1)) is None
    until = Window(opens_at=T(9), closes_at=T(12), byday="MO", until=dt.date(2025, 6, 9))
    assert next_opening([until], [], rome(2025, 6, 10)) is None


def test_it_skips_closures_and_holidays() -> None:
    closures = [Closure(start=dt.date(2025, 8, 4), end=dt.date(2025, 8, 22), reason="Chiusura estiva")]
    window = Window(opens_at=T(10), closes_at=T(13), byday="TU")
    assert not is_open([window], closures, rome(2025, 8, 5, 11))
    assert next_opening([window], closures, rome(2025, 8, 1)) == rome(2025, 8, 26, 10)


def test_it_applies_a_keyed_closure_only_to_windows_with_that_key() -> None:
    a = Window(opens_at=T(10), closes_at=T(13), byday="TU", key="a")
    b = Window(opens_at=T(14), closes_at=T(17), byday="TU", key="b")
    closures = [Closure(start=dt.date(2025, 6, 3), end=dt.date(2025, 6, 3), key="a")]
    assert not is_open([a, b], closures, rome(2025, 6, 3, 11))
    assert is_open([a, b], closures, rome(2025, 6, 3, 15))


# --- Daylight saving: 2025-03-30 (02:00 → 03:00) and 2025-10-26 (03:00 → 02:00) -----------------------


def test_it_says_open_at_nine_local_on_both_sides_of_the_spring_change() -> None:
    window = Window(opens_at=T(9), closes_at=T(12), byday="SA,SU,MO")
    # Saturday before (CET, UTC+1) and Monday after (CEST, UTC+2): 09:00 local is 08:00Z then 07:00Z.
    assert is_open([window], [], utc(2025, 3, 29, 8, 0))
    assert not is_open([window], [], utc(2025, 3, 29, 7, 30))
    assert is_open([window], [], utc(2025, 3, 31, 7, 0))
    assert not is_open([window], [], utc(2025, 3, 31, 6, 30))
    assert next_opening([window], [], utc(2025, 3, 30, 12)) == rome(2025, 3, 31, 9)
    assert next_opening([window], [], utc(2025, 3, 30, 12)).astimezone(UTC) == utc(2025, 3, 31, 7)  # type: ignore[union-attr]


def test_it_says_open_at_nine_local_on_both_sides_of_the_autumn_change() -> None:
    window = Window(opens_at=T(9), closes_at=T(12), byday="SA,MO")
    assert is_open([window], [], utc(2025, 10, 25, 7, 0))  # 09:00 CEST
    assert not is_open([window], [], utc(2025, 10, 25, 6, 30))
    assert is_open([window], [], utc(2025, 10, 27, 8, 0))  # 09:00 CET
    assert not is_open([window], [], utc(2025, 10, 27, 7, 30))  # 08:30 CET
    assert next_opening([window], [], rome(2025, 10, 25, 13)).astimezone(UTC) == utc(2025, 10, 27, 8)  # type: ignore[union-attr]


def test_it_handles_a_window_across_the_spring_gap() -> None:
    # 01:30-03:30 on the night of 30 March 2025 lasts one real hour: 00:30Z-01:30Z.
    window = Window(opens_at=T(1, 30), closes_at=T(3, 30), byday="SU")
    assert not is_open([window], [], utc(2025, 3, 30, 0, 15))
    assert is_open([window], [], utc(2025, 3, 30, 0, 45))  # 01:45 CET
    assert is_open([window], [], utc(2025, 3, 30, 1, 15))  # 03:15 CEST
    assert not is_open([window], [], utc(2025, 3, 30, 1, 30))  # 03:30 CEST
    (opening,) = open_windows([window], [], utc(2025, 3, 30, 1, 0))
    assert opening.end.astimezone(UTC) - opening.start.astimezone(UTC) == dt.timedelta(hours=1)


def test_it_handles_a_window_across_the_autumn_repeat() -> None:
    # 01:30-03:30 on the night of 26 October 2025 lasts three real hours: 23:30Z-02:30Z.
    window = Window(opens_at=T(1, 30), closes_at=T(3, 30), byday="SU")
    assert is_open([window], [], rome(2025, 10, 26, 2, 30, fold=0))  # first 02:30 (CEST)
    assert is_open([window], [], rome(2025, 10, 26, 2, 30, fold=1))  # second 02:30 (CET)
    assert is_open([window], [], utc(2025, 10, 26, 2, 15))
    assert not is_open([window], [], utc(2025, 10, 26, 2, 30))
    (opening,) = open_windows([window], [], utc(2025, 10, 26, 1, 0))
    assert opening.end.astimezone(UTC) - opening.start.astimezone(UTC) == dt.timedelta(hours=3)


# --- Itinerant desks -------------------------------------------------------------------------------


def test_it_answers_where_and_when_next_for_an_itinerant_desk() -> None:
    # Municipio 8's QuBì desk: Quarto Oggiaro Tue 10-13, Gallaratese Wed 14-17, Villapizzone Fri 10-13.
    windows = [
        Window(opens_at=T(10), closes_at=T(13), byday="TU", key="Quarto Oggiaro"),
        Window(opens_at=T(14), closes_at=T(17), byday="WE", key="Gallaratese"),
        Window(opens_at=T(10), closes_at=T(13), byday="FR", key="Villapizzone"),
    ]
    # Tuesday 3 June 2025, 11:00: open in Quarto Oggiaro.
    assert [o.key for o in open_windows(windows, [], rome(2025, 6, 3, 11))] == ["Quarto Oggiaro"]
    upcoming = next_openings(windows, [], rome(2025, 6, 3, 13, 30), 4)
    assert [(o.key, o.start) for o in upcoming] == [
        ("Gallaratese", rome(2025, 6, 4, 14)),
        ("Villapizzone", rome(2025, 6, 6, 10)),
        ("Quarto Oggiaro", rome(2025, 6, 10, 10)),
        ("Gallaratese", rome(2025, 6, 11, 14)),
    ]
    # Gallaratese closed on 4 June: the desk's next stop is Villapizzone on Friday.
    closure = Closure(start=dt.date(2025, 6, 4), end=dt.date(2025, 6, 4), key="Gallaratese")
    assert next_openings(windows, [closure], rome(2025, 6, 3, 13, 30), 1)[0].key == "Villapizzone"


# --- Validation and overlaps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"opens_at": T(13), "closes_at": T(10), "byday": "TU"},
        {"opens_at": T(10), "closes_at": T(13), "byday": "XX"},
        {"opens_at": T(10), "closes_at": T(13), "byday": "1TU"},  # ordinals need MONTHLY
        {"opens_at": T(10), "closes_at": T(13), "byday": "TU", "interval": 2},  # interval without dtstart
        {"opens_at": T(10), "closes_at": T(13)},  # nothing says which day
        {"opens_at": T(10), "closes_at": T(13), "freq": "DAILY", "byday": "TU"},
        {"opens_at": T(10), "closes_at": T(13), "freq": MONTHLY, "bymonthday": "32"},
    ],
)
def test_it_refuses_invalid_windows(kwargs: dict[str, object]) -> None:
    with pytest.raises(ScheduleError):
        Window(**kwargs)  # type: ignore[arg-type]


def test_it_uses_dtstart_when_no_day_is_named() -> None:
    window = Window(opens_at=T(10), closes_at=T(12), dtstart=dt.date(2025, 6, 3))  # a Tuesday
    assert window.weekdays() == (1,)
    assert is_open([window], [], rome(2025, 6, 10, 11))


def test_it_finds_the_first_day_two_windows_overlap() -> None:
    a = Window(opens_at=T(10), closes_at=T(13), byday="TU,TH")
    b = Window(opens_at=T(12), closes_at=T(14), byday="TH")
    c = Window(opens_at=T(13), closes_at=T(15), byday="TU")  # touching, not overlapping
    monthly = Window(opens_at=T(11), closes_at=T(12), freq=MONTHLY, byday="1TH")
    start = dt.date(2025, 6, 2)
    assert first_overlap(a, b, start=start) == dt.date(2025, 6, 5)
    assert first_overlap(a, c, start=start) is None
    assert first_overlap(b, c, start=start) is None
    assert first_overlap(a, monthly, start=start) == dt.date(2025, 6, 5)
