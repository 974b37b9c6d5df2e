from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from trama.accounts import services
from trama.accounts.access import active_memberships, requires_two_factor
from trama.accounts.forms import EmailAuthenticationForm, TokenForm
from trama.core import audit
from trama.core.errors import ApplicationError
from trama.core.http import safe_next


class TramaLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        audit.record(action="auth.login", actor=user, request=self.request)
        # A browser where no language was chosen yet starts in the one the person chose (if they ever did); one
        # where a language was chosen (on this login page, say) keeps it.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and user.language in settings.STAFF_LANGUAGES:
            _set_language_cookie(response, user.language)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        audit.record(action="auth.login_failed", request=self.request,
                     details={"email": (form.data.get("username") or "")[:254]})
        return super().form_invalid(form)


class TramaLogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit.record(action="auth.logout", request=request)
        return super().post(request, *args, **kwargs)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie Django's language switch sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE)


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch (Django's). The staff pages' switch (it sends `remember`) also keeps a signed-in
    person's choice for their next logins; the public portal's does not: an operator showing the portal to a family
    in English keeps their own language."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if (request.user.is_authenticated and request.POST.get("remember") == "1"
            and language in settings.STAFF_LANGUAGES
            and settings.LANGUAGE_COOKIE_NAME in response.cookies):
        services.user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    return response


@login_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """Pinged by trama.js while the user types into a form; the idle timer restarts on any request."""
    return HttpResponse(status=204)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships(request.user).order_by("organisation__name", "role")
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "accounts/profile.html", {
        "memberships": memberships, "has_device": has_device,
        "needs_2fa": requires_two_factor(request.user),
    })


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device (first time) or verify a code (every login) for roles that need a second factor."""
    user = request.user
    enrolled = user_has_device(user, confirmed=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enrolled:
            for device in TOTPDevice.objects.filter(user=user, confirmed=True):
                if device.verify_token(token):
                    otp_login(request, device)
                    audit.record(action="auth.2fa_verified", request=request)
                    return redirect(safe_next(request, "/"))
            audit.record(action="auth.2fa_failed", request=request)
            form.add_error("token", _("Codice non valido."))
        else:
            try:
                device = services.totp_confirm(user=user, token=token)  # type: ignore[arg-type]
            except ApplicationError as exc:
                form.add_error("token", exc.message)
            else:
                otp_login(request, device)
                messages.success(request, _("Autenticazione a due fattori attivata."))
                return redirect(safe_next(request, "/"))
    context: dict[str, Any] = {"form": form, "enrolled": enrolled, "next": safe_next(request, "/")}
    if not enrolled:
        device = services.totp_device_pending(user=user)  # type: ignore[arg-type]
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)
