"""A network referent searches the resource map near an address, sees results and markers, opens a service."""

from __future__ import annotations

import re
from typing import Any

from conftest import login, shot

from trama.accounts.roles import Role


def test_it_finds_doposcuola_near_an_address_and_opens_a_service(demo_server: dict[str, Any], page: Any) -> None:
    base = demo_server["url"]
    login(page, base, demo_server["logins"][Role.NETWORK_REFERENT])
    page.goto(f"{base}/directory/")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=q]", "doposcuola")
    page.fill("input[name=address]", "Via Saponaro 16")
    # The form also searches on "change": leaving the first field already sent a search without the address. Wait
    # for the one with it (its markers come from map.json after the list is swapped) rather than for any search.
    with page.expect_response(lambda r: "map.json" in r.url and "Saponaro" in r.url, timeout=20000):
        page.click("form[role=search] button[type=submit]")
    # htmx swaps the results and pushes the search into the address bar.
    page.wait_for_url(re.compile(r"q=doposcuola.*address=Via(%20|\+)Saponaro"), timeout=15000)
    page.wait_for_selector("#search-results li a", timeout=15000)
    page.wait_for_selector("#search-map .leaflet-marker-icon", timeout=15000)
    assert "km" in page.inner_text("#search-results")
    shot(page, "10-directory-search")

    page.locator("#search-results li a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/directory/services/" in page.url
    shot(page, "11-directory-service")
