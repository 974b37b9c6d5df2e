"""The public search /aiuto/: anonymous, public records only, need + address + municipio, map data in sync, htmx
partial, no confidential address anywhere, bounded queries, every language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.testing import Personas
from trama.directory.tests.helpers import make_service
from trama.portal.tests.conftest import SHELTER_ADDRESS, PortalData

URL = reverse("portal:search")


def _state(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="portal-map-state" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def _markers(client: Client, html: str) -> dict[str, Any]:
    """The map data of a results page: the JSON its script fetches (the state's URL)."""
    state = _state(html)
    if state["url"] is None:
        return {"markers": [], "areas": [], "origin": state["origin"]}
    response = client.get(state["url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data: dict[str, Any] = response.json()
    assert data["origin"] == state["origin"]
    return data


def _names(html: str) -> list[str]:
    return re.findall(r'<h3 class="portal-card-title"><a href="/aiuto/servizi/\d+/"[^>]*>([^<]+)</a>', html)


def test_it_works_without_login_and_lists_only_active_public_services(client: Client, portal_data: PortalData) -> None:
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get" action="/aiuto/" role="search"' in html
    assert "Area operatori" in html and 'href="/"' in html
    assert "Spazio di orientamento QuBì" in html and "Doposcuola Saponaro (demo)" in html
    for hidden in ("Doposcuola Sospeso", "Doposcuola Chiuso", "Doposcuola Interno"):
        assert hidden not in html
    assert {m["service"] for m in _markers(client, html)["markers"]} == {
        "Spazio di orientamento QuBì Municipio 8 (sportello itinerante)", "Doposcuola Saponaro (demo)",
        "Sportello NoLo"}


def test_it_never_shows_a_confidential_address(client: Client, portal_data: PortalData) -> None:
    for params in ({}, {"q": "casa rifugio"}, {"municipio": "8"}, {"address": "Via Lessona 20"}):
        html = client.get(URL, params).content.decode()
        assert "Casa rifugio Aurora" in html
        assert "Pascarella" not in html and SHELTER_ADDRESS not in html
        assert all(m["place"] != "Casa Aurora" for m in _markers(client, html)["markers"])
    shelter = portal_data.shelter.service_at_locations.get().location
    assert shelter.latitude is not None
    html = client.get(URL, {"q": "casa rifugio"}).content.decode()
    assert f"{shelter.latitude:.4f}"[:7] not in html


def test_it_searches_by_need_with_its_sub_needs(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL, {"need": "doposcuola"}).content.decode()
    assert _names(html) == ["Doposcuola Saponaro (demo)",
                            "Spazio di orientamento QuBì Municipio 8 (sportello itinerante)"]
    assert "2 servizi trovati" in html


def test_it_searches_near_an_address_nearest_first(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL, {"q": "doposcuola", "address": "Via Saponaro 16"}).content.decode()
    names = _names(html)
    assert names[0] == "Doposcuola Saponaro (demo)"
    assert "i più vicini a Via" in html and "km" in html
    data = _markers(client, html)
    assert data["origin"]["label"] == "Via Michele Saponaro 16, Milano"


def test_it_searches_by_municipio(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL, {"municipio": "2"}).content.decode()
    assert _names(html) == ["Sportello NoLo"]
    # The municipio of a confidential place is public: the shelter is found in its Municipio, without address.
    html = client.get(URL, {"municipio": "8"}).content.decode()
    assert "Casa rifugio Aurora" in html and "Sportello NoLo" not in html


def test_it_refuses_an_unknown_municipio_with_a_message(client: Client, portal_data: PortalData) -> None:
    response = client.get(URL, {"municipio": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Controlla i campi della ricerca." in html and "Nessun servizio" not in html
    assert _names(html) == []


def test_it_says_when_an_address_is_not_found_and_suggests_others(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL, {"address": "Via Saponaroo 16"}).content.decode()
    assert "Non abbiamo trovato questo indirizzo a Milano." in html
    assert 'href="?address=Via+Michele+Saponaro+16%2C+Milano"' in html
    assert _names(html) == []


def test_a_street_without_number_asks_for_the_number_instead_of_suggesting_itself(
        client: Client, portal_data: PortalData, personas: Personas) -> None:
    html = client.get(URL, {"address": "via  saponaro"}).content.decode()
    assert "Manca il numero civico" in html and 'href="?address=' not in html  # no link back to this same page
    staff_html = _staff_search(personas, {"address": "Via Saponaro"})
    assert 'href="?address=' not in staff_html


def test_a_wrong_coordinate_is_explained_once(portal_data: PortalData, personas: Personas) -> None:
    html = _staff_search(personas, {"lat": "inf", "lon": "9.2"})
    assert "Indica sia la latitudine sia la longitudine." not in html
    assert "Indica sia la latitudine sia la longitudine." in _staff_search(personas, {"lat": "45.5"})


def _staff_search(personas: Personas, query: dict[str, str]) -> str:
    staff = Client()
    staff.force_login(personas.proximity)
    return staff.get(reverse("directory:search"), query).content.decode()


def test_it_answers_htmx_with_the_results_and_the_markers_only(client: Client, portal_data: PortalData) -> None:
    response = client.get(URL, {"q": "nolo"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="portal-map"' not in html
    assert _names(html) == ["Sportello NoLo"]
    assert [m["service"] for m in _markers(client, html)["markers"]] == ["Sportello NoLo"]
    assert "HX-Request" in response["Vary"]
    assert "<title>Risultati della ricerca · Trova aiuto a Milano</title>" in html  # htmx applies it
    assert "<title>" not in client.get(URL, {"q": "nolo"}).content.decode().split("</head>")[1]
    # An address suggestion loads the whole page, so that the form shows the address chosen.
    misspelt = client.get(URL, {"address": "Via Saponar 16"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<a href="?address=Via+Michele+Saponaro+16%2C+Milano" hx-boost="false">' in misspelt


def test_it_suggests_what_to_try_when_nothing_is_found(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL, {"q": "astronave"}).content.decode()
    assert "Non abbiamo trovato servizi con questa ricerca." in html
    assert "Qualsiasi bisogno" in html and reverse("portal:municipi") in html
    assert _markers(client, html)["markers"] == []


def test_it_paginates(client: Client, personas: Personas) -> None:
    for i in range(23):
        make_service(personas, name=f"Servizio {i:02d}")
    first = client.get(URL).content.decode()
    assert "23 servizi trovati" in first and "Pagina 1 di 3" in first and len(_names(first)) == 10
    last = client.get(URL, {"page": 3}).content.decode()
    assert _names(last) == ["Servizio 20", "Servizio 21", "Servizio 22"]


def test_it_needs_the_same_number_of_queries_whatever_the_results(
    client: Client, personas: Personas, django_assert_num_queries: Any
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "servizio"}).status_code == 200
        return len(queries)

    make_service(personas, name="Servizio uno")
    few = count()
    for i in range(15):
        make_service(personas, name=f"Servizio {i:02d}")
    assert count() == few
    assert few <= 12


@pytest.mark.parametrize(("code", "expected"), [
    ("it", "Trova aiuto vicino a te"),
    ("en", "Find help near you"),
    ("fr", "Trouver de l'aide près de chez vous"),
    ("es", "Encuentra ayuda cerca de ti"),
    ("ar", "ابحث عن مساعدة بالقرب منك"),
    ("uk", "Знайдіть допомогу поруч"),
    ("zh-hans", "查找您附近的帮助"),
])
def test_it_renders_the_search_page_in_every_portal_language(client: Client, portal_data: PortalData, code: str,
                                                             expected: str) -> None:
    client.cookies["django_language"] = code
    html = client.get(URL).content.decode()
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in html
    assert expected in html
    if code != "it":
        assert "Trova aiuto vicino a te" not in html and "Di che cosa hai bisogno?" not in html


def test_it_shows_the_needs_in_the_visitors_language(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "zh-hans"
    html = client.get(URL).content.decode()
    assert "课后托管" in html  # "Doposcuola" in the taxonomy's Chinese labels ("zh")
    client.cookies["django_language"] = "ar"
    assert "أنشطة ما بعد المدرسة" in client.get(URL).content.decode()


def test_it_shows_a_services_translated_name_when_it_has_one(client: Client, portal_data: PortalData) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert "QuBì orientation desk, Municipio 8 (travelling desk)" in html
    # No English name for the doposcuola: its Italian name, marked as Italian for screen readers.
    assert 'lang="it">Doposcuola Saponaro (demo)</a>' in html


def test_it_offers_every_language_in_its_own_name(client: Client, portal_data: PortalData) -> None:
    html = client.get(URL).content.decode()
    for code, name in (("it", "Italiano"), ("en", "English"), ("fr", "Français"), ("es", "Español"),
                       ("ar", "العربية"), ("uk", "Українська"), ("zh-hans", "中文（简体）")):
        assert re.search(rf'value="{code}" lang="{code}"[^>]*>{name}</button>', html, re.S), code
    response = client.post(reverse("set_language"), {"language": "ar", "next": URL})
    assert response.status_code == 302
    assert 'dir="rtl"' in client.get(URL).content.decode()


def test_the_portal_filters_by_age_language_day_neighbourhood_and_distance(client: Client,
                                                                          portal_data: PortalData) -> None:
    from trama.directory.models import Location
    from trama.territory.models import Area, AreaKind

    d = portal_data
    every = set(_names(client.get(URL, {"q": ""}).content.decode()))
    assert {"Doposcuola Saponaro (demo)", "Sportello NoLo"} <= every

    def names(**query: str) -> set[str]:
        response = client.get(URL, query)
        assert response.status_code == 200
        return set(_names(response.content.decode()))

    assert "Doposcuola Saponaro (demo)" not in names(age="40")  # for ages 6 to 14
    assert "Doposcuola Saponaro (demo)" in names(age="10")
    assert names(language="ar") == {"Doposcuola Saponaro (demo)"}  # the only one speaking Arabic
    assert "Doposcuola Saponaro (demo)" in names(weekday="MO") and names(weekday="SU") == set()
    quarto = Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-QO", name="Quarto Oggiaro", parent=d.m8)
    assert Location.objects.filter(name="Punto QuBì zona Quarto Oggiaro").update(nil=quarto) == 1
    assert names(nil="MI-NIL-QO") == {d.qubi.name}
    near = names(address="Via Saponaro 16", radius="0.5")
    assert near == {"Doposcuola Saponaro (demo)"}  # Via Saponaro 20; the others are kilometres away
    assert len(names(address="Via Saponaro 16")) > 1  # no distance: every service, nearest first
    refused = client.get(URL, {"radius": "1"}).content.decode()  # a distance needs an address
    assert "scrivi anche l&#x27;indirizzo" in refused or "scrivi anche l'indirizzo" in refused
    for bad in ({"age": "-1"}, {"age": "abc"}, {"language": "xx"}, {"weekday": "XX"}, {"nil": "nope"},
                {"radius": "7"}):
        assert client.get(URL, bad).status_code == 200  # an error on the form, never a 500
    html = client.get(URL, {"age": "10"}).content.decode()
    assert re.search(r'<details class="portal-more" open>', html)  # a filter of the box set: shown open
    assert not re.search(r'<details class="portal-more" open>', client.get(URL).content.decode())


def test_a_service_asking_for_a_residence_permit_is_never_listed_without_documents(
        client: Client, portal_data: PortalData, personas: Personas) -> None:
    from trama.directory import services
    from trama.directory.models import DocumentKind

    d = portal_data
    assert "Sportello NoLo" in _names(client.get(URL, {"no_documents": "on", "no_residency": "on"}).content.decode())
    services.required_document_add(service=d.nolo, by=personas.referent, kind=DocumentKind.RESIDENCE_PERMIT)
    assert "Sportello NoLo" not in _names(client.get(URL, {"no_documents": "on"}).content.decode())
    assert "Sportello NoLo" in _names(client.get(URL, {"no_residency": "on"}).content.decode())
    services.required_document_add(service=d.nolo, by=personas.referent, kind=DocumentKind.RESIDENCY)
    assert "Sportello NoLo" not in _names(client.get(URL, {"no_residency": "on"}).content.decode())
    page = client.get(reverse("portal:service", args=[d.nolo.pk])).content.decode()
    assert "Non servono documenti" not in page and "Non serve la residenza" not in page
    assert "Servono documenti o permesso di soggiorno" in page and "Serve la residenza" in page


def test_a_municipio_lists_the_services_serving_it_without_a_place_there(client: Client, portal_data: PortalData,
                                                                        personas: Personas) -> None:
    from trama.directory import services
    from trama.territory.models import Area

    d = portal_data
    line = make_service(personas, name="Linea telefonica famiglie", description="Ascolto al telefono.")
    services.service_area_add(service=line, by=personas.referent, area=d.m8)
    citywide = make_service(personas, name="Numero unico cittadino", description="Per tutta Milano.")
    services.service_area_add(service=citywide, by=personas.referent, area=Area.objects.get(code="MI"))
    in_m8 = set(_names(client.get(URL, {"municipio": "8"}).content.decode()))
    assert "Linea telefonica famiglie" in in_m8 and d.qubi.name in in_m8
    assert "Numero unico cittadino" not in in_m8  # a city-wide area would list it under every Municipio
    assert "Linea telefonica famiglie" not in _names(client.get(URL, {"municipio": "2"}).content.decode())
