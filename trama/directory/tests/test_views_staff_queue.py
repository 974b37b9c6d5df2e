"""The maintainers' queue: my organisations' services not verified for 180 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory.models import Service, ServiceStatus
from trama.directory.tests.helpers import make_service

ClientAs = Callable[..., Client]
URL = "directory:stale_queue"


def _age(service: Service, days: int | None) -> None:
    day = None if days is None else timezone.localdate() - dt.timedelta(days=days)
    Service.objects.filter(pk=service.pk).update(last_verified_on=day)


def test_it_lists_only_my_organisations_stale_services_oldest_first(
    personas: Personas, client_as: ClientAs
) -> None:
    make_service(personas, name="Fresco Alfa")
    old = make_service(personas, name="Vecchio Alfa")
    older = make_service(personas, name="Vecchissimo Alfa")
    never = make_service(personas, name="Mai verificato Alfa")
    theirs = make_service(personas, name="Vecchio Beta", maintainer=personas.ets_b)
    defunct = make_service(personas, name="Cessato Alfa", status=ServiceStatus.DEFUNCT)
    _age(old, 200)
    _age(older, 400)
    _age(never, None)
    _age(theirs, 300)
    _age(defunct, 500)
    response = client_as(personas.referent).get(reverse(URL))
    assert response.status_code == 200
    assert [s.name for s in response.context["page"].object_list] == [
        "Mai verificato Alfa", "Vecchissimo Alfa", "Vecchio Alfa"]
    content = response.content.decode()
    assert "Vecchio Beta" not in content and "Fresco Alfa" not in content
    assert reverse("directory:service_verify", args=[old.pk]) in content


def test_it_verifies_from_the_queue_and_comes_back(personas: Personas, client_as: ClientAs) -> None:
    old = make_service(personas, name="Vecchio Alfa")
    _age(old, 200)
    client = client_as(personas.referent)
    queue = reverse(URL)
    response = client.post(reverse("directory:service_verify", args=[old.pk]), {"next": queue})
    assert response["Location"] == queue
    page = client.get(queue)
    assert not page.context["page"].object_list
    assert "Nessuna scheda da verificare" in page.content.decode()


def test_it_paginates_the_queue(personas: Personas, client_as: ClientAs) -> None:
    for i in range(30):
        _age(make_service(personas, name=f"Servizio {i:02d}"), 200 + i)
    client = client_as(personas.referent)
    first = client.get(reverse(URL))
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].object_list[0].name == "Servizio 29"
    second = client.get(reverse(URL), {"page": 2})
    assert [s.name for s in second.context["page"].object_list] == [f"Servizio {i:02d}" for i in range(4, -1, -1)]


def test_it_shows_an_empty_queue_to_read_only_members(personas: Personas, client_as: ClientAs) -> None:
    _age(make_service(personas, name="Vecchio Alfa"), 200)
    response = client_as(personas.volunteer).get(reverse(URL))
    assert response.status_code == 200
    assert "Vecchio Alfa" not in response.content.decode()
    assert "non hai nulla da verificare" in response.content.decode()


def test_it_shows_the_whole_city_to_the_coordinator(personas: Personas, client_as: ClientAs) -> None:
    _age(make_service(personas, name="Vecchio Alfa"), 200)
    _age(make_service(personas, name="Vecchio Gamma", maintainer=personas.ets_other), 300)
    content = client_as(personas.coordinator).get(reverse(URL)).content.decode()
    assert "Vecchio Alfa" in content and "Vecchio Gamma" in content


def test_it_requires_login_for_the_queue(client: Client) -> None:
    response = client.get(reverse(URL))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
