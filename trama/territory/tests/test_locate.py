from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from trama.territory import locate, locate_many
from trama.territory.locator import locate_ids
from trama.territory.models import Area, AreaKind, Place, PlaceKind
from trama.territory.services import area_set_geometry

pytestmark = pytest.mark.usefixtures("milan_db")

DUOMO = (45.46418, 9.19057)
QUARTO_OGGIARO = (45.5170, 9.1370)
OUTSIDE = (45.60, 9.40)  # north-east of Milan


def test_it_finds_the_municipio_and_nil_of_a_point() -> None:
    municipio, nil = locate(*DUOMO)
    assert (municipio.code, nil.code, nil.name) == ("MI-M1", "MI-NIL-1", "Duomo")
    municipio, nil = locate(*QUARTO_OGGIARO)
    assert (municipio.code, nil.code) == ("MI-M8", "MI-NIL-76")


def test_it_returns_none_outside_milan() -> None:
    assert locate(*OUTSIDE) == (None, None)


def test_it_works_in_bulk_with_the_same_answers() -> None:
    rng = np.random.default_rng(7)
    lats = rng.uniform(45.38, 45.54, 300)
    lons = rng.uniform(9.04, 9.28, 300)
    bulk = locate_many(list(zip(lats, lons, strict=True)))
    for i in range(0, 300, 37):
        assert bulk[i] == locate(lats[i], lons[i])
    municipi, nils = locate_ids(lats, lons)
    assert [a.pk if a else -1 for a, _ in bulk] == municipi.tolist()
    assert [n.pk if n else -1 for _, n in bulk] == nils.tolist()
    assert (municipi >= 0).sum() > 150  # most of the bbox is Milan


def test_it_puts_every_municipio_headquarters_in_its_own_municipio() -> None:
    headquarters = Place.objects.filter(kind=PlaceKind.MUNICIPIO_HQ, source="ds1299")
    assert headquarters.count() == 9
    for hq in headquarters:
        municipio, nil = locate(hq.latitude, hq.longitude)
        assert municipio is not None and municipio.code == f"MI-M{hq.external_id}"
        assert nil is not None and nil.parent is not None
        assert hq.municipio == municipio


def test_it_notices_changed_areas() -> None:
    assert locate(*OUTSIDE) == (None, None)
    extra = Area(kind=AreaKind.NIL, code="T-NIL-OUT", name="NIL di prova")
    lat, lon = OUTSIDE
    area_set_geometry(extra, {"type": "Polygon", "coordinates": [[
        [lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01], [lon - 0.01, lat + 0.01],
        [lon - 0.01, lat - 0.01]]]})
    extra.save()
    assert locate(*OUTSIDE) == (None, extra)
    # Moving the boundary elsewhere (same count, same ids) is seen too.
    area_set_geometry(extra, {"type": "Polygon", "coordinates": [[
        [0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]]})
    extra.save()
    assert locate(*OUTSIDE) == (None, None)


def test_it_notices_changes_made_by_another_process() -> None:
    # queryset.update() sends no signal, like a change made by another app server: the fingerprint sees it.
    nil = Area.objects.get(code="MI-NIL-1")
    assert locate(*DUOMO)[1] == nil
    lat, lon = OUTSIDE
    Area.objects.filter(pk=nil.pk).update(updated_at=timezone.now(), geometry={"type": "Polygon", "coordinates": [[
        [lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01], [lon - 0.01, lat + 0.01],
        [lon - 0.01, lat - 0.01]]]})
    assert locate(*DUOMO)[1] is None
    assert locate(*OUTSIDE)[1] == nil


def test_it_has_a_locate_command_printing_json() -> None:
    out = StringIO()
    call_command("locate", str(DUOMO[0]), str(DUOMO[1]), stdout=out)
    assert json.loads(out.getvalue()) == {
        "municipio": "Municipio 1", "municipio_code": "MI-M1", "nil": "Duomo", "nil_id": 1, "nil_code": "MI-NIL-1",
    }
    out = StringIO()
    call_command("locate", str(OUTSIDE[0]), str(OUTSIDE[1]), stdout=out)
    assert json.loads(out.getvalue())["nil"] is None
