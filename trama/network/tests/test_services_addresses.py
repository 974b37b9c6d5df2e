"""Addresses are geocoded with the territory module's offline gazetteer of Milan (trama.territory.geocoder),
which reads the project's own data files: no network access and no Milan areas needed in the database."""

from __future__ import annotations

import pytest

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.territory.models import Area, AreaKind


def test_it_geocodes_an_address_and_links_its_municipio_and_nil(personas: Personas) -> None:
    municipio = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M2", name="Municipio 2")
    nil = Area.objects.create(
        kind=AreaKind.NIL, code="MI-NIL-20", name="Loreto - Casoretto - NoLo", parent=municipio
    )
    address = services.organisation_address_add(
        organisation=personas.ets_a,
        by=personas.referent,
        address_text="  via   padova 36 ",
        label="Sede operativa",
    )
    assert address.address_text == "via padova 36"
    assert address.normalised == "Via Padova 36, Milano"
    assert address.latitude == pytest.approx(45.4889, abs=1e-3)
    assert address.longitude == pytest.approx(9.2205, abs=1e-3)
    assert (address.municipio, address.nil) == (municipio, nil)
    # A seat in a municipio means the organisation works there.
    assert municipio in personas.ets_a.municipi.all()
    assert AuditEvent.objects.filter(action="network.address.add", object_id=str(address.pk)).exists()


def test_it_geocodes_without_the_milan_areas_loaded(personas: Personas) -> None:
    address = services.organisation_address_add(
        organisation=personas.ets_a, by=None, address_text="Via Padova 36"
    )
    assert address.has_point
    assert address.municipio is None


def test_it_refuses_an_unknown_address_listing_suggestions_in_italian(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_address_add(organisation=personas.ets_a, by=None, address_text="Via Padovva 36")
    assert info.value.field == "address_text"
    assert "Forse intendevi" in info.value.message
    assert "Via Padova 36, Milano" in info.value.message
    assert not personas.ets_a.addresses.exists()


def test_it_keeps_an_address_outside_the_gazetteer_when_asked(personas: Personas) -> None:
    address = services.organisation_address_add(
        organisation=personas.ets_a,
        by=None,
        address_text="Piazza della Vittoria 1, Pavia",
        allow_unlocated=True,
    )
    assert not address.has_point
    assert address.normalised == ""


def test_it_removes_an_address(personas: Personas) -> None:
    address = services.organisation_address_add(
        organisation=personas.ets_a, by=None, address_text="Via Padova 36"
    )
    services.organisation_address_remove(address=address, by=None)
    assert not personas.ets_a.addresses.exists()
    assert AuditEvent.objects.filter(action="network.address.remove").exists()


def test_it_refuses_an_empty_address(personas: Personas) -> None:
    with pytest.raises(ApplicationError):
        services.organisation_address_add(organisation=personas.ets_a, by=None, address_text="   ")
