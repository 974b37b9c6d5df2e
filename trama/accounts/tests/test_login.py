"""Login by e-mail, logout, throttling, password reset, idle timeout."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str = PASSWORD) -> object:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_it_logs_in_by_email_and_audits(client: Client, personas: Personas) -> None:
    response = _login(client, "PROXIMITY@test.trama.invalid")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="auth.login", actor=personas.proximity).exists()


def test_it_explains_a_wrong_password_in_italian(client: Client, personas: Personas) -> None:
    response = _login(client, personas.proximity.email, "wrong-password")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "E-mail o password non corretti" in response.content.decode()  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_it_locks_out_after_repeated_failures(client: Client, personas: Personas, settings: object) -> None:
    for _ in range(5):
        _login(client, personas.proximity.email, "wrong-password")
    response = _login(client, personas.proximity.email)  # right password, but locked
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "bloccato" in response.content.decode()  # type: ignore[attr-defined]


def test_it_logs_out_with_post(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_it_sends_a_password_reset_link(client: Client, personas: Personas) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": personas.proximity.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/reset/" in mail.outbox[0].body


def test_it_resets_the_password_through_the_link(client: Client, personas: Personas) -> None:
    client.post(reverse("accounts:password_reset"), {"email": personas.proximity.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path).url  # Django redirects to the set-password URL
    new = "Nuova-Password-Lunga-9"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert _login(Client(), personas.proximity.email, "Nuova-Password-Lunga-9").status_code == 302  # type: ignore[attr-defined]


def test_it_logs_out_idle_sessions(client: Client, personas: Personas, settings: object) -> None:
    client.force_login(personas.proximity)
    assert client.get(reverse("accounts:profile")).status_code == 200
    session = client.session
    session["trama_last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "timeout=1" in response.url
    assert AuditEvent.objects.filter(action="auth.idle_logout").exists()


def test_it_writes_the_last_seen_time_at_most_once_a_minute(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    assert client.get(reverse("accounts:profile")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:profile")).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    session = client.session
    session["trama_last_seen"] = int(time.time()) - 61
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert int(time.time()) - client.session["trama_last_seen"] < 5


def test_a_short_timeout_keeps_the_last_seen_time_finer(client: Client, personas: Personas, settings: object) -> None:
    settings.TRAMA_IDLE_TIMEOUT_MINUTES = 1  # type: ignore[attr-defined]
    client.force_login(personas.proximity)
    session = client.session
    session["trama_last_seen"] = int(time.time()) - 10  # a tenth of the minute has passed
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert int(time.time()) - client.session["trama_last_seen"] < 5


def test_it_shows_the_profile_with_roles(client: Client, personas: Personas) -> None:
    client.force_login(personas.referent)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert "Referente di rete" in content
    assert "Cooperativa Alfa" in content


def test_it_keeps_a_typing_session_alive(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    session = client.session
    session["trama_last_seen"] = int(time.time()) - 25 * 60
    session.save()
    assert client.get(reverse("accounts:keepalive")).status_code == 204
    assert int(time.time()) - client.session["trama_last_seen"] < 5
    assert 'data-keepalive-url="/account/keepalive/"' in client.get(reverse("accounts:profile")).content.decode()
