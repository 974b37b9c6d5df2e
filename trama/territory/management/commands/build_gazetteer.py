"""Build the compact civici file shipped with the project from the Comune's original CIVICI CSV.

Run once when a new gazetteer is published (not at deploy time):
    manage.py build_gazetteer /path/to/civici_20200302
Keeps only the columns the geocoder needs and adds Municipio and NIL computed by point-in-polygon against the
project's own boundary files (the source has no NIL column)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trama.territory import data
from trama.territory.milano import read_municipi, read_nil
from trama.territory.polygon_index import PolygonIndex

# Points a few metres outside the outer boundary (house numbers on the city's edge) take the nearest area.
EDGE_TOLERANCE_DEG = 0.0015


class Command(BaseCommand):
    help = "Compatta il file CIVICI del Comune di Milano nel file usato dal geocoder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_dir", help="cartella con CIVICI_<data>.CSV (ds634 / OpenData_Civici.zip)")
        parser.add_argument("--output", default=str(data.CIVICI_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        source_dir = Path(options["source_dir"])
        sources = sorted(source_dir.glob("CIVICI_*.CSV"))
        if not sources:
            raise CommandError(f"Nessun file CIVICI_*.CSV in {source_dir}")
        with open(sources[-1], encoding="ascii", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        lons = np.array([data.decimal_comma(r["LONG_WGS84"]) for r in rows])
        lats = np.array([data.decimal_comma(r["LAT_WGS84"]) for r in rows])

        municipi = read_municipi()
        nils = read_nil()
        municipio_of = self._assign(PolygonIndex([a.shape for a in municipi]), lons, lats)
        nil_of = self._assign(PolygonIndex([a.shape for a in nils]), lons, lats)

        out_rows = []
        for i, r in enumerate(rows):
            out_rows.append((
                int(r["CODICE_VIA"]), int(r["NUMERO"]), r["LETTERA"].strip(), r["BARRA"].strip(),
                r["BARRA2"].strip(), int(r["STATOCIVICO"]), r["MUNICIPIO"].strip(),
                municipi[municipio_of[i]].number if municipio_of[i] >= 0 else "",
                nils[nil_of[i]].number if nil_of[i] >= 0 else "",
                f"{lats[i]:.6f}", f"{lons[i]:.6f}",
            ))
        out_rows.sort(key=lambda t: (t[0], t[1], t[2], t[3], t[4], t[5]))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(data.CIVICI_COLUMNS)
        writer.writerows(out_rows)
        output = Path(options["output"])
        # mtime=0: the same input gives byte-identical output, so the file only changes in git when data does.
        with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(buffer.getvalue().encode("ascii"))
        outside_m = int((municipio_of < 0).sum())
        outside_n = int((nil_of < 0).sum())
        self.stdout.write(f"{len(out_rows)} civici scritti in {output} ({output.stat().st_size} byte); "
                          f"senza Municipio: {outside_m}, senza NIL: {outside_n}")

    def _assign(self, index: PolygonIndex, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        found = index.lookup_many(lons, lats)
        for i in np.flatnonzero(found < 0):
            found[i] = index.nearest(float(lons[i]), float(lats[i]), EDGE_TOLERANCE_DEG)
        return found
