"""Printable PDF documents in every language Trama speaks (fpdf2 + HarfBuzz text shaping).

Every PDF (access-point flyers, consent forms, GDPR exports) is built with `TramaPDF`, which embeds subsets of the
Noto Sans fonts copied by `make assets`: Noto Sans for Latin, Greek and Cyrillic, with Noto Sans Arabic and Noto Sans
SC (Chinese) as fallbacks. Parsing a font costs time (the 10 MB Chinese one most of a second), so a script's font is
registered only when the document is in that language or some text actually contains that script.

    doc = TramaPDF(title="Consenso", language="ar")
    doc.title_block("...")
    doc.key_value("Nome", "...")
    pdf_bytes = doc.to_bytes()
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue

# fpdf2 keys fonts by lower-case family name (+ "B" for bold); fallback lookup relies on that convention.
LATIN_FAMILY = "notosans"
ARABIC_FAMILY = "notosansarabic"
CJK_FAMILY = "notosanssc"

FONT_FILES: dict[str, tuple[str, str]] = {
    LATIN_FAMILY: ("NotoSans_400Regular.ttf", "NotoSans_700Bold.ttf"),
    ARABIC_FAMILY: ("NotoSansArabic_400Regular.ttf", "NotoSansArabic_700Bold.ttf"),
    CJK_FAMILY: ("NotoSansSC_400Regular.ttf", "NotoSansSC_700Bold.ttf"),
}

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

# Unicode blocks Noto Sans SC is needed for: CJK radicals, punctuation, kana, unified ideographs (with extension A
# and the supplementary planes), compatibility ideographs and half/full-width forms.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)

_ARABIC_RANGES: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

# Fallback fonts in the order fpdf2 tries them, with the languages and the code points that need them.
SCRIPT_FONTS: tuple[tuple[str, frozenset[str], tuple[tuple[int, int], ...]], ...] = (
    (ARABIC_FAMILY, frozenset({"ar", "fa", "ur"}), _ARABIC_RANGES),
    (CJK_FAMILY, frozenset({"zh", "ja"}), _CJK_RANGES),
)

INK = (33, 37, 41)
MUTED = (92, 102, 112)

AlignName = Literal["L", "R", "C", "J"]


class PdfFontsMissing(ImproperlyConfigured):
    """The Noto fonts are not where TRAMA_PDF_FONTS_DIR says (they are copied from npm by `make assets`)."""


def fonts_dir() -> Path:
    """The folder holding the Noto Sans TTF files (setting TRAMA_PDF_FONTS_DIR)."""
    default = Path(settings.BASE_DIR) / "trama" / "static" / "vendor" / "fonts"
    return Path(getattr(settings, "TRAMA_PDF_FONTS_DIR", default))


def font_paths(family: str) -> tuple[Path, Path]:
    """Regular and bold files of a family, or PdfFontsMissing naming what is missing and how to get it."""
    folder = fonts_dir()
    regular, bold = (folder / name for name in FONT_FILES[family])
    missing = [path.name for path in (regular, bold) if not path.is_file()]
    if missing:
        raise PdfFontsMissing(
            f"PDF fonts not found in {folder} (missing: {', '.join(missing)}). "
            "Run `make assets` to copy the Noto fonts from npm, or set TRAMA_PDF_FONTS_DIR."
        )
    return regular, bold


def _uses_ranges(text: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    # Latin-1 text (most of it) is skipped with one comparison per character.
    return any(any(low <= code <= high for low, high in ranges) for code in map(ord, text) if code >= 0x0600)


def fallback_families_for(text: str) -> list[str]:
    """The fallback font families this text needs (none for Latin, Greek or Cyrillic)."""
    return [family for family, _languages, ranges in SCRIPT_FONTS if _uses_ranges(text, ranges)]


def needs_shaping(text: str) -> bool:
    """True for text HarfBuzz must lay out: scripts from Hebrew on (Arabic joining, bidi) or combining marks.

    Latin, Greek and Cyrillic in composed form print the same without it, at half the cost."""
    return any(code >= 0x0590 or 0x0300 <= code <= 0x036F for code in map(ord, text))


def base_language(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def pdf_language_tag(language: str) -> str:
    """BCP 47 tag for the PDF /Lang entry: Django's "zh-hans" becomes "zh-Hans"."""
    return translation.to_locale(language).replace("_", "-")


class TramaPDF(FPDF):
    """An A4 document with Trama's fonts, metadata, footer and right-to-left layout for Arabic.

    All text drawn goes through `normalize_text`, which registers a script's font the first time it is needed,
    so callers may use fpdf2's own `cell`/`multi_cell` as well as the helpers below."""

    def __init__(
        self,
        *,
        title: str,
        language: str,
        subject: str = "",
        author: str = "",
        footer_note: str | None = None,
        generated_at: datetime | None = None,
        margin: float = 15,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.language = language
        self.is_rtl = base_language(language) in RTL_LANGUAGES
        self.generated_at = timezone.localtime(generated_at or timezone.now())
        self._heights: dict[tuple[float, str, float, bool, float], float] = {}
        self._register_family(LATIN_FAMILY)
        for family, languages, _ranges in SCRIPT_FONTS:
            if base_language(language) in languages:
                self._register_family(family)
        self._update_fallbacks()
        # Each paragraph takes its direction from its first letter (Unicode bidi), not from the document: an
        # Italian street name in an Arabic flyer stays "Via Saponaro 16." rather than ".Via Saponaro 16".
        # Arabic documents are right-aligned and mirrored by the layout helpers instead.
        self.set_text_shaping(True)

        self.set_title(title)
        self.set_lang(pdf_language_tag(language))
        self.set_creator("Trama")
        self.set_producer("Trama")
        if subject:
            self.set_subject(subject)
        if author:
            self.set_author(author)
        self.set_creation_date(self.generated_at)
        self.footer_note = footer_note if footer_note is not None else self.default_footer_note()

        self.set_margins(margin, margin, margin)
        self.set_auto_page_break(True, margin=margin + 8)
        self.set_text_color(*INK)
        self.use_font(size=11)

    # --- fonts ---------------------------------------------------------------------------------------------

    def _register_family(self, family: str) -> None:
        regular, bold = font_paths(family)
        self.add_font(family, "", regular)
        self.add_font(family, "B", bold)

    def _update_fallbacks(self) -> None:
        fallbacks = [family for family, _languages, _ranges in SCRIPT_FONTS if family in self.fonts]
        self.set_fallback_fonts(fallbacks, exact_match=False)

    def has_font(self, family: str) -> bool:
        return family in self.fonts

    def ensure_fonts_for(self, text: str) -> None:
        """Register the fallback fonts this text needs and the document does not have yet."""
        missing = [family for family in fallback_families_for(text) if family not in self.fonts]
        for family in missing:
            self._register_family(family)
        if missing:
            self._update_fallbacks()

    def normalize_text(self, text: str) -> str:
        # Composed characters: an "e" followed by a combining grave accent prints as one "è" glyph.
        text = unicodedata.normalize("NFC", text)
        self.ensure_fonts_for(text)
        return super().normalize_text(text)

    @contextmanager
    def shaping_for(self, text: str) -> Iterator[None]:
        """Shape (and run bidi on) this text only if it needs it; shaping is the slowest step of layout."""
        saved = self.text_shaping
        if saved and not needs_shaping(unicodedata.normalize("NFC", text)):
            self.text_shaping = None
        try:
            yield
        finally:
            self.text_shaping = saved

    def use_font(self, *, size: float, bold: bool = False) -> None:
        self.set_font(LATIN_FAMILY, "B" if bold else "", size)

    # --- layout helpers ------------------------------------------------------------------------------------

    @property
    def start_align(self) -> AlignName:
        """Where lines of text begin: the right edge in Arabic, the left edge otherwise."""
        return "R" if self.is_rtl else "L"

    @property
    def content_width(self) -> float:
        return float(self.epw)

    def text_height(self, width: float, text: str, *, size: float, bold: bool = False, leading: float = 1.3) -> float:
        """Height a `write_block` of this text would take, without drawing it (memoised: layouts measure twice)."""
        key = (width, text, size, bold, leading)
        if key not in self._heights:
            self.use_font(size=size, bold=bold)
            with self.shaping_for(text):
                height = self.multi_cell(  # returns the height alone when asked for MethodReturnValue.HEIGHT
                    width,
                    self.line_height(size, leading),
                    text,
                    dry_run=True,
                    output=MethodReturnValue.HEIGHT,
                )
            self._heights[key] = cast(float, height)
        return self._heights[key]

    @staticmethod
    def line_height(size: float, leading: float = 1.3) -> float:
        return size * leading * 25.4 / 72

    def write_block(
        self,
        text: str,
        *,
        size: float = 11,
        bold: bool = False,
        color: tuple[int, int, int] = INK,
        width: float | None = None,
        x: float | None = None,
        align: AlignName | None = None,
        leading: float = 1.3,
    ) -> None:
        """A wrapped block of text at the current line (or at `x`), leaving the cursor below it."""
        self.use_font(size=size, bold=bold)
        self.set_text_color(*color)
        if x is not None:
            self.set_x(x)
        with self.shaping_for(text):
            self.multi_cell(
                width if width is not None else 0,
                self.line_height(size, leading),
                text,
                align=Align.coerce(align or self.start_align),
                new_x="LEFT" if x is not None else "LMARGIN",
                new_y="NEXT",
            )
        self.set_text_color(*INK)

    def title_block(self, text: str, *, size: float = 20) -> None:
        self.write_block(text, size=size, bold=True, leading=1.2)
        self.ln(3)

    def heading(self, text: str, *, level: int = 1) -> None:
        size = {1: 15.0, 2: 13.0}.get(level, 11.5)
        self.ln(2)
        self.write_block(text, size=size, bold=True, leading=1.25)
        self.ln(1)

    def paragraph(self, text: str, *, size: float = 11, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.write_block(text, size=size, bold=bold, color=color)
        self.ln(2)

    def key_value(self, label: str, value: str, *, label_width: float = 55, size: float = 10.5) -> None:
        """One row of a label (bold, in the starting column) and its value, both wrapping."""
        value_width = self.content_width - label_width - 3
        height = max(
            self.text_height(label_width, label, size=size, bold=True),
            self.text_height(value_width, value or "–", size=size),
        )
        if self.will_page_break(height):
            self.add_page()
        top = self.get_y()
        label_x, value_x = self.l_margin, self.l_margin + label_width + 3
        if self.is_rtl:
            label_x, value_x = self.w - self.r_margin - label_width, self.l_margin
        self.set_y(top)
        self.write_block(label, size=size, bold=True, width=label_width, x=label_x)
        self.set_y(top)
        self.write_block(value or "–", size=size, width=value_width, x=value_x)
        self.set_xy(self.l_margin, top + height + 1.5)

    # --- footer and output ---------------------------------------------------------------------------------

    def default_footer_note(self) -> str:
        with translation.override(self.language):
            return gettext("Documento generato da Trama il %(date)s") % {"date": self.formatted_date()}

    def formatted_date(self) -> str:
        with translation.override(self.language):
            return str(formats.date_format(self.generated_at, "SHORT_DATE_FORMAT"))

    def footer(self) -> None:
        self._footer_line(self.footer_note, align="R" if self.is_rtl else "L")

    def _footer_line(self, text: str, *, align: AlignName) -> None:
        self.set_xy(self.l_margin, self.h - self.b_margin + 4)
        self.use_font(size=8)
        self.set_text_color(*MUTED)
        with self.shaping_for(text):
            self.cell(self.content_width, 5, text, align=Align.coerce(align))
        self.set_text_color(*INK)

    def _number_pages(self) -> None:
        # Written once the page count is known (fpdf2's {nb} alias leaves a gap after shaping): going back to a
        # page with `self.page = n` appends to its content.
        total = self.pages_count
        last, auto_break = self.page, self.auto_page_break
        self.set_auto_page_break(False, margin=self.b_margin)
        for number in range(1, total + 1):
            self.page = number
            self._footer_line(f"{number} / {total}", align="L" if self.is_rtl else "R")
        self.page = last
        self.set_auto_page_break(auto_break, margin=self.b_margin)

    def to_bytes(self) -> bytes:
        if self.page == 0:
            self.add_page()
        self._number_pages()
        return bytes(self.output())
