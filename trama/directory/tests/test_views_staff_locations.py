"""Adding a place to a service (geocoded address, online, an existing place) and detaching it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import Location, LocationType, ServiceAtLocation
from trama.directory.tests.helpers import make_location, make_service

ClientAs = Callable[..., Client]


def _url(service: Any) -> str:
    return reverse("directory:service_location_add", args=[service.pk])


def test_it_adds_a_place_by_address_and_goes_on_to_its_schedule(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    assert client.get(_url(service)).status_code == 200
    response = client.post(_url(service), {"name": "Sede Quarto Oggiaro", "location_type": "physical",
                                           "address_text": "via padova 36", "description": "Piano terra"})
    link = ServiceAtLocation.objects.get(service=service)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:schedule_edit", args=[service.pk, link.pk])
    assert link.location.normalised_address == "Via Padova 36, Milano"
    assert link.location.maintainer == personas.ets_a and link.location.has_point
    assert link.description == "Piano terra"


def test_it_suggests_addresses_when_one_is_not_found(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    response = client_as(personas.referent).post(_url(service), {
        "name": "Sede", "location_type": "physical", "address_text": "Via Padovva 36",
    })
    assert response.status_code == 200
    content = response.content.decode()
    assert "Forse intendevi" in content
    assert 'data-fill-address="Via Padova 36, Milano"' in content
    assert not Location.objects.exists() and not ServiceAtLocation.objects.exists()


def test_it_adds_an_online_place_with_its_url(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    missing = client.post(_url(service), {"name": "Sportello online", "location_type": "virtual"})
    assert "Indica l&#x27;indirizzo web della sede online." in missing.content.decode()
    client.post(_url(service), {"name": "Sportello online", "location_type": "virtual",
                                "url": "https://meet.example.org/alfa"})
    location = ServiceAtLocation.objects.get(service=service).location
    assert location.location_type == LocationType.VIRTUAL and location.url == "https://meet.example.org/alfa"


def test_it_asks_for_a_name_and_an_address_in_italian(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    content = client_as(personas.referent).post(_url(service), {"location_type": "physical"}).content.decode()
    assert "Indica il nome della sede." in content
    assert "Indica l&#x27;indirizzo della sede." in content


def test_it_keeps_a_confidential_flag(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client_as(personas.referent).post(_url(service), {"name": "Rifugio", "location_type": "physical",
                                                      "address_text": "Viale Monza 12",
                                                      "confidential_address": "on"})
    assert ServiceAtLocation.objects.get(service=service).location.confidential_address


def test_it_links_an_existing_place_of_the_maintainer(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    place = make_location(personas)
    theirs = make_location(personas, name="Sede Beta", maintainer=personas.ets_b)
    client = client_as(personas.referent)
    page = client.get(_url(service)).content.decode()
    assert "Sede Alfa" in page and "Sede Beta" not in page
    client.post(_url(service), {"existing": place.pk, "location_type": "physical"})
    assert ServiceAtLocation.objects.get(service=service).location == place
    refused = client.post(_url(service), {"existing": theirs.pk, "location_type": "physical"})
    assert refused.status_code == 200
    assert ServiceAtLocation.objects.filter(service=service).count() == 1


def test_it_guards_adding_places(personas: Personas, client_as: ClientAs, client: Client) -> None:
    service = make_service(personas)
    data = {"name": "Sede", "location_type": "physical", "address_text": "Via Padova 36"}
    response = client.get(_url(service))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_as(personas.referent_b).post(_url(service), data).status_code == 403
    assert client_as(personas.volunteer).get(_url(service)).status_code == 403
    assert client_as(personas.nobody).get(_url(service)).status_code == 404
    assert not Location.objects.exists()


def test_it_detaches_a_place(personas: Personas, client_as: ClientAs, client: Client) -> None:
    service = make_service(personas)
    link = services.service_at_location_attach(service=service, location=make_location(personas), by=None)
    url = reverse("directory:service_location_detach", args=[service.pk, link.pk])
    assert client.post(url).status_code == 302  # to the login page
    assert client_as(personas.referent).get(url).status_code == 405
    assert client_as(personas.referent_b).post(url).status_code == 403
    assert client_as(personas.volunteer).post(url).status_code == 403
    assert client_as(personas.nobody).post(url).status_code == 404
    other = make_service(personas, name="Altro")
    wrong = reverse("directory:service_location_detach", args=[other.pk, link.pk])
    assert client_as(personas.referent).post(wrong).status_code == 404
    assert ServiceAtLocation.objects.filter(pk=link.pk).exists()
    response = client_as(personas.referent).post(url)
    assert response["Location"] == reverse("directory:service_detail", args=[service.pk])
    assert not ServiceAtLocation.objects.filter(pk=link.pk).exists()
    assert AuditEvent.objects.filter(action="directory.service_at_location.detach").exists()
