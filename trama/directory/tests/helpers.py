"""Small builders for directory tests, going through the services like real callers."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Location, LocationType, Service


def make_service(p: Personas, *, maintainer: Any = None, **fields: Any) -> Service:
    org = maintainer or p.ets_a
    fields.setdefault("name", "Doposcuola Alfa")
    return services.service_create(by=p.referent, organisation=org, maintainer=org, **fields)


def make_location(p: Personas, *, maintainer: Any = None, name: str = "Sede Alfa",
                  address_text: str = "Via Padova 36", **fields: Any) -> Location:
    return services.location_create(by=p.referent, maintainer=maintainer or p.ets_a, name=name,
                                    location_type=LocationType.PHYSICAL, address_text=address_text, **fields)


def package_zip(files: dict[str, list[list[Any]]]) -> bytes:
    """A datapackage upload: one CSV per table name, None as an empty cell."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            text = io.StringIO()
            csv.writer(text).writerows([["" if v is None else str(v) for v in row] for row in rows])
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()
