"""Writes on consent, other legal bases for sharing, break-glass accesses and the organisations' notifications.

Like trama/records/services.py: keyword-only functions, one transaction each, Italian ApplicationError messages
naming the field, and an audit event `records.<thing>.<verb>` whose details name ids, purposes and categories —
never a name, a reason or another encrypted value. Whether the user may do it (record a consent for this
household, record a legal basis — `can_record_legal_basis(user)` —, open a break-glass access) is decided before,
by the access funnel in trama/records/access.py; these functions validate the content and keep the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.language import platform_language
from trama.records.categories import SPECIAL_CATEGORIES, DataCategory
from trama.records.models import (
    BREAK_GLASS_DEFAULT,
    BREAK_GLASS_MAX,
    BREAK_GLASS_MIN_REASON,
    FOR_MINORS,
    NEEDS_EVIDENCE,
    BreakGlassAccess,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentPurpose,
    ConsentRecipient,
    GivenByKind,
    HouseholdRole,
    LegalBasis,
    LegalBasisRecord,
    NoticeLanguage,
    NotificationKind,
    OrganisationNotification,
    SharingBasis,
    SpecialCondition,
)
from trama.records.notice import NOTICE_VERSIONS

if TYPE_CHECKING:
    from trama.accounts.access import AnyUser
    from trama.accounts.models import User
    from trama.network.models import Network, Organisation
    from trama.records.models import Household, Person

__all__ = [
    "break_glass_open", "consent_note_printed", "consent_record", "consent_withdraw", "consents_note_expired",
    "legal_basis_record", "legal_basis_revoke", "notification_mark_read", "notifications_for", "notify_organisation",
]

MAX_NAME = 200
MAX_TEXT = 2_000
MAX_REFERENCE = 200
MAX_DETAIL = 120


# --- Helpers --------------------------------------------------------------------------------------------


def _clean_text(value: str | None, *, field: str, limit: int, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if not text and required_message is not None:
        raise ApplicationError(required_message, field=field)
    if len(text) > limit:
        raise ApplicationError(_("Il testo è troppo lungo (al massimo %(limit)d caratteri).") % {"limit": limit},
                               field=field)
    return text


def _choices(values: Iterable[str] | None, *, known: Sequence[str], field: str, empty: str, unknown: str
             ) -> list[str]:
    """A non-empty list of known codes, de-duplicated, in the order of `known` (stable for comparisons)."""
    if values is None or isinstance(values, str):
        raise ApplicationError(empty, field=field)
    given = list(values)
    if not given:
        raise ApplicationError(empty, field=field)
    wrong = [value for value in given if value not in known]
    if wrong:
        raise ApplicationError(unknown % {"values": ", ".join(str(value) for value in wrong)}, field=field)
    return [value for value in known if value in given]


def _categories(values: Iterable[str] | None) -> list[str]:
    return _choices(values, known=DataCategory.values, field="categories",
                    empty=_("Scegli almeno una categoria di dati."),
                    unknown=_("Categorie di dati sconosciute: %(values)s."))


def _network_reachable(organisation: Organisation, network: Network) -> bool:
    """The organisation belongs to the network or to one of its sub-networks (a Municipio network is part of the
    city network)."""
    from trama.network.models import Network as NetworkModel

    ids = {network.pk}
    frontier = [network.pk]
    while frontier:  # a network tree is a few levels deep
        frontier = list(NetworkModel.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(frontier)
    today = timezone.localdate()
    return organisation.network_memberships.filter(
        Q(until__isnull=True) | Q(until__gte=today), network_id__in=ids).exists()


def _event(consent: Consent, kind: str, *, by: User | None, detail: str = "") -> ConsentEvent:
    return ConsentEvent.objects.create(consent=consent, kind=kind, by=by, detail=detail[:MAX_DETAIL])


def notify_organisation(*, organisation: Organisation, kind: str, household: Household | None, text: Callable[[], str],
            subject: Callable[[], str]) -> OrganisationNotification:
    """The organisation's inbox row now, and an e-mail to its address once the transaction commits (a rolled
    back action notifies nobody). Written (`text()`, `subject()`) in the platform's language, for every member
    of the organisation, not in that of whoever acted."""
    with platform_language():
        body, title = str(text()), str(subject())
    notification = OrganisationNotification.objects.create(organisation=organisation, kind=kind,
                                                           household=household, text=body)
    address = organisation.email
    if address:
        transaction.on_commit(lambda: send_mail(title, body, None, [address], fail_silently=True))
    return notification


def _notify_open_referrals(household: Household, *, consent: Consent | None = None,
                           legal_basis: LegalBasisRecord | None = None) -> None:
    """Tell each organisation a still open referral was sent to that the consent (or legal basis) it rests on is
    gone: it no longer reads the referral's texts nor writes in its thread, and should close the loop (decline
    or complete it). The referrals app is looked up by name: records does not depend on it."""
    from django.apps import apps

    if not apps.is_installed("trama.referrals"):
        return
    resting = Q(consent=consent) if consent is not None else Q(legal_basis=legal_basis)
    referrals = (apps.get_model("referrals", "Referral").objects
                 .filter(resting, status__in=("sent", "accepted", "in_progress"))
                 .select_related("to_organisation").order_by("pk"))
    for referral in referrals:
        refs = {"number": referral.pk, "code": household.reference_code}
        notify_organisation(organisation=referral.to_organisation, kind=NotificationKind.CONSENT_WITHDRAWN,
                            household=household,
                text=lambda refs=refs: _(  # type: ignore[misc]
                    "La segnalazione n. %(number)s (nucleo %(code)s) non è più coperta da un consenso o da un'altra "
                    "base giuridica: i suoi dati non sono più leggibili. Rifiutatela o concludetela.") % refs,
                subject=lambda: _("Trama: segnalazione senza più consenso"))


# --- Consent --------------------------------------------------------------------------------------------


def _check_not_anonymised(household: Household, person: Person | None = None) -> None:
    """No new consent or legal basis on an anonymised household or member: the retention command skips a household
    already anonymised, so a signer's name recorded afterwards would be kept for good. A family that comes back is
    recorded as a new household (household_reopen refuses too)."""
    from trama.records.gdpr import anonymised_person_ids, is_anonymised

    if is_anonymised(household):
        raise ApplicationError(_("Il nucleo è stato anonimizzato: non si possono registrare consensi né basi "
                                 "giuridiche. Se la famiglia torna, registra un nuovo nucleo."), code="anonymised")
    if person is not None and person.pk in anonymised_person_ids(household):
        raise ApplicationError(_("Questa persona è stata anonimizzata: non si possono registrare consensi che la "
                                 "riguardano."), field="person", code="anonymised")


def _counts_as_minor(person: Person, on: dt.date) -> bool:
    """A minor by age; without a known age, by the role in the household (a child, another minor): the
    protective reading, so that nobody of unknown age in a minor's role signs for themselves."""
    minor = person.is_minor(on)
    if minor is not None:
        return minor
    return person.role_in_household in (HouseholdRole.CHILD, HouseholdRole.OTHER_MINOR)


@transaction.atomic
def consent_record(
    *,
    household: Household,
    by: User | None,
    purposes: Iterable[str],
    categories: Iterable[str],
    given_on: dt.date,
    notice_version: str,
    notice_language: str,
    person: Person | None = None,
    recipient_organisations: Iterable[Organisation] = (),
    recipient_networks: Iterable[Network] = (),
    legal_basis: str = LegalBasis.CONSENT,
    special_condition: str | None = None,
    given_by_kind: str = GivenByKind.PERSON,
    given_by_name: str = "",
    guardian_evidence: str = "",
    expires_on: dt.date | None = None,
    recorded_for: Organisation | None = None,
) -> Consent:
    """Record a consent as given (on paper, signed): its terms never change afterwards.

    `special_condition` defaults to explicit consent when special categories (health, legal/migration status)
    are included on the basis of consent, and to "none" when they are not."""
    recorded_for = recorded_for or household.organisation
    if person is not None and person.household_id != household.pk:
        raise ApplicationError(_("La persona non fa parte di questo nucleo."), field="person")
    _check_not_anonymised(household, person)

    purposes = _choices(purposes, known=ConsentPurpose.values, field="purposes",
                        empty=_("Scegli almeno una finalità."), unknown=_("Finalità sconosciute: %(values)s."))
    categories = _categories(categories)

    version = NOTICE_VERSIONS.get(notice_version)
    if version is None:
        raise ApplicationError(_("Versione dell'informativa sconosciuta: «%(version)s».")
                               % {"version": notice_version}, field="notice_version")
    if notice_language not in NoticeLanguage.values or notice_language not in version.languages:
        raise ApplicationError(_("L'informativa non esiste in questa lingua."), field="notice_language")
    # Notice as boundary (ISO/IEC TS 27560): a consent cannot cover what the notice the family read did not say.
    beyond = [p for p in purposes if p not in version.purposes] + [c for c in categories if c not in version.categories]
    if beyond:
        raise ApplicationError(_("L'informativa letta non copre: %(values)s.") % {"values": ", ".join(beyond)},
                               field="purposes")

    if legal_basis not in LegalBasis.values:
        raise ApplicationError(_("Base giuridica sconosciuta."), field="legal_basis")
    if legal_basis != LegalBasis.CONSENT and by is not None:
        from trama.records.access import can_record_legal_basis

        if not can_record_legal_basis(by):
            # Sharing on another legal basis is the authorised role's decision, with its reason (legal_basis_record).
            raise ApplicationError(_("Solo chi può registrare una base giuridica diversa dal consenso (ad esempio "
                                     "i compiti di servizio sociale del Comune) può indicarla: qui registra il "
                                     "consenso dato dalla famiglia."), field="legal_basis")
    special = bool(set(categories) & {str(c) for c in SPECIAL_CATEGORIES})
    if special_condition is None:
        special_condition = (SpecialCondition.EXPLICIT_CONSENT if special and legal_basis == LegalBasis.CONSENT
                             else SpecialCondition.NONE)
    if special_condition not in SpecialCondition.values:
        raise ApplicationError(_("Condizione per le categorie particolari sconosciuta."), field="special_condition")
    if special and special_condition == SpecialCondition.NONE:
        raise ApplicationError(_("Salute e posizione giuridica sono categorie particolari: indica la condizione "
                                 "che ne permette il trattamento (ad esempio il consenso esplicito)."),
                               field="special_condition")
    if not special and special_condition != SpecialCondition.NONE:
        raise ApplicationError(_("La condizione per le categorie particolari serve solo se si condividono salute "
                                 "o posizione giuridica."), field="special_condition")

    today = timezone.localdate()
    if given_on > today:
        raise ApplicationError(_("La data del consenso è nel futuro."), field="given_on")
    from trama.records.services import check_record_day

    check_record_day(given_on, field="given_on")
    if expires_on is not None and expires_on <= given_on:
        raise ApplicationError(_("La scadenza deve essere successiva alla data del consenso."), field="expires_on")

    if given_by_kind not in GivenByKind.values:
        raise ApplicationError(_("Indica chi ha espresso il consenso."), field="given_by_kind")
    if person is not None and given_by_kind == GivenByKind.PERSON and _counts_as_minor(person, given_on):
        raise ApplicationError(_("Per un minore il consenso va espresso da un genitore o dal tutore."),
                               field="given_by_kind")
    members = list(household.members.all()) if person is None and given_by_kind == GivenByKind.PERSON else []
    if members and all(_counts_as_minor(member, given_on) for member in members):
        # A household consent signed "by the person" needs an adult member to sign it (an unaccompanied minor's
        # household has none: their guardian consents).
        raise ApplicationError(_("Nel nucleo non c'è un adulto che possa firmare: per un minore il consenso va "
                                 "espresso da un genitore o dal tutore."), field="given_by_kind")
    if person is not None and given_by_kind == GivenByKind.PARENT and person.is_minor(given_on) is False:
        raise ApplicationError(_("Per un adulto il consenso lo esprime la persona stessa, oppure un suo "
                                 "rappresentante legale con il titolo che lo nomina."), field="given_by_kind")
    # A household consent (person None) is signed by an adult member: their name is required.
    name_required = person is None or given_by_kind != GivenByKind.PERSON
    given_by_name = _clean_text(given_by_name, field="given_by_name", limit=MAX_NAME,
                                required_message=_("Scrivi il nome di chi firma il consenso.") if name_required
                                else None)
    evidence_message = _("Indica il titolo del rappresentante (ad esempio il decreto di nomina del tutore).")
    guardian_evidence = _clean_text(guardian_evidence, field="guardian_evidence", limit=MAX_TEXT,
                                    required_message=evidence_message if given_by_kind in NEEDS_EVIDENCE else None)
    if given_by_kind not in FOR_MINORS | NEEDS_EVIDENCE and guardian_evidence:
        guardian_evidence = ""  # the person signs for themselves: there is no title to record

    organisations = list(dict.fromkeys(recipient_organisations))
    networks = list(dict.fromkeys(recipient_networks))
    if ConsentPurpose.SHARE_NAMED_ORGANISATIONS in purposes and not organisations:
        raise ApplicationError(_("Per condividere con organizzazioni indicate, scegli almeno un'organizzazione."),
                               field="recipient_organisations")
    if ConsentPurpose.SHARE_MUNICIPAL_NETWORK in purposes and not networks:
        raise ApplicationError(_("Per condividere con la rete del Municipio, scegli la rete."),
                               field="recipient_networks")
    if organisations and ConsentPurpose.SHARE_NAMED_ORGANISATIONS not in purposes:
        raise ApplicationError(_("Hai indicato organizzazioni destinatarie ma non la finalità di condivisione con "
                                 "organizzazioni indicate."), field="recipient_organisations")
    if networks and ConsentPurpose.SHARE_MUNICIPAL_NETWORK not in purposes:
        raise ApplicationError(_("Hai indicato una rete destinataria ma non la finalità di condivisione con la "
                                 "rete del Municipio."), field="recipient_networks")
    for organisation in organisations:
        if not organisation.is_active:
            raise ApplicationError(_("L'organizzazione «%(name)s» non è attiva.") % {"name": organisation},
                                   field="recipient_organisations")
    for network in networks:
        if not network.is_active or not _network_reachable(recorded_for, network):
            raise ApplicationError(_("La rete «%(name)s» non è attiva o l'organizzazione che registra non ne fa "
                                     "parte.") % {"name": network}, field="recipient_networks")

    consent = Consent(
        household=household, person=person, purposes=purposes, categories=categories, legal_basis=legal_basis,
        special_condition=special_condition, given_by_kind=given_by_kind, given_by_name=given_by_name,
        guardian_evidence=guardian_evidence, notice_version=notice_version, notice_language=notice_language,
        given_on=given_on, expires_on=expires_on, recorded_for=recorded_for, recorded_by=by,
    )
    consent.save()
    for organisation in organisations:
        ConsentRecipient.objects.create(consent=consent, organisation=organisation)
    for network in networks:
        ConsentRecipient.objects.create(consent=consent, network=network)
    _event(consent, ConsentEventKind.GIVEN, by=by)
    audit.record(action="records.consent.record", actor=by, obj=consent, details={
        "household": household.pk, "organisation": recorded_for.pk, "person": person.pk if person else None,
        "purposes": purposes, "categories": categories, "legal_basis": legal_basis,
        "special_condition": special_condition, "given_by_kind": given_by_kind,
        "recipient_organisations": [o.pk for o in organisations], "recipient_networks": [n.pk for n in networks],
        "notice": f"{notice_version}/{notice_language}", "expires_on": expires_on.isoformat() if expires_on else None,
    })
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User | None, reason: str = "") -> Consent:
    """Withdraw a consent now: from the next request the funnel no longer counts it (GDPR art. 7(3): as easy as
    giving it, so no reason is required). Recipients lose access; the owning organisation is notified when the
    withdrawal is recorded by another organisation."""
    reason = _clean_text(reason, field="reason", limit=MAX_TEXT)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.withdrawn_at is not None:
        raise ApplicationError(_("Il consenso è già stato revocato."), code="already_withdrawn")
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = by
    current.withdrawal_reason = reason
    try:
        with transaction.atomic():
            current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    except DatabaseError as error:  # withdrawn meanwhile by a concurrent request
        raise ApplicationError(_("Il consenso è già stato revocato."), code="already_withdrawn") from error
    _event(current, ConsentEventKind.WITHDRAWN, by=by)
    audit.record(action="records.consent.withdraw", actor=by, obj=current, details={
        "household": current.household_id, "organisation": current.recorded_for_id, "with_reason": bool(reason),
    })
    household = current.household
    if household.organisation_id != current.recorded_for_id:
        notify_organisation(organisation=household.organisation, kind=NotificationKind.CONSENT_WITHDRAWN,
                            household=household,
                text=lambda: _("Un consenso sul nucleo %(code)s registrato da un'altra organizzazione è stato "
                               "revocato.") % {"code": household.reference_code},
                subject=lambda: _("Trama: consenso revocato"))
    _notify_open_referrals(household, consent=current)
    consent.withdrawn_at, consent.withdrawn_by = current.withdrawn_at, current.withdrawn_by
    consent.withdrawal_reason = current.withdrawal_reason
    consent._loaded_withdrawn = True
    return current


@transaction.atomic
def consent_note_printed(*, consent: Consent, by: User | None, language: str) -> ConsentEvent:
    """Log that the filled-in form of this consent was printed (in which language)."""
    event = _event(consent, ConsentEventKind.PRINTED, by=by, detail=language)
    audit.record(action="records.consent.print", actor=by, obj=consent,
                 details={"household": consent.household_id, "language": language})
    return event


@transaction.atomic
def consents_note_expired(*, at: dt.datetime | None = None) -> int:
    """Note once, in each consent's history, that it expired (for a periodic job). Returns how many were noted."""
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    expired = (Consent.objects.filter(expires_on__lt=day, withdrawn_at__isnull=True)
               .exclude(events__kind=ConsentEventKind.EXPIRED_NOTED).only("pk", "uuid", "expires_on"))
    noted = 0
    for consent in expired:
        assert consent.expires_on is not None
        try:
            with transaction.atomic():
                _event(consent, ConsentEventKind.EXPIRED_NOTED, by=None, detail=consent.expires_on.isoformat())
        except IntegrityError:  # noted by a concurrent run
            continue
        noted += 1
    if noted:
        audit.record(action="records.consent.expired_noted", details={"count": noted})
    return noted


# --- Other legal bases ----------------------------------------------------------------------------------


@transaction.atomic
def legal_basis_record(
    *,
    household: Household,
    by: User | None,
    basis: str,
    reference: str,
    reason: str,
    categories: Iterable[str],
    organisation: Organisation | None = None,
    network: Network | None = None,
    valid_until: dt.date | None = None,
) -> LegalBasisRecord:
    """Record that the household's data (these categories) are shared with one organisation or network on a
    legal basis other than consent. The caller has checked `can_record_legal_basis(user)`."""
    if (organisation is None) == (network is None):
        raise ApplicationError(_("Indica un solo destinatario: un'organizzazione oppure una rete."),
                               field="organisation")
    if organisation is not None and organisation.pk == household.organisation_id:
        # It would share nothing, and it would block the household's erasure while in force.
        raise ApplicationError(_("L'organizzazione titolare vede già il nucleo: indica un'altra organizzazione o "
                                 "una rete."), field="organisation")
    _check_not_anonymised(household)
    if basis not in SharingBasis.values:
        raise ApplicationError(_("Scegli la base giuridica: obbligo di legge, compito di interesse pubblico o "
                                 "interessi vitali."), field="basis")
    reference = _clean_text(reference, field="reference", limit=MAX_REFERENCE,
                            required_message=_("Indica il riferimento normativo (ad esempio «L. 328/2000 art. 22»)."))
    reason = _clean_text(reason, field="reason", limit=MAX_TEXT,
                         required_message=_("Scrivi la motivazione."))
    categories = _categories(categories)
    if valid_until is not None and valid_until < timezone.localdate():
        raise ApplicationError(_("La data di validità è già passata."), field="valid_until")
    if organisation is not None and not organisation.is_active:
        raise ApplicationError(_("L'organizzazione «%(name)s» non è attiva.") % {"name": organisation},
                               field="organisation")
    if network is not None and not network.is_active:
        raise ApplicationError(_("La rete «%(name)s» non è attiva.") % {"name": network}, field="network")
    record = LegalBasisRecord(household=household, organisation=organisation, network=network,
                              categories=categories, basis=basis, reference=reference, reason=reason,
                              recorded_by=by, valid_until=valid_until)
    record.save()
    audit.record(action="records.legal_basis.record", actor=by, obj=record, details={
        "household": household.pk, "organisation": household.organisation_id,
        "recipient_organisation": organisation.pk if organisation else None,
        "recipient_network": network.pk if network else None, "basis": basis, "categories": categories,
        "valid_until": valid_until.isoformat() if valid_until else None,
    })
    recipient = organisation or network
    notify_organisation(organisation=household.organisation, kind=NotificationKind.LEGAL_BASIS, household=household,
            text=lambda: _("I dati del nucleo %(code)s (%(categories)s) sono condivisi con «%(recipient)s» in base a "
                           "%(reference)s.") % {
                "code": household.reference_code, "recipient": recipient, "reference": reference,
                "categories": ", ".join(str(DataCategory(c).label) for c in categories)},
            subject=lambda: _("Trama: condivisione su altra base giuridica"))
    return record


@transaction.atomic
def legal_basis_revoke(*, record: LegalBasisRecord, by: User | None) -> LegalBasisRecord:
    current = LegalBasisRecord.objects.select_for_update().get(pk=record.pk)
    if current.revoked_at is not None:
        raise ApplicationError(_("Questa base giuridica è già stata revocata."), code="already_revoked")
    current.revoked_at = timezone.now()
    current.revoked_by = by
    try:
        with transaction.atomic():
            current.save(update_fields=["revoked_at", "revoked_by"])
    except DatabaseError as error:
        raise ApplicationError(_("Questa base giuridica è già stata revocata."), code="already_revoked") from error
    audit.record(action="records.legal_basis.revoke", actor=by, obj=current,
                 details={"household": current.household_id})
    record.revoked_at, record.revoked_by, record._loaded_revoked = current.revoked_at, current.revoked_by, True
    household = current.household
    notify_organisation(organisation=household.organisation, kind=NotificationKind.LEGAL_BASIS, household=household,
            text=lambda: _("La condivisione dei dati del nucleo %(code)s con «%(recipient)s» in base a %(reference)s "
                           "è stata revocata.") % {
                "code": household.reference_code, "recipient": current.organisation or current.network,
                "reference": current.reference},
            subject=lambda: _("Trama: condivisione su altra base giuridica revocata"))
    _notify_open_referrals(household, legal_basis=current)
    return current


# --- Break-glass ----------------------------------------------------------------------------------------


@transaction.atomic
def break_glass_open(*, user: User, household: Household, reason: str,
                     duration: dt.timedelta = BREAK_GLASS_DEFAULT) -> BreakGlassAccess:
    """Open an exceptional access for `user` to `household` (the funnel checked that the user may ask for one):
    a reason of at least 20 characters, at most 8 hours, audited, and notified to the owning organisation."""
    reason = _clean_text(reason, field="reason", limit=MAX_TEXT,
                         required_message=_("Scrivi il motivo dell'accesso straordinario."))
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ApplicationError(_("Spiega il motivo in almeno %(count)d caratteri.")
                               % {"count": BREAK_GLASS_MIN_REASON}, field="reason")
    if duration <= dt.timedelta(0) or duration > BREAK_GLASS_MAX:
        raise ApplicationError(_("L'accesso straordinario dura al massimo 8 ore."), field="duration")
    now = timezone.now()
    access = BreakGlassAccess(user=user, household=household, reason=reason, started_at=now,
                              expires_at=now + duration, notified_at=now)
    access.save()
    audit.record(action="records.break_glass.open", actor=user, obj=access, details={
        "household": household.pk, "organisation": household.organisation_id,
        "expires_at": access.expires_at.isoformat(), "minutes": int(duration.total_seconds() // 60),
    })
    until = timezone.localtime(access.expires_at)
    notify_organisation(organisation=household.organisation, kind=NotificationKind.BREAK_GLASS, household=household,
            text=lambda: _("%(user)s ha aperto un accesso straordinario al nucleo %(code)s fino alle %(until)s. Il "
                           "motivo è nel registro degli accessi del nucleo.") % {
                "user": getattr(user, "full_name", "") or user.email, "code": household.reference_code,
                "until": until.strftime("%d/%m/%Y %H:%M")},
            subject=lambda: _("Trama: accesso straordinario a un vostro nucleo"))
    return access


# --- Notifications --------------------------------------------------------------------------------------


def notifications_for(user: AnyUser | None) -> QuerySet[OrganisationNotification]:
    """The notices of the organisations where the user reads records or handles referrals (not every member: a
    volunteer does not read which household was referred where), unread first, newest first."""
    from trama.records.access import own_households_condition
    from trama.records.models import Household

    organisations = (accounts_access.organisation_ids_for(user, perm=Perm.RECORDS_VIEW)
                     | accounts_access.organisation_ids_for(user, perm=Perm.REFERRALS_MANAGE))
    # A notice about one of the organisation's own households (a break-glass opening, a consent withdrawn, a
    # referral answered) only to whom reaches that household as its own: a network-scoped member does not read
    # those of households outside her area. Notices about other organisations' households (a referral received)
    # go to every member who reads them.
    about_own = Q(household__organisation_id=F("organisation_id"))
    return (OrganisationNotification.objects.filter(organisation_id__in=organisations)
            .filter(Q(household__isnull=True) | ~about_own
                    | Q(household__in=Household.objects.filter(own_households_condition(user))))
            .select_related("organisation", "household", "read_by")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))


def notification_mark_read(*, notification: OrganisationNotification, by: User | None) -> bool:
    """Mark as read once (the first reader is kept); returns whether this call marked it."""
    now = timezone.now()
    updated = OrganisationNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now, read_by=by)
    if updated:
        notification.read_at, notification.read_by = now, by
        audit.record(action="records.notification.read", actor=by, obj=notification,
                     details={"organisation": notification.organisation_id})
    return bool(updated)
