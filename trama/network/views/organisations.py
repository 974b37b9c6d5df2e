"""Pages of the organisations directory: list, profile, create/edit, addresses, people, ATS components."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts.access import can_edit_organisation, has_perm
from trama.accounts.roles import Perm
from trama.core.errors import ApplicationError
from trama.core.pages import paginate, run_service, user_of
from trama.network import services
from trama.network.access import (
    can_create_organisations,
    get_address_for,
    get_ats_member_for,
    get_organisation_for,
    get_person_for,
    networks_visible_to,
    organisations_visible_to,
    require_perm,
    visible_network_ids,
)
from trama.network.forms import (
    AddressForm,
    ATSMemberForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonForm,
)
from trama.network.selectors import (
    active_on,
    areas_without_geometry,
    map_geometry,
    map_points,
    municipi_for_map,
)
from trama.territory.selectors import HEAVY


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    networks = networks_visible_to(request.user)
    form = OrganisationFilterForm(request.GET or None, networks=networks)
    organisations = organisations_visible_to(request.user).prefetch_related(
        Prefetch("municipi", queryset=areas_without_geometry().order_by("code"))
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            organisations = organisations.filter(
                Q(name__icontains=data["q"]) | Q(short_name__icontains=data["q"])
            )
        if data["kind"]:
            organisations = organisations.filter(kind=data["kind"])
        if data["municipio"]:
            organisations = organisations.filter(municipi=data["municipio"])
        if data["network"]:
            members = data["network"].memberships.filter(active_on()).values("organisation_id")
            organisations = organisations.filter(pk__in=members)
    page, query = paginate(request, organisations.order_by("name"))
    return render(
        request,
        "network/organisation_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_create": can_create_organisations(request.user),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, request=request)
    visible = visible_network_ids(request.user)
    addresses = organisation.addresses.select_related("municipio", "nil").defer(
        *(f"{area}__{column}" for area in ("municipio", "nil") for column in HEAVY)
    )
    municipi = municipi_for_map(organisation)
    memberships = (
        organisation.network_memberships.filter(active_on())
        .filter(network_id__in=visible)
        .select_related("network")
        .order_by("network__level", "network__name")
    )
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "addresses": addresses,
            "people": organisation.people.filter(is_active=True).select_related("user"),
            "memberships": memberships,
            "municipi": municipi,
            "ats_members": organisation.ats_members.filter(active_on()).select_related("organisation"),
            "ats_of": organisation.ats_participations.filter(active_on()).select_related("ats"),
            # The municipi where it works give the addresses a context, also on a map drawn without tiles.
            "map_data": {
                "area": [g for g in (map_geometry(m) for m in municipi) if g] or None,
                "points": map_points(addresses),
            },
            "can_edit": can_edit_organisation(request.user, organisation),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_perm(
        request.user,
        can_create_organisations(request.user),
        object_type="network.organisation",
        request=request,
    )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = run_service(form, lambda: services.organisation_create(by=user_of(request), **data))
        if organisation is not None:
            messages.success(request, _("Organizzazione creata."))
            return redirect("network:organisation_detail", organisation.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova organizzazione"),
            "cancel_href": reverse("network:organisation_list"),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, write=True, request=request)
    form = OrganisationForm(request.POST or None, instance=organisation,
                            can_deactivate=has_perm(request.user, Perm.ORGANISATION_EDIT_ANY))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        municipi = data.pop("municipi")
        done = run_service(
            form,
            lambda: services.organisation_update(
                organisation=organisation, by=user_of(request), municipi=municipi, **data
            ),
        )
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("network:organisation_detail", organisation.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Modifica %(name)s") % {"name": organisation},
            "object": organisation,
            "cancel_href": organisation_url(organisation.slug),
        },
    )


def organisation_url(slug: str) -> str:
    return reverse("network:organisation_detail", args=[slug])


@login_required
def address_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, write=True, request=request)
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = run_service(
            form,
            lambda: services.organisation_address_add(
                organisation=organisation,
                by=user_of(request),
                address_text=data["address_text"],
                label=data["label"],
                allow_unlocated=data["allow_unlocated"],
            ),
        )
        if address is not None:
            if address.has_point:
                messages.success(
                    request, _("Indirizzo aggiunto: %(address)s.") % {"address": address.normalised}
                )
            else:
                messages.warning(request, _("Indirizzo aggiunto senza posizione sulla mappa."))
            return redirect("network:organisation_detail", organisation.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuovo indirizzo di %(name)s") % {"name": organisation},
            "cancel_href": organisation_url(organisation.slug),
        },
    )


@login_required
@require_POST
def address_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, write=True, request=request)
    address = get_address_for(request.user, organisation, pk, request=request)
    services.organisation_address_remove(address=address, by=user_of(request))
    messages.success(request, _("Indirizzo rimosso."))
    return redirect("network:organisation_detail", organisation.slug)


@login_required
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, write=True, request=request)
    form = PersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = run_service(
            form, lambda: services.person_add(organisation=organisation, by=user_of(request), **data)
        )
        if person is not None:
            messages.success(request, _("Persona aggiunta."))
            return redirect("network:organisation_detail", organisation.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuova persona di riferimento · %(name)s") % {"name": organisation},
            "cancel_href": organisation_url(organisation.slug),
        },
    )


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug, write=True, request=request)
    person = get_person_for(request.user, organisation, pk, request=request)
    form = PersonForm(request.POST or None, instance=person, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = run_service(form, lambda: services.person_update(person=person, by=user_of(request), **data))
        if done is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("network:organisation_detail", organisation.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Modifica %(name)s") % {"name": person.full_name},
            "cancel_href": organisation_url(organisation.slug),
        },
    )


@login_required
def ats_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    ats = get_organisation_for(request.user, slug, write=True, request=request)
    if not ats.is_ats:
        messages.error(
            request,
            _("%(name)s non è un'ATS: solo un'organizzazione di tipo ATS ha dei componenti.") % {"name": ats},
        )
        return redirect("network:organisation_detail", ats.slug)
    form = ATSMemberForm(request.POST or None, ats=ats)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = run_service(form, lambda: services.ats_member_add(ats=ats, by=user_of(request), **data))
        if member is not None:
            messages.success(request, _("Componente aggiunto all'ATS."))
            return redirect("network:organisation_detail", ats.slug)
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Nuovo componente dell'ATS %(name)s") % {"name": ats},
            "cancel_href": organisation_url(ats.slug),
        },
    )


@login_required
@require_POST
def ats_member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ats = get_organisation_for(request.user, slug, write=True, request=request)
    member = get_ats_member_for(request.user, ats, pk, request=request)
    try:
        services.ats_member_end(member=member, by=user_of(request))
        messages.success(request, _("Partecipazione all'ATS terminata."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("network:organisation_detail", ats.slug)
