"""A proximity worker registers a household through the pages: creates it, adds a member with a first name only,
records an assessment and a consent naming another organisation, corrects the household's label and Municipio, and
opens its referrals and the organisation's notices. Pages are checked at 1280×800 and at 360 px
for sideways scrolling, with screenshots."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from axe import assert_accessible
from conftest import login, shot

from trama.accounts.roles import Role

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_proximity_worker_registers_a_household(demo_server: dict[str, Any], browser: Any) -> None:
    base = demo_server["url"]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="it-IT")
    page = context.new_page()
    try:
        login(page, base, demo_server["logins"][Role.PROXIMITY_WORKER])
        page.goto(f"{base}/records/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "40-records-list")

        page.get_by_role("link", name="Nuovo nucleo").click()
        page.wait_for_url(f"{base}/records/new/")
        page.fill("input[name=label]", "Famiglia E2E")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/records/\d+/$"))
        household_url = str(page.url)

        page.get_by_role("link", name="Aggiungi un componente").click()
        page.wait_for_load_state("networkidle")
        page.select_option("select[name=role_in_household]", "parent")
        page.fill("input[name=first_name_or_alias]", "Mariam")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "41-records-person-form")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_url(re.compile(r"/records/\d+/"))
        assert "Mariam" in page.locator("#members").inner_text()

        page.goto(household_url)
        page.get_by_role("link", name="Nuova valutazione").first.click()
        page.wait_for_load_state("networkidle")
        page.select_option("select[name=score_housing]", "2")
        page.select_option("select[name=score_relations]", "4")
        page.fill("textarea[name=notes_housing]", "Sei persone in due stanze")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_url(re.compile(r"/records/\d+/"))
        assert "Casa" in page.locator("#assessments").inner_text()

        page.goto(household_url)
        page.get_by_role("link", name="Registra un consenso").click()
        page.wait_for_load_state("networkidle")
        # Bootstrap Italia draws the check box on the label: a person clicks the label.
        page.click("input[name=purposes][value=share_named_organisations] + label")
        page.click("input[name=categories][value=identity] + label")
        page.click("input[name=categories][value=needs_and_plan] + label")
        page.select_option("select[name=recipient_organisations]", index=0)
        assert page.locator("input[name=purposes][value=share_named_organisations]").is_checked()
        page.fill("input[name=given_by_name]", "Mariam")
        page.select_option("select[name=notice_language]", "ar")
        page.fill("input[name=given_on]", dt.date.today().isoformat())
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "42-records-consent-form")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_url(re.compile(r"/records/\d+/"))
        consents = page.locator("#consents").inner_text()
        assert "attivo" in consents and "Condivisione con organizzazioni indicate" in consents

        # Correct the household's label and place it in a Municipio; its referrals and the notices have pages.
        page.goto(household_url)
        page.get_by_role("link", name="Modifica il nucleo").click()
        page.wait_for_load_state("networkidle")
        page.fill("input[name=label]", "Famiglia E2E corretta")
        page.select_option("select[name=municipio]", label="Municipio 8")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "47-records-household-edit")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_url(household_url)
        assert "Famiglia E2E corretta" in page.locator("h1").inner_text()
        assert "Municipio 8" in page.locator(".trama-household-area").inner_text()
        page.locator("nav.trama-sections").get_by_role("link", name="Segnalazioni", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert "Nessuna segnalazione per questo nucleo." in page.locator("main").inner_text()
        assert_accessible(page, "household referrals")
        shot(page, "48-records-household-referrals")
        page.goto(f"{base}/records/notifications/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Avvisi alla tua organizzazione"
        assert_accessible(page, "notices")
        shot(page, "49-records-notifications")
        # A notice names a household of the demo with referrals: its referrals page lists them with their state.
        page.locator(".trama-notifications a[href^='/records/']").first.click()
        page.wait_for_load_state("networkidle")
        page.locator("nav.trama-sections").get_by_role("link", name="Segnalazioni", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".trama-household-referrals tbody tr").count() >= 1
        assert_accessible(page, "household referrals, with rows")
        shot(page, "50-records-household-referrals-rows")

        page.goto(household_url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "43-records-household-1280")

        page.set_viewport_size({"width": 360, "height": 740})
        for url, name in ((household_url, "44-records-household-360"), (f"{base}/records/", "45-records-list-360")):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert page.evaluate(NO_OVERFLOW), f"sideways scrolling at 360 px on {url}"
            shot(page, name)
        page.goto(household_url.rstrip("/") + "/consents/new/")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "46-records-consent-form-360")
    finally:
        context.close()
