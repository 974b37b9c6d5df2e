"""JSON endpoints of referrals (issue 4 §5), through trama/referrals/access.py like the pages
(trama/referrals/views): lists from `referrals_visible_to`, one referral opened with `get_referral_for` (audited;
404 outside, 403 on an action for read-only users), encrypted texts read with `reveal_text`, the referred members'
names only through the records funnel. Every change calls trama/referrals/services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from trama.directory.access import services_visible_to
from trama.directory.models import Service
from trama.records.access import (
    HouseholdAccess,
    deny_within,
    households_visible_to,
    open_household,
    people_of,
)
from trama.records.api.common import (
    ApiError,
    ObjectId,
    PageMeta,
    call_service,
    error_responses,
    field_error,
    paginate,
    user_of,
)
from trama.records.api.schemas import MAX_CHOICES, MAX_IDS, Input, Ref
from trama.records.categories import DataCategory
from trama.records.models import Consent, LegalBasisRecord, Person
from trama.referrals import services
from trama.referrals.access import (
    OpenedReferral,
    after_action,
    get_referral_for,
    messages_of,
    reach_of,
    referrals_visible_to,
    reveal_text,
)
from trama.referrals.models import (
    DeclineReason,
    Outcome,
    Referral,
    ReferralStatus,
    Urgency,
)

router = Router(tags=["referrals"])


# --- Schemas --------------------------------------------------------------------------------------------


class HouseholdRef(Schema):
    id: int
    reference_code: str


class ReferralListItem(Schema):
    id: int
    direction: str = Field(description="out: sent by one of the caller's organisations; in: addressed to one.")
    status: str
    urgency: str
    categories: list[str] = Field(description="Data categories shared with the receiving organisation.")
    service: Ref
    from_organisation: Ref
    to_organisation: Ref
    household: HouseholdRef
    people_count: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    expires_at: dt.datetime | None
    responded_at: dt.datetime | None
    completed_at: dt.datetime | None
    decline_reason: str
    outcome: str


class ReferralPage(PageMeta):
    results: list[ReferralListItem]


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    at: dt.datetime
    organisation: Ref | None
    detail: str


class ReferralOut(ReferralListItem):
    reason: str
    decline_note: str
    outcome_note: str
    consent_id: int | None
    legal_basis_id: int | None
    people: list[str] | None = Field(description="Names of the referred members: null unless the caller may open "
                                                 "the household with the `identity` category.")
    household_visible: bool = Field(description="The caller may open the household (GET /api/households/{id}).")
    actions: list[str] = Field(description="What the caller may do now: send, accept, decline, start, complete, "
                                           "cancel, message.")
    events: list[EventOut]


class ReferralIn(Input):
    household: ObjectId = Field(description="Household id (one the caller may change).")
    people: list[ObjectId] = Field(max_length=MAX_IDS, description="Members (ids) to refer.")
    service: ObjectId = Field(description="Directory service id.")
    reason: str = Field(max_length=4000)
    urgency: Urgency = Urgency.ROUTINE
    categories: list[str] = Field(max_length=MAX_CHOICES, description="Data categories to share.")
    consent: ObjectId | None = Field(None, description="The consent that covers it (id); if neither this nor "
                                                  "legal_basis is given, sending looks for one in force.")
    legal_basis: ObjectId | None = Field(None, description="Another legal-basis record (id), instead of a consent.")


class ReferralPatch(Input):
    """Only the fields sent change; the others keep the draft's values."""

    people: list[ObjectId] | None = Field(None, max_length=MAX_IDS, description="Members (ids) to refer.")
    service: ObjectId | None = Field(None, description="Directory service id.")
    reason: str | None = Field(None, max_length=4000)
    urgency: Urgency | None = None
    categories: list[str] | None = Field(None, max_length=MAX_CHOICES, description="Data categories to share.")
    consent: ObjectId | None = Field(None, description="The consent that covers it (id); null: none named.")
    legal_basis: ObjectId | None = Field(None, description="Another legal-basis record (id); null: none named.")


class DeclineIn(Input):
    reason: DeclineReason
    note: str = Field("", max_length=2000)


class CompleteIn(Input):
    outcome: Outcome
    note: str = Field("", max_length=2000)


class MessageOut(Schema):
    id: int
    organisation: Ref
    author: str
    text: str
    created_at: dt.datetime


class MessagePage(PageMeta):
    results: list[MessageOut]


class MessageIn(Input):
    text: str = Field(max_length=4000)


# --- Helpers --------------------------------------------------------------------------------------------


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj.name)} if obj is not None else None


def _list_item(referral: Referral, *, outgoing: bool) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "direction": "out" if outgoing else "in",
        "status": referral.status, "urgency": referral.urgency, "categories": list(referral.categories),
        "service": _ref(referral.service), "from_organisation": _ref(referral.from_organisation),
        "to_organisation": _ref(referral.to_organisation),
        "household": {"id": referral.household_id, "reference_code": referral.household.reference_code},
        "people_count": (referral.people_count if hasattr(referral, "people_count")  # annotated in lists
                         else referral.people.count()),
        "created_at": referral.created_at, "sent_at": referral.sent_at, "expires_at": referral.expires_at,
        "responded_at": referral.responded_at, "completed_at": referral.completed_at,
        "decline_reason": referral.decline_reason, "outcome": referral.outcome,
    }


def _members(request: HttpRequest, referral: Referral) -> tuple[list[str] | None, bool]:
    """As the page: names only when the caller may open the household (opened, so audited, through the records
    funnel) with the identity category."""
    if not households_visible_to(request.user, among=[referral.household_id]).exists():
        return None, False
    household = open_household(request.user, referral.household_id, request=request)
    if DataCategory.IDENTITY not in household.categories:
        return None, True
    people = people_of(household).filter(pk__in=referral.people.values("pk")).order_by("pk")
    return [p.display_name for p in people if household.shows_name_of(p.pk)], True


def _detail(request: HttpRequest, opened: OpenedReferral) -> dict[str, Any]:
    referral = opened.referral
    names, visible = _members(request, referral)
    events = referral.events.select_related("organisation").order_by("at", "pk")
    return {
        **_list_item(referral, outgoing=opened.is_sender),
        "reason": reveal_text(opened, referral, "reason") or "",
        "decline_note": reveal_text(opened, referral, "decline_note") or "",
        "outcome_note": reveal_text(opened, referral, "outcome_note") or "",
        "consent_id": referral.consent_id, "legal_basis_id": referral.legal_basis_id,
        "people": names, "household_visible": visible,
        "actions": [name for name, allowed in opened.actions().items() if allowed],
        "events": [{"kind": e.kind, "from_status": e.from_status, "to_status": e.to_status, "at": e.at,
                    "organisation": _ref(e.organisation), "detail": e.detail} for e in events],
    }


# --- Endpoints ------------------------------------------------------------------------------------------


@router.get("/referrals", response={200: ReferralPage, **error_responses(400)},
            summary="Referrals sent by or addressed to the caller's organisations")
def referral_list(request: HttpRequest, direction: Literal["in", "out"] | None = None,
                  status: ReferralStatus | None = None, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """Newest first. Like the pages' lists it opens none of them: no reason, no names (GET one referral)."""
    from django.db.models import Count

    # "out": sent by one of the user's organisations (within a scoped membership's area), as the funnel reads it.
    reach = reach_of(request.user)
    referrals = referrals_visible_to(request.user)
    if direction == "out":
        referrals = referrals.filter(reach.condition("from_organisation"))
    elif direction == "in":
        referrals = referrals.filter(reach.condition("to_organisation"), sent_at__isnull=False)  # never a draft
    if status:
        referrals = referrals.filter(status=status)
    referrals = (referrals.select_related("household", "service", "from_organisation", "to_organisation")
                 .annotate(people_count=Count("people", distinct=True)).order_by("-created_at", "-pk"))
    meta, items = paginate(referrals, page, per_page)
    return {**meta, "results": [_list_item(referral, outgoing=reach.reaches(referral.from_organisation_id,
                                                                            referral.household))
                                for referral in items]}


@router.post("/referrals", response={201: ReferralOut, **error_responses(400, 403, 404, 409)},
             summary="Create a draft referral")
def referral_create(request: HttpRequest, payload: ReferralIn) -> tuple[int, dict[str, Any]]:
    """A draft of some members of a household the caller may change, to a directory service. Send it with
    POST /api/referrals/{id}/send: sending is refused (400, with the explanation) unless a consent or another
    legal basis in force covers the receiving organisation, the categories and the people."""
    opened = open_household(request.user, payload.household, write=True, request=request)
    service = _service(request, payload.service)
    people = _people(request, opened, payload.people)
    consent, legal_basis = _basis(opened, payload.consent, payload.legal_basis)
    referral = call_service(lambda: services.referral_create(
        household=opened.household, by=user_of(request), people=people, service=service,
        reason=payload.reason, categories=payload.categories, urgency=payload.urgency, consent=consent,
        legal_basis=legal_basis))
    return 201, _detail(request, get_referral_for(request.user, referral.pk, request=request))


def _service(request: HttpRequest, service_id: int) -> Service:
    service = services_visible_to(request.user).filter(pk=service_id).first()
    if service is None:
        raise field_error("service", _("Cerca e scegli un servizio."))
    return service


def _people(request: HttpRequest, opened: HouseholdAccess, ids: list[int]) -> list[Person]:
    wanted = set(ids)
    people = list(people_of(opened).filter(pk__in=wanted))
    if not wanted or len(people) != len(wanted):
        for stranger in sorted(wanted - {person.pk for person in people}):  # a probe, audited as on the pages
            deny_within(opened, "records.person", stranger, request=request)
        raise field_error("people", _("Scegli le persone da segnalare tra i componenti del nucleo."))
    return people


def _basis(opened: HouseholdAccess, consent_id: int | None,
           legal_basis_id: int | None) -> tuple[Consent | None, LegalBasisRecord | None]:
    consent = None
    if consent_id is not None:
        consent = Consent.objects.filter(household=opened.household, pk=consent_id).first()
        if consent is None:
            raise field_error("consent", _("Questo nucleo non ha un consenso con questo numero."))
    legal_basis = None
    if legal_basis_id is not None:
        legal_basis = LegalBasisRecord.objects.filter(household=opened.household, pk=legal_basis_id).first()
        if legal_basis is None:
            raise field_error("legal_basis", _("Questo nucleo non ha una base giuridica con questo numero."))
    return consent, legal_basis


@router.patch("/referrals/{int:referral_id}", response={200: ReferralOut, **error_responses(400, 403, 404, 409)},
              summary="Change a draft (sender)")
def referral_update(request: HttpRequest, referral_id: int, payload: ReferralPatch) -> dict[str, Any]:
    """Like the page: who, to which service, why, what is shared and on which basis, before sending. Only a
    draft, by its sender (409 otherwise: once sent it is the receiver's to answer), and only by those who may
    change the household's record (403: a referent may send or cancel the draft, not rewrite it). Naming a
    consent clears a legal basis named before, and the other way round."""
    opened_referral = get_referral_for(request.user, referral_id, write=True, request=request)
    draft = opened_referral.referral
    if not request.body.lstrip().startswith(b"{"):
        raise ApiError(400, _("Richiesta non valida: il corpo deve essere un oggetto JSON."))
    if draft.status != ReferralStatus.DRAFT or not opened_referral.can_act_as_sender:
        raise ApiError(409, _("Si può modificare solo una bozza, da chi la invia."))
    # Read-only on the household (a referent): 403, audited by the funnel.
    opened = open_household(request.user, draft.household_id, write=True, request=request)
    sent = payload.dict(exclude_unset=True)
    for name in ("people", "service", "reason", "urgency", "categories"):
        if name in sent and sent[name] is None:
            raise field_error(name, _("Campo obbligatorio."))
    # What was sent is checked first (a stranger named is an audited probe, kept whatever follows) ...
    people = _people(request, opened, sent["people"]) if "people" in sent else None
    service = _service(request, sent["service"]) if "service" in sent else None
    named_consent, named_basis = _basis(opened, sent.get("consent"), sent.get("legal_basis"))
    with transaction.atomic():
        # ... and what was not is taken from the draft as stored, locked: two changes at once both land.
        current = Referral.objects.select_for_update().get(pk=draft.pk)  # sent meanwhile: the service's 409
        consent = named_consent if "consent" in sent else current.consent
        legal_basis = named_basis if "legal_basis" in sent else current.legal_basis
        if named_consent is not None and "legal_basis" not in sent:
            legal_basis = None  # naming a consent replaces a legal basis named before
        if named_basis is not None and "consent" not in sent:
            consent = None  # and the other way round
        call_service(lambda: services.referral_draft_update(
            referral=current, by=user_of(request),
            people=people if people is not None else list(people_of(opened).filter(
                pk__in=current.people.values("pk"))),
            service=service if service is not None else current.service,
            reason=sent["reason"] if "reason" in sent else (reveal_text(opened_referral, current, "reason") or ""),
            categories=sent.get("categories", current.categories), urgency=sent.get("urgency", current.urgency),
            consent=consent, legal_basis=legal_basis))
    return _detail(request, get_referral_for(request.user, draft.pk, request=request))


@router.get("/referrals/{int:referral_id}", response={200: ReferralOut, **error_responses(404)},
            summary="One referral, with its reason and timeline")
def referral_detail(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _detail(request, get_referral_for(request.user, referral_id, request=request))


def _act(request: HttpRequest, referral_id: int, call: Callable[[Referral], Any]) -> dict[str, Any]:
    opened = get_referral_for(request.user, referral_id, write=True, request=request)
    call_service(lambda: call(opened.referral))
    return _detail(request, after_action(request.user, opened))


ACTION_RESPONSES: dict[int, Any] = {200: ReferralOut, **error_responses(400, 403, 404, 409)}


@router.post("/referrals/{int:referral_id}/send", response=ACTION_RESPONSES, summary="Send a draft")
def referral_send(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    """Refused (400, `errors.consent` explains why) without a consent or legal basis covering it."""
    return _act(request, referral_id, lambda r: services.referral_send(referral=r, by=user_of(request)))


@router.post("/referrals/{int:referral_id}/accept", response=ACTION_RESPONSES, summary="Accept (receiver)")
def referral_accept(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _act(request, referral_id, lambda r: services.referral_accept(referral=r, by=user_of(request)))


@router.post("/referrals/{int:referral_id}/decline", response=ACTION_RESPONSES,
             summary="Decline with a reason (receiver)")
def referral_decline(request: HttpRequest, referral_id: int, payload: DeclineIn) -> dict[str, Any]:
    return _act(request, referral_id, lambda r: services.referral_decline(
        referral=r, by=user_of(request), reason=payload.reason, note=payload.note))


@router.post("/referrals/{int:referral_id}/start", response=ACTION_RESPONSES, summary="Start working on it (receiver)")
def referral_start(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _act(request, referral_id, lambda r: services.referral_start(referral=r, by=user_of(request)))


@router.post("/referrals/{int:referral_id}/complete", response=ACTION_RESPONSES,
             summary="Complete with an outcome (receiver)")
def referral_complete(request: HttpRequest, referral_id: int, payload: CompleteIn) -> dict[str, Any]:
    return _act(request, referral_id, lambda r: services.referral_complete(
        referral=r, by=user_of(request), outcome=payload.outcome, note=payload.note))


@router.post("/referrals/{int:referral_id}/cancel", response=ACTION_RESPONSES, summary="Cancel (sender)")
def referral_cancel(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _act(request, referral_id, lambda r: services.referral_cancel(referral=r, by=user_of(request)))


def _message_out(opened: OpenedReferral, message: Any) -> dict[str, Any]:
    author = message.author
    return {"id": message.pk, "organisation": _ref(message.organisation),
            "author": (author.full_name or author.email) if author is not None else "",
            "text": reveal_text(opened, message, "text") or "", "created_at": message.created_at}


@router.get("/referrals/{int:referral_id}/messages", response={200: MessagePage, **error_responses(400, 404)},
            summary="The referral's message thread, oldest first")
def message_list(request: HttpRequest, referral_id: int, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    opened = get_referral_for(request.user, referral_id, request=request)
    meta, items = paginate(messages_of(opened), page, per_page)
    return {**meta, "results": [_message_out(opened, message) for message in items]}


@router.post("/referrals/{int:referral_id}/messages", response={201: MessageOut, **error_responses(400, 403, 404, 409)},
             summary="Write in the thread")
def message_add(request: HttpRequest, referral_id: int, payload: MessageIn) -> tuple[int, dict[str, Any]]:
    opened = get_referral_for(request.user, referral_id, write=True, request=request)
    referral = opened.referral
    organisation = referral.from_organisation if opened.can_act_as_sender else referral.to_organisation
    message = call_service(lambda: services.referral_message_add(
        referral=referral, by=user_of(request), organisation=organisation, text=payload.text))
    return 201, _message_out(opened, message)

