"""Makes the current request known to audit.record, so services need not pass it along."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from trama.core.audit import current_request


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
