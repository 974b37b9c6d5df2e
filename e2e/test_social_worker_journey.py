"""A community social worker logs in, opens their municipal network and the territory map."""

from __future__ import annotations

from typing import Any

from conftest import login, shot

from trama.accounts.roles import Role


def test_it_shows_network_and_territory_to_a_social_worker(demo_server: dict[str, Any],
                                                            page: Any) -> None:
    base = demo_server["url"]
    login(page, base, demo_server["logins"][Role.COMMUNITY_SOCIAL_WORKER])
    assert "/account/login" not in page.url, "login failed"
    shot(page, "01-home")

    page.goto(f"{base}/network/")
    page.wait_for_load_state("networkidle")
    shot(page, "02-network-list")
    assert page.get_by_role("link", name="QuBì Municipio 8").count() >= 1

    page.get_by_role("link", name="QuBì Municipio 8").first.click()
    page.wait_for_load_state("networkidle")
    assert "QuBì Municipio 8" in page.content()
    # The network's map draws its area polygon (an SVG path inside the Leaflet map).
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=10000)
    shot(page, "03-network-municipio-8")

    page.goto(f"{base}/territory/")
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=15000)
    assert page.locator(".leaflet-overlay-pane path").count() >= 88
    shot(page, "04-territory-map")


def test_it_requires_login(demo_server: dict[str, Any], page: Any) -> None:
    page.goto(f"{demo_server['url']}/network/")
    assert "/account/login" in page.url
    shot(page, "00-login")
