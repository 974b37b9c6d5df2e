from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about_data.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler: families following an old link to the public portal get the portal's page, in their
    language and direction, with a way back to the search; staff get the staff page."""
    from trama.core.middleware import PORTAL_PREFIX

    portal = request.path.startswith(PORTAL_PREFIX)
    return render(request, "portal/404.html" if portal else "404.html", status=404)
