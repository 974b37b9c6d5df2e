"""The public portal "Trova aiuto" (/aiuto/), no login: a citizen on a phone searches, sees the list and the map,
opens a service and switches to Arabic; every portal page passes axe-core (no serious or critical violation) in
Italian and Arabic and fits a 360 px screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe import assert_accessible
from conftest import shot

PHONE = {"width": 360, "height": 740}


def _fits(page: Any, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{label} overflows a {page.viewport_size['width']} px screen by {overflow} px"


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(viewport=PHONE, locale="it-IT", is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_finds_a_doposcuola_near_home_on_a_phone_and_reads_it_in_arabic(
    demo_server: dict[str, Any], phone: Any
) -> None:
    base = demo_server["url"]
    page = phone
    page.goto(f"{base}/aiuto/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator("a", has_text="Area operatori").count() == 1
    shot(page, "30-portal-search-phone")

    page.fill("#id_q", "doposcuola")
    page.fill("#id_address", "Via Saponaro 16")
    page.click("#portal-search button[type=submit]")
    # htmx swaps the results without reloading and pushes the search into the address bar.
    page.wait_for_url(re.compile(r"q=doposcuola"), timeout=20000)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#portal-list .portal-card", timeout=20000)
    page.wait_for_selector("#portal-map .leaflet-marker-icon", timeout=20000)
    results = page.inner_text("#portal-results")
    assert "km" in results and "Via Michele Saponaro 16" in results
    first = page.locator("#portal-list .portal-card-title a").first
    assert "oposcuola" in first.inner_text() or "ompiti" in first.inner_text()
    _fits(page, "search results")
    shot(page, "31-portal-results-phone")

    first.click()
    page.wait_for_load_state("networkidle")
    assert "/aiuto/servizi/" in page.url
    assert page.locator("h2", has_text="Quando è aperto").count() == 1
    _fits(page, "service page")
    shot(page, "32-portal-service-phone")

    service_url = page.url
    page.click("#portal-languages button[value=ar]")
    page.wait_for_load_state("networkidle")
    assert page.url == service_url
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h2", has_text="متى تكون مفتوحة").count() == 1
    # The page really is laid out right to left.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    _fits(page, "service page in Arabic")
    shot(page, "33-portal-service-arabic-phone")


def _service_path(base: str, page: Any) -> str:
    page.goto(f"{base}/aiuto/municipio/8/")
    href = page.locator(".portal-card-title a").first.get_attribute("href")
    assert href and href.startswith("/aiuto/servizi/")
    return str(href)


@pytest.mark.parametrize("language", ["it", "ar"])
def test_every_portal_page_passes_axe_and_fits_a_phone(demo_server: dict[str, Any], browser: Any,
                                                       language: str) -> None:
    base = demo_server["url"]
    context = browser.new_context(viewport=PHONE, locale="it-IT")
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    try:
        pages = {
            "search": "/aiuto/",
            "results": "/aiuto/?q=doposcuola&address=Via+Saponaro+16",
            "no-results": "/aiuto/?q=astronave",
            "address-not-found": "/aiuto/?address=Via+Saponaroo+16",
            "service": _service_path(base, page),
            "municipi": "/aiuto/municipi/",
            "access-points": "/aiuto/municipio/8/",
        }
        for name, path in pages.items():
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert_accessible(page, f"{name} ({language})")
            _fits(page, f"{name} ({language})")
            if name in ("results", "access-points"):
                shot(page, f"34-portal-{name}-{language}")
    finally:
        context.close()


def test_the_flyer_of_a_municipio_is_a_pdf(demo_server: dict[str, Any], browser: Any) -> None:
    context = browser.new_context()
    try:
        response = context.request.get(f"{demo_server['url']}/aiuto/municipio/8/volantino.pdf")
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
    finally:
        context.close()
