"""TOTP two-factor authentication, required for roles that can see social records when configured."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trama.core.models import AuditEvent
from trama.core.testing import Personas

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_sends_record_roles_to_two_factor_when_required(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client.force_login(personas.proximity)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_it_does_not_ask_other_roles(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client.force_login(personas.volunteer)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("core:about_data")).status_code == 200


def test_it_does_not_ask_when_disabled(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = False
    client.force_login(personas.proximity)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_it_enrols_a_device_then_lets_the_user_in(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client.force_login(personas.proximity)
    page = client.get(reverse("accounts:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas.proximity, confirmed=False)
    bad = client.post(reverse("accounts:two_factor"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "Codice non valido" in bad.content.decode()
    response = client.post(reverse("accounts:two_factor"), {"token": _code(device), "next": "/account/profile/"})
    assert response.status_code == 302
    assert response.url == "/account/profile/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.2fa_enrolled", actor=personas.proximity).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_it_verifies_an_enrolled_device_at_each_login(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    device = TOTPDevice.objects.create(user=personas.social_worker, name="phone", confirmed=True)
    client.force_login(personas.social_worker)
    assert client.get(reverse("accounts:profile")).status_code == 200  # /account/ is exempt
    assert client.get(reverse("dashboard:home")).status_code == 302
    response = client.post(reverse("accounts:two_factor"), {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.2fa_verified").exists()


def test_it_refuses_an_external_next_url(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    device = TOTPDevice.objects.create(user=personas.social_worker, name="phone", confirmed=True)
    client.force_login(personas.social_worker)
    response = client.post(reverse("accounts:two_factor"), {"token": _code(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_it_lets_a_user_without_the_factor_open_the_public_pages(client: Client, personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client.force_login(personas.proximity)
    assert client.get(reverse("portal:search")).status_code == 200
    assert client.get("/api/hsds/").status_code == 200
    assert client.get(reverse("dashboard:home")).status_code == 302
