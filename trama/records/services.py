"""Writes on social records: households, people, statements, assessments, plans, reviews, notes, closure.

Every function is keyword-only, runs in one transaction, validates with the models' rules (an ApplicationError
naming the field, in Italian) and writes an audit event `records.<thing>.<verb>` whose details name the fields
and data categories touched — never their values (special-category values are encrypted at rest and must not
leak into the audit log). Permissions are checked before, by the caller, through the access funnel
(trama/records/access.py: get_household_for(user, pk, write=True)); services trust the household they get.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.errors import full_clean as _full_clean
from trama.lib.codice_fiscale import normalise
from trama.records import protection
from trama.records.categories import DataCategory, field_category
from trama.records.fields import EncryptedField
from trama.records.gdpr import is_anonymised
from trama.records.models import (
    NEEDS_TAXONOMY_CODE,
    ActionStatus,
    Assessment,
    AssessmentScore,
    ClosureReason,
    Dimension,
    GoalStatus,
    Household,
    HouseholdEvent,
    HouseholdEventKind,
    HouseholdStatus,
    Note,
    NoteVisibility,
    OutcomeResult,
    Person,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanVersion,
    ReferenceCounter,
    ReviewKind,
    ReviewOutcome,
    Statement,
    StatementKind,
)
from trama.records.selectors import find_possible_duplicates

if TYPE_CHECKING:
    from trama.accounts.models import User
    from trama.directory.models import TaxonomyTerm
    from trama.network.models import Organisation
    from trama.territory.models import Area

__all__ = [
    "DimensionOutcome", "DimensionScore", "assessment_record", "find_possible_duplicates", "household_close",
    "household_create", "household_reopen", "note_add", "person_add", "person_update", "plan_action_add",
    "plan_action_update", "plan_goal_add", "plan_goal_update", "plan_review_record", "statement_add",
]

REFERENCE_PREFIX = "NUC"
MAX_TEXT = 20_000

PERSON_FIELDS = (
    "role_in_household", "first_name_or_alias", "surname", "birth_date", "birth_year", "sex_gender", "fiscal_code",
    "citizenship", "country_of_birth", "mother_country_of_birth", "father_country_of_birth", "languages",
    "interpreter_needed", "documents_status", "residency_status", "housing_situation", "labour_status",
    "education_level", "disability", "health_notes", "phones", "emails",
)
GOAL_FIELDS = ("dimension", "description", "target_date", "status")
ACTION_FIELDS = ("description", "by_organisation", "by_operator", "by_member", "due_date", "status")


@dataclass(frozen=True)
class DimensionScore:
    score: int
    notes: str = ""


@dataclass(frozen=True)
class DimensionOutcome:
    result: str
    evidence: str = ""


# --- Helpers --------------------------------------------------------------------------------------------


def _check_allowed(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        # A programming error, not a user's: the message names the fields for the developer.
        raise ApplicationError(_("Campi non modificabili: %(fields)s") % {"fields": ", ".join(sorted(unknown))})


def _apply(obj: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    _check_allowed(changes, allowed)
    for name, value in changes.items():
        setattr(obj, name, value)


PlanItem = TypeVar("PlanItem", PlanGoal, PlanAction)


def _stored_changes(model: type[PlanItem], pk: int, seen: dt.datetime | None, changes: Mapping[str, Any],
                    allowed: Iterable[str], *, message: str) -> tuple[PlanItem, dict[str, Any]]:
    """A goal or action as stored, locked until the end of the transaction, with the changes applied to it that
    change something (none: nothing to write). Refused (code "conflict") when it changed after `seen`, the moment
    its editor's form was filled."""
    stored = model.objects.select_for_update().select_related("plan" if model is PlanGoal else "goal__plan").get(
        pk=pk)
    if seen is not None and stored.updated_at != seen:
        raise ApplicationError(message, code="conflict")
    changed = _real_changes(stored, changes, allowed)
    _apply(stored, changed, allowed)
    return stored, changed


def _real_changes(obj: models.Model, changes: Mapping[str, Any], allowed: Iterable[str], *,
                  text: str = "description") -> dict[str, Any]:
    """The changes to a goal, an action or a statement that change something: a request repeating a value (an API
    PATCH sending the current status) writes no plan version and no audit event. `text`: its free text, compared
    without surrounding spaces (decrypted when encrypted)."""
    _check_allowed(changes, allowed)
    changed = {}
    for name, value in changes.items():
        if name == text:
            encrypted = isinstance(obj._meta.get_field(name), EncryptedField)
            current: Any = protection.unseal_for_copy(obj, name) if encrypted else getattr(obj, name)
            new: Any = (value or "").strip() if isinstance(value, str) else value
        elif isinstance(obj._meta.get_field(name), models.ForeignKey):
            current, new = getattr(obj, f"{name}_id"), (value.pk if isinstance(value, models.Model) else value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            changed[name] = value
    return changed


def _categories(label: str, fields: Iterable[str]) -> list[str]:
    found = {field_category(label, name) for name in fields}
    return sorted(str(category) for category in found if category is not None)


def _record(action: str, *, by: User | None, obj: models.Model, household: Household, fields: Iterable[str] = (),
            **extra: Any) -> None:
    fields = sorted(fields)
    details: dict[str, Any] = {"household": household.pk, "organisation": household.organisation_id, **extra}
    if fields:
        details["fields"] = fields
        details["categories"] = _categories(obj._meta.label_lower, fields)
    audit.record(action=action, actor=by, obj=obj, details=details)


def _require_open(household: Household) -> None:
    """Refuse a change to a closed household. Every caller runs in a transaction: the status is read again with
    the row locked, as `household_close` locks it, so that a change and a closure at once cannot both land (the
    caller's copy may have been loaded before the closure)."""
    status = Household.objects.select_for_update().filter(pk=household.pk).values_list("status", flat=True).first()
    if status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è chiuso: riaprilo prima di modificarlo."), code="closed")


def _require_text(value: str, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(message, field=field)
    if len(text) > MAX_TEXT:
        raise ApplicationError(_("Il testo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_TEXT},
                               field=field)
    return text


def _check_dimension(value: str, *, field: str = "dimension") -> str:
    if value not in Dimension.values:
        raise ApplicationError(_("Dimensione non prevista: «%(value)s».") % {"value": value}, field=field)
    return value


# The earliest day a record may name (an opening, an assessment, a consent): older is a typo ("0001-01-01" made
# the reference code NUC-1-000001), and no social record of a family still followed is older.
EARLIEST_RECORD_DAY = dt.date(1950, 1, 1)


def check_record_day(day: dt.date, *, field: str) -> None:
    """A day that has happened, not before EARLIEST_RECORD_DAY."""
    if day > timezone.localdate():
        raise ApplicationError(_("La data non può essere nel futuro."), field=field)
    if day < EARLIEST_RECORD_DAY:
        raise ApplicationError(_("La data è troppo lontana nel passato: controlla l'anno."), field=field)


def _check_not_before_opening(household: Household, day: dt.date, *, field: str) -> None:
    if day < household.opened_on:
        raise ApplicationError(_("La data non può precedere l'apertura del nucleo (%(date)s).")
                               % {"date": household.opened_on.strftime("%d/%m/%Y")}, field=field)


def _check_in_open_period(household: Household, day: dt.date, *, field: str) -> None:
    """An assessment or a review is dated on a day the household was open: not before its opening, nor between a
    closure and the following reopening (the closure's and the reopening's days themselves are open)."""
    _check_not_before_opening(household, day, field=field)
    closed_on = None
    for kind, on in (HouseholdEvent.objects.filter(household=household).order_by("on", "pk")
                     .values_list("kind", "on")):
        if kind == HouseholdEventKind.CLOSED:
            closed_on = on
        elif kind == HouseholdEventKind.REOPENED and closed_on is not None:
            if closed_on < day < on:
                raise ApplicationError(
                    _("In quella data il nucleo era chiuso (dal %(closed)s al %(reopened)s).")
                    % {"closed": closed_on.strftime("%d/%m/%Y"), "reopened": on.strftime("%d/%m/%Y")}, field=field)
            closed_on = None


# How far ahead a plan's target or due date may be: an accompaniment plan is reviewed within months, and a date
# decades away is a typing error ("2099" for "2026").
PLAN_HORIZON_YEARS = 5


def _check_plan_date(household: Household, day: dt.date | None, *, field: str) -> None:
    """A goal's target date or an action's due date: not before the household's opening, nor years ahead."""
    if day is None:
        return
    _check_not_before_opening(household, day, field=field)
    today = timezone.localdate()
    try:
        horizon = today.replace(year=today.year + PLAN_HORIZON_YEARS)
    except ValueError:  # 29 February
        horizon = today.replace(year=today.year + PLAN_HORIZON_YEARS, day=28)
    if day > horizon:
        raise ApplicationError(_("La data è oltre %(n)d anni da oggi: controlla l'anno.")
                               % {"n": PLAN_HORIZON_YEARS}, field=field)


def _next_reference_code(year: int) -> str:
    """NUC-<year>-<number>: one conditional UPDATE on the year's counter. On PostgreSQL the row lock serialises
    concurrent creations until commit; on SQLite the IMMEDIATE transaction does. The unique constraint on the
    code is the last guard."""
    for _attempt in range(3):
        if ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
            last = ReferenceCounter.objects.values_list("last", flat=True).get(year=year)
            return f"{REFERENCE_PREFIX}-{year}-{last:06d}"
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first: the next UPDATE finds it
    raise RuntimeError("Could not allocate a household reference code.")


def _copy_status(source: Household, *, into: Household) -> None:
    # The caller's instance reflects the change, as if it had been saved itself.
    for name in ("status", "closed_on", "closure_reason", "closure_note", "updated_at"):
        setattr(into, name, getattr(source, name))


# --- Households -----------------------------------------------------------------------------------------

# What may change on a household after its creation (its status changes through closing and reopening).
HOUSEHOLD_FIELDS = ("label", "municipio", "nil")


def _check_areas(municipio: Area | None, nil: Area | None) -> None:
    if municipio is not None and municipio.kind != "municipio":
        raise ApplicationError(_("L'area scelta non è un Municipio."), field="municipio")
    if nil is not None and nil.kind != "nil":
        raise ApplicationError(_("L'area scelta non è un NIL."), field="nil")
    if municipio is not None and nil is not None and nil.parent_id not in (None, municipio.pk):
        raise ApplicationError(_("Il NIL non appartiene al Municipio scelto."), field="nil")


@transaction.atomic
def household_create(
    *, organisation: Organisation, by: User | None, label: str = "", municipio: Area | None = None,
    nil: Area | None = None, opened_on: dt.date | None = None,
) -> Household:
    opened_on = opened_on or timezone.localdate()
    check_record_day(opened_on, field="opened_on")
    _check_areas(municipio, nil)
    household = Household(organisation=organisation, label=(label or "").strip(), municipio=municipio, nil=nil,
                          opened_on=opened_on, created_by=by, reference_code=_next_reference_code(opened_on.year))
    _full_clean(household)
    household.save()
    HouseholdEvent.objects.create(household=household, kind=HouseholdEventKind.OPENED, on=opened_on, by=by)
    _record("records.household.create", by=by, obj=household, household=household,
            fields=[f for f in ("label", "municipio", "nil", "opened_on") if getattr(household, f)])
    return household


@transaction.atomic
def household_update(*, household: Household, by: User | None, **changes: Any) -> Household:
    """Change the label, Municipio or NIL of an open household; the audit event names the fields that changed."""
    _require_open(household)
    if "label" in changes:
        changes["label"] = (changes["label"] or "").strip()
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    _apply(household, changes, HOUSEHOLD_FIELDS)
    _check_areas(household.municipio, household.nil)
    _full_clean(household)
    if changed:
        household.save(update_fields=sorted({*changed, "updated_at"}))
        _record("records.household.update", by=by, obj=household, household=household, fields=changed)
    return household


@transaction.atomic
def household_close(
    *, household: Household, by: User | None, reason: str, note: str = "",
    outcomes: Mapping[str, DimensionOutcome] | None = None, closed_on: dt.date | None = None,
) -> HouseholdEvent:
    """Close with a reason and, per dimension, the outcome at closure (the ESF+ "improved situation")."""
    original, household = household, Household.objects.select_for_update().get(pk=household.pk)
    if household.status != HouseholdStatus.OPEN:
        raise ApplicationError(_("Il nucleo è già chiuso."), code="closed")
    if reason not in ClosureReason.values:
        raise ApplicationError(_("Indica il motivo della chiusura."), field="reason")
    note = (note or "").strip()
    if reason == ClosureReason.OTHER and not note:
        raise ApplicationError(_("Con il motivo «Altro» spiega la chiusura in una nota."), field="note")
    outcomes = dict(outcomes or {})
    if reason == ClosureReason.GOALS_ACHIEVED and not outcomes:
        raise ApplicationError(_("Se gli obiettivi sono raggiunti, indica l'esito per almeno una dimensione."),
                               field="outcomes")
    closed_on = closed_on or timezone.localdate()
    check_record_day(closed_on, field="closed_on")
    if closed_on < household.opened_on:
        raise ApplicationError(_("La chiusura non può precedere l'apertura del nucleo."), field="closed_on")
    reopened = (HouseholdEvent.objects.filter(household=household, kind=HouseholdEventKind.REOPENED)
                .order_by("-on").values_list("on", flat=True).first())
    if reopened is not None and closed_on < reopened:
        # Else the history would read closed, reopened, closed earlier, and the retention period would run from
        # a day before the case was last taken up again.
        raise ApplicationError(_("La chiusura non può precedere l'ultima riapertura del nucleo (%(date)s).")
                               % {"date": reopened.strftime("%d/%m/%Y")}, field="closed_on")
    latest = max((day for day in (
        Assessment.objects.filter(household=household).order_by("-assessed_on").values_list("assessed_on", flat=True)
        .first(),
        PlanReview.objects.filter(household=household).order_by("-reviewed_on").values_list("reviewed_on", flat=True)
        .first(),
    ) if day is not None), default=None)
    if latest is not None and closed_on < latest:
        raise ApplicationError(_("La chiusura non può precedere l'ultima valutazione o verifica (%(date)s).")
                               % {"date": latest.strftime("%d/%m/%Y")}, field="closed_on")
    household.status = HouseholdStatus.CLOSED
    household.closed_on = closed_on
    household.closure_reason = reason
    household.closure_note = note
    _full_clean(household)
    household.save(update_fields=["status", "closed_on", "closure_reason", "closure_note", "updated_at"])
    event = HouseholdEvent.objects.create(household=household, kind=HouseholdEventKind.CLOSED, reason=reason,
                                          note=note, on=closed_on, by=by)
    review = PlanReview.objects.create(household=household, kind=ReviewKind.CLOSURE, reviewed_on=closed_on,
                                       closure_event=event, reviewed_by=by)
    _add_outcomes(review, outcomes)
    _record("records.household.close", by=by, obj=household, household=household, reason=reason,
            outcomes={dimension: outcome.result for dimension, outcome in sorted(outcomes.items())})
    _copy_status(household, into=original)
    return event


@transaction.atomic
def household_reopen(*, household: Household, by: User | None, note: str,
                     reopened_on: dt.date | None = None) -> HouseholdEvent:
    original, household = household, Household.objects.select_for_update().get(pk=household.pk)
    if household.status != HouseholdStatus.CLOSED:
        raise ApplicationError(_("Il nucleo è già aperto."), code="open")
    if is_anonymised(household):
        raise ApplicationError(_("Il nucleo è stato anonimizzato: non si può riaprire. Se la famiglia torna, "
                                 "registra un nuovo nucleo."), code="anonymised")
    note = _require_text(note, field="note", message=_("Indica il motivo della riapertura."))
    reopened_on = reopened_on or timezone.localdate()
    check_record_day(reopened_on, field="reopened_on")
    assert household.closed_on is not None
    if reopened_on < household.closed_on:
        raise ApplicationError(_("La riapertura non può precedere la chiusura."), field="reopened_on")
    # The closure stays in the history (HouseholdEvent and the closure review); the household is open again.
    household.status = HouseholdStatus.OPEN
    household.closed_on = None
    household.closure_reason = ""
    household.closure_note = ""
    household.save(update_fields=["status", "closed_on", "closure_reason", "closure_note", "updated_at"])
    event = HouseholdEvent.objects.create(household=household, kind=HouseholdEventKind.REOPENED, note=note,
                                          on=reopened_on, by=by)
    _record("records.household.reopen", by=by, obj=household, household=household)
    _copy_status(household, into=original)
    return event


# --- People ---------------------------------------------------------------------------------------------


def _normalise_person(person: Person) -> None:
    person.first_name_or_alias = (person.first_name_or_alias or "").strip()
    person.surname = (person.surname or "").strip()
    person.fiscal_code = normalise(person.fiscal_code) if person.fiscal_code else ""
    for name in ("citizenship", "country_of_birth", "mother_country_of_birth", "father_country_of_birth"):
        setattr(person, name, (getattr(person, name) or "").strip().upper())
    person.languages = [code.strip().lower() for code in person.languages or [] if isinstance(code, str)]
    person.phones = [phone.strip() for phone in person.phones or [] if isinstance(phone, str) and phone.strip()]
    person.emails = [email.strip() for email in person.emails or [] if isinstance(email, str) and email.strip()]
    if not person.first_name_or_alias:
        raise ApplicationError(_("Indica almeno un nome o un soprannome."), field="first_name_or_alias")
    person.refresh_name_key()


def _check_code_and_birth(person: Person) -> None:
    if person.code_disagrees_with_birth_date():
        raise ApplicationError(_("Il codice fiscale non corrisponde alla data di nascita: controlla l'uno o "
                                 "l'altra."), field="fiscal_code")


@transaction.atomic
def person_add(*, household: Household, by: User | None, role_in_household: str, first_name_or_alias: str,
               **fields: Any) -> Person:
    _require_open(household)
    person = Person(household=household, created_by=by)
    _apply(person, {"role_in_household": role_in_household, "first_name_or_alias": first_name_or_alias, **fields},
           PERSON_FIELDS)
    _normalise_person(person)
    _full_clean(person)
    _check_code_and_birth(person)
    person.save()
    given = [name for name in ("role_in_household", "first_name_or_alias", *fields)]
    _record("records.person.add", by=by, obj=person, household=household, fields=given)
    return person


@transaction.atomic
def person_update(*, person: Person, by: User | None, **changes: Any) -> Person:
    household = person.household
    _require_open(household)
    _apply(person, changes, PERSON_FIELDS)
    _normalise_person(person)
    # A code stored before today's rules (31 April, omocodia from the left) does not block a change of phones:
    # it is checked again when it, or the birth date it encodes, changes.
    identity_changed = "fiscal_code" in changes or "birth_date" in changes
    _full_clean(person, exclude=() if identity_changed else ("fiscal_code",))
    if identity_changed:
        _check_code_and_birth(person)
    update_fields = sorted({*changes, "name_key", "updated_at"})
    person.save(update_fields=update_fields)
    _record("records.person.update", by=by, obj=person, household=household, fields=changes)
    return person


# --- Needs, wishes and strengths ------------------------------------------------------------------------


@transaction.atomic
def statement_add(*, household: Household, by: User | None, kind: str, text: str, person: Person | None = None,
                  term: TaxonomyTerm | None = None) -> Statement:
    _require_open(household)
    if kind not in StatementKind.values:
        raise ApplicationError(_("Scegli se è un bisogno, un desiderio o una risorsa."), field="kind")
    if term is not None and term.taxonomy.code != NEEDS_TAXONOMY_CODE:
        raise ApplicationError(_("Il termine scelto non appartiene alla tassonomia dei bisogni."), field="term")
    text = _require_text(text, field="text", message=_("Scrivi il bisogno, il desiderio o la risorsa."))
    statement = Statement(household=household, person=person, kind=kind, term=term, text=text, recorded_by=by)
    _full_clean(statement)
    statement.save()
    _record("records.statement.add", by=by, obj=statement, household=household, kind=kind,
            fields=["kind", "text", *(["term"] if term else [])])
    return statement


STATEMENT_FIELDS = ("kind", "text", "person", "term")


def _stored_statement(statement: Statement) -> Statement:
    """The statement as stored, locked; removed by someone else meanwhile: refused (code "gone")."""
    stored = Statement.objects.select_for_update().select_related("household").filter(pk=statement.pk).first()
    if stored is None:
        raise ApplicationError(_("Questa voce non c'è più: qualcuno l'ha eliminata nel frattempo."), code="gone")
    return stored


@transaction.atomic
def statement_update(*, statement: Statement, by: User | None, seen: dt.datetime | None = None,
                     **changes: Any) -> Statement:
    """Correct a need, a wish or a resource: its kind, words, who it is about, its need term. `seen`: when the
    editor's form was filled (the statement's `changed_at` then); one changed since is not overwritten (code
    "conflict"). Only what changes is written and audited; the stored statement is returned."""
    _check_allowed(changes, STATEMENT_FIELDS)
    stored = _stored_statement(statement)
    household = stored.household
    _require_open(household)
    if seen is not None and stored.changed_at != seen:
        raise ApplicationError(_("Nel frattempo qualcuno ha modificato questa voce. Ricarica la pagina per vedere "
                                 "com'è ora, oppure salva di nuovo per sostituirla con i tuoi valori."),
                               code="conflict")
    changed = _real_changes(stored, changes, STATEMENT_FIELDS, text="text")
    if not changed:
        return stored
    if "kind" in changed and changed["kind"] not in StatementKind.values:
        raise ApplicationError(_("Scegli se è un bisogno, un desiderio o una risorsa."), field="kind")
    term = changed.get("term")
    if term is not None and term.taxonomy.code != NEEDS_TAXONOMY_CODE:
        raise ApplicationError(_("Il termine scelto non appartiene alla tassonomia dei bisogni."), field="term")
    if "text" in changed:
        changed["text"] = _require_text(changed["text"], field="text",
                                        message=_("Scrivi il bisogno, il desiderio o la risorsa."))
    _apply(stored, changed, STATEMENT_FIELDS)
    stored.updated_at = timezone.now()
    _full_clean(stored)
    stored.save(update_fields=sorted({*changed, "updated_at"}))
    _record("records.statement.update", by=by, obj=stored, household=household, fields=changed, kind=stored.kind)
    return stored


@transaction.atomic
def statement_remove(*, statement: Statement, by: User | None) -> Statement:
    """Remove a need, a wish or a resource recorded by mistake (rectification, GDPR art. 16): the audit log keeps
    that it existed, who removed it and when, not its words."""
    stored = _stored_statement(statement)
    household = stored.household
    _require_open(household)
    kind, person = stored.kind, stored.person_id
    pk = stored.pk
    stored.delete()
    stored.pk = pk  # for the audit event's object id
    _record("records.statement.remove", by=by, obj=stored, household=household, kind=kind, person=person)
    return stored


# --- Assessments ----------------------------------------------------------------------------------------


def _same_assessment_recorded(household: Household, assessed_on: dt.date,
                              scores: Mapping[str, DimensionScore]) -> bool:
    wanted = {dimension: (value.score, (value.notes or "").strip()) for dimension, value in scores.items()}
    for assessment in (Assessment.objects.filter(household=household, assessed_on=assessed_on)
                       .prefetch_related("scores")):
        found = {score.dimension: (score.score, protection.unseal_for_copy(score, "notes") or "")
                 for score in assessment.scores.all()}
        if found == wanted:
            return True
    return False


@transaction.atomic
def assessment_record(*, household: Household, by: User | None, assessed_on: dt.date,
                      scores: Mapping[str, DimensionScore]) -> Assessment:
    _require_open(household)
    check_record_day(assessed_on, field="assessed_on")
    _check_in_open_period(household, assessed_on, field="assessed_on")
    if not scores:
        raise ApplicationError(_("Indica il punteggio di almeno una dimensione."), field="scores")
    for dimension, value in scores.items():
        _check_dimension(dimension, field="scores")
        if not isinstance(value.score, int) or isinstance(value.score, bool) or not 1 <= value.score <= 5:
            raise ApplicationError(_("Il punteggio va da 1 a 5."), field="scores")
        if len(value.notes or "") > MAX_TEXT:
            raise ApplicationError(_("Il testo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_TEXT},
                                   field="scores")
    if _same_assessment_recorded(household, assessed_on, scores):
        # A form sent twice (a double click, a reload): the second copy would stay for ever (assessments are
        # never deleted) and flatten the trend.
        raise ApplicationError(_("Questa valutazione del %(date)s è già registrata, con gli stessi punteggi e "
                                 "note.") % {"date": assessed_on.strftime("%d/%m/%Y")}, field="scores")
    assessment = Assessment.objects.create(household=household, assessed_on=assessed_on, assessed_by=by)
    AssessmentScore.objects.bulk_create([
        AssessmentScore(assessment=assessment, dimension=dimension, score=value.score,
                        notes=(value.notes or "").strip())
        for dimension, value in sorted(scores.items())
    ])
    _record("records.assessment.record", by=by, obj=assessment, household=household,
            dimensions=sorted(scores), categories=sorted({
                str(DataCategory.HEALTH if d == Dimension.HEALTH else DataCategory.NEEDS_AND_PLAN) for d in scores}))
    return assessment


# --- Plan -----------------------------------------------------------------------------------------------


def _plan_of(household: Household) -> Plan:
    plan, _created = Plan.objects.get_or_create(household=household)
    return plan


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _version(plan: Plan, *, by: User | None, change: str) -> PlanVersion:
    """Write the plan as it is now as a new immutable version (number bumped with a conditional UPDATE)."""
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=timezone.now())
    number = Plan.objects.values_list("version", flat=True).get(pk=plan.pk)
    plan.version = number
    goals = []
    for goal in plan.goals.prefetch_related("actions").order_by("id"):
        goals.append({
            "id": goal.pk, "dimension": goal.dimension,
            "description": protection.unseal_for_copy(goal, "description"),
            "target_date": _iso(goal.target_date), "status": goal.status,
            "actions": [{
                "id": action.pk, "description": protection.unseal_for_copy(action, "description"),
                "by_organisation": action.by_organisation_id, "by_operator": action.by_operator_id,
                "by_member": action.by_member_id, "due_date": _iso(action.due_date), "status": action.status,
            } for action in sorted(goal.actions.all(), key=lambda a: a.pk)],
        })
    version = PlanVersion(plan=plan, number=number, change=change, snapshot={"goals": goals}, created_by=by)
    version.save()
    return version


@transaction.atomic
def plan_goal_add(*, household: Household, by: User | None, dimension: str, description: str,
                  target_date: dt.date | None = None, status: str = GoalStatus.PLANNED) -> PlanGoal:
    _require_open(household)
    _check_dimension(dimension)
    description = _require_text(description, field="description", message=_("Descrivi l'obiettivo."))
    if status not in GoalStatus.values:
        raise ApplicationError(_("Stato dell'obiettivo non previsto."), field="status")
    _check_plan_date(household, target_date, field="target_date")
    plan = _plan_of(household)
    goal = PlanGoal(plan=plan, dimension=dimension, description=description, target_date=target_date,
                    status=status, created_by=by)
    _full_clean(goal)
    goal.save()
    version = _version(plan, by=by, change="goal_add")
    _record("records.plan.goal_add", by=by, obj=goal, household=household, fields=GOAL_FIELDS,
            version=version.number, dimension=dimension)
    return goal


@transaction.atomic
def plan_goal_update(*, goal: PlanGoal, by: User | None, seen: dt.datetime | None = None,
                     **changes: Any) -> PlanGoal:
    """Change a goal. `seen`: when the editor's form was filled (the goal's `updated_at` then); a goal changed
    since is not overwritten (code "conflict"). The changes apply to the stored goal, locked, not to the caller's
    copy; the stored goal is returned."""
    household = goal.plan.household
    _require_open(household)
    goal, changes = _stored_changes(PlanGoal, goal.pk, seen, changes, GOAL_FIELDS, message=_(
        "Nel frattempo qualcuno ha modificato questo obiettivo. Ricarica la pagina per vedere com'è ora, oppure "
        "salva di nuovo per sostituirlo con i tuoi valori."))
    if not changes:
        return goal
    if "dimension" in changes:
        _check_dimension(goal.dimension)
    if "description" in changes:
        goal.description = _require_text(changes["description"], field="description",
                                         message=_("Descrivi l'obiettivo."))
    if goal.status not in GoalStatus.values:
        raise ApplicationError(_("Stato dell'obiettivo non previsto."), field="status")
    if "target_date" in changes:
        _check_plan_date(household, goal.target_date, field="target_date")
    _full_clean(goal)
    goal.save(update_fields=sorted({*changes, "updated_at"}))
    version = _version(goal.plan, by=by, change="goal_update")
    _record("records.plan.goal_update", by=by, obj=goal, household=household, fields=changes,
            version=version.number, dimension=goal.dimension)
    return goal


def _check_assignee(action: PlanAction, household: Household) -> None:
    given = [x for x in (action.by_organisation_id, action.by_operator_id, action.by_member_id) if x is not None]
    if len(given) != 1:
        raise ApplicationError(
            _("Indica chi se ne occupa: un'organizzazione, un operatore o un familiare (uno solo)."),
            field="by_organisation")
    if action.by_member_id is not None and action.by_member.household_id != household.pk:  # type: ignore[union-attr]
        raise ApplicationError(_("La persona non fa parte di questo nucleo."), field="by_member")
    if action.by_operator_id is not None and not action.by_operator.is_active:  # type: ignore[union-attr]
        raise ApplicationError(_("L'operatore scelto non è attivo."), field="by_operator")
    if action.by_organisation_id is not None and not action.by_organisation.is_active:  # type: ignore[union-attr]
        raise ApplicationError(_("L'organizzazione scelta non è attiva."), field="by_organisation")


@transaction.atomic
def plan_action_add(*, goal: PlanGoal, by: User | None, description: str, by_organisation: Organisation | None = None,
                    by_operator: User | None = None, by_member: Person | None = None,
                    due_date: dt.date | None = None) -> PlanAction:
    household = goal.plan.household
    _require_open(household)
    description = _require_text(description, field="description", message=_("Descrivi l'azione."))
    action = PlanAction(goal=goal, description=description, by_organisation=by_organisation,
                        by_operator=by_operator, by_member=by_member, due_date=due_date, created_by=by)
    _check_assignee(action, household)
    _check_plan_date(household, due_date, field="due_date")
    _full_clean(action)
    action.save()
    version = _version(goal.plan, by=by, change="action_add")
    _record("records.plan.action_add", by=by, obj=action, household=household,
            fields=[f for f in ACTION_FIELDS if getattr(action, f) not in (None, "")], version=version.number)
    return action


@transaction.atomic
def plan_action_update(*, action: PlanAction, by: User | None, seen: dt.datetime | None = None,
                       **changes: Any) -> PlanAction:
    """Change an action; `seen` and the stored action as in `plan_goal_update`."""
    household = action.goal.plan.household
    _require_open(household)
    action, changes = _stored_changes(PlanAction, action.pk, seen, changes, ACTION_FIELDS, message=_(
        "Nel frattempo qualcuno ha modificato questa azione. Ricarica la pagina per vedere com'è ora, oppure "
        "salva di nuovo per sostituirla con i tuoi valori."))
    if not changes:
        return action
    if "description" in changes:
        action.description = _require_text(changes["description"], field="description",
                                           message=_("Descrivi l'azione."))
    if action.status not in ActionStatus.values:
        raise ApplicationError(_("Stato dell'azione non previsto."), field="status")
    _check_assignee(action, household)
    if "due_date" in changes:
        _check_plan_date(household, action.due_date, field="due_date")
    _full_clean(action)
    action.save(update_fields=sorted({*changes, "updated_at"}))
    version = _version(action.goal.plan, by=by, change="action_update")
    _record("records.plan.action_update", by=by, obj=action, household=household, fields=changes,
            version=version.number)
    return action


def _add_outcomes(review: PlanReview, outcomes: Mapping[str, DimensionOutcome]) -> None:
    for dimension, outcome in outcomes.items():
        _check_dimension(dimension, field="outcomes")
        if outcome.result not in OutcomeResult.values:
            raise ApplicationError(_("Esito non previsto: scegli migliorata, invariata o peggiorata."),
                                   field="outcomes")
        if len(outcome.evidence or "") > MAX_TEXT:
            raise ApplicationError(_("Il testo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_TEXT},
                                   field="outcomes")
    ReviewOutcome.objects.bulk_create([
        ReviewOutcome(review=review, dimension=dimension, result=outcome.result,
                      evidence=(outcome.evidence or "").strip())
        for dimension, outcome in sorted(outcomes.items())
    ])


@transaction.atomic
def plan_review_record(*, household: Household, by: User | None, reviewed_on: dt.date,
                       outcomes: Mapping[str, DimensionOutcome]) -> PlanReview:
    _require_open(household)
    check_record_day(reviewed_on, field="reviewed_on")
    _check_in_open_period(household, reviewed_on, field="reviewed_on")
    if not outcomes:
        raise ApplicationError(_("Indica l'esito di almeno una dimensione."), field="outcomes")
    review = PlanReview.objects.create(household=household, kind=ReviewKind.PERIODIC, reviewed_on=reviewed_on,
                                       reviewed_by=by)
    _add_outcomes(review, outcomes)
    _record("records.plan.review", by=by, obj=review, household=household,
            outcomes={dimension: outcome.result for dimension, outcome in sorted(outcomes.items())})
    return review


# --- Notes ----------------------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, household: Household, by: User | None, organisation: Organisation, text: str,
             visibility: str = NoteVisibility.ORGANISATION, person: Person | None = None) -> Note:
    """`organisation` is the one the author acts for (notes "of my organisation" stay with it)."""
    _require_open(household)
    if visibility not in NoteVisibility.values:
        raise ApplicationError(_("Visibilità della nota non prevista."), field="visibility")
    text = _require_text(text, field="text", message=_("La nota è vuota."))
    note = Note(household=household, person=person, visibility=visibility, text=text, organisation=organisation,
                written_by=by)
    _full_clean(note)
    note.save()
    _record("records.note.add", by=by, obj=note, household=household, visibility=visibility,
            fields=["visibility", "text"])
    return note
