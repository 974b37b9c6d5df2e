"""Where a service is offered: add a place (an existing one, a new address geocoded, or online), edit it and
detach it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trama.accounts.models import User
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.pages import apply_error
from trama.directory import access, services
from trama.directory.forms import LocationAddForm, LocationEditForm
from trama.directory.models import Location, LocationType, Service, ServiceAtLocation
from trama.directory.views._helpers import service_url, user_of


@transaction.atomic
def _add(service: Service, by: User, data: dict[str, Any]) -> ServiceAtLocation:
    location = data.get("existing")
    if location is None:
        virtual = data["location_type"] == LocationType.VIRTUAL
        location = services.location_create(
            by=by, maintainer=service.maintainer, name=data["name"], location_type=data["location_type"],
            address_text="" if virtual else data["address_text"], url=data["url"] or "",
            confidential_address=data["confidential_address"], transportation=data["transportation"],
            allow_unlocated=data["allow_unlocated"],
        )
    return services.service_at_location_attach(service=service, location=location, by=by,
                                               description=data["description"])


@login_required
def service_location_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    # The maintainer's own places not yet linked: a short list even in a large directory.
    locations = (
        access.locations_visible_to(request.user)
        .filter(maintainer_id=service.maintainer_id)
        .exclude(service_at_locations__service=service)
        .order_by("name")
    )
    form = LocationAddForm(request.POST or None, locations=locations)
    suggestions: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            link = _add(service, user_of(request), dict(form.cleaned_data))
        except ApplicationError as error:
            apply_error(form, error)
            suggestions = list(getattr(error, "suggestions", []))
        else:
            if link.location.location_type == LocationType.PHYSICAL and not link.location.has_point:
                messages.warning(request, _("Sede aggiunta senza posizione sulla mappa."))
            else:
                messages.success(request, _("Sede aggiunta: ora indica gli orari."))
            return redirect("directory:schedule_edit", service.pk, link.pk)
    return render(request, "directory/location_form.html", {
        "form": form, "service": service, "suggestions": suggestions,
        "title": _("Aggiungi una sede · %(name)s") % {"name": service.name},
        "cancel_href": service_url(service.pk),
    })


@login_required
@require_POST
def service_location_detach(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    link = access.get_service_at_location_for(request.user, service, link_pk, request=request)
    services.service_at_location_detach(link=link, by=user_of(request))
    messages.success(request, _("Il servizio non è più offerto presso «%(name)s».") % {"name": link.location.name})
    return redirect("directory:service_detail", service.pk)


# --- Editing a place ------------------------------------------------------------------------------


def _location_initial(link: ServiceAtLocation) -> dict[str, Any]:
    location = link.location
    return {
        "name": location.name, "location_type": location.location_type, "address_text": location.address_text,
        "url": location.url, "confidential_address": location.confidential_address,
        "description": location.description, "transportation": location.transportation,
        "accessibility_notes": location.accessibility_notes, "link_description": link.description,
    }


@transaction.atomic
def _update(link: ServiceAtLocation, location: Location, by: User, data: dict[str, Any]) -> Location:
    virtual = data["location_type"] == LocationType.VIRTUAL
    location = services.location_update(
        location=location, by=by, allow_unlocated=data["allow_unlocated"], name=data["name"],
        location_type=data["location_type"], address_text="" if virtual else data["address_text"],
        url=data["url"] or "", confidential_address=data["confidential_address"],
        description=data["description"], transportation=data["transportation"],
        accessibility_notes=data["accessibility_notes"],
    )
    services.service_at_location_update(link=link, by=by, description=data["link_description"])
    return location


@login_required
def service_location_edit(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """A place's name, address (geocoded again when it changes), type, confidential flag and notes.

    The place's own record is kept by its maintaining organisation: editing a service does not give the right to
    change a place another organisation keeps (403), nor to read a confidential address one may not see."""
    service = access.get_service_for(request.user, pk, write=True, request=request)
    link = access.get_service_at_location_for(request.user, service, link_pk, request=request)
    location = access.get_location_for(request.user, link.location_id, write=True, request=request)
    if location.confidential_address and not access.can_see_confidential_address(request.user, location):
        audit.record(action="access.denied", actor=user_of(request), object_type="directory.location",
                     object_id=str(location.pk), request=request, details={"write": True, "status": 403})
        raise PermissionDenied
    form = LocationEditForm(request.POST or None, initial=_location_initial(link))
    suggestions: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            location = _update(link, location, user_of(request), dict(form.cleaned_data))
        except ApplicationError as error:
            apply_error(form, error)
            suggestions = list(getattr(error, "suggestions", []))
        else:
            if location.location_type == LocationType.PHYSICAL and not location.has_point:
                messages.warning(request, _("Sede salvata senza posizione sulla mappa."))
            else:
                messages.success(request, _("Sede aggiornata."))
            return redirect("directory:service_detail", service.pk)
    others = (ServiceAtLocation.objects.filter(location=location).exclude(service=service).count())
    return render(request, "directory/location_form.html", {
        "form": form, "service": service, "suggestions": suggestions, "location": location,
        "shared_with": others, "editing": True,
        "title": _("Modifica la sede «%(name)s»") % {"name": location.name},
        "cancel_href": service_url(service.pk),
    })
