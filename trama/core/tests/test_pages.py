"""Page helpers: a route's URL for many keys, a translated line with escaped values."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from trama.core.pages import line, url_for_each


@pytest.mark.parametrize("name", ["referrals:detail", "records:household_detail", "records:access_log"])
def test_the_url_of_each_key_is_the_one_reverse_gives(name: str) -> None:
    url_of = url_for_each(name)
    for pk in (1, 9, 12, 987654321, 2**40):
        assert url_of(pk) == reverse(name, args=[pk])


def test_only_a_route_with_one_integer_key() -> None:
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch for a route without a key
        url_for_each("referrals:home")


def test_a_line_escapes_its_values_not_its_translation() -> None:
    shown = line("n. %(number)s — <b>%(service)s</b>", number=12, service="Doposcuola <Beta> & co")
    assert shown == "n. 12 — <b>Doposcuola &lt;Beta&gt; &amp; co</b>"
    with translation.override("en"):
        assert line(translation.gettext("n. %(number)s — %(service)s"), number=3, service="X") == "No. 3 — X"
