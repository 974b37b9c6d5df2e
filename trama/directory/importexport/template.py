"""The Italian one-sheet template: one row = one service (optionally at one place), read from CSV or XLSX.

An import is all-or-nothing. Every row is parsed and checked first (types, organisation, needs codes, addresses
through the gazetteer); then every row is written through trama.directory.services inside one transaction, each
in a savepoint so that a rule broken by a later row is reported too. Any error, of any row: everything is rolled
back and the errors are returned as "riga N, colonna X: messaggio" (N is the spreadsheet row, the header is 1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.directory import services
from trama.directory.forms import NEEDS_TAXONOMY
from trama.directory.models import Location, LocationType, Service, ServiceAtLocation, TaxonomyTerm
from trama.directory.services import ScheduleSpec
from trama.network.models import Organisation

if TYPE_CHECKING:
    from trama.accounts.models import User

# The template's columns, in order (header text as written in the downloadable template).
COLUMNS = (
    "nome servizio", "descrizione", "ente", "nome sede", "indirizzo", "telefono", "lingue", "bisogni",
    "età minima", "età massima", "senza residenza", "senza documenti", "gratuito", "su appuntamento", "orari",
)
REQUIRED = ("nome servizio",)
_ALIASES = {
    "nome": "nome servizio", "servizio": "nome servizio", "organizzazione": "ente", "sede": "nome sede",
    "telefoni": "telefono", "lingua": "lingue", "bisogno": "bisogni", "eta min": "età minima",
    "eta max": "età massima", "eta minima": "età minima", "eta massima": "età massima", "orario": "orari",
    "appuntamento": "su appuntamento",
}
EXAMPLE_ROW = (
    "Doposcuola Alfa", "Aiuto compiti per ragazzi delle medie.", "", "Sede Alfa", "Via Padova 36, Milano",
    "02 1234567", "it; en", "doposcuola", "11", "14", "sì", "sì", "sì", "no", "lun 14-17; mer 14:30-18",
)
MAX_ROWS = 2000
# How often (in rows) a background import reports its progress while checking a template file.
PROGRESS_EVERY = 100

_TRUE = {"si", "sì", "s", "x", "vero", "true", "1", "yes", "y"}
_FALSE = {"no", "n", "falso", "false", "0"}
_DAYS = {"lun": "MO", "mar": "TU", "mer": "WE", "gio": "TH", "ven": "FR", "sab": "SA", "dom": "SU"}
_DAY_ORDER = list(_DAYS.values())
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_WINDOW = re.compile(rf"^(?P<days>.*?[^\d\s])\s+(?P<o>{_TIME})\s*[-–]\s*(?P<c>{_TIME})$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# Which column a service error is about, by the field the service names.
_FIELD_COLUMN = {
    "name": "nome servizio", "description": "descrizione", "organisation": "ente", "minimum_age": "età minima",
    "maximum_age": "età massima", "address_text": "indirizzo", "number": "telefono", "code": "lingue",
    "term": "bisogni", "opens_at": "orari", "closes_at": "orari", "byday": "orari", "freq": "orari",
    "location": "indirizzo", "location_name": "nome sede",
}


class ImportFileError(Exception):
    """The file cannot be read at all (not a CSV/XLSX, no header)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("riga %(row)s, colonna %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    number: int
    service: dict[str, Any] = field(default_factory=dict)
    location_name: str = ""
    address: str = ""
    phone: str = ""
    languages: list[str] = field(default_factory=list)
    needs: list[TaxonomyTerm] = field(default_factory=list)
    windows: list[ScheduleSpec] = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    services: int = 0
    locations: int = 0
    schedules: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading --------------------------------------------------------------------------------------


def _normalise_header(text: str) -> str:
    text = " ".join(str(text).strip().lower().replace("_", " ").split())
    if text in COLUMNS:
        return text
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for column in COLUMNS:
        if plain == "".join(c for c in unicodedata.normalize("NFKD", column) if not unicodedata.combining(c)):
            return column
    return _ALIASES.get(plain, _ALIASES.get(text, text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """The sheet's rows as text cells (the header first). Raises ImportFileError."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file problem
            raise ImportFileError(_("Il file non è un foglio Excel (.xlsx) leggibile.")) from error
        sheet = workbook.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first.count)
        # Strict: an unclosed quote is an error naming its line, not a cell that swallows the rows after it.
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
        lines: list[list[str]] = []
        try:
            for line in reader:
                lines.append([_cell(v) for v in line])
        except csv.Error as error:
            raise ImportFileError(_("Il file CSV non è leggibile dalla riga %(row)s: controlla le virgolette "
                                    "(una cella che le apre deve chiuderle) e che nessuna cella sia lunghissima. "
                                    "(%(detail)s)") % {"row": len(lines) + 1, "detail": error}) from error
        return lines
    raise ImportFileError(_("Formato non supportato: carica un file .csv o .xlsx."))


# --- Parsing one row ------------------------------------------------------------------------------


def _bool(value: str) -> bool | None:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError


def _time(hours: str, minutes: str | None) -> dt.time:
    return dt.time(int(hours), int(minutes or 0))


def _days(text: str) -> list[str]:
    codes: list[str] = []
    for part in re.split(r"[,\s]+|\be\b", text.strip().lower()):
        part = part.strip().rstrip(".")
        if not part:
            continue
        if "-" in part:
            start, _sep, end = part.partition("-")
            a, b = _DAYS[start[:3]], _DAYS[end[:3]]
            i, j = _DAY_ORDER.index(a), _DAY_ORDER.index(b)
            if j < i:
                raise KeyError(part)
            codes.extend(_DAY_ORDER[i:j + 1])
        else:
            codes.append(_DAYS[part[:3]])
    if not codes:
        raise KeyError(text)
    return list(dict.fromkeys(codes))


def parse_hours(text: str) -> list[ScheduleSpec]:
    """"lun 9-12; mer, ven 14:30-17; lun-ven 8-9" → one ScheduleSpec per segment. Raises ValueError."""
    specs = []
    for segment in text.split(";"):
        segment = segment.strip()
        if not segment:
            continue
        match = _WINDOW.match(segment)
        if match is None:
            raise ValueError(segment)
        try:
            days = _days(match.group("days"))
            opens = _time(match.group(3), match.group(4))
            closes = _time(match.group(6), match.group(7))
        except (KeyError, ValueError) as error:
            raise ValueError(segment) from error
        specs.append(ScheduleSpec(byday=",".join(days), opens_at=opens, closes_at=closes))
    return specs


class _Lookups:
    def __init__(self) -> None:
        self.terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY)}
        self.organisations: dict[str, Organisation | None] = {}
        self.addresses: dict[str, str | None] = {}

    def organisation(self, text: str) -> Organisation | None:
        key = text.lower()
        if key not in self.organisations:
            self.organisations[key] = (Organisation.objects.filter(slug=text).first()
                                       or Organisation.objects.filter(Q(name__iexact=text)
                                                                      | Q(short_name__iexact=text)).first())
        return self.organisations[key]

    def address_error(self, text: str) -> str | None:
        if text not in self.addresses:
            try:
                services._geocode(text)  # the services' own message, with suggestions
                self.addresses[text] = None
            except ApplicationError as error:
                self.addresses[text] = error.message
        return self.addresses[text]


def _parse_row(number: int, values: dict[str, str], default_organisation: Organisation, lookups: _Lookups,
               errors: list[RowError]) -> ParsedRow:
    row = ParsedRow(number=number)

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    name = values.get("nome servizio", "")
    if not name:
        error("nome servizio", _("il nome del servizio è obbligatorio."))
    row.service = {"name": name, "description": values.get("descrizione", "")}
    organisation = default_organisation
    if values.get("ente"):
        found = lookups.organisation(values["ente"])
        if found is None:
            error("ente", _("ente «%(value)s» sconosciuto (indica il nome o l'identificativo).")
                  % {"value": values["ente"]})
        elif not found.is_active:  # the service form offers active organisations only
            error("ente", _("l'ente «%(value)s» non è attivo nel registro della rete.") % {"value": found.name})
        else:
            organisation = found
    row.service["organisation"] = organisation
    ages: dict[str, int] = {}
    for column, key in (("età minima", "minimum_age"), ("età massima", "maximum_age")):
        value = values.get(column, "")
        if not value:
            continue
        if not value.isdecimal() or not value.isascii() or int(value) > 120:
            error(column, _("«%(value)s» non è un'età valida (un numero intero da 0 a 120).") % {"value": value})
        else:
            ages[key] = row.service[key] = int(value)
    if "minimum_age" in ages and "maximum_age" in ages and ages["minimum_age"] > ages["maximum_age"]:
        error("età massima", _("l'età minima supera quella massima."))
    for column, key, negate in (("senza residenza", "requires_residency", True),
                                ("senza documenti", "requires_documents", True),
                                ("gratuito", "is_free", False), ("su appuntamento", "requires_appointment", False)):
        value = values.get(column, "")
        if not value:
            continue
        try:
            flag = _bool(value)
        except ValueError:
            error(column, _("«%(value)s» non è valido: scrivi sì o no.") % {"value": value})
            continue
        row.service[key] = (not flag) if negate else flag
    for code in (c.strip().lower() for c in values.get("bisogni", "").split(";")):
        if not code:
            continue
        term = lookups.terms.get(code)
        if term is None:
            error("bisogni", _("codice di bisogno «%(value)s» sconosciuto.") % {"value": code})
        elif term not in row.needs:
            row.needs.append(term)
    for code in (c.strip().lower() for c in re.split(r"[;,]", values.get("lingue", ""))):
        if not code:
            continue
        if not _LANGUAGE.match(code):
            error("lingue", _("«%(value)s» non è un codice di lingua (es. it, en, ar).") % {"value": code})
        elif code not in row.languages:
            row.languages.append(code)
    row.phone = values.get("telefono", "")
    row.address = values.get("indirizzo", "")
    row.location_name = values.get("nome sede", "") or name
    if row.address:
        message = lookups.address_error(row.address)
        if message:
            error("indirizzo", message)
    elif values.get("nome sede"):
        error("indirizzo", _("indica l'indirizzo della sede."))
    if values.get("orari"):
        try:
            row.windows = parse_hours(values["orari"])
        except ValueError as failure:
            error("orari", _("«%(value)s» non è un orario valido: scrivi ad esempio «lun 9-12; mer 14:30-17».")
                  % {"value": failure.args[0] if failure.args else values["orari"]})
    return row


# --- Writing --------------------------------------------------------------------------------------


def _write_row(row: ParsedRow, *, by: User | None, maintainer: Organisation, result: ImportResult,
               places: dict[tuple[str, str], Location]) -> None:
    fields = dict(row.service)
    organisation = fields.pop("organisation")
    name = fields.pop("name")
    service: Service = services.service_create(by=by, organisation=organisation, maintainer=maintainer,
                                               name=name, **fields)
    result.services += 1
    link: ServiceAtLocation | None = None
    if row.address:
        key = (row.location_name.lower(), row.address.lower())
        location = places.get(key)
        if location is None:
            try:
                location = services.location_create(by=by, maintainer=maintainer, name=row.location_name,
                                                    location_type=LocationType.PHYSICAL, address_text=row.address)
            except ApplicationError as error:
                if error.field == "name":  # the place's name, not the service's
                    raise ApplicationError(error.message, field="location_name") from error
                raise
            places[key] = location
            result.locations += 1
        link = services.service_at_location_attach(service=service, location=location, by=by)
    if row.phone:
        services.phone_add(by=by, number=row.phone, service=service)
    for code in row.languages:
        services.language_add(by=by, code=code, service=service)
    for term in row.needs:
        services.taxonomy_term_assign(service=service, term=term, by=by)
    if row.windows:
        if link is not None:
            created = services.schedule_set(by=by, windows=row.windows, service_at_location=link)
        else:
            created = services.schedule_set(by=by, windows=row.windows, service=service)
        result.schedules += len(created)


def import_rows(rows: Sequence[Sequence[str]], *, by: User | None, maintainer: Organisation,
                progress: Callable[[int, int], None] | None = None,
                on_saving: Callable[[], None] | None = None) -> ImportResult:
    """All or nothing: the counts of what was created, or the errors (and nothing saved). `progress(done, total)`
    is called while rows are checked, every PROGRESS_EVERY rows, and `on_saving()` before the writing starts
    (both outside the transaction, so that another connection can read what they record)."""
    result = ImportResult()
    rows = [list(r) for r in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        result.errors.append(RowError(1, "-", _("il file è vuoto.")))
        return result
    header = [_normalise_header(h) for h in rows[0]]
    for position, column in enumerate(header):
        if column and column not in COLUMNS:
            result.errors.append(RowError(1, rows[0][position], _("colonna non prevista dal modello.")))
        elif column and column in header[:position]:
            # The last one would win and the other's values be lost without a word.
            result.errors.append(RowError(1, rows[0][position], _(
                "colonna ripetuta: «%(column)s» c'è già (anche con un altro nome, come «%(first)s»); tienine "
                "una sola.") % {"column": column, "first": rows[0][header.index(column)]}))
    for column in REQUIRED:
        if column not in header:
            result.errors.append(RowError(1, column, _("manca la colonna obbligatoria.")))
    if result.errors:
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(1, "-", _("troppe righe: al massimo %(max)s per file.") % {"max": MAX_ROWS}))
        return result
    lookups = _Lookups()
    parsed: list[ParsedRow] = []
    total = len(rows) - 1
    for number, raw in enumerate(rows[1:], start=2):
        if progress is not None and (number - 2) % PROGRESS_EVERY == 0:
            progress(number - 2, total)
        if not any(raw):
            continue
        values = {column: (raw[i] if i < len(raw) else "") for i, column in enumerate(header) if column}
        parsed.append(_parse_row(number, values, maintainer, lookups, result.errors))
    if progress is not None:
        progress(total, total)
    if not parsed:
        result.errors.append(RowError(2, "-", _("nessun servizio da importare.")))
        return result
    bad_rows = {e.row for e in result.errors}
    if on_saving is not None and not result.errors:
        on_saving()
    with transaction.atomic():
        places: dict[tuple[str, str], Location] = {}
        for row in parsed:
            if row.number in bad_rows:
                continue
            try:
                with transaction.atomic():
                    _write_row(row, by=by, maintainer=maintainer, result=result, places=places)
            except ApplicationError as error:
                result.errors.append(RowError(row.number, _FIELD_COLUMN.get(error.field or "", "-"), error.message))
                places = {k: v for k, v in places.items() if Location.objects.filter(pk=v.pk).exists()}
        if result.errors:
            transaction.set_rollback(True)
    if result.errors:
        result.services = result.locations = result.schedules = 0
        result.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return result


def import_file(data: bytes, filename: str, *, by: User | None, maintainer: Organisation,
                progress: Callable[[int, int], None] | None = None,
                on_saving: Callable[[], None] | None = None) -> ImportResult:
    try:
        rows = read_rows(data, filename)
    except ImportFileError as error:
        return ImportResult(errors=[RowError(1, "-", str(error))])
    return import_rows(rows, by=by, maintainer=maintainer, progress=progress, on_saving=on_saving)


# --- The downloadable template --------------------------------------------------------------------


def _sheet_value(value: Any) -> Any:
    """A value a worksheet can hold: text without the control characters XML forbids (an import or a form may
    have let one through; one of them made the whole export fail)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def template_xlsx(rows: Iterable[Sequence[Any]] = (EXAMPLE_ROW,)) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "servizi"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_sheet_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                # Text that starts with "=" is written as text: a service named "=HYPERLINK(…)" must not become a
                # live formula in the spreadsheet of whoever opens the export.
                cell.data_type = "s"
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = max(14, len(column) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
