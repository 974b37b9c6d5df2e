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
