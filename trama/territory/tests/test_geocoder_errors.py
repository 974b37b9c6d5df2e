"""What the geocoder says when the text is not one address: a clear Italian GeocodeError for every input, never
another exception, never a slow answer."""

from __future__ import annotations

import json
import random
import string
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trama.territory.geocoder import MAX_LENGTH, GeocodeError, geocode, warm_up

SAPONARO = "Via Michele Saponaro"  # numbers 1 … 52 in the shipped gazetteer


@pytest.fixture(scope="module", autouse=True)
def _index() -> None:
    warm_up()  # build the index outside the timed calls


def error_of(text: str) -> GeocodeError:
    with pytest.raises(GeocodeError) as raised:
        geocode(text)
    return raised.value


# A guard against a hang (catastrophic backtracking takes minutes), not a speed figure: the geocoder's speed is
# measured by bench/bench_geocoder.py. 0.5 s here failed a CI run on a loaded machine.
HANG = 10.0


def timed_error(text: str, limit: float = HANG) -> GeocodeError:
    start = time.perf_counter()
    error = error_of(text)
    assert time.perf_counter() - start < limit, text[:80]
    return error


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("", "empty", "Scrivi un indirizzo"),
        ("   ", "empty", "Scrivi un indirizzo"),
        ("\x00\u200b", "empty", "Scrivi un indirizzo"),
        ("x" * 5000, "too_long", "troppo lungo"),
        ("Via", "street_missing", "Manca il nome della strada"),
        ("p.zza", "street_missing", "Manca il nome della strada"),
        ("Via 16", "street_missing", "Manca il nome della strada"),
        ("16", "street_missing", "Manca il nome della strada"),
        ("12345", "street_missing", "Manca il nome della strada"),
        ("20121 Milano (MI)", "street_missing", "Manca il nome della strada"),
        ("Milano", "street_missing", "Manca il nome della strada"),
        ("Via Saponaro", "number_missing", "Manca il numero civico"),
        ("Via Saponaro 0", "number_not_found", "Il civico 0 non esiste in Via Michele Saponaro"),
        ("Via Saponaro 99999", "number_not_found", "Il civico 99999 non esiste in Via Michele Saponaro"),
        ("Via Saponaro -3", "number_invalid", "«-3» non è un numero civico"),
        ("Via Saponaro 1.5", "number_invalid", "«1.5» non è un numero civico"),
        ("Via Sapnaro", "street_not_found", "Strada non trovata"),
    ],
)
def test_it_explains_every_kind_of_wrong_input(text: str, code: str, fragment: str) -> None:
    error = timed_error(text)
    assert (error.code, error.field) == (code, "address")
    assert fragment in error.message
    assert len(error.message) < 300


def test_it_says_a_number_the_street_lacks_does_not_exist_and_offers_the_nearest() -> None:
    for text in ("Via Saponaro 99999", "via saponaro n. 99999", "Via Saponaro 10000", "Via Saponaro 12345/a"):
        error = timed_error(text)
        assert error.code == "number_not_found", text
        assert "Manca" not in error.message
        assert "(i civici vanno da 1 a 52)" in error.message
        assert error.suggestions[:2] == [f"{SAPONARO} 52, Milano", f"{SAPONARO} 52/A, Milano"]
    assert error_of("Via Saponaro 0").suggestions[0] == f"{SAPONARO} 1, Milano"
    assert error_of("Via Saponaro 12/99999").code == "number_not_found"
    assert geocode("Via Saponaro 00012").address == f"{SAPONARO} 12, Milano"  # leading zeros are still 12


def test_it_says_a_number_alone_lacks_the_street() -> None:
    for text in ("12345", "99999", "n. 12", "20121", "Milano, 20121"):
        assert timed_error(text).code == "street_missing", text


def test_it_refuses_negative_and_unreadable_numbers_with_the_nearest_real_ones() -> None:
    error = timed_error("Via Saponaro -3")
    assert error.code == "number_invalid"
    assert "da 1 in su" in error.message
    assert f"{SAPONARO} 3, Milano" in error.suggestions
    error = timed_error("Via Saponaro " + "1234567890" * 3)
    assert error.code == "number_invalid"
    assert "…»" in error.message  # the long number is shortened in the message
    # A trailing "number" that belongs to the street's name is not called invalid.
    error = timed_error("Via Papa Gregorio 14.")
    assert error.code == "number_missing"
    assert error.suggestions == ["Via Papa Gregorio XIV"]


def test_it_asks_for_the_number_after_the_street() -> None:
    error = timed_error("16 Via Saponaro")
    assert error.code == "number_missing"
    assert f"«{SAPONARO} 16»" in error.message


def test_it_suggests_streets_when_neither_street_nor_number_is_found() -> None:
    error = timed_error("Via Sapnaro")
    assert error.code == "street_not_found"
    assert "manca anche il numero civico" in error.message
    assert SAPONARO in error.suggestions


def test_it_limits_the_length_but_not_the_spacing() -> None:
    assert timed_error("Via Saponaro 4, " + "Milano " * 60).code == "too_long"
    assert geocode("  Via   Saponaro " + " " * 5000 + "4  ").address == f"{SAPONARO} 4, Milano"
    assert geocode("Via Sapo\u200bnaro 4".replace("\u200b", "") + "\x00").address == f"{SAPONARO} 4, Milano"
    longest = "1 " * (MAX_LENGTH // 2 - 1)
    assert timed_error(longest).code in {"street_not_found", "number_invalid", "street_missing"}


def test_it_repeats_only_a_short_piece_of_the_text() -> None:
    error = timed_error("Via " + "Inesistente " * 20 + "4")
    assert error.code == "street_not_found"
    assert len(error.message) < 150 and "…" in error.message


def test_it_raises_only_geocode_errors_and_answers_fast_whatever_the_text() -> None:
    rng = random.Random(20240601)
    alphabet = string.printable + "àèéìòù’°–−\u200b\x00\u202e"
    words = ["via", "v.", "p.zza", "n.", "bis", "/", "-", "°", "12", "0", "-7", "milano", "20121", "(mi)", "monza",
             "saponaro", "duomo", "xxii", ",", "."]
    texts = [
        *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, MAX_LENGTH))) for _ in range(30)),
        *(" ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))[:MAX_LENGTH] for _ in range(40)),
        *("".join(rng.choice("0123456789 /-.,") for _ in range(rng.randint(1, MAX_LENGTH))) for _ in range(30)),
    ]
    # The fuzzy suggestions (the slow part) for a sample of each kind; the same paths without them for all.
    for i, text in enumerate(texts):
        start = time.perf_counter()
        try:
            geocode(text, suggest=i % 10 < 1)
        except GeocodeError as error:
            assert error.message and error.code
        assert time.perf_counter() - start < HANG, text[:80]


def test_it_reports_the_new_errors_from_the_command() -> None:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("geocode", "Via Saponaro 99999", stdout=out)
    assert raised.value.returncode == 1
    printed = json.loads(out.getvalue())
    assert printed["code"] == "number_not_found"
    assert printed["suggestions"][0] == f"{SAPONARO} 52, Milano"
