"""JSON endpoints of social records: households, their members, consents and plan (issue 4 §5).

Every endpoint goes through the access funnel exactly as the pages do (trama/records/views): lists start from
`households_visible_to`, one household is opened with `open_household` — which writes the audit event of each
read and of each denial (404 outside, 403 on a write for read-only users) —, members come from `people_of`, and
encrypted fields are read through the entitlement it issues. Writes call the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.directory.models import TaxonomyTerm
from trama.lib.codice_fiscale import normalise
from trama.network.access import require_perm
from trama.network.models import Network, Organisation
from trama.records import consent as consent_services
from trama.records import services
from trama.records.access import (
    OBJECT_TYPE,
    HouseholdAccess,
    can_create_households,
    deny_within,
    duplicate_candidates,
    households_listed,
    households_visible_to,
    notes_of,
    open_household,
    ordered_ids,
    own_households_condition,
    people_of,
    statements_of,
)
from trama.records.api import schemas as s
from trama.records.api.common import (
    ApiError,
    call_service,
    error_responses,
    field_error,
    paginate,
    user_of,
)
from trama.records.categories import DataCategory, field_category
from trama.records.models import (
    NEEDS_TAXONOMY_CODE,
    Assessment,
    Consent,
    ConsentRecipient,
    Dimension,
    HouseholdStatus,
    LegalBasisRecord,
    Note,
    NoteVisibility,
    Person,
    PlanAction,
    PlanGoal,
    PlanReview,
    ReviewOutcome,
    Statement,
    StatementKind,
)
from trama.records.protection import reveal_if_entitled
from trama.records.selectors import (
    IDENTIFYING_FIELDS,
    action_assignees,
    assessment_scores,
    count_members,
    find_possible_duplicates,
    plan_actions,
    plan_dimensions,
    plan_goals,
)
from trama.territory.models import Area

router = Router(tags=["records"])

PERSON_LABEL = "records.person"
ENCRYPTED_PERSON_FIELDS = ("documents_status", "residency_status", "disability", "health_notes")
PERSON_OUTPUT_FIELDS = (
    "role_in_household", "first_name_or_alias", "surname", "birth_date", "birth_year", "sex_gender", "fiscal_code",
    "languages", "interpreter_needed", "phones", "emails", "housing_situation", "labour_status", "education_level",
    "citizenship", "country_of_birth", "mother_country_of_birth", "father_country_of_birth", *ENCRYPTED_PERSON_FIELDS,
)


def _open(request: HttpRequest, household_id: int, *, write: bool = False, purpose: str = "view") -> HouseholdAccess:
    """The household through the funnel, like the pages' `open_for`: 404 outside, 403 on a write for read-only
    users, audited either way."""
    return open_household(request.user, household_id, write=write, purpose=purpose, request=request)


def _missing(request: HttpRequest, opened: HouseholdAccess, object_type: str, key: object) -> ApiError:
    """404 for an object that is not one of the opened household's (or not shown to the caller), audited."""
    deny_within(opened, object_type, key, request=request)
    return ApiError(404, _("Non trovato."))


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj.name)} if obj is not None else None


# --- Households -----------------------------------------------------------------------------------------


def _household_out(opened: HouseholdAccess) -> dict[str, Any]:
    household = opened.household
    categories = opened.categories
    identity = DataCategory.IDENTITY in categories
    plan = DataCategory.NEEDS_AND_PLAN in categories
    return {
        "id": household.pk, "reference_code": household.reference_code,
        "organisation": _ref(household.organisation), "via": list(opened.via),
        "categories": [c for c in DataCategory.values if c in categories], "can_edit": opened.can_edit,
        "members_count": people_of(opened).count(),
        "label": household.label if identity else None,
        "municipio": _ref(household.municipio) if identity else None,
        "nil": _ref(household.nil) if identity else None,
        "status": household.status if plan else None,
        "opened_on": household.opened_on if plan else None,
        "closed_on": household.closed_on if plan else None,
        "closure_reason": household.closure_reason if plan else None,
        "closure_note": household.closure_note if plan else None,
    }


@router.get("/households", response={200: s.HouseholdPage, **error_responses(400)},
            summary="Households the caller may see")
def household_list(request: HttpRequest, q: str = Query("", max_length=100),
                   status: HouseholdStatus | None = None, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """Households the caller may open, newest first. Like the page's list it opens none of them (no audit, no
    decryption): identity fields appear only for the caller's own households."""
    own = own_households_condition(request.user)  # the funnel's "own" source, as on the page
    at = timezone.now()  # one instant for the ids and the page's rows, as on the page
    households = households_visible_to(request.user, at=at)
    if q.strip():
        # The label is identity data: searched only among the caller's own households (as on the page).
        households = households.filter(Q(reference_code__icontains=q.strip()) | (own & Q(label__icontains=q.strip())))
    if status:  # the status is plan data: it filters the caller's own households only
        households = households.filter(own, status=status)
    # As on the page: the ordered ids give the count and the page.
    meta, ids = paginate(ordered_ids(households), page, per_page)
    items: list[Any] = households_listed(request.user, ids, at=at)
    count_members(items)
    results = []
    for household in items:
        mine = household.is_own
        results.append({
            "id": household.pk, "reference_code": household.reference_code,
            "organisation": _ref(household.organisation), "is_own": mine, "status": household.status if mine else None,
            "opened_on": household.opened_on if mine else None,
            "members_count": household.members_count if mine else None,
            "label": household.label if mine else None, "municipio": _ref(household.municipio) if mine else None,
        })
    return {**meta, "results": results}


def _area(area_id: int | None, kind: str, field: str) -> Area | None:
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id, kind=kind).first()
    if area is None:
        raise field_error(field, _("Area sconosciuta o del tipo sbagliato."))
    return area


@router.post("/households", response={201: s.HouseholdOut, **error_responses(400, 403)},
             summary="Create a household")
def household_create(request: HttpRequest, payload: s.HouseholdIn) -> tuple[int, dict[str, Any]]:
    require_perm(request.user, can_create_households(request.user), object_type=OBJECT_TYPE, request=request)
    organisations = accounts_access.organisations_for(request.user, perm=Perm.RECORDS_EDIT).filter(is_active=True)
    if payload.organisation is None:
        if organisations.count() != 1:
            raise field_error("organisation", _("Indica l'organizzazione titolare."))
        organisation = organisations.get()
    else:
        found = organisations.filter(pk=payload.organisation).first()
        if found is None:
            raise field_error("organisation", _("Non puoi creare nuclei per questa organizzazione."))
        organisation = found
    municipio = _area(payload.municipio, "municipio", "municipio")
    nil = _area(payload.nil, "nil", "nil")
    household = call_service(lambda: services.household_create(
        organisation=organisation, by=user_of(request), label=payload.label, municipio=municipio, nil=nil,
        opened_on=payload.opened_on))
    return 201, _household_out(_open(request, household.pk))


@router.get("/households/{int:household_id}", response={200: s.HouseholdOut, **error_responses(404)},
            summary="One household, with what the caller may read of it")
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    return _household_out(_open(request, household_id))


@router.patch("/households/{int:household_id}", response={200: s.HouseholdOut, **error_responses(400, 403, 404, 409)},
              summary="Change a household's label, Municipio or NIL")
def household_update(request: HttpRequest, household_id: int, payload: s.HouseholdPatch) -> dict[str, Any]:
    """Like the page: only the fields sent change, null clears one; a closed household must be reopened first."""
    opened = _open(request, household_id, write=True, purpose="edit")
    changes = _changes(request, payload, ())
    if "label" in changes:
        changes["label"] = changes["label"] or ""
    if "municipio" in changes:
        changes["municipio"] = _area(changes["municipio"], "municipio", "municipio")
    if "nil" in changes:
        changes["nil"] = _area(changes["nil"], "nil", "nil")
    call_service(lambda: services.household_update(household=opened.household, by=user_of(request), **changes))
    return _household_out(opened)


# --- Needs, wishes and resources; assessments -----------------------------------------------------------


def _statement_out(statement: Statement) -> dict[str, Any]:
    term = statement.term
    return {"id": statement.pk, "kind": statement.kind, "text": statement.text, "person_id": statement.person_id,
            "term": None if term is None else {"id": term.pk, "code": term.code, "name": term.label()},
            "recorded_at": statement.recorded_at, "updated_at": statement.updated_at}


@router.get("/households/{int:household_id}/statements",
            response={200: s.StatementPage, **error_responses(400, 404)},
            summary="What the household needs, wishes and can count on, in its own words")
def statement_list(request: HttpRequest, household_id: int, kind: str = "", page: int = 1,
                   per_page: int = 25) -> dict[str, Any]:
    """Oldest first, like the page; `kind` (need | wish | resource) filters. No results unless the caller's
    access includes the `needs_and_plan` category."""
    opened = _open(request, household_id)
    if kind and kind not in StatementKind.values:
        raise field_error("kind", _("Tipo non previsto: «%(value)s».") % {"value": kind})
    rows = statements_of(opened).select_related("term")
    if kind:
        rows = rows.filter(kind=kind)
    meta, items = paginate(rows.order_by("recorded_at", "id"), page, per_page)
    return {**meta, "shared": DataCategory.NEEDS_AND_PLAN in opened.categories,
            "results": [_statement_out(statement) for statement in items]}


def _member(request: HttpRequest, opened: HouseholdAccess, person_id: int | None) -> Person | None:
    """A member of the household the caller may see (400 on `person` otherwise, audited like a member's page
    refused: naming another household's member is a probe)."""
    if person_id is None:
        return None
    person = people_of(opened).filter(pk=person_id).first()
    if person is None:
        deny_within(opened, "records.person", person_id, request=request)
        raise field_error("person", _("La persona non fa parte di questo nucleo."))
    return person


def _require_plan_category(opened: HouseholdAccess) -> None:
    # Writers reach the household as its own and hold every common category; the check keeps the rule explicit.
    if DataCategory.NEEDS_AND_PLAN not in opened.categories:
        raise ApiError(403, _("Non hai accesso a bisogni e progetto di questo nucleo."))


@router.post("/households/{int:household_id}/statements",
             response={201: s.StatementOut, **error_responses(400, 403, 404, 409)},
             summary="Record a need, a wish or a resource")
def statement_add(request: HttpRequest, household_id: int, payload: s.StatementIn) -> tuple[int, dict[str, Any]]:
    opened = _open(request, household_id, write=True, purpose="statement_add")
    _require_plan_category(opened)
    person = _member(request, opened, payload.person)
    statement = call_service(lambda: services.statement_add(
        household=opened.household, by=user_of(request), kind=payload.kind, text=payload.text, person=person,
        term=_need_term(payload.term)))
    return 201, _statement_out(statement)


def _need_term(term_id: int | None) -> TaxonomyTerm | None:
    if term_id is None:
        return None
    term = TaxonomyTerm.objects.filter(pk=term_id, taxonomy__code=NEEDS_TAXONOMY_CODE).first()
    if term is None:
        raise field_error("term", _("Il termine scelto non appartiene alla tassonomia dei bisogni."))
    return term


def _statement_of(request: HttpRequest, opened: HouseholdAccess, statement_id: int) -> Statement:
    statement = statements_of(opened).filter(pk=statement_id).select_related("term").first()
    if statement is None:
        raise _missing(request, opened, "records.statement", statement_id)
    return statement


@router.patch("/households/{int:household_id}/statements/{int:statement_id}",
              response={200: s.StatementOut, **error_responses(400, 403, 404, 409)},
              summary="Correct a need, a wish or a resource")
def statement_update(request: HttpRequest, household_id: int, statement_id: int,
                     payload: s.StatementPatch) -> dict[str, Any]:
    """Like the page: only the fields sent change; a closed household's are final (409)."""
    opened = _open(request, household_id, write=True, purpose="statement_edit")
    _require_plan_category(opened)
    statement = _statement_of(request, opened, statement_id)
    changes = _changes(request, payload, ("kind", "text"))
    if "person" in changes:
        changes["person"] = _member(request, opened, changes["person"])
    if "term" in changes:
        changes["term"] = _need_term(changes["term"])
    updated = call_service(lambda: services.statement_update(statement=statement, by=user_of(request), **changes))
    return _statement_out(updated)


@router.delete("/households/{int:household_id}/statements/{int:statement_id}",
               response={204: None, **error_responses(403, 404, 409)},
               summary="Remove a need, a wish or a resource recorded by mistake")
def statement_remove(request: HttpRequest, household_id: int, statement_id: int) -> tuple[int, None]:
    """The audit log keeps that it existed, who removed it and when, not its words."""
    opened = _open(request, household_id, write=True, purpose="statement_edit")
    _require_plan_category(opened)
    statement = _statement_of(request, opened, statement_id)
    call_service(lambda: services.statement_remove(statement=statement, by=user_of(request)))
    return 204, None


def _assessment_out(opened: HouseholdAccess, assessment: Assessment) -> dict[str, Any]:
    """`assessment.scores` prefetched from `assessment_scores`."""
    return {"id": assessment.pk, "assessed_on": assessment.assessed_on,
            "scores": [{"dimension": score.dimension, "score": score.score,
                        "notes": reveal_if_entitled(score, "notes", entitlement=opened.entitlement) or ""}
                       for score in assessment.scores.all()]}


def _assessments(opened: HouseholdAccess) -> Any:
    """The household's assessments, newest first, each with the scores the caller may read."""
    scores = assessment_scores(opened.categories).select_related("assessment").order_by("dimension")
    return (Assessment.objects.filter(household=opened.household)
            .prefetch_related(Prefetch("scores", queryset=scores)).order_by("-assessed_on", "-id"))


@router.get("/households/{int:household_id}/assessments",
            response={200: s.AssessmentPage, **error_responses(400, 404)}, summary="The household's assessments")
def assessment_list(request: HttpRequest, household_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """On the common scale (1–5 per dimension), repeated over time: the series per dimension is the trend. No
    results unless the caller's access includes the `needs_and_plan` category."""
    opened = _open(request, household_id)
    shared = DataCategory.NEEDS_AND_PLAN in opened.categories
    rows = _assessments(opened) if shared else Assessment.objects.none()
    meta, items = paginate(rows, page, per_page)
    return {**meta, "shared": shared, "results": [_assessment_out(opened, assessment) for assessment in items]}


@router.post("/households/{int:household_id}/assessments",
             response={201: s.AssessmentOut, **error_responses(400, 403, 404, 409)},
             summary="Record an assessment")
def assessment_add(request: HttpRequest, household_id: int, payload: s.AssessmentIn) -> tuple[int, dict[str, Any]]:
    opened = _open(request, household_id, write=True, purpose="assessment_add")
    _require_plan_category(opened)
    for dimension in payload.scores:
        _writable_dimension(opened, dimension, "scores")
    scores = {dimension: services.DimensionScore(score=value.score, notes=value.notes)
              for dimension, value in payload.scores.items()}
    assessment = call_service(lambda: services.assessment_record(
        household=opened.household, by=user_of(request), assessed_on=payload.assessed_on, scores=scores))
    return 201, _assessment_out(opened, _assessments(opened).get(pk=assessment.pk))


# --- People ---------------------------------------------------------------------------------------------


def _person_out(opened: HouseholdAccess, person: Person) -> dict[str, Any]:
    categories = opened.categories_for(person.pk)  # a member's own consent may share more of them than of others
    out: dict[str, Any] = {"id": person.pk, "household_id": person.household_id}
    for name in PERSON_OUTPUT_FIELDS:
        if name in ENCRYPTED_PERSON_FIELDS:
            out[name] = reveal_if_entitled(person, name, entitlement=opened.entitlement)
        else:
            out[name] = getattr(person, name) if field_category(PERSON_LABEL, name) in categories else None
    out["is_minor"] = person.is_minor() if DataCategory.IDENTITY in categories else None
    return out


@router.get("/households/{int:household_id}/people", response={200: s.PersonPage, **error_responses(400, 404)},
            summary="Members of a household the caller may see")
def person_list(request: HttpRequest, household_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    opened = _open(request, household_id)
    meta, items = paginate(people_of(opened).order_by("id"), page, per_page)
    return {**meta, "results": [_person_out(opened, person) for person in items]}


@router.get("/households/{int:household_id}/people/{int:person_id}",
            response={200: s.PersonOut, **error_responses(404)}, summary="One member")
def person_detail(request: HttpRequest, household_id: int, person_id: int) -> dict[str, Any]:
    opened = _open(request, household_id)
    person = people_of(opened).filter(pk=person_id).first()
    if person is None:
        raise _missing(request, opened, "records.person", person_id)
    return _person_out(opened, person)


def _duplicates(request: HttpRequest, values: dict[str, Any], *, exclude: Person | None = None) -> list[dict[str, Any]]:
    # Only among the members of the caller's own organisation's households, and only reference codes: never another
    # organisation's records, never members or identities a consent or referral did not share.
    candidates = duplicate_candidates(request.user)
    matches = find_possible_duplicates(
        candidates=candidates, first_name_or_alias=values.get("first_name_or_alias") or "",
        surname=values.get("surname") or "", fiscal_code=values.get("fiscal_code") or "",
        birth_date=values.get("birth_date"), birth_year=values.get("birth_year"), exclude=exclude)
    return [{"household": m.person.household.reference_code, "reasons": list(m.reasons)} for m in matches]


def _refuse_hidden_categories(opened: HouseholdAccess, names: list[str]) -> None:
    """A write may not touch a field of a category the caller may not read (400 naming each)."""
    refused = {name: [_("Non puoi inserire dati di questa categoria.")] for name in names
               if field_category(PERSON_LABEL, name) not in (None, *opened.categories)}
    if refused:
        raise ApiError(400, _("Alcuni dati non sono validi: correggili e riprova."), refused)


def _differs(name: str, sent: Any, stored: Any) -> bool:
    """Whether a sent identifying value changes the stored one (a fiscal code as the service stores it, names
    without surrounding spaces)."""
    if name == "fiscal_code":
        return normalise(sent or "") != (stored or "")
    if isinstance(sent, str):
        return sent.strip() != (stored or "")
    return bool(sent != stored)


def _refuse_duplicates(request: HttpRequest, values: dict[str, Any], *, confirmed: bool,
                       exclude: Person | None = None) -> None:
    """409 listing the possible duplicates among the people the caller may see, until the caller confirms."""
    duplicates = _duplicates(request, values, exclude=exclude)
    if duplicates and not confirmed:
        message = _("Potrebbe essere una persona già registrata. Se è una persona diversa, conferma e invia di "
                    "nuovo.")
        raise ApiError(409, message, {"confirm_duplicate": [message]}, duplicates=duplicates)


@router.post("/households/{int:household_id}/people",
             response={201: s.PersonOut, **error_responses(400, 403, 404, 409)}, summary="Add a member")
def person_add(request: HttpRequest, household_id: int, payload: s.PersonIn) -> tuple[int, dict[str, Any]]:
    """Like the page: fields of categories the caller may not read are refused; a possible duplicate among the
    people the caller may see gives 409 with `duplicates` until `confirm_duplicate` is true."""
    opened = _open(request, household_id, write=True, purpose="person_add")
    values = payload.dict(exclude={"confirm_duplicate"})
    _refuse_hidden_categories(opened, [name for name, value in values.items() if value not in (None, "", [])])
    _refuse_duplicates(request, values, confirmed=payload.confirm_duplicate)
    role = values.pop("role_in_household")
    name = values.pop("first_name_or_alias")
    person = call_service(lambda: services.person_add(
        household=opened.household, by=user_of(request), role_in_household=role, first_name_or_alias=name,
        **{k: v for k, v in values.items() if v not in (None, "", [])}))
    return 201, _person_out(opened, person)


@router.patch("/households/{int:household_id}/people/{int:person_id}",
              response={200: s.PersonOut, **error_responses(400, 403, 404, 409)}, summary="Change a member")
def person_update(request: HttpRequest, household_id: int, person_id: int, payload: s.PersonPatch) -> dict[str, Any]:
    """Like the page: only the fields sent change, null clears an optional one. Sending a field of a category the
    caller may not read is refused, even to clear it. A change to a name, the birth or the fiscal code that makes
    the person look like someone else the caller may see gives 409 with `duplicates` until `confirm_duplicate`
    is true."""
    opened = _open(request, household_id, write=True, purpose="person_edit")
    person = people_of(opened).filter(pk=person_id).first()
    if person is None:
        raise _missing(request, opened, "records.person", person_id)
    changes = _changes(request, payload, ("role_in_household", "first_name_or_alias"))
    confirmed = bool(changes.pop("confirm_duplicate", False))
    _refuse_hidden_categories(opened, list(changes))
    for name, value in changes.items():
        if value is None:  # cleared: the column's empty value
            column = Person._meta.get_field(name)
            assert isinstance(column, models.Field)
            changes[name] = None if column.null else column.get_default()
    stored = {name: getattr(person, name) for name in IDENTIFYING_FIELDS}
    if any(_differs(name, changes[name], stored[name]) for name in IDENTIFYING_FIELDS & changes.keys()):
        # Like the page (its form's changed data): only a changed identity asks; then the person as they would
        # be, against the others.
        after = stored | changes
        _refuse_duplicates(request, after, confirmed=confirmed, exclude=person)
    if changes:
        call_service(lambda: services.person_update(person=person, by=user_of(request), **changes))
    return _person_out(opened, people_of(opened).get(pk=person.pk))


# --- Consents -------------------------------------------------------------------------------------------


def _consent_out(opened: HouseholdAccess, consent: Consent) -> dict[str, Any]:
    person = consent.person
    return {
        "id": consent.pk, "household_id": consent.household_id, "person_id": consent.person_id,
        "person_name": person.display_name if person is not None and opened.shows_name_of(person.pk) else None,
        "purposes": list(consent.purposes), "categories": list(consent.categories),
        "recipients": [{"organisation": _ref(r.organisation), "network": _ref(r.network)}
                       for r in consent.recipients.all()],
        "legal_basis": consent.legal_basis, "special_condition": consent.special_condition,
        "given_by_kind": consent.given_by_kind,
        # The signer's name is for the holding organisation (it prints the filled form): a reader given identity
        # for one member must not learn who signed for the household, as on the pages.
        "given_by_name": (reveal_if_entitled(consent, "given_by_name", entitlement=opened.entitlement)
                          if opened.can_edit else None),
        "notice_version": consent.notice_version, "notice_language": consent.notice_language,
        "given_on": consent.given_on, "expires_on": consent.expires_on, "withdrawn_at": consent.withdrawn_at,
        "active": consent.is_active(), "recorded_for": _ref(consent.recorded_for),
    }


def _consents(opened: HouseholdAccess) -> Any:
    recipients = ConsentRecipient.objects.select_related("organisation", "network")
    consents = (Consent.objects.filter(household=opened.household)
                .select_related("person", "recorded_for")
                .prefetch_related(Prefetch("recipients", queryset=recipients)).order_by("-given_on", "-id"))
    if opened.person_ids is not None:
        consents = consents.filter(Q(person__isnull=True) | Q(person_id__in=opened.person_ids))
    return consents


@router.get("/households/{int:household_id}/consents", response={200: s.ConsentPage, **error_responses(400, 404)},
            summary="Consents of a household")
def consent_list(request: HttpRequest, household_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    opened = _open(request, household_id)
    meta, items = paginate(_consents(opened), page, per_page)
    return {**meta, "results": [_consent_out(opened, consent) for consent in items]}


@router.get("/households/{int:household_id}/legal-bases", response={200: s.LegalBasisPage, **error_responses(400, 404)},
            summary="Legal bases other than consent recorded for a household")
def legal_basis_list(request: HttpRequest, household_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """What the household page shows on its consents tab, newest first; the reason only to who reads it there."""
    opened = _open(request, household_id)
    records = (LegalBasisRecord.objects.filter(household=opened.household)
               .select_related("organisation", "network").order_by("-recorded_at", "-id"))
    meta, items = paginate(records, page, per_page)
    return {**meta, "results": [{
        "id": r.pk, "household_id": r.household_id, "basis": r.basis, "reference": r.reference,
        "reason": reveal_if_entitled(r, "reason", entitlement=opened.entitlement),
        "categories": list(r.categories),
        "recipient": {"organisation": _ref(r.organisation), "network": _ref(r.network)},
        "recorded_at": r.recorded_at, "valid_until": r.valid_until, "revoked_at": r.revoked_at,
        "active": r.is_active(),
    } for r in items]}


def _by_ids(queryset: Any, ids: list[int], field: str, message: str) -> list[Any]:
    wanted = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise field_error(field, message % {"values": ", ".join(missing)})
    return [found[pk] for pk in wanted]


@router.post("/households/{int:household_id}/consents",
             response={201: s.ConsentOut, **error_responses(400, 403, 404)}, summary="Record a consent")
def consent_add(request: HttpRequest, household_id: int, payload: s.ConsentIn) -> tuple[int, dict[str, Any]]:
    """Record a consent given on paper, with the choices the page offers: a member of the household, active
    organisations other than the owner, networks the owner belongs to."""
    opened = _open(request, household_id, write=True, purpose="consent_add")
    household = opened.household
    owner = household.organisation
    person = _member(request, opened, payload.person)
    organisations = _by_ids(Organisation.objects.filter(is_active=True).exclude(pk=owner.pk),
                            payload.recipient_organisations, "recipient_organisations",
                            _("Organizzazioni non disponibili come destinatarie: %(values)s."))
    networks = _by_ids(Network.objects.filter(is_active=True, pk__in=owner.network_memberships.values("network_id")),
                       payload.recipient_networks, "recipient_networks",
                       _("Reti non disponibili come destinatarie: %(values)s."))
    consent = call_service(lambda: consent_services.consent_record(
        household=household, by=user_of(request), purposes=payload.purposes, categories=payload.categories,
        given_on=payload.given_on, expires_on=payload.expires_on, notice_version=payload.notice_version,
        notice_language=payload.notice_language, person=person, recipient_organisations=organisations,
        recipient_networks=networks, given_by_kind=payload.given_by_kind, given_by_name=payload.given_by_name,
        guardian_evidence=payload.guardian_evidence, legal_basis=payload.legal_basis,
        special_condition=payload.special_condition))
    return 201, _consent_out(opened, _consents(opened).get(pk=consent.pk))


@router.post("/households/{int:household_id}/consents/{int:consent_id}/withdraw",
             response={200: s.ConsentOut, **error_responses(400, 403, 404, 409)}, summary="Withdraw a consent")
def consent_withdraw(request: HttpRequest, household_id: int, consent_id: int,
                     payload: s.WithdrawIn) -> dict[str, Any]:
    """Effective at once: from the next request its recipients no longer see what it shared. The body is a JSON
    object, `{}` when no reason is given (like every POST of this API)."""
    opened = _open(request, household_id, write=True, purpose="consent_withdraw")
    consent = Consent.objects.filter(household=opened.household, pk=consent_id).first()
    if consent is None:
        raise _missing(request, opened, "records.consent", consent_id)
    reason = payload.reason
    call_service(lambda: consent_services.consent_withdraw(consent=consent, by=user_of(request), reason=reason))
    return _consent_out(opened, _consents(opened).get(pk=consent.pk))


# --- Plan -----------------------------------------------------------------------------------------------


def _assignee(action: PlanAction, opened: HouseholdAccess) -> dict[str, str]:
    if action.by_organisation_id is not None:
        return {"kind": "organisation", "name": str(action.by_organisation)}
    if action.by_operator_id is not None:
        assert action.by_operator is not None
        return {"kind": "operator", "name": action.by_operator.full_name or action.by_operator.email}
    member = action.by_member
    if member is None:
        return {"kind": "none", "name": ""}
    if opened.shows_name_of(member.pk):
        return {"kind": "member", "name": member.display_name}
    return {"kind": "member", "name": _("Un familiare")}


def _action_out(opened: HouseholdAccess, action: PlanAction) -> dict[str, Any]:
    return {"id": action.pk, "status": action.status, "due_date": action.due_date,
            "description": reveal_if_entitled(action, "description", entitlement=opened.entitlement) or "",
            "assignee": _assignee(action, opened)}


def _goal_out(opened: HouseholdAccess, goal: PlanGoal) -> dict[str, Any]:
    """`goal.actions` prefetched with their assignees, in order."""
    return {"id": goal.pk, "dimension": goal.dimension, "target_date": goal.target_date, "status": goal.status,
            "description": reveal_if_entitled(goal, "description", entitlement=opened.entitlement) or "",
            "actions": [_action_out(opened, action) for action in goal.actions.all()]}


def _review_out(opened: HouseholdAccess, review: PlanReview) -> dict[str, Any]:
    """`review.outcomes` prefetched, without the health dimension unless the caller has that category."""
    return {"id": review.pk, "kind": review.kind, "reviewed_on": review.reviewed_on,
            "outcomes": [{"dimension": o.dimension, "result": o.result,
                          "evidence": reveal_if_entitled(o, "evidence", entitlement=opened.entitlement) or ""}
                         for o in review.outcomes.all()]}


def _goals(opened: HouseholdAccess) -> Any:
    """The household's goals the caller may read, with their actions."""
    actions = PlanAction.objects.select_related("goal", "by_organisation", "by_operator", "by_member")
    return (plan_goals(opened.household, opened.categories).select_related("plan")
            .prefetch_related(Prefetch("actions", queryset=actions.order_by("due_date", "id"))))


def _reviews(opened: HouseholdAccess) -> Any:
    outcomes = ReviewOutcome.objects.select_related("review")
    if DataCategory.HEALTH not in opened.categories:
        outcomes = outcomes.exclude(dimension=Dimension.HEALTH)
    return (PlanReview.objects.filter(household=opened.household)
            .prefetch_related(Prefetch("outcomes", queryset=outcomes)).order_by("-reviewed_on", "-id"))


def _plan_out(opened: HouseholdAccess) -> dict[str, Any]:
    household = opened.household
    latest = _assessments(opened).first()
    plan = getattr(household, "plan", None)  # a household without goals has no plan yet
    return {
        "household_id": household.pk, "shared": True,
        "version": plan.version if plan is not None else 0,
        "goals": [_goal_out(opened, goal) for goal in _goals(opened).order_by("dimension", "id")],
        "reviews": [_review_out(opened, review) for review in _reviews(opened)],
        "latest_assessment": None if latest is None else _assessment_out(opened, latest),
    }


@router.get("/households/{int:household_id}/plan", response={200: s.PlanOut, **error_responses(404)},
            summary="The accompaniment plan, reviews and latest assessment")
def plan_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    """Null content unless the caller's access includes the `needs_and_plan` category (like every field of a
    category not shared)."""
    opened = _open(request, household_id)
    if DataCategory.NEEDS_AND_PLAN not in opened.categories:
        return {"household_id": opened.household.pk, "shared": False, "version": None, "goals": None,
                "reviews": None, "latest_assessment": None}
    return _plan_out(opened)


# Plan writes: the pages' rules (trama/records/views/plan.py). Writing needs the right to change the household
# (403 for readers); goals and actions of the health dimension exist for the caller only with that category.


def _writable_dimension(opened: HouseholdAccess, dimension: str, field: str) -> None:
    if dimension not in plan_dimensions(opened.categories):
        raise field_error(field, _("Dimensione non prevista: «%(value)s».") % {"value": dimension})


def _outcomes(opened: HouseholdAccess, outcomes: dict[str, Any]) -> dict[str, services.DimensionOutcome]:
    """A body's outcomes per dimension (of a review or a closure), each of a dimension the caller may write."""
    for dimension in outcomes:
        _writable_dimension(opened, dimension, "outcomes")
    return {dimension: services.DimensionOutcome(result=outcome.result, evidence=outcome.evidence)
            for dimension, outcome in outcomes.items()}


def _goal_of(request: HttpRequest, opened: HouseholdAccess, goal_id: int) -> PlanGoal:
    goal = _goals(opened).filter(pk=goal_id).first()
    if goal is None:
        raise _missing(request, opened, "records.plangoal", goal_id)
    return goal


def _changes(request: HttpRequest, payload: Any, required: tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent (its schema refuses unknown ones); those in `required` may not be null."""
    if not request.body.lstrip().startswith(b"{"):
        raise ApiError(400, _("Richiesta non valida: il corpo deve essere un oggetto JSON."))
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    empty = [name for name in required if name in changes and changes[name] is None]
    if empty:
        raise ApiError(400, _("Alcuni dati non sono validi: correggili e riprova."),
                       {name: [_("Campo obbligatorio.")] for name in empty})
    return changes


@router.post("/households/{int:household_id}/plan/goals",
             response={201: s.GoalOut, **error_responses(400, 403, 404, 409)}, summary="Add a goal to the plan")
def goal_add(request: HttpRequest, household_id: int, payload: s.GoalIn) -> tuple[int, dict[str, Any]]:
    opened = _open(request, household_id, write=True, purpose="plan_edit")
    _writable_dimension(opened, payload.dimension, "dimension")
    goal = call_service(lambda: services.plan_goal_add(
        household=opened.household, by=user_of(request), dimension=payload.dimension,
        description=payload.description, target_date=payload.target_date, status=payload.status))
    return 201, _goal_out(opened, _goal_of(request, opened, goal.pk))


@router.patch("/households/{int:household_id}/plan/goals/{int:goal_id}",
              response={200: s.GoalOut, **error_responses(400, 403, 404, 409)}, summary="Change a goal")
def goal_update(request: HttpRequest, household_id: int, goal_id: int, payload: s.GoalPatch) -> dict[str, Any]:
    opened = _open(request, household_id, write=True, purpose="plan_edit")
    goal = _goal_of(request, opened, goal_id)
    changes = _changes(request, payload, ("dimension", "description", "status"))
    if "dimension" in changes:
        _writable_dimension(opened, changes["dimension"], "dimension")
    if changes:
        call_service(lambda: services.plan_goal_update(goal=goal, by=user_of(request), **changes))
    return _goal_out(opened, _goal_of(request, opened, goal.pk))


def _assignee_changes(request: HttpRequest, opened: HouseholdAccess, values: dict[str, Any]) -> dict[str, Any]:
    """The assignee ids of a body made objects, each among the choices the page offers (400 otherwise; a member
    of another household is a probe, audited as by `_member`)."""
    choices = action_assignees(opened.household, people_of(opened))
    member = values.get("by_member")
    if member is not None and not people_of(opened).filter(pk=member).exists():
        deny_within(opened, "records.person", member, request=request)  # then refused below, on by_member
    found: dict[str, Any] = {}
    for name, queryset, message in (
            ("by_organisation", choices.organisations, _("Organizzazione non disponibile: %(values)s.")),
            ("by_operator", choices.operators, _("Operatore non disponibile: %(values)s.")),
            ("by_member", choices.people, _("La persona non fa parte di questo nucleo."))):
        if name in values:
            found[name] = None if values[name] is None else _by_ids(queryset, [values[name]], name, message)[0]
    return found


def _action_of(request: HttpRequest, opened: HouseholdAccess, action_id: int) -> PlanAction:
    action = (plan_actions(opened.household, opened.categories).filter(pk=action_id)
              .select_related("goal", "goal__plan", "by_organisation", "by_operator", "by_member").first())
    if action is None:
        raise _missing(request, opened, "records.planaction", action_id)
    return action


@router.post("/households/{int:household_id}/plan/goals/{int:goal_id}/actions",
             response={201: s.ActionOut, **error_responses(400, 403, 404, 409)}, summary="Add an action to a goal")
def action_add(request: HttpRequest, household_id: int, goal_id: int,
               payload: s.ActionIn) -> tuple[int, dict[str, Any]]:
    opened = _open(request, household_id, write=True, purpose="plan_edit")
    goal = _goal_of(request, opened, goal_id)
    assignees = _assignee_changes(request, opened,
                                  payload.dict(include={"by_organisation", "by_operator", "by_member"}))
    action = call_service(lambda: services.plan_action_add(
        goal=goal, by=user_of(request), description=payload.description, due_date=payload.due_date, **assignees))
    return 201, _action_out(opened, _action_of(request, opened, action.pk))


@router.patch("/households/{int:household_id}/plan/actions/{int:action_id}",
              response={200: s.ActionOut, **error_responses(400, 403, 404, 409)}, summary="Change an action")
def action_update(request: HttpRequest, household_id: int, action_id: int,
                  payload: s.ActionPatch) -> dict[str, Any]:
    opened = _open(request, household_id, write=True, purpose="plan_edit")
    action = _action_of(request, opened, action_id)
    changes = _changes(request, payload, ("description", "status"))
    assignee_fields = ("by_organisation", "by_operator", "by_member")
    if any(name in changes for name in assignee_fields):
        # One assignee of three: the two not sent are cleared, like the page does.
        sent = {name: changes.get(name) for name in assignee_fields}
        changes.update(_assignee_changes(request, opened, sent))
    else:
        # The page sends the assignee with every change, so one no longer among the choices (an operator who left)
        # must be replaced: the same here.
        _assignee_changes(request, opened, {name: getattr(action, f"{name}_id") for name in assignee_fields
                                   if getattr(action, f"{name}_id") is not None})
    if changes:
        call_service(lambda: services.plan_action_update(action=action, by=user_of(request), **changes))
    return _action_out(opened, _action_of(request, opened, action.pk))


@router.post("/households/{int:household_id}/plan/reviews",
             response={201: s.ReviewOut, **error_responses(400, 403, 404, 409)},
             summary="Record a periodic review of the plan")
def review_add(request: HttpRequest, household_id: int, payload: s.ReviewIn) -> tuple[int, dict[str, Any]]:
    """Per dimension: improved, unchanged or worsened, with the evidence (the ESF+ "situazione migliorativa")."""
    opened = _open(request, household_id, write=True, purpose="plan_review")
    outcomes = _outcomes(opened, payload.outcomes)
    review = call_service(lambda: services.plan_review_record(
        household=opened.household, by=user_of(request), reviewed_on=payload.reviewed_on, outcomes=outcomes))
    return 201, _review_out(opened, _reviews(opened).get(pk=review.pk))


# --- Closing and reopening ------------------------------------------------------------------------------


@router.post("/households/{int:household_id}/close",
             response={200: s.HouseholdOut, **error_responses(400, 403, 404, 409)}, summary="Close a household")
def household_close(request: HttpRequest, household_id: int, payload: s.CloseIn) -> dict[str, Any]:
    """With a reason and, per dimension, the outcome at closure (the ESF+ "situazione migliorativa")."""
    opened = _open(request, household_id, write=True, purpose="close")
    outcomes = _outcomes(opened, payload.outcomes)
    call_service(lambda: services.household_close(
        household=opened.household, by=user_of(request), reason=payload.reason, note=payload.note,
        outcomes=outcomes, closed_on=payload.closed_on))
    return _household_out(opened)  # the service copied the new status onto the opened household


@router.post("/households/{int:household_id}/reopen",
             response={200: s.HouseholdOut, **error_responses(400, 403, 404, 409)}, summary="Reopen a household")
def household_reopen(request: HttpRequest, household_id: int, payload: s.ReopenIn) -> dict[str, Any]:
    opened = _open(request, household_id, write=True, purpose="reopen")
    call_service(lambda: services.household_reopen(household=opened.household, by=user_of(request),
                                                   note=payload.note))
    return _household_out(opened)


# --- Notes ----------------------------------------------------------------------------------------------


def _note_out(opened: HouseholdAccess, note: Note) -> dict[str, Any] | None:
    """None when the entitlement does not cover the note's text (the funnel's last word)."""
    text = reveal_if_entitled(note, "text", entitlement=opened.entitlement)
    if text is None:
        return None
    author = note.written_by
    return {"id": note.pk, "visibility": note.visibility, "text": text, "person_id": note.person_id,
            "organisation": _ref(note.organisation),
            "written_by": (author.full_name or author.email) if author is not None else "",
            "written_at": note.written_at}


@router.get("/households/{int:household_id}/notes", response={200: s.NotePage, **error_responses(400, 404)},
            summary="The notes the caller may read")
def note_list(request: HttpRequest, household_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """Shared notes with the `notes` category; an organisation's own notes only to its members; sensitive notes
    only to those entitled to the owning organisation's sensitive notes."""
    opened = _open(request, household_id)
    notes = notes_of(opened, request.user).select_related("written_by", "organisation")
    meta, items = paginate(notes.order_by("-written_at", "-id"), page, per_page)
    return {**meta, "results": [out for note in items if (out := _note_out(opened, note)) is not None]}


@router.post("/households/{int:household_id}/notes", response={201: s.NoteOut, **error_responses(400, 403, 404, 409)},
             summary="Write a note")
def note_add(request: HttpRequest, household_id: int, payload: s.NoteIn) -> tuple[int, dict[str, Any]]:
    """Like the page: the note belongs to the owning organisation; `sensitive` only for those entitled to its
    sensitive notes."""
    opened = _open(request, household_id, write=True, purpose="note_add")
    if payload.visibility == NoteVisibility.SENSITIVE and not opened.entitlement.sensitive_notes:
        raise field_error("visibility", _("Non puoi scrivere note riservate per questo nucleo."))
    person = _member(request, opened, payload.person)
    household = opened.household
    note = call_service(lambda: services.note_add(
        household=household, by=user_of(request), organisation=household.organisation, text=payload.text,
        visibility=payload.visibility, person=person))
    out = _note_out(opened, notes_of(opened, request.user).select_related("written_by", "organisation")
                    .get(pk=note.pk))
    assert out is not None  # the writer reaches the household as its own: they read what they wrote
    return 201, out
