"""Pages fit a 360 px phone and a 1280×800 laptop without horizontal scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import login, shot

from trama.accounts.roles import Role

PAGES = ["/", "/network/", "/network/n/qubi-municipio-8/", "/network/organisations/", "/network/my-actions/",
         "/territory/", "/territory/area/MI-M8/", "/account/profile/"]


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_it_fits_the_screen(demo_server: dict[str, Any], browser: Any, width: int,
                            height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT")
    page = context.new_page()
    try:
        login(page, demo_server["url"], demo_server["logins"][Role.NETWORK_REFERENT])
        for path in PAGES:
            page.goto(f"{demo_server['url']}{path}")
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            name = path.strip("/").replace("/", "-") or "home"
            shot(page, f"w{width}-{name}")
            assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
    finally:
        context.close()
