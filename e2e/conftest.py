"""Browser tests: Playwright for Python driving Debian's Chromium against a real server.

One server per session: a temporary SQLite database is migrated and filled by `manage.py demo`, then served by
gunicorn (as in production, with DEBUG off) on a free local port. Tests never touch the database directly."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("TRAMA_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "demo-trama-qubi"  # noqa: S105 - the public demo password printed by `manage.py demo`

LOGINS_SCRIPT = """
import json
from trama.accounts.models import Membership
logins = {}
for m in Membership.objects.select_related("user").filter(user__email__endswith="@demo.trama.invalid").order_by("id"):
    logins.setdefault(m.role, m.user.email)
print("LOGINS=" + json.dumps(logins))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAMA_") and k != "DATABASE_URL"}
    env.update({"TRAMA_SQLITE_PATH": str(work / "e2e.sqlite3"), "TRAMA_TILES_URL": "", "TRAMA_DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "trama.settings"})
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "demo", "-v0")
    line = next(x for x in _manage(env, "shell", "-c", LOGINS_SCRIPT).splitlines() if x.startswith("LOGINS="))
    logins = json.loads(line.removeprefix("LOGINS="))
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed command
        [str(Path(sys.executable).with_name("gunicorn")), "trama.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/account/login/", timeout=2):  # noqa: S310 - local server
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the e2e server did not start") from None
                time.sleep(0.3)
        yield {"url": url, "logins": logins}
    finally:
        server.terminate()
        server.wait(timeout=20)


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
        yield CheckedBrowser(browser)
        browser.close()


# Run in every page before its own scripts (init scripts are not subject to the page's policy): a refused eval
# throws without a console message, and htmx swallows its own errors, so both are said on the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy: " + e.violatedDirective + " refused " + (e.blockedURI || "inline code"));
});
["htmx:syntax:error", "htmx:evalDisallowedError"].forEach(function (name) {
  document.addEventListener(name, function () { console.error("Content Security Policy: htmx needed eval"); });
});
"""


class CheckedBrowser:
    """The browser, whose every context records the Content-Security-Policy violations its pages report, and
    uncaught page errors (a blocked script usually breaks something further on)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("page", lambda page: page.on("pageerror", self._page_error))
        return context

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url', '')}: {message.text}")

    def _page_error(self, error: Any) -> None:
        self.violations.append(f"uncaught error: {error}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="it-IT")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def no_policy_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails if a page it opened reported a Content-Security-Policy violation (an inline script or handler
    that did not run, a resource the policy refused, htmx needing eval) or an uncaught script error."""
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        found, browser.violations[:] = list(browser.violations), []
        assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


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
