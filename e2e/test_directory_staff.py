"""An operator of the maintaining organisation edits one of its services: a schedule window's hours, a second
window added with the "add a row" button, then a phone added without reloading the page (htmx); removing a place
asks for confirmation first. The pages are
checked on a 1280×800 laptop and on a 360 px phone for sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

from conftest import login, shot

from trama.accounts.roles import Role

# Demo data: the Municipio 8 QuBì itinerant desk, kept by the organisation of the first network referent.
SERVICE = "Spazio di orientamento QuBì Municipio 8"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _open_service(page: Any, base: str) -> str:
    page.goto(f"{base}/directory/?q=orientamento+QuB%C3%AC+itinerante")
    page.wait_for_load_state("networkidle")
    page.locator("#search-results a", has_text=SERVICE).first.click()
    page.wait_for_url(re.compile(r"/directory/services/\d+/$"))
    page.wait_for_load_state("networkidle")
    return str(page.url)


def test_an_operator_edits_a_schedule_and_adds_a_phone(demo_server: dict[str, Any], browser: Any) -> None:
    base = demo_server["url"]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="it-IT")
    page = context.new_page()
    try:
        login(page, base, demo_server["logins"][Role.NETWORK_REFERENT])
        service_url = _open_service(page, base)
        assert page.locator("#details-heading").is_visible()
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "20-directory-staff-service")

        # The first place's weekly hours: one window (Tuesday 10–13 at Quarto Oggiaro in the demo).
        page.locator("a[href$='/schedule/']").first.click()
        page.wait_for_load_state("networkidle")
        first_day = page.locator("select[name='windows-0-day']").input_value()
        assert first_day, "the demo place should have a weekly window"
        page.fill("input[name='windows-0-opens_at']", "09:30")
        page.fill("input[name='windows-0-closes_at']", "12:30")
        total = int(page.locator("input[name='windows-TOTAL_FORMS']").input_value())
        page.click("[data-add-row]")
        assert int(page.locator("input[name='windows-TOTAL_FORMS']").input_value()) == total + 1
        page.select_option(f"select[name='windows-{total}-day']", first_day)
        page.fill(f"input[name='windows-{total}-opens_at']", "15:00")
        page.fill(f"input[name='windows-{total}-closes_at']", "17:30")
        page.fill(f"input[name='windows-{total}-notes']", "Su appuntamento")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "21-directory-staff-schedule")
        page.click("button[type=submit]:has-text('Salva gli orari')")
        page.wait_for_url(service_url)
        page.wait_for_load_state("networkidle")
        place = page.locator(".trama-place").first
        assert "09:30–12:30" in place.inner_text()
        assert "15:00–17:30 (Su appuntamento)" in place.inner_text()
        assert "Orari salvati." in page.inner_text("main")

        # A phone, added without a reload: htmx swaps the phones section only.
        section = page.locator("#detail-phones")
        section.locator("summary").click()
        section.locator("input[name='phone-number']").fill("02 8845 0000")
        section.locator("input[name='phone-description']").fill("Segreteria, mattina")
        page.evaluate("window.__same_page = true")
        section.locator("button[type=submit]:has-text('Aggiungi')").click()
        page.wait_for_selector("#detail-phones [data-detail-status]")
        assert page.evaluate("window.__same_page === true"), "the phone should be added without a reload"
        assert "02 8845 0000" in page.locator("#detail-phones").inner_text()
        # A wrong number is explained in Italian, in place, with what was typed kept.
        section = page.locator("#detail-phones")
        section.locator("summary").click()
        section.locator("input[name='phone-number']").fill("12")
        section.locator("button[type=submit]:has-text('Aggiungi')").click()
        page.wait_for_selector("#detail-phones .invalid-feedback")
        assert "Numero di telefono non valido" in page.locator("#detail-phones").inner_text()
        shot(page, "22-directory-staff-phone")

        page.reload()
        page.wait_for_load_state("networkidle")
        assert "02 8845 0000" in page.inner_text("main")
        assert "telefono" in page.inner_text(".trama-history")

        # Translations: Arabic is written right to left; what is saved shows on the page.
        page.click("a:has-text('Traduzioni')")
        page.wait_for_load_state("networkidle")
        assert page.locator("input[name='ar__name']").get_attribute("dir") == "rtl"
        page.locator("summary:has-text('English')").click()
        page.fill("input[name='en__name']", "QuBì orientation desk, Municipio 8 (itinerant)")
        page.locator("summary:has-text('العربية')").click()
        page.fill("input[name='ar__name']", "مكتب التوجيه QuBì")
        shot(page, "25-directory-staff-translations")
        page.click("button[type=submit]:has-text('Salva le traduzioni')")
        page.wait_for_url(service_url)
        assert "English" in page.inner_text("main") and "العربية" in page.inner_text("main")

        # Editing a place: the form shows the current position and keeps the typed address.
        page.locator("a[href$='/edit/']:has-text('Modifica sede')").first.click()
        page.wait_for_load_state("networkidle")
        assert "Posizione attuale" in page.inner_text("main")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "26-directory-staff-place")
        page.goto(service_url)

        # Removing a place asks first (data-confirm, core/trama.js, as the policy forbids inline handlers): when
        # the question is dismissed, nothing is sent.
        places = page.locator(".trama-place").count()
        questions: list[str] = []

        def dismiss(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", dismiss)
        page.locator("button:has-text('Rimuovi sede')").first.click()
        page.wait_for_load_state("networkidle")
        assert questions and "Confermi?" in questions[0], questions
        assert page.url == service_url and page.locator(".trama-place").count() == places

        # The same page on a phone: no sideways scrolling.
        page.set_viewport_size({"width": 360, "height": 740})
        page.reload()
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "23-directory-staff-service-phone")
        page.locator("a[href$='/schedule/']").first.click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_OVERFLOW)
        shot(page, "24-directory-staff-schedule-phone")
    finally:
        context.close()
