"""Exports of the public directory: HSDS JSON (full services), GeoJSON (public places), XLSX (the template's
columns). Only active public services; confidential addresses never leave (their places are left out)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from trama.directory.access import public_services
from trama.directory.api.serializers import service_full_dict, service_full_queryset
from trama.directory.forms import NEEDS_TAXONOMY
from trama.directory.importexport.template import _DAY_ORDER, _DAYS, template_xlsx
from trama.directory.models import Attribute, Location, Schedule, Service, ServiceAtLocation

FORMATS = {
    "hsds": ("application/json", "json"),
    "geojson": ("application/geo+json", "geojson"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
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


def export(fmt: str) -> bytes:
    return {"hsds": hsds_json, "geojson": geojson, "xlsx": xlsx}[fmt]()
