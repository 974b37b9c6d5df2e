"""The referral lifecycle: create, send, accept, decline, start, complete, cancel, expire, messages."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.records.models import Consent, Household, HouseholdStatus, LegalBasisRecord, NotificationKind, Person
from trama.referrals.access import may_act
from trama.referrals.models import (
    CANCELLABLE_STATUSES,
    DeclineReason,
    Outcome,
    Referral,
    ReferralEventKind,
    ReferralMessage,
    ReferralStatus,
    Urgency,
)
from trama.referrals.services._common import (
    _audit,
    _categories,
    _clean_text,
    _event,
    _notify,
    _ref,
    _require_household_writer,
    _require_perm,
    _require_receiver,
    _require_sender,
    _transition,
)
from trama.referrals.services.basis import basis_problem, covering_basis

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.directory.models import Service, ServiceAtLocation
    from trama.network.models import Organisation

# --- Referrals ------------------------------------------------------------------------------------------


def referral_create(
    *,
    household: Household,
    by: User | None,
    people: Iterable[Person],
    service: Service,
    reason: str,
    categories: Iterable[str],
    urgency: str = Urgency.ROUTINE,
    service_at_location: ServiceAtLocation | None = None,
    consent: Consent | None = None,
    legal_basis: LegalBasisRecord | None = None,
    submission: uuid.UUID | None = None,
) -> Referral:
    """A draft referral of some members of the household to a directory service. Sending checks the basis.

    `submission` (the key of the page the referral was written on) becomes its uuid: a second submission of the
    same page is refused with the code "repeated" (`submitted_referral` finds the first one). The funnel check
    comes before the transaction, so that its audited denial is kept when it refuses."""
    _require_household_writer(by, household)
    with transaction.atomic():
        return _referral_create(household=household, by=by, people=people, service=service, reason=reason,
                                categories=categories, urgency=urgency, service_at_location=service_at_location,
                                consent=consent, legal_basis=legal_basis, submission=submission)


def submitted_referral(*, submission: uuid.UUID | None, by: User | None, household: Household) -> Referral | None:
    """The referral an earlier submission of the same page made: only the user's own, on this household."""
    if submission is None or by is None:
        return None
    return Referral.objects.filter(uuid=submission, created_by=by, household=household).first()


def _save_once(row: Referral | ReferralMessage) -> None:
    """Insert a row whose uuid may come from a submitted page: a second insert of the same uuid (two submissions
    at once; the second waits for the first to commit) is refused as "repeated"."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise ApplicationError(_("Questo modulo è già stato inviato."), code="repeated") from error


@dataclass(frozen=True)
class _DraftFields:
    """What a draft says, checked: the same rules for a new draft and for a draft changed before sending."""

    from_organisation: Organisation
    to_organisation: Organisation
    members: list[Person]
    categories: list[str]
    reason: str


def _checked_draft(*, household: Household, by: User | None, people: Iterable[Person], service: Service,
                   reason: str, categories: Iterable[str], urgency: str,
                   service_at_location: ServiceAtLocation | None, consent: Consent | None,
                   legal_basis: LegalBasisRecord | None) -> _DraftFields:
    from trama.directory.models import ServiceStatus

    from_organisation = household.organisation
    _require_perm(by, from_organisation, _("Per inviare segnalazioni serve il ruolo di gestione delle "
                                           "segnalazioni nell'organizzazione titolare del nucleo."))
    if household.status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è chiuso: riaprilo prima di inviare una segnalazione."), code="closed")
    members = list(dict.fromkeys(people))
    if not members:
        raise ApplicationError(_("Scegli almeno una persona da segnalare."), field="people")
    if any(person.household_id != household.pk for person in members):
        raise ApplicationError(_("Le persone segnalate devono far parte del nucleo."), field="people")
    if service.status != ServiceStatus.ACTIVE:
        raise ApplicationError(_("Il servizio «%(name)s» non è attivo.") % {"name": service.name}, field="service")
    to_organisation = service.organisation
    if to_organisation.pk == from_organisation.pk:
        raise ApplicationError(_("Il servizio è della tua stessa organizzazione: non serve una segnalazione."),
                               field="service")
    if not to_organisation.is_active:
        raise ApplicationError(_("L'organizzazione «%(name)s» non è attiva.") % {"name": to_organisation.name},
                               field="service")
    if service_at_location is not None and service_at_location.service_id != service.pk:
        raise ApplicationError(_("La sede scelta non offre questo servizio."), field="service_at_location")
    if urgency not in Urgency.values:
        raise ApplicationError(_("Scegli l'urgenza."), field="urgency")
    chosen = _categories(categories)
    reason = _clean_text(reason, field="reason", required_message=_("Scrivi il motivo dell'invio."))
    if consent is not None and legal_basis is not None:
        raise ApplicationError(_("Indica un solo fondamento: il consenso oppure un'altra base giuridica."),
                               field="consent")
    return _DraftFields(from_organisation=from_organisation, to_organisation=to_organisation, members=members,
                        categories=chosen, reason=reason)


def _referral_create(*, household: Household, by: User | None, people: Iterable[Person], service: Service,
                     reason: str, categories: Iterable[str], urgency: str,
                     service_at_location: ServiceAtLocation | None, consent: Consent | None,
                     legal_basis: LegalBasisRecord | None, submission: uuid.UUID | None = None) -> Referral:
    checked = _checked_draft(household=household, by=by, people=people, service=service, reason=reason,
                             categories=categories, urgency=urgency, service_at_location=service_at_location,
                             consent=consent, legal_basis=legal_basis)
    referral = Referral(household=household, from_organisation=checked.from_organisation, created_by=by,
                        service=service, to_organisation=checked.to_organisation,
                        service_at_location=service_at_location, reason=checked.reason, urgency=urgency,
                        categories=checked.categories, consent=consent, legal_basis=legal_basis)
    if submission is not None:
        referral.uuid = submission
    _save_once(referral)
    referral.people.set(checked.members)
    _event(referral, ReferralEventKind.CREATED, from_status="", by=by, organisation=checked.from_organisation,
           at=referral.created_at)
    _audit("referrals.referral.create", by=by, referral=referral, categories=checked.categories, urgency=urgency,
           people=sorted(p.pk for p in checked.members), service=service.pk)
    return referral


def referral_draft_update(*, referral: Referral, by: User | None, people: Iterable[Person], service: Service,
                          reason: str, categories: Iterable[str], urgency: str,
                          consent: Consent | None = None, legal_basis: LegalBasisRecord | None = None) -> Referral:
    """Change a draft before sending it (who, to which service, why, what is shared, on which basis): a draft
    whose consent was withdrawn, or that shares more than any consent covers, can then be sent. Refused once
    sent (the row is locked, so a send at the same moment wins or waits). The funnel check comes before the
    transaction, so that its audited denial is kept."""
    _require_household_writer(by, referral.household)
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != ReferralStatus.DRAFT:
            raise ApplicationError(_("La segnalazione è già stata inviata: non si può più modificare."),
                                   code="already_sent")
        checked = _checked_draft(household=referral.household, by=by, people=people, service=service,
                                 reason=reason, categories=categories, urgency=urgency, service_at_location=None,
                                 consent=consent, legal_basis=legal_basis)
        current.service, current.to_organisation = service, checked.to_organisation
        current.service_at_location = None
        current.reason, current.urgency, current.categories = checked.reason, urgency, checked.categories
        current.consent, current.legal_basis = consent, legal_basis
        current.save()
        current.people.set(checked.members)
        _audit("referrals.referral.update", by=by, referral=current, categories=checked.categories,
               urgency=urgency, people=sorted(p.pk for p in checked.members), service=service.pk)
    return current


def referral_send(*, referral: Referral, by: User | None, at: dt.datetime | None = None) -> Referral:
    """Send a draft: refused, with the reason, unless a consent in force (or a legal basis recorded) covers the
    receiving organisation, every category and every referred person, and the sender may change the household
    (checked before the transaction, so that an audited denial is kept)."""
    _require_household_writer(by, referral.household)
    with transaction.atomic():
        return _referral_send(referral=referral, by=by, now=at or timezone.now())


def _referral_send(*, referral: Referral, by: User | None, now: dt.datetime) -> Referral:
    from trama.directory.models import ServiceStatus

    _require_sender(by, referral)
    if referral.status != ReferralStatus.DRAFT:
        raise ApplicationError(_("La segnalazione è già stata inviata."), code="already_sent")
    # The draft may be older than a closure of the household or of the service.
    if referral.household.status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è chiuso: riaprilo prima di inviare una segnalazione."), code="closed")
    if referral.service.status != ServiceStatus.ACTIVE or not referral.to_organisation.is_active:
        raise ApplicationError(_("Il servizio «%(name)s» non è attivo.") % {"name": referral.service.name},
                               field="service")
    consent, legal_basis = covering_basis(
        household=referral.household, to_organisation=referral.to_organisation, categories=referral.categories,
        people=referral.people.all(), consent=referral.consent, legal_basis=referral.legal_basis, at=now)
    expires_at = now + dt.timedelta(days=settings.TRAMA_REFERRAL_EXPIRY_DAYS)
    _transition(referral, expected=[ReferralStatus.DRAFT], message=_("La segnalazione è già stata inviata."),
                code="already_sent", status=ReferralStatus.SENT, sent_at=now, sent_by=by, expires_at=expires_at,
                consent=consent, legal_basis=legal_basis, updated_at=now)
    _event(referral, ReferralEventKind.SENT, from_status=ReferralStatus.DRAFT, by=by,
           organisation=referral.from_organisation, at=now)
    _audit("referrals.referral.send", by=by, referral=referral, consent=consent.pk if consent else None,
           legal_basis=legal_basis.pk if legal_basis else None, categories=referral.categories,
           expires_at=expires_at.isoformat())
    def text() -> str:
        message = str(_("Nuova segnalazione n. %(number)s per il servizio «%(service)s» da %(from)s (nucleo "
                        "%(code)s).") % _ref(referral))
        return str(_("URGENTE: %(text)s") % {"text": message}) if referral.urgency == Urgency.URGENT else message

    _notify(organisation=referral.to_organisation, kind=NotificationKind.REFERRAL_RECEIVED,
            household=referral.household, text=text)
    return referral


def _require_sent(referral: Referral) -> None:
    """Not answered yet: said so before any other check, whatever the deadline."""
    if referral.status != ReferralStatus.SENT:
        raise ApplicationError(_("La segnalazione è già stata accettata o ha già ricevuto una risposta."),
                               code="already_answered")


def _require_before_deadline(referral: Referral, now: dt.datetime) -> None:
    if referral.deadline_passed(now):  # before the daily expiry job marks it
        raise ApplicationError(_("La segnalazione è scaduta senza risposta: chi l'ha inviata può inviarne una "
                                 "nuova."), code="expired")


def _require_still_valid(referral: Referral, *, now: dt.datetime, deadline: bool) -> None:
    """What sending checked may have changed since: the household closed, the family's consent (or the legal
    basis) withdrawn or lapsed, and — for an answer — the deadline passed before the daily expiry job ran."""
    household = Household.objects.only("status").get(pk=referral.household_id)
    if household.status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è stato chiuso dall'organizzazione che ha inviato la segnalazione."),
                               code="closed")
    if deadline:
        _require_before_deadline(referral, now)
    if not referral.basis_in_force(now):
        raise ApplicationError(_("Il consenso (o la base giuridica) su cui si basa la segnalazione non è più in "
                                 "vigore: la segnalazione non può proseguire."), code="basis_lapsed")
    problem = basis_problem(referral, at=now)
    if problem is not None:  # e.g. the receiver left the network the consent names
        raise ApplicationError(_("La segnalazione non può proseguire: %(problem)s") % {"problem": problem},
                               code="basis_lapsed")


@transaction.atomic
def referral_accept(*, referral: Referral, by: User | None, at: dt.datetime | None = None) -> Referral:
    """Accept a sent referral (`at`: when, for data loaded with its history, as referral_send's). Race-free: of
    two concurrent acceptances (or an acceptance and a decline) exactly one succeeds; the other gets "already
    answered"."""
    _require_receiver(by, referral)
    now = at or timezone.now()
    _require_sent(referral)
    _require_still_valid(referral, now=now, deadline=True)
    _transition(referral, expected=[ReferralStatus.SENT],
                message=_("La segnalazione è già stata accettata o ha già ricevuto una risposta."),
                code="already_answered", status=ReferralStatus.ACCEPTED, responded_at=now, responded_by=by,
                accepted_at=now, accepted_by=by, updated_at=now)
    _event(referral, ReferralEventKind.ACCEPTED, from_status=ReferralStatus.SENT, by=by,
           organisation=referral.to_organisation, at=now)
    _audit("referrals.referral.accept", by=by, referral=referral)
    _notify(organisation=referral.from_organisation, kind=NotificationKind.REFERRAL_ANSWERED,
            household=referral.household,
            text=lambda: _("%(to)s ha accettato la segnalazione n. %(number)s (nucleo %(code)s, servizio "
                           "«%(service)s»).") % _ref(referral))
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, by: User | None, reason: str, note: str = "",
                     at: dt.datetime | None = None) -> Referral:
    """Decline a sent referral with a reason (`at`: when, as referral_accept's), before its deadline."""
    _require_receiver(by, referral)
    if reason not in DeclineReason.values:
        raise ApplicationError(_("Indica il motivo del rifiuto."), field="reason")
    note = _clean_text(note, field="note", required_message=_("Con il motivo «Altro» spiega il rifiuto in una nota.")
                       if reason == DeclineReason.OTHER else None)
    now = at or timezone.now()
    _require_sent(referral)
    _require_before_deadline(referral, now)  # like accepting
    _transition(referral, expected=[ReferralStatus.SENT],
                message=_("La segnalazione è già stata accettata o ha già ricevuto una risposta."),
                code="already_answered", status=ReferralStatus.DECLINED, decline_reason=reason, responded_at=now,
                responded_by=by, updated_at=now)
    if note:
        referral.decline_note = note
        referral.save(update_fields=["decline_note"])
    _event(referral, ReferralEventKind.DECLINED, from_status=ReferralStatus.SENT, by=by,
           organisation=referral.to_organisation, at=now, detail=reason)
    _audit("referrals.referral.decline", by=by, referral=referral, reason=reason, with_note=bool(note))
    _notify(organisation=referral.from_organisation, kind=NotificationKind.REFERRAL_ANSWERED,
            household=referral.household,
            text=lambda: _("%(to)s ha rifiutato la segnalazione n. %(number)s (nucleo %(code)s): %(reason)s.")
            % {**_ref(referral), "reason": DeclineReason(reason).label})
    return referral


@transaction.atomic
def referral_start(*, referral: Referral, by: User | None, at: dt.datetime | None = None) -> Referral:
    """The receiving service has started working with the people referred (`at`: as referral_accept's)."""
    _require_receiver(by, referral)
    now = at or timezone.now()
    _require_still_valid(referral, now=now, deadline=False)
    _transition(referral, expected=[ReferralStatus.ACCEPTED],
                message=_("Si può avviare solo una segnalazione accettata e non ancora avviata."),
                code="not_accepted", status=ReferralStatus.IN_PROGRESS, started_at=now, updated_at=now)
    _event(referral, ReferralEventKind.STARTED, from_status=ReferralStatus.ACCEPTED, by=by,
           organisation=referral.to_organisation, at=now)
    _audit("referrals.referral.start", by=by, referral=referral)
    _notify(organisation=referral.from_organisation, kind=NotificationKind.REFERRAL_ANSWERED,
            household=referral.household,
            text=lambda: _("%(to)s ha avviato il percorso della segnalazione n. %(number)s (nucleo %(code)s).")
            % _ref(referral))
    return referral


@transaction.atomic
def referral_complete(*, referral: Referral, by: User | None, outcome: str, note: str = "") -> Referral:
    """Close the loop: the outcome goes back to the sender. The receiver's access ends here."""
    _require_receiver(by, referral)
    if outcome not in Outcome.values:
        raise ApplicationError(_("Indica l'esito."), field="outcome")
    note = _clean_text(note, field="note")
    now = timezone.now()
    previous = _transition(referral, expected=[ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS],
                           message=_("Si può concludere solo una segnalazione accettata o in corso."),
                           code="not_active", status=ReferralStatus.COMPLETED, outcome=outcome, completed_at=now,
                           updated_at=now)
    if note:
        referral.outcome_note = note
        referral.save(update_fields=["outcome_note"])
    _event(referral, ReferralEventKind.COMPLETED, from_status=previous, by=by,
           organisation=referral.to_organisation, at=now, detail=outcome)
    _audit("referrals.referral.complete", by=by, referral=referral, outcome=outcome, with_note=bool(note))
    _notify(organisation=referral.from_organisation, kind=NotificationKind.REFERRAL_ANSWERED,
            household=referral.household,
            text=lambda: _("La segnalazione n. %(number)s (nucleo %(code)s) a %(to)s è conclusa con esito: "
                           "%(outcome)s.") % {**_ref(referral), "outcome": Outcome(outcome).label})
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, by: User | None) -> Referral:
    """The sender withdraws the referral before it is completed (the receiver's access, if any, ends)."""
    _require_sender(by, referral)
    now = timezone.now()
    previous = _transition(referral, expected=CANCELLABLE_STATUSES,
                           message=_("La segnalazione è già conclusa, rifiutata, scaduta o annullata."),
                           code="final", status=ReferralStatus.CANCELLED, cancelled_at=now, updated_at=now)
    _event(referral, ReferralEventKind.CANCELLED, from_status=previous, by=by,
           organisation=referral.from_organisation, at=now)
    _audit("referrals.referral.cancel", by=by, referral=referral, previous=previous)
    if previous != ReferralStatus.DRAFT:
        _notify(organisation=referral.to_organisation, kind=NotificationKind.REFERRAL_CANCELLED,
                household=referral.household,
                text=lambda: _("%(from)s ha annullato la segnalazione n. %(number)s (nucleo %(code)s).")
                % _ref(referral))
    return referral


@dataclass
class ExpiryResult:
    expired: int = 0
    reminded: int = 0


def referrals_expire(*, now: dt.datetime | None = None) -> ExpiryResult:
    """The periodic sweep (manage.py referrals_expire): remind the receiving organisation of referrals waiting
    close to their expiry (TRAMA_REFERRAL_REMINDER_DAYS before, once), and expire those unanswered for
    TRAMA_REFERRAL_EXPIRY_DAYS. Each referral in its own transaction, each change conditional: safe to run
    concurrently or again."""
    now = now or timezone.now()
    result = ExpiryResult()
    due = (Referral.objects.filter(status=ReferralStatus.SENT, expires_at__lte=now)
           .select_related("household", "service", "from_organisation", "to_organisation"))
    for referral in due:
        with transaction.atomic():
            updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SENT,
                                              expires_at__lte=now).update(
                status=ReferralStatus.EXPIRED, expired_at=now, updated_at=now)
            if not updated:
                continue  # answered or expired meanwhile
            referral.status = ReferralStatus.EXPIRED
            _event(referral, ReferralEventKind.EXPIRED, from_status=ReferralStatus.SENT, by=None,
                   organisation=None, at=now)
            _audit("referrals.referral.expire", by=None, referral=referral)
            refs = _ref(referral)
            for organisation in (referral.from_organisation, referral.to_organisation):
                _notify(organisation=organisation, kind=NotificationKind.REFERRAL_EXPIRED,
                        household=referral.household,
                        text=lambda refs=refs: _("La segnalazione n. %(number)s (nucleo %(code)s, servizio "  # type: ignore[misc]
                                                 "«%(service)s») è scaduta senza risposta.") % refs)
            result.expired += 1
    days = settings.TRAMA_REFERRAL_REMINDER_DAYS
    if days <= 0:
        return result
    soon = (Referral.objects.filter(status=ReferralStatus.SENT, reminded_at__isnull=True, expires_at__gt=now,
                                    expires_at__lte=now + dt.timedelta(days=days))
            .select_related("household", "service", "from_organisation", "to_organisation"))
    for referral in soon:
        try:
            with transaction.atomic():
                updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SENT,
                                                  reminded_at__isnull=True).update(reminded_at=now)
                if not updated:
                    continue
                _event(referral, ReferralEventKind.REMINDED, from_status=ReferralStatus.SENT, by=None,
                       organisation=None, at=now)
                assert referral.expires_at is not None
                refs = {**_ref(referral), "until": timezone.localtime(referral.expires_at).strftime("%d/%m/%Y")}
                _notify(organisation=referral.to_organisation, kind=NotificationKind.REFERRAL_REMINDER,
                        household=referral.household,
                        text=lambda refs=refs: _(  # type: ignore[misc]
                            "La segnalazione n. %(number)s da %(from)s (nucleo %(code)s) attende una risposta: "
                            "scade il %(until)s.") % refs)
                _audit("referrals.referral.remind", by=None, referral=referral,
                       expires_at=referral.expires_at.isoformat())
        except IntegrityError:  # reminded by a concurrent run
            continue
        result.reminded += 1
    return result


@transaction.atomic
def referral_message_add(*, referral: Referral, by: User | None, organisation: Organisation,
                         text: str, submission: uuid.UUID | None = None) -> ReferralMessage:
    """A message in the referral's thread, written for `organisation` (one of the two parties). With
    `submission` (the key of the page it was written on), a second submission of the same page adds nothing and
    returns the message the first one wrote."""
    if organisation.pk not in (referral.from_organisation_id, referral.to_organisation_id):
        raise ApplicationError(_("Solo le due organizzazioni della segnalazione possono scrivere nel suo filo."),
                               code="forbidden")
    side = "sender" if organisation.pk == referral.from_organisation_id else "receiver"
    if not may_act(by, referral, side=side):
        raise ApplicationError(_("Per scrivere serve il ruolo di gestione delle segnalazioni."), code="forbidden")
    if referral.sent_at is None:  # a draft, or a draft cancelled before it was ever sent
        raise ApplicationError(_("La segnalazione non è ancora stata inviata."), code="draft")
    if not referral.basis_in_force():  # a message about the family is sharing: not once the consent is gone
        raise ApplicationError(_("Il consenso (o la base giuridica) su cui si basa la segnalazione non è più in "
                                 "vigore: il filo dei messaggi è chiuso."), code="basis_lapsed")
    if submission is not None:
        earlier = ReferralMessage.objects.filter(uuid=submission, referral=referral, author=by).first()
        if earlier is not None:
            return earlier
    text = _clean_text(text, field="text", required_message=_("Scrivi il messaggio."))
    message = ReferralMessage(referral=referral, author=by, organisation=organisation, text=text)
    if submission is not None:
        message.uuid = submission
    _save_once(message)
    audit.record(action="referrals.message.add", actor=by, obj=message, acting_for=organisation,
                 details={"referral": referral.pk, "household": referral.household_id,
                          "organisation": organisation.pk})
    other = (referral.to_organisation if organisation.pk == referral.from_organisation_id
             else referral.from_organisation)
    _notify(organisation=other, kind=NotificationKind.REFERRAL_MESSAGE, household=referral.household,
            text=lambda: _("Nuovo messaggio da %(author)s sulla segnalazione n. %(number)s (nucleo %(code)s).") % {
                **_ref(referral), "author": organisation.name})
    return message
