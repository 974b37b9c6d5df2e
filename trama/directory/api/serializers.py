"""HSDS 3.1 dicts (Trama IT profile) for the public API.

Rules that hold for every dict built here:

- Only public records reach these functions (see queries.py); nested records are limited to public ones too.
- A location with a confidential address never carries ``addresses``, ``latitude``/``longitude``, ``nil``,
  ``transportation``, ``external_identifier`` nor its own phones, contacts, schedules or accessibility notes
  (profile §4.1): only its id, type, names, description, languages, municipio and ``confidential_address: true``.
- HSDS properties are not nullable: absent values are left out rather than published as null or "" (except the
  required ones, e.g. an organisation's ``description``).
- Lists are built from prefetched relations: use the ``*_queryset()`` functions below to fetch what a serializer
  reads, so a page costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from trama.directory.api import ids
from trama.directory.models import (
    PORTAL_LANGUAGES,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    LocationType,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from trama.network.models import LegalForm, Organisation

# Profile §3.2: the service fields that may carry translations.
SERVICE_TRANSLATABLE = (
    "name", "alternate_name", "description", "eligibility_description", "application_process",
    "fees_description", "interpretation_services", "wait_time", "alert",
)
HSDS_STATUS = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.INACTIVE: "inactive",
    ServiceStatus.DEFUNCT: "defunct",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
}
# Our target-group codes -> the profile's codelist (§3.1). Codes without a profile equivalent are published as
# new codes (allowed by the profile), normalised to its pattern ^[a-z0-9][a-z0-9_]*$.
TARGET_GROUP_CODES = {
    "0-3": "children_0_3",
    "0-6": "children_0_6",
    "6-14": "children_6_14",
    "0-18": "minors_0_18",
    "14-25": "young_people_14_25",
    "neomamme": "new_mothers",
    "famiglie": "families",
    "minori-stranieri": "foreign_minors",
    "adulti": "adults",
    "anziani": "older_people",
    "donne": "women",
    "stranieri": "foreigners",
    "persone-con-disabilita": "people_with_disabilities",
}
_PROFILE_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


# --- small helpers ----------------------------------------------------------------------------------------------


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional HSDS property, leaving out absent values (None, "")."""
    if value is None or value == "":
        return
    target[key] = value


def _put_uri(target: dict[str, Any], key: str, value: str) -> None:
    if value and _URI.match(value):
        target[key] = value


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S")


def _utc_offset_hours(name: str, start: dt.date | None = None, end: dt.date | None = None) -> float | None:
    """HSDS ``timezone`` is a number (a UTC offset): that of the schedule's IANA zone over the days it is valid
    (from `start`, or today, to `end`, or a year later) — or none when the zone changes offset in between (Europe/
    Rome's +1 in winter, +2 in summer): a single number would put half the openings an hour off. The profile
    names the zone (docs/hsds-profile.md)."""
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    first = max(start or dt.date.min, timezone.localdate())
    try:
        last = end if end is not None else first + dt.timedelta(days=366)
        if last < first:  # a period over: its own offsets
            first, last = start or last, last
        # One day a fortnight, and the last one, find any change of a zone that changes at most twice a year.
        day, offset = first, dt.datetime.combine(first, dt.time(12), tzinfo=zone).utcoffset()
        while day < last:
            day = min(day + dt.timedelta(days=14), last) if last - day > dt.timedelta(days=14) else last
            if dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset() != offset:
                return None
    except OverflowError:  # a window dated near the year 9999: no single offset can be told
        return None
    if offset is None:
        return None
    hours = offset.total_seconds() / 3600
    return int(hours) if hours == int(hours) else hours


def target_group_code(code: str) -> str | None:
    mapped = TARGET_GROUP_CODES.get(code) or re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_")
    return mapped if _PROFILE_CODE.match(mapped) else None


def service_translations(translations: Any) -> dict[str, dict[str, str]]:
    """The profile's ``translations`` (§3.2): portal languages, translatable fields, non-empty strings only."""
    result: dict[str, dict[str, str]] = {}
    if not isinstance(translations, dict):
        return result
    for language, fields in translations.items():
        if language not in PORTAL_LANGUAGES or not isinstance(fields, dict):
            continue
        kept = {field: value.strip() for field, value in fields.items()
                if field in SERVICE_TRANSLATABLE and isinstance(value, str) and value.strip()}
        if kept:
            result[language] = kept
    return result


# --- taxonomies -------------------------------------------------------------------------------------------------


def taxonomy_dict(taxonomy: Taxonomy) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(taxonomy.hsds_id), "name": taxonomy.name, "description": taxonomy.description}
    _put_uri(data, "uri", taxonomy.uri)
    _put(data, "version", taxonomy.version)
    return data


def taxonomy_term_dict(term: TaxonomyTerm) -> dict[str, Any]:
    """Needs ``term.taxonomy`` and ``term.parent`` (select_related)."""
    taxonomy = term.taxonomy
    data: dict[str, Any] = {
        "id": str(term.hsds_id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
    }
    if term.parent is not None:
        data["parent_id"] = str(term.parent.hsds_id)
    data.update({
        "taxonomy": taxonomy.name,
        "taxonomy_id": str(taxonomy.hsds_id),
        "taxonomy_detail": taxonomy_dict(taxonomy),
        "language": "it",
    })
    _put_uri(data, "term_uri", term.term_uri)
    translations = {
        language: {"name": label.strip()}
        for language, label in (term.labels or {}).items()
        if language in PORTAL_LANGUAGES and language != "it" and isinstance(label, str) and label.strip()
    }
    if translations:
        data["translations"] = translations
    return data


def term_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


def attribute_dict(attribute: Attribute, service_id: str) -> dict[str, Any]:
    """A taxonomy term applied to a service; needs ``term``, ``term.taxonomy``, ``term.parent`` (select_related)."""
    data: dict[str, Any] = {
        "id": str(attribute.hsds_id),
        "link_id": service_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": str(attribute.term.hsds_id),
    }
    _put(data, "value", attribute.value)
    data["taxonomy_term"] = taxonomy_term_dict(attribute.term)
    return data


# --- organisations ----------------------------------------------------------------------------------------------


_LEGAL_FORMS = frozenset(LegalForm.values)


def legal_form_label(value: str) -> str:
    """The label of a legal form ("" for none). `get_legal_form_display()` translates and hashes every choice at
    each call: a third of an HSDS services page's time."""
    if not value:
        return ""
    return str(LegalForm(value).label) if value in _LEGAL_FORMS else value


def organisation_basic_dict(organisation: Organisation) -> dict[str, Any]:
    """The one-to-one fields (HSDS organization_list)."""
    data: dict[str, Any] = {
        "id": ids.organisation_id(organisation.pk),
        "name": organisation.name,
    }
    _put(data, "alternate_name", organisation.short_name)
    data["description"] = organisation.description
    _put(data, "email", organisation.email)
    _put_uri(data, "website", organisation.website)
    _put(data, "legal_status", legal_form_label(organisation.legal_form))
    return data


def _organisation_phones(organisation: Organisation, organisation_id: str) -> list[dict[str, Any]]:
    if not organisation.phone.strip():
        return []
    return [{"id": ids.derived_id(organisation_id, "phone"), "organization_id": organisation_id,
             "number": organisation.phone.strip(), "type": "voice"}]


def _organisation_identifiers(organisation: Organisation, organisation_id: str) -> list[dict[str, Any]]:
    if not organisation.runts_number.strip():
        return []
    return [{"id": ids.derived_id(organisation_id, "runts"), "organization_id": organisation_id,
             "identifier_scheme": "IT-RUNTS", "identifier_type": "Registro unico nazionale del Terzo settore",
             "identifier": organisation.runts_number.strip()}]


def program_dict(program: Program) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(program.hsds_id),
        "organization_id": ids.organisation_id(program.organisation_id),
        "name": program.name,
    }
    _put(data, "alternate_name", program.alternate_name)
    data["description"] = program.description
    return data


def organisation_full_dicts(
    organisations: list[Organisation], services: QuerySet[Service], *, full_service: bool
) -> list[dict[str, Any]]:
    """Fully nested organisations. ``services`` are the public services: those of these organisations, the places
    where they are delivered and their programmes are fetched in one go for the whole list."""
    theirs = services.filter(organisation_id__in=[organisation.pk for organisation in organisations])
    rows = service_full_queryset(theirs) if full_service else service_list_queryset(theirs)
    by_organisation: dict[int, list[Service]] = defaultdict(list)
    for service in rows.order_by("name", "pk"):
        by_organisation[service.organisation_id].append(service)
    pairs = set(ServiceAtLocation.objects.filter(service__in=theirs.values("pk"))
                .values_list("service__organisation_id", "location_id"))
    locations = location_queryset(Location.objects.filter(pk__in={location for _, location in pairs}))
    owners: dict[int, list[int]] = defaultdict(list)
    for organisation_pk, location_pk in pairs:
        owners[location_pk].append(organisation_pk)
    places: dict[int, list[Location]] = defaultdict(list)
    for location in locations.order_by("name", "pk"):
        for organisation_pk in owners[location.pk]:
            places[organisation_pk].append(location)
    programs: dict[int, list[Program]] = defaultdict(list)
    for program in Program.objects.filter(pk__in=theirs.values("program_id")).order_by("name", "pk"):
        programs[program.organisation_id].append(program)
    result = []
    for organisation in organisations:
        data = organisation_basic_dict(organisation)
        organisation_id = data["id"]
        data.update({
            "additional_websites": [],
            "funding": [],
            "contacts": [],
            "phones": _organisation_phones(organisation, organisation_id),
            "locations": [
                location_dict(location, full=True, organization_id=organisation_id)
                for location in places[organisation.pk]
            ],
            "programs": [program_dict(program) for program in programs[organisation.pk]],
            "organization_identifiers": _organisation_identifiers(organisation, organisation_id),
            "attributes": [],
            "metadata": [],
            "services": [
                service_full_dict(service) if full_service else service_list_dict(service)
                for service in by_organisation[organisation.pk]
            ],
        })
        result.append(data)
    return result


# --- locations --------------------------------------------------------------------------------------------------


def _street(location: Location) -> str:
    """The street part of the address: the normalised "Via Padova 36, Milano" without ", Milano"."""
    text = location.normalised_address or location.address_text
    city = (location.city or "").strip()
    if city and text.lower().endswith(", " + city.lower()):
        text = text[: -len(city) - 2]
    return text.strip()


def address_dict(location: Location) -> dict[str, Any] | None:
    if location.confidential_address or location.location_type == LocationType.VIRTUAL:
        return None
    street = _street(location)
    if not street:
        return None
    milan = (location.city or "").strip().lower() == "milano"
    data: dict[str, Any] = {
        "id": ids.derived_id(location.hsds_id, "address"),
        "location_id": str(location.hsds_id),
        "address_1": street,
        "city": location.city or "",
        "state_province": "MI" if milan else "",
        "postal_code": location.postcode or "",
        "country": location.country or "IT",
        "address_type": "postal" if location.location_type == LocationType.POSTAL else "physical",
    }
    if milan:
        data["region"] = "Lombardia"
    return data


def phone_dict(phone: Phone, **links: str) -> dict[str, Any]:
    """``links``: the HSDS ids of the record the phone hangs off (service_id=…, location_id=…)."""
    data: dict[str, Any] = {"id": str(phone.hsds_id), **links, "number": phone.number}
    extension = phone.extension.strip()
    if re.fullmatch(r"[0-9]{1,10}", extension):  # an int for HSDS; "²" passes str.isdigit but not int()
        data["extension"] = int(extension)
    _put(data, "type", phone.type)
    _put(data, "description", phone.description)
    return data


def contact_dict(contact: Contact, **links: str) -> dict[str, Any]:
    """Needs ``contact.phones`` prefetched."""
    data: dict[str, Any] = {"id": str(contact.hsds_id), **links}
    _put(data, "name", contact.name)
    _put(data, "title", contact.title)
    _put(data, "department", contact.department)
    _put(data, "email", contact.email)
    data["phones"] = [phone_dict(phone, contact_id=str(contact.hsds_id)) for phone in contact.phones.all()]
    return data


def language_dict(language: Language, **links: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(language.hsds_id), **links}
    _put(data, "name", language.name)
    data["code"] = language.code
    _put(data, "note", language.note)
    return data


def schedule_dict(schedule: Schedule, **links: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(schedule.hsds_id), **links}
    _put(data, "valid_from", _date(schedule.valid_from))
    _put(data, "valid_to", _date(schedule.valid_to))
    _put(data, "dtstart", _date(schedule.dtstart))
    _put(data, "timezone", _utc_offset_hours(schedule.timezone, schedule.valid_from or schedule.dtstart,
                                             schedule.valid_to or schedule.until))
    _put(data, "until", _date(schedule.until))
    data.update({"wkst": schedule.wkst, "freq": schedule.freq, "interval": schedule.interval})
    _put(data, "byday", schedule.byday)
    _put(data, "bymonthday", schedule.bymonthday)
    _put(data, "description", schedule.description)
    data.update({"opens_at": _time(schedule.opens_at), "closes_at": _time(schedule.closes_at)})
    _put(data, "notes", schedule.notes)
    return data


def _accessibility_dicts(location: Location, location_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if location.accessibility_notes.strip():
        rows.append({"id": ids.derived_id(location_id, "accessibility_notes"), "location_id": location_id,
                     "description": location.accessibility_notes.strip()})
    for row in location.accessibility.all():
        data: dict[str, Any] = {"id": str(row.hsds_id), "location_id": location_id}
        _put(data, "description", row.description)
        _put(data, "details", row.details)
        _put_uri(data, "url", row.url)
        rows.append(data)
    return rows


def location_dict(location: Location, *, full: bool, organization_id: str | None = None) -> dict[str, Any]:
    """A location with the profile's extensions. ``full`` adds the nested lists (they must be prefetched: see
    location_queryset). Confidential addresses: see the module docstring."""
    location_id = str(location.hsds_id)
    confidential = location.confidential_address
    data: dict[str, Any] = {"id": location_id, "location_type": location.location_type}
    if location.location_type == LocationType.VIRTUAL:
        _put_uri(data, "url", location.url)
    if organization_id:
        data["organization_id"] = organization_id
    data["name"] = location.name
    _put(data, "alternate_name", location.alternate_name)
    _put(data, "description", location.description)
    if not confidential:
        _put(data, "transportation", location.transportation)
        if location.latitude is not None and location.longitude is not None:
            data.update({"latitude": location.latitude, "longitude": location.longitude})
        _put(data, "external_identifier", location.external_identifier)
        _put(data, "external_identifier_type", location.external_identifier_type)
    data["confidential_address"] = confidential
    _put(data, "municipio", location.municipio.code if location.municipio is not None else None)
    if not confidential:
        _put(data, "nil", location.nil.code if location.nil is not None else None)
    if not full:
        return data
    data["languages"] = [language_dict(language, location_id=location_id) for language in location.languages.all()]
    if confidential:
        data.update({"addresses": [], "contacts": [], "accessibility": [], "phones": [], "schedules": []})
    else:
        address = address_dict(location)
        data.update({
            "addresses": [address] if address is not None else [],
            "contacts": [contact_dict(contact, location_id=location_id) for contact in location.contacts.all()],
            "accessibility": _accessibility_dicts(location, location_id),
            "phones": [phone_dict(phone, location_id=location_id) for phone in location.phones.all()],
            "schedules": [schedule_dict(schedule, location_id=location_id) for schedule in location.schedules.all()],
        })
    data.update({"attributes": [], "metadata": []})
    return data


def _location_prefetches(prefix: str) -> list[Any]:
    return [
        f"{prefix}languages",
        f"{prefix}accessibility",
        f"{prefix}phones",
        Prefetch(f"{prefix}contacts", queryset=Contact.objects.prefetch_related("phones")),
        # the place's own opening hours, not those of a service there
        Prefetch(f"{prefix}schedules",
                 queryset=Schedule.objects.filter(service__isnull=True, service_at_location__isnull=True)),
    ]


def location_queryset(locations: QuerySet[Location]) -> QuerySet[Location]:
    return locations.select_related("municipio", "nil").prefetch_related(*_location_prefetches(""))


# --- services ---------------------------------------------------------------------------------------------------


def service_list_dict(service: Service) -> dict[str, Any]:
    """HSDS service_list (one-to-one fields, organisation and programme) with the profile's extensions.

    Needs ``organisation``, ``program`` (select_related) and ``target_groups`` (prefetched): service_list_queryset.
    """
    service_id = str(service.hsds_id)
    organisation_id = ids.organisation_id(service.organisation_id)
    data: dict[str, Any] = {"id": service_id, "organization_id": organisation_id}
    if service.program is not None:
        data["program_id"] = str(service.program.hsds_id)
    data["name"] = service.name
    _put(data, "alternate_name", service.alternate_name)
    _put(data, "description", service.description)
    _put_uri(data, "url", service.url)
    _put(data, "email", service.email)
    data["status"] = HSDS_STATUS.get(ServiceStatus(service.status), "inactive")
    for field in ("interpretation_services", "application_process", "fees_description", "accreditations",
                  "eligibility_description"):
        _put(data, field, getattr(service, field))
    _put(data, "minimum_age", service.minimum_age)
    _put(data, "maximum_age", service.maximum_age)
    _put(data, "assured_date", _date(service.last_verified_on or service.assured_date))
    _put(data, "licenses", service.licenses)
    _put(data, "alert", service.alert)
    data["last_modified"] = _datetime(service.updated_at)
    data["organization"] = organisation_basic_dict(service.organisation)
    if service.program is not None:
        data["program"] = program_dict(service.program)
    # Trama IT profile (§3): stated flags (the model has no "unknown"), target groups, translations.
    data.update({
        "requires_residency": service.requires_residency,
        "requires_documents": service.requires_documents,
        "requires_isee": service.requires_isee,
        "requires_appointment": service.requires_appointment,
        "is_free": service.is_free,
    })
    codes = [target_group_code(group.code) for group in service.target_groups.all()]
    data["target_groups"] = list(dict.fromkeys(code for code in codes if code))
    translations = service_translations(service.translations)
    if translations:
        data["translations"] = translations
    return data


def _amount(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def cost_option_dict(cost: CostOption, service_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(cost.hsds_id), "service_id": service_id}
    _put(data, "valid_from", _date(cost.valid_from))
    _put(data, "valid_to", _date(cost.valid_to))
    _put(data, "option", cost.option)
    _put(data, "currency", cost.currency)
    _put(data, "amount", _amount(cost.amount))
    _put(data, "amount_description", cost.amount_description)
    return data


def required_document_dict(document: RequiredDocument, service_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(document.hsds_id), "service_id": service_id, "document": document.document}
    _put_uri(data, "uri", document.uri)
    return data


def service_area_dict(area: ServiceArea, service_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(area.hsds_id), "service_id": service_id}
    _put(data, "name", area.name or (area.area.name if area.area is not None else ""))
    _put(data, "description", area.description)
    _put(data, "uri", area.uri)
    if area.area is not None:
        data["extent_type"] = "trama_area_code"
        data["extent"] = area.area.code
    return data


def link_nested_dict(link: ServiceAtLocation, service_id: str) -> dict[str, Any]:
    """A service_at_location inside a full service (its location in full)."""
    link_id = str(link.hsds_id)
    location_id = str(link.location.hsds_id)
    data: dict[str, Any] = {"id": link_id, "service_id": service_id, "location_id": location_id}
    _put(data, "description", link.description)
    data.update({
        "service_areas": [],
        "contacts": [contact_dict(contact, service_at_location_id=link_id) for contact in link.contacts.all()],
        "phones": [phone_dict(phone, service_at_location_id=link_id) for phone in link.phones.all()],
        "schedules": [schedule_dict(schedule, service_at_location_id=link_id, service_id=service_id,
                                    location_id=location_id) for schedule in link.schedules.all()],
        "location": location_dict(link.location, full=True),
        "attributes": [],
        "metadata": [],
    })
    return data


def _service_schedule_dict(schedule: Schedule, service_id: str) -> dict[str, Any]:
    # A service's own hours at one of its places (an itinerant desk's imported "service + location" rows) keep
    # that place: without it a consumer reads them as valid at every place.
    location = schedule.location
    if location is None:
        return schedule_dict(schedule, service_id=service_id)
    return schedule_dict(schedule, service_id=service_id, location_id=str(location.hsds_id))


def service_full_dict(service: Service, *, with_locations: bool = True) -> dict[str, Any]:
    """HSDS service (fully nested) with the profile's extensions; read from service_full_queryset()."""
    data = service_list_dict(service)
    service_id = data["id"]
    data.update({
        "additional_urls": [],
        "phones": [phone_dict(phone, service_id=service_id) for phone in service.phones.all()],
        "schedules": [_service_schedule_dict(schedule, service_id) for schedule in service.schedules.all()],
        "service_areas": [service_area_dict(area, service_id) for area in service.service_areas.all()],
    })
    if with_locations:
        data["service_at_locations"] = [link_nested_dict(link, service_id)
                                        for link in service.service_at_locations.all()]
    data.update({
        "languages": [language_dict(language, service_id=service_id) for language in service.languages.all()],
        "funding": [],
        "cost_options": [cost_option_dict(cost, service_id) for cost in service.cost_options.all()],
        "required_documents": [required_document_dict(document, service_id)
                               for document in service.required_documents.all()],
        "contacts": [contact_dict(contact, service_id=service_id) for contact in service.contacts.all()],
        "capacities": [],
        "attributes": [attribute_dict(attribute, service_id) for attribute in service.attributes.all()],
        "metadata": [],
    })
    return data


def minimal_service_dict(service: Service) -> dict[str, Any]:
    return {"id": str(service.hsds_id), "last_modified": _datetime(service.updated_at)}


def _service_prefetches(prefix: str, *, with_locations: bool) -> list[Any]:
    lookups: list[Any] = [
        f"{prefix}target_groups",
        f"{prefix}phones",
        f"{prefix}languages",
        f"{prefix}cost_options",
        f"{prefix}required_documents",
        Prefetch(f"{prefix}service_areas", queryset=ServiceArea.objects.select_related("area")),
        # the service's own schedules; those at one of its places come with the service_at_location
        Prefetch(f"{prefix}schedules",
                 queryset=Schedule.objects.filter(service_at_location__isnull=True).select_related("location")),
        Prefetch(f"{prefix}contacts", queryset=Contact.objects.prefetch_related("phones")),
        Prefetch(f"{prefix}attributes", queryset=Attribute.objects.select_related("term__taxonomy", "term__parent")),
    ]
    if with_locations:
        lookups.append(Prefetch(f"{prefix}service_at_locations",
                                queryset=link_queryset(ServiceAtLocation.objects.order_by("location__name", "pk"))))
    return lookups


def service_list_queryset(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organisation", "program").prefetch_related("target_groups")


def service_full_queryset(services: QuerySet[Service], *, with_locations: bool = True) -> QuerySet[Service]:
    return services.select_related("organisation", "program").prefetch_related(
        *_service_prefetches("", with_locations=with_locations))


# --- service at locations ---------------------------------------------------------------------------------------


def link_queryset(links: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    """What link_nested_dict reads."""
    return links.select_related("location__municipio", "location__nil").prefetch_related(
        "schedules", "phones", Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
        *_location_prefetches("location__"),
    )


def link_list_dict(link: ServiceAtLocation) -> dict[str, Any]:
    """HSDS service_at_location_list: the link, its location and its service (one-to-one fields)."""
    data: dict[str, Any] = {"id": str(link.hsds_id), "service_id": str(link.service.hsds_id),
                            "location_id": str(link.location.hsds_id)}
    _put(data, "description", link.description)
    data["location"] = location_dict(link.location, full=False)
    data["service"] = service_list_dict(link.service)
    return data


def link_full_dict(link: ServiceAtLocation) -> dict[str, Any]:
    """HSDS service_at_location (fully nested); read from link_full_queryset()."""
    service = service_full_dict(link.service, with_locations=False)
    data = link_nested_dict(link, service["id"])
    data["service"] = service
    return data


def link_list_queryset(links: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return links.select_related(
        "service__organisation", "service__program", "location__municipio", "location__nil"
    ).prefetch_related("service__target_groups")


def link_full_queryset(links: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return link_queryset(links).select_related("service__organisation", "service__program").prefetch_related(
        *_service_prefetches("service__", with_locations=False))


def organisations_basic(organisations: Iterable[Organisation]) -> list[dict[str, Any]]:
    return [organisation_basic_dict(organisation) for organisation in organisations]
