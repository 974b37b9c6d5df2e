"""The printable flyer of a Municipio's access points (render_flyer), modelled on the Municipio 8 QuBì flyer.

What is printed is read by recording the texts the flyer hands to the PDF layer: in the PDF itself text drawn with
subset fonts is stored as glyph ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from trama.core.pdf import ARABIC_FAMILY, CJK_FAMILY, TramaPDF
from trama.portal.flyer import FlyerPoint, build_flyer, render_flyer


def point(number: int, *, name: str = "Spazio QuBì", note: str = "Gratuito, su appuntamento") -> FlyerPoint:
    return FlyerPoint(
        name=name,
        organisation="Cooperativa Sociale Comunità del Giambellino",
        place=f"Zona {number}, Via Pascarella {number}",
        when=["Martedì 10:00–13:00"],
        phones=[f"351 681 {8100 + number}"],
        note=note,
    )


QUBI_8 = [
    FlyerPoint(name="Spazio QuBì", organisation="Comunità Progetto", place="Zona Quarto Oggiaro",
               when=["Martedì 10:00–13:00"], phones=["351 681 8198"], note="Su appuntamento"),
    FlyerPoint(name="Spazio QuBì", organisation="Comunità Progetto", place="Zona Gallaratese",
               when=["Mercoledì 14:00–17:00"], phones=["345 155 2523"]),
    FlyerPoint(name="Spazio QuBì", organisation="Comunità Progetto", place="Zona Villapizzone",
               when=["Venerdì 10:00–13:00"], phones=["333 268 3456"]),
]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every block of text the flyer writes, in order."""
    texts: list[str] = []
    write_block = TramaPDF.write_block

    def recording(self: TramaPDF, text: str, **kwargs: object) -> None:
        texts.append(text)
        write_block(self, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TramaPDF, "write_block", recording)
    yield texts


def test_it_prints_the_municipio_8_access_points_on_one_page(printed: list[str]) -> None:
    pdf = render_flyer(municipio_name="Municipio 8", points=QUBI_8, language="it")

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 1
    assert "Cerchi informazioni su servizi e attività per i tuoi figli?" in printed
    for text in ("Zona Quarto Oggiaro", "Martedì 10:00–13:00", "351 681 8198", "Su appuntamento",
                 "Zona Villapizzone", "333 268 3456"):
        assert text in printed
    # The network line comes from the data, not from a hard-coded Municipio.
    assert any("Municipio 8" in text for text in printed[-2:])
    assert b"/Lang (it)" in pdf


def test_it_prints_a_cards_closures_between_its_hours_and_its_phone(printed: list[str]) -> None:
    closed = FlyerPoint(name="Spazio QuBì", organisation="Comunità Progetto", place="Zona Quarto Oggiaro",
                        when=["Martedì 10:00–13:00"], phones=["351 681 8198"],
                        closures=["Chiuso dal 24/12/2026 al 06/01/2027 (Festività)"])
    pdf = render_flyer(municipio_name="Municipio 8", points=[closed, *QUBI_8[1:]], language="it")

    assert page_count(pdf) == 1
    where = printed.index("Chiuso dal 24/12/2026 al 06/01/2027 (Festività)")
    assert printed.index("Martedì 10:00–13:00") < where < printed.index("351 681 8198")


def test_it_keeps_eight_points_on_one_page() -> None:
    pdf = render_flyer(municipio_name="Municipio 3", points=[point(n) for n in range(8)], language="it")

    assert page_count(pdf) == 1


def test_it_continues_on_more_pages_for_thirty_points(printed: list[str]) -> None:
    points = [point(n) for n in range(30)]
    pdf = render_flyer(municipio_name="Municipio 3", points=points, language="it")

    assert 2 <= page_count(pdf) <= 6
    # No point is lost when the flyer breaks across pages.
    assert all(f"351 681 {8100 + n}" in printed for n in range(30))


def test_it_says_so_when_the_municipio_has_no_access_points(printed: list[str]) -> None:
    pdf = render_flyer(municipio_name="Municipio 5", points=[], language="it")

    assert page_count(pdf) == 1
    assert "Nessun punto di accesso registrato" in printed
    assert "Dove trovarci" not in printed


def test_it_mirrors_the_arabic_flyer_right_to_left() -> None:
    points = [*QUBI_8, point(9, note="مجاني، بموعد مسبق")]
    doc = build_flyer(municipio_name="Municipio 8", points=points, language="ar")
    pdf = doc.to_bytes()

    assert doc.is_rtl and doc.start_align == "R"
    assert doc.has_font(ARABIC_FAMILY)
    assert b"/Lang (ar)" in pdf
    assert page_count(pdf) == 1


def test_it_prints_names_outside_latin_1_without_the_chinese_font() -> None:
    points = [point(1, name="L’Approdo – sportello € 0, Łódź"), point(2, name="Ђурђевак Șțefan")]
    doc = build_flyer(municipio_name="Municipio 1", points=points, language="it")

    assert doc.to_bytes().startswith(b"%PDF-")
    assert not doc.has_font(CJK_FAMILY)


def test_a_flyers_digest_follows_the_day_it_prints_and_its_content() -> None:
    import datetime as dt

    from trama.portal.flyer import flyer_digest

    def digest(day: dt.date, points: list[FlyerPoint] = QUBI_8, language: str = "it") -> str:
        return flyer_digest(municipio_name="Municipio 8", points=points, language=language, today=day)

    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    assert digest(monday) == digest(monday)
    assert digest(monday) != digest(tuesday)  # the footer prints the day
    assert digest(monday) != digest(monday, language="en")
    assert digest(monday) != digest(monday, points=QUBI_8[:2])
