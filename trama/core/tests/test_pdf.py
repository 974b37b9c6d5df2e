"""PDF documents: every portal script prints with embedded Noto fonts, fonts load only when needed, clear errors.

Text drawn with subset TrueType fonts is stored as glyph ids, so the tests read what the PDF declares (embedded font
names, /ToUnicode maps that make the text extractable, /Lang, metadata, page objects) rather than the text itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.test import override_settings

from trama.core.pdf import (
    ARABIC_FAMILY,
    CJK_FAMILY,
    FONT_FILES,
    LATIN_FAMILY,
    PdfFontsMissing,
    TramaPDF,
    fallback_families_for,
    fonts_dir,
)

ITALIAN = "Perché così? Città, caffè, più: l’unità è già qui — 5 €, Łódź."
UKRAINIAN = "Привіт! Де знаходиться найближчий центр для родин?"
ARABIC = "هل تبحث عن معلومات حول الخدمات والأنشطة لأطفالك؟"
CHINESE = "你在寻找关于孩子的服务和活动的信息吗？"


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the embedded font subsets (fpdf2 writes them as /BaseFont /ABCDEF+Name)."""
    return {name.decode() for name in re.findall(rb"/BaseFont /[A-Z]{6}\+([A-Za-z0-9-]+)", pdf)}


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def info_string(pdf: bytes, key: str) -> str:
    """A document-information string, literal `(...)` or UTF-16 hex `<feff...>`."""
    match = re.search(rb"/" + key.encode() + rb" (?:\(([^)]*)\)|<feff([0-9a-fA-F]*)>)", pdf)
    assert match, f"/{key} missing"
    literal, utf16 = match.groups()
    return literal.decode() if literal is not None else bytes.fromhex(utf16.decode()).decode("utf-16-be")


def build(language: str, *texts: str) -> TramaPDF:
    doc = TramaPDF(title="Consenso informato – prova", language=language, subject="Prova")
    doc.add_page()
    doc.title_block(texts[0] if texts else "Titolo")
    doc.heading("Dati")
    for text in texts:
        doc.paragraph(text)
    doc.key_value("Nome", texts[-1] if texts else "Mario Rossi")
    return doc


def test_it_prints_italian_cyrillic_arabic_and_chinese_in_one_document() -> None:
    doc = build("it", ITALIAN, UKRAINIAN, ARABIC, CHINESE)
    pdf = doc.to_bytes()

    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000
    assert {"NotoSans", "NotoSansBold", "NotoSansArabic", "NotoSansSC"} <= embedded_fonts(pdf)
    # Every embedded subset maps its glyphs back to Unicode, so the text can be searched and copied.
    assert pdf.count(b"/ToUnicode") == len(embedded_fonts(pdf))
    assert info_string(pdf, "Lang") == "it"
    assert info_string(pdf, "Creator") == "Trama"
    assert info_string(pdf, "Title") == "Consenso informato – prova"
    assert page_count(pdf) == 1


def test_it_loads_neither_the_arabic_nor_the_chinese_font_for_latin_and_cyrillic_text() -> None:
    doc = build("uk", ITALIAN, UKRAINIAN)
    pdf = doc.to_bytes()

    assert doc.has_font(LATIN_FAMILY)
    assert not doc.has_font(CJK_FAMILY)
    assert not doc.has_font(ARABIC_FAMILY)
    assert embedded_fonts(pdf) == {"NotoSans", "NotoSansBold"}
    assert info_string(pdf, "Lang") == "uk"


def test_it_loads_the_chinese_font_up_front_for_a_chinese_document() -> None:
    doc = TramaPDF(title="文件", language="zh-hans")

    assert doc.has_font(CJK_FAMILY)
    doc.add_page()
    doc.paragraph(CHINESE)
    assert info_string(doc.to_bytes(), "Lang") == "zh-Hans"


def test_it_lays_out_an_arabic_document_right_to_left() -> None:
    arabic = build("ar", ARABIC, "الهاتف: 351 681 8198")
    italian = TramaPDF(title="Prova", language="it")

    assert arabic.is_rtl and arabic.start_align == "R"
    assert not italian.is_rtl and italian.start_align == "L"
    pdf = arabic.to_bytes()
    assert "NotoSansArabic" in embedded_fonts(pdf)
    assert info_string(pdf, "Lang") == "ar"


def test_it_continues_long_documents_on_new_pages() -> None:
    doc = TramaPDF(title="Esportazione", language="it")
    doc.add_page()
    for number in range(30):
        doc.key_value(f"Voce {number}", "Un valore abbastanza lungo da andare a capo " * 4)

    assert page_count(doc.to_bytes()) > 1


def test_it_detects_the_scripts_that_need_a_fallback_font() -> None:
    assert fallback_families_for(ITALIAN + UKRAINIAN) == []
    assert fallback_families_for(ARABIC) == [ARABIC_FAMILY]
    assert fallback_families_for(f"{CHINESE} {ARABIC}") == [ARABIC_FAMILY, CJK_FAMILY]


def test_it_explains_how_to_get_the_fonts_when_they_are_missing(tmp_path: Path) -> None:
    with override_settings(TRAMA_PDF_FONTS_DIR=str(tmp_path / "nowhere")):
        assert fonts_dir() == tmp_path / "nowhere"
        with pytest.raises(PdfFontsMissing, match="make assets"):
            TramaPDF(title="Prova", language="it")


def test_it_fails_clearly_when_only_the_chinese_font_is_missing(tmp_path: Path) -> None:
    for family in (LATIN_FAMILY, ARABIC_FAMILY):
        for name in FONT_FILES[family]:
            shutil.copy(fonts_dir() / name, tmp_path / name)

    with override_settings(TRAMA_PDF_FONTS_DIR=str(tmp_path)):
        doc = build("it", ITALIAN, ARABIC)
        assert doc.to_bytes().startswith(b"%PDF")
        with pytest.raises(PdfFontsMissing, match="NotoSansSC_400Regular.ttf"):
            doc.paragraph(CHINESE)
