"""The HSDS tabular datapackage: export, all-or-nothing import (upsert by HSDS id), import jobs and progress."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.api import ids
from trama.directory.importexport import jobs
from trama.directory.importexport.datapackage import import_package
from trama.directory.importexport.export import datapackage
from trama.directory.models import (
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceRevision,
    Taxonomy,
    TaxonomyTerm,
)
from trama.directory.models.jobs import ImportJob, ImportStatus
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service, package_zip
from trama.network.models import Organisation

ClientAs = Callable[..., Client]
EXAMPLE = Path(__file__).parent / "data" / "hsds_example"
NEW = "11111111-1111-4111-8111-{:012d}"


def _directory(p: Personas) -> Service:
    """A public service with every kind of detail, a hidden service and a confidential place."""
    public = make_service(p, name="Doposcuola pubblico", description="Compiti.\n", minimum_age=6, maximum_age=14,
                          is_free=True, translations={"en": {"name": "After school"}})
    hidden = make_service(p, name="Servizio nascosto", is_public=False)
    place = make_location(p, name="Sede aperta", accessibility_notes="Rampa")
    secret = make_location(p, name="Casa rifugio", address_text="Via Padova 100", confidential_address=True)
    for service in (public, hidden):
        for location in (place, secret):
            services.service_at_location_attach(service=service, location=location, by=p.referent)
    link = ServiceAtLocation.objects.get(service=public, location=place)
    services.schedule_set(by=p.referent, service_at_location=link, windows=[
        ScheduleSpec(byday="MO,WE", opens_at=dt.time(14), closes_at=dt.time(17, 30))])
    services.schedule_set(by=p.referent, service=public, windows=[
        ScheduleSpec(freq="MONTHLY", byday="1SA", opens_at=dt.time(9), closes_at=dt.time(12))])
    secret_link = ServiceAtLocation.objects.get(service=public, location=secret)
    services.phone_add(by=p.referent, number="02 0000 100", service_at_location=secret_link)
    phone = services.phone_add(by=p.referent, number="02 1234567", service=public, extension="12")
    services.language_add(by=p.referent, code="ar", phone=phone)
    services.language_add(by=p.referent, code="it", service=public)
    services.contact_add(by=p.referent, location=place, name="Anna", email="anna@example.org")
    services.cost_option_add(service=public, by=p.referent, option="Iscrizione", amount=Decimal("10.50"))
    services.required_document_add(service=public, by=p.referent, kind="isee")
    services.service_area_add(service=public, by=p.referent, area=p.municipio8)
    services.accessibility_add(location=place, by=p.referent, description="Ingresso senza gradini")
    term = TaxonomyTerm.objects.filter(taxonomy__code="bisogni", code="doposcuola").first()
    if term is not None:
        services.taxonomy_term_assign(service=public, term=term, by=p.referent)
    return public


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _replace(files: dict[str, str], name: str, row: int, column: str, value: str) -> None:
    """Set one cell (row 2 = the first data row, as the errors count) of an exported CSV."""
    rows = _rows(files[name])
    rows[row - 1][rows[0].index(column)] = value
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    files[name] = text.getvalue()


def _rezip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _counts() -> dict[str, int]:
    return {"services": Service.objects.count(), "locations": Location.objects.count(),
            "links": ServiceAtLocation.objects.count(), "schedules": Schedule.objects.count(),
            "revisions": ServiceRevision.objects.count()}


# --- Export ---------------------------------------------------------------------------------------


def test_the_export_is_a_zip_of_csvs_described_by_datapackage_json(personas: Personas,
                                                                    client_as: ClientAs) -> None:
    _directory(personas)
    response = client_as(personas.referent).get(reverse("directory:io_export"), {"format": "datapackage"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="servizi-hsds-' in response["Content-Disposition"]
    files = _unzip(response.content)
    descriptor = json.loads(files.pop("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    paths = {resource["path"]: resource for resource in descriptor["resources"]}
    assert set(paths) == set(files)
    for path, resource in paths.items():
        header = _rows(files[path])[0]
        assert header == [f["name"] for f in resource["schema"]["fields"]], path
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in {r["name"] for r in descriptor["resources"]}
    services_rows = _rows(files["services.csv"])
    assert [row[3] for row in services_rows[1:]] == ["Doposcuola pubblico"]
    everything = json.dumps(files)
    assert "nascosto" not in everything
    assert "Casa rifugio" not in everything and "Via Padova 100" not in everything and "0000 100" not in everything
    assert len(_rows(files["locations.csv"])) == 2 and len(_rows(files["addresses.csv"])) == 2
    # every reference in the export points to a row of the export
    exported = {name: {row[0] for row in _rows(files[paths_of[name]])[1:]}
                for paths_of in [{r["name"]: r["path"] for r in descriptor["resources"]}] for name in paths_of}
    for resource in descriptor["resources"]:
        rows = _rows(files[resource["path"]])
        for key in resource["schema"].get("foreignKeys", []):
            position = rows[0].index(key["fields"])
            for row in rows[1:]:
                assert not row[position] or row[position] in exported[key["reference"]["resource"]]


def test_the_command_exports_the_datapackage(personas: Personas, tmp_path: Path) -> None:
    _directory(personas)
    call_command("export_directory", "--format", "datapackage", str(tmp_path / "out.zip"), stdout=io.StringIO())
    assert "services.csv" in _unzip((tmp_path / "out.zip").read_bytes())


# --- Import: round trip, creation, updates -----------------------------------------------------


def test_reimporting_our_own_export_changes_nothing(personas: Personas) -> None:
    public = _directory(personas)
    data = datapackage()
    before = _counts()
    stamps = dict(Service.objects.values_list("pk", "updated_at"))
    events = AuditEvent.objects.filter(action__startswith="directory.").exclude(action="directory.import").count()
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert result.errors == [] and result.created == {} and result.updated == {}
    assert result.unchanged > 10
    assert _counts() == before
    assert dict(Service.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.filter(action__startswith="directory.").exclude(
        action="directory.import").count() == events
    assert AuditEvent.objects.filter(action="directory.import", actor=personas.referent).count() == 1
    public.refresh_from_db()
    assert public.description == "Compiti.\n"


def test_an_export_imported_into_an_empty_directory_recreates_the_records(personas: Personas) -> None:
    public = _directory(personas)
    data = datapackage()
    hsds_id, link_ids = public.hsds_id, set(public.service_at_locations.values_list("hsds_id", flat=True))
    Service.objects.all().delete()
    Location.objects.all().delete()
    result = import_package(data, by=personas.referent, maintainer=personas.ets_b)
    assert result.errors == []
    assert result.created["service"] == 1 and result.created["location"] == 1
    service = Service.objects.get(hsds_id=hsds_id)
    assert (service.name, service.minimum_age, service.is_free) == ("Doposcuola pubblico", 6, True)
    assert service.translations == {"en": {"name": "After school"}}
    assert service.organisation == personas.ets_a and service.maintainer == personas.ets_b
    assert set(service.service_at_locations.values_list("hsds_id", flat=True)) < link_ids  # not the secret one
    link = service.service_at_locations.get()
    assert link.location.latitude is not None and link.location.accessibility_notes == "Rampa"
    assert Schedule.objects.get(service_at_location=link).byday == "MO,WE"
    assert Schedule.objects.get(service=service).byday == "1SA"
    assert service.phones.get().languages.get().code == "ar"
    assert service.cost_options.get().amount == Decimal("10.50")
    assert ServiceRevision.objects.filter(service=service, action="create").exists()
    from trama.directory.search import search_services

    assert list(search_services(Service.objects.all(), "doposcuola")) == [service]
    # and once more: nothing to do
    again = import_package(data, by=personas.referent, maintainer=personas.ets_b)
    assert again.created == {} and again.updated == {}


def test_a_changed_cell_updates_that_record_only_with_a_revision(personas: Personas) -> None:
    public = _directory(personas)
    files = _unzip(datapackage())
    _replace(files, "services.csv", 2, "name", "Doposcuola rinnovato")
    result = import_package(_rezip(files), by=personas.referent, maintainer=personas.ets_a)
    assert result.errors == [] and result.updated == {"service": 1} and result.created == {}
    public.refresh_from_db()
    assert public.name == "Doposcuola rinnovato"
    revision = ServiceRevision.objects.filter(service=public, action="update").latest("pk")
    assert revision.changes == {"name": ["Doposcuola pubblico", "Doposcuola rinnovato"]}
    assert revision.by == personas.referent
    # a new address without a point is geocoded again; the place's services are stamped as changed (HSDS
    # modified_after)
    place = Location.objects.get(name="Sede aperta")
    long_ago = timezone.now() - dt.timedelta(days=30)
    Location.objects.filter(pk=place.pk).update(latitude=1.0, longitude=1.0)
    Service.objects.filter(service_at_locations__location=place).update(updated_at=long_ago)
    files = _unzip(datapackage())
    _replace(files, "addresses.csv", 2, "address_1", "Via Padova 36, Milano")
    _replace(files, "locations.csv", 2, "latitude", "")
    _replace(files, "locations.csv", 2, "longitude", "")
    result = import_package(_rezip(files), by=personas.referent, maintainer=personas.ets_a)
    assert result.errors == [] and result.updated == {"location": 1}
    place.refresh_from_db()
    assert place.address_text == "Via Padova 36, Milano"
    assert place.latitude is not None and 45 < place.latitude < 46
    assert Service.objects.filter(service_at_locations__location=place).exists()
    assert not Service.objects.filter(service_at_locations__location=place, updated_at=long_ago).exists()


def _with_address(org: str, street: str, country: str) -> bytes:
    return package_zip({
        "organizations.csv": [["id", "name"], [org, "Cooperativa Alfa (test)"]],
        "locations.csv": [["id", "location_type", "name"], [NEW.format(2), "physical", "Sede"]],
        "addresses.csv": [["id", "location_id", "address_1", "country"], [NEW.format(3), NEW.format(2), street,
                                                                           country]],
    })


def test_a_new_address_without_coordinates_is_geocoded(personas: Personas) -> None:
    org = ids.organisation_id(personas.ets_a.pk)
    result = import_package(_with_address(org, "Via Padovva 36", "IT"), by=personas.referent,
                            maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("addresses.csv", 2, "address_1")]
    assert "Forse intendevi" in result.errors[0].message
    result = import_package(_with_address(org, "Via Padova 36", "Italia"), by=personas.referent,
                            maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("addresses.csv", 2, "country")]
    assert Location.objects.count() == 0
    data = package_zip({
        "organizations.csv": [["id", "name"], [org, "Cooperativa Alfa (test)"]],
        "services.csv": [["id", "organization_id", "name", "status"], [NEW.format(1), org, "Sportello", "active"]],
        "locations.csv": [["id", "location_type", "name"], [NEW.format(2), "physical", "Sede"]],
        "addresses.csv": [["id", "location_id", "address_1", "city", "postal_code", "country"],
                          [NEW.format(3), NEW.format(2), "Via Padova 36", "Milano", "", "IT"]],
        "service_at_location.csv": [["id", "service_id", "location_id"], [NEW.format(4), NEW.format(1),
                                                                         NEW.format(2)]],
    })
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert result.errors == []
    location = Location.objects.get(hsds_id=NEW.format(2))
    assert location.address_text == "Via Padova 36" and location.latitude is not None


# --- Import: errors -----------------------------------------------------------------------------


def test_bad_rows_save_nothing_and_every_error_names_file_row_and_column(personas: Personas) -> None:
    org = ids.organisation_id(personas.ets_a.pk)
    data = package_zip({
        "organizations.csv": [["id", "name"], [org, "Cooperativa Alfa (test)"]],
        "services.csv": [["id", "organization_id", "name", "status", "minimum_age"],
                         [NEW.format(1), org, "Buono", "active", "3"],
                         [NEW.format(2), org, "Stato strano", "chiuso", ""],
                         [NEW.format(3), org, "", "active", "tre"],
                         [NEW.format(1), org, "Doppione", "active", ""]],
        "locations.csv": [["id", "location_type", "name", "latitude", "longitude"],
                          [NEW.format(10), "physical", "Sede", "45.48", "9.23"]],
        "service_at_location.csv": [["id", "service_id", "location_id"],
                                    [NEW.format(20), NEW.format(1), NEW.format(99)]],
        "schedules.csv": [["id", "service_id", "opens_at", "closes_at", "byday"],
                          [NEW.format(30), NEW.format(1), "25:00", "12:00", "MO"]],
    })
    before = _counts()
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    found = {(e.file, e.row, e.column) for e in result.errors}
    assert {("services.csv", 3, "status"), ("services.csv", 4, "name"), ("services.csv", 4, "minimum_age"),
            ("services.csv", 5, "id"), ("schedules.csv", 2, "opens_at")} <= found
    assert str(next(e for e in result.errors if e.column == "status")).startswith(
        "services.csv, riga 3, colonna status: «chiuso» non è ammesso")
    assert _counts() == before and not AuditEvent.objects.filter(action="directory.import").exists()
    # with the cells fixed, the dangling reference is still reported (second phase), and nothing is saved
    data = package_zip({
        "organizations.csv": [["id", "name"], [org, "x"]],
        "services.csv": [["id", "organization_id", "name", "status"], [NEW.format(1), org, "Buono", "active"]],
        "service_at_location.csv": [["id", "service_id", "location_id"],
                                    [NEW.format(20), NEW.format(1), NEW.format(99)]],
        "schedules.csv": [["id", "service_id", "opens_at", "closes_at", "byday"],
                          [NEW.format(30), NEW.format(1), "14:00", "12:00", "MO"]],
    })
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("service_at_location.csv", 2, "location_id")]
    assert NEW.format(99) in result.errors[0].message
    assert _counts() == before
    # and the rules of our records come last: closing before opening, on its row and column
    data = package_zip({
        "organizations.csv": [["id", "name"], [org, "x"]],
        "services.csv": [["id", "organization_id", "name", "status"], [NEW.format(1), org, "Buono", "active"]],
        "schedules.csv": [["id", "service_id", "opens_at", "closes_at", "byday"],
                          [NEW.format(30), NEW.format(1), "14:00", "12:00", "MO"]],
    })
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("schedules.csv", 2, "closes_at")]
    assert _counts() == before


def test_unknown_organisations_missing_columns_and_bad_zips_are_errors(personas: Personas) -> None:
    data = package_zip({"organizations.csv": [["id", "name"], [NEW.format(5), "Ente che non c'è"]],
                 "services.csv": [["id", "name", "status"], [NEW.format(1), "A", "active"]]})
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert {(e.file, e.row, e.column) for e in result.errors} == {("services.csv", 1, "organization_id")}
    data = package_zip({"organizations.csv": [["id", "name"], [NEW.format(5), "Ente che non c'è"]],
                 "services.csv": [["id", "organization_id", "name", "status"],
                                  [NEW.format(1), NEW.format(5), "A", "active"]]})
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("organizations.csv", 2, "name")]
    assert "registro" in result.errors[0].message
    # matched by name, case aside
    data = package_zip({"organizations.csv": [["id", "name"], [NEW.format(5), "associazione beta (TEST)"]],
                 "services.csv": [["id", "organization_id", "name", "status"],
                                  [NEW.format(1), NEW.format(5), "A", "active"]]})
    assert import_package(data, by=personas.referent, maintainer=personas.ets_a).errors == []
    assert Service.objects.get(hsds_id=NEW.format(1)).organisation == personas.ets_b
    assert not import_package(b"not a zip", by=None, maintainer=personas.ets_a).ok


def test_records_of_another_organisation_cannot_be_changed(personas: Personas) -> None:
    _directory(personas)
    files = _unzip(datapackage())
    _replace(files, "services.csv", 2, "name", "Rubato")
    result = import_package(_rezip(files), by=personas.referent_b, maintainer=personas.ets_b)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("services.csv", 2, "id")]
    assert Service.objects.filter(name="Rubato").count() == 0


# --- The HSDS example ---------------------------------------------------------------------------


def _example(tmp_path: Path) -> Path:
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _set_cell(folder: Path, name: str, column: str, value: str) -> None:
    rows = _rows((folder / name).read_text())
    rows[1][rows[0].index(column)] = value
    with (folder / name).open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_the_hsds_example_reports_its_inconsistencies_then_imports(personas: Personas, tmp_path: Path) -> None:
    Organisation.objects.create(name="Example Organization Inc.", slug="example-org", kind="ets")
    folder = _example(tmp_path)
    result = import_package(folder, by=personas.coordinator, maintainer=personas.ets_a)
    assert {(e.file, e.row, e.column) for e in result.errors} == {
        ("locations.csv", 2, "organization_id"), ("contacts.csv", 2, "service_at_location_id"),
        ("contacts.csv", 2, "organization_id"), ("service_areas.csv", 2, "service_at_location_id"),
        ("taxonomy_terms.csv", 2, "parent_id"), ("taxonomy_terms.csv", 2, "taxonomy_id"),
        ("attributes.csv", 2, "link_id")}
    assert Service.objects.count() == 0
    # the example with its dangling ids pointed at its own records (and a latitude on Earth)
    service, location, link = ("ac148810-d857-441c-9679-408f346de14b", "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
                               "e94c9f38-1e8f-4564-91d4-d53501ab1765")
    _set_cell(folder, "locations.csv", "organization_id", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    _set_cell(folder, "contacts.csv", "service_at_location_id", link)
    _set_cell(folder, "contacts.csv", "organization_id", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    _set_cell(folder, "service_areas.csv", "service_at_location_id", link)
    _set_cell(folder, "taxonomy_terms.csv", "parent_id", "")
    _set_cell(folder, "taxonomy_terms.csv", "taxonomy_id", "5c4d79d7-cc55-470e-9f1f-8cad074e4892")
    _set_cell(folder, "attributes.csv", "link_id", service)
    result = import_package(folder, by=personas.coordinator, maintainer=personas.ets_a)
    assert {(e.file, e.column) for e in result.errors} == {
        ("locations.csv", "latitude"), ("schedules.csv", "byday"), ("attributes.csv", "link_entity")}
    _set_cell(folder, "locations.csv", "latitude", "45.4642")
    _set_cell(folder, "locations.csv", "longitude", "9.19")
    _set_cell(folder, "schedules.csv", "bymonthday", "")  # BYMONTHDAY with FREQ=WEEKLY
    _set_cell(folder, "attributes.csv", "link_entity", "service")
    result = import_package(folder, by=personas.coordinator, maintainer=personas.ets_a)
    assert result.errors == []
    assert any("funding" in warning for warning in result.warnings)
    assert any("count" in warning and "schedules.csv" in warning for warning in result.warnings)
    imported = Service.objects.get(hsds_id=service)
    assert imported.name == "Community Counselling" and imported.organisation.slug == "example-org"
    assert imported.program is not None and imported.program.name == "Community Mental Health Support"
    assert (imported.minimum_age, imported.maximum_age) == (12, 100)
    place = Location.objects.get(hsds_id=location)
    assert place.address_text == "1-30 Main Street, MyVillage" and place.country == "US"
    assert Schedule.objects.get(service_at_location__hsds_id=link).byday == "TH,FR"
    assert Attribute.objects.get(service=imported).term.taxonomy == Taxonomy.objects.get(
        hsds_id="5c4d79d7-cc55-470e-9f1f-8cad074e4892")
    assert imported.cost_options.get().currency == "GBP"
    # the command imports the folder too, and the second time nothing changes
    out = io.StringIO()
    call_command("import_directory", str(folder), "--maintainer", "t-alfa", stdout=out, stderr=io.StringIO())
    assert "Creati: nessuno. Modificati: nessuno." in out.getvalue()


def test_taxonomies_are_changed_only_by_city_coordinators(personas: Personas, tmp_path: Path) -> None:
    data = package_zip({"taxonomies.csv": [["id", "name", "description"], [NEW.format(1), "Nuova", "x"]]})
    result = import_package(data, by=personas.referent, maintainer=personas.ets_a)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("taxonomies.csv", 2, "id")]
    assert import_package(data, by=personas.coordinator, maintainer=personas.ets_a).errors == []
    assert Taxonomy.objects.get(hsds_id=NEW.format(1)).code == "nuova"


def test_the_command_refuses_a_bad_package(personas: Personas, tmp_path: Path) -> None:
    folder = _example(tmp_path)
    with pytest.raises(CommandError):
        call_command("import_directory", str(folder), "--maintainer", "t-alfa", stderr=io.StringIO())
    assert Service.objects.count() == 0


# --- Jobs, pages, progress ----------------------------------------------------------------------


def _upload(personas: Personas, data: bytes, name: str = "pacchetto.zip") -> dict[str, Any]:
    return {"maintainer": personas.ets_a.pk, "file": SimpleUploadedFile(name, data)}


def test_the_import_page_imports_a_package_or_lists_its_errors(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    url = reverse("directory:io_import")
    org = ids.organisation_id(personas.ets_a.pk)
    bad = package_zip({"services.csv": [["id", "organization_id", "name", "status"],
                                 *[[NEW.format(i), org, f"S{i}", "forse"] for i in range(1, 251)]]})
    response = client.post(url, _upload(personas, bad))
    assert response.status_code == 400
    body = response.content.decode()
    assert "250 errori: non è stato salvato nulla." in body and "services.csv" in body
    assert body.count("«forse» non è ammesso") == 200 and "altri 50 errori" in body
    good = package_zip({"services.csv": [["id", "organization_id", "name", "status"],
                                         [NEW.format(1), org, "S", "active"]]})
    response = client.post(url, _upload(personas, good))
    assert response.status_code == 200 and "Importazione completata: 1 record creati" in response.content.decode()
    assert Service.objects.filter(hsds_id=NEW.format(1)).exists()
    job = ImportJob.objects.latest("created_at")
    assert job.status == ImportStatus.DONE and job.created_by == personas.referent and job.data == b""


def test_large_files_go_to_the_background_and_the_page_polls_their_progress(
        personas: Personas, client_as: ClientAs, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 2)
    client = client_as(personas.referent)
    org = ids.organisation_id(personas.ets_a.pk)
    data = package_zip({"services.csv": [["id", "organization_id", "name", "status"],
                                  *[[NEW.format(i), org, f"S{i}", "active"] for i in range(1, 4)]]})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("directory:io_import"), _upload(personas, data))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("directory:io_job", args=[job.pk])
    assert len(callbacks) == 1 and job.status == ImportStatus.QUEUED and job.total == 3
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and reverse("directory:io_job_status", args=[job.pk]) in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, processed=1200, total=20000)
    fragment = client.get(reverse("directory:io_job_status", args=[job.pk])).content.decode()
    assert "Riga 1.200 di 20.000" in fragment and 'value="1200"' in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, processed=0, total=3)
    jobs.run_job(job.pk)  # what the thread does
    fragment = client.get(reverse("directory:io_job_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Importazione completata: 3 record creati" in fragment
    assert Service.objects.count() == 3


def test_the_template_import_goes_through_the_same_jobs(personas: Personas, client_as: ClientAs,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 1)
    text = b"nome servizio;descrizione\nUno;a\nDue;b\n"
    client = client_as(personas.referent)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("directory:io_import"), _upload(personas, text, "servizi.csv"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "template" and job.total == 2
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.outcome["services"] == 2
    assert "2 servizi" in client.get(reverse("directory:io_job", args=[job.pk])).content.decode()


def test_a_job_is_seen_only_by_its_creator_and_city_coordinators(personas: Personas, client_as: ClientAs) -> None:
    job = ImportJob.objects.create(kind="datapackage", created_by=personas.referent, maintainer=personas.ets_a,
                                   filename="x.zip", total=10)
    for name in ("io_job", "io_job_status"):
        url = reverse(f"directory:{name}", args=[job.pk])
        assert client_as(personas.referent).get(url).status_code == 200
        assert client_as(personas.coordinator).get(url).status_code == 200
        assert client_as(personas.referent_b).get(url).status_code == 404
        assert client_as(personas.volunteer).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_type="directory.importjob").count() == 4
    assert client_as(personas.volunteer).post(reverse("directory:io_import"),
                                              _upload(personas, b"x")).status_code == 403
