"""The household list, the household page and its access log, creation, changes, closure and reopening,
break-glass."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.models import AuditEvent
from trama.core.pages import url_for_each
from trama.network.access import require_perm
from trama.records import consent as consent_services
from trama.records import services
from trama.records.access import (
    OBJECT_TYPE,
    HouseholdAccess,
    Via,
    can_break_glass,
    can_create_households,
    can_record_legal_basis,
    household_for_break_glass,
    household_ids_listed,
    households_listed,
    households_visible_to,
    notes_of,
    ordered_ids,
    own_households_condition,
    people_of,
    statements_of,
)
from trama.records.audit_labels import action_label
from trama.records.categories import DataCategory
from trama.records.forms import (
    BreakGlassForm,
    CloseForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    ReopenForm,
)
from trama.records.models import (
    Assessment,
    BreakGlassAccess,
    Consent,
    ConsentEvent,
    ConsentRecipient,
    Dimension,
    Household,
    HouseholdStatus,
    LegalBasisRecord,
    NoticeLanguage,
    Person,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanVersion,
    ReviewOutcome,
    StatementKind,
)
from trama.records.protection import reveal_if_entitled
from trama.records.selectors import Trend, assessment_scores, assessment_trend, count_members
from trama.records.views._helpers import (
    dimensions_for,
    household_url,
    open_for,
    page_context,
    paginate,
    run_service,
    user_of,
)
from trama.records.views.display import member_rows
from trama.records.views.gdpr import household_gdpr
from trama.territory.models import Area

ACCESS_LOG_PAGE = 50

# --- List -----------------------------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None)
    # "Own" is the funnel's own source, not any organisation the user reads for: a network-scoped member sees
    # label and Municipio of its organisation's households outside that network only if they are its own.
    at = timezone.now()  # one instant for the ids and for the page's rows
    data = form.cleaned_data if form.is_valid() else {}
    if any(data.get(name) for name in ("q", "status", "source")):
        own = own_households_condition(request.user)
        households = households_visible_to(request.user, at=at)
        if data["q"]:
            # The label is identity data: it is searched only among the user's own households, or a search would
            # tell which shared household is called so, without the identity category.
            households = households.filter(Q(reference_code__icontains=data["q"])
                                           | (own & Q(label__icontains=data["q"])))
        if data["status"]:  # the status is plan data: it filters one's own households only
            households = households.filter(own, status=data["status"])
        if data["source"] == "own":
            households = households.filter(own)
        elif data["source"] == "shared":
            households = households.exclude(own)
        ids: Sequence[int] = ordered_ids(households)
    else:  # the whole list, as the process keeps it between requests
        ids = household_ids_listed(request.user, at=at)
    page, query = paginate(request, ids)
    page.object_list = households_listed(request.user, list(page.object_list), at=at)
    count_members(page.object_list)
    detail_url = url_for_each("records:household_detail")  # a {% url %} per row cost more than the row
    for household in page.object_list:
        household.detail_url = detail_url(household.pk)  # type: ignore[attr-defined]
    return render(request, "records/household_list.html", {
        "form": form, "page": page, "query": query, "can_create": can_create_households(request.user),
        "can_break_glass": can_break_glass(request.user),
    })


# --- Create ---------------------------------------------------------------------------------------------


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, can_create_households(request.user), object_type=OBJECT_TYPE, request=request)
    organisations = accounts_access.organisations_for(request.user, perm=Perm.RECORDS_EDIT).filter(is_active=True)
    form = HouseholdForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        household = run_service(form, lambda: services.household_create(
            organisation=data["organisation"], by=user_of(request), label=data["label"],
            municipio=data["municipio"], nil=data["nil"], opened_on=data["opened_on"]))
        if household is not None:
            messages.success(request, _("Nucleo %(code)s creato. Ora aggiungi i componenti.")
                             % {"code": household.reference_code})
            return redirect("records:household_detail", household.pk)
    return render(request, "records/form.html", {
        "form": form, "title": _("Nuovo nucleo familiare"), "cancel_href": reverse("records:household_list"),
    })


# --- The household page ---------------------------------------------------------------------------------


def _statements(opened: HouseholdAccess) -> list[dict[str, Any]]:
    rows = list(statements_of(opened).select_related("person", "term", "recorded_by"))
    groups = []
    for kind, label in StatementKind.choices:
        items = [{"statement": s, "about": _about(opened, s.person),
                  "term": s.term.label(get_language()) if s.term is not None else ""}
                 for s in rows if s.kind == kind]
        groups.append({"kind": kind, "label": label, "items": items})
    return groups


def _assessments(opened: HouseholdAccess) -> dict[str, Any]:
    entitlement = opened.entitlement
    trends = assessment_trend(opened.household, entitlement=entitlement)
    labels = dict(Dimension.choices)
    scores = assessment_scores(opened.categories)
    assessments = (Assessment.objects.filter(household=opened.household).select_related("assessed_by")
                   .prefetch_related(Prefetch("scores", queryset=scores.select_related("assessment")))
                   .order_by("-assessed_on", "-id"))
    history = []
    for assessment in assessments:
        shown = [{"label": labels.get(s.dimension, s.dimension), "score": s.score,
                  "notes": reveal_if_entitled(s, "notes", entitlement=entitlement) or ""}
                 for s in assessment.scores.all()]
        if shown:  # an assessment of the health dimension only says nothing to a reader without health
            history.append({"assessment": assessment, "scores": shown})
    return {
        "trends": [_trend_row(labels[code], trend) for code, trend in trends.items()],
        "history": history,
    }


def _trend_row(label: object, trend: Trend) -> dict[str, Any]:
    """A dimension's last six scores, each with its day written out once here: the template wrote each day twice
    (the bar's title and the screen reader's text) through the date filter, a sixth of the page's rendering."""
    titles = [f"{day:%d/%m/%Y}: {score}" for day, score in trend.series[-6:]]
    points = [{"score": score, "title": title} for (_day, score), title in zip(trend.series[-6:], titles, strict=True)]
    return {"label": label, "trend": trend, "series": points, "spoken": "; ".join(titles)}


def _plan(opened: HouseholdAccess) -> dict[str, Any]:
    entitlement = opened.entitlement
    household = opened.household
    labels = dict(Dimension.choices)
    # The prefetch sets each action's goal, and each goal comes with its plan: checking that an encrypted value
    # belongs to the opened household (goal → plan → household) then needs no query per row.
    actions = PlanAction.objects.select_related("by_organisation", "by_operator", "by_member")
    goals = (PlanGoal.objects.filter(plan__household=household).select_related("plan")
             .prefetch_related(Prefetch("actions", queryset=actions.order_by("due_date", "id"))))
    if DataCategory.HEALTH not in opened.categories:
        goals = goals.exclude(dimension=Dimension.HEALTH)
    goal_rows = []
    for goal in goals.order_by("dimension", "id"):
        goal_rows.append({
            "goal": goal, "dimension": labels.get(goal.dimension, goal.dimension),
            "description": reveal_if_entitled(goal, "description", entitlement=entitlement) or "",
            "actions": [{"action": a, "description": reveal_if_entitled(a, "description", entitlement=entitlement)
                         or "", "who": _assignee(a, opened)} for a in goal.actions.all()],
        })
    outcomes = ReviewOutcome.objects.select_related("review")
    if DataCategory.HEALTH not in opened.categories:
        outcomes = outcomes.exclude(dimension=Dimension.HEALTH)
    # `recorded`: every outcome of the review, those of a dimension not shown included.
    reviews = (PlanReview.objects.filter(household=household).select_related("reviewed_by")
               .annotate(recorded=Count("outcomes"))
               .prefetch_related(Prefetch("outcomes", queryset=outcomes)).order_by("-reviewed_on", "-id"))
    review_rows = [{"review": review, "outcomes": [
        {"label": labels.get(o.dimension, o.dimension), "outcome": o,
         "evidence": reveal_if_entitled(o, "evidence", entitlement=entitlement) or ""} for o in review.outcomes.all()
    ]} for review in reviews
        # A review whose outcomes were all of the health dimension says nothing to a reader without health; one
        # without outcomes (a closure for moving away) is still shown.
        if review.outcomes.all() or not review.recorded]
    versions = (PlanVersion.objects.filter(plan__household=household).select_related("created_by")
                .only("pk", "uuid", "plan_id", "number", "change", "created_at", "created_by__full_name")
                .order_by("-number"))
    return {"goals": goal_rows, "reviews": review_rows, "versions": versions}


def _assignee(action: PlanAction, opened: HouseholdAccess) -> str:
    if action.by_organisation_id is not None:
        return str(action.by_organisation)
    if action.by_operator_id is not None:
        assert action.by_operator is not None
        return action.by_operator.full_name or action.by_operator.email
    member = action.by_member
    if member is not None and opened.shows_name_of(member.pk):
        return member.display_name
    return _("Un familiare")


NOTES_PAGE = 50


def _about(opened: HouseholdAccess, person: Person | None) -> str:
    """Whom a statement or note is about: the whole household, a member by name where the user may read it, or
    "a member" (a row shared for one member, whose name is not shared)."""
    if person is None:
        return ""
    return person.display_name if opened.shows_name_of(person.pk) else str(_("un componente"))


def _notes(request: HttpRequest, opened: HouseholdAccess) -> dict[str, Any]:
    """The notes the user may read, newest first, NOTES_PAGE at a time (`notes_page`): a long-running case keeps
    every note reachable."""
    entitlement = opened.entitlement
    notes = (notes_of(opened, request.user).select_related("written_by", "organisation", "person")
             .order_by("-written_at", "-id"))
    page = Paginator(notes, NOTES_PAGE).get_page(request.GET.get("notes_page"))
    rows = []
    for note in page.object_list:
        text = reveal_if_entitled(note, "text", entitlement=entitlement)
        if text is None:
            continue
        rows.append({"note": note, "text": text, "about": _about(opened, note.person)})
    return {"rows": rows, "page": page}


def _consents(opened: HouseholdAccess) -> dict[str, Any]:
    household = opened.household
    recipients = ConsentRecipient.objects.select_related("organisation", "network")
    events = ConsentEvent.objects.select_related("by").order_by("at", "id")
    consents = (Consent.objects.filter(household=household).select_related("person", "recorded_for", "recorded_by")
                .prefetch_related(Prefetch("recipients", queryset=recipients))
                .prefetch_related(Prefetch("events", queryset=events))
                .order_by("-given_on", "-id"))
    if opened.person_ids is not None:
        consents = consents.filter(Q(person__isnull=True) | Q(person_id__in=opened.person_ids))
    legal_bases = (LegalBasisRecord.objects.filter(household=household)
                   .select_related("organisation", "network", "recorded_by").order_by("-recorded_at", "-id"))
    category_labels = dict(DataCategory.choices)
    from trama.records.models import ConsentPurpose

    purpose_labels = dict(ConsentPurpose.choices)
    bases = [{
        "record": r, "active": r.is_active(),
        "categories": [category_labels.get(x, x) for x in r.categories],
        "reason": reveal_if_entitled(r, "reason", entitlement=opened.entitlement) or "",
    } for r in legal_bases]
    return {
        "any_legal_basis_active": any(b["active"] for b in bases),
        "consents": [{
            "consent": c, "active": c.is_active(),
            "purposes": [purpose_labels.get(p, p) for p in c.purposes],
            "categories": [category_labels.get(x, x) for x in c.categories],
            "recipients": [str(r.organisation or r.network) for r in c.recipients.all()],
            "person": c.person.display_name if c.person is not None and opened.shows_name_of(c.person.pk) else "",
            "events": list(c.events.all()),  # its immutable history: given, printed, withdrawn, expiry noted
        } for c in consents],
        "legal_bases": bases,
    }


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk)
    categories = opened.categories
    household = opened.household
    members = member_rows(opened, people_of(opened).order_by("id"))
    # The history is shown with the plan, and read by the owner's GDPR box: not read for anyone else.
    events = (list(household.events.select_related("by").order_by("at", "id"))
              if DataCategory.NEEDS_AND_PLAN in categories or Via.OWN in opened.via else [])
    consents = _consents(opened)
    every_member = [row["person"].pk for row in members] if opened.person_ids is None else None
    context = page_context(
        opened,
        members=members,
        events=events,
        can_record_legal_basis=can_record_legal_basis(request.user),
        categories=[label for code, label in DataCategory.choices if code in categories],
        via_labels=[_via_label(v) for v in opened.via],
        area_label=_area_label(opened),
        consents=consents,
        notes=_notes(request, opened),
        notice_languages=NoticeLanguage.choices,
        gdpr=household_gdpr(request, opened, person_ids=every_member, history=events,
                            legal_basis_active=consents["any_legal_basis_active"]),
        transfer=_transfer_box(request, opened),
    )
    if DataCategory.NEEDS_AND_PLAN in categories:
        context.update(statements=_statements(opened), assessments=_assessments(opened), plan=_plan(opened),
                       show_plan=True)
    return render(request, "records/household_detail.html", context)


def _transfer_box(request: HttpRequest, opened: HouseholdAccess) -> dict[str, Any]:
    """The holding organisation's case-transfer box: the pending request, or whether one may be made (the
    referrals app is looked up by name, like the funnel does: records does not import it)."""
    if Via.OWN not in opened.via or not apps.is_installed("trama.referrals"):
        return {}
    household = opened.household
    transfer_model = apps.get_model("referrals", "CaseTransfer")
    pending = (transfer_model.objects.filter(household=household, status="requested")
               .select_related("to_organisation").first())
    may_request = (opened.can_edit and household.status == HouseholdStatus.OPEN  # a closed case is not passed on
                   and accounts_access.has_perm(request.user, Perm.REFERRALS_MANAGE,
                                                organisation=household.organisation))
    return {"pending": pending, "may_request": may_request and pending is None}


def _area_label(opened: HouseholdAccess) -> str:
    """The household's Municipio and NIL (identity data), by name only: an area row carries its boundary."""
    household = opened.household
    ids = [pk for pk in (household.municipio_id, household.nil_id) if pk is not None]
    if DataCategory.IDENTITY not in opened.categories or not ids:
        return ""
    names = dict(Area.objects.filter(pk__in=ids).values_list("pk", "name"))
    parts = []
    if household.municipio_id in names:
        parts.append(names[household.municipio_id])
    if household.nil_id in names:
        parts.append(_("NIL %(name)s") % {"name": names[household.nil_id]})
    return " · ".join(parts)


def _via_label(via: str) -> str:
    return {Via.OWN: _("della mia organizzazione"), Via.CONSENT: _("condiviso con consenso"),
            Via.LEGAL_BASIS: _("condiviso su altra base giuridica"),
            Via.REFERRAL: _("tramite segnalazione accettata"),
            Via.BREAK_GLASS: _("accesso straordinario")}.get(via, via)


# --- Access log -----------------------------------------------------------------------------------------


@login_required
def household_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    own = Household.objects.filter(own_households_condition(request.user), pk=pk).exists()
    if not own and households_visible_to(request.user, among=[pk]).exists():
        # The log is the owning organisation's. Refused before opening the household: the log of the owner then
        # shows a refusal, not a reading (with the categories read) that did not happen.
        audit.record(action="access.denied", actor=user_of(request), object_type=OBJECT_TYPE,
                     object_id=str(pk), request=request,
                     details={"write": False, "status": 403, "page": "access_log"})
        raise PermissionDenied
    opened = open_for(request, pk, purpose="access_log")  # not reachable at all: the funnel's audited 404
    household = opened.household
    # Every event about the household: on it, or naming it in its details (members, notes, statements,
    # assessments, plans, consents, referrals and their refusals) — the same rule as a person's GDPR export,
    # kept by `audit.record` in an indexed column.
    events = (AuditEvent.objects.filter(household_id=household.pk)
              .select_related("acting_for").order_by("-at", "-id"))
    page, query = paginate(request, events, per_page=ACCESS_LOG_PAGE)
    category_labels = dict(DataCategory.choices)
    rows = []
    for event in page.object_list:
        details = event.details or {}
        rows.append({
            "event": event,
            "action": action_label(event.action),
            "via": ", ".join(_via_label(v) for v in details.get("via", [])),
            "categories": ", ".join(str(category_labels.get(c, c)) for c in details.get("categories", [])),
            "denied": event.action == "access.denied",
        })
    # Break-glass openings with their reason: the owning organisation is told about them and reads why here.
    break_glass = [{"access": row, "reason": reveal_if_entitled(row, "reason", entitlement=opened.entitlement)}
                   for row in BreakGlassAccess.objects.filter(household=household).select_related("user")
                   .order_by("-started_at")[:50]]
    return render(request, "records/access_log.html", page_context(opened, page=page, query=query, rows=rows,
                                                                    break_glass_accesses=break_glass))


# --- Close / reopen -------------------------------------------------------------------------------------


@login_required
def household_close(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="close")
    household = opened.household
    if household.status != HouseholdStatus.OPEN:
        messages.info(request, _("Il nucleo è già chiuso."))
        return redirect(household_url(household.pk))
    form = CloseForm(request.POST or None, dimensions=dimensions_for(opened))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcomes = {d: services.DimensionOutcome(result=r, evidence=e) for d, (r, e) in form.outcomes().items()}
        event = run_service(form, lambda: services.household_close(
            household=household, by=user_of(request), reason=data["reason"], note=data["note"],
            outcomes=outcomes, closed_on=data["closed_on"]))
        if event is not None:
            messages.success(request, _("Nucleo chiuso."))
            return redirect(household_url(household.pk))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Chiudi il nucleo"), cancel_href=household_url(household.pk),
        dimension_fields=form.dimension_fields))


@login_required
def household_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="reopen")
    household = opened.household
    if household.status == HouseholdStatus.OPEN:
        messages.info(request, _("Il nucleo è già aperto."))
        return redirect(household_url(household.pk))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        event = run_service(form, lambda: services.household_reopen(household=household, by=user_of(request),
                                                                    note=note))
        if event is not None:
            messages.success(request, _("Nucleo riaperto."))
            return redirect(household_url(household.pk))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Riapri il nucleo"), cancel_href=household_url(household.pk)))


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opened = open_for(request, pk, write=True, purpose="edit")
    household = opened.household
    if household.status != HouseholdStatus.OPEN:
        messages.info(request, _("Il nucleo è chiuso: riaprilo prima di modificarlo."))
        return redirect(household_url(household.pk))
    initial = {"label": household.label, "municipio": household.municipio_id, "nil": household.nil_id}
    form = HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.household_update(
                household=household, by=user_of(request), label=data["label"], municipio=data["municipio"],
                nil=data["nil"])) is not None:
            messages.success(request, _("Dati del nucleo aggiornati."))
            return redirect(household_url(household.pk))
    return render(request, "records/form.html", page_context(
        opened, form=form, title=_("Modifica il nucleo"), cancel_href=household_url(household.pk)))


# --- Break-glass ----------------------------------------------------------------------------------------


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, can_break_glass(request.user), object_type=OBJECT_TYPE, request=request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The administrator names a household they cannot see yet: the funnel's one lookup for it (audited); the
        # opening that follows is audited and notified to the owning organisation by the service.
        household = household_for_break_glass(request.user, data["reference_code"], request=request)
        if household is None:
            form.add_error("reference_code", _("Nessun nucleo con questo codice."))
        else:
            access_row = run_service(form, lambda: consent_services.break_glass_open(
                user=user_of(request), household=household, reason=data["reason"]))
            if access_row is not None:
                messages.warning(request, _("Accesso straordinario aperto: è registrato e l'organizzazione "
                                            "titolare è stata avvisata."))
                return redirect(household_url(household.pk))
    return render(request, "records/form.html", {
        "form": form, "title": _("Accesso straordinario a un nucleo"), "danger": True,
        "intro": _("Usalo solo in caso di necessità: l'accesso dura al massimo 8 ore, in sola lettura, è registrato "
                   "nel registro degli accessi e l'organizzazione titolare riceve un avviso."),
        "cancel_href": reverse("records:household_list"),
    })
