"""Case transfers: who holds the household, with acceptance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.records import listing
from trama.records.access import could_edit_as_owner
from trama.records.models import Household, HouseholdStatus, NotificationKind
from trama.referrals.access import reach_of
from trama.referrals.models import CaseTransfer, TransferStatus
from trama.referrals.services._common import _clean_text, _notify, _require_household_writer, _require_perm

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.network.models import Organisation

# --- Case transfers -------------------------------------------------------------------------------------


def _transfer_audit(action: str, *, by: User | None, transfer: CaseTransfer, **extra: Any) -> None:
    audit.record(action=action, actor=by, obj=transfer, details={
        "household": transfer.household_id, "from_organisation": transfer.from_organisation_id,
        "to_organisation": transfer.to_organisation_id, "status": transfer.status, **extra})


def _transfer_refs(transfer: CaseTransfer) -> dict[str, str]:
    return {"code": transfer.household.reference_code, "from": transfer.from_organisation.name,
            "to": transfer.to_organisation.name}


def case_transfer_request(*, household: Household, by: User | None, to_organisation: Organisation,
                          reason: str) -> CaseTransfer:
    """The organisation holding the case asks another one to take it over (pending until it answers). The funnel
    check comes before the transaction, so that its audited denial is kept."""
    _require_household_writer(by, household)
    with transaction.atomic():
        return _case_transfer_request(household=household, by=by, to_organisation=to_organisation, reason=reason)


def _case_transfer_request(*, household: Household, by: User | None, to_organisation: Organisation,
                           reason: str) -> CaseTransfer:
    from_organisation = household.organisation
    _require_perm(by, from_organisation, _("Per passare la presa in carico serve il ruolo di gestione delle "
                                           "segnalazioni nell'organizzazione titolare del nucleo."))
    if household.status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è chiuso: riaprilo prima di passarne la presa in carico."), code="closed")
    if to_organisation.pk == from_organisation.pk:
        raise ApplicationError(_("Il nucleo è già in carico a questa organizzazione."), field="to_organisation")
    if not to_organisation.is_active:
        raise ApplicationError(_("L'organizzazione «%(name)s» non è attiva.") % {"name": to_organisation.name},
                               field="to_organisation")
    reason = _clean_text(reason, field="reason", required_message=_("Scrivi il motivo del passaggio."))
    transfer = CaseTransfer(household=household, from_organisation=from_organisation,
                            to_organisation=to_organisation, reason=reason, requested_by=by)
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as error:
        raise ApplicationError(_("C'è già una richiesta di passaggio in attesa per questo nucleo."),
                               code="pending") from error
    _transfer_audit("referrals.transfer.request", by=by, transfer=transfer)
    _notify(organisation=to_organisation, kind=NotificationKind.CASE_TRANSFER, household=household,
            text=lambda: _("%(from)s chiede di passarvi la presa in carico del nucleo %(code)s.")
            % _transfer_refs(transfer))
    return transfer


def _answer_transfer(transfer: CaseTransfer, *, status: str, by: User | None, note: str) -> None:
    now = timezone.now()
    updated = CaseTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.REQUESTED).update(
        status=status, responded_by=by, responded_at=now)
    if updated != 1:
        raise ApplicationError(_("La richiesta di passaggio ha già ricevuto una risposta o è stata annullata."),
                               code="already_answered")
    transfer.refresh_from_db()
    if note:
        transfer.response_note = note
        transfer.save(update_fields=["response_note"])


def _require_side(by: User | None, transfer: CaseTransfer, organisation: Organisation, message: str) -> None:
    """`referrals.manage` for that party of the transfer, within a network-scoped membership's area."""
    reach = reach_of(by, (Perm.REFERRALS_MANAGE,))
    receiving = organisation.pk == transfer.to_organisation_id
    if not reach.reaches(organisation.pk, transfer.household, receiving=receiving):
        raise ApplicationError(message, code="forbidden")


@transaction.atomic
def case_transfer_accept(*, transfer: CaseTransfer, by: User | None, note: str = "") -> CaseTransfer:
    """The receiving organisation takes the case: the household's organisation changes (only if it still is the
    one that asked — a conditional UPDATE), the transfer row keeps the history, the audit names both."""
    _require_side(by, transfer, transfer.to_organisation, _("Solo chi gestisce le segnalazioni dell'organizzazione "
                                                            "ricevente può accettare il passaggio."))
    if not could_edit_as_owner(by, transfer.household, transfer.to_organisation_id):
        # Within a network-scoped membership, only for a household in its network's area: the case goes to
        # someone who can then open it and work on it.
        raise ApplicationError(_("Per prendere in carico un nucleo serve il permesso di modificare le cartelle "
                                 "dell'organizzazione ricevente per la zona del nucleo."), code="forbidden")
    note = _clean_text(note, field="note")
    if Household.objects.filter(pk=transfer.household_id).exclude(status=HouseholdStatus.OPEN).exists():
        raise ApplicationError(_("Il nucleo è stato chiuso dopo la richiesta: chi l'ha chiesta deve riaprirlo "
                                 "prima del passaggio."), code="closed")
    _answer_transfer(transfer, status=TransferStatus.ACCEPTED, by=by, note=note)
    moved = Household.objects.filter(pk=transfer.household_id, organisation=transfer.from_organisation,
                                     status=HouseholdStatus.OPEN).update(
        organisation=transfer.to_organisation, updated_at=timezone.now())
    if moved != 1:
        raise ApplicationError(_("Il nucleo non è più in carico all'organizzazione che ha chiesto il passaggio."),
                               code="owner_changed")
    listing.changed()  # the household moved by an UPDATE, which sends no signal
    _transfer_audit("referrals.transfer.accept", by=by, transfer=transfer)
    audit.record(action="records.household.transfer", actor=by, obj=transfer.household, details={
        "household": transfer.household_id, "from_organisation": transfer.from_organisation_id,
        "to_organisation": transfer.to_organisation_id, "transfer": transfer.pk})
    _notify(organisation=transfer.from_organisation, kind=NotificationKind.CASE_TRANSFER,
            household=transfer.household,
            text=lambda: _("%(to)s ha accettato la presa in carico del nucleo %(code)s.") % _transfer_refs(transfer))
    transfer.household.refresh_from_db(fields=["organisation", "updated_at"])
    return transfer


@transaction.atomic
def case_transfer_decline(*, transfer: CaseTransfer, by: User | None, note: str = "") -> CaseTransfer:
    _require_side(by, transfer, transfer.to_organisation, _("Solo chi gestisce le segnalazioni dell'organizzazione "
                                                            "ricevente può rifiutare il passaggio."))
    note = _clean_text(note, field="note")
    _answer_transfer(transfer, status=TransferStatus.DECLINED, by=by, note=note)
    _transfer_audit("referrals.transfer.decline", by=by, transfer=transfer, with_note=bool(note))
    _notify(organisation=transfer.from_organisation, kind=NotificationKind.CASE_TRANSFER,
            household=transfer.household,
            text=lambda: _("%(to)s non ha accettato la presa in carico del nucleo %(code)s.")
            % _transfer_refs(transfer))
    return transfer


@transaction.atomic
def case_transfer_cancel(*, transfer: CaseTransfer, by: User | None) -> CaseTransfer:
    _require_side(by, transfer, transfer.from_organisation, _("Solo l'organizzazione che ha chiesto il passaggio "
                                                              "può annullarlo."))
    _answer_transfer(transfer, status=TransferStatus.CANCELLED, by=by, note="")
    _transfer_audit("referrals.transfer.cancel", by=by, transfer=transfer)
    _notify(organisation=transfer.to_organisation, kind=NotificationKind.CASE_TRANSFER,
            household=transfer.household,
            text=lambda: _("%(from)s ha annullato la richiesta di passaggio del nucleo %(code)s.")
            % _transfer_refs(transfer))
    return transfer
