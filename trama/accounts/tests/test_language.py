"""A person's language for the staff pages: kept when they switch it, and where a new browser starts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from trama.accounts import services
from trama.core.errors import ApplicationError
from trama.core.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _login(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})


def _switch(client: Client, language: str, next_url: str = "/", *, staff: bool = True):  # type: ignore[no-untyped-def]
    data = {"language": language, "next": next_url, **({"remember": "1"} if staff else {})}
    return client.post(reverse("set_language"), data)


def test_switching_while_signed_in_keeps_the_choice(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    assert _switch(client, "en").status_code == 302
    personas.proximity.refresh_from_db()
    assert personas.proximity.language == "en"
    assert client.cookies[COOKIE].value == "en"
    _switch(client, "it")
    personas.proximity.refresh_from_db()
    assert personas.proximity.language == "it"


def test_a_portal_only_language_or_a_bad_one_is_not_kept(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    _switch(client, "en")
    _switch(client, "ar", "/aiuto/")  # the staff pages do not speak Arabic
    _switch(client, "it", "/aiuto/", staff=False)  # the portal's switch, for a family at the desk
    _switch(client, "xx")  # refused by Django's switch: no cookie, nothing kept
    personas.proximity.refresh_from_db()
    assert personas.proximity.language == "en"


def test_switching_signed_out_changes_only_the_browser(client: Client, personas: Personas) -> None:
    assert _switch(client, "en").status_code == 302
    assert client.cookies[COOKIE].value == "en"
    personas.proximity.refresh_from_db()
    assert personas.proximity.language == ""


def test_who_never_chose_keeps_their_browsers_language(personas: Personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _login(client, personas.proximity.email)
    assert response.status_code == 302 and COOKIE not in response.cookies
    assert 'lang="en"' in client.get(reverse("accounts:profile")).content.decode()


def test_the_staff_switch_on_a_page_sends_remember(client: Client, personas: Personas) -> None:
    client.force_login(personas.proximity)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="remember" type="hidden" value="1"' in page


def test_a_new_browser_starts_in_the_persons_language(personas: Personas) -> None:
    services.user_language_set(user=personas.proximity, language="en")
    client = Client()
    response = _login(client, personas.proximity.email)
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and 'lang="en"' in page.content.decode()


def test_a_language_chosen_on_this_browser_is_kept_at_login(personas: Personas) -> None:
    services.user_language_set(user=personas.proximity, language="en")
    client = Client()
    _switch(client, "it", reverse("accounts:login"))  # chosen on the login page
    response = _login(client, personas.proximity.email)
    assert COOKIE not in response.cookies
    assert client.cookies[COOKIE].value == "it"


def test_the_service_accepts_only_staff_languages(personas: Personas) -> None:
    with pytest.raises(ApplicationError):
        services.user_language_set(user=personas.proximity, language="ar")
    assert services.user_language_set(user=personas.proximity, language="it") is True
    assert services.user_language_set(user=personas.proximity, language="it") is False
    assert services.user_language_set(user=personas.proximity, language="en") is True
