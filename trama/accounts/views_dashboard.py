from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from trama.accounts.access import has_perm, networks_for, organisations_for, roles_of
from trama.accounts.forms import AuditFilterForm
from trama.accounts.middleware import ACTING_FOR_SESSION_KEY
from trama.accounts.roles import Perm, Role
from trama.core import audit
from trama.core.http import parse_id
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
    return render(request, "accounts/home.html", {"roles": roles, "networks": networks[:40]})


@login_required
@require_POST
def acting_for(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("organisation", "")
    key = parse_id(raw)
    organisation = organisations_for(request.user).filter(pk=key).first() if key is not None else None
    if organisation is None:
        audit.record(action="access.denied", object_type="network.organisation", object_id=raw[:64],
                     request=request, details={"what": "acting_for"})
        raise Http404
    request.session[ACTING_FOR_SESSION_KEY] = organisation.pk
    audit.record(action="auth.acting_for", obj=organisation, request=request, acting_for=organisation)
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "dashboard:home"
    return redirect(target)


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
        # Ranges on the column itself (not on its date) so the index on `at` is usable.
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
        if data["date_to"]:
            next_day = data["date_to"] + dt.timedelta(days=1)
            events = events.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    audit.record(action="audit.view", object_type="core.auditevent", request=request,
                 details={"filters": {k: v[:100] for k, v in request.GET.items() if k != "page"}})
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
