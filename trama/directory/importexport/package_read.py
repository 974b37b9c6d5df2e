"""Reading an HSDS tabular datapackage: the files of a zip or folder, each CSV's rows, each cell's value."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from trama.directory.importexport.tables import TABLES, Column

MAX_BYTES_UNZIPPED = 200 * 1024 * 1024
MAX_DIGITS = 15  # a number cell of more digits than this is an error (before the digits are expanded)
_TRUE = {"true", "1", "yes", "y", "si", "sì", "vero"}
_FALSE = {"false", "0", "no", "n", "falso"}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_email = EmailValidator()
_url = URLValidator()


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageError:
    file: str
    row: int  # the CSV's line as a spreadsheet shows it: the header is 1; 0 = the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return _("%(file)s: %(message)s") % {"file": self.file, "message": self.message}
        return _("%(file)s, riga %(row)s, colonna %(column)s: %(message)s") % {
            "file": self.file, "row": self.row, "column": self.column or "-", "message": self.message}

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class PackageResult:
    errors: list[PackageError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class PackageFileError(Exception):
    """The upload cannot be read as a datapackage at all."""


# --- Reading --------------------------------------------------------------------------------------


def _files_of_zip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise PackageFileError(_("Il file non è un archivio .zip leggibile.")) from error
    files: dict[str, bytes] = {}
    size = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename.rsplit("/", 1)[-1]
            if not (name.endswith(".csv") or name == "datapackage.json") or name in files:
                continue
            size += info.file_size
            if size > MAX_BYTES_UNZIPPED:
                raise PackageFileError(_("L'archivio decompresso è troppo grande."))
            try:
                files[name] = archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, OSError, zlib.error, NotImplementedError) as error:
                # damaged (bad CRC), encrypted, or compressed with a method Python does not read
                raise PackageFileError(_("Il file «%(name)s» dell'archivio non si può leggere: è danneggiato, "
                                         "protetto da password o compresso in un formato non supportato. Crea di "
                                         "nuovo lo .zip senza password.") % {"name": name}) from error
    return files


def _files_of_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and (path.suffix == ".csv" or path.name == "datapackage.json")}


def package_files(source: bytes | Path) -> dict[str, bytes]:
    """{file name: bytes} of a zip's (or a folder's) CSVs and datapackage.json. Raises PackageFileError."""
    if isinstance(source, Path):
        if source.is_dir():
            return _files_of_folder(source)
        source = source.read_bytes()
    return _files_of_zip(source)


def resource_paths(files: dict[str, bytes], errors: list[PackageError]) -> dict[str, str]:
    """{table: file name}: datapackage.json's resources when it has them, HSDS's default file names otherwise."""
    paths = {table.name: table.path for table in TABLES}
    raw = files.get("datapackage.json")
    if raw is None:
        return paths
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
        resources = descriptor["resources"]
        for resource in resources:
            name, path = resource.get("name"), resource.get("path")
            if name in paths and isinstance(path, str):
                paths[name] = path.rsplit("/", 1)[-1]
    except (ValueError, KeyError, TypeError, AttributeError):
        errors.append(PackageError("datapackage.json", 0, "", _(
            "non è un descrittore valido (JSON con l'elenco «resources»).")))
    return paths


def csv_rows(name: str, data: bytes, errors: list[PackageError]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(PackageError(name, 0, "", _("il file non è in UTF-8.")))
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote: an error, not lost rows
    try:
        lines = list(reader)
    except csv.Error as error:
        errors.append(PackageError(name, reader.line_num, "", _("CSV non leggibile: %(error)s") % {"error": error}))
        return [], []
    if not lines:
        return [], []
    header = [h.strip().lower() for h in lines[0]]
    rows = [(number, line) for number, line in enumerate(lines[1:], start=2) if any(c.strip() for c in line)]
    return header, rows


# --- Cells ----------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def parse_cell(column: Column, text: str) -> Any:
    """The cell's value, or CellError with the message. Empty cells are None."""
    value = text.strip()
    if not value:
        if column.required:
            raise CellError(_("il valore è obbligatorio."))
        return None
    kind = column.type
    if column.enum:
        normal = value.upper() if column.enum[0].isupper() else value.lower()
        if column.name == "status" and normal == "temporarily_closed":
            normal = "temporarily closed"
        if normal not in column.enum:
            raise CellError(_("«%(value)s» non è ammesso: usa uno tra %(choices)s.")
                            % {"value": value, "choices": ", ".join(column.enum)})
        return normal
    if kind == "uuid":
        try:
            return uuid.UUID(value)
        except ValueError as error:
            raise CellError(_("«%(value)s» non è un identificativo UUID valido.") % {"value": value}) from error
    if kind == "integer":
        try:
            number = Decimal(value)
        except InvalidOperation as error:
            raise CellError(_("«%(value)s» non è un numero intero.") % {"value": value}) from error
        if not number.is_finite() or number.adjusted() > MAX_DIGITS:
            # checked before any conversion: an exponent such as 1e999999999 would take minutes to expand
            raise CellError(_("«%(value)s» è troppo grande.") % {"value": value[:40]})
        if number != number.to_integral_value() or number < 0:
            raise CellError(_("«%(value)s» non è un numero intero non negativo.") % {"value": value})
        return int(number)
    if kind == "number":
        try:
            number = Decimal(value)
        except InvalidOperation as error:
            raise CellError(_("«%(value)s» non è un numero (usa il punto per i decimali).")
                            % {"value": value}) from error
        if not number.is_finite():
            raise CellError(_("«%(value)s» non è un numero.") % {"value": value})
        if number.adjusted() > MAX_DIGITS:
            raise CellError(_("«%(value)s» è troppo grande.") % {"value": value[:40]})
        return number
    if kind == "boolean":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise CellError(_("«%(value)s» non è valido: scrivi true o false.") % {"value": value})
    if kind == "date":
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise CellError(_("«%(value)s» non è una data valida (AAAA-MM-GG).") % {"value": value}) from error
    if kind == "time":
        match = _TIME.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
        except ValueError as error:
            raise CellError(_("«%(value)s» non è un orario valido (HH:MM o HH:MM:SS).") % {"value": value}) from error
    if kind == "datetime":
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise CellError(_("«%(value)s» non è una data e ora ISO 8601 valida.") % {"value": value}) from error
    if kind == "email":
        try:
            _email(value)
        except ValidationError as error:
            raise CellError(_("«%(value)s» non è un indirizzo e-mail valido.") % {"value": value}) from error
    if kind == "uri":
        try:
            _url(value)
        except ValidationError as error:
            raise CellError(_("«%(value)s» non è un indirizzo web valido.") % {"value": value}) from error
    if kind == "object":
        try:
            parsed = json.loads(value)
        except ValueError as error:
            raise CellError(_("non è un oggetto JSON valido.")) from error
        if not isinstance(parsed, dict):
            raise CellError(_("non è un oggetto JSON valido."))
        return parsed
    if kind == "string":
        return text  # as written: re-importing our own export must compare equal
    return value
