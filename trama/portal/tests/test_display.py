"""Presentation helpers of the portal."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from trama.portal.display import hours


def test_hours_keep_their_order_inside_right_to_left_text() -> None:
    with translation.override("it"):
        assert hours(dt.time(10), dt.time(13)) == "10:00–13:00"
    with translation.override("ar"):
        # Isolated left to right, or an Arabic sentence would show "13:00–10:00".
        assert hours(dt.time(10), dt.time(13)) == "\u206610:00–13:00\u2069"


def test_a_window_in_words_names_its_day_and_its_real_period() -> None:
    from trama.directory.models import Schedule
    from trama.portal.display import describe

    def window(**fields: object) -> Schedule:
        return Schedule(opens_at=dt.time(9), closes_at=dt.time(11), **fields)

    with translation.override("it"):
        # Weekly without BYDAY: the weekday of its first day (7 January 2026 is a Wednesday).
        assert describe(window(dtstart=dt.date(2026, 1, 7))).startswith("Mercoledì")
        # Monthly without BYDAY nor BYMONTHDAY: the day of the month of its first day.
        assert describe(window(freq="MONTHLY", dtstart=dt.date(2026, 1, 7))).startswith("giorno 7 del mese")
        assert describe(window(freq="MONTHLY", bymonthday="-1")).startswith("ultimo giorno del mese")
        assert describe(window(freq="MONTHLY", bymonthday="1,-2")).startswith(
            "giorno 1 del mese; 2º giorno dalla fine del mese")
        assert describe(window(freq="MONTHLY", byday="-2MO")).startswith("2º Lunedì dalla fine del mese")
        # The period is where both limits agree: valid 2026, repeating June to July only.
        text = describe(window(byday="MO,TU", interval=2, valid_from=dt.date(2026, 1, 1),
                               valid_to=dt.date(2026, 12, 31), dtstart=dt.date(2026, 6, 1),
                               until=dt.date(2026, 7, 31)))
        assert text.endswith("(dal 01/06/2026 al 31/07/2026)"), text
