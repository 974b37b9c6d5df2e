"""Pages of the networks: list, network page (tree, members, bodies, map), create/edit, memberships."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts.access import can_configure_networks, can_manage_governance
from trama.core.errors import ApplicationError
from trama.core.pages import paginate, run_service, user_of
from trama.network import services
from trama.network.access import (
    get_network_for,
    get_network_membership_for,
    networks_visible_to,
    require_perm,
    visible_network_ids,
)
from trama.network.forms import EndForm, MembershipForm, NetworkFilterForm, NetworkForm
from trama.network.models import NetworkRole, OrganisationAddress
from trama.network.selectors import active_memberships, map_geometry, map_points, network_tree


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    form = NetworkFilterForm(request.GET or None)
    today = timezone.localdate()
    active_member = (Q(memberships__since__isnull=True) | Q(memberships__since__lte=today)) & (
        Q(memberships__until__isnull=True) | Q(memberships__until__gte=today)
    )
    networks = (
        networks_visible_to(request.user)
        .select_related("parent", "area", "programme")
        .defer("area__geometry", "area__geometry_simplified")
        .annotate(
            member_count=Count("memberships", filter=active_member, distinct=True),
            body_count=Count("bodies", filter=Q(bodies__is_active=True), distinct=True),
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            networks = networks.filter(name__icontains=data["q"])
        if data["level"]:
            networks = networks.filter(level=data["level"])
        if data["programme"]:
            networks = networks.filter(programme=data["programme"])
    page, query = paginate(request, networks.order_by("level", "name"))
    return render(
        request,
        "network/network_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_configure": can_configure_networks(request.user),
        },
    )


@login_required
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, request=request)
    memberships = list(active_memberships(network))
    role_labels = dict(NetworkRole.choices)
    groups = [
        (role_labels.get(role, role), list(items))
        for role, items in groupby(memberships, key=lambda m: m.role)
    ]
    addresses = OrganisationAddress.objects.filter(
        organisation_id__in=[m.organisation_id for m in memberships]
    )
    return render(
        request,
        "network/network_detail.html",
        {
            "network": network,
            "tree": network_tree(network, visible_network_ids(request.user)),
            "groups": groups,
            "member_count": len(memberships),
            "bodies": network.bodies.order_by("-is_active", "kind", "name"),
            "map_data": {
                "area": map_geometry(network.area),
                "points": map_points(addresses),
            },
            "can_configure": can_configure_networks(request.user),
            "can_govern": can_manage_governance(request.user, network),
        },
    )


@login_required
def network_create(request: HttpRequest) -> HttpResponse:
    require_perm(
        request.user, can_configure_networks(request.user), object_type="network.network", request=request
    )
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = run_service(form, lambda: services.network_create(by=user_of(request), **data))
        if network is not None:
            messages.success(request, _("Rete creata."))
            return redirect("network:network_detail", network.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova rete"),
            "cancel_href": reverse("network:network_list"),
        },
    )


@login_required
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, write=True, request=request)
    form = NetworkForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = run_service(
            form, lambda: services.network_update(network=network, by=user_of(request), **data)
        )
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("network:network_detail", network.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Modifica %(name)s") % {"name": network},
            "cancel_href": reverse("network:network_detail", args=[network.slug]),
        },
    )


@login_required
def membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, write=True, request=request)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        membership = run_service(
            form, lambda: services.network_membership_add(network=network, by=user_of(request), **data)
        )
        if membership is not None:
            messages.success(request, _("%(org)s aggiunta alla rete.") % {"org": membership.organisation})
            return redirect("network:network_detail", network.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova adesione a %(name)s") % {"name": network},
            "cancel_href": reverse("network:network_detail", args=[network.slug]),
        },
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, write=True, request=request)
    membership = get_network_membership_for(request.user, network, pk, request=request)
    form = EndForm(request.POST)
    until = form.cleaned_data["until"] if form.is_valid() else None
    try:
        services.network_membership_end(membership=membership, by=user_of(request), until=until)
        messages.success(request, _("Adesione terminata."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("network:network_detail", network.slug)
