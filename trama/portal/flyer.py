"""The printable A4 flyer of a Municipio's access points, modelled on the Municipio 8 QuBì flyer.

A coloured headline addressed to the families of the Municipio, then one card per access point (place, days and
hours, phone numbers in large type, whether it is free or by appointment) in two columns, so that up to eight points
fit on one page; more points continue on further pages. Arabic flyers are mirrored (first card on the right).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trama.core.pdf import INK, MUTED, TramaPDF

BRAND = (0, 102, 204)  # Bootstrap Italia primary blue, as on the portal
BRAND_DARK = (0, 68, 136)
CARD_BORDER = (196, 210, 224)
WHITE = (255, 255, 255)
CLOSED = (160, 60, 0)  # a closure on a card: dark orange, readable printed in grey too

COLUMNS = 2
# Type scales tried, largest first, to keep a flyer of up to ONE_PAGE_POINTS points on a single page.
SCALES = (1.0, 0.9, 0.8, 0.72)
ONE_PAGE_POINTS = 10
PAGINATED_SCALE = 0.9
GUTTER = 6.0
ROW_GAP = 4.0
CARD_PADDING = 4.0
ACCENT_WIDTH = 1.6


@dataclass(frozen=True)
class FlyerPoint:
    name: str
    organisation: str
    place: str
    when: list[str]
    phones: list[str]
    note: str = ""
    closures: list[str] = field(default_factory=list)  # "Chiuso dal … al … (ferie)", printed in the card


# How much of a service's "how to apply" a flyer card prints: a card must fit on a page (the service page has
# the whole text).
FLYER_NOTE_CHARS = 300


def flyer_note(text: str) -> str:
    """The note of a card, cut at a word boundary with "…" when longer than FLYER_NOTE_CHARS."""
    text = " ".join(text.split())
    if len(text) <= FLYER_NOTE_CHARS:
        return text
    cut = text[:FLYER_NOTE_CHARS].rsplit(" ", 1)[0] or text[:FLYER_NOTE_CHARS]
    return cut.rstrip(" ,;:.") + "…"


# --- Printed flyers kept by content --------------------------------------------------------------------------
# Printing a flyer takes 0.5–2 s of CPU (fonts, text shaping); a public address must not cost that on every request.
# A process keeps the last PRINTED_KEPT flyers by a digest of everything printed on them, so an entry can never be
# stale: a change of any access point gives another digest, and the old entry ages out.

PRINTED_KEPT = 32
_printed: OrderedDict[str, bytes] = OrderedDict()
_printed_lock = threading.Lock()


# Raised when the flyer's layout or fixed texts change, so that a browser's copy printed by the former code is not
# confirmed current (304) after an update.
LAYOUT_VERSION = 2


def flyer_digest(*, municipio_name: str, points: Sequence[FlyerPoint], language: str,
                 today: dt.date | None = None) -> str:
    """A digest of what a flyer prints: the points, the language (its fixed texts follow it), the day (printed in
    its footer) and the layout's version."""
    day = (today or timezone.localdate()).isoformat()
    content = json.dumps([LAYOUT_VERSION, day, municipio_name, language, [asdict(point) for point in points]],
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def printed_flyer(digest: str, render: Callable[[], bytes]) -> bytes:
    """The flyer with this digest: kept, or rendered now and kept."""
    with _printed_lock:
        pdf = _printed.get(digest)
        if pdf is not None:
            _printed.move_to_end(digest)
            return pdf
    pdf = render()  # outside the lock: another flyer may be printed meanwhile
    with _printed_lock:
        _printed[digest] = pdf
        _printed.move_to_end(digest)
        while len(_printed) > PRINTED_KEPT:
            _printed.popitem(last=False)
    return pdf


def forget_printed() -> None:
    with _printed_lock:
        _printed.clear()


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool = False
    color: tuple[int, int, int] = INK
    space_before: float = 0.0


def render_flyer(*, municipio_name: str, points: Sequence[FlyerPoint], language: str) -> bytes:
    """The flyer as PDF bytes, in `language` (texts entered by the organisations are printed as they are)."""
    return build_flyer(municipio_name=municipio_name, points=points, language=language).to_bytes()


def build_flyer(*, municipio_name: str, points: Sequence[FlyerPoint], language: str) -> TramaPDF:
    with translation.override(language):
        doc = TramaPDF(
            title=_("Punti di accesso per le famiglie – %(municipio)s") % {"municipio": municipio_name},
            subject=_("Dove trovare orientamento, ascolto e supporto vicino a casa"),
            language=language,
            margin=12,
        )
        doc.footer_note = _("%(municipio)s · Volantino generato da Trama il %(date)s") % {
            "municipio": municipio_name,
            "date": doc.formatted_date(),
        }
        doc.add_page()
        # Beyond four points the headline shrinks, leaving room for eight typical cards on the page.
        _headline(doc, municipio_name, compact=len(points) > 4)
        if points:
            doc.write_block(_("Dove trovarci"), size=15, bold=True, color=BRAND_DARK)
            doc.ln(2)
            available = doc.page_break_trigger - doc.get_y() - _closing_height(doc, municipio_name)
            _cards(doc, points, municipio_name, scale=_fitting_scale(doc, points, available))
        else:
            _empty_state(doc)
        _closing(doc, municipio_name)
    return doc


def _headline(doc: TramaPDF, municipio_name: str, *, compact: bool) -> None:
    width = doc.content_width - 2 * 7
    title_size, lead_size, padding = (17.0, 10.5, 4.5) if compact else (22.0, 12.0, 6.0)
    kicker = _("Alle famiglie del territorio – %(municipio)s") % {"municipio": municipio_name}
    title = _("Cerchi informazioni su servizi e attività per i tuoi figli?")
    lead = _("Vicino a casa tua trovi spazi di orientamento, ascolto e supporto. Contattaci o passa a trovarci.")
    height = (
        doc.text_height(width, kicker, size=11, bold=True)
        + doc.text_height(width, title, size=title_size, bold=True, leading=1.15)
        + doc.text_height(width, lead, size=lead_size)
        + 2 * padding
        + 5
    )
    top = doc.get_y()
    doc.set_fill_color(*BRAND)
    doc.rect(doc.l_margin, top, doc.content_width, height, style="F", round_corners=True, corner_radius=3)
    doc.set_y(top + padding)
    x = doc.l_margin + 7
    doc.write_block(kicker, size=11, bold=True, color=WHITE, width=width, x=x)
    doc.ln(2)
    doc.write_block(title, size=title_size, bold=True, color=WHITE, width=width, x=x, leading=1.15)
    doc.ln(3)
    doc.write_block(lead, size=lead_size, color=WHITE, width=width, x=x)
    doc.set_xy(doc.l_margin, top + height + padding)


def _card_lines(point: FlyerPoint, *, scale: float) -> list[_Line]:
    lines = [_Line(point.place or point.name, 13 * scale, bold=True, color=BRAND_DARK)]
    who = " – ".join(part for part in (point.name, point.organisation) if part and part != point.place)
    if who:
        lines.append(_Line(who, 9 * scale, color=MUTED, space_before=0.5 * scale))
    if point.when:
        lines.append(_Line(_("Quando"), 8 * scale, bold=True, color=MUTED, space_before=2 * scale))
        lines.extend(_Line(when, 11 * scale) for when in point.when)
    for closure in point.closures:
        lines.append(_Line(closure, 9.5 * scale, bold=True, color=CLOSED, space_before=1 * scale))
    if point.phones:
        lines.append(_Line(_("Telefono"), 8 * scale, bold=True, color=MUTED, space_before=2 * scale))
        lines.extend(_Line(phone, 17 * scale, bold=True) for phone in point.phones)
    if point.note:
        lines.append(_Line(point.note, 9.5 * scale, color=INK, space_before=2 * scale))
    return lines


def _lines_height(doc: TramaPDF, lines: Sequence[_Line], width: float) -> float:
    return sum(line.space_before + doc.text_height(width, line.text, size=line.size, bold=line.bold) for line in lines)


def _card_width(doc: TramaPDF) -> float:
    return (doc.content_width - GUTTER * (COLUMNS - 1)) / COLUMNS


def _rows(doc: TramaPDF, points: Sequence[FlyerPoint], scale: float) -> list[tuple[list[list[_Line]], float]]:
    """The cards grouped by row, each row with the height of its tallest card."""
    text_width = _card_width(doc) - 2 * CARD_PADDING - ACCENT_WIDTH
    rows = []
    for start in range(0, len(points), COLUMNS):
        row = [_card_lines(point, scale=scale) for point in points[start : start + COLUMNS]]
        rows.append((row, max(_lines_height(doc, lines, text_width) for lines in row) + 2 * CARD_PADDING))
    return rows


def _fitting_scale(doc: TramaPDF, points: Sequence[FlyerPoint], available: float) -> float:
    if len(points) > ONE_PAGE_POINTS:
        return PAGINATED_SCALE
    for scale in SCALES:
        if sum(height + ROW_GAP for _row, height in _rows(doc, points, scale)) <= available:
            return scale
    return PAGINATED_SCALE


def _cards(doc: TramaPDF, points: Sequence[FlyerPoint], municipio_name: str, *, scale: float) -> None:
    card_width = _card_width(doc)
    for row, height in _rows(doc, points, scale):
        if doc.will_page_break(height):
            doc.add_page()
            _continuation_header(doc, municipio_name)
        top = doc.get_y()
        for column, lines in enumerate(row):
            # Arabic reads from the right: the first card of a row is the rightmost one.
            slot = COLUMNS - 1 - column if doc.is_rtl else column
            _card(doc, lines, x=doc.l_margin + slot * (card_width + GUTTER), y=top, width=card_width, height=height)
        doc.set_xy(doc.l_margin, top + height + ROW_GAP)


def _card(doc: TramaPDF, lines: Sequence[_Line], *, x: float, y: float, width: float, height: float) -> None:
    doc.set_draw_color(*CARD_BORDER)
    doc.set_line_width(0.3)
    doc.rect(x, y, width, height, style="D", round_corners=True, corner_radius=2)
    # A coloured bar on the side the text starts from, as on the printed flyer.
    accent_x = x + width - ACCENT_WIDTH if doc.is_rtl else x
    doc.set_fill_color(*BRAND)
    doc.rect(accent_x, y, ACCENT_WIDTH, height, style="F")
    text_x = x + CARD_PADDING if doc.is_rtl else x + ACCENT_WIDTH + CARD_PADDING
    text_width = width - 2 * CARD_PADDING - ACCENT_WIDTH
    doc.set_y(y + CARD_PADDING)
    for line in lines:
        doc.set_y(doc.get_y() + line.space_before)
        doc.write_block(line.text, size=line.size, bold=line.bold, color=line.color, width=text_width, x=text_x)


def _continuation_header(doc: TramaPDF, municipio_name: str) -> None:
    doc.write_block(
        _("Punti di accesso per le famiglie – %(municipio)s") % {"municipio": municipio_name},
        size=12,
        bold=True,
        color=BRAND_DARK,
    )
    doc.ln(3)


def _empty_state(doc: TramaPDF) -> None:
    doc.write_block(_("Nessun punto di accesso registrato"), size=15, bold=True, color=BRAND_DARK)
    doc.ln(1)
    doc.paragraph(
        _("Al momento non ci sono punti di accesso pubblicati per questo municipio. Consulta il portale per gli "
          "aggiornamenti o rivolgiti al servizio sociale del tuo municipio."),
        color=MUTED,
    )


def _closing_texts(municipio_name: str) -> tuple[str, str]:
    return (
        _("Rete territoriale dei servizi per le famiglie – %(municipio)s") % {"municipio": municipio_name},
        _("Orari e telefoni possono cambiare: chiama prima di andare."),
    )


def _closing_height(doc: TramaPDF, municipio_name: str) -> float:
    network, advice = _closing_texts(municipio_name)
    width = doc.content_width
    return doc.text_height(width, network, size=11, bold=True) + doc.text_height(width, advice, size=9) + 3


def _closing(doc: TramaPDF, municipio_name: str) -> None:
    network, advice = _closing_texts(municipio_name)
    width = doc.content_width
    height = _closing_height(doc, municipio_name)
    if doc.will_page_break(height):
        doc.add_page()
    # Sits at the foot of the last page, like the signature band of a printed flyer.
    doc.set_y(max(doc.get_y(), doc.page_break_trigger - height))
    doc.set_draw_color(*BRAND)
    doc.set_line_width(0.6)
    doc.line(doc.l_margin, doc.get_y(), doc.l_margin + width, doc.get_y())
    doc.ln(3)
    doc.write_block(network, size=11, bold=True, color=BRAND_DARK)
    doc.write_block(advice, size=9, color=MUTED)
