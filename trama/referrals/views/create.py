"""Refer members of a household to a directory service: choose members, search a service, reason, urgency,
categories; save a draft or send at once (refused, with the service's explanation, without a covering basis)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError
from trama.core.http import parse_id
from trama.core.pages import apply_error, run_service, user_of
from trama.directory.access import services_visible_to
from trama.directory.models import Service, ServiceStatus
from trama.directory.search import SearchForm, run_search
from trama.records.access import HouseholdAccess, households_editable_by, open_household, people_of
from trama.records.categories import DataCategory
from trama.records.models import Consent, LegalBasisRecord
from trama.referrals import services
from trama.referrals.access import get_referral_for, reveal_text
from trama.referrals.forms import ReferralForm
from trama.referrals.models import Referral, ReferralStatus
from trama.referrals.views.basis import basis_block, candidates

MAX_SERVICES = 10


def referable_services(request: HttpRequest, organisation_id: int) -> QuerySet[Service]:
    """The services a household of this organisation may be referred to, among those the user may see: active,
    of another organisation, itself active (referral_create refuses the others; offered, they would take the
    places of services that can be chosen)."""
    return (services_visible_to(request.user)
            .filter(status=ServiceStatus.ACTIVE, organisation__is_active=True)
            .exclude(organisation_id=organisation_id))


def _found(request: HttpRequest, organisation_id: int) -> tuple[SearchForm, list[Service]]:
    """Up to ten services matching the text and the need, among those the household may be referred to (nothing
    before a search)."""
    search = SearchForm({"q": request.GET.get("q", ""), "need": request.GET.get("need", "")})
    if not (request.GET.get("q") or request.GET.get("need")) or not search.is_valid():
        return search, []
    result = run_search(referable_services(request, organisation_id), search.to_params(), user=request.user)
    return search, list(result.services.select_related("organisation")[:MAX_SERVICES])


def _person_choices(opened: HouseholdAccess) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.first_name_or_alias} {p.surname}".strip()) for p in people_of(opened).order_by("pk")]


@login_required
def service_options(request: HttpRequest, household_pk: int) -> HttpResponse:
    """The htmx fragment: the services matching the search, as radio buttons. It shows nothing of the household,
    so a user who may change it is not audited at every keystroke (the page itself was opened, and audited, once);
    anyone else goes through the funnel, which refuses and audits the denial (404 or 403)."""
    organisation_id = households_editable_by(request.user).filter(pk=household_pk).values_list(
        "organisation_id", flat=True).first()
    if organisation_id is None:
        open_household(request.user, household_pk, write=True, request=request)
        raise PermissionDenied()  # not reached: the funnel refuses a user who may not change the household
    _search, found = _found(request, organisation_id)
    return render(request, "referrals/includes/service_options.html",
                  {"services": found, "searched": bool(request.GET.get("q") or request.GET.get("need")),
                   "selected": request.GET.get("service", "")})


def _current(data: Any, form: ReferralForm, request: HttpRequest) -> tuple[Service | None, list[str], list[int], str]:
    """The service, categories, people and basis as currently filled in (bound data, or the form's initial)."""
    service_value = data.get("service") if data is not None else form.initial.get("service")
    service = None
    service_pk = parse_id(service_value)
    if service_pk is not None:
        service = (services_visible_to(request.user).filter(pk=service_pk).select_related("organisation")
                   .first())
    if data is not None:
        categories = [c for c in data.getlist("categories") if c in DataCategory.values]
        people = [pk for pk in map(parse_id, data.getlist("people")) if pk is not None]
        selected = str(data.get("basis", ""))
    else:  # a new referral's defaults, or a draft being changed
        categories = [str(c) for c in form.initial.get("categories", form.fields["categories"].initial)]
        people = [pk for pk in map(parse_id, form.initial.get("people", [])) if pk is not None]
        selected = str(form.initial.get("basis", ""))
    return service, categories, people, selected


@login_required
def basis_options(request: HttpRequest, household_pk: int) -> HttpResponse:
    """The htmx fragment: the consents and legal bases in force, with what each one covers for the referral as
    filled in so far. It shows consents, i.e. household data: opened for reading (audited); a user who may not
    change the household is refused through the funnel (audited 404 or 403)."""
    if not households_editable_by(request.user).filter(pk=household_pk).exists():
        open_household(request.user, household_pk, write=True, request=request)
        raise PermissionDenied()  # not reached
    opened = open_household(request.user, household_pk, purpose="referral_basis", request=request)
    form = ReferralForm(people=_person_choices(opened))
    service, categories, people, selected = _current(request.GET, form, request)
    block = basis_block(opened, service=service, categories=categories, person_ids=people, selected=selected)
    return render(request, "referrals/includes/basis_options.html",
                  {"basis_block": block, "household": opened.household})


@login_required
def referral_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    opened = open_household(request.user, household_pk, write=True, request=request)
    return _referral_page(request, opened)


@login_required
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft changed before it is sent: the same page as a new referral, filled in from the draft. Anything
    else (a referral already sent, or opened by its receiver) goes back to its page."""
    opened_referral = get_referral_for(request.user, pk, write=True, request=request)
    draft = opened_referral.referral
    if draft.status != ReferralStatus.DRAFT or not opened_referral.can_act_as_sender:
        messages.info(request, _("Si può modificare solo una bozza, da chi la invia."))
        return redirect(reverse("referrals:detail", args=[draft.pk]))
    if not households_editable_by(request.user).filter(pk=draft.household_id).exists():
        # Who manages referrals without changing records (a referent) may send or cancel the draft, not rewrite it.
        messages.info(request, _("Per modificare la bozza serve poter modificare la cartella del nucleo."))
        return redirect(reverse("referrals:detail", args=[draft.pk]))
    opened = open_household(request.user, draft.household_id, write=True, request=request)
    initial = {
        "people": [str(pk) for pk in draft.people.values_list("pk", flat=True)], "service": draft.service_id,
        "reason": reveal_text(opened_referral, draft, "reason") or "", "urgency": draft.urgency,
        "categories": list(draft.categories),
        "basis": (f"consent:{draft.consent_id}" if draft.consent_id
                  else f"legal_basis:{draft.legal_basis_id}" if draft.legal_basis_id else ""),
    }
    return _referral_page(request, opened, draft=draft, initial=initial)


def _referral_page(request: HttpRequest, opened: HouseholdAccess, *, draft: Referral | None = None,
                   initial: dict[str, Any] | None = None) -> HttpResponse:
    search, found = _found(request, opened.household.organisation_id)
    consents, records = candidates(opened)
    bases = [(f"consent:{c.pk}", str(c.pk)) for c in consents] + [(f"legal_basis:{r.pk}", str(r.pk)) for r in records]
    if initial is not None and initial["basis"] not in {value for value, _label in bases}:
        initial["basis"] = ""  # no longer in force: the automatic choice
    form = ReferralForm(request.POST or None, people=_person_choices(opened), bases=bases, initial=initial)
    if request.method == "POST" and form.is_valid():
        referral = _save(request, form, opened, consents, records, draft=draft)
        if referral is not None:
            return redirect(reverse("referrals:detail", args=[referral.pk]))
    selected = parse_id(form["service"].value())
    if selected is not None and not any(s.pk == selected for s in found):
        found = list(services_visible_to(request.user).filter(pk=selected).select_related("organisation")) + found
    service, categories, people, chosen = _current(request.POST if request.method == "POST" else None, form, request)
    block = basis_block(opened, service=service, categories=categories, person_ids=people, selected=chosen)
    context: dict[str, Any] = {
        "household": opened.household, "form": form, "search": search, "services": found,
        "searched": bool(request.GET.get("q") or request.GET.get("need")), "selected": str(selected),
        "query": request.GET.urlencode(), "basis_block": block, "draft": draft,
    }
    return render(request, "referrals/new.html", context, status=400 if request.method == "POST" else 200)


def _save(request: HttpRequest, form: ReferralForm, opened: HouseholdAccess, consents: list[Consent],
          records: list[LegalBasisRecord], *, draft: Referral | None = None) -> Any:
    data = form.cleaned_data
    earlier = _earlier(request, data, opened, draft)
    if earlier is not None:  # the same page submitted again: show what the first submission made
        if request.POST.get("action") == "send" and earlier.status == ReferralStatus.DRAFT:
            # Saved as a draft from this page, now sent from it: send what was saved.
            return _send_saved(request, form, earlier)
        return _already_saved(request, earlier)
    service = services_visible_to(request.user).filter(pk=data["service"]).first()
    if service is None:
        form.add_error("service", _("Cerca e scegli un servizio."))
        return None
    people = list(people_of(opened).filter(pk__in=[int(pk) for pk in data["people"]]))
    chosen = form.chosen_basis()
    consent = next((c for c in consents if chosen == ("consent", c.pk)), None)
    legal_basis = next((r for r in records if chosen == ("legal_basis", r.pk)), None)
    send = request.POST.get("action") == "send"
    fields = {"by": user_of(request), "people": people, "service": service, "reason": data["reason"],
              "categories": data["categories"], "urgency": data["urgency"], "consent": consent,
              "legal_basis": legal_basis}
    try:
        with transaction.atomic():
            if draft is not None:
                referral = services.referral_draft_update(referral=draft, **fields)
            else:
                referral = services.referral_create(household=opened.household, submission=data["submission"],
                                                    **fields)
            if send:
                services.referral_send(referral=referral, by=user_of(request))
    except ApplicationError as error:
        earlier = _earlier(request, data, opened, draft) if error.code == "repeated" else None
        if earlier is not None:  # submitted twice at once: the other submission made it
            return _already_saved(request, earlier)
        apply_error(form, error)
        return None
    messages.success(request, _("Segnalazione inviata.") if send else _("Bozza salvata."))
    return referral


def _earlier(request: HttpRequest, data: dict[str, Any], opened: HouseholdAccess,
             draft: Referral | None) -> Referral | None:
    """The referral an earlier submission of this page made (a new referral's page only)."""
    if draft is not None:
        return None
    return services.submitted_referral(submission=data["submission"], by=user_of(request),
                                       household=opened.household)


def _already_saved(request: HttpRequest, earlier: Referral) -> Referral:
    messages.info(request, _("Questa segnalazione era già stata salvata: eccola."))
    return earlier


def _send_saved(request: HttpRequest, form: ReferralForm, saved: Referral) -> Referral | None:
    sent = run_service(form, lambda: services.referral_send(referral=saved, by=user_of(request)))
    if sent is not None:
        messages.success(request, _("Segnalazione inviata."))
    return sent
