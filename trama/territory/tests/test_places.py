from __future__ import annotations

import pytest
from django.core.management import call_command

from trama.territory.models import Area, Place, PlaceKind

pytestmark = pytest.mark.usefixtures("milan_db")


def test_it_loads_every_kind_of_place() -> None:
    counts = {kind: Place.objects.filter(kind=kind).count() for kind in PlaceKind.values}
    assert counts == {
        PlaceKind.MUNICIPIO_HQ: 9,
        PlaceKind.SOCIAL_SERVICE_OFFICE: 19,
        PlaceKind.COMMUNITY_CENTRE: 34,
        PlaceKind.LIBRARY: 14,
        PlaceKind.SPORTS_FACILITY: 128,  # 407 facility × discipline rows at 128 locations
    }
    assert not Place.objects.filter(municipio__isnull=True).exists()
    assert not Place.objects.filter(nil__isnull=True).exists()


def test_it_is_idempotent() -> None:
    ids = set(Place.objects.values_list("id", flat=True))
    call_command("load_places", verbosity=0)
    assert set(Place.objects.values_list("id", flat=True)) == ids


def test_it_groups_sports_disciplines_by_facility() -> None:
    saini = Place.objects.get(kind=PlaceKind.SPORTS_FACILITY, name="Centro Sportivo Saini")
    for discipline in ("Atletica leggera", "Baseball", "Nuoto", "Softball", "Tennis"):
        assert discipline in saini.activities
    assert "Milanosport" in saini.notes
    assert saini.normalised_address == "Via Arcangelo Corelli 136, Milano"


def test_it_trusts_the_polygon_over_the_source_municipio() -> None:
    # ds629 says Municipio 3 for the Saini sports centre; its point lies in Municipio 4.
    saini = Place.objects.get(kind=PlaceKind.SPORTS_FACILITY, name="Centro Sportivo Saini")
    assert saini.municipio == Area.objects.get(code="MI-M4")
    assert "La fonte indica il Municipio 3" in saini.notes
    assert saini.nil is not None and saini.nil.parent is not None


def test_it_moves_a_misplaced_source_point_onto_its_house_number() -> None:
    # ds1303 gives the Municipio 4 office in Via Anfossi the coordinates of Via Sant'Arnaldo (Municipio 9).
    office = Place.objects.get(source="ds1303", address__startswith="Via Augusto Anfossi 25")
    assert office.municipio == Area.objects.get(code="MI-M4")
    assert office.normalised_address == "Via Augusto Anfossi 25, Milano"
    assert "distano" in office.notes and "45.525604" in office.notes
    arnaldo = Place.objects.get(source="ds1303", address__startswith="Via Sant’Arnaldo")
    assert arnaldo.municipio == Area.objects.get(code="MI-M9")
    assert "distano" not in arnaldo.notes


def test_it_keeps_contacts_hours_and_activities() -> None:
    hq = Place.objects.get(source="ds1299", external_id="7")
    assert hq.name.startswith("Municipio 7")
    assert hq.email == "M.Municipio7@comune.milano.it"
    assert hq.opening_hours
    assert "Mezzi pubblici" in hq.notes
    centre = Place.objects.get(source="ds3017", external_id="10")
    assert centre.name == "Casa di quartiere Sant'Uguzzone (CAM)"
    assert "giochi da tavolo" in centre.activities
    assert "Chiusura" in centre.opening_hours
    assert Place.objects.get(source="ds1299", external_id="6").link.startswith("https://")
