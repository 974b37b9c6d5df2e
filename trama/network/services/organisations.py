"""Writes on organisations, their addresses (geocoded), staff contacts and ATS groupings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.accounts.access import has_perm
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError, full_clean
from trama.lib.codice_fiscale import normalise as normalise_fiscal_code
from trama.network.models import (
    ATSMember,
    ATSRole,
    Organisation,
    OrganisationAddress,
    OrganisationKind,
    Person,
)
from trama.network.services._common import (
    apply_changes,
    check_dates_ordered,
    overlapping,
    unique_slug,
)
from trama.territory.geocoder import GeocodeError, GeocodeResult, geocode
from trama.territory.models import Area

if TYPE_CHECKING:
    from trama.accounts.models import User

ORGANISATION_FIELDS = frozenset(
    {
        "name",
        "short_name",
        "kind",
        "legal_form",
        "fiscal_code",
        "runts_number",
        "description",
        "website",
        "email",
        "phone",
        "is_active",
    }
)
PERSON_FIELDS = frozenset({"full_name", "title", "email", "phone", "user", "is_active"})
MUNICIPIO_KINDS = frozenset({"municipio", "comune"})


def _check_organisation(organisation: Organisation) -> None:
    if not organisation.name.strip():
        raise ApplicationError(_("La denominazione è obbligatoria."), field="name")
    same_name = Organisation.objects.filter(name__iexact=organisation.name.strip())
    if organisation.pk is not None:
        same_name = same_name.exclude(pk=organisation.pk)
    if same_name.exists():
        # One entry per partner: a second "Cooperativa Alfa" would only differ by its slug ("alfa-2").
        raise ApplicationError(
            _("Esiste già un'organizzazione «%(name)s»: cercala nell'elenco invece di crearne un'altra.")
            % {"name": organisation.name.strip()},
            field="name",
        )
    if organisation.runts_number and organisation.kind != OrganisationKind.ETS:
        raise ApplicationError(
            _("Il numero RUNTS si indica solo per gli Enti del Terzo Settore."), field="runts_number"
        )
    full_clean(organisation)


def _check_municipi(municipi: Iterable[Area]) -> list[Area]:
    areas = list(municipi)
    for area in areas:
        if area.kind not in MUNICIPIO_KINDS:
            raise ApplicationError(
                _("«%(area)s» non è un municipio o un comune.") % {"area": area.name}, field="municipi"
            )
    return areas


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    name: str,
    kind: str,
    slug: str = "",
    short_name: str = "",
    legal_form: str = "",
    fiscal_code: str = "",
    runts_number: str = "",
    description: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    municipi: Iterable[Area] = (),
) -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        legal_form=legal_form,
        fiscal_code=normalise_fiscal_code(fiscal_code),
        runts_number=runts_number.strip(),
        description=description,
        website=website,
        email=email,
        phone=phone,
        slug=slug or unique_slug(Organisation, short_name or name),
    )
    _check_organisation(organisation)
    areas = _check_municipi(municipi)
    organisation.save()
    organisation.municipi.set(areas)
    audit.record(
        action="network.organisation.create",
        actor=by,
        obj=organisation,
        details={"name": organisation.name, "kind": organisation.kind},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User | None, municipi: Iterable[Area] | None = None, **changes: Any
) -> Organisation:
    """Change the given fields (any of ORGANISATION_FIELDS) and, if given, the municipi where it works."""
    if "fiscal_code" in changes:
        changes["fiscal_code"] = normalise_fiscal_code(changes["fiscal_code"] or "")
    if (
        "is_active" in changes
        and changes["is_active"] != organisation.is_active
        and not has_perm(by, Perm.ORGANISATION_EDIT_ANY)
    ):
        raise ApplicationError(
            _("Solo il coordinamento cittadino può disattivare o riattivare un'organizzazione."), field="is_active"
        )
    if (
        organisation.ats_members.exists()
        and changes.get("kind", OrganisationKind.ATS) != OrganisationKind.ATS
    ):
        raise ApplicationError(_("Questa ATS ha dei componenti: non si può cambiarne il tipo."), field="kind")
    if changes.get("kind") == OrganisationKind.ATS and organisation.ats_participations.exists():
        raise ApplicationError(
            _("Questa organizzazione fa parte di un'ATS: non può diventare a sua volta un'ATS."), field="kind"
        )
    changed = apply_changes(organisation, changes, ORGANISATION_FIELDS)
    _check_organisation(organisation)
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
    if municipi is not None:
        areas = _check_municipi(municipi)
        before = set(organisation.municipi.values_list("pk", flat=True))
        if before != {a.pk for a in areas}:
            organisation.municipi.set(areas)
            changed.append("municipi")
    if changed:
        audit.record(
            action="network.organisation.update", actor=by, obj=organisation, details={"changed": changed}
        )
    return organisation


# --- Addresses ------------------------------------------------------------------------------------


def _geocode(text: str) -> GeocodeResult:
    """The gazetteer's one address for the text, or an ApplicationError on the address field saying what is
    wrong (the geocoder's own Italian message) and what the person may have meant."""
    try:
        return geocode(text)
    except GeocodeError as error:
        suggestions = [s for s in error.suggestions if s][:5]
        message = error.message or _("Indirizzo non trovato: «%(text)s».") % {"text": text}
        if suggestions:
            message = _("%(message)s Forse intendevi: %(suggestions)s?") % {
                "message": message,
                "suggestions": "; ".join(suggestions),
            }
        raise ApplicationError(message, field="address_text", code="address_not_found") from error


def _area_by_code(code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


@transaction.atomic
def organisation_address_add(
    *,
    organisation: Organisation,
    by: User | None,
    address_text: str,
    label: str = "",
    allow_unlocated: bool = False,
) -> OrganisationAddress:
    """Add an address, geocoded against the city's street gazetteer.

    An address the gazetteer does not know is refused with its suggestions, unless `allow_unlocated` (for
    seats outside the gazetteer's city): then it is kept as typed, without a point on the map. The municipio
    of a located address is added to those where the organisation works."""
    address_text = " ".join(address_text.split())
    if not address_text:
        raise ApplicationError(_("Indica l'indirizzo."), field="address_text")
    address = OrganisationAddress(organisation=organisation, label=label.strip(), address_text=address_text)
    try:
        result = _geocode(address_text)
    except ApplicationError:
        if not allow_unlocated:
            raise
        result = None
    if result is not None:
        address.normalised = result.address
        address.latitude = result.latitude
        address.longitude = result.longitude
        # Areas are matched by code (MI-M<n>, MI-NIL-<id>); without the Milan areas loaded they stay empty.
        if result.municipio_code:
            address.municipio = _area_by_code(result.municipio_code)
        if result.nil_code:
            address.nil = _area_by_code(result.nil_code)
    full_clean(address)
    address.save()
    if address.municipio is not None:
        organisation.municipi.add(address.municipio)
    audit.record(
        action="network.address.add",
        actor=by,
        obj=address,
        details={"organisation": organisation.pk, "located": address.has_point},
    )
    return address


@transaction.atomic
def organisation_address_remove(*, address: OrganisationAddress, by: User | None) -> None:
    audit.record(
        action="network.address.remove",
        actor=by,
        obj=address,
        details={"organisation": address.organisation_id, "address": address.address_text},
    )
    address.delete()


# --- Staff contacts -------------------------------------------------------------------------------


def _check_person(person: Person) -> None:
    if not person.full_name.strip():
        raise ApplicationError(_("Il nome è obbligatorio."), field="full_name")
    if person.user is not None:
        from trama.accounts.models import Membership

        if (
            not Membership.objects.active()
            .filter(user=person.user, organisation=person.organisation_id)
            .exists()
        ):
            raise ApplicationError(
                _("L'utente collegato non ha un ruolo attivo in questa organizzazione."), field="user"
            )
        duplicate = Person.objects.filter(organisation=person.organisation_id, user=person.user)
        if person.pk is not None:
            duplicate = duplicate.exclude(pk=person.pk)
        if duplicate.exists():
            raise ApplicationError(_("Questo utente è già collegato a un'altra persona."), field="user")
    full_clean(person)


@transaction.atomic
def person_add(
    *,
    organisation: Organisation,
    by: User | None,
    full_name: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    user: User | None = None,
) -> Person:
    person = Person(
        organisation=organisation,
        full_name=full_name.strip(),
        title=title.strip(),
        email=email,
        phone=phone,
        user=user,
    )
    _check_person(person)
    person.save()
    audit.record(action="network.person.add", actor=by, obj=person, details={"organisation": organisation.pk})
    return person


@transaction.atomic
def person_update(*, person: Person, by: User | None, **changes: Any) -> Person:
    """Change the given fields (any of PERSON_FIELDS); `is_active=False` retires a contact who left."""
    changed = apply_changes(person, changes, PERSON_FIELDS)
    _check_person(person)
    if changed:
        person.save(update_fields=changed)
        audit.record(action="network.person.update", actor=by, obj=person, details={"changed": changed})
    return person


# --- ATS groupings --------------------------------------------------------------------------------


@transaction.atomic
def ats_member_add(
    *,
    ats: Organisation,
    organisation: Organisation,
    by: User | None,
    role: str = ATSRole.PRINCIPAL,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ATSMember:
    """Add an organisation to an ATS as its capofila (lead, at most one at a time) or as a mandante."""
    if ats.kind != OrganisationKind.ATS:
        raise ApplicationError(_("Solo un'organizzazione di tipo ATS può avere componenti."))
    if organisation.pk == ats.pk:
        raise ApplicationError(_("Un'ATS non può far parte di sé stessa."), field="organisation")
    if organisation.kind == OrganisationKind.ATS:
        raise ApplicationError(_("Un'ATS non può far parte di un'altra ATS."), field="organisation")
    if not organisation.is_active:
        raise ApplicationError(_("L'organizzazione non è attiva."), field="organisation")
    check_dates_ordered(since, until)
    # Lock the ATS row so concurrent adds are checked one after the other (see network_membership_add).
    Organisation.objects.select_for_update().filter(pk=ats.pk).first()
    same_period = overlapping(ATSMember.objects.filter(ats=ats), since, until)
    if same_period.filter(organisation=organisation).exists():
        raise ApplicationError(
            _("%(org)s fa già parte di questa ATS nello stesso periodo.") % {"org": organisation},
            field="organisation",
        )
    if role == ATSRole.LEAD and same_period.filter(role=ATSRole.LEAD).exists():
        raise ApplicationError(_("Questa ATS ha già un capofila nello stesso periodo."), field="role")
    member = ATSMember(ats=ats, organisation=organisation, role=role, since=since, until=until)
    full_clean(member)
    member.save()
    audit.record(
        action="network.ats_member.add",
        actor=by,
        obj=member,
        details={"ats": ats.pk, "organisation": organisation.pk, "role": role},
    )
    return member


@transaction.atomic
def ats_member_end(*, member: ATSMember, by: User | None, until: dt.date | None = None) -> ATSMember:
    until = until or timezone.localdate()
    if member.until is not None and member.until <= until:
        raise ApplicationError(_("Questa partecipazione è già terminata."))
    check_dates_ordered(member.since, until)
    member.until = until
    member.save(update_fields=["until"])
    audit.record(action="network.ats_member.end", actor=by, obj=member, details={"until": until.isoformat()})
    return member
