"""Import of the Italian template (all-or-nothing, row/column errors) and the public exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import hsds
from trama.directory.importexport import export as exports
from trama.directory.importexport.template import COLUMNS, EXAMPLE_ROW, import_file, template_xlsx
from trama.directory.models import Location, Schedule, Service
from trama.directory.tests.helpers import make_location, make_service

ClientAs = Callable[..., Client]

GOOD = [
    list(EXAMPLE_ROW),
    ["Sportello casa", "Consulenza abitativa.", "t-alfa", "", "Via Padova 36, Milano", "", "it; ar", "casa",
     "18", "", "no", "sì", "sì", "sì", "mar, gio 9-12"],
    ["Ascolto telefonico", "", "", "", "", "02 999", "", "", "", "", "", "", "", "", ""],
]
BAD = [
    list(EXAMPLE_ROW),
    ["Sportello casa", "", "", "", "Via Padovva 36", "", "", "nonesiste", "abc", "", "", "", "forse", "", ""],
    ["", "Senza nome", "", "", "", "", "", "", "", "", "", "", "", "", "lun 12-9"],
]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    return template_xlsx(rows)


@pytest.mark.parametrize("build,name", [(_csv, "servizi.csv"), (_xlsx, "servizi.xlsx")])
def test_it_imports_a_good_file_through_the_services(personas: Personas, build: Callable[..., bytes],
                                                     name: str) -> None:
    result = import_file(build(GOOD), name, by=personas.referent, maintainer=personas.ets_a)
    assert result.errors == []
    assert (result.services, result.locations, result.schedules) == (3, 2, 3)
    alfa = Service.objects.get(name="Doposcuola Alfa")
    assert (alfa.minimum_age, alfa.maximum_age, alfa.is_free, alfa.requires_residency) == (11, 14, True, False)
    assert alfa.maintainer == personas.ets_a
    assert sorted(alfa.languages.values_list("code", flat=True)) == ["en", "it"]
    assert list(alfa.attributes.values_list("term__code", flat=True)) == ["doposcuola"]
    casa = Service.objects.get(name="Sportello casa")
    assert casa.requires_residency and not casa.requires_documents
    link = casa.service_at_locations.get()
    assert link.location.latitude is not None
    assert Schedule.objects.filter(service_at_location=link).get().byday == "TU,TH"
    assert Service.objects.get(name="Ascolto telefonico").phones.get().number == "02 999"
    assert AuditEvent.objects.filter(action="directory.service.create", actor=personas.referent).count() == 3


@pytest.mark.parametrize("build,name", [(_csv, "servizi.csv"), (_xlsx, "servizi.xlsx")])
def test_a_file_with_bad_rows_saves_nothing_and_names_rows_and_columns(
        personas: Personas, build: Callable[..., bytes], name: str) -> None:
    result = import_file(build(BAD), name, by=personas.referent, maintainer=personas.ets_a)
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "indirizzo"), (3, "bisogni"), (3, "età minima"), (3, "gratuito"), (4, "nome servizio")} <= found
    assert all(str(e).startswith(f"riga {e.row}, colonna {e.column}: ") for e in result.errors)
    assert "Forse intendevi" in next(e.message for e in result.errors if e.column == "indirizzo")
    assert Service.objects.count() == 0 and Location.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_it_reports_its_progress_while_checking_then_before_saving(personas: Personas,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from trama.directory.importexport import template

    monkeypatch.setattr(template, "PROGRESS_EVERY", 2)
    calls: list[object] = []
    result = import_file(_csv(GOOD), "servizi.csv", by=personas.referent, maintainer=personas.ets_a,
                         progress=lambda done, total: calls.append((done, total)),
                         on_saving=lambda: calls.append("saving"))
    assert result.errors == []
    assert calls == [(0, 3), (2, 3), (3, 3), "saving"]
    calls.clear()
    failed = import_file(_csv(BAD), "servizi.csv", by=personas.referent, maintainer=personas.ets_a,
                         progress=lambda done, total: calls.append((done, total)),
                         on_saving=lambda: calls.append("saving"))
    assert failed.errors and "saving" not in calls  # nothing to save: the job goes straight to its errors


def test_a_rule_broken_while_writing_rolls_back_the_good_rows_too(personas: Personas) -> None:
    rows = [list(EXAMPLE_ROW), ["Orari sovrapposti", "", "", "", "", "", "", "", "", "", "", "", "", "",
                                "lun 9-12; lun 11-13"]]
    result = import_file(_csv(rows), "x.csv", by=personas.referent, maintainer=personas.ets_a)
    assert [(e.row, e.column) for e in result.errors] == [(3, "orari")]
    assert Service.objects.count() == 0


def test_it_refuses_unknown_columns_and_file_types(personas: Personas) -> None:
    result = import_file(b"nome servizio;colore\nA;rosso\n", "x.csv", by=None, maintainer=personas.ets_a)
    assert [(e.row, e.column) for e in result.errors] == [(1, "colore")]
    result = import_file(b"%PDF", "x.pdf", by=None, maintainer=personas.ets_a)
    assert not result.ok


def test_the_import_page_needs_login_and_a_creator(personas: Personas, client: Client,
                                                   client_as: ClientAs) -> None:
    url = reverse("directory:io_import")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_as(personas.volunteer).get(url).status_code == 403
    assert client_as(personas.nobody).get(reverse("directory:io_export")).status_code == 403


def test_the_import_page_imports_or_shows_every_error(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    url = reverse("directory:io_import")
    template = client.get(reverse("directory:io_template"))
    header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert header == list(COLUMNS)
    # referent of ets_a may not import for ets_b
    response = client.post(url, {"maintainer": personas.ets_b.pk,
                                 "file": SimpleUploadedFile("s.csv", _csv(GOOD))})
    assert response.status_code == 200 and Service.objects.count() == 0
    response = client.post(url, {"maintainer": personas.ets_a.pk, "file": SimpleUploadedFile("s.csv", _csv(BAD))})
    assert response.status_code == 400
    assert "nonesiste" in response.content.decode() and Service.objects.count() == 0
    response = client.post(url, {"maintainer": personas.ets_a.pk, "file": SimpleUploadedFile("s.txt", b"x")})
    assert "Carica un file .xlsx o .csv" in response.content.decode()
    response = client.post(url, {"maintainer": personas.ets_a.pk,
                                 "file": SimpleUploadedFile("s.xlsx", _xlsx(GOOD))})
    assert response.status_code == 200 and Service.objects.count() == 3
    assert "Importazione completata" in response.content.decode()


def test_the_commands_import_and_export(personas: Personas, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "bad.csv").write_bytes(_csv(BAD))
    with pytest.raises(CommandError):
        call_command("import_directory", str(folder / "bad.csv"), "--maintainer", "t-alfa", stderr=io.StringIO())
    assert Service.objects.count() == 0
    (folder / "good.xlsx").write_bytes(_xlsx(GOOD))
    call_command("import_directory", str(folder / "good.xlsx"), "--maintainer", "t-alfa", stdout=io.StringIO())
    assert Service.objects.count() == 3
    call_command("export_directory", "--format", "geojson", str(folder / "out.geojson"), stdout=io.StringIO())
    assert json.loads((folder / "out.geojson").read_text())["type"] == "FeatureCollection"


def _mixed_directory(p: Personas) -> None:
    public = make_service(p, name="Servizio pubblico")
    hidden = make_service(p, name="Servizio nascosto", is_public=False)
    open_place = make_location(p, name="Sede aperta")
    secret = make_location(p, name="Casa rifugio", address_text="Via Padova 100", confidential_address=True)
    from trama.directory import services

    for service in (public, hidden):
        for location in (open_place, secret):
            services.service_at_location_attach(service=service, location=location, by=p.referent)


def test_exports_show_public_records_only_and_no_confidential_address(personas: Personas,
                                                                      client_as: ClientAs) -> None:
    _mixed_directory(personas)
    client = client_as(personas.referent)
    body = client.get(reverse("directory:io_export"), {"format": "hsds"}).json()
    assert [s["name"] for s in body] == ["Servizio pubblico"]
    for item in body:
        assert hsds.validate(item, "service") == []
    text = json.dumps(body)
    assert "Via Padova 100" not in text and "nascosto" not in text
    geo = client.get(reverse("directory:io_export"), {"format": "geojson"}).json()
    assert [f["properties"]["name"] for f in geo["features"]] == ["Sede aperta"]
    assert "nascosto" not in json.dumps(geo)
    response = client.get(reverse("directory:io_export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == tuple(COLUMNS) or list(cells[0]) == list(COLUMNS)
    flat = json.dumps(cells, default=str)
    assert "Servizio pubblico" in flat and "nascosto" not in flat and "Padova 100" not in flat
    assert client.get(reverse("directory:io_export"), {"format": "pdf"}).status_code == 404
    assert exports.export("xlsx")[:2] == b"PK"
