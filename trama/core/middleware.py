"""Request-wide middleware of core: the audit context, the language of staff pages, the Content-Security-Policy,
the staff API's error bodies."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from trama.core.audit import current_request

# Pages anyone may open without an account: the public portal and the public HSDS API.
PORTAL_PREFIX = "/aiuto/"
PUBLIC_PREFIXES = (PORTAL_PREFIX, "/api/hsds/")
# The staff JSON API (trama/api.py): middleware answers it in JSON (401/403), never with a redirect to a page.
API_PREFIX = "/api/"


def is_staff_api(path: str) -> bool:
    """A path of the staff JSON API (not the public HSDS API under the same prefix)."""
    return path.startswith(API_PREFIX) and not path.startswith(PUBLIC_PREFIXES)


class ContentSecurityPolicyMiddleware:
    """Sends `settings.TRAMA_CSP` (directive → sources) as the Content-Security-Policy of every HTML response that
    does not set its own. The header is built once, at start-up. Other responses run no script; a PDF shown in the
    browser's viewer would be refused by `object-src 'none'`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = "; ".join(" ".join([directive, *sources]) for directive, sources in settings.TRAMA_CSP.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (self.header and "Content-Security-Policy" not in response
                and response.get("Content-Type", "").startswith("text/html")):
            response["Content-Security-Policy"] = self.header
        return response


class AuditContextMiddleware:
    """Services write audit events without a request; this lets the event still say from which IP address and
    for which organisation. A context variable, so concurrent requests (threads or tasks) never mix."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class StaffLanguageMiddleware:
    """The portal speaks seven languages, staff pages two (their catalogue is Italian and English). Someone who
    chose, say, French on the portal and then opens a staff page would get a patchwork of French and Italian:
    outside the public pages a language staff pages do not have falls back to the default one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (not request.path.startswith(PUBLIC_PREFIXES)
                and translation.get_language() not in settings.STAFF_LANGUAGES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)


class StaffApiErrorBodyMiddleware:
    """Every error answer of the staff JSON API in its own shape ({"detail", "errors"}, in the request's language):
    the API's handlers write that shape, but some answers are made before or around it — an unknown address
    (Django's 404 page), a method an address does not take (405, plain text), a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE or a CSRF failure (HTML pages). A client reading JSON would otherwise get HTML."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code < 400 or not is_staff_api(request.path)
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        replaced = JsonResponse({"detail": str(_error_detail(response.status_code)), "errors": {}},
                                status=response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replaced[header] = response[header]
        return replaced


def _error_detail(status: int) -> str:
    return {
        400: _("Richiesta non valida (per esempio un corpo troppo grande)."),
        403: _("Richiesta rifiutata."),
        404: _("Indirizzo non trovato nell'API."),
        405: _("Metodo non consentito per questo indirizzo."),
    }.get(status, _("Errore imprevisto.") if status >= 500 else _("Richiesta non valida."))
