"""Idle session timeout and the two-factor requirement for roles that see social records."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from trama.accounts.access import acting_organisations, requires_two_factor, start_request_cache
from trama.core.middleware import PUBLIC_PREFIXES, is_staff_api

_LAST_SEEN = "trama_last_seen"
# The last-seen time is written at most once a minute: writing it on every request cost a session UPDATE per page
# (a write transaction, serialised on SQLite) for a clock that counts in minutes. A session may therefore be
# closed up to a minute (a tenth of a shorter timeout) before its idle time is fully spent, never after.
TOUCH_EVERY_SECONDS = 60
ACTING_FOR_SESSION_KEY = "trama_acting_for"


def _api_error(status: int, detail: str) -> HttpResponse:
    """The staff JSON API's error body (trama/records/api/common.py), for answers given before it runs."""
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


def _acting_for(request: HttpRequest) -> object:
    if not request.user.is_authenticated:
        return None
    organisations = acting_organisations(request.user)
    chosen = request.session.get(ACTING_FOR_SESSION_KEY)
    if chosen is not None:
        for organisation in organisations:
            if organisation.pk == chosen:
                return organisation
    return organisations[0] if organisations else None


class AccessMiddleware:
    """Per request: memoise the access policy's answers for this user, and resolve the organisation the user
    is acting for (chosen in the header, kept in the session) as `request.acting_for`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start_request_cache(request.user)
        request.acting_for = SimpleLazyObject(lambda: _acting_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Logs out a session that saw no request for TRAMA_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_LAST_SEEN)
            limit = settings.TRAMA_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                from trama.core import audit

                audit.record(action="auth.idle_logout", actor=request.user, request=request)  # type: ignore[arg-type]
                logout(request)
                if is_staff_api(request.path):
                    return _api_error(401, _("La sessione è scaduta per inattività: accedi di nuovo."))
                query = urlencode({"next": request.get_full_path(), "timeout": "1"})
                return redirect(f"{reverse('accounts:login')}?{query}")
            if last is None or now - int(last) >= min(TOUCH_EVERY_SECONDS, limit // 10):
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Sends a user whose roles can see social records to enrol/verify TOTP before anything else."""

    # Only what is needed to log in, verify, recover a password or leave; everything else needs the factor.
    EXEMPT_PREFIXES = (
        "/account/login/", "/account/logout/", "/account/two-factor/", "/account/password-reset/",
        "/account/reset/", "/account/profile/", "/static/", "/about/", "/i18n/", *PUBLIC_PREFIXES,
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.TRAMA_2FA_REQUIRED
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and requires_two_factor(user)
        ):
            if is_staff_api(request.path):
                return _api_error(403, _("Serve la verifica in due passaggi: completala dalle pagine di Trama."))
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
