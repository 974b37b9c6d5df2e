"""The referral form's basis block: the consents and legal-basis records in force for the household, each with
whether it covers the referral as currently filled in (service → receiving organisation, categories, people), and
what the automatic choice would pick. Coverage is decided by the service (`services.covering_basis`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.directory.models import Service
from trama.records.access import HouseholdAccess, people_of
from trama.records.categories import DataCategory
from trama.records.models import Consent, ConsentPurpose, LegalBasisRecord, Person
from trama.referrals import services


@dataclass
class BasisOption:
    value: str
    kind: str  # "consent" | "legal_basis"
    title: str
    details: str
    covers: bool | None = None  # None: not known yet (no service or no category chosen)
    problem: str = ""


@dataclass
class BasisBlock:
    options: list[BasisOption]
    ready: bool  # a service and categories are chosen: coverage is known
    automatic: BasisOption | None  # what the automatic choice would use
    problem: str  # why nothing covers it (when ready and automatic is None)
    selected: str

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(o.value, o.title) for o in self.options]


def _category_labels(values: Any) -> str:
    labels = dict(DataCategory.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


def _consent_option(consent: Consent, opened: HouseholdAccess) -> BasisOption:
    purposes = dict(ConsentPurpose.choices)
    recipients = [str(r.organisation or r.network) for r in consent.recipients.all()]
    whom = _("tutto il nucleo")
    if consent.person_id is not None:
        whom = (consent.person.display_name if consent.person is not None
                and opened.shows_name_of(consent.person.pk) else _("un componente"))
    title = _("Consenso del %(day)s (%(whom)s)") % {"day": consent.given_on.strftime("%d/%m/%Y"), "whom": whom}
    details = "; ".join(filter(None, [
        _("finalità: %(v)s") % {"v": ", ".join(str(purposes.get(p, p)) for p in consent.purposes)},
        _("destinatari: %(v)s") % {"v": ", ".join(recipients) or "—"},
        _("categorie: %(v)s") % {"v": _category_labels(consent.categories)},
        _("scade il %(day)s") % {"day": consent.expires_on.strftime("%d/%m/%Y")} if consent.expires_on else "",
    ]))
    return BasisOption(value=f"consent:{consent.pk}", kind="consent", title=title, details=details)


def _legal_basis_option(record: LegalBasisRecord) -> BasisOption:
    recipient = record.organisation.name if record.organisation is not None else (
        record.network.name if record.network is not None else "—")
    title = _("%(basis)s — %(reference)s") % {"basis": record.get_basis_display(), "reference": record.reference}
    details = "; ".join(filter(None, [
        _("destinatario: %(v)s") % {"v": recipient},
        _("categorie: %(v)s") % {"v": _category_labels(record.categories)},
        _("valida fino al %(day)s") % {"day": record.valid_until.strftime("%d/%m/%Y")} if record.valid_until else "",
    ]))
    return BasisOption(value=f"legal_basis:{record.pk}", kind="legal_basis", title=title, details=details)


def candidates(opened: HouseholdAccess) -> tuple[list[Consent], list[LegalBasisRecord]]:
    """Consents and legal-basis records of the household in force now, in the order the automatic choice tries
    them (services.covering_basis)."""
    household = opened.household
    consents = list(Consent.objects.active().filter(household=household).select_related("person")
                    .prefetch_related("recipients__organisation", "recipients__network").order_by("-given_on", "-pk"))
    records = list(LegalBasisRecord.objects.active().filter(household=household)
                   .select_related("organisation", "network").order_by("-recorded_at"))
    return consents, records


def basis_block(opened: HouseholdAccess, *, service: Service | None, categories: list[str],
                person_ids: list[int], selected: str) -> BasisBlock:
    consents, records = candidates(opened)
    options = [_consent_option(c, opened) for c in consents] + [_legal_basis_option(r) for r in records]
    objects: list[Consent | LegalBasisRecord] = [*consents, *records]
    ready = service is not None and bool(categories)
    automatic: BasisOption | None = None
    problem = ""
    if ready:
        assert service is not None
        people: list[Person] = list(people_of(opened).filter(pk__in=person_ids))
        common: dict[str, Any] = {"household": opened.household, "to_organisation": service.organisation,
                                  "categories": categories, "people": people}
        for option, obj in zip(options, objects, strict=True):
            try:
                if isinstance(obj, Consent):
                    services.covering_basis(**common, consent=obj)
                else:
                    services.covering_basis(**common, legal_basis=obj)
                option.covers = True
            except ApplicationError as error:
                option.covers, option.problem = False, str(error.message)
        automatic = next((o for o in options if o.covers), None)
        if automatic is None:
            try:
                services.covering_basis(**common)
            except ApplicationError as error:
                problem = str(error.message)
    values = {o.value for o in options}
    return BasisBlock(options=options, ready=ready, automatic=automatic, problem=problem,
                      selected=selected if selected in values else "")
