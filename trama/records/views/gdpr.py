"""GDPR tools on the household page: a person's export (JSON, PDF), anonymisation of a person or of the household
with a reason and a confirmation step, and the register of processing activities.

Who may do what (there is no GDPR permission in trama/accounts/roles.py, so it is derived from the existing ones):
- **export**: a member of the owning organisation whose opening of the household is *complete* — every data
  category, sensitive notes, every member — which the funnel gives only to roles holding `records.view`,
  `records.special_categories` and `records.sensitive_notes` there (proximity worker, community social worker,
  reception manager). This is exactly what `gdpr.person_export` requires; a break-glass opening is excluded,
  because break-glass exists for emergencies, not for exercising rights.
- **anonymise**: a member of the owning organisation who may change the household (`records.edit`: proximity
  worker, community social worker, reception manager), or the owning organisation's municipal unit lead (EQ/CTM),
  who answers for the office's processing without editing records. The retention rule (`erasure_blockers`) is
  checked by the service and shown on the page.
- **register of processing activities**: whoever holds `records.view` anywhere, and platform administrators
  (`records.break_glass`).
Denials are audited: 404 through the funnel for those who cannot see the household, 403 here for the others.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm, Role
from trama.core import audit
from trama.core.models import AuditEvent
from trama.network.access import require_perm
from trama.records import gdpr
from trama.records.access import ALL_CATEGORIES, OBJECT_TYPE, HouseholdAccess, Via, deny_within, people_of
from trama.records.forms import AnonymiseForm, ExportLanguageForm
from trama.records.models import Household, HouseholdEvent, HouseholdStatus, Person
from trama.records.protection import NotEntitled
from trama.records.views._helpers import household_url, open_for, page_context, run_service, user_of

PERSON_OBJECT_TYPE = "records.person"


# --- Who may -----------------------------------------------------------------------------------------------


def may_export(opened: HouseholdAccess) -> bool:
    entitlement = opened.entitlement
    return (Via.OWN in opened.via and Via.BREAK_GLASS not in opened.via
            and entitlement.categories >= ALL_CATEGORIES and entitlement.sensitive_notes
            and entitlement.person_ids is None)


def may_anonymise(user: Any, opened: HouseholdAccess) -> bool:
    if Via.OWN not in opened.via:
        return False
    if opened.can_edit:
        return True
    return Role.MUNICIPAL_UNIT_LEAD in accounts_access.roles_of(user, organisation=opened.household.organisation)


def may_read_register(user: Any) -> bool:
    return (accounts_access.has_perm(user, Perm.RECORDS_VIEW)
            or accounts_access.has_perm(user, Perm.RECORDS_BREAK_GLASS))


def _forbid(request: HttpRequest, household_pk: int, *, action: str) -> PermissionDenied:
    audit.record(action="access.denied", actor=user_of(request), object_type=OBJECT_TYPE,
                 object_id=str(household_pk), request=request,
                 details={"write": action != "export", "status": 403, "gdpr": action})
    return PermissionDenied()


def _person_of(request: HttpRequest, opened: HouseholdAccess, person_pk: int) -> Person:
    """A member of the opened household that the user may see; 404, audited, otherwise."""
    person = people_of(opened).filter(pk=person_pk).first()
    if person is None:
        deny_within(opened, PERSON_OBJECT_TYPE, person_pk, request=request)
        raise Http404()
    return person


# --- What the household page shows -------------------------------------------------------------------------


def anonymisation_of(household: Household) -> AuditEvent | None:
    return (AuditEvent.objects.filter(action="records.household.anonymise", object_type=OBJECT_TYPE,
                                      object_id=str(household.pk)).order_by("at").first())


def _reason_label(event: AuditEvent | None) -> str:
    if event is None:
        return ""
    reason = (event.details or {}).get("reason", "")
    return str(dict(gdpr.AnonymisationReason.choices).get(reason, reason))


def household_gdpr(request: HttpRequest, opened: HouseholdAccess, *, person_ids: list[int] | None = None,
                   history: list[HouseholdEvent] | None = None,
                   legal_basis_active: bool | None = None) -> dict[str, Any]:
    """The GDPR box of the household page (only for the owning organisation: others get an empty dict). The page
    passes what it has read already: every member's id, the household's events, whether a legal basis is in
    force."""
    household = opened.household
    event = anonymisation_of(household)
    context: dict[str, Any] = {
        "anonymised": event is not None, "anonymised_at": event.at if event is not None else None,
        "anonymised_reason": _reason_label(event),
    }
    if Via.OWN not in opened.via:
        return context
    export = may_export(opened)
    anonymise = may_anonymise(request.user, opened) and event is None
    context.update(
        show=export or anonymise, may_export=export, may_anonymise=anonymise,
        anonymised_people=(gdpr.anonymised_person_ids(household, person_ids=person_ids, history=history)
                           if (export or anonymise) else set()),
        blockers=gdpr.erasure_blockers(household, legal_basis_active=legal_basis_active) if anonymise else [],
    )
    return context


# --- Export ------------------------------------------------------------------------------------------------


def _filename(person: Person, extension: str) -> str:
    return f"{person.household.reference_code}-persona-{person.pk}.{extension}"


def _open_for_export(request: HttpRequest, pk: int, person_pk: int) -> tuple[HouseholdAccess, Person]:
    opened = open_for(request, pk, purpose="export")
    person = _person_of(request, opened, person_pk)
    if not may_export(opened):
        raise _forbid(request, pk, action="export")
    return opened, person


@login_required
def person_export(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    opened, person = _open_for_export(request, pk, person_pk)
    try:
        data = gdpr.person_export(person=person, by=user_of(request), entitlement=opened.entitlement)
    except NotEntitled:
        raise _forbid(request, pk, action="export") from None
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_export_pdf(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    form = ExportLanguageForm(request.GET or None)
    language = (form.cleaned_data.get("language") or "it") if form.is_valid() else "it"
    opened, person = _open_for_export(request, pk, person_pk)
    try:
        pdf = gdpr.person_export_pdf(person=person, by=user_of(request), entitlement=opened.entitlement,
                                     language=language)
    except NotEntitled:
        raise _forbid(request, pk, action="export") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Anonymisation -----------------------------------------------------------------------------------------


def _open_for_anonymise(request: HttpRequest, pk: int) -> HouseholdAccess:
    # Opened for reading: the municipal unit lead may anonymise without editing rights; the rule is checked here.
    # The purpose must not be "anonymise": the opening's audit action would read as the anonymisation itself
    # (records.household.anonymise, which gdpr.is_anonymised looks for).
    opened = open_for(request, pk, purpose="erasure")
    if not may_anonymise(request.user, opened):
        raise _forbid(request, pk, action="anonymise")
    return opened


def _anonymise_page(request: HttpRequest, opened: HouseholdAccess, *, person: Person | None) -> HttpResponse:
    household = opened.household
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    already = (gdpr.is_anonymised(household) if person is None
               else person.pk in gdpr.anonymised_person_ids(household) or gdpr.is_anonymised(household))
    blockers = gdpr.erasure_blockers(household)
    if request.method == "POST" and not already and not blockers and form.confirmed:
        reason = form.cleaned_data["reason"]
        if person is None:
            result = run_service(form, lambda: gdpr.household_anonymise(
                household=household, by=user_of(request), reason=reason))
        else:
            result = run_service(form, lambda: gdpr.person_anonymise(
                person=person, by=user_of(request), reason=reason))
        if result is not None:
            messages.success(request, _("Anonimizzazione eseguita: i dati identificativi sono stati cancellati."))
            return redirect(household_url(household.pk, "gdpr"))
    confirming = request.method == "POST" and form.is_valid() and not form.errors and not blockers and not already
    status = 400 if request.method == "POST" and (form.errors or blockers or already) else 200
    return render(request, "records/gdpr_anonymise.html", page_context(
        opened, form=form, person=person, blockers=blockers, already=already, confirming=confirming,
        member_count=Person.objects.filter(household=household).count(),
        closed=household.status == HouseholdStatus.CLOSED, cancel_href=household_url(household.pk, "gdpr"),
    ), status=status)


@login_required
def person_anonymise(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    opened = _open_for_anonymise(request, pk)
    person = _person_of(request, opened, person_pk)
    return _anonymise_page(request, opened, person=person)


@login_required
def household_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    opened = _open_for_anonymise(request, pk)
    return _anonymise_page(request, opened, person=None)


# --- Register of processing activities ---------------------------------------------------------------------


@login_required
def processing_register(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, may_read_register(request.user), object_type="records.register", request=request)
    return render(request, "records/processing_register.html", {"register": gdpr.processing_register()})
