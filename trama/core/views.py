from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from trama.accounts.access import has_perm, networks_for, organisations_for, roles_of
from trama.accounts.roles import Perm, Role
from trama.core import audit
from trama.core.middleware import SESSION_KEY
from trama.core.models import AuditEvent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role_labels = dict(Role.choices)
    roles = sorted(str(role_labels.get(r, r)) for r in roles_of(request.user))
    # City and municipal networks on the home page; neighbourhood networks are reached from their parent's page.
    visible = networks_for(request.user)
    networks = (
        visible.exclude(level="neighbourhood")
        .annotate(children_count=Count("children", filter=Q(children__in=visible)))
        .order_by("level", "name")
    )
    if not networks:
        networks = visible.annotate(children_count=Count("children")).order_by("name")
    return render(request, "core/home.html", {"roles": roles, "networks": networks[:40]})


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about_data.html")


@login_required
@require_POST
def acting_for(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("organisation", "")
    organisation = organisations_for(request.user).filter(pk=raw).first() if raw.isdigit() else None
    if organisation is None:
        raise Http404
    request.session[SESSION_KEY] = organisation.pk
    audit.record(action="auth.acting_for", obj=organisation, request=request, acting_for=organisation)
    return redirect(request.POST.get("next") or request.META.get("HTTP_REFERER") or "core:home")


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Azione"), required=False, max_length=80)
    actor = forms.CharField(label=_("Utente (e-mail)"), required=False, max_length=254)
    object_type = forms.CharField(label=_("Tipo di oggetto"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Id oggetto"), required=False, max_length=64)
    date_from = forms.DateField(label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError(_("La data finale precede quella iniziale."))
        return data


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.AUDIT_VIEW):
        audit.record(action="access.denied", object_type="core.auditevent", request=request)
        raise Http404
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("acting_for").order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["actor"]:
            events = events.filter(actor_email__icontains=data["actor"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    audit.record(action="audit.view", object_type="core.auditevent", request=request,
                 details={"filters": {k: v for k, v in request.GET.items() if k != "page"}})
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
