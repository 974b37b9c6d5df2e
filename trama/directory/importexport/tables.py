"""The HSDS 3.1 tabular tables we exchange (one CSV each), described once for the export, its
`datapackage.json` and the import's column checks.

Columns follow HSDS 3.1 (`datapackage.json` in Open Referral's specification) plus the Trama IT profile's
extensions (docs/hsds-profile.md) on `service`, `location` and `required_document`. `required` is what *we*
need to import a row (HSDS requires a few more, e.g. a postcode for every address, that our records may lack;
our datapackage.json declares what our files actually hold). Columns HSDS defines that we do not keep are
listed in `ignored`: the import reports them when they hold data, so nothing is dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOCATION_TYPES = ("physical", "postal", "virtual")
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("WEEKLY", "MONTHLY")
PHONE_TYPES = ("voice", "cell", "text", "fax", "video", "textphone", "pager")
DOCUMENT_KINDS = ("identity", "residence_permit", "fiscal_code", "isee", "residency", "other")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"  # string, uuid, integer, number, boolean, date, time, datetime, email, uri, object
    required: bool = False
    enum: tuple[str, ...] = ()
    reference: str = ""  # the table an id column points to
    description: str = ""

    def descriptor(self) -> dict[str, Any]:
        """The Frictionless field descriptor."""
        kinds = {"uuid": ("string", "uuid"), "email": ("string", "email"), "uri": ("string", "uri")}
        kind, fmt = kinds.get(self.type, (self.type, ""))
        data: dict[str, Any] = {"name": self.name, "type": kind}
        if fmt:
            data["format"] = fmt
        if self.description:
            data["description"] = self.description
        constraints: dict[str, Any] = {"required": self.required, "unique": self.name == "id"}
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.type == "integer":
            constraints["minimum"] = 0
        data["constraints"] = constraints
        return data


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    columns: tuple[Column, ...]
    ignored: tuple[str, ...] = ()
    description: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def descriptor(self) -> dict[str, Any]:
        references = [c for c in self.columns if c.reference]
        schema: dict[str, Any] = {"fields": [c.descriptor() for c in self.columns], "primaryKey": "id"}
        if references:
            schema["foreignKeys"] = [{"fields": c.name, "reference": {"resource": c.reference, "fields": "id"}}
                                     for c in references]
        data: dict[str, Any] = {"name": self.name, "path": self.path, "profile": "tabular-data-resource",
                                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
        if self.description:
            data["description"] = self.description
        data["schema"] = schema
        return data


def _id() -> Column:
    return Column("id", "uuid", required=True)


def _ref(name: str, table: str, *, required: bool = False) -> Column:
    return Column(name, "uuid", required=required, reference=table)


_TEXT = "string"
_PROFILE = "Trama IT profile extension"

TABLES: tuple[Table, ...] = (
    Table("organization", "organizations.csv", (
        _id(), Column("name", required=True), Column("alternate_name"), Column("description"),
        Column("email", "email"), Column("website", "uri"), Column("legal_status"),
    ), ignored=("tax_status", "tax_id", "year_incorporated", "logo", "uri", "parent_organization_id"),
        description="Organisations running the services (the network's registry; matched, never changed)."),
    Table("program", "programs.csv", (
        _id(), _ref("organization_id", "organization", required=True), Column("name", required=True),
        Column("alternate_name"), Column("description"),
    )),
    Table("taxonomy", "taxonomies.csv", (
        _id(), Column("name", required=True), Column("description"), Column("uri", "uri"), Column("version"),
    )),
    Table("taxonomy_term", "taxonomy_terms.csv", (
        _id(), Column("code"), Column("name", required=True), Column("description"),
        _ref("parent_id", "taxonomy_term"), Column("taxonomy"), Column("language"),
        _ref("taxonomy_id", "taxonomy", required=True), Column("term_uri", "uri"),
    )),
    Table("service", "services.csv", (
        _id(), _ref("organization_id", "organization", required=True), _ref("program_id", "program"),
        Column("name", required=True), Column("alternate_name"), Column("description"), Column("url", "uri"),
        Column("email", "email"), Column("status", required=True, enum=SERVICE_STATUSES),
        Column("interpretation_services"), Column("application_process"), Column("fees_description"),
        Column("accreditations"), Column("eligibility_description"), Column("minimum_age", "integer"),
        Column("maximum_age", "integer"), Column("assured_date", "date"), Column("licenses"), Column("alert"),
        Column("last_modified", "datetime"),
        Column("requires_residency", "boolean", description=_PROFILE),
        Column("requires_documents", "boolean", description=_PROFILE),
        Column("requires_isee", "boolean", description=_PROFILE),
        Column("requires_appointment", "boolean", description=_PROFILE),
        Column("is_free", "boolean", description=_PROFILE),
        Column("translations", "object", description=_PROFILE),
    ), ignored=("wait_time", "fees", "assurer_email")),
    Table("location", "locations.csv", (
        _id(), Column("location_type", required=True, enum=LOCATION_TYPES), Column("url", "uri"),
        _ref("organization_id", "organization"), Column("name"), Column("alternate_name"), Column("description"),
        Column("transportation"), Column("latitude", "number"), Column("longitude", "number"),
        Column("external_identifier"), Column("external_identifier_type"),
        Column("accessibility_notes", description=_PROFILE),
    )),
    Table("address", "addresses.csv", (
        _id(), _ref("location_id", "location", required=True), Column("attention"),
        Column("address_1", required=True), Column("address_2"), Column("city"), Column("region"),
        Column("state_province"), Column("postal_code"), Column("country"),
        Column("address_type", enum=LOCATION_TYPES),
    )),
    Table("service_at_location", "service_at_location.csv", (
        _id(), _ref("service_id", "service", required=True), _ref("location_id", "location", required=True),
        Column("description"),
    )),
    Table("contact", "contacts.csv", (
        _id(), _ref("organization_id", "organization"), _ref("service_id", "service"),
        _ref("service_at_location_id", "service_at_location"), _ref("location_id", "location"), Column("name"),
        Column("title"), Column("department"), Column("email", "email"),
    )),
    Table("phone", "phones.csv", (
        _id(), _ref("location_id", "location"), _ref("service_id", "service"),
        _ref("organization_id", "organization"), _ref("contact_id", "contact"),
        _ref("service_at_location_id", "service_at_location"), Column("number", required=True),
        Column("extension"), Column("type", enum=PHONE_TYPES), Column("description"),
    )),
    Table("language", "languages.csv", (
        _id(), _ref("service_id", "service"), _ref("location_id", "location"), _ref("phone_id", "phone"),
        Column("name"), Column("code", required=True), Column("note"),
    )),
    Table("schedule", "schedules.csv", (
        _id(), _ref("service_id", "service"), _ref("location_id", "location"),
        _ref("service_at_location_id", "service_at_location"), Column("valid_from", "date"),
        Column("valid_to", "date"), Column("dtstart", "date"), Column("timezone", "number"),
        Column("until", "date"), Column("wkst", enum=WEEKDAYS), Column("freq", enum=FREQUENCIES),
        Column("interval", "integer"), Column("byday"), Column("bymonthday"), Column("description"),
        Column("opens_at", "time", required=True), Column("closes_at", "time", required=True), Column("notes"),
    ), ignored=("count", "byweekno", "byyearday", "schedule_link", "attending_type")),
    Table("cost_option", "cost_options.csv", (
        _id(), _ref("service_id", "service", required=True), Column("valid_from", "date"),
        Column("valid_to", "date"), Column("option"), Column("currency"), Column("amount", "number"),
        Column("amount_description"),
    )),
    Table("required_document", "required_documents.csv", (
        _id(), _ref("service_id", "service", required=True), Column("document", required=True),
        Column("uri", "uri"), Column("kind", enum=DOCUMENT_KINDS, description=_PROFILE),
    )),
    Table("service_area", "service_areas.csv", (
        _id(), _ref("service_id", "service", required=True), _ref("service_at_location_id", "service_at_location"),
        Column("name"), Column("description"), Column("extent"), Column("extent_type"), Column("uri"),
    )),
    Table("accessibility", "accessibility.csv", (
        _id(), _ref("location_id", "location", required=True), Column("description"), Column("details"),
        Column("url", "uri"),
    )),
    Table("attribute", "attributes.csv", (
        _id(), Column("link_id", "uuid", required=True), _ref("taxonomy_term_id", "taxonomy_term", required=True),
        Column("link_type"), Column("link_entity", required=True), Column("value"), Column("label"),
    )),
)
BY_NAME = {table.name: table for table in TABLES}
# HSDS tables we do not hold: reported when present with rows.
UNSUPPORTED = {
    "funding": "funding.csv", "url": "url.csv", "metadata": "metadata.csv",
    "meta_table_description": "meta_table_descriptions.csv", "organization_identifier": "organization_identifiers.csv",
    "service_capacity": "service_capacity.csv", "unit": "units.csv",
}


def datapackage_descriptor(*, created: str) -> dict[str, Any]:
    return {
        "name": "trama-hsds",
        "title": "Trama: servizi pubblici della mappa delle risorse",
        "profile": "tabular-data-package",
        "version": "3.1",
        "description": "HSDS 3.1 tabular data package (Open Referral), Trama IT profile 0.1.0.",
        "created": created,
        "sources": [{"title": "Human Services Data Specification (Open Referral)",
                     "path": "https://docs.openreferral.org/"}],
        "resources": [table.descriptor() for table in TABLES],
    }
