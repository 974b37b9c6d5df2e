"""Browser tests: Playwright for Python driving Debian's Chromium against a live Django server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("TRAMA_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-password-Trama-1"  # noqa: S105 - throwaway test database


@pytest.fixture
def demo_data(live_server: Any) -> dict[str, str]:
    """The full Milan demo, with a known password for one user per role.

    Built for each test: the live server's database is emptied after every test (transactional teardown)."""
    from django.core.management import call_command

    from trama.accounts.models import Membership

    call_command("demo", verbosity=0)
    logins: dict[str, str] = {}
    for membership in Membership.objects.select_related("user").order_by("id"):
        if membership.role in logins:
            continue
        membership.user.set_password(PASSWORD)
        membership.user.save(update_fields=["password"])
        logins[membership.role] = membership.user.email
    return logins


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="it-IT")
    page = context.new_page()
    yield page
    context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/account/login" not in page.url, f"login as {email} failed"
