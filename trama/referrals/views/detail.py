"""One referral: status, parties, members, reason, timeline, thread, and the small POST forms of its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.core.pages import run_service, user_of
from trama.records.access import households_editable_by, households_visible_to, open_household, people_of
from trama.records.categories import DataCategory
from trama.referrals import services
from trama.referrals.access import OpenedReferral, get_referral_for, messages_of, reveal_text
from trama.referrals.forms import CompleteForm, DeclineForm, MessageForm
from trama.referrals.models import Referral, ReferralStatus


def _members(request: HttpRequest, opened: OpenedReferral) -> tuple[list[str] | None, int, bool]:
    """The referred members' names when the viewer's household entitlement covers identity, else None; their
    count; whether the viewer may open the household (opened through the records funnel only then)."""
    referral = opened.referral
    count = referral.people.count()
    if not households_visible_to(request.user, among=[referral.household_id]).exists():
        return None, count, False
    household = open_household(request.user, referral.household_id, request=request)
    if DataCategory.IDENTITY not in household.categories:
        return None, count, True
    people = people_of(household).filter(pk__in=referral.people.values("pk")).order_by("pk")
    names = [f"{p.first_name_or_alias} {p.surname}".strip() for p in people if household.shows_name_of(p.pk)]
    return names, count, True


def _render(request: HttpRequest, opened: OpenedReferral, *, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    referral = opened.referral
    names, count, household_visible = _members(request, opened)
    thread = [(m, reveal_text(opened, m, "text")) for m in messages_of(opened)]
    context: dict[str, Any] = {
        "opened": opened, "referral": referral, "names": names, "people_count": count,
        "household_visible": household_visible,
        "reason": reveal_text(opened, referral, "reason"),
        "decline_note": reveal_text(opened, referral, "decline_note"),
        "outcome_note": reveal_text(opened, referral, "outcome_note"),
        "events": referral.events.select_related("by", "organisation").order_by("at", "pk"),
        "thread": thread, "actions": opened.actions(),
        # The draft is rewritten on the referral page, which opens the household for change.
        "can_edit_draft": (referral.status == ReferralStatus.DRAFT and opened.can_act_as_sender
                           and households_editable_by(request.user).filter(pk=referral.household_id).exists()),
        "decline_form": forms_.get("decline_form") or DeclineForm(),
        "complete_form": forms_.get("complete_form") or CompleteForm(),
        "message_form": forms_.get("message_form") or MessageForm(),
        "action_form": forms_.get("action_form") or forms.Form(),
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_referral_for(request.user, pk, request=request))


def _done(request: HttpRequest, referral: Referral, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("referrals:detail", args=[referral.pk]))


def _simple(request: HttpRequest, pk: int, call: Callable[[Referral], Any], text: str) -> HttpResponse:
    opened = get_referral_for(request.user, pk, write=True, request=request)
    form = forms.Form(request.POST)
    if run_service(form, lambda: call(opened.referral)) is not None:
        return _done(request, opened.referral, text)
    return _render(request, opened, status=400, action_form=form)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(request, pk, lambda r: services.referral_accept(referral=r, by=user_of(request)),
                   _("Segnalazione accettata."))


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(request, pk, lambda r: services.referral_start(referral=r, by=user_of(request)),
                   _("Presa in carico avviata."))


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(request, pk, lambda r: services.referral_cancel(referral=r, by=user_of(request)),
                   _("Segnalazione annullata."))


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(request, pk, lambda r: services.referral_send(referral=r, by=user_of(request)),
                   _("Segnalazione inviata."))


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    opened = get_referral_for(request.user, pk, write=True, request=request)
    form = DeclineForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.referral_decline(
            referral=opened.referral, by=user_of(request), reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"])) is not None:
        return _done(request, opened.referral, _("Segnalazione rifiutata."))
    return _render(request, opened, status=400, decline_form=form)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    opened = get_referral_for(request.user, pk, write=True, request=request)
    form = CompleteForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.referral_complete(
            referral=opened.referral, by=user_of(request), outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"])) is not None:
        return _done(request, opened.referral, _("Segnalazione conclusa."))
    return _render(request, opened, status=400, complete_form=form)


@login_required
@require_POST
def message_add(request: HttpRequest, pk: int) -> HttpResponse:
    opened = get_referral_for(request.user, pk, write=True, request=request)
    referral = opened.referral
    form = MessageForm(request.POST)
    organisation = referral.from_organisation if opened.can_act_as_sender else referral.to_organisation
    if form.is_valid() and run_service(form, lambda: services.referral_message_add(
            referral=referral, by=user_of(request), organisation=organisation,
            text=form.cleaned_data["text"], submission=form.cleaned_data["submission"])) is not None:
        return _done(request, referral, _("Messaggio inviato."))
    if any(error.code == "repeated" for error in form.non_field_errors().as_data()):
        return _done(request, referral, _("Messaggio inviato."))  # submitted twice at once: the other one wrote it
    return _render(request, opened, status=400, message_form=form)
