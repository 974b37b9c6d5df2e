"""Case transfers: the holding organisation asks another organisation of its networks to take the household over;
the receiving organisation accepts or declines; the sender may cancel while it waits.

Who may open what:
- `transfer_new` / `transfer_organisations`: a user who may change the household (records funnel, write) and holds
  `referrals.manage` in the holding organisation; 404 to who cannot see the household, 403 otherwise (audited).
- `transfer_detail`: the two parties (`referrals.manage` or `records.view` in the sending or the receiving
  organisation), through `get_transfer_for`; 404 to everyone else (audited).
- `transfer_accept` / `transfer_decline` / `transfer_cancel` (POST): `referrals.manage` in one of the two
  organisations (403 to read-only parties, 404 to others); which side may do what is the services' rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.http import search_text
from trama.core.pages import run_service, user_of
from trama.network.models import Organisation
from trama.records.access import HouseholdAccess, could_edit_as_owner, households_editable_by, open_household
from trama.records.models import Household
from trama.referrals import services
from trama.referrals.access import get_transfer_for, reach_of, reveal_transfer_text
from trama.referrals.forms import TransferAnswerForm, TransferForm
from trama.referrals.models import CaseTransfer, TransferStatus

MAX_ORGANISATIONS = 200


# --- Asking for a transfer -------------------------------------------------------------------------------


def candidate_organisations(household: Household, query: str = "") -> QuerySet[Organisation]:
    """Active organisations that are, today, members of a network the holding organisation acts for (its networks
    and those below them), other than itself; filtered by name when `query` is given."""
    day = timezone.localdate()
    networks = accounts_access.descendant_network_ids(
        accounts_access.member_network_ids({household.organisation_id}, on=day))
    organisations = (Organisation.objects
                     .filter(is_active=True, network_memberships__network_id__in=networks)
                     .filter(Q(network_memberships__since__isnull=True) | Q(network_memberships__since__lte=day))
                     .filter(Q(network_memberships__until__isnull=True) | Q(network_memberships__until__gte=day))
                     .exclude(pk=household.organisation_id).distinct().order_by("name"))
    if query:
        organisations = organisations.filter(name__icontains=query)
    return organisations


def _open_for_transfer(request: HttpRequest, household_pk: int, *, audit_opening: bool = True) -> Household:
    """The household, if the user may ask for its transfer. With `audit_opening=False` (the htmx fragment, which
    shows nothing of the household) an allowed user is not audited at every keystroke; a denial always is."""
    if audit_opening or not households_editable_by(request.user).filter(pk=household_pk).exists():
        opened: HouseholdAccess = open_household(request.user, household_pk, write=True, purpose="transfer",
                                                 request=request)
        household = opened.household
    else:
        household = Household.objects.select_related("organisation").get(pk=household_pk)
    if not accounts_access.has_perm(request.user, Perm.REFERRALS_MANAGE, organisation=household.organisation):
        audit.record(action="access.denied", actor=user_of(request), object_type="records.household",
                     object_id=str(household.pk), request=request,
                     details={"write": True, "status": 403, "transfer": True})
        raise PermissionDenied()
    return household


@login_required
def transfer_organisations(request: HttpRequest, household_pk: int) -> HttpResponse:
    """The htmx fragment: the organisation select, filtered by name."""
    household = _open_for_transfer(request, household_pk, audit_opening=False)
    query = search_text(request)
    form = TransferForm(initial={"to_organisation": request.GET.get("to_organisation") or None},
                        organisations=candidate_organisations(household, query)[:MAX_ORGANISATIONS])
    return render(request, "referrals/includes/transfer_organisations.html", {"form": form, "query": query})


@login_required
def transfer_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _open_for_transfer(request, household_pk)
    query = search_text(request)
    candidates = candidate_organisations(household)
    if request.method == "POST":
        form = TransferForm(request.POST, organisations=candidates)
    else:
        form = TransferForm(organisations=candidate_organisations(household, query)[:MAX_ORGANISATIONS])
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        transfer = run_service(form, lambda: services.case_transfer_request(
            household=household, by=user_of(request), to_organisation=data["to_organisation"],
            reason=data["reason"]))
        if transfer is not None:
            messages.success(request, _("Richiesta di passaggio inviata a %(org)s.")
                             % {"org": transfer.to_organisation.name})
            return redirect("referrals:transfer_detail", transfer.pk)
    pending = CaseTransfer.objects.filter(household=household, status=TransferStatus.REQUESTED).first()
    return render(request, "referrals/transfer_new.html", {
        "household": household, "form": form, "query": query, "pending": pending,
        "has_candidates": candidates.exists(),
    }, status=400 if request.method == "POST" else 200)


# --- One transfer ----------------------------------------------------------------------------------------


def _render(request: HttpRequest, transfer: CaseTransfer, *, status: int = 200, **forms_: Any) -> HttpResponse:
    managers = reach_of(request.user, (Perm.REFERRALS_MANAGE,))  # as the services decide
    waiting = transfer.status == TransferStatus.REQUESTED
    receiver = transfer.to_organisation_id in managers.receiving
    sender = managers.reaches(transfer.from_organisation_id, transfer.household)
    return render(request, "referrals/transfer_detail.html", {
        "transfer": transfer, "reason": reveal_transfer_text(request.user, transfer, "reason"),
        "response_note": reveal_transfer_text(request.user, transfer, "response_note"),
        "can_answer": waiting and receiver, "can_cancel": waiting and sender,
        # Accepting also needs records.edit there for the household's area (case_transfer_accept): a referent
        # who could not then work on the case may only decline.
        "can_accept": waiting and receiver and could_edit_as_owner(request.user, transfer.household,
                                                                  transfer.to_organisation_id),
        "is_sender": sender, "is_receiver": receiver,
        "answer_form": forms_.get("answer_form") or TransferAnswerForm(),
        "action_errors": forms_.get("action_errors") or [],
    }, status=status)


@login_required
def transfer_detail(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _render(request, get_transfer_for(request.user, transfer_pk, request=request))


def _answer(request: HttpRequest, transfer_pk: int, verb: str) -> HttpResponse:
    transfer = get_transfer_for(request.user, transfer_pk, write=True, request=request)
    form = TransferAnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, transfer, status=400, answer_form=form)
    note = form.cleaned_data["note"]
    by = user_of(request)
    if verb == "accept":
        done = run_service(form, lambda: services.case_transfer_accept(transfer=transfer, by=by, note=note))
        text = _("Presa in carico accettata: il nucleo ora è della tua organizzazione.")
    elif verb == "decline":
        done = run_service(form, lambda: services.case_transfer_decline(transfer=transfer, by=by, note=note))
        text = _("Passaggio rifiutato.")
    else:
        done = run_service(form, lambda: services.case_transfer_cancel(transfer=transfer, by=by))
        text = _("Richiesta di passaggio annullata.")
    if done is None:
        transfer.refresh_from_db()
        return _render(request, transfer, status=400, answer_form=form,
                       action_errors=list(form.non_field_errors()))
    messages.success(request, text)
    if verb == "accept":
        return redirect("records:household_detail", transfer.household_id)
    return redirect(reverse("referrals:transfer_detail", args=[transfer.pk]))


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "accept")


@login_required
@require_POST
def transfer_decline(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "decline")


@login_required
@require_POST
def transfer_cancel(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "cancel")
