from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from trama.territory.models import Area, AreaKind

pytestmark = pytest.mark.django_db


def square(lon: float, lat: float, size: float = 0.05) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def comune(name: str, istat: str, geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"COMUNE": name, "PRO_COM": istat}, "geometry": geometry}


def write(tmp_path: Path, features: list[dict[str, Any]], **extra: Any) -> str:
    path = tmp_path / "comuni.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}), encoding="utf-8")
    return str(path)


@pytest.fixture
def ambito() -> Area:
    return Area.objects.create(kind=AreaKind.AMBITO, code="T-AMB-PV", name="Ambito di Pavia (test)")


def load(path: str, **options: Any) -> None:
    call_command("load_areas", path, kind="comune", name_field="COMUNE", code_field="PRO_COM", verbosity=0,
                 **options)


def test_it_loads_valid_comuni_under_a_parent(tmp_path: Path, ambito: Area) -> None:
    path = write(tmp_path, [
        comune("Pavia", "018110", square(9.10, 45.15)),
        comune("San Genesio ed Uniti", "018137", {"type": "MultiPolygon", "coordinates": [
            square(9.20, 45.20)["coordinates"], square(9.30, 45.20)["coordinates"]]}),
    ], crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}})
    load(path, parent="T-AMB-PV")
    pavia = Area.objects.get(code="T-AMB-PV-018110")
    assert (pavia.name, pavia.kind, pavia.parent) == ("Pavia", AreaKind.COMUNE, ambito)
    assert pavia.area_km2 == pytest.approx(21.8, rel=0.02)
    assert pavia.centroid_lat == pytest.approx(45.175)
    geometry = Area.objects.get(code="T-AMB-PV-018137").geometry
    assert geometry is not None and geometry["type"] == "MultiPolygon"


def test_it_is_idempotent_and_honours_the_code_prefix(tmp_path: Path) -> None:
    path = write(tmp_path, [comune("Pavia", "018110", square(9.10, 45.15))])
    load(path, code_prefix="ISTAT-")
    first = Area.objects.get(code="ISTAT-018110")
    load(path, code_prefix="ISTAT-")
    assert Area.objects.filter(code__startswith="ISTAT-").count() == 1
    assert Area.objects.get(code="ISTAT-018110").pk == first.pk


def test_it_codes_areas_by_name_without_a_code_field(tmp_path: Path, ambito: Area) -> None:
    path = write(tmp_path, [comune("Cura Carpignano", "", square(9.10, 45.15))])
    call_command("load_areas", path, kind="comune", name_field="COMUNE", parent="T-AMB-PV", verbosity=0)
    assert Area.objects.get(code="T-AMB-PV-CURA-CARPIGNANO").name == "Cura Carpignano"


BAD_CASES = [
    pytest.param(comune("Punto", "3", {"type": "Point", "coordinates": [9.1, 45.1]}), "Polygon e MultiPolygon",
                 id="point"),
    pytest.param(comune("Aperto", "3", {"type": "Polygon", "coordinates": [
        [[9.1, 45.1], [9.2, 45.1], [9.2, 45.2], [9.1, 45.2]]]}), "non è chiuso", id="open-ring"),
    pytest.param(comune("Infinito", "3", {"type": "Polygon", "coordinates": [
        [[9.1, 45.1], [math.inf, 45.1], [9.2, 45.2], [9.1, 45.1]]]}), "non finita", id="infinite"),
    pytest.param(comune("Lontano", "3", square(190.0, 45.1)), "fuori dagli intervalli", id="out-of-range"),
    pytest.param(comune("Farfalla", "3", {"type": "Polygon", "coordinates": [
        [[9.1, 45.1], [9.2, 45.2], [9.2, 45.1], [9.1, 45.2], [9.1, 45.1]]]}), "non è valida", id="bow-tie"),
    pytest.param(comune("", "3", square(9.3, 45.1)), "il nome", id="empty-name"),
    pytest.param(comune("Senza geometria", "3", None), "geometria mancante", id="no-geometry"),
    pytest.param(comune("Doppione", "1", square(9.3, 45.1)), "già usato dall'elemento 0", id="duplicate-code"),
]


@pytest.mark.parametrize(("bad_feature", "fragment"), BAD_CASES)
def test_it_rejects_a_malformed_feature_and_loads_nothing(
    tmp_path: Path, bad_feature: dict[str, Any], fragment: str
) -> None:
    path = write(tmp_path, [comune("Buono", "1", square(9.0, 45.0)), comune("Altro", "2", square(9.1, 45.0)),
                            bad_feature])
    before = Area.objects.count()
    with pytest.raises(CommandError) as raised:
        load(path, code_prefix="T-")
    message = str(raised.value)
    assert "Nessuna area caricata" in message
    assert "elemento 2" in message  # the feature's index in the file
    assert fragment in message
    assert Area.objects.count() == before


def test_it_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, [comune("", "1", square(9.0, 45.0)), comune("B", "2", square(300.0, 45.0))])
    with pytest.raises(CommandError) as raised:
        load(path, code_prefix="T-")
    assert "elemento 0" in str(raised.value)
    assert "elemento 1 («B»)" in str(raised.value)


def test_it_rejects_files_that_are_not_usable(tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.geojson"
    bad_json.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="non è un file JSON valido"):
        load(str(bad_json))
    with pytest.raises(CommandError, match="FeatureCollection"):
        path = tmp_path / "feature.geojson"
        path.write_text(json.dumps(comune("A", "1", square(9.0, 45.0))), encoding="utf-8")
        load(str(path))
    with pytest.raises(CommandError, match="EPSG:4326"):
        load(write(tmp_path, [comune("A", "1", square(9.0, 45.0))],
                   crs={"type": "name", "properties": {"name": "EPSG:3003"}}))
    with pytest.raises(CommandError, match="l'area superiore NOPE non esiste"):
        load(write(tmp_path, [comune("A", "1", square(9.0, 45.0))]), parent="NOPE")
    with pytest.raises(CommandError, match="«features» vuoto"):
        load(write(tmp_path, []))
    assert not Area.objects.filter(code__in=["1", "NOPE-1"]).exists()


def test_it_refuses_to_turn_an_existing_area_into_another_kind(tmp_path: Path) -> None:
    Area.objects.create(kind=AreaKind.NIL, code="T-1", name="Un NIL")
    with pytest.raises(CommandError, match="appartiene già a un'area di tipo nil"):
        load(write(tmp_path, [comune("A", "1", square(9.0, 45.0))]), code_prefix="T-")
    assert Area.objects.get(code="T-1").kind == AreaKind.NIL
