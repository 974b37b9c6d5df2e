"""Which organisation the user is acting for in this request (chosen in the header, kept in the session)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "trama_acting_for"


def _acting_for(request: HttpRequest) -> object:
    from trama.accounts.access import organisations_for

    if not request.user.is_authenticated:
        return None
    organisations = organisations_for(request.user).order_by("name")
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        organisation = organisations.filter(pk=chosen).first()
        if organisation is not None:
            return organisation
    return organisations.first()


class ActingOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_for = SimpleLazyObject(lambda: _acting_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
