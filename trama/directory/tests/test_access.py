"""Who sees and who edits directory records; what the public may know about a location."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import access, services
from trama.directory.api import ids
from trama.directory.models import Service, ServiceStatus
from trama.directory.tests.helpers import make_location, make_service
from trama.territory.models import Area, AreaKind


def test_it_lets_every_staff_member_read_every_service(personas: Personas) -> None:
    alfa = make_service(personas, name="Alfa")
    hidden = make_service(personas, name="Nascosto", is_public=False, status=ServiceStatus.DEFUNCT,
                          maintainer=personas.ets_other)
    for user in (personas.referent_other, personas.volunteer, personas.evaluator, personas.coordinator):
        assert set(access.services_visible_to(user)) == {alfa, hidden}
    assert access.get_service_for(personas.volunteer, alfa.pk) == alfa
    assert not access.services_visible_to(personas.nobody).exists()


def test_it_gives_404_to_who_may_not_see_and_audits_it(personas: Personas) -> None:
    service = make_service(personas)
    with pytest.raises(Http404):
        access.get_service_for(personas.nobody, service.pk)
    with pytest.raises(Http404):
        access.get_service_for(personas.referent, 999_999)
    event = AuditEvent.objects.filter(action="access.denied", object_type="directory.service").first()
    assert event is not None and event.details["status"] == 404


@pytest.mark.parametrize("key", ["referent", "officer", "coordinator", "admin"])
def test_it_lets_maintainers_and_city_roles_edit(personas: Personas, key: str) -> None:
    service = make_service(personas)
    assert access.get_service_for(getattr(personas, key), service.pk, write=True) == service


@pytest.mark.parametrize("key", ["referent_b", "referent_other", "proximity", "volunteer", "social_worker",
                                 "evaluator"])
def test_it_gives_403_to_who_sees_but_may_not_edit_and_audits_it(personas: Personas, key: str) -> None:
    service = make_service(personas)
    with pytest.raises(PermissionDenied):
        access.get_service_for(getattr(personas, key), service.pk, write=True)
    event = AuditEvent.objects.get(action="access.denied", object_id=str(service.pk))
    assert event.details == {"write": True, "status": 403}
    assert event.actor == getattr(personas, key)


def test_it_applies_the_same_rule_to_locations(personas: Personas) -> None:
    location = make_location(personas)
    assert access.get_location_for(personas.referent, location.pk, write=True) == location
    assert access.get_location_for(personas.referent_b, location.pk) == location
    with pytest.raises(PermissionDenied):
        access.get_location_for(personas.referent_b, location.pk, write=True)
    with pytest.raises(Http404):
        access.get_location_for(personas.nobody, location.pk)


def test_it_finds_a_location_link_only_under_its_service(personas: Personas) -> None:
    service = make_service(personas)
    other = make_service(personas, name="Altro")
    location = make_location(personas)
    link = services.service_at_location_attach(service=other, location=location, by=None)
    with pytest.raises(Http404):
        access.get_service_at_location_for(personas.referent, service, link.pk)
    assert access.get_service_at_location_for(personas.referent, other, link.pk) == link


def test_it_never_shows_a_confidential_address_publicly(personas: Personas) -> None:
    municipio = Area.objects.create(kind=AreaKind.MUNICIPIO, code="MI-M2", name="Municipio 2")
    Area.objects.create(kind=AreaKind.NIL, code="MI-NIL-20", name="Loreto", parent=municipio)
    shelter = make_location(personas, name="Casa rifugio", confidential_address=True)
    public = access.public_location_fields(shelter)
    assert public["name"] == "Casa rifugio"
    assert public["municipio"] == "Municipio 2"
    for field in ("address", "postcode", "latitude", "longitude", "nil"):
        assert public[field] is None
    assert "Padova" not in repr(public) and "45.4" not in repr(public)
    # Other organisations' staff get the public fields too; the maintainer and city-wide roles see everything.
    assert access.location_fields_for(personas.referent_b, shelter)["address"] is None
    assert access.location_fields_for(personas.evaluator, shelter)["latitude"] is None
    assert access.location_fields_for(personas.volunteer, shelter)["address"] == "Via Padova 36, Milano"
    assert access.location_fields_for(personas.coordinator, shelter)["nil"] == "Loreto"


def test_it_shows_an_ordinary_address_publicly(personas: Personas) -> None:
    location = make_location(personas)
    fields = access.public_location_fields(location)
    assert fields["address"] == "Via Padova 36, Milano"
    assert fields["latitude"] is not None


def test_it_exposes_only_active_public_services_to_the_portal(personas: Personas) -> None:
    shown = make_service(personas, name="Visibile")
    make_service(personas, name="Interno", is_public=False)
    make_service(personas, name="Cessato", status=ServiceStatus.DEFUNCT)
    make_service(personas, name="Sospeso", status=ServiceStatus.INACTIVE)
    assert list(access.public_services()) == [shown]
    location = make_location(personas)
    services.service_at_location_attach(service=shown, location=location, by=None)
    hidden = Service.objects.get(name="Interno")
    services.service_at_location_attach(service=hidden, location=location, by=None)
    assert [link.service for link in access.public_service_at_locations()] == [shown]
    assert [s.name for s in access.public_services_with_locations()] == ["Visibile"]


def test_a_deactivated_organisations_services_leave_the_portal_and_the_api(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    p = personas
    service = make_service(p, name="Sportello Beta", maintainer=p.ets_b)
    location = make_location(p, maintainer=p.ets_b, name="Sede Beta", postcode="20127")
    services.service_at_location_attach(service=service, location=location, by=None)
    assert client.get(f"/aiuto/servizi/{service.pk}/").status_code == 200
    assert client.get(f"/api/hsds/services/{service.hsds_id}").status_code == 200
    assert client.get(f"/api/hsds/organizations/{ids.organisation_id(p.ets_b.pk)}").status_code == 200
    type(p.ets_b).objects.filter(pk=p.ets_b.pk).update(is_active=False)
    assert service not in access.public_services() and not access.public_service_at_locations().exists()
    assert client.get(f"/aiuto/servizi/{service.pk}/").status_code == 404
    assert client.get(f"/api/hsds/services/{service.hsds_id}").status_code == 404
    assert client.get(f"/api/hsds/organizations/{ids.organisation_id(p.ets_b.pk)}").status_code == 404
    # Nor does a hidden service's place make the centre of a postcode search: a public service next door (at a
    # place without postcode) is not found around 20127, where no published place is.
    other = make_service(p, name="Doposcuola Alfa")
    services.service_at_location_attach(service=other, location=make_location(p), by=None)
    near = client.get("/api/hsds/services", {"postcode": "20127", "proximity": "2000"}).json()
    assert near["total_items"] == 0


def test_it_queues_stale_services_for_their_maintainers(personas: Personas) -> None:
    today = timezone.localdate()
    fresh = make_service(personas, name="Fresco")
    old_a = make_service(personas, name="Vecchio Alfa")
    old_b = make_service(personas, name="Vecchio Beta", maintainer=personas.ets_b)
    never = make_service(personas, name="Mai verificato")
    Service.objects.filter(pk__in=[old_a.pk, old_b.pk]).update(last_verified_on=today - dt.timedelta(days=200))
    Service.objects.filter(pk=never.pk).update(last_verified_on=None)
    defunct = make_service(personas, name="Cessato", status=ServiceStatus.DEFUNCT)
    Service.objects.filter(pk=defunct.pk).update(last_verified_on=today - dt.timedelta(days=400))

    assert list(access.stale_services_for(personas.referent)) == [never, old_a]
    assert list(access.stale_services_for(personas.referent_b)) == [old_b]
    assert set(access.stale_services_for(personas.coordinator)) == {never, old_a, old_b}
    assert not access.stale_services_for(personas.volunteer).exists()
    assert fresh not in access.stale_services_for(personas.coordinator)
    services.service_verify(service=old_a, by=personas.referent)
    assert list(services.stale_services_for(personas.referent)) == [never]


def test_it_lets_only_editors_create_records(personas: Personas) -> None:
    assert access.can_create_records(personas.referent)
    assert access.can_create_records(personas.coordinator)
    assert not access.can_create_records(personas.volunteer)
    assert not access.can_create_records(personas.nobody)
    assert access.editable_organisation_ids(personas.officer) == {personas.ets_a.pk}
