"""Translations of a service's texts into the portal's languages (empty = the Italian text is shown)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trama.directory import access, services
from trama.directory.forms import TranslationsForm
from trama.directory.views._helpers import run_service, service_url, user_of


@login_required
def service_translations(request: HttpRequest, pk: int) -> HttpResponse:
    service = access.get_service_for(request.user, pk, write=True, request=request)
    form = TranslationsForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        translations = form.translations(service.translations or {})
        done = run_service(form, lambda: services.service_update(service=service, by=user_of(request),
                                                                 translations=translations))
        if done is not None:
            messages.success(request, _("Traduzioni salvate."))
            return redirect("directory:service_detail", service.pk)
    return render(request, "directory/translations_form.html", {
        "form": form, "service": service, "languages": form.languages(),
        "title": _("Traduzioni · %(name)s") % {"name": service.name}, "cancel_href": service_url(service.pk),
    })
