"""Which consent or legal-basis record covers a referral (the gate of referral_send)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.records.models import SHARING_PURPOSES, Consent, Household, LegalBasisRecord, Person
from trama.referrals.services._common import _categories, _labels

if TYPE_CHECKING:
    from trama.network.models import Organisation

# --- Which consent or legal basis covers a referral -----------------------------------------------------


def receiver_network_ids(organisation: Organisation, *, on: dt.date | None = None) -> set[int]:
    """The networks whose consents and legal-basis records cover an organisation, as the records funnel counts them
    for its members (`records.access.recipient_network_ids`): those it is an active member of."""
    from trama.accounts.access import member_network_ids

    return member_network_ids({organisation.pk}, on=on, active_networks=True)


def _consent_problem(consent: Consent, *, household: Household, to_organisation: Organisation,
                     categories: list[str], person_ids: set[int], at: dt.datetime) -> str | None:
    """Why this consent does not cover the referral (None: it does)."""
    if consent.household_id != household.pk:
        return _("Il consenso scelto riguarda un altro nucleo.")
    if not consent.is_active(at):
        return _("Il consenso scelto non è in vigore: è stato revocato, è scaduto o non è ancora valido.")
    if not set(consent.purposes) & SHARING_PURPOSES:
        return _("Il consenso scelto non prevede la condivisione dei dati con altre organizzazioni.")
    networks = receiver_network_ids(to_organisation, on=timezone.localtime(at).date())
    names = consent.recipients.filter(Q(organisation=to_organisation) | Q(network_id__in=networks)).exists()
    if not names:
        return _("Il consenso scelto non nomina «%(organisation)s» né una rete di cui fa parte.") % {
            "organisation": to_organisation.name}
    missing = [c for c in categories if c not in (consent.categories or [])]
    if missing:
        return _("Il consenso scelto non copre queste categorie di dati: %(categories)s.") % {
            "categories": _labels(missing)}
    if consent.person_id is not None and person_ids - {consent.person_id}:
        return _("Il consenso scelto è stato dato per un solo membro del nucleo: non copre le altre persone "
                 "segnalate.")
    return None


def _legal_basis_problem(record: LegalBasisRecord, *, household: Household, to_organisation: Organisation,
                         categories: list[str], at: dt.datetime) -> str | None:
    if record.household_id != household.pk:
        return _("La base giuridica scelta riguarda un altro nucleo.")
    if not record.is_active(at):
        return _("La base giuridica scelta non è in vigore: è stata revocata o è scaduta.")
    networks = receiver_network_ids(to_organisation, on=timezone.localtime(at).date())
    if record.organisation_id != to_organisation.pk and record.network_id not in networks:
        return _("La base giuridica scelta non riguarda «%(organisation)s» né una rete di cui fa parte.") % {
            "organisation": to_organisation.name}
    missing = [c for c in categories if c not in (record.categories or [])]
    if missing:
        return _("La base giuridica scelta non copre queste categorie di dati: %(categories)s.") % {
            "categories": _labels(missing)}
    return None


def basis_problem(referral: Any, *, at: dt.datetime) -> str | None:
    """Why the consent or legal-basis record a sent referral rests on no longer covers it (None: it does) —
    checked again when the receiver answers: its organisation may have left the network the consent names."""
    household = referral.household
    if referral.consent_id is not None:
        return _consent_problem(referral.consent, household=household, to_organisation=referral.to_organisation,
                                categories=list(referral.categories or []),
                                person_ids=set(referral.people.values_list("pk", flat=True)), at=at)
    if referral.legal_basis_id is not None:
        return _legal_basis_problem(referral.legal_basis, household=household,
                                    to_organisation=referral.to_organisation,
                                    categories=list(referral.categories or []), at=at)
    return None


def covering_basis(*, household: Household, to_organisation: Organisation, categories: Iterable[str],
                   people: Iterable[Person], consent: Consent | None = None,
                   legal_basis: LegalBasisRecord | None = None, at: dt.datetime | None = None,
                   ) -> tuple[Consent | None, LegalBasisRecord | None]:
    """The consent or legal-basis record that covers sharing `categories` of `people` with `to_organisation`:
    the one given (checked), or else the first one in force that does. ApplicationError explaining why not."""
    at = at or timezone.now()
    chosen = _categories(categories)
    person_ids = {p.pk for p in people}
    if consent is not None and legal_basis is not None:
        raise ApplicationError(_("Indica un solo fondamento: il consenso oppure un'altra base giuridica."),
                               field="consent")
    if consent is not None:
        problem = _consent_problem(consent, household=household, to_organisation=to_organisation,
                                   categories=chosen, person_ids=person_ids, at=at)
        if problem:
            raise ApplicationError(problem, field="consent", code="not_covered")
        return consent, None
    if legal_basis is not None:
        problem = _legal_basis_problem(legal_basis, household=household, to_organisation=to_organisation,
                                       categories=chosen, at=at)
        if problem:
            raise ApplicationError(problem, field="legal_basis", code="not_covered")
        return None, legal_basis
    for candidate in Consent.objects.active(at=at).filter(household=household).order_by("-given_on", "-pk"):
        if _consent_problem(candidate, household=household, to_organisation=to_organisation, categories=chosen,
                            person_ids=person_ids, at=at) is None:
            return candidate, None
    for record in LegalBasisRecord.objects.active(at=at).filter(household=household).order_by("-recorded_at"):
        if _legal_basis_problem(record, household=household, to_organisation=to_organisation, categories=chosen,
                                at=at) is None:
            return None, record
    raise ApplicationError(
        _("Non è possibile inviare la segnalazione: nessun consenso in vigore né altra base giuridica registrata "
          "copre la condivisione con «%(organisation)s» delle categorie scelte (%(categories)s) per le persone "
          "segnalate. Registra il consenso della famiglia alla condivisione con questa organizzazione o con la sua "
          "rete, oppure riduci le categorie condivise.") % {"organisation": to_organisation.name,
                                                            "categories": _labels(chosen)},
        field="consent", code="not_covered")
