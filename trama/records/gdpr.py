"""GDPR tools for social records (issue 4 §3): a person's export (arts. 15 and 20), anonymisation with cascade
(art. 17, art. 5(1)(e)), the retention rule, and the register of processing activities (art. 30).

**Export** — `person_export(person=, by=, entitlement=)` returns everything held about one person as a JSON-able
dict; `person_export_pdf(...)` prints the same content (trama/records/gdpr_pdf.py). The caller opens the household
through the access funnel (`open_household(user, pk, purpose="export")`) and passes its entitlement, which must be
*complete*: the person's household, every data category, sensitive notes, the whole household (not only some
members) and issued to `by`. Only the owning organisation's operators with the special-category and
sensitive-notes permissions hold such an entitlement (or a platform administrator under break-glass).

What "about the person" means (documented decision):
- the person's own fields, decrypted (the export is handed to the data subject);
- household-level data, which is about the whole family and therefore the person's too: the household, its
  events, assessments, the plan (goals, actions, versions), reviews and outcomes, legal-basis records and
  break-glass accesses — but other members appear only by role, never with their personal fields: a plan action
  assigned to another member says "another member", not who;
- rows linked to one member (statements, notes, consents) only when linked to this person or to nobody (the whole
  household); rows linked to another member are left out;
- on a consent for the whole household the signer's name is left out (it may be another member's): it is given
  only on consents recorded for this person;
- referrals when the referrals app is installed (through `trama.referrals.gdpr.person_export` if that module
  exists, otherwise a generic reading of the rows that point to the person, without encrypted fields);
- the access log: every audit event about the household — when, which action, who (operator and organisation),
  how and which categories — with no object ids of other members and no other details.

**Anonymisation** — `person_anonymise` and `household_anonymise` replace identifying fields with neutral values
and free texts with `ERASED`, keep structure, history and the statistics fields the ESF+ indicators need
(`RULES` says what happens to every non-structural field; a test checks no field is forgotten). They refuse,
with an Italian message, when the retention rule (`erasure_blockers`) forbids it:
1. the household is open (the accompaniment is in progress and needs the data);
2. a legal-basis record is still in force;
3. the data are kept under a legal obligation or public task — the owner is a public office, or a legal-basis
   record or consent rests on a legal obligation or public task — and fewer than TRAMA_RECORDS_RETENTION_YEARS
   have passed since closure. Households kept on consent alone may be anonymised on request once closed.

History rows (household events, plan versions, consents, legal bases, break-glass accesses) are immutable through
the ORM. Anonymisation rewrites their personal text through a plain `QuerySet` — the same documented bypass as
key rotation in protection.reencrypt_model — and only with the fixed marker or a re-sealed copy without personal
text, never anything else; each run writes an audit event with the counts per model.
"""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.records import listing, protection
from trama.records.categories import DataCategory
from trama.records.fields import EncryptedField, Sealed
from trama.records.models import (
    Assessment,
    BreakGlassAccess,
    Consent,
    ConsentPurpose,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    HouseholdStatus,
    LegalBasis,
    LegalBasisRecord,
    Note,
    NoteVisibility,
    Person,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanVersion,
    ReviewOutcome,
    SealedRow,
    SharingBasis,
    Statement,
    name_key,
)
from trama.records.protection import Entitlement, NotEntitled, reveal

if TYPE_CHECKING:
    from trama.accounts.models import User

__all__ = [
    "ANONYMOUS_NAME", "ERASED", "RULES", "AnonymisationReason", "AnonymisationResult", "Rule",
    "anonymised_person_ids", "erasure_blockers", "household_anonymise", "is_anonymised", "person_anonymise",
    "person_export", "person_export_pdf", "processing_register", "retention_anonymise_one", "retention_cutoff",
    "retention_years",
]

EXPORT_FORMAT = "trama.records.person_export"
EXPORT_VERSION = 1
ERASED = "[anonimizzato]"
ANONYMOUS_NAME = "Anonimo"
ALL_CATEGORIES = frozenset(DataCategory)
# Legal bases under which the data must be kept for the retention period even if the person asks for erasure
# (art. 17(3)(b) GDPR).
KEEPING_BASES = frozenset({LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK,
                           SharingBasis.LEGAL_OBLIGATION, SharingBasis.PUBLIC_TASK})


# --- Export -----------------------------------------------------------------------------------------------


def _require_complete(entitlement: Entitlement, *, person: Person, by: User) -> None:
    complete = (isinstance(entitlement, Entitlement)
                and entitlement.household_id == person.household_id
                and entitlement.categories >= ALL_CATEGORIES
                and entitlement.sensitive_notes
                and entitlement.person_ids is None
                and by is not None and entitlement.user_id == by.pk)
    if not complete:
        raise NotEntitled(_("Per esportare i dati di una persona serve l'accesso completo al suo nucleo: tutte "
                            "le categorie di dati, comprese salute, posizione giuridica e note riservate."))


def _plain(value: Any) -> Any:
    """A JSON-able copy (dates as ISO strings, identifiers as text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _user_name(user: Any) -> str:
    return (user.full_name or "") if user is not None else ""


PERSON_EXPORT_FIELDS = (
    "role_in_household", "first_name_or_alias", "surname", "birth_date", "birth_year", "sex_gender", "fiscal_code",
    "citizenship", "country_of_birth", "mother_country_of_birth", "father_country_of_birth", "languages",
    "interpreter_needed", "documents_status", "residency_status", "housing_situation", "labour_status",
    "education_level", "disability", "health_notes", "phones", "emails",
)


def _member_label(member_id: int | None, person: Person) -> str | None:
    if member_id is None:
        return None
    return "self" if member_id == person.pk else "other_member"


def _assignee(action: PlanAction, person: Person) -> dict[str, Any]:
    if action.by_organisation_id is not None:
        return {"organisation": action.by_organisation.name}  # type: ignore[union-attr]
    if action.by_operator_id is not None:
        return {"operator": _user_name(action.by_operator)}
    return {"member": _member_label(action.by_member_id, person)}


def _snapshot_for(snapshot: Mapping[str, Any], person: Person) -> dict[str, Any]:
    """A plan version without other members' ids (assignees become "self" / "other_member")."""
    goals = []
    for goal in snapshot.get("goals", []):
        actions = [{**{k: v for k, v in action.items() if k != "by_member"},
                    "by_member": _member_label(action.get("by_member"), person)}
                   for action in goal.get("actions", [])]
        goals.append({**goal, "actions": actions})
    return {"goals": goals}


def _access_log(household: Household, person: Person) -> list[dict[str, Any]]:
    events = (AuditEvent.objects.filter(household_id=household.pk)  # on it or naming it: audit.household_key
              .select_related("actor", "acting_for").order_by("at", "id"))
    log = []
    for event in events:
        if event.object_type == "records.person":
            about = "self" if event.object_id == str(person.pk) else "other_member"
        elif event.object_type == "records.household":
            about = "household"
        else:
            about = event.object_type
        details = event.details if isinstance(event.details, dict) else {}
        log.append({
            "at": event.at.isoformat(), "action": event.action, "about": about,
            "by": _user_name(event.actor) or event.actor_email,
            "organisation": event.acting_for.name if event.acting_for is not None else "",
            "via": details.get("via"), "categories": details.get("categories"),
        })
    return log


def _referrals(person: Person, entitlement: Entitlement) -> list[dict[str, Any]] | None:
    """The person's referrals, or None when the referrals app is not installed."""
    if not apps.is_installed("trama.referrals"):
        return None
    try:
        hook = importlib.import_module("trama.referrals.gdpr")
    except ImportError:
        hook = None
    exporter: Callable[..., list[dict[str, Any]]] | None = getattr(hook, "person_export", None)
    if exporter is not None:
        return exporter(person=person, entitlement=entitlement)
    owner = Household.objects.values_list("organisation_id", flat=True).get(pk=person.household_id)
    rows: list[dict[str, Any]] = []
    for obj, parties, _alone in _referral_rows(person):
        row: dict[str, Any] = {"type": obj._meta.label_lower}
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            if isinstance(f, EncryptedField):
                # The referrals' reasons, notes and messages are the person's data too, but they belong to the two
                # organisations of each referral: decrypted only where the owner (who exports) is one of them —
                # not, after a case transfer, those exchanged between the previous holder and a third party.
                value = (protection.reveal_linked(obj, f.name, entitlement=entitlement) if owner in parties
                         else None)
            elif f.is_relation and f.related_model is Person:
                value = _member_label(value, person)
            row[f.name] = _plain(value) if not isinstance(value, Sealed) else None
        rows.append(row)
    return rows


PARTY_COLUMNS = ("from_organisation_id", "to_organisation_id")


def _parties(obj: models.Model) -> frozenset[int]:
    return frozenset(value for name in PARTY_COLUMNS if (value := getattr(obj, name, None)) is not None)


def _referral_rows(person: Person) -> list[tuple[models.Model, frozenset[int], bool]]:
    """The rows of the referrals app about this person: those linked to them (a referral naming them among the
    people referred) and the rows depending on those (its messages, its events), in model order; each with the
    organisations party to it and whether it is about this person alone (a dependent row: as its parent)."""
    found: dict[type[models.Model], dict[Any, tuple[frozenset[int], bool]]] = {}
    rows: list[tuple[models.Model, frozenset[int], bool]] = []
    app_models = list(apps.get_app_config("referrals").get_models())
    for model in app_models:
        links = [f for f in model._meta.get_fields()
                 if (f.many_to_one or f.many_to_many) and not f.auto_created and f.related_model is Person]
        for link in links:
            for obj in model._default_manager.filter(**{link.name: person}).distinct().order_by("pk"):
                if obj.pk not in found.setdefault(model, {}):
                    alone = not (link.many_to_many and getattr(obj, link.name).exclude(pk=person.pk).exists())
                    found[model][obj.pk] = (_parties(obj), alone)
                    rows.append((obj, *found[model][obj.pk]))
    for model in app_models:
        for f in model._meta.concrete_fields:
            target = f.related_model
            if f.many_to_one and isinstance(target, type) and target in found and target is not model:
                parents = found[target]
                for obj in model._default_manager.filter(**{f"{f.name}__in": list(parents)}).order_by("pk"):
                    rows.append((obj, *parents[getattr(obj, f.attname)]))
    return rows


def _case_transfers(household: Household, entitlement: Entitlement) -> list[dict[str, Any]] | None:
    """Who held the household's case, and the requests to pass it on (None without the referrals app). Their
    reason and answer (encrypted) only where the exporting holder was one of the two organisations."""
    if not apps.is_installed("trama.referrals"):
        return None
    transfer_model = apps.get_model("referrals", "CaseTransfer")
    rows = []
    for transfer in (transfer_model.objects.filter(household=household)
                     .select_related("from_organisation", "to_organisation").order_by("requested_at", "pk")):
        party = household.organisation_id in _parties(transfer)

        def text(name: str, transfer: models.Model = transfer, party: bool = party) -> Any:
            return protection.reveal_linked(transfer, name, entitlement=entitlement) if party else None

        rows.append({"from": transfer.from_organisation.name, "to": transfer.to_organisation.name,
                     "status": transfer.status, "requested_at": transfer.requested_at.isoformat(),
                     "responded_at": _plain(transfer.responded_at), "reason": text("reason"),
                     "response_note": text("response_note")})
    return rows


def _build_export(*, person: Person, entitlement: Entitlement) -> dict[str, Any]:
    household = Household.objects.select_related("organisation", "municipio", "nil").get(pk=person.household_id)
    person = Person.objects.get(pk=person.pk)

    def show(obj: models.Model, name: str) -> Any:
        return reveal(obj, name, entitlement=entitlement)

    personal: dict[str, Any] = {}
    for name in PERSON_EXPORT_FIELDS:
        field = Person._meta.get_field(name)
        personal[name] = _plain(show(person, name) if isinstance(field, EncryptedField) else getattr(person, name))
    personal["minor"] = person.is_minor()

    mine = Q(person__isnull=True) | Q(person=person)
    statements = [{"kind": s.kind, "need": s.term.name if s.term is not None else None, "text": s.text,
                   "about": _member_label(s.person_id, person) or "household",
                   "recorded_at": s.recorded_at.isoformat(),
                   "updated_at": s.updated_at.isoformat() if s.updated_at is not None else None}
                  for s in Statement.objects.filter(mine, household=household).select_related("term")
                  .order_by("recorded_at", "id")]
    assessments = [{"assessed_on": a.assessed_on.isoformat(),
                    "scores": [{"dimension": sc.dimension, "score": sc.score, "notes": show(sc, "notes")}
                               for sc in a.scores.order_by("dimension")]}
                   for a in Assessment.objects.filter(household=household).order_by("assessed_on", "id")]
    plan = Plan.objects.filter(household=household).first()
    goals: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    if plan is not None:
        for goal in PlanGoal.objects.filter(plan=plan).order_by("id"):
            goals.append({
                "dimension": goal.dimension, "description": show(goal, "description"),
                "target_date": _plain(goal.target_date), "status": goal.status,
                "actions": [{"description": show(action, "description"), **_assignee(action, person),
                             "due_date": _plain(action.due_date), "status": action.status}
                            for action in goal.actions.select_related("by_organisation", "by_operator")
                            .order_by("id")],
            })
        for version in PlanVersion.objects.filter(plan=plan).order_by("number"):
            versions.append({"number": version.number, "change": version.change,
                             "created_at": version.created_at.isoformat(),
                             **_snapshot_for(protection.reveal_plan_snapshot(version, entitlement=entitlement),
                                             person)})
    reviews = [{"kind": r.kind, "reviewed_on": r.reviewed_on.isoformat(),
                "outcomes": [{"dimension": o.dimension, "result": o.result, "evidence": show(o, "evidence")}
                             for o in ReviewOutcome.objects.filter(review=r).order_by("dimension")]}
               for r in PlanReview.objects.filter(household=household).order_by("reviewed_on", "id")]
    # An organisation's own and sensitive notes stay with the organisation that wrote them (access.notes_of):
    # after a case transfer, those of a former holder are listed, by whom, without their text — the person asks
    # that organisation for them, as for the referrals exchanged between two other organisations.
    notes = [{"written_at": n.written_at.isoformat(), "visibility": n.visibility,
              "organisation": n.organisation.name, "by": _user_name(n.written_by),
              "about": _member_label(n.person_id, person) or "household",
              "text": (show(n, "text") if n.visibility == NoteVisibility.SHARED
                       or n.organisation_id == household.organisation_id else None)}
             for n in Note.objects.filter(mine, household=household)
             .select_related("organisation", "written_by").order_by("written_at", "id")]
    consents = []
    for c in (Consent.objects.filter(mine, household=household).prefetch_related("recipients__organisation",
                                                                                  "recipients__network")
              .order_by("given_on", "id")):
        consents.append({
            "about": _member_label(c.person_id, person) or "household",
            "purposes": list(c.purposes), "categories": list(c.categories), "legal_basis": c.legal_basis,
            "special_condition": c.special_condition, "given_by_kind": c.given_by_kind,
            # On a whole-household consent the signer may be another member: the name only for this person's.
            "given_by_name": show(c, "given_by_name") if c.person_id == person.pk else None,
            "guardian_evidence": show(c, "guardian_evidence") if c.person_id == person.pk else None,
            "recipients": [r.organisation.name if r.organisation is not None else r.network.name  # type: ignore[union-attr]
                           for r in c.recipients.all()],
            "notice_version": c.notice_version, "notice_language": c.notice_language,
            "given_on": c.given_on.isoformat(), "expires_on": _plain(c.expires_on),
            "withdrawn_at": _plain(c.withdrawn_at), "withdrawal_reason": show(c, "withdrawal_reason"),
            "recorded_for": c.recorded_for.name,
        })
    legal_bases = [{"basis": lb.basis, "reference": lb.reference, "reason": show(lb, "reason"),
                    "categories": list(lb.categories),
                    "recipient": lb.organisation.name if lb.organisation is not None else lb.network.name,  # type: ignore[union-attr]
                    "recorded_at": lb.recorded_at.isoformat(), "valid_until": _plain(lb.valid_until),
                    "revoked_at": _plain(lb.revoked_at)}
                   for lb in LegalBasisRecord.objects.filter(household=household)
                   .select_related("organisation", "network").order_by("recorded_at", "id")]
    break_glass = [{"by": _user_name(bg.user), "reason": show(bg, "reason"), "started_at": bg.started_at.isoformat(),
                    "expires_at": bg.expires_at.isoformat()}
                   for bg in BreakGlassAccess.objects.filter(household=household).select_related("user")
                   .order_by("started_at", "id")]
    return {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "generated_at": timezone.now().isoformat(),
        "person": personal,
        "household": {
            "reference_code": household.reference_code, "label": household.label,
            "organisation": household.organisation.name,
            "municipio": household.municipio.name if household.municipio is not None else None,
            "nil": household.nil.name if household.nil is not None else None,
            "status": household.status, "opened_on": household.opened_on.isoformat(),
            "closed_on": _plain(household.closed_on), "closure_reason": household.closure_reason,
            "closure_note": household.closure_note,
            "role": person.role_in_household,
            "members": Person.objects.filter(household=household).count(),
        },
        "household_events": [{"kind": e.kind, "on": e.on.isoformat(), "reason": e.reason, "note": e.note}
                              for e in HouseholdEvent.objects.filter(household=household).order_by("at", "id")],
        "statements": statements, "assessments": assessments,
        "plan": {"goals": goals, "versions": versions}, "reviews": reviews, "notes": notes,
        "consents": consents, "legal_bases": legal_bases, "break_glass_accesses": break_glass,
        "referrals": _referrals(person, entitlement),
        "case_transfers": _case_transfers(household, entitlement),
        "access_log": _access_log(household, person),
    }


def _audit_export(*, person: Person, by: User, entitlement: Entitlement, fmt: str,
                  export: Mapping[str, Any]) -> None:
    sections = {name: len(value) for name, value in export.items() if isinstance(value, list)}
    audit.record(action="records.person.export", actor=by, obj=person, details={
        "household": person.household_id, "person": person.pk, "format": fmt, "purpose": entitlement.purpose,
        "sections": sections, "access_log": len(export["access_log"]),
    })


def person_export(*, person: Person, by: User, entitlement: Entitlement) -> dict[str, Any]:
    """Everything held about `person`, decrypted, as a JSON-able dict (audited as records.person.export)."""
    _require_complete(entitlement, person=person, by=by)
    export = _build_export(person=person, entitlement=entitlement)
    _audit_export(person=person, by=by, entitlement=entitlement, fmt="json", export=export)
    return export


def person_export_pdf(*, person: Person, by: User, entitlement: Entitlement, language: str = "it") -> bytes:
    """The same content as `person_export`, printed readably in Italian or English."""
    from trama.records.gdpr_pdf import EXPORT_LANGUAGES, render_export

    if language not in EXPORT_LANGUAGES:
        raise ApplicationError(_("Lingua non disponibile per l'esportazione: scegli italiano o inglese."),
                               field="language")
    _require_complete(entitlement, person=person, by=by)
    export = _build_export(person=person, entitlement=entitlement)
    pdf = render_export(export, language=language)
    _audit_export(person=person, by=by, entitlement=entitlement, fmt="pdf", export=export)
    return pdf


# --- Anonymisation ------------------------------------------------------------------------------------------


class Rule(StrEnum):
    KEEP = "keep"  # non-identifying, kept (statistics, structure)
    BLANK = "blank"  # emptied (the field's empty value)
    MARKER = "marker"  # free text replaced by ERASED (encrypted again if the field is encrypted)
    ANONYMOUS = "anonymous"  # replaced by ANONYMOUS_NAME
    DERIVED = "derived"  # recomputed from the anonymised fields
    RESEAL = "reseal"  # an encrypted snapshot re-sealed with its free texts replaced by ERASED


class AnonymisationReason(models.TextChoices):
    ERASURE_REQUEST = "erasure_request", gettext_lazy("Richiesta di cancellazione dell'interessato (art. 17 GDPR)")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consenso revocato e nessun'altra base (art. 17.1.b GDPR)")
    RETENTION_EXPIRED = "retention_expired", gettext_lazy("Periodo di conservazione scaduto (art. 5.1.e GDPR)")


K, B, M = Rule.KEEP, Rule.BLANK, Rule.MARKER

# What anonymisation does to every non-structural field of the records models (structural fields — keys, links,
# timestamps — are kept). Person fields kept feed the ESF+ common indicators (participants by sex, age group at
# entry — hence the birth YEAR —, foreign background and citizenship, disability, labour status, education level,
# housing exclusion); with names, fiscal code, contacts, languages, exact birth date and NIL gone, and the
# household reached only by a random statistics key, they no longer single out a person.
RULES: Mapping[str, Mapping[str, Rule]] = {
    "records.household": {"label": B, "municipio": K, "nil": B, "status": K, "opened_on": K, "closed_on": K,
                          "closure_reason": K, "closure_note": M},
    "records.householdevent": {"kind": K, "reason": K, "note": M, "on": K},
    "records.person": {
        "role_in_household": K, "first_name_or_alias": Rule.ANONYMOUS, "surname": B, "name_key": Rule.DERIVED,
        "birth_date": B, "birth_year": Rule.DERIVED, "sex_gender": K, "fiscal_code": B, "languages": B,
        "interpreter_needed": B, "citizenship": K, "country_of_birth": K, "mother_country_of_birth": K,
        "father_country_of_birth": K, "documents_status": B, "residency_status": B, "housing_situation": K,
        "labour_status": K, "education_level": K, "disability": K, "health_notes": M, "phones": B, "emails": B,
    },
    "records.statement": {"kind": K, "term": K, "text": M},
    "records.assessment": {"assessed_on": K},
    "records.assessmentscore": {"dimension": K, "score": K, "notes": M},
    "records.plangoal": {"dimension": K, "description": M, "target_date": K, "status": K},
    "records.planaction": {"description": M, "by_organisation": K, "by_operator": K, "by_member": K, "due_date": K,
                           "status": K},
    "records.planversion": {"snapshot": Rule.RESEAL},
    "records.planreview": {"kind": K, "reviewed_on": K},
    "records.reviewoutcome": {"dimension": K, "result": K, "evidence": M},
    "records.note": {"visibility": K, "text": M},
    "records.consent": {"given_by_name": M, "guardian_evidence": M, "withdrawal_reason": M},
    "records.legalbasisrecord": {"reason": M},
    "records.breakglassaccess": {"reason": M},
}


class AnonymisationResult:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.rows.items()))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_years() -> int:
    return int(settings.TRAMA_RECORDS_RETENTION_YEARS)


def retention_cutoff(*, years: int | None = None, today: dt.date | None = None) -> dt.date:
    """Households closed on or before this day are past the retention period."""
    today = today or timezone.localdate()
    return _add_years(today, -(years if years is not None else retention_years()))


def _held_by_public_office(household: Household) -> bool:
    """Whether a public office holds the case or ever held it (a case it passed on to a cooperative is still
    part of its records, kept by law)."""
    from trama.network.models import OrganisationKind

    if household.organisation.kind == OrganisationKind.PUBLIC_OFFICE:
        return True
    if not apps.is_installed("trama.referrals"):
        return False
    transfer_model = apps.get_model("referrals", "CaseTransfer")
    return transfer_model.objects.filter(household=household, status="accepted",
                                         from_organisation__kind=OrganisationKind.PUBLIC_OFFICE).exists()


def _kept_by_obligation(household: Household) -> bool:
    return (_held_by_public_office(household)
            or LegalBasisRecord.objects.filter(household=household, basis__in=KEEPING_BASES).exists()
            or Consent.objects.filter(household=household, legal_basis__in=KEEPING_BASES).exists())


def erasure_blockers(household: Household, *, today: dt.date | None = None,
                     legal_basis_active: bool | None = None) -> list[str]:
    """Why the retention rule forbids anonymising this household now (Italian messages); empty if allowed. Data
    kept by law are kept for the configured retention period (TRAMA_RECORDS_RETENTION_YEARS) whatever period
    the retention command is run with. `legal_basis_active`: whether a legal-basis record of the household is in
    force, when the caller has read them already (the household page)."""
    today = today or timezone.localdate()
    years = retention_years()
    blockers = []
    if household.status == HouseholdStatus.OPEN:
        blockers.append(_("Il nucleo è aperto: i dati servono all'accompagnamento in corso. Chiudi il nucleo "
                          "prima di anonimizzarlo."))
    if legal_basis_active is None:
        legal_basis_active = LegalBasisRecord.objects.active().filter(household=household).exists()
    if legal_basis_active:
        blockers.append(_("Una base giuridica di condivisione è ancora in vigore: chi l'ha registrata (o un altro "
                          "ruolo che può registrarne) la revochi dalla scheda Consensi, oppure attendi che scada "
                          "prima di anonimizzare."))
    if household.closed_on is not None and _kept_by_obligation(household):
        until = _add_years(household.closed_on, years)
        if today < until:
            blockers.append(_("I dati sono conservati per obbligo di legge o per un compito di interesse pubblico "
                              "fino al %(date)s (%(years)d anni dalla chiusura): non si possono ancora "
                              "anonimizzare.") % {"date": until.strftime("%d/%m/%Y"), "years": years})
    return blockers


def is_anonymised(household: Household) -> bool:
    return AuditEvent.objects.filter(action="records.household.anonymise", object_type="records.household",
                                     object_id=str(household.pk)).exists()


def _bypass_update(obj: models.Model, changes: Mapping[str, Any]) -> None:
    """Write `changes` on one row through a plain QuerySet. DOCUMENTED BYPASS (like protection.reencrypt_model):
    history models forbid updates through their managers and save(); anonymisation is the one other writer, and it
    only ever writes ERASED, an empty value or a re-sealed copy without personal text (see RULES)."""
    if changes:
        models.QuerySet(type(obj)).filter(pk=obj.pk).update(**changes)
        if isinstance(obj, Household) and listing.HOUSEHOLD_FIELDS.intersection(changes):
            listing.changed()  # the NIL blanked: a network-scoped member may no longer list it (no signal here)


def _sealed_marker(obj: models.Model, field: EncryptedField) -> Sealed:
    return Sealed(token=protection.seal_for_row(obj, field, field.encode_plain(ERASED)))


def _changes(obj: models.Model) -> dict[str, Any]:
    """The column updates RULES asks for on this row (KEEP, DERIVED and RESEAL are handled by the callers)."""
    changes: dict[str, Any] = {}
    for name, rule in RULES[obj._meta.label_lower].items():
        field = obj._meta.get_field(name)
        assert isinstance(field, models.Field)
        current = getattr(obj, field.attname)
        if rule == Rule.MARKER:
            if isinstance(field, EncryptedField):
                if current is not None:
                    changes[field.attname] = _sealed_marker(obj, field)
            elif current and current != ERASED:
                changes[field.attname] = ERASED
        elif rule == Rule.BLANK:
            empty = None if field.null else field.get_default()
            if current != empty:
                changes[field.attname] = empty
        elif rule == Rule.ANONYMOUS:
            changes[field.attname] = ANONYMOUS_NAME
    return changes


def _scrub(rows: Iterable[models.Model], result: AnonymisationResult) -> None:
    for obj in rows:
        changes = _changes(obj)
        if changes:
            _bypass_update(obj, changes)
            result.rows[obj._meta.label_lower] += 1


def _scrub_person(person: Person, result: AnonymisationResult) -> None:
    changes = _changes(person)
    changes["name_key"] = name_key(ANONYMOUS_NAME, "")
    if person.birth_year is None and person.birth_date is not None:
        changes["birth_year"] = person.birth_date.year
    changes["updated_at"] = timezone.now()
    _bypass_update(person, changes)
    result.rows["records.person"] += 1


def _reseal_versions(plan: Plan | None, result: AnonymisationResult, *,
                     erase: Callable[[str, Mapping[str, Any]], bool]) -> None:
    """Re-seal each plan version with the descriptions `erase(kind, item)` selects replaced by ERASED.

    The snapshot is decrypted with `unseal_for_copy` (allowed here: it is copied into a new encrypted value and
    never leaves this function) because an old version's structure — statuses, dates, dimensions — differs from
    today's rows and is history to keep."""
    if plan is None:
        return
    field = PlanVersion._meta.get_field("snapshot")
    assert isinstance(field, EncryptedField)
    for version in PlanVersion.objects.filter(plan=plan).order_by("number"):
        snapshot = protection.unseal_for_copy(version, "snapshot") or {"goals": []}
        changed = False
        for goal in snapshot.get("goals", []):
            if erase("goal", goal) and goal.get("description") != ERASED:
                goal["description"], changed = ERASED, True
            for action in goal.get("actions", []):
                if erase("action", action) and action.get("description") != ERASED:
                    action["description"], changed = ERASED, True
        if changed:
            token = protection.seal_for_row(version, field, field.encode_plain(snapshot))
            _bypass_update(version, {field.attname: Sealed(token=token)})
            result.rows["records.planversion"] += 1


def _reason(reason: str) -> str:
    if reason not in AnonymisationReason.values:
        raise ApplicationError(_("Indica il motivo dell'anonimizzazione: richiesta dell'interessato, consenso "
                                 "revocato o conservazione scaduta."), field="reason")
    return reason


def _check_allowed(household: Household, reason: str) -> None:
    if is_anonymised(household):
        raise ApplicationError(_("Il nucleo è già stato anonimizzato."), code="anonymised")
    blockers = erasure_blockers(household)
    if blockers:
        raise ApplicationError(blockers[0], code="retention")
    if reason == AnonymisationReason.RETENTION_EXPIRED and (
            household.closed_on is None or household.closed_on > retention_cutoff()):
        # The audit trail would give a legal ground that does not hold.
        raise ApplicationError(_("Il periodo di conservazione non è ancora scaduto: il nucleo è stato chiuso da "
                                 "meno di %(years)d anni. Scegli il motivo vero dell'anonimizzazione.")
                               % {"years": retention_years()}, field="reason")


@transaction.atomic
def person_anonymise(*, person: Person, by: User | None, reason: str) -> AnonymisationResult:
    """Anonymise one member and the rows linked to them: their statements, notes and consents, the plan actions
    assigned to them (also in the plan's versions), the texts of the referrals of them alone and their messages.
    Household-level texts, which may tell the whole family's story, are erased by `household_anonymise`."""
    reason = _reason(reason)
    household = Household.objects.select_for_update().select_related("organisation").get(pk=person.household_id)
    _check_allowed(household, reason)
    person = Person.objects.get(pk=person.pk)
    if person.pk in anonymised_person_ids(household):
        raise ApplicationError(_("La persona è già stata anonimizzata."), code="anonymised")
    result = AnonymisationResult()
    _scrub_person(person, result)
    _scrub(Statement.objects.filter(person=person), result)
    _scrub(Note.objects.filter(person=person), result)
    _scrub(Consent.objects.filter(person=person), result)
    actions = set(PlanAction.objects.filter(by_member=person).values_list("pk", flat=True))
    _scrub(PlanAction.objects.filter(pk__in=actions), result)
    # In the plan's versions: what was assigned to them then, and what is assigned to them now (an action given
    # to an organisation first and to them later has its text in the older versions too).
    _reseal_versions(Plan.objects.filter(household=household).first(), result,
                     erase=lambda kind, item: kind == "action" and (item.get("by_member") == person.pk
                                                                    or item.get("id") in actions))
    if apps.is_installed("trama.referrals"):
        # The referrals of them alone (their reason, notes and messages tell their story): texts erased.
        for obj, _parties_of, alone in _referral_rows(person):
            if not alone:
                continue  # a referral of several members also tells the others' story: kept
            fields = [f for f in obj._meta.concrete_fields if isinstance(f, EncryptedField)]
            changes = {f.attname: _sealed_marker(obj, f) for f in fields if getattr(obj, f.attname) is not None}
            if changes:
                _bypass_update(obj, changes)
                result.rows[obj._meta.label_lower] += 1
    audit.record(action="records.person.anonymise", actor=by, obj=person, details={
        "household": household.pk, "organisation": household.organisation_id, "reason": reason,
        "rows": result.as_dict()})
    return result


def anonymised_person_ids(household: Household, *, person_ids: Iterable[int] | None = None,
                          history: Iterable[HouseholdEvent] | None = None) -> set[int]:
    """The members anonymised since the household was last reopened (a family that comes back is recorded again,
    and may ask again to be forgotten). `person_ids` (every member's) and `history` (every event of the
    household), when the caller has read them already (the household page)."""
    if person_ids is None:  # no ordering: a set (and no join to the households to sort the members by)
        person_ids = Person.objects.filter(household=household).order_by().values_list("pk", flat=True)
    ids = [str(pk) for pk in person_ids]
    events = AuditEvent.objects.filter(action="records.person.anonymise", object_type="records.person",
                                       object_id__in=ids)
    if history is None:
        reopened = (HouseholdEvent.objects.filter(household=household, kind=HouseholdEventKind.REOPENED)
                    .order_by("-at").values_list("at", flat=True).first())
    else:
        reopened = max((e.at for e in history if e.kind == HouseholdEventKind.REOPENED), default=None)
    if reopened is not None:
        events = events.filter(at__gt=reopened)
    return {int(pk) for pk in events.order_by().values_list("object_id", flat=True)}


def _anonymise_household(household: Household, *, by: User | None, reason: str) -> AnonymisationResult:
    result = AnonymisationResult()
    _scrub([household], result)
    _scrub(HouseholdEvent.objects.filter(household=household), result)
    for person in Person.objects.filter(household=household):
        _scrub_person(person, result)
    _scrub(Statement.objects.filter(household=household), result)
    from trama.records.models import AssessmentScore

    _scrub(AssessmentScore.objects.filter(assessment__household=household), result)
    _scrub(PlanGoal.objects.filter(plan__household=household), result)
    _scrub(PlanAction.objects.filter(goal__plan__household=household).select_related("goal"), result)
    _reseal_versions(Plan.objects.filter(household=household).first(), result, erase=lambda kind, item: True)
    _scrub(ReviewOutcome.objects.filter(review__household=household), result)
    _scrub(Note.objects.filter(household=household), result)
    _scrub(Consent.objects.filter(household=household), result)
    _scrub(LegalBasisRecord.objects.filter(household=household), result)
    _scrub(BreakGlassAccess.objects.filter(household=household), result)
    _anonymise_referrals(household, result)
    audit.record(action="records.household.anonymise", actor=by, obj=household, details={
        "household": household.pk, "organisation": household.organisation_id, "reason": reason,
        "rows": result.as_dict()})
    return result


def _anonymise_referrals(household: Household, result: AnonymisationResult) -> None:
    """Referrals keep their own texts: the referrals app erases them through `trama.referrals.gdpr`
    (`household_anonymise(household=, marker=)` returning a count per model) when it provides one; otherwise
    their encrypted texts are replaced here."""
    if not apps.is_installed("trama.referrals"):
        return
    try:
        hook = importlib.import_module("trama.referrals.gdpr")
    except ImportError:
        hook = None
    anonymiser = getattr(hook, "household_anonymise", None) if hook is not None else None
    if anonymiser is not None:
        for label, count in (anonymiser(household=household, marker=ERASED) or {}).items():
            result.rows[label] += count
        return
    # Without the hook: every encrypted text of the referrals models that belongs to this household (reasons,
    # notes, messages) is replaced by the marker, re-sealed for its row. Plain columns there are codes and dates.
    for model in apps.get_app_config("referrals").get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if not fields or not issubclass(model, SealedRow):
            continue
        lookup = "__".join([*model.household_path[:-1], "household"])
        for obj in model._default_manager.filter(**{lookup: household}):
            changes = {f.attname: _sealed_marker(obj, f) for f in fields if getattr(obj, f.attname) is not None}
            if changes:
                _bypass_update(obj, changes)
                result.rows[model._meta.label_lower] += 1


@transaction.atomic
def household_anonymise(*, household: Household, by: User | None, reason: str) -> AnonymisationResult:
    """Anonymise a closed household and everything in it (see RULES), if the retention rule allows."""
    reason = _reason(reason)
    household = Household.objects.select_for_update().select_related("organisation").get(pk=household.pk)
    _check_allowed(household, reason)
    return _anonymise_household(household, by=by, reason=reason)


@transaction.atomic
def retention_anonymise_one(*, household: Household, years: int) -> AnonymisationResult | None:
    """For the retention command: anonymise one household past the retention period, or None if it is already
    anonymised or something still blocks it (an active legal basis, or it was reopened meanwhile)."""
    household = Household.objects.select_for_update().select_related("organisation").get(pk=household.pk)
    if (is_anonymised(household) or household.closed_on is None
            or household.closed_on > retention_cutoff(years=years) or erasure_blockers(household)):
        return None
    return _anonymise_household(household, by=None, reason=AnonymisationReason.RETENTION_EXPIRED)


# --- Register of processing activities (art. 30) -----------------------------------------------------------


# Person fields computed from others (the search key of a name): not data recorded about a person.
DERIVED_PERSON_FIELDS = frozenset({"name_key"})


def processing_register() -> dict[str, Any]:
    """The register of processing activities of Trama's social records, as structured data (the same content
    as docs/processing-register.md), for a future page."""
    from trama.records.categories import FIELD_CATEGORIES, SPECIAL_CATEGORIES
    from trama.records.models import ConsentPurpose as P

    # Each field by its label in the reader's language; derived fields (the search key of a name) are not data
    # recorded about a person.
    fields_by_category: dict[str, list[str]] = {c.value: [] for c in DataCategory}
    for name, category in FIELD_CATEGORIES["records.person"].items():
        if category is not None and name not in DERIVED_PERSON_FIELDS:
            model_field = Person._meta.get_field(name)
            fields_by_category[category.value].append(str(getattr(model_field, "verbose_name", name)))
    years = retention_years()
    purpose_basis = {
        P.SERVICES_IN_NETWORK: _("consenso (art. 6.1.a) o compito di interesse pubblico per il Comune (art. 6.1.e)"),
        P.SHARE_NAMED_ORGANISATIONS: _("consenso (art. 6.1.a; art. 9.2.a per le categorie particolari)"),
        P.SHARE_MUNICIPAL_NETWORK: _("consenso, oppure obbligo di legge, compito pubblico o interessi vitali "
                                     "registrati con motivazione (artt. 6.1.c/d/e, 9.2.b/c/h)"),
        P.MONITORING_STATISTICS: _("consenso; statistiche su chiavi pseudonime con soppressione delle celle "
                                   "piccole (art. 89)"),
        P.FOLLOW_UP_CONTACT: _("consenso (art. 6.1.a)"),
    }
    return {
        "controller": {
            "description": _("Ogni organizzazione titolare di un nucleo (ente del Terzo Settore o Comune) è "
                             "titolare del trattamento dei dati che registra."),
            "joint_controllers": _("Il Comune e gli enti del Terzo Settore di una rete territoriale sono "
                                   "contitolari (art. 26 GDPR) per la condivisione in rete, secondo l'accordo di "
                                   "rete; chi gestisce la piattaforma è responsabile del trattamento (art. 28)."),
        },
        "purposes": [{"code": p.value, "label": str(p.label), "legal_basis": purpose_basis[p]}
                     for p in ConsentPurpose],
        "data_subjects": [
            _("Persone e nuclei familiari accompagnati dalle organizzazioni della rete, compresi i minori"),
            _("Genitori, tutori e rappresentanti legali che esprimono il consenso"),
            _("Operatori e operatrici delle organizzazioni (registro degli accessi)"),
        ],
        "data_categories": [{"code": c.value, "label": str(c.label), "special": c in SPECIAL_CATEGORIES,
                             "person_fields": fields_by_category[c.value]} for c in DataCategory],
        "recipients": [
            _("Le organizzazioni indicate nel consenso, o la rete del Municipio, solo per le categorie consentite"),
            _("Le organizzazioni o le reti indicate in una base giuridica registrata con motivazione: obbligo di "
              "legge (art. 6.1.c), compito di interesse pubblico (art. 6.1.e) o interessi vitali (artt. 6.1.d e "
              "9.2.c)"),
            _("L'organizzazione a cui un nucleo è segnalato (invio a un servizio), solo per le persone segnalate e "
              "le categorie scelte, se un consenso o una base giuridica in vigore la copre"),
            _("L'organizzazione che accetta il passaggio di presa in carico di un nucleo, che ne diventa titolare"),
            _("Gli amministratori della piattaforma solo con accesso straordinario motivato, notificato "
              "all'organizzazione titolare"),
        ],
        "transfers": _("Nessun trasferimento verso paesi terzi o organizzazioni internazionali."),
        "retention": {
            "years": years,
            "rule": ngettext("I nuclei chiusi da più di %(years)d anno sono anonimizzati dal comando "
                             "records_retention; prima, su richiesta, se non c'è un obbligo di conservazione.",
                             "I nuclei chiusi da più di %(years)d anni sono anonimizzati dal comando "
                             "records_retention; prima, su richiesta, se non c'è un obbligo di conservazione.",
                             years) % {"years": years},
        },
        "security_measures": [
            _("Cifratura AES-256-GCM dei dati particolari e dei testi liberi, con chiavi fuori dal database e "
              "rotazione"),
            _("Imbuto di accesso unico: ruoli, consenso, base giuridica; 404 a chi non ha titolo"),
            _("Registro di audit in sola aggiunta di ogni lettura, esportazione e diniego"),
            _("Autenticazione a due fattori per gli operatori"),
            _("Accesso straordinario motivato, a tempo e notificato"),
            _("Esportazione e anonimizzazione per l'esercizio dei diritti"),
        ],
    }
