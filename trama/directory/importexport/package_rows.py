"""One checked CSV row → one pending record (`Item`): model values and references, table by table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from trama.directory.models import ServiceStatus

_STATUS = {"active": ServiceStatus.ACTIVE, "inactive": ServiceStatus.INACTIVE, "defunct": ServiceStatus.DEFUNCT,
           "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
           "temporarily_closed": ServiceStatus.TEMPORARILY_CLOSED}


@dataclass
class Ref:
    table: str
    id: uuid.UUID
    column: str


@dataclass
class Item:
    """A record of the file on its way in: model values, references (model field → target) and, after the
    check, the model object (existing or new) and what changes."""

    table: str
    file: str
    row: int
    hsds_id: uuid.UUID
    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # model field → the column it comes from
    refs: dict[str, Ref | None] = field(default_factory=dict)
    obj: Any = None
    created: bool = False
    changes: dict[str, list[Any]] = field(default_factory=dict)


class Builder:
    """Turns checked rows into Items, table by table (only the columns present in the file are set)."""

    def __init__(self, item: Item, row: dict[str, Any], present: set[str]) -> None:
        self.item, self.row, self.present = item, row, present

    def put(self, name: str, column: str | None = None, *, default: Any = "", convert: Any = None) -> None:
        column = column or name
        if column not in self.present:
            return
        value = self.row.get(column)
        if value is None:
            value = default
        elif convert is not None:
            value = convert(value)
        self.item.values[name] = value
        self.item.columns[name] = column

    def ref(self, name: str, column: str, table: str) -> None:
        if column not in self.present:
            return
        value = self.row.get(column)
        self.item.refs[name] = Ref(table, value, column) if value is not None else None
        self.item.columns[name] = column


def build(table: str, b: Builder) -> None:  # noqa: C901, PLR0912 - one branch per table
    put, ref = b.put, b.ref
    if table == "program":
        ref("organisation", "organization_id", "organization")
        for name in ("name", "alternate_name", "description"):
            put(name)
    elif table == "taxonomy":
        for name in ("name", "description", "uri", "version"):
            put(name)
    elif table == "taxonomy_term":
        for name in ("code", "name", "description", "term_uri"):
            put(name)
        ref("parent", "parent_id", "taxonomy_term")
        ref("taxonomy", "taxonomy_id", "taxonomy")
    elif table == "service":
        ref("organisation", "organization_id", "organization")
        ref("program", "program_id", "program")
        for name in ("name", "alternate_name", "description", "url", "email", "interpretation_services",
                     "application_process", "fees_description", "accreditations", "eligibility_description",
                     "licenses", "alert"):
            put(name)
        put("status", convert=_STATUS.get)
        put("minimum_age", default=None)
        put("maximum_age", default=None)
        put("assured_date", default=None)
        for name in ("requires_residency", "requires_documents", "requires_isee", "requires_appointment",
                     "is_free"):
            put(name, default=False)
        put("translations", default={})
    elif table == "location":
        ref("_organization", "organization_id", "organization")  # checked only: new places get the maintainer
        for name in ("location_type", "url", "name", "alternate_name", "description", "transportation",
                     "external_identifier", "external_identifier_type", "accessibility_notes"):
            put(name)
        put("latitude", default=None, convert=float)
        put("longitude", default=None, convert=float)
    elif table == "address":
        pass  # applied to its location by _merge_addresses
    elif table == "service_at_location":
        ref("service", "service_id", "service")
        ref("location", "location_id", "location")
        put("description")
    elif table in ("contact", "phone", "language", "schedule"):
        owners = {"contact": ("service", "location", "service_at_location"),
                  "phone": ("service", "location", "service_at_location", "contact"),
                  "language": ("service", "location", "phone"),
                  "schedule": ("service", "location", "service_at_location")}[table]
        for owner in owners:
            ref(owner, f"{owner}_id", owner)
        if table in ("contact", "phone"):
            ref("_organization", "organization_id", "organization")  # checked only: not kept by Trama
        names = {"contact": ("name", "title", "department", "email"),
                 "phone": ("number", "extension", "type", "description"),
                 "language": ("name", "code", "note"),
                 "schedule": ("byday", "bymonthday", "description", "notes")}[table]
        for name in names:
            put(name)
        if table == "phone":
            put("type", default="voice")
        if table == "schedule":
            for name in ("valid_from", "valid_to", "dtstart", "until", "opens_at", "closes_at"):
                put(name, default=None)
            put("wkst", default="MO")
            put("freq", default="WEEKLY")
            put("interval", default=1)
    elif table == "cost_option":
        ref("service", "service_id", "service")
        put("valid_from", default=None)
        put("valid_to", default=None)
        put("option")
        put("currency", default="EUR", convert=str.upper)
        put("amount", default=None)
        put("amount_description")
    elif table == "required_document":
        ref("service", "service_id", "service")
        put("document")
        put("uri")
        put("kind", default="other")
    elif table == "service_area":
        ref("service", "service_id", "service")
        ref("_service_at_location", "service_at_location_id", "service_at_location")  # checked only
        for name in ("name", "description", "uri"):
            put(name)
    elif table == "accessibility":
        ref("location", "location_id", "location")
        for name in ("description", "details", "url"):
            put(name)
    elif table == "attribute":
        ref("service", "link_id", "service")
        ref("term", "taxonomy_term_id", "taxonomy_term")
        put("value")
