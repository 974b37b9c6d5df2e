"""Areas and places are public open data, readable by any logged-in user; they are written only by the management
commands (load_milano, load_places, load_areas) and the Django admin (staff with model permissions). The territory
pages never write."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from trama.core.testing import Personas
from trama.territory import urls as territory_urls
from trama.territory.models import Area, Place

pytestmark = pytest.mark.usefixtures("milan_db")


def _territory_urls() -> list[str]:
    urls = []
    for pattern in territory_urls.urlpatterns:
        assert isinstance(pattern, URLPattern) and not isinstance(pattern, URLResolver)
        args = ["MI-M8"] if "code" in pattern.pattern.regex.groupindex else []
        urls.append(reverse(f"territory:{pattern.name}", args=args))
    return urls


def test_it_knows_every_territory_page() -> None:
    assert len(_territory_urls()) == 3  # a new page must be added to the checks below


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_every_writing_method_on_every_page(
    personas: Personas, client_as, method: str,  # type: ignore[no-untyped-def]
) -> None:
    client: Client = client_as(personas.admin)  # the most privileged persona
    before = (Area.objects.count(), Place.objects.count(), Area.objects.order_by("-updated_at").first())
    for url in _territory_urls():
        response = getattr(client, method)(url, {"name": "x", "code": "X"})
        assert response.status_code == 405, (method, url)
    assert (Area.objects.count(), Place.objects.count(), Area.objects.order_by("-updated_at").first()) == before


def test_it_leaves_the_admin_to_staff(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client: Client = client_as(personas.coordinator)
    assert not personas.coordinator.is_staff
    count = Area.objects.count()
    response = client.post(reverse("admin:territory_area_add"), {"kind": "nil", "code": "X-1", "name": "X"})
    assert response.status_code in (302, 403)
    assert Area.objects.count() == count
