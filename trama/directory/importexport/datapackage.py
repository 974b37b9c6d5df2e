"""Import of an HSDS 3.1 tabular datapackage (a zip, or a folder, of one CSV per table + datapackage.json).

All or nothing, in two phases:
1. **Check** (no writes): every CSV is read and every cell checked (types, enums, dates and times, required
   columns, duplicate ids), every reference between tables resolved (in the file or among our records), the
   organisations matched, addresses without coordinates geocoded, each record validated with our models' rules and
   the user's right to change it checked. Every error is collected with its file, row and column.
2. **Write**, only if there was no error, in one transaction: records are upserted by their HSDS `id` (a record
   whose values are all equal is not touched, so re-importing our own export changes nothing), with one revision
   per created/changed record and one audit event for the import; the search index is rebuilt for the services
   touched.

Decisions:
- **Organisations** are the network's registry: they are matched, never created or changed. An `id` that is one
  of ours (trama.directory.api.ids) finds the organisation; otherwise the `name` (or short name), ignoring case.
  An organisation found by neither is an error: the coordinator adds it to the registry and imports again.
- New services and places are kept up to date by the organisation chosen on the import page ("maintainer");
  existing ones keep theirs, and changing them needs the right to edit that organisation's records.
- Upsert only: records missing from the file are not deleted.
- Taxonomies and terms may be created or changed only by roles that edit every record (city coordinators).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.directory import access
from trama.directory import services as directory_services
from trama.directory.api import ids
from trama.directory.importexport.package_read import (
    CellError,
    PackageError,
    PackageFileError,
    PackageResult,
    csv_rows,
    package_files,
    parse_cell,
    resource_paths,
)
from trama.directory.importexport.package_rows import Builder, Item, Ref, build
from trama.directory.importexport.package_rules import Rules
from trama.directory.importexport.tables import BY_NAME, TABLES, UNSUPPORTED, Table
from trama.directory.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    Program,
    RequiredDocument,
    RevisionAction,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceRevision,
    Taxonomy,
    TaxonomyTerm,
)
from trama.directory.search.signals import BULK_STATISTICS
from trama.directory.search.text import refresh_statistics, reindex_services
from trama.network.models import Organisation
from trama.territory.models import Area

if TYPE_CHECKING:
    from trama.accounts.models import User

MAX_ROWS = 200_000
Progress = Callable[[int, int], None]  # (rows checked, total rows)

MODELS: dict[str, type[models.Model]] = {
    "program": Program, "taxonomy": Taxonomy, "taxonomy_term": TaxonomyTerm, "service": Service,
    "location": Location, "service_at_location": ServiceAtLocation, "contact": Contact, "phone": Phone,
    "language": Language, "schedule": Schedule, "cost_option": CostOption, "required_document": RequiredDocument,
    "service_area": ServiceArea, "accessibility": Accessibility, "attribute": Attribute,
}
# Location fields that come from addresses.csv (errors on them name that file).
ADDRESS_FIELDS = frozenset({"address_text", "postcode", "city", "country"})
# The order of writing: every record after the ones it points to.
WRITE_ORDER = ("taxonomy", "taxonomy_term", "program", "service", "location", "service_at_location", "contact",
               "phone", "language", "schedule", "cost_option", "required_document", "service_area",
               "accessibility", "attribute")


# --- The import -----------------------------------------------------------------------------------


def _chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Import(Rules):
    def __init__(self, *, by: User | None, maintainer: Organisation, progress: Progress | None) -> None:
        self.by, self.maintainer, self.progress = by, maintainer, progress
        self.result = PackageResult()
        self.items: dict[str, dict[uuid.UUID, Item]] = {table.name: {} for table in TABLES}
        self.paths: dict[str, str] = {}
        self.organisations: dict[uuid.UUID, Organisation | None] = {}
        self.existing: dict[str, dict[uuid.UUID, Any]] = defaultdict(dict)
        self.checked = 0
        self.to_locate: list[Location] = []
        self._published: tuple[set[int], set[int], set[int]] | None = None

    def error(self, file: str, row: int, column: str, message: str) -> None:
        self.result.errors.append(PackageError(file, row, column, message))

    def item_error(self, item: Item, name: str | None, message: str) -> None:
        column = item.columns.get(name or "", name or "")
        address: Item | None = item.values.get("_address")
        if address is not None and name in ADDRESS_FIELDS:
            self.error(address.file, address.row, column, message)
            return
        self.error(item.file, item.row, column, message)

    # -- phase 1: read and check the cells --

    def read(self, files: dict[str, bytes]) -> None:
        self.paths = resource_paths(files, self.result.errors)
        tables: list[tuple[Table, str, list[str], list[tuple[int, list[str]]]]] = []
        for table in TABLES:
            name = self.paths[table.name]
            if name not in files:
                continue
            header, rows = csv_rows(name, files[name], self.result.errors)
            tables.append((table, name, header, rows))
            self.result.total += len(rows)
        for key, name in UNSUPPORTED.items():
            if name in files and len(files[name].strip().splitlines()) > 1:
                self.result.warnings.append(_("%(file)s: la tabella «%(table)s» non è gestita da Trama e non è "
                                              "stata importata.") % {"file": name, "table": key})
        if not tables:
            self.error("datapackage.json", 0, "", _("nessuna tabella HSDS trovata (es. services.csv)."))
            return
        if self.result.total > MAX_ROWS:
            self.error("datapackage.json", 0, "", _("troppe righe: al massimo %(max)s.") % {"max": MAX_ROWS})
            return
        self._report()
        for table, name, header, rows in tables:
            self._read_table(table, name, header, rows)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.checked, self.result.total)

    def _read_table(self, table: Table, name: str, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        bad_header = False
        for position, title in enumerate(header):
            if title in header[:position]:
                self.error(name, 1, title, _("colonna ripetuta."))
                bad_header = True
        for column in table.columns:
            if column.required and column.name not in header:
                self.error(name, 1, column.name, _("manca la colonna obbligatoria."))
                bad_header = True
        if bad_header:
            return
        unknown = [c for c in header if c and c not in table.by_name]
        filled: set[str] = set()
        present = {c for c in header if c in table.by_name}
        seen: dict[uuid.UUID, int] = {}
        for number, line in rows:
            self.checked += 1
            if self.checked % 200 == 0:
                self._report()
            if len(line) > len(header):
                self.error(name, number, "-", _("la riga ha più celle dell'intestazione."))
                continue
            cells = dict(zip(header, line, strict=False))
            values: dict[str, Any] = {}
            valid = True
            for column_name in header:
                spec = table.by_name.get(column_name)
                if spec is None:
                    continue
                try:
                    values[column_name] = parse_cell(spec, cells.get(column_name, ""))
                except CellError as error:
                    self.error(name, number, column_name, str(error))
                    valid = False
            filled.update(c for c in unknown if cells.get(c, "").strip())
            if not valid:
                continue
            hsds_id: uuid.UUID = values["id"]
            if hsds_id in seen:
                self.error(name, number, "id", _("identificativo ripetuto (già alla riga %(row)s).")
                           % {"row": seen[hsds_id]})
                continue
            seen[hsds_id] = number
            item = Item(table=table.name, file=name, row=number, hsds_id=hsds_id)
            item.values["_row"] = values
            build(table.name, Builder(item, values, present))
            self.items[table.name][hsds_id] = item
        ignored = sorted(c for c in filled if c in table.ignored or c not in table.by_name)
        if ignored:
            self.result.warnings.append(_("%(file)s: colonne non importate: %(columns)s.")
                                        % {"file": name, "columns": ", ".join(ignored)})
        self._report()

    # -- phase 1: organisations and references --

    def match_organisations(self) -> None:
        for item in self.items["organization"].values():
            row = item.values["_row"]
            pk = ids.organisation_pk(item.hsds_id)
            found = Organisation.objects.filter(pk=pk).first() if pk else None
            if found is None:
                name = " ".join(str(row.get("name") or "").split())
                matches = list(Organisation.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name))[:2])
                if len(matches) > 1:
                    self.error(item.file, item.row, "name", _(
                        "più enti del registro si chiamano «%(name)s»: usa l'identificativo HSDS dell'ente.")
                        % {"name": name})
                elif matches:
                    found = matches[0]
                else:
                    self.error(item.file, item.row, "name", _(
                        "ente «%(name)s» non presente nel registro degli enti della rete: aggiungilo al registro "
                        "(o correggi il nome) e ripeti l'importazione.") % {"name": name})
            self.organisations[item.hsds_id] = found

    def load_existing(self) -> None:
        for table, model in MODELS.items():
            wanted = set(self.items[table])
            for item in self._all_items():
                for target in item.refs.values():
                    if target is not None and target.table == table and target.id not in self.items[table]:
                        wanted.add(target.id)
            for chunk in _chunks(sorted(wanted, key=str)):
                for obj in model.objects.filter(hsds_id__in=chunk):  # type: ignore[attr-defined]
                    self.existing[table][obj.hsds_id] = obj

    def _all_items(self) -> Iterator[Item]:
        for table in TABLES:
            yield from self.items[table.name].values()

    def _organisation(self, target: Ref) -> Organisation | None:
        if target.id in self.organisations:
            return self.organisations[target.id]
        pk = ids.organisation_pk(target.id)
        found = Organisation.objects.filter(pk=pk).first() if pk else None
        self.organisations[target.id] = found
        return found

    def check_references(self) -> None:
        for item in self._all_items():
            for name, target in item.refs.items():
                if target is None:
                    continue
                if target.table == "organization":
                    if target.id not in self.items["organization"] and self._organisation(target) is None:
                        self.item_error(item, name, _(
                            "«%(id)s» non corrisponde a nessun ente di organizations.csv né del registro.")
                            % {"id": target.id})
                    continue
                if target.id not in self.items[target.table] and target.id not in self.existing[target.table]:
                    self.item_error(item, name, _(
                        "«%(id)s» non corrisponde a nessuna riga di %(file)s né a un record già presente.")
                        % {"id": target.id, "file": BY_NAME[target.table].path})

    def _target(self, target: Ref | None) -> Any:
        if target is None:
            return None
        if target.table == "organization":
            return self.organisations.get(target.id)
        item = self.items[target.table].get(target.id)
        if item is not None:
            return item.obj
        return self.existing[target.table].get(target.id)

    # -- phase 1: addresses, objects, rules --

    def merge_addresses(self) -> None:
        by_location: dict[uuid.UUID, Item] = {}
        for address in self.items["address"].values():
            row = address.values["_row"]
            location_id: uuid.UUID = row["location_id"]
            if location_id in by_location:
                self.error(address.file, address.row, "location_id", _(
                    "la sede ha già un indirizzo alla riga %(row)s: in Trama una sede ha un solo indirizzo.")
                    % {"row": by_location[location_id].row})
                continue
            by_location[location_id] = address
            location = self.items["location"].get(location_id)
            if location is None:
                if location_id not in self.existing["location"]:
                    existing = Location.objects.filter(hsds_id=location_id).first()
                    if existing is None:
                        self.error(address.file, address.row, "location_id", _(
                            "«%(id)s» non corrisponde a nessuna riga di locations.csv né a un record già "
                            "presente.") % {"id": location_id})
                        continue
                    self.existing["location"][location_id] = existing
                location = Item(table="location", file=address.file, row=address.row, hsds_id=location_id)
                self.items["location"][location_id] = location
            text = ", ".join(p for p in (row.get("address_1"), row.get("address_2")) if p)
            fields = {"address_text": (text, "address_1"), "postcode": (row.get("postal_code") or "", "postal_code"),
                      "city": (row.get("city") or "", "city"),
                      "country": ((row.get("country") or "IT").upper(), "country")}
            for name, (value, column) in fields.items():
                if column in row:  # only the columns the file has: a partial file changes nothing else
                    location.values[name] = value
                    location.columns[name] = column
            location.values["_address"] = address

    def prepare(self) -> None:
        """The model object of every item, with its new values; what changes."""
        for table in WRITE_ORDER:
            model = MODELS[table]
            for item in self.items[table].values():
                existing = self.existing[table].get(item.hsds_id)
                item.created = existing is None
                item.obj = existing if existing is not None else model(hsds_id=item.hsds_id)
                for name, value in item.values.items():
                    if name.startswith("_"):
                        continue
                    before = getattr(item.obj, name)
                    if not item.created and before != value:
                        item.changes[name] = [before, value]
                    setattr(item.obj, name, value)
                refs = dict(item.refs)
                if table == "schedule" and refs.get("service_at_location") is not None:
                    # a schedule at a service's place belongs to the link only, as the services store it
                    refs["service"] = refs["location"] = None
                for name, target in refs.items():
                    if not name.startswith("_"):
                        self._point(item, name, self._target(target))
                if item.created:
                    self._defaults(item)

    def _point(self, item: Item, name: str, obj: Any) -> None:
        before = getattr(item.obj, f"{name}_id")
        after = obj.pk if obj is not None else None
        if not item.created and (before != after or (obj is not None and after is None)):
            item.changes[name] = [before, after]
        if obj is not None and obj.pk is None and item.table == "taxonomy_term" and name == "parent":
            return  # set after the terms are written (write())
        setattr(item.obj, name, obj)

    def _defaults(self, item: Item) -> None:
        obj = item.obj
        if item.table == "service":
            obj.maintainer = self.maintainer
            obj.last_verified_on = timezone.localdate()
            obj.verified_by = self.by
        elif item.table == "location":
            obj.maintainer = self.maintainer
            if not obj.name:
                obj.name = obj.address_text or obj.url
                item.columns.setdefault("name", "name")
        elif item.table == "taxonomy":
            base = slugify(obj.name)[:50] or "tassonomia"
            code, n = base, 1
            while Taxonomy.objects.filter(code=code).exists() or any(
                    other.obj is not obj and getattr(other.obj, "code", None) == code
                    for other in self.items["taxonomy"].values()):
                n += 1
                code = f"{base}-{n}"
            obj.code = code
        elif item.table == "taxonomy_term" and not obj.code:
            obj.code = slugify(obj.name)[:80] or str(item.hsds_id)

    def check_rules(self) -> None:  # noqa: C901 - one rule per table
        for table in WRITE_ORDER:
            for item in self.items[table].values():
                if not (item.created or item.changes):
                    # Unchanged: nothing to write. But a row naming a record that is not published (a hidden
                    # service, a confidential place, or what hangs on them) is checked all the same, else "already
                    # up to date" against "you may not change it" would tell whether a guessed address is right.
                    if self._unpublished(item):
                        self._check_permission(item)
                    continue
                obj = item.obj
                self._check_permission(item)
                rule = getattr(self, f"_rule_{table}", None)
                if rule is not None:
                    try:
                        rule(item)
                    except ApplicationError as error:
                        self.item_error(item, error.field, error.message)
                        continue
                exclude = [f.name for f in obj._meta.concrete_fields if f.is_relation] + ["hsds_id"]
                try:
                    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    for name, messages in error.message_dict.items():
                        self.item_error(item, name if name != "__all__" else None, messages[0])
        self._check_unique_terms()
        self._check_unique_attributes()
        for obj, (municipio, nil) in zip(self.to_locate, _locate_many(self.to_locate), strict=True):
            obj.municipio, obj.nil = municipio, nil

    def _published_ids(self) -> tuple[set[int], set[int], set[int]]:
        """The ids of the published services, of the places whose address is published, and of the links of
        published services (what the public API shows), computed once."""
        if self._published is None:
            services = set(access.public_services().values_list("pk", flat=True))
            links = set(access.public_service_at_locations().values_list("pk", flat=True))
            places = set(access.public_service_at_locations().filter(location__confidential_address=False)
                         .values_list("location_id", flat=True))
            self._published = (services, places, links)
        return self._published

    def _unpublished(self, item: Item) -> bool:
        """Whether an existing row is, or hangs on, a service, place or link that is not published."""
        if (self.by is None or item.created or item.table in ("taxonomy", "taxonomy_term", "program")
                or access.can_edit_any_record(self.by)):  # a coordinator's check never refuses
            return False
        return self._hangs_on_unpublished(item.obj)

    def _hangs_on_unpublished(self, obj: Any) -> bool:
        # By the rows' keys: an import of thousands of unchanged rows loads none of the records they point to.
        services, places, links = self._published_ids()
        if isinstance(obj, Service):
            return obj.pk not in services
        if isinstance(obj, Location):
            return obj.pk not in places
        if isinstance(obj, ServiceAtLocation):
            return obj.service_id not in services or obj.location_id not in places
        keys = ((getattr(obj, "service_id", None), services), (getattr(obj, "location_id", None), places),
                (getattr(obj, "service_at_location_id", None), links))
        if any(key is not None and key not in published for key, published in keys):
            return True
        contact_id = getattr(obj, "contact_id", None)  # a contact's phone: as its contact
        return contact_id is not None and self._hangs_on_unpublished(Contact.objects.get(pk=contact_id))

    def _check_program(self, item: Item) -> None:
        """A programme belongs to an organisation: only who edits that organisation's records (before and after
        the change) creates or changes it."""
        assert self.by is not None
        organisations = {item.obj.organisation_id}
        if "organisation" in item.changes:
            organisations.add(item.changes["organisation"][0])
        for organisation_id in organisations - {None}:
            if not access.can_edit_maintained_by(self.by, organisation_id):
                self.item_error(item, "organization_id", _(
                    "non puoi creare o modificare il programma «%(name)s»: appartiene a un altro ente.")
                    % {"name": item.obj.name})
                return

    def _check_permission(self, item: Item) -> None:
        if self.by is None:
            return
        obj = item.obj
        if item.table in ("taxonomy", "taxonomy_term"):
            if not access.can_edit_any_record(self.by):
                self.item_error(item, "id", _("solo il coordinamento cittadino può creare o modificare le "
                                              "tassonomie."))
            return
        if item.table == "program":
            self._check_program(item)
            return
        owners: list[Any] = []
        if item.table in ("service", "location") and not item.created:
            owners.append(obj)
        # offering one's service at another organisation's place needs the right on the service only
        parents = ("service",) if item.table == "service_at_location" else (
            "service", "location", "service_at_location", "contact", "phone")
        for name in parents:
            target = getattr(obj, name, None) if hasattr(obj, f"{name}_id") else None
            if target is not None and target.pk is not None:
                owners.append(target)
            if name in item.changes and item.changes[name][0] is not None:
                # Moving an existing row (a phone, a link) needs the right on what it belonged to as well: else
                # another organisation's phone or place link could be taken over by pointing it elsewhere.
                model = type(obj)._meta.get_field(name).related_model
                assert isinstance(model, type) and issubclass(model, models.Model)
                owners.append(model._default_manager.get(pk=item.changes[name][0]))
        for owner in owners:
            for record in _records_of(owner):
                if not access.can_edit_maintained_by(self.by, record.maintainer_id):
                    self.item_error(item, "id", _("non puoi modificare «%(name)s»: la scheda è aggiornata da un "
                                                  "altro ente.") % {"name": record.name})
                    return

    def _check_unique_terms(self) -> None:
        seen: dict[tuple[Any, str], Item] = {}
        for item in self.items["taxonomy_term"].values():
            taxonomy = self._target(item.refs.get("taxonomy"))
            if taxonomy is None:
                continue
            key = (id(taxonomy), item.obj.code)
            if key in seen:
                self.item_error(item, "code", _("codice «%(code)s» ripetuto nella stessa tassonomia (riga %(row)s).")
                                % {"code": item.obj.code, "row": seen[key].row})
            seen[key] = item
            if taxonomy.pk is not None and TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=item.obj.code).exclude(
                    hsds_id=item.hsds_id).exists():
                self.item_error(item, "code", _("la tassonomia ha già un termine con codice «%(code)s».")
                                % {"code": item.obj.code})

    def _check_unique_attributes(self) -> None:
        seen: dict[tuple[int, int], Item] = {}
        for item in self.items["attribute"].values():
            service, term = self._target(item.refs.get("service")), self._target(item.refs.get("term"))
            if service is None or term is None:
                continue
            key = (id(service), id(term))
            if key in seen:
                self.item_error(item, "term", _("il servizio ha già questo termine alla riga %(row)s.")
                                % {"row": seen[key].row})
            seen[key] = item
            if service.pk is not None and term.pk is not None and Attribute.objects.filter(
                    service=service, term=term).exclude(hsds_id=item.hsds_id).exists():
                self.item_error(item, "term", _("il servizio è già classificato con questo termine."))

    # -- phase 2: write --

    @transaction.atomic
    def write(self) -> None:
        revisions: list[ServiceRevision] = []
        touched: set[int] = set()
        touched_locations: set[int] = set()
        deferred_parents: list[Item] = []
        for table in WRITE_ORDER:
            new: list[Any] = []
            for item in self.items[table].values():
                obj = item.obj
                if table == "taxonomy_term" and item.refs.get("parent") is not None and obj.parent_id is None:
                    deferred_parents.append(item)
                if item.created:
                    new.append(obj)
                elif item.changes:
                    obj.save()
                    self.result.updated[table] = self.result.updated.get(table, 0) + 1
                else:
                    self.result.unchanged += 1
            if new:
                MODELS[table].objects.bulk_create(new, batch_size=500)  # type: ignore[attr-defined]
                self.result.created[table] = len(new)
        for item in deferred_parents:
            parent = self._target(item.refs["parent"])
            if parent is not None and parent.pk != item.obj.parent_id:
                item.obj.parent = parent
                item.obj.save(update_fields=["parent"])
        for item in self._all_items():
            if item.obj is None or not (item.created or item.changes) or item.table not in MODELS:
                continue
            service, location = _history_owners(item.obj)
            if service is not None:
                touched.add(service.pk)
            if location is not None:
                touched_locations.add(location.pk)
            if item.table in ("taxonomy", "taxonomy_term"):
                continue
            changes = item.changes if not item.created else {
                k: [None, directory_services.jsonable(v)] for k, v in item.values.items()
                if not k.startswith("_") and v not in ("", None, {}, False)}
            revisions.append(ServiceRevision(
                service=service, location=location, object_type=item.obj._meta.label_lower,
                object_id=str(item.obj.pk), action=RevisionAction.CREATE if item.created else RevisionAction.UPDATE,
                changes={k: [directory_services.jsonable(a), directory_services.jsonable(b)]
                         for k, (a, b) in changes.items()}, by=self.by))
        ServiceRevision.objects.bulk_create(revisions, batch_size=500)
        # Changed details stamp their service and place (as directory_services.touch does for one change); a place
        # changed reaches every service offered there.
        now = timezone.now()
        Location.objects.filter(pk__in=touched_locations).update(updated_at=now)
        at_places = ServiceAtLocation.objects.filter(location_id__in=touched_locations).values("service_id")
        Service.objects.filter(Q(pk__in=touched) | Q(pk__in=at_places)).update(updated_at=now)
        if touched:
            reindex_services(Service.objects.filter(pk__in=touched))
            if len(touched) >= BULK_STATISTICS:
                refresh_statistics()
        audit.record(action="directory.import", actor=self.by, obj=self.maintainer, details={
            "format": "hsds-datapackage", "created": self.result.created, "updated": self.result.updated,
            "unchanged": self.result.unchanged})



def _locate_many(locations: list[Location]) -> list[tuple[Area | None, Area | None]]:
    """The municipio and NIL of each location's point (none without the city's polygons)."""
    from trama.territory import locate_many

    if not locations:
        return []
    return locate_many([(loc.latitude, loc.longitude) for loc in locations])  # type: ignore[misc]


def _records_of(owner: Any) -> list[Any]:
    """The services and locations whose maintainer decides about a change to `owner` or below it."""
    if isinstance(owner, Service | Location):
        return [owner]
    if isinstance(owner, ServiceAtLocation):
        return [owner.service]
    records: list[Any] = []
    for name in ("service", "location", "service_at_location", "contact"):
        target = getattr(owner, name, None)
        if target is not None:
            records.extend(_records_of(target))
    return records


def _history_owners(obj: Any) -> tuple[Service | None, Location | None]:
    if isinstance(obj, Service):
        return obj, None
    if isinstance(obj, Location):
        return None, obj
    return directory_services._owners_of(obj)


def import_package(source: bytes | Path, *, by: User | None, maintainer: Organisation,
                   progress: Progress | None = None, on_saving: Callable[[], None] | None = None) -> PackageResult:
    """All or nothing: the counts of what was created and changed, or every error (and nothing saved)."""
    job = _Import(by=by, maintainer=maintainer, progress=progress)
    try:
        files = package_files(source)
    except PackageFileError as error:
        job.error("-", 0, "", str(error))
        return job.result
    job.read(files)
    if job.result.errors:
        return _failed(job.result)
    job.match_organisations()
    job.load_existing()
    job.check_references()
    job.merge_addresses()
    if job.result.errors:
        return _failed(job.result)
    job.prepare()
    job.check_rules()
    if job.result.errors:
        return _failed(job.result)
    if on_saving is not None:
        on_saving()
    job.write()
    return job.result


def _failed(result: PackageResult) -> PackageResult:
    order = {table.path: position for position, table in enumerate(TABLES)}
    result.errors.sort(key=lambda e: (order.get(e.file, -1), e.file, e.row, e.column))
    result.created, result.updated, result.unchanged = {}, {}, 0
    return result
