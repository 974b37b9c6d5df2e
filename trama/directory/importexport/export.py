"""Exports of the public directory: HSDS JSON (full services), GeoJSON (public places), XLSX (the template's
columns) and the HSDS tabular datapackage (a zip of one CSV per table + datapackage.json, see tables.py).
Only active public services; confidential addresses never leave (their places are left out)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from trama.directory.access import public_services
from trama.directory.api import ids
from trama.directory.api.serializers import legal_form_label, service_full_dict, service_full_queryset
from trama.directory.forms import NEEDS_TAXONOMY
from trama.directory.importexport.tables import TABLES, datapackage_descriptor
from trama.directory.importexport.template import _DAY_ORDER, _DAYS, template_xlsx
from trama.directory.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    LocationType,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from trama.network.models import Organisation

FORMATS = {
    "hsds": ("application/json", "json"),
    "geojson": ("application/geo+json", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "datapackage": ("application/zip", "zip"),
}
_DAY_NAMES = {code: name for name, code in _DAYS.items()}


def hsds_services() -> list[dict[str, Any]]:
    return [service_full_dict(s) for s in service_full_queryset(public_services().order_by("name", "pk"))]


def hsds_json() -> bytes:
    return json.dumps(hsds_services(), ensure_ascii=False, indent=1).encode()


def geojson() -> bytes:
    """One Point per located, non-confidential place where a public service is offered."""
    links = (ServiceAtLocation.objects.filter(service__in=public_services(), location__confidential_address=False,
                                              location__latitude__isnull=False, location__longitude__isnull=False)
             .select_related("service", "location").order_by("location__name", "location_id", "service__name"))
    places: dict[int, dict[str, Any]] = {}
    for link in links:
        location: Location = link.location
        feature = places.setdefault(location.pk, {
            "type": "Feature",
            "id": str(location.hsds_id),
            "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
            "properties": {"name": location.name, "address": location.normalised_address or location.address_text,
                           "postcode": location.postcode, "services": []},
        })
        feature["properties"]["services"].append({"id": str(link.service.hsds_id), "name": link.service.name})
    collection = {"type": "FeatureCollection", "features": list(places.values()),
                  "generated_at": timezone.now().isoformat()}
    return json.dumps(collection, ensure_ascii=False).encode()


def _yes_no(value: bool) -> str:
    return "sì" if value else "no"


def _hours(schedules: list[Schedule]) -> str:
    parts = []
    for schedule in schedules:
        if schedule.freq != "WEEKLY" or schedule.interval != 1 or not schedule.byday:
            continue
        codes = [c for c in schedule.byday.split(",") if c in _DAY_NAMES]
        codes.sort(key=_DAY_ORDER.index)
        days = ", ".join(_DAY_NAMES[c] for c in codes)
        parts.append(f"{days} {schedule.opens_at:%H:%M}-{schedule.closes_at:%H:%M}")
    return "; ".join(parts)


def _service_rows(service: Service) -> list[list[Any]]:
    needs = "; ".join(a.term.code for a in service.attributes.all() if a.term.taxonomy.code == NEEDS_TAXONOMY)
    base = [service.name, service.description, service.organisation.slug]
    phone = next(iter(service.phones.all()), None)
    tail = [
        phone.number if phone else "", "; ".join(lang.code for lang in service.languages.all()), needs,
        service.minimum_age, service.maximum_age, _yes_no(not service.requires_residency),
        _yes_no(not service.requires_documents), _yes_no(service.is_free), _yes_no(service.requires_appointment),
    ]
    links = [link for link in service.service_at_locations.all() if not link.location.confidential_address]
    if not links:
        return [[*base, "", "", *tail, _hours(list(service.schedules.all()))]]
    return [[*base, link.location.name, link.location.address_text, *tail, _hours(list(link.schedules.all()))]
            for link in links]


def xlsx() -> bytes:
    services = public_services().select_related("organisation").prefetch_related(
        "phones", "languages",
        Prefetch("attributes", queryset=Attribute.objects.select_related("term__taxonomy")),
        Prefetch("schedules", queryset=Schedule.objects.filter(service_at_location__isnull=True,
                                                              location__isnull=True).order_by("opens_at")),
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")
                 .prefetch_related(Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at")))),
    ).order_by("name", "pk")
    rows = [row for service in services for row in _service_rows(service)]
    return template_xlsx(rows)


# --- HSDS tabular datapackage ---------------------------------------------------------------------

HSDS_STATUS = {ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed"}


def cell(value: Any) -> str:
    """One CSV cell: the text the import reads back to the same value (round trip)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal | uuid.UUID | int):
        return str(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


def _hid(obj: Any) -> str | None:
    return str(obj.hsds_id) if obj is not None else None


def _all_exported(row: models.Model, owners: dict[str, set[int]]) -> bool:
    """A row hanging off several records is exported only if every one of them is (no dangling reference)."""
    present = [(name, getattr(row, f"{name}_id")) for name in owners]
    return any(pk is not None for _, pk in present) and all(
        pk is None or pk in owners[name] for name, pk in present)


def _owned(model: type[models.Model], owners: dict[str, set[int]], related: Iterable[str]) -> list[Any]:
    query = Q(pk__in=[])
    for name, pks in owners.items():
        query |= Q(**{f"{name}_id__in": pks})
    rows = model.objects.filter(query).select_related(*related).order_by("pk")  # type: ignore[attr-defined]
    return [row for row in rows if _all_exported(row, owners)]


def datapackage_tables() -> dict[str, list[list[str]]]:
    """Every table's rows (header first) for the public directory."""
    tables: dict[str, list[list[Any]]] = {table.name: [] for table in TABLES}
    services = list(public_services().select_related("organisation", "program").order_by("name", "pk"))
    service_pks = {s.pk for s in services}
    links = list(ServiceAtLocation.objects.filter(service_id__in=service_pks, location__confidential_address=False)
                 .select_related("service", "location").order_by("service__name", "location__name", "pk"))
    link_pks = {link.pk for link in links}
    locations = {link.location.pk: link.location for link in links}
    location_pks = set(locations)
    organisation_pks = {s.organisation_id for s in services} | {loc.maintainer_id for loc in locations.values()}
    programs = {s.program.pk: s.program for s in services if s.program is not None}
    organisation_pks |= {p.organisation_id for p in programs.values()}

    for org in Organisation.objects.filter(pk__in=organisation_pks).order_by("name", "pk"):
        tables["organization"].append([ids.organisation_id(org.pk), org.name, org.short_name, org.description,
                                       org.email, org.website, legal_form_label(org.legal_form)])
    for program in sorted(programs.values(), key=lambda p: (p.name, p.pk)):
        tables["program"].append([program.hsds_id, ids.organisation_id(program.organisation_id), program.name,
                                  program.alternate_name, program.description])
    for taxonomy in Taxonomy.objects.order_by("code"):
        tables["taxonomy"].append([taxonomy.hsds_id, taxonomy.name, taxonomy.description, taxonomy.uri,
                                   taxonomy.version])
    for term in TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("taxonomy__code", "pk"):
        tables["taxonomy_term"].append([term.hsds_id, term.code, term.name, term.description, _hid(term.parent),
                                        term.taxonomy.name, "it", term.taxonomy.hsds_id, term.term_uri])
    for s in services:
        tables["service"].append([
            s.hsds_id, ids.organisation_id(s.organisation_id), _hid(s.program), s.name, s.alternate_name,
            s.description, s.url, s.email, HSDS_STATUS.get(ServiceStatus(s.status), s.status),
            s.interpretation_services, s.application_process, s.fees_description, s.accreditations,
            s.eligibility_description, s.minimum_age, s.maximum_age, s.assured_date, s.licenses, s.alert,
            s.updated_at, s.requires_residency, s.requires_documents, s.requires_isee, s.requires_appointment,
            s.is_free, s.translations,
        ])
    for loc in sorted(locations.values(), key=lambda loc: (loc.name, loc.pk)):
        tables["location"].append([
            loc.hsds_id, loc.location_type, loc.url, ids.organisation_id(loc.maintainer_id), loc.name,
            loc.alternate_name, loc.description, loc.transportation, loc.latitude, loc.longitude,
            loc.external_identifier, loc.external_identifier_type, loc.accessibility_notes,
        ])
        if loc.address_text and loc.location_type != LocationType.VIRTUAL:
            milan = (loc.city or "").strip().lower() == "milano"
            tables["address"].append([
                ids.derived_id(loc.hsds_id, "address"), loc.hsds_id, "", loc.address_text, "", loc.city,
                "Lombardia" if milan else "", "MI" if milan else "", loc.postcode, loc.country,
                "postal" if loc.location_type == LocationType.POSTAL else "physical",
            ])
    for link in links:
        tables["service_at_location"].append([link.hsds_id, link.service.hsds_id, link.location.hsds_id,
                                              link.description])
    by_service = {"service": service_pks, "location": location_pks, "service_at_location": link_pks}
    contacts = _owned(Contact, by_service, ("service", "location", "service_at_location"))
    for contact in contacts:
        tables["contact"].append([contact.hsds_id, None, _hid(contact.service), _hid(contact.service_at_location),
                                  _hid(contact.location), contact.name, contact.title, contact.department,
                                  contact.email])
    phones = _owned(Phone, {**by_service, "contact": {c.pk for c in contacts}},
                    ("service", "location", "service_at_location", "contact"))
    for phone in phones:
        tables["phone"].append([phone.hsds_id, _hid(phone.location), _hid(phone.service), None,
                                _hid(phone.contact), _hid(phone.service_at_location), phone.number,
                                phone.extension, phone.type, phone.description])
    languages = _owned(Language, {"service": service_pks, "location": location_pks,
                                  "phone": {p.pk for p in phones}}, ("service", "location", "phone"))
    for language in languages:
        tables["language"].append([language.hsds_id, _hid(language.service), _hid(language.location),
                                   _hid(language.phone), language.name, language.code, language.note])
    for sc in _owned(Schedule, by_service, ("service", "location", "service_at_location__service",
                                            "service_at_location__location")):
        link = sc.service_at_location
        service_id = _hid(link.service) if link is not None else _hid(sc.service)
        location_id = _hid(link.location) if link is not None else _hid(sc.location)
        tables["schedule"].append([
            sc.hsds_id, service_id, location_id, _hid(link), sc.valid_from, sc.valid_to, sc.dtstart,
            None, sc.until, sc.wkst, sc.freq, sc.interval, sc.byday, sc.bymonthday, sc.description,
            sc.opens_at, sc.closes_at, sc.notes,
        ])
    only_services = {"service": service_pks}
    for cost in _owned(CostOption, only_services, ("service",)):
        tables["cost_option"].append([cost.hsds_id, cost.service.hsds_id, cost.valid_from, cost.valid_to,
                                      cost.option, cost.currency, cost.amount, cost.amount_description])
    for document in _owned(RequiredDocument, only_services, ("service",)):
        tables["required_document"].append([document.hsds_id, document.service.hsds_id, document.document,
                                            document.uri, document.kind])
    for area in _owned(ServiceArea, only_services, ("service", "area")):
        extent, extent_type = (area.area.code, "trama_area_code") if area.area is not None else ("", "")
        tables["service_area"].append([area.hsds_id, area.service.hsds_id, None, area.name, area.description,
                                       extent, extent_type, area.uri])
    for row in _owned(Accessibility, {"location": location_pks}, ("location",)):
        tables["accessibility"].append([row.hsds_id, row.location.hsds_id, row.description, row.details, row.url])
    for attribute in _owned(Attribute, only_services, ("service", "term")):
        tables["attribute"].append([attribute.hsds_id, attribute.service.hsds_id, attribute.term.hsds_id,
                                    "service", "service", attribute.value, ""])
    return {table.name: [table.header, *([cell(v) for v in row] for row in tables[table.name])]
            for table in TABLES}


def datapackage() -> bytes:
    """The zip: datapackage.json and one CSV per table (UTF-8, comma-separated, header first)."""
    buffer = io.BytesIO()
    created = timezone.now().isoformat(timespec="seconds")
    tables = datapackage_tables()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(datapackage_descriptor(created=created),
                                                        ensure_ascii=False, indent=1))
        for table in TABLES:
            text = io.StringIO()
            csv.writer(text, lineterminator="\r\n").writerows(tables[table.name])
            archive.writestr(table.path, text.getvalue())
    return buffer.getvalue()


def export(fmt: str) -> bytes:
    return {"hsds": hsds_json, "geojson": geojson, "xlsx": xlsx, "datapackage": datapackage}[fmt]()
