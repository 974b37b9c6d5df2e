"""People and roles: platform administrators create accounts and grant or end memberships."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts import services
from trama.accounts.access import has_perm
from trama.accounts.forms import MembershipGrantForm, UserCreateForm
from trama.accounts.models import Membership, User
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.http import search_text


def _require_manager(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.ACCOUNTS_MANAGE):
        audit.record(action="access.denied", object_type="accounts.user", request=request,
                     details={"path": request.path[:200]})
        raise Http404


def _get_user(request: HttpRequest, pk: int) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    query = search_text(request)
    today = timezone.localdate()
    current = (
        Membership.objects.active(today).select_related("organisation", "network").order_by("organisation__name")
    )
    users = User.objects.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current")).order_by(
        "full_name", "email"
    )
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query)
                             | Q(memberships__organisation__name__icontains=query)).distinct()
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/people_list.html", {"page": page, "q": query, "query": urlencode({"q": query})})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(email=form.cleaned_data["email"], full_name=form.cleaned_data["full_name"],
                                        by=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Account creato. La persona sceglierà la password con «Password dimenticata?».")
            )
            return redirect("accounts:person_detail", pk=user.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    person = _get_user(request, pk)
    form = MembershipGrantForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_grant(user=person, organisation=data["organisation"], role=data["role"],
                                      valid_from=data["valid_from"], valid_until=data["valid_until"],
                                      network=data["network"], by=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Ruolo assegnato."))
            return redirect("accounts:person_detail", pk=person.pk)
    memberships = person.memberships.select_related("organisation", "network").order_by("-valid_from")
    return render(request, "accounts/person_detail.html", {
        "person": person, "memberships": memberships, "form": form, "today": timezone.localdate(),
    })


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    membership = Membership.objects.select_related("user", "organisation").filter(pk=pk).first()
    if membership is None:
        raise Http404
    # Revoke now: a membership counts its last day as active, so it ends yesterday. A role that has not started
    # yet ends on its first day, the earliest the dates allow.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    try:
        services.membership_end(membership=membership, on=max(yesterday, membership.valid_from),
                                by=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ruolo terminato."))
    return redirect("accounts:person_detail", pk=membership.user_id)
