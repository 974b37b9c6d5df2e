"""A service's public page /aiuto/servizi/<pk>/: plain language, public records only, no confidential address,
translations, "to be verified" mark, tel: links, next openings."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.portal.tests.conftest import SHELTER_ADDRESS, PortalData


def _url(pk: int) -> str:
    return reverse("portal:service", args=[pk])


def test_it_shows_a_service_in_plain_language(client: Client, portal_data: PortalData) -> None:
    response = client.get(_url(portal_data.doposcuola.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Doposcuola Saponaro (demo)" in html
    assert "Che cos'è" in html and "Aiuto compiti per bambini e ragazzi delle medie." in html
    assert "Da 6 a 14 anni" in html
    assert "Gratis" in html and "Servono documenti o permesso di soggiorno" in html
    # What to bring: the ISEE kind (entered without a text) once, and the free-text document.
    assert "Attestazione ISEE" in html and "Attestazione ISEE: Attestazione ISEE" not in html
    assert "Pagella dell&#x27;ultimo anno" in html
    # Address, weekly hours of the place, the monthly rule in words, phone as a tel: link, language spoken.
    assert "Oratorio Gratosoglio" in html and "Via Michele Saponaro 20" in html
    assert "Lunedì" in html and "15:00–18:00" in html and "1º Sabato del mese 10:00–12:00" in html
    assert 'href="tel:0212345678"' in html
    assert "Arabo" in html and 'lang="ar"' in html
    assert "Prossime aperture" in html


def test_it_marks_stale_information_to_be_verified(client: Client, portal_data: PortalData) -> None:
    stale = client.get(_url(portal_data.doposcuola.pk)).content.decode()
    assert "Informazioni da verificare." in stale
    fresh = client.get(_url(portal_data.qubi.pk)).content.decode()
    assert "Informazioni da verificare." not in fresh
    assert f"Informazioni controllate il {timezone.localdate():%d/%m/%Y}." in fresh


def test_it_shows_each_place_of_an_itinerant_service_with_its_day(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(portal_data.qubi.pk)).content.decode()
    blocks = {block.split("</h3>")[0].split(">")[-1]: block for block in html.split('<div class="portal-place">')[1:]}
    assert {name: "15:00" in block for name, block in blocks.items()} == dict.fromkeys(
        ("Punto QuBì zona Quarto Oggiaro", "Punto QuBì zona Gallaratese", "Punto QuBì zona Villapizzone"), False)
    assert "<dt>Martedì</dt><dd>10:00–13:00</dd>" in blocks["Punto QuBì zona Quarto Oggiaro"]
    assert "<dt>Mercoledì</dt><dd>14:00–17:00</dd>" in blocks["Punto QuBì zona Gallaratese"]
    assert "<dt>Venerdì</dt><dd>10:00–13:00</dd>" in blocks["Punto QuBì zona Villapizzone"]
    assert "Martedì" not in blocks["Punto QuBì zona Villapizzone"]
    assert 'href="tel:3331112222"' in html
    assert "Su appuntamento" in html and "Famiglie" in html and "Per chi vive in: Municipio 8" in html
    assert 'id="portal-map"' in html


def test_it_never_shows_a_confidential_address(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(portal_data.shelter.pk)).content.decode()
    assert "Casa Aurora" in html and "L'indirizzo è riservato" in html
    assert "Pascarella" not in html and SHELTER_ADDRESS not in html
    assert 'id="portal-map"' not in html and '"markers": []' in html
    # Nor the languages or phones of the hidden place (they would tell where it is to whoever knows them).
    assert "Ucraino" not in html


def test_it_gives_404_for_what_the_public_may_not_see(client: Client, portal_data: PortalData) -> None:
    for service in (portal_data.inactive, portal_data.defunct, portal_data.hidden):
        assert client.get(_url(service.pk)).status_code == 404
    assert client.get(_url(999999)).status_code == 404
    # Public reads need no audit trail.
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_it_shows_the_translation_for_the_visitors_language(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "ar"
    html = client.get(_url(portal_data.qubi.pk)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "مساحة للتوجيه والاستماع والدعم بالقرب من منزلك." in html
    # The name has no Arabic translation: shown in Italian, marked as Italian.
    assert 'lang="it">Spazio di orientamento QuBì Municipio 8 (sportello itinerante)</h1>' in html
    assert "الثلاثاء" in html  # Tuesday
    client.cookies["django_language"] = "en"
    html = client.get(_url(portal_data.qubi.pk)).content.decode()
    assert "QuBì orientation desk, Municipio 8 (travelling desk)</h1>" in html
    assert "Tuesday" in html


def test_it_says_when_the_service_opens_next(client: Client, portal_data: PortalData) -> None:
    html = client.get(_url(portal_data.nolo.pk)).content.decode()
    assert "Non ci sono orari indicati" in html
    html = client.get(_url(portal_data.qubi.pk)).content.decode()
    upcoming = html[html.index("Prossime aperture"):]
    upcoming = upcoming[:upcoming.index("</ul>")]
    # Three openings: the three zones of the week, each with its place.
    assert upcoming.count("<li>") == 3
    assert all(f"zona {zone}" in upcoming for zone in ("Quarto Oggiaro", "Gallaratese", "Villapizzone"))


def test_phones_show_their_extension_and_no_fax_is_offered_to_call(client: Client, portal_data: PortalData,
                                                                   personas: Personas) -> None:
    from trama.directory import services
    from trama.directory.models import Language, PhoneType
    from trama.portal.display import spoken_language

    d = portal_data
    services.phone_add(by=personas.referent, service=d.nolo, number="02 8844 1", extension="417")
    services.phone_add(by=personas.referent, service=d.nolo, number="02 8844 9", type=PhoneType.FAX)
    page = client.get(reverse("portal:service", args=[d.nolo.pk])).content.decode()
    assert 'href="tel:0288441;ext=417"' in page and "02 8844 1, interno 417" in page
    assert "02 8844 9" not in page  # a fax: not a number a family can call
    with translation.override("en"):
        assert spoken_language(Language(code="zh", name="cinese")).name == "Simplified Chinese"
