from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trama.core.testing import Personas

pytestmark = pytest.mark.usefixtures("milan_db")

PAGES = [
    reverse("territory:map"),
    reverse("territory:geojson"),
    reverse("territory:area_detail", args=["MI"]),
    reverse("territory:area_detail", args=["MI-M8"]),
    reverse("territory:area_detail", args=["MI-NIL-76"]),
]


@pytest.mark.parametrize("url", PAGES)
def test_it_requires_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", PAGES)
def test_it_works_for_every_logged_in_persona(personas: Personas, client_as, url: str) -> None:  # type: ignore[no-untyped-def]
    for user in (personas.volunteer, personas.evaluator, personas.coordinator):
        assert client_as(user).get(url).status_code == 200


def test_it_shows_the_map_and_the_nil_table(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as(personas.proximity).get(reverse("territory:map"))
    html = response.content.decode()
    assert 'id="territory-map"' in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "territory-map-config" in html
    assert "Quarto Oggiaro - Vialba - Musocco" in html
    assert "Minori residenti per NIL" in html  # the legend
    assert len(response.context["rows"]) == 88
    assert response.context["map_config"]["breaks"] == sorted(response.context["map_config"]["breaks"])


def test_it_sorts_the_nil_table(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(personas.proximity)
    rows = client.get(reverse("territory:map"), {"ordina": "-minori"}).context["rows"]
    minors = [r.minors for r in rows]
    assert minors == sorted(minors, reverse=True)
    rows = client.get(reverse("territory:map"), {"ordina": "quota_minori"}).context["rows"]
    shares = [r.minors_share or 0 for r in rows]
    assert shares == sorted(shares)
    assert client.get(reverse("territory:map"), {"ordina": "bogus"}).context["sort"] == "nome"


def test_it_draws_without_tiles_when_none_are_configured(personas: Personas, client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_TILES_URL = ""
    response = client_as(personas.proximity).get(reverse("territory:map"))
    assert response.context["map_config"]["tilesUrl"] == ""


def test_it_serves_light_geojson(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(personas.proximity)
    data = client.get(reverse("territory:geojson")).json()
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("municipio") >= 9 and kinds.count("nil") >= 88
    duomo = next(f for f in data["features"] if f["properties"]["code"] == "MI-NIL-1")
    assert duomo["properties"]["minors"] > 0 and duomo["properties"]["parent"] == "Municipio 1"
    assert duomo["geometry"]["type"] in ("Polygon", "MultiPolygon")
    one = client.get(reverse("territory:geojson"), {"area": "MI-M8"}).json()
    codes = {f["properties"]["code"] for f in one["features"]}
    assert "MI-M8" in codes and "MI-NIL-76" in codes and "MI-NIL-1" not in codes
    assert client.get(reverse("territory:geojson"), {"area": "NOPE"}).status_code == 404


def test_it_shows_an_area_with_figures_children_and_places(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(personas.proximity)
    response = client.get(reverse("territory:area_detail", args=["MI-M8"]))
    html = response.content.decode()
    assert response.context["area"].code == "MI-M8"
    assert "Quarto Oggiaro - Vialba - Musocco" in html  # a child NIL
    assert reverse("territory:area_detail", args=["MI"]) in html  # the parent, in the breadcrumb
    assert "Sede di Municipio" in html and "Municipio 8" in html
    assert response.context["place_count"] > 0
    nil = client.get(reverse("territory:area_detail", args=["MI-NIL-14"]))
    assert "Niguarda - Ca&#x27; Granda" in nil.content.decode()
    assert "Prime cittadinanze straniere" in nil.content.decode()
    assert client.get(reverse("territory:area_detail", args=["NOPE"])).status_code == 404


def test_it_keeps_the_number_of_queries_flat(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(personas.proximity)
    for url in PAGES:
        client.get(url)  # warm sessions and caches
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) <= 16, url


def test_it_validates_geometry_edited_in_the_admin(client_as) -> None:  # type: ignore[no-untyped-def]
    from trama.accounts.models import User
    from trama.territory.models import Area

    admin = User.objects.create_superuser(email="root@test.trama.invalid", password="x" * 12, full_name="Root")
    client = client_as(admin)
    area = Area.objects.get(code="MI-NIL-1")
    url = reverse("admin:territory_area_change", args=[area.pk])
    assert client.get(url).status_code == 200
    form = {
        "kind": area.kind, "code": area.code, "name": area.name, "parent": area.parent_id,
        "geometry": '{"type": "Point", "coordinates": [9.19, 45.46]}', "demographics": "{}",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Polygon e MultiPolygon" in response.content.decode()
    form["geometry"] = ('{"type": "Polygon", "coordinates": [[[9.18, 45.46], [9.20, 45.46], [9.20, 45.47], '
                        '[9.18, 45.47], [9.18, 45.46]]]}')
    response = client.post(url, form)
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.area_km2 is not None and area.area_km2 < 2.0
    assert area.geometry_simplified is not None
