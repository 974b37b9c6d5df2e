"""The open-data files shipped with the project (trama/territory/data/milano, see ATTRIBUTION.md there).

The product reads only these copies at run time. Large files are stored gzip-compressed; the civici file is a
compacted derivative built by `manage.py build_gazetteer` from the Comune's original."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MILANO_DIR = Path(__file__).resolve().parent / "data" / "milano"

MUNICIPI_FILE = MILANO_DIR / "ds379_municipi_label.geojson.gz"
NIL_FILE = MILANO_DIR / "ds964_nil_wm.geojson.gz"
POPULATION_FILE = MILANO_DIR / "ds205_popolazione_nil_2024.csv"
STREETS_FILE = MILANO_DIR / "viario_20200302.csv.gz"
STREET_TYPES_FILE = MILANO_DIR / "tipovia.csv"
CIVICI_FILE = MILANO_DIR / "civici_20200302_compact.csv.gz"
MUNICIPIO_HQ_FILE = MILANO_DIR / "ds1299_sedi_municipi.geojson"
SOCIAL_OFFICES_FILE = MILANO_DIR / "ds1303_servizio_sociale_territoriale_sedi.geojson"
COMMUNITY_CENTRES_FILE = MILANO_DIR / "ds3017_spazi_freschi_case_di_quartiere.csv"
LIBRARIES_FILE = MILANO_DIR / "ds3019_spazi_freschi_biblioteche.csv"
SPORTS_FILE = MILANO_DIR / "ds629_impianti_sportivi_20200611.geojson.gz"

# Columns of the compacted civici file, in order.
CIVICI_COLUMNS = (
    "codice_via", "numero", "lettera", "barra", "barra2", "stato", "municipio_fonte", "municipio", "nil", "lat", "lon",
)


def open_text(path: Path, encoding: str = "utf-8") -> io.TextIOBase:
    """Open a data file as text, transparently decompressing `.gz` files."""
    if path.suffix == ".gz":
        # The files are a few MB: decompressing at once is several times faster than a streaming wrapper.
        return io.StringIO(gzip.decompress(path.read_bytes()).decode(encoding), newline="")
    return open(path, encoding=encoding, newline="")  # noqa: SIM115 - the caller closes it


def read_json(path: Path) -> Any:
    with open_text(path) as handle:
        return json.load(handle)


def read_csv(path: Path, *, delimiter: str = ";", encoding: str = "utf-8") -> Iterator[dict[str, str]]:
    with open_text(path, encoding=encoding) as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def decimal_comma(value: str) -> float:
    return float(value.replace(",", "."))
