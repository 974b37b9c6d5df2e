from __future__ import annotations

import pytest
from django.core.management import call_command

from trama.core.models import AuditEvent
from trama.territory.models import Area, AreaKind

pytestmark = pytest.mark.usefixtures("milan_db")


def test_it_loads_the_city_9_municipi_and_88_nil() -> None:
    city = Area.objects.get(code="MI")
    assert (city.name, city.kind, city.parent) == ("Milano", AreaKind.CITY, None)
    municipi = Area.objects.filter(kind=AreaKind.MUNICIPIO, code__startswith="MI-")
    assert sorted(municipi.values_list("code", flat=True)) == sorted(f"MI-M{n}" for n in range(1, 10))
    assert set(municipi.values_list("name", flat=True)) == {f"Municipio {n}" for n in range(1, 10)}
    assert set(municipi.values_list("parent__code", flat=True)) == {"MI"}
    nil = Area.objects.filter(kind=AreaKind.NIL, code__startswith="MI-NIL-")
    assert nil.count() == 88
    assert set(nil.values_list("parent__kind", flat=True)) == {AreaKind.MUNICIPIO}


def test_it_sums_the_2024_population_up_the_tree() -> None:
    city = Area.objects.get(code="MI")
    assert (city.residents, city.minors, city.foreign_residents) == (1_407_044, 196_577, 300_595)
    assert city.population_year == 2024
    nil = Area.objects.filter(kind=AreaKind.NIL, code__startswith="MI-NIL-")
    assert sum(a.residents or 0 for a in nil) == 1_407_044
    assert sum(a.minors or 0 for a in nil) == 196_577
    municipi = list(Area.objects.filter(kind=AreaKind.MUNICIPIO, code__startswith="MI-"))
    for municipio in municipi:
        children = list(municipio.children.all())
        assert municipio.residents == sum(c.residents or 0 for c in children)
        assert municipio.minors == sum(c.minors or 0 for c in children)
        assert municipio.households == sum(c.households or 0 for c in children)
    assert sum(m.residents or 0 for m in municipi) == 1_407_044


def test_it_gives_nil_readable_names_and_the_municipio_with_the_largest_overlap() -> None:
    niguarda = Area.objects.get(code="MI-NIL-14")
    assert niguarda.name == "Niguarda - Ca' Granda - Prato Centenaro - Q.re Fulvio Testi"
    assert Area.objects.get(code="MI-NIL-22").name == "Città Studi"
    quarto_oggiaro = Area.objects.get(code="MI-NIL-76")
    assert quarto_oggiaro.name == "Quarto Oggiaro - Vialba - Musocco"
    assert quarto_oggiaro.parent.code == "MI-M8"
    assert Area.objects.get(code="MI-NIL-1").parent.code == "MI-M1"  # Duomo
    assert Area.objects.get(code="MI-NIL-35").parent.code == "MI-M4"  # Lodi - Corvetto


def test_it_fixes_mis_encoded_citizenships() -> None:
    countries = {
        c["country"]
        for area in Area.objects.filter(kind=AreaKind.NIL, code__startswith="MI-NIL-")
        for c in area.demographics["top_citizenships"]
    }
    assert "Perù" in countries
    assert not any("—" in c or "?" in c for c in countries)


def test_it_computes_geometry_figures_from_the_polygons() -> None:
    duomo = Area.objects.get(code="MI-NIL-1")
    # The source's own planar Shape_Area is 2.3416 km² (projected, scale factor ~0.9992).
    assert duomo.area_km2 == pytest.approx(2.3416, rel=2e-3)
    assert duomo.bbox_min_lon is not None and duomo.bbox_max_lon is not None and duomo.centroid_lon is not None
    assert duomo.bbox_min_lat is not None and duomo.bbox_max_lat is not None and duomo.centroid_lat is not None
    assert duomo.bbox_min_lon < duomo.centroid_lon < duomo.bbox_max_lon
    assert duomo.bbox_min_lat < duomo.centroid_lat < duomo.bbox_max_lat
    assert duomo.geometry is not None and duomo.geometry["type"] == "Polygon"
    assert duomo.geometry_simplified is not None and duomo.geometry_simplified["type"] in ("Polygon", "MultiPolygon")
    total = sum(a.area_km2 or 0 for a in Area.objects.filter(kind=AreaKind.NIL, code__startswith="MI-NIL-"))
    assert total == pytest.approx(181.9, abs=0.5)
    assert Area.objects.get(code="MI").area_km2 == pytest.approx(total, rel=1e-3)


def test_it_is_idempotent() -> None:
    before = dict(Area.objects.filter(code__startswith="MI").values_list("code", "id"))
    events = AuditEvent.objects.filter(action="territory.milano_loaded").count()
    call_command("load_milano", verbosity=0)
    after = dict(Area.objects.filter(code__startswith="MI").values_list("code", "id"))
    assert after == before
    assert Area.objects.get(code="MI").residents == 1_407_044
    assert AuditEvent.objects.filter(action="territory.milano_loaded").count() == events + 1
