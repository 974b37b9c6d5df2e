"""Network and organisation pages embed the light map geometry of their areas, never the full boundary (the
city's is ~900 kB): the pages stay well under 150 kB whatever the boundaries' detail."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trama.core.testing import Personas
from trama.network import services
from trama.territory.models import Area
from trama.territory.services import area_set_geometry

ClientAs = Callable[..., Client]

PAGE_LIMIT = 150_000


def _detailed_boundary(lon: float, lat: float, radius: float, vertices: int = 40_000) -> dict[str, Any]:
    """A ring with as many vertices as a real surveyed boundary, and as many digits (~1.5 MB of JSON)."""
    ring = [
        [
            round(lon + radius * math.cos(2 * math.pi * i / vertices), 12),
            round(lat + 0.7 * radius * math.sin(2 * math.pi * i / vertices), 12),
        ]
        for i in range(vertices)
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _set_boundary(area: Area, geometry: dict[str, Any]) -> None:
    area_set_geometry(area, geometry)
    area.save()


def _map_data(content: str, data_id: str) -> dict[str, Any]:
    marker = f'id="{data_id}" type="application/json">'
    return json.loads(content.split(marker)[1].split("</script>")[0])  # type: ignore[no-any-return]


def test_it_keeps_a_network_page_light_with_a_detailed_boundary(
    personas: Personas, client_as: ClientAs
) -> None:
    boundary = _detailed_boundary(9.19, 45.46, 0.12)
    assert len(json.dumps(boundary)) > 900_000
    _set_boundary(personas.city, boundary)
    response = client_as(personas.coordinator).get(
        reverse("network:network_detail", args=[personas.city_network.slug])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert len(response.content) < PAGE_LIMIT
    personas.city.refresh_from_db()
    area = _map_data(content, "network-map-data")["area"]
    assert area == personas.city.geometry_simplified
    assert area["type"] == "Polygon" and len(area["coordinates"][0]) > 10  # still a shape on the map


def test_it_simplifies_a_boundary_stored_without_its_light_version(
    personas: Personas, client_as: ClientAs
) -> None:
    # An area written around the territory services (a fixture, an old row) has no light geometry yet.
    Area.objects.filter(pk=personas.municipio8.pk).update(
        geometry=_detailed_boundary(9.14, 45.49, 0.03), geometry_simplified=None
    )
    response = client_as(personas.referent).get(reverse("network:network_detail", args=["t-qubi-m8"]))
    assert response.status_code == 200
    assert len(response.content) < PAGE_LIMIT
    area = _map_data(response.content.decode(), "network-map-data")["area"]
    assert area["type"] == "Polygon"
    assert 10 < len(area["coordinates"][0]) < 2_000


def test_it_keeps_an_organisation_page_light_with_detailed_municipi(
    personas: Personas, client_as: ClientAs
) -> None:
    _set_boundary(personas.municipio8, _detailed_boundary(9.14, 45.49, 0.03))
    _set_boundary(personas.municipio1, _detailed_boundary(9.19, 45.46, 0.02))
    _set_boundary(personas.city, _detailed_boundary(9.19, 45.46, 0.12))
    personas.comune.municipi.add(personas.municipio8, personas.municipio1)
    services.organisation_address_add(
        organisation=personas.comune, by=None, address_text="Via Padova 36", label="Sede"
    )
    response = client_as(personas.referent).get(reverse("network:organisation_detail", args=["t-comune"]))
    assert response.status_code == 200
    assert len(response.content) < PAGE_LIMIT
    areas = _map_data(response.content.decode(), "organisation-map-data")["area"]
    assert len(areas) == 2 and all(area["type"] == "Polygon" for area in areas)


def test_it_lists_organisations_without_loading_boundaries(personas: Personas, client_as: ClientAs) -> None:
    _set_boundary(personas.municipio8, _detailed_boundary(9.14, 45.49, 0.03))
    personas.ets_a.municipi.add(personas.municipio8)
    with CaptureQueriesContext(connection) as queries:
        response = client_as(personas.referent).get(reverse("network:organisation_list"))
    assert response.status_code == 200
    assert "Municipio 8" in response.content.decode()
    area_queries = [q["sql"] for q in queries if 'FROM "territory_area"' in q["sql"]]
    assert area_queries
    assert all('"territory_area"."geometry"' not in sql for sql in area_queries)
