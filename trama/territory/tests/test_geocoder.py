from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trama.core.errors import ApplicationError
from trama.territory import data
from trama.territory.geocoder import GeocodeError, geocode


def same_place(*texts: str) -> set[tuple[int, str]]:
    return {(r.street_code, r.house_number) for r in map(geocode, texts)}


def error_of(text: str) -> GeocodeError:
    with pytest.raises(GeocodeError) as raised:
        geocode(text)
    return raised.value


def test_it_returns_the_house_number_with_its_areas() -> None:
    result = geocode("Viale Monza 12")
    assert result.address == "Viale Monza 12, Milano"
    assert (result.street_name, result.house_number) == ("Viale Monza", "12")
    assert (result.municipio, result.municipio_name, result.municipio_code) == (2, "Municipio 2", "MI-M2")
    assert (result.nil_id, result.nil_name, result.nil_code) == (20, "Loreto - Casoretto - NoLo", "MI-NIL-20")
    assert result.latitude == pytest.approx(45.4883, abs=1e-3)
    assert result.longitude == pytest.approx(9.2176, abs=1e-3)
    assert result.in_progress is False
    assert result.as_dict()["street_code"] == result.street_code


@pytest.mark.parametrize(
    "texts",
    [
        ("Viale Monza 12", "v.le monza 12", "V.LE MONZA, 12", "vle Monza 12 Milano", "viale monza n. 12",
         "Viale Monza 12, 20127 Milano (MI)", "Milano, viale Monza 12", "Monza 12, Italia"),
        ("Corso Buenos Aires 23", "c.so Buenos Aires 23", "cso buenos aires, 23", "C. so Buenos Aires 23"),
        ("Piazzale Loreto 1", "p.le Loreto 1", "P.LE LORETO 1", "ple loreto 1"),
        ("Piazza Castello 1", "p.za Castello 1", "p.zza castello 1", "P.ZZA CASTELLO 1", "pza castello 1"),
        ("Largo Cairoli 2/A", "l.go Cairoli 2A", "lgo cairoli 2 a"),
        ("Via Nicolò Bettoni 6", "via nicolo bettoni 6", "Via Nicolo' Bettoni 6", "VIA NICOLÒ BETTONI 6",
         "v. Bettoni Nicolò 6"),
        ("Via Sant'Eufemia 2", "via sant’eufemia 2", "via s. eufemia 2", "via santa eufemia 2", "via santeufemia 2"),
        ("Via Pietro Calderon de la Barca 2", "Calderon de la Barca Pietro 2", "via calderón de la barca 2",
         "CALDERON DE LA BARCA PIETRO, 2"),
        ("Piazza del Duomo 1", "Piazza Duomo 1", "P.za Duomo 1", "piazza del duomo, 1"),
    ],
    ids=["abbreviated-viale", "corso", "piazzale", "piazza", "largo", "accents", "apostrophes", "name-order",
         "articles"],
)
def test_it_tolerates_how_people_write_addresses(texts: tuple[str, ...]) -> None:
    assert len(same_place(*texts)) == 1


def test_it_reads_letters_and_bis() -> None:
    assert same_place("Viale Monza 43/B", "viale monza 43 b", "viale monza 43b", "Viale Monza 43-B") == {
        (2274, "43/B")
    }
    assert geocode("Viale Monza 43/B").address == "Viale Monza 43/B, Milano"
    assert same_place("Via Mozart 16 bis", "via mozart 16bis", "Via Mozart 16/bis") == {
        (geocode("Via Mozart 16 bis").street_code, "16 bis")
    }
    assert same_place("Viale Monza 111/2", "viale monza 111 / 2") == {(2274, "111/2")}


def test_it_knows_given_names_from_surnames_and_initials() -> None:
    assert geocode("Via Manzoni 12").street_name == "Via Alessandro Manzoni"
    assert geocode("Via P. Calvi 31").street_name == "Via Pietro Calvi"
    assert geocode("Via G.Mompiani 5").street_name == "Via Giacinto Mompiani"
    assert geocode("Corso Vittorio Emanuele 1").street_name == "Corso Vittorio Emanuele II"


def test_it_accepts_a_related_street_type_only_when_that_gives_one_address() -> None:
    assert geocode("Piazza Loreto 1").street_name == "Piazzale Loreto"


def test_it_flags_numbers_still_in_progress() -> None:
    rows = [r for r in data.read_csv(data.CIVICI_FILE, delimiter=",", encoding="ascii")
            if r["codice_via"] == "2274" and r["stato"] == "4" and not r["barra2"] and not r["lettera"]
            and not r["barra"]]
    assert rows
    assert geocode(f"Viale Monza {rows[0]['numero']}").in_progress is True


def test_it_refuses_unknown_streets_with_suggestions() -> None:
    error = error_of("Via Caldron de la Barca 2")
    assert isinstance(error, ApplicationError)
    assert error.code == "street_not_found"
    assert "Caldron de la Barca" in error.message
    assert "Via Pietro Calderon de la Barca 2, Milano" in error.suggestions


def test_it_refuses_unknown_numbers_with_the_nearest_ones() -> None:
    error = error_of("Via Pietro Calderon de la Barca 12/A")
    assert error.code == "number_not_found"
    assert "12/A" in error.message
    assert error.suggestions == ["Via Pietro Calderon de la Barca 2, Milano"]
    error = error_of("Viale Monza 9999")
    assert error.code == "number_not_found"
    assert len(error.suggestions) == 5 and all(s.startswith("Viale Monza ") for s in error.suggestions)


def test_it_never_returns_suppressed_numbers() -> None:
    duomo = [r for r in data.read_csv(data.CIVICI_FILE, delimiter=",", encoding="ascii") if r["codice_via"] == "1"]
    suppressed = [r for r in duomo if r["stato"] == "99"]
    active = {(r["numero"], r["lettera"], r["barra"]) for r in duomo if r["stato"] in ("2", "4")}
    gone = [r for r in suppressed if (r["numero"], r["lettera"], r["barra"]) not in active]
    assert gone, "the gazetteer has suppressed numbers on Piazza del Duomo"
    error = error_of(f"Piazza del Duomo {gone[0]['numero']}")
    assert error.code == "suppressed"
    assert "soppresso" in error.message
    assert error.suggestions and all(s.startswith("Piazza del Duomo ") for s in error.suggestions)


def test_it_refuses_ambiguous_and_mistyped_streets() -> None:
    error = error_of("Duomo 1")
    assert error.code == "ambiguous"
    assert set(error.suggestions) == {"Piazza del Duomo 1, Milano", "Passaggio Duomo 1, Milano"}
    error = error_of("Via Duomo 1")
    assert error.code == "type_mismatch"
    assert "Piazza del Duomo 1, Milano" in error.suggestions


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), ("   ", "empty"), ("Viale Monza", "number_missing"), ("12", "street_missing")],
)
def test_it_refuses_incomplete_text(text: str, code: str) -> None:
    assert error_of(text).code == code


def test_it_has_a_geocode_command() -> None:
    out = StringIO()
    call_command("geocode", "v.le monza 12", stdout=out)
    assert json.loads(out.getvalue())["address"] == "Viale Monza 12, Milano"
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("geocode", "Via Caldron de la Barca 2", stdout=out)
    assert raised.value.returncode == 1
    printed = json.loads(out.getvalue())
    assert printed["code"] == "street_not_found"
    assert "Via Pietro Calderon de la Barca 2, Milano" in printed["suggestions"]


def test_it_reads_numbers_in_street_names_as_words_digits_or_roman_numerals() -> None:
    assert len(same_place("Corso XXII Marzo 12", "Corso 22 Marzo 12", "corso ventidue marzo 12")) == 1
    assert geocode("Piazza XXV Aprile 1").street_name == "Piazza Venticinque Aprile"
    assert geocode("p.za 5 Giornate 1").street_name == "Piazza Cinque Giornate"
