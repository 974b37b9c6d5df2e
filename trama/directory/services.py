"""Writes on the directory: services, locations, where and when a service is offered, and their details.

Every function is keyword-only, runs in one transaction, validates with the models' own rules (reported as an
ApplicationError naming the field, in Italian), writes an audit event (`directory.<thing>.<verb>`) and a
`ServiceRevision` (who, when, which fields from → to). Permissions are checked before, by the caller, through
trama.directory.access (get_service_for / get_location_for with write=True, can_edit_maintained_by for the
maintainer chosen at creation)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.errors import full_clean as _full_clean
from trama.directory.access import stale_services_for
from trama.directory.models import (
    PORTAL_LANGUAGES,
    TRANSLATABLE_FIELDS,
    Accessibility,
    Attribute,
    Closure,
    Contact,
    CostOption,
    DocumentKind,
    Language,
    Location,
    LocationType,
    Phone,
    PhoneType,
    RequiredDocument,
    RevisionAction,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceRevision,
    TargetGroup,
    TaxonomyTerm,
    Weekday,
)
from trama.lib import schedules as lib
from trama.territory.geocoder import GeocodeError, GeocodeResult, geocode
from trama.territory.models import Area
from trama.territory.selectors import HEAVY

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.network.models import Organisation

__all__ = [
    "ScheduleSpec", "accessibility_add", "accessibility_remove", "closure_add", "closure_remove", "contact_add",
    "contact_remove", "cost_option_add", "cost_option_remove", "language_add", "language_remove",
    "location_create", "location_update", "phone_add", "phone_remove", "required_document_add",
    "required_document_remove", "schedule_set", "service_area_add", "service_area_remove",
    "service_at_location_attach", "service_at_location_detach", "service_create", "service_set_target_groups",
    "service_update", "service_verify", "stale_services_for", "taxonomy_term_assign", "taxonomy_term_unassign",
]

SERVICE_FIELDS = (
    "organisation", "program", "name", "alternate_name", "description", "url", "email", "status",
    "interpretation_services", "application_process", "fees_description", "accreditations", "licenses", "alert",
    "assured_date", "eligibility_description", "minimum_age", "maximum_age", "requires_residency",
    "requires_documents", "requires_isee", "requires_appointment", "is_free", "is_public", "translations",
    "maintainer",
)
LOCATION_FIELDS = (
    "maintainer", "location_type", "name", "alternate_name", "description", "transportation", "address_text",
    "postcode", "city", "confidential_address", "url", "accessibility_notes", "external_identifier",
    "external_identifier_type",
)
# Fields the geocoder fills in; changed only through address_text.
GEOCODED_FIELDS = ("normalised_address", "latitude", "longitude", "municipio", "nil")

_CAP = re.compile(r"\b(20\d{3})\b")


# --- Helpers --------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A field value as a revision stores it (JSON): related objects by key, dates and decimals as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = jsonable(getattr(obj, attname))
    return values


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]}


def _revision(
    *, by: User | None, action: str, obj: models.Model, changes: dict[str, Any],
    service: Service | None = None, location: Location | None = None, saved: bool = True,
) -> ServiceRevision:
    """`saved`: whether the caller saved `obj` itself (a service or place saved is already stamped)."""
    touch(service=service, location=location, changed=obj if saved else None)
    return ServiceRevision.objects.create(
        service=service, location=location, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        action=action, changes=changes, by=by,
    )


def touch(*, service: Service | None, location: Location | None, changed: object = None) -> None:
    """Mark a change of a service's or a place's details (a schedule, a phone, a term, an address…) on the service
    and the place themselves, as their `last_modified` and the API's `modified_after` read them: a change of a
    place reaches every service offered there. `changed`: the object saved by the caller, already stamped."""
    now = timezone.now()
    if service is not None and changed is not service:
        Service.objects.filter(pk=service.pk).update(updated_at=now)
    if location is not None:
        if changed is not location:
            Location.objects.filter(pk=location.pk).update(updated_at=now)
        if service is None:
            # The services' keys first, then an UPDATE by key: filtering through the relation made Django join
            # directory_service to itself inside the UPDATE, and with statistics taken while the demo was still
            # loading, PostgreSQL planned it as a scan of every service for each one (10 s an UPDATE, in CI).
            offered = list(ServiceAtLocation.objects.filter(location=location).values_list("service_id", flat=True))
            if offered:
                Service.objects.filter(pk__in=offered).update(updated_at=now)


def _apply(obj: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        # A programming error, not a user's: the message names the fields for the developer.
        raise ApplicationError(_("Campi non modificabili: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(obj, name, value)


def _check_translations(translations: Any) -> None:
    if not isinstance(translations, dict):
        raise ApplicationError(_("Le traduzioni non sono nel formato atteso."), field="translations")
    for lang, fields in translations.items():
        if lang not in PORTAL_LANGUAGES or lang == "it":
            raise ApplicationError(_("Lingua di traduzione non prevista: «%(lang)s».") % {"lang": lang},
                                   field="translations")
        if not isinstance(fields, dict) or set(fields) - set(TRANSLATABLE_FIELDS):
            raise ApplicationError(_("Si possono tradurre solo i testi del servizio."), field="translations")


def _owners_of(obj: models.Model) -> tuple[Service | None, Location | None]:
    """The service and location whose history a detail row belongs to."""
    service = getattr(obj, "service", None)
    location = getattr(obj, "location", None)
    link = getattr(obj, "service_at_location", None)
    if link is not None:
        service, location = link.service, link.location
    contact = getattr(obj, "contact", None)
    if contact is not None and service is None and location is None:
        return _owners_of(contact)
    phone = getattr(obj, "phone", None)
    if phone is not None and service is None and location is None:
        return _owners_of(phone)
    return service, location


def _owner_count(*owners: object) -> int:
    return sum(owner is not None for owner in owners)


def _add_detail(obj: models.Model, *, by: User | None, fields: Sequence[str]) -> Any:
    _full_clean(obj)
    obj.save()
    service, location = _owners_of(obj)
    _revision(by=by, action=RevisionAction.CREATE, obj=obj, service=service, location=location,
              changes={name: [None, value] for name, value in _snapshot(obj, fields).items()})
    audit.record(action=f"directory.{obj._meta.model_name}.add", actor=by, obj=obj,
                 details={"service": service.pk if service else None, "location": location.pk if location else None})
    return obj


def _remove_detail(obj: models.Model, *, by: User | None, fields: Sequence[str]) -> None:
    service, location = _owners_of(obj)
    _revision(by=by, action=RevisionAction.DELETE, obj=obj, service=service, location=location,
              changes={name: [value, None] for name, value in _snapshot(obj, fields).items()})
    audit.record(action=f"directory.{obj._meta.model_name}.remove", actor=by, obj=obj,
                 details={"service": service.pk if service else None, "location": location.pk if location else None})
    obj.delete()


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def service_create(
    *,
    by: User | None,
    organisation: Organisation,
    name: str,
    maintainer: Organisation | None = None,
    target_groups: Iterable[TargetGroup] = (),
    **fields: Any,
) -> Service:
    """A new service run by `organisation`, kept up to date by `maintainer` (by default the same organisation).

    Creating it counts as verifying it: last_verified_on is today."""
    service = Service(organisation=organisation, maintainer=maintainer or organisation, name=" ".join(name.split()))
    _apply(service, fields, SERVICE_FIELDS)
    if not service.name:
        raise ApplicationError(_("Indica il nome del servizio."), field="name")
    _check_translations(service.translations)
    service.last_verified_on = timezone.localdate()
    service.verified_by = by
    _full_clean(service)
    service.save()
    groups = list(target_groups)
    service.target_groups.set(groups)
    snapshot = _snapshot(service, SERVICE_FIELDS)
    changes: dict[str, Any] = {k: [None, v] for k, v in snapshot.items() if v not in ("", None, {}, False)}
    if groups:
        changes["target_groups"] = [None, sorted(g.code for g in groups)]
    _revision(by=by, action=RevisionAction.CREATE, obj=service, service=service, changes=changes)
    audit.record(action="directory.service.create", actor=by, obj=service,
                 details={"organisation": organisation.pk, "maintainer": service.maintainer_id})
    return service


@transaction.atomic
def service_update(*, service: Service, by: User | None, **changes: Any) -> Service:
    """Change some of SERVICE_FIELDS; returns the service. Nothing is written when nothing changes."""
    before = _snapshot(service, SERVICE_FIELDS)
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        if not changes["name"]:
            raise ApplicationError(_("Indica il nome del servizio."), field="name")
    _apply(service, changes, SERVICE_FIELDS)
    _check_translations(service.translations)
    diff = _diff(before, _snapshot(service, SERVICE_FIELDS))
    if not diff:
        return service
    _full_clean(service)
    service.save(update_fields=[*diff, "updated_at"])
    _revision(by=by, action=RevisionAction.UPDATE, obj=service, service=service, changes=diff)
    audit.record(action="directory.service.update", actor=by, obj=service, details={"fields": sorted(diff)})
    return service


@transaction.atomic
def service_set_target_groups(*, service: Service, by: User | None, target_groups: Iterable[TargetGroup]) -> None:
    before = sorted(service.target_groups.values_list("code", flat=True))
    groups = list(target_groups)
    after = sorted(g.code for g in groups)
    if before == after:
        return
    service.target_groups.set(groups)
    Service.objects.filter(pk=service.pk).update(updated_at=timezone.now())
    _revision(by=by, action=RevisionAction.UPDATE, obj=service, service=service,
              changes={"target_groups": [before, after]})
    audit.record(action="directory.service.update", actor=by, obj=service, details={"fields": ["target_groups"]})


@transaction.atomic
def service_verify(*, service: Service, by: User | None, on: dt.date | None = None) -> Service:
    """The maintainer confirms the record is still true: it leaves the stale queue."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ApplicationError(_("La data di verifica non può essere nel futuro."), field="last_verified_on")
    before = service.last_verified_on
    service.last_verified_on = day
    service.verified_by = by
    service.save(update_fields=["last_verified_on", "verified_by", "updated_at"])
    _revision(by=by, action=RevisionAction.VERIFY, obj=service, service=service,
              changes={"last_verified_on": [jsonable(before), day.isoformat()]})
    audit.record(action="directory.service.verify", actor=by, obj=service, details={"on": day.isoformat()})
    return service


# --- Locations ------------------------------------------------------------------------------------


def _geocode(text: str) -> GeocodeResult:
    """The gazetteer's one address for the text, or an ApplicationError on address_text with suggestions."""
    try:
        return geocode(text)
    except GeocodeError as error:
        suggestions = [s for s in error.suggestions if s][:5]
        message = error.message or _("Indirizzo non trovato: «%(text)s».") % {"text": text}
        if suggestions:
            message = _("%(message)s Forse intendevi: %(suggestions)s?") % {
                "message": message, "suggestions": "; ".join(suggestions),
            }
        application_error = ApplicationError(message, field="address_text", code="address_not_found")
        application_error.suggestions = suggestions  # type: ignore[attr-defined]
        raise application_error from error


def _locate(location: Location, *, allow_unlocated: bool) -> None:
    """Fill the geocoded fields of a physical location from its address_text (or clear them)."""
    for name in GEOCODED_FIELDS:
        setattr(location, name, "" if name == "normalised_address" else None)
    if location.location_type != LocationType.PHYSICAL or not location.address_text:
        return
    try:
        result = _geocode(location.address_text)
    except ApplicationError:
        if not allow_unlocated:
            raise
        return
    location.normalised_address = result.address
    location.latitude, location.longitude = result.latitude, result.longitude
    # Areas are matched by code (MI-M<n>, MI-NIL-<id>); without the Milan areas loaded they stay empty.
    # Boundaries are not needed to point at an area (and decoding them costs ~1 ms each).
    if result.municipio_code:
        location.municipio = Area.objects.filter(code=result.municipio_code).defer(*HEAVY).first()
    if result.nil_code:
        location.nil = Area.objects.filter(code=result.nil_code).defer(*HEAVY).first()
    if not location.postcode:
        cap = _CAP.search(location.address_text)
        location.postcode = cap.group(1) if cap else ""


def _check_location(location: Location) -> None:
    location.name = " ".join(location.name.split())
    location.address_text = " ".join(location.address_text.split())
    if not location.name:
        raise ApplicationError(_("Indica il nome della sede."), field="name")
    if location.location_type == LocationType.PHYSICAL and not location.address_text:
        raise ApplicationError(_("Indica l'indirizzo della sede."), field="address_text")
    if location.location_type == LocationType.VIRTUAL and not location.url:
        raise ApplicationError(_("Indica l'indirizzo web della sede online."), field="url")


@transaction.atomic
def location_create(
    *,
    by: User | None,
    maintainer: Organisation,
    name: str,
    location_type: str = LocationType.PHYSICAL,
    address_text: str = "",
    allow_unlocated: bool = False,
    **fields: Any,
) -> Location:
    """A new location. A physical one is geocoded against the city's gazetteer: an address it does not know is
    refused with suggestions, unless `allow_unlocated` (places outside the gazetteer's city)."""
    location = Location(maintainer=maintainer, name=name, location_type=location_type, address_text=address_text)
    _apply(location, fields, LOCATION_FIELDS)
    _check_location(location)
    _locate(location, allow_unlocated=allow_unlocated)
    _full_clean(location)
    location.save()
    tracked = (*LOCATION_FIELDS, *GEOCODED_FIELDS)
    _revision(by=by, action=RevisionAction.CREATE, obj=location, location=location,
              changes={k: [None, v] for k, v in _snapshot(location, tracked).items() if v not in ("", None, False)})
    audit.record(action="directory.location.create", actor=by, obj=location,
                 details={"maintainer": maintainer.pk, "located": location.has_point})
    return location


@transaction.atomic
def location_update(
    *, location: Location, by: User | None, allow_unlocated: bool = False, **changes: Any
) -> Location:
    tracked = (*LOCATION_FIELDS, *GEOCODED_FIELDS)
    before = _snapshot(location, tracked)
    _apply(location, changes, LOCATION_FIELDS)
    _check_location(location)
    if location.address_text != before["address_text"] or location.location_type != before["location_type"]:
        if "postcode" not in changes:
            location.postcode = ""
        _locate(location, allow_unlocated=allow_unlocated)
    diff = _diff(before, _snapshot(location, tracked))
    if not diff:
        return location
    _full_clean(location)
    location.save()
    _revision(by=by, action=RevisionAction.UPDATE, obj=location, location=location, changes=diff)
    audit.record(action="directory.location.update", actor=by, obj=location, details={"fields": sorted(diff)})
    return location


# --- Where a service is offered -------------------------------------------------------------------


@transaction.atomic
def service_at_location_attach(
    *, service: Service, location: Location, by: User | None, description: str = ""
) -> ServiceAtLocation:
    if ServiceAtLocation.objects.filter(service=service, location=location).exists():
        raise ApplicationError(_("Il servizio è già offerto presso «%(location)s».") % {"location": location.name},
                               field="location", code="duplicate")
    link = ServiceAtLocation.objects.create(service=service, location=location, description=description.strip())
    _revision(by=by, action=RevisionAction.CREATE, obj=link, service=service, location=location,
              changes={"location": [None, location.pk]})
    audit.record(action="directory.service_at_location.attach", actor=by, obj=link,
                 details={"service": service.pk, "location": location.pk})
    return link


@transaction.atomic
def service_at_location_detach(*, link: ServiceAtLocation, by: User | None) -> None:
    """The service is no longer offered there; its schedules, phones and contacts at that place go with it, each
    phone and contact with its own entry in the history."""
    service, location = link.service, link.location
    for contact in Contact.objects.filter(service_at_location=link):
        for phone in contact.phones.all():
            _remove_detail(phone, by=by, fields=_PHONE_FIELDS)
        _remove_detail(contact, by=by, fields=_CONTACT_FIELDS)
    for phone in Phone.objects.filter(service_at_location=link):
        _remove_detail(phone, by=by, fields=_PHONE_FIELDS)
    _revision(by=by, action=RevisionAction.DELETE, obj=link, service=service, location=location,
              changes={"location": [location.pk, None],
                       "schedules": [[_schedule_summary(s) for s in link.schedules.all()], None]})
    audit.record(action="directory.service_at_location.detach", actor=by, obj=link,
                 details={"service": service.pk, "location": location.pk})
    link.delete()


# --- Schedules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSpec:
    """One opening window as an operator enters it (→ one Schedule row)."""

    opens_at: dt.time
    closes_at: dt.time
    byday: str = ""
    freq: str = lib.WEEKLY
    bymonthday: str = ""
    interval: int = 1
    dtstart: dt.date | None = None
    until: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    description: str = ""
    notes: str = ""


_WEEKDAY_NAMES = dict(Weekday.choices)


def _weekday_name(index: int) -> str:
    return str(_WEEKDAY_NAMES[lib.WEEKDAYS[index]])


def _days_label(spec: ScheduleSpec) -> str:
    """"il martedì", "il lunedì e il giovedì", or how a monthly rule reads, for error messages."""
    try:
        parsed = lib.parse_byday(spec.byday)
    except lib.ScheduleError:
        parsed = ()
    if parsed and spec.freq == lib.WEEKLY:
        names = [_weekday_name(weekday) for _, weekday in parsed]
        return " e ".join(_("il %(day)s") % {"day": name} for name in names)
    if parsed:
        return ", ".join(
            (_("il %(nth)sº %(day)s del mese") % {"nth": ordinal, "day": _weekday_name(weekday)})
            if ordinal else _("il %(day)s") % {"day": _weekday_name(weekday)}
            for ordinal, weekday in parsed
        )
    if spec.bymonthday:
        return _("il giorno %(days)s del mese") % {"days": spec.bymonthday}
    return _("nel giorno indicato")


def _hm(time: dt.time) -> str:
    return time.strftime("%H:%M")


def _normalise_days(value: str) -> str:
    return ",".join(part.strip().upper() for part in value.split(",") if part.strip())


# Opening hours are planned months, at most a few years, ahead: a date beyond is a typing error ("2099"), and a
# rule starting near the year 9999 would overflow every computation of its next days.
SCHEDULE_YEARS_AHEAD = 10
EARLIEST_SCHEDULE_DATE = dt.date(2000, 1, 1)


def check_schedule_date(day: dt.date | None, *, field: str) -> None:
    """A date of an opening rule, within the years opening hours are planned for (the form, the imports)."""
    if day is None:
        return
    latest = timezone.localdate() + dt.timedelta(days=365 * SCHEDULE_YEARS_AHEAD)
    if not EARLIEST_SCHEDULE_DATE <= day <= latest:
        raise ApplicationError(_("Data fuori dal periodo ammesso per gli orari (dal %(first)s al %(last)s).")
                               % {"first": EARLIEST_SCHEDULE_DATE.strftime("%d/%m/%Y"),
                                  "last": latest.strftime("%d/%m/%Y")}, field=field)


def _window(spec: ScheduleSpec, position: int) -> lib.Window:
    days = _days_label(spec)
    if spec.closes_at <= spec.opens_at:
        raise ApplicationError(
            _("Orario non valido %(days)s: la chiusura (%(closes)s) deve seguire l'apertura (%(opens)s).")
            % {"days": days, "closes": _hm(spec.closes_at), "opens": _hm(spec.opens_at)},
            field="closes_at", code="closes_before_opening",
        )
    if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
        raise ApplicationError(_("Il periodo di validità finisce prima di cominciare."), field="valid_to")
    for name in ("valid_from", "valid_to", "dtstart", "until"):
        check_schedule_date(getattr(spec, name), field=name)
    if spec.freq not in lib.FREQUENCIES:
        raise ApplicationError(_("Frequenza non prevista: usa settimanale o mensile."), field="freq")
    try:
        return lib.Window(
            opens_at=spec.opens_at, closes_at=spec.closes_at, freq=spec.freq, byday=_normalise_days(spec.byday),
            bymonthday=spec.bymonthday.replace(" ", ""), interval=spec.interval, dtstart=spec.dtstart,
            until=spec.until, valid_from=spec.valid_from, valid_to=spec.valid_to, key=position,
        )
    except lib.ScheduleError as error:
        raise ApplicationError(
            _("Ricorrenza non valida %(days)s: indica i giorni della settimana (es. martedì), del mese "
              "(es. 1, 15) o il primo giorno; una cadenza \"ogni N\" richiede il primo giorno.") % {"days": days},
            field="byday", code="invalid_recurrence",
        ) from error


def _check_overlaps(windows: Sequence[lib.Window]) -> None:
    today = timezone.localdate()
    for i, a in enumerate(windows):
        for b in windows[i + 1:]:
            day = lib.first_overlap(a, b, start=today)
            if day is None:
                continue
            weekly = a.freq == b.freq == lib.WEEKLY and a.interval == b.interval == 1
            when = (_("il %(day)s") % {"day": _weekday_name(day.weekday())} if weekly
                    else _("%(day)s %(date)s") % {"day": _weekday_name(day.weekday()),
                                                  "date": day.strftime("%d/%m/%Y")})
            raise ApplicationError(
                _("Le fasce orarie si sovrappongono %(when)s: %(a)s–%(b)s e %(c)s–%(d)s.")
                % {"when": when, "a": _hm(a.opens_at), "b": _hm(a.closes_at), "c": _hm(b.opens_at),
                   "d": _hm(b.closes_at)},
                field="opens_at", code="overlapping_windows",
            )


_SCHEDULE_FIELDS = ("valid_from", "valid_to", "dtstart", "until", "freq", "interval", "byday", "bymonthday",
                    "opens_at", "closes_at", "description", "notes")


def _schedule_values(schedule: Schedule) -> tuple[Any, ...]:
    return tuple(getattr(schedule, name) for name in _SCHEDULE_FIELDS)


def _schedule_summary(schedule: Schedule) -> str:
    rule = schedule.byday or (f"BYMONTHDAY={schedule.bymonthday}" if schedule.bymonthday else "")
    interval = f" /{schedule.interval}" if schedule.interval > 1 else ""
    return f"{schedule.freq} {rule}{interval} {_hm(schedule.opens_at)}-{_hm(schedule.closes_at)}".strip()


@transaction.atomic
def schedule_set(
    *,
    by: User | None,
    windows: Sequence[ScheduleSpec],
    service_at_location: ServiceAtLocation | None = None,
    service: Service | None = None,
    location: Location | None = None,
) -> list[Schedule]:
    """Replace the opening windows of one owner (a service at a location, a service, or a location).

    All windows of one owner are at the same place: two of them open on the same day at overlapping hours are
    refused, naming the day. An empty list removes the schedule."""
    if _owner_count(service_at_location, service, location) != 1:
        raise ApplicationError(_("Un orario appartiene a un servizio presso una sede, a un servizio o a una sede."))
    checked = [_window(spec, position) for position, spec in enumerate(windows)]
    _check_overlaps(checked)
    owner_filter: dict[str, Any]
    if service_at_location is not None:
        owner_filter = {"service_at_location": service_at_location}
        rev_service, rev_location = service_at_location.service, service_at_location.location
    elif service is not None:
        owner_filter = {"service": service, "location": None, "service_at_location": None}
        rev_service, rev_location = service, None
    else:
        owner_filter = {"location": location, "service": None, "service_at_location": None}
        rev_service, rev_location = None, location
    existing = list(Schedule.objects.filter(**owner_filter).order_by("pk"))
    before = sorted(_schedule_summary(s) for s in existing)
    wanted = [(spec.valid_from, spec.valid_to, spec.dtstart, spec.until, window.freq, window.interval, window.byday,
               window.bymonthday, spec.opens_at, spec.closes_at, spec.description.strip(), spec.notes.strip())
              for spec, window in zip(windows, checked, strict=True)]
    # The windows keep their rows so that their HSDS ids stay the same (docs/hsds-profile.md: ids are stable): a
    # window as it was keeps its row (the editor lists them by day, not in the order they were stored), a changed
    # one takes a row left over, and rows still left over go.
    free = {schedule.pk: schedule for schedule in existing}
    by_values: dict[tuple[Any, ...], list[Schedule]] = {}
    for schedule in existing:
        by_values.setdefault(_schedule_values(schedule), []).append(schedule)
    rows: list[Schedule | None] = []
    for values in wanted:
        same = by_values.get(values) or []
        rows.append(free.pop(same.pop(0).pk) if same else None)
    if all(row is not None for row in rows) and not free:
        return [row for row in rows if row is not None]  # saved as it was: nothing written, no revision
    leftover = list(free.values())
    kept: list[Schedule] = []
    for row, values in zip(rows, wanted, strict=True):
        schedule = row or (leftover.pop(0) if leftover else Schedule(**owner_filter))
        for name, value in zip(_SCHEDULE_FIELDS, values, strict=True):
            setattr(schedule, name, value)
        _full_clean(schedule)
        kept.append(schedule)
    Schedule.objects.filter(pk__in=[s.pk for s in leftover]).delete()
    for schedule in kept:
        schedule.save()
    owner = service_at_location or service or location
    assert owner is not None
    # Every change is in the history, a window's note or dates too (they are published): its rules as summaries.
    _revision(by=by, action=RevisionAction.UPDATE, obj=owner, service=rev_service, location=rev_location,
              changes={"schedules": [before, sorted(_schedule_summary(s) for s in kept)]}, saved=False)
    audit.record(action="directory.schedule.set", actor=by, obj=owner, details={"windows": len(kept)})
    return kept


CLOSURE_MAX_YEARS = 1  # a longer stop is a status (temporarily closed, defunct), not a closure


@transaction.atomic
def closure_add(
    *,
    by: User | None,
    start_date: dt.date,
    end_date: dt.date | None = None,
    reason: str = "",
    service: Service | None = None,
    location: Location | None = None,
) -> Closure:
    """Close a service (everywhere it is offered) or a location (every service there) for whole days."""
    if _owner_count(service, location) != 1:
        raise ApplicationError(_("Una chiusura riguarda un servizio oppure una sede."))
    end_date = end_date or start_date
    if end_date < start_date:
        raise ApplicationError(_("La chiusura finisce prima di cominciare."), field="end_date")
    check_schedule_date(start_date, field="start_date")
    check_schedule_date(end_date, field="end_date")
    if (end_date - start_date).days >= 366 * CLOSURE_MAX_YEARS:
        raise ApplicationError(_("Una chiusura di più di un anno non è una chiusura: se il servizio si ferma così a "
                                 "lungo, o non c'è più, cambiane lo stato."), field="end_date")
    closure = Closure(service=service, location=location, start_date=start_date, end_date=end_date,
                      reason=reason.strip())
    return _add_detail(closure, by=by, fields=("start_date", "end_date", "reason"))  # type: ignore[no-any-return]


def closure_remove(*, closure: Closure, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(closure, by=by, fields=("start_date", "end_date", "reason"))


# --- Details --------------------------------------------------------------------------------------

_PHONE_FIELDS = ("number", "extension", "type", "description")


@transaction.atomic
def phone_add(
    *,
    by: User | None,
    number: str,
    service: Service | None = None,
    location: Location | None = None,
    service_at_location: ServiceAtLocation | None = None,
    contact: Contact | None = None,
    extension: str = "",
    type: str = PhoneType.VOICE,  # noqa: A002 - the HSDS field name
    description: str = "",
) -> Phone:
    number = " ".join(number.split())
    if not number or sum(c.isdigit() for c in number) < 3:
        raise ApplicationError(_("Indica un numero di telefono valido."), field="number")
    if _owner_count(service, location, service_at_location, contact) != 1:
        raise ApplicationError(_("Un telefono appartiene a un servizio, a una sede o a un referente."))
    if extension.strip() and not re.fullmatch(r"[0-9]{1,10}", extension.strip()):  # HSDS: an integer
        raise ApplicationError(_("L'interno contiene solo cifre (al massimo 10)."), field="extension")
    phone = Phone(service=service, location=location, service_at_location=service_at_location, contact=contact,
                  number=number, extension=extension.strip(), type=type, description=description.strip())
    return _add_detail(phone, by=by, fields=_PHONE_FIELDS)  # type: ignore[no-any-return]


def phone_remove(*, phone: Phone, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(phone, by=by, fields=_PHONE_FIELDS)


_CONTACT_FIELDS = ("name", "title", "department", "email")


@transaction.atomic
def contact_add(
    *,
    by: User | None,
    service: Service | None = None,
    location: Location | None = None,
    service_at_location: ServiceAtLocation | None = None,
    name: str = "",
    title: str = "",
    department: str = "",
    email: str = "",
) -> Contact:
    if _owner_count(service, location, service_at_location) != 1:
        raise ApplicationError(_("Un referente appartiene a un servizio o a una sede."))
    if not (name.strip() or department.strip() or email.strip()):
        raise ApplicationError(_("Indica il nome, l'ufficio o l'e-mail del referente."), field="name")
    contact = Contact(service=service, location=location, service_at_location=service_at_location,
                      name=name.strip(), title=title.strip(), department=department.strip(), email=email.strip())
    return _add_detail(contact, by=by, fields=_CONTACT_FIELDS)  # type: ignore[no-any-return]


def contact_remove(*, contact: Contact, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(contact, by=by, fields=_CONTACT_FIELDS)


_LANGUAGE_FIELDS = ("code", "name", "note")


@transaction.atomic
def language_add(
    *,
    by: User | None,
    code: str,
    service: Service | None = None,
    location: Location | None = None,
    phone: Phone | None = None,
    name: str = "",
    note: str = "",
) -> Language:
    """A language spoken, by ISO 639-1 (two letters) or 639-3 (three letters) code."""
    if _owner_count(service, location, phone) != 1:
        raise ApplicationError(_("Una lingua appartiene a un servizio, a una sede o a un telefono."))
    code = code.strip().lower()
    duplicates = Language.objects.filter(service=service, location=location, phone=phone, code=code)
    if duplicates.exists():
        raise ApplicationError(_("La lingua «%(code)s» è già indicata.") % {"code": code}, field="code",
                               code="duplicate")
    language = Language(service=service, location=location, phone=phone, code=code, name=name.strip(),
                        note=note.strip())
    return _add_detail(language, by=by, fields=_LANGUAGE_FIELDS)  # type: ignore[no-any-return]


def language_remove(*, language: Language, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(language, by=by, fields=_LANGUAGE_FIELDS)


_COST_FIELDS = ("option", "amount", "currency", "amount_description", "valid_from", "valid_to")


@transaction.atomic
def cost_option_add(
    *,
    service: Service,
    by: User | None,
    option: str = "",
    amount: Decimal | None = None,
    currency: str = "EUR",
    amount_description: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> CostOption:
    if amount is not None and amount < 0:
        raise ApplicationError(_("L'importo non può essere negativo."), field="amount")
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(_("Il periodo di validità finisce prima di cominciare."), field="valid_to")
    cost = CostOption(service=service, option=option.strip(), amount=amount, currency=currency.upper(),
                      amount_description=amount_description.strip(), valid_from=valid_from, valid_to=valid_to)
    return _add_detail(cost, by=by, fields=_COST_FIELDS)  # type: ignore[no-any-return]


def cost_option_remove(*, cost_option: CostOption, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(cost_option, by=by, fields=_COST_FIELDS)


_DOCUMENT_FIELDS = ("kind", "document", "uri")


@transaction.atomic
def required_document_add(
    *, service: Service, by: User | None, document: str = "", kind: str = DocumentKind.OTHER, uri: str = ""
) -> RequiredDocument:
    """A document to bring. Without a text, the kind's label is used ("Attestazione ISEE")."""
    text = document.strip() or (str(DocumentKind(kind).label) if kind != DocumentKind.OTHER else "")
    if not text:
        raise ApplicationError(_("Indica il documento richiesto."), field="document")
    row = RequiredDocument(service=service, kind=kind, document=text, uri=uri.strip())
    return _add_detail(row, by=by, fields=_DOCUMENT_FIELDS)  # type: ignore[no-any-return]


def required_document_remove(*, required_document: RequiredDocument, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(required_document, by=by, fields=_DOCUMENT_FIELDS)


_AREA_FIELDS = ("area", "name", "description", "uri")


@transaction.atomic
def service_area_add(
    *, service: Service, by: User | None, area: Area | None = None, name: str = "", description: str = "",
    uri: str = "",
) -> ServiceArea:
    if area is None and not name.strip():
        raise ApplicationError(_("Indica l'area servita."), field="area")
    row = ServiceArea(service=service, area=area, name=name.strip() or (area.name if area else ""),
                      description=description.strip(), uri=uri.strip())
    return _add_detail(row, by=by, fields=_AREA_FIELDS)  # type: ignore[no-any-return]


def service_area_remove(*, service_area: ServiceArea, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(service_area, by=by, fields=_AREA_FIELDS)


_ACCESSIBILITY_FIELDS = ("description", "details", "url")


@transaction.atomic
def accessibility_add(
    *, location: Location, by: User | None, description: str, details: str = "", url: str = ""
) -> Accessibility:
    if not description.strip():
        raise ApplicationError(_("Descrivi l'accessibilità della sede."), field="description")
    row = Accessibility(location=location, description=description.strip(), details=details.strip(),
                        url=url.strip())
    return _add_detail(row, by=by, fields=_ACCESSIBILITY_FIELDS)  # type: ignore[no-any-return]


def accessibility_remove(*, accessibility: Accessibility, by: User | None) -> None:
    with transaction.atomic():
        _remove_detail(accessibility, by=by, fields=_ACCESSIBILITY_FIELDS)


# --- Taxonomy -------------------------------------------------------------------------------------


@transaction.atomic
def taxonomy_term_assign(*, service: Service, term: TaxonomyTerm, by: User | None, value: str = "") -> Attribute:
    """Classify a service under a term (a need, an action line). Assigning it twice is refused."""
    if Attribute.objects.filter(service=service, term=term).exists():
        raise ApplicationError(_("Il servizio è già classificato come «%(term)s».") % {"term": term.name},
                               field="term", code="duplicate")
    attribute = Attribute(service=service, term=term, value=value.strip())
    _add_detail(attribute, by=by, fields=("term", "value"))
    return attribute


def taxonomy_term_unassign(*, service: Service, term: TaxonomyTerm, by: User | None) -> None:
    with transaction.atomic():
        attribute = Attribute.objects.filter(service=service, term=term).first()
        if attribute is None:
            raise ApplicationError(_("Il servizio non è classificato come «%(term)s».") % {"term": term.name},
                                   field="term", code="not_found")
        _remove_detail(attribute, by=by, fields=("term", "value"))


# --- Place notes of a service ---------------------------------------------------------------------


@transaction.atomic
def service_at_location_update(*, link: ServiceAtLocation, by: User | None, description: str) -> ServiceAtLocation:
    """Change what this service says about one of its places ("sportello al piano terra")."""
    description = description.strip()
    if description == link.description:
        return link
    before = link.description
    link.description = description
    link.save(update_fields=["description"])
    _revision(by=by, action=RevisionAction.UPDATE, obj=link, service=link.service, location=link.location,
              changes={"description": [before, description]})
    audit.record(action="directory.service_at_location.update", actor=by, obj=link,
                 details={"service": link.service_id, "location": link.location_id, "fields": ["description"]})
    return link


__all__ += ["service_at_location_update"]
