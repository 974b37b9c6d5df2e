from __future__ import annotations

import pytest

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import LocationType, RevisionAction, ServiceRevision
from trama.directory.tests.helpers import make_location, make_service
from trama.territory.models import Area, AreaKind


def test_it_geocodes_a_location_and_links_its_municipio_and_nil(personas: Personas) -> None:
    municipio = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M2", name="Municipio 2")
    nil = Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-20", name="Loreto - Casoretto - NoLo",
                              parent=municipio)
    location = make_location(personas, address_text="  via padova   36, 20127 Milano")
    assert location.address_text == "via padova 36, 20127 Milano"
    assert location.normalised_address == "Via Padova 36, Milano"
    assert location.postcode == "20127"
    assert location.latitude == pytest.approx(45.4889, abs=1e-3)
    assert (location.municipio, location.nil) == (municipio, nil)
    assert AuditEvent.objects.filter(action="directory.location.create", object_id=str(location.pk)).exists()
    revision = ServiceRevision.objects.get(location=location)
    assert revision.changes["normalised_address"] == [None, "Via Padova 36, Milano"]


def test_it_refuses_an_unknown_address_with_suggestions(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        make_location(personas, address_text="Via Padovva 36")
    assert info.value.field == "address_text"
    assert info.value.code == "address_not_found"
    assert "Forse intendevi" in info.value.message
    assert "Via Padova 36, Milano" in info.value.suggestions  # type: ignore[attr-defined]


def test_it_keeps_an_unlocated_address_when_asked(personas: Personas) -> None:
    location = make_location(personas, address_text="Piazza della Vittoria 1, Pavia", allow_unlocated=True)
    assert not location.has_point
    assert location.normalised_address == ""


def test_it_needs_an_address_for_a_physical_place_and_a_url_for_a_virtual_one(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        make_location(personas, address_text="")
    assert info.value.message == "Indica l'indirizzo della sede."
    with pytest.raises(ApplicationError) as info:
        services.location_create(by=None, maintainer=personas.ets_a, name="Online",
                                 location_type=LocationType.VIRTUAL)
    assert info.value.field == "url"
    online = services.location_create(by=None, maintainer=personas.ets_a, name="Online",
                                      location_type=LocationType.VIRTUAL, url="https://meet.example.org/alfa")
    assert not online.has_point


def test_it_geocodes_again_when_the_address_changes_and_keeps_the_history(personas: Personas) -> None:
    location = make_location(personas)
    services.location_update(location=location, by=personas.proximity, address_text="Viale Monza 12",
                             accessibility_notes="Ingresso senza gradini")
    location.refresh_from_db()
    assert location.normalised_address == "Viale Monza 12, Milano"
    revision = ServiceRevision.objects.get(location=location, action=RevisionAction.UPDATE)
    assert revision.by == personas.proximity
    assert revision.changes["address_text"] == ["Via Padova 36", "Viale Monza 12"]
    assert revision.changes["normalised_address"] == ["Via Padova 36, Milano", "Viale Monza 12, Milano"]
    assert revision.changes["accessibility_notes"] == ["", "Ingresso senza gradini"]
    with pytest.raises(ApplicationError):
        services.location_update(location=location, by=None, latitude=1.0)


def test_it_attaches_and_detaches_a_service_at_a_location(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    link = services.service_at_location_attach(service=service, location=location, by=personas.referent)
    with pytest.raises(ApplicationError) as info:
        services.service_at_location_attach(service=service, location=location, by=personas.referent)
    assert info.value.code == "duplicate"
    services.service_at_location_detach(link=link, by=personas.referent)
    assert not service.service_at_locations.exists()
    actions = list(ServiceRevision.objects.filter(object_type="directory.serviceatlocation")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == [RevisionAction.CREATE, RevisionAction.DELETE]
