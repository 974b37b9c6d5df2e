"""Area and place names come from open data, `load_areas` and the admin: they must reach every page and every map
popup or tooltip as text, never as HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trama.core.testing import Personas
from trama.territory.models import Area, Place, PlaceKind
from trama.territory.services import areas_load_geojson

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
STATIC = Path(__file__).resolve().parents[1] / "static" / "territory"
MAP_JS = STATIC / "map.js"
HARNESS = Path(__file__).with_name("map_js_harness.js")


def _js_sources() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(STATIC.glob("*.js"))}


def _code(source: str) -> str:
    """The script without its comments (block comments and whole-line // comments)."""
    return re.sub(r"(?m)^\s*//.*$", "", re.sub(r"/\*.*?\*/", "", source, flags=re.S))


# --- The script itself --------------------------------------------------------------------------------------


def test_it_hands_leaflet_only_nodes_built_from_text() -> None:
    """Leaflet inserts a string content with innerHTML: every bindPopup/bindTooltip/setContent argument must be
    one of the builders that make DOM nodes with textContent."""
    source = _code(MAP_JS.read_text(encoding="utf-8"))
    calls = re.findall(r"\.(bindPopup|bindTooltip|setContent|setPopupContent|setTooltipContent)\(\s*([^,)]*)",
                       source)
    assert calls, "map.js binds popups and tooltips"
    for api, argument in calls:
        assert re.fullmatch(r"(tooltipFor|popupFor|placePopupFor)\(.*", argument), (api, argument)
    for builder in ("tooltipFor", "popupFor", "placePopupFor"):
        body = re.search(rf"function {builder}\(.*?\n  \}}", source, re.S)
        assert body is not None, builder
        assert "textContent" in body.group() or "text(" in body.group(), builder


@pytest.mark.parametrize("name", sorted(_js_sources()))
def test_it_uses_no_html_sinks_in_the_territory_scripts(name: str) -> None:
    source = _code(_js_sources()[name])
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "L.popup(", "L.tooltip(",
                 "eval(", "new Function"):
        assert sink not in source, f"{name} uses {sink}"


# --- Pages and the map, with a hostile area and place --------------------------------------------------------


@pytest.fixture
def hostile(milan_db: None) -> Area:
    """A NIL named like an XSS payload inside Municipio 8, loaded the way `load_areas` does, with a place."""
    lon, lat = 9.10, 45.50
    areas_load_geojson(
        collection={"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"NOME": HOSTILE, "ID": "X1"},
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.002, lat], [lon + 0.002, lat + 0.002],
                                                             [lon, lat + 0.002], [lon, lat]]]},
        }]},
        kind="nil", name_field="NOME", code_field="ID", parent_code="MI-M8",
    )
    area = Area.objects.get(code="MI-M8-X1")
    Area.objects.filter(pk=area.pk).update(residents=100, minors=10)
    Place.objects.create(
        name=HOSTILE, kind=PlaceKind.LIBRARY, address=f"Via {HOSTILE} 1", latitude=lat + 0.001,
        longitude=lon + 0.001, municipio=area.parent, nil=area, url="javascript:alert(1)", email=HOSTILE,
        opening_hours=HOSTILE, activities=HOSTILE, source="test", external_id="xss",
    )
    return area


@pytest.mark.parametrize("page", ["map", "municipio", "nil"])
def test_it_serves_a_hostile_area_name_escaped(hostile: Area, personas: Personas, client_as, page: str) -> None:  # type: ignore[no-untyped-def]
    url = {
        "map": reverse("territory:map"),
        "municipio": reverse("territory:area_detail", args=["MI-M8"]),
        "nil": reverse("territory:area_detail", args=[hostile.code]),
    }[page]
    response = client_as(personas.volunteer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert HOSTILE not in html
    assert "<img" not in html
    assert ESCAPED in html
    assert 'href="javascript:' not in html
    # The map configuration (place names) is JSON inside <script type="application/json">, with < escaped.
    config = re.search(r'<script id="territory-map-config" type="application/json">(.*?)</script>', html, re.S)
    assert config is not None and "<" not in config.group(1)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run map.js")
@pytest.mark.parametrize("page", ["municipio", "nil"])
def test_it_shows_hostile_names_as_text_in_map_popups_and_tooltips(
    hostile: Area, personas: Personas, client_as, tmp_path: Path, page: str,  # type: ignore[no-untyped-def]
) -> None:
    """map.js run on the server's own configuration and GeoJSON, with a fake DOM that serialises like a browser."""
    client: Client = client_as(personas.volunteer)
    code = "MI-M8" if page == "municipio" else hostile.code
    config = client.get(reverse("territory:area_detail", args=[code])).context["map_config"]
    geojson = client.get(reverse("territory:geojson"), {"area": code}).json()
    if page == "nil":  # the focused area gets no popup: show it as a child too, to exercise the popup
        config = {**config, "focus": None}
    inserted = _run_map_js(tmp_path, config, geojson)
    hostile_html = [i for i in inserted if "onerror" in i["html"]]
    apis = {(i["kind"], i["api"]) for i in hostile_html}
    assert ("area", "bindTooltip") in apis and ("area", "bindPopup") in apis and ("place", "bindPopup") in apis
    for item in inserted:
        assert "<img" not in item["html"], item
    assert all(ESCAPED in i["html"] for i in hostile_html)


def _run_map_js(tmp_path: Path, config: dict[str, Any], geojson: dict[str, Any]) -> list[dict[str, str]]:
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps({"config": config, "geojson": geojson}), encoding="utf-8")
    node = shutil.which("node")
    assert node is not None
    completed = subprocess.run(  # noqa: S603 - fixed arguments: node, two files of this repository, a temp file
        [node, str(HARNESS), str(MAP_JS), str(fixture)], capture_output=True, text=True, timeout=30, check=True,
    )
    output = json.loads(completed.stdout)
    assert output["error"] is None
    inserted: list[dict[str, str]] = output["inserted"]
    assert inserted
    return inserted
