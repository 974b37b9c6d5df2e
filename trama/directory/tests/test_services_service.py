from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import RevisionAction, ServiceRevision, ServiceStatus, TargetGroup
from trama.directory.tests.helpers import make_service


def test_it_creates_a_service_verified_today_with_history_and_audit(personas: Personas) -> None:
    service = services.service_create(
        by=personas.referent, organisation=personas.ets_a, name="  Spazio   mamme ", minimum_age=0,
        maximum_age=6, requires_residency=False, is_free=True, requires_appointment=True,
    )
    assert service.name == "Spazio mamme"
    assert service.maintainer == personas.ets_a
    assert service.last_verified_on == timezone.localdate()
    assert service.verified_by == personas.referent
    revision = ServiceRevision.objects.get(service=service)
    assert revision.action == RevisionAction.CREATE
    assert revision.by == personas.referent
    assert revision.changes["name"] == [None, "Spazio mamme"]
    assert revision.changes["is_free"] == [None, True]
    assert AuditEvent.objects.filter(action="directory.service.create", object_id=str(service.pk)).exists()


def test_it_can_be_maintained_by_another_organisation(personas: Personas) -> None:
    service = services.service_create(by=personas.coordinator, organisation=personas.comune,
                                      maintainer=personas.ets_a, name="Sportello QuBì")
    assert (service.organisation, service.maintainer) == (personas.comune, personas.ets_a)


def test_it_refuses_invalid_services_in_italian(personas: Personas) -> None:
    with pytest.raises(ApplicationError) as info:
        services.service_create(by=None, organisation=personas.ets_a, name="   ")
    assert info.value.message == "Indica il nome del servizio."
    with pytest.raises(ApplicationError) as info:
        services.service_create(by=None, organisation=personas.ets_a, name="X", minimum_age=10, maximum_age=6)
    assert "età minima" in info.value.message
    with pytest.raises(ApplicationError) as info:
        services.service_create(by=None, organisation=personas.ets_a, name="X", translations={"de": {"name": "X"}})
    assert info.value.field == "translations"
    with pytest.raises(ApplicationError):
        services.service_create(by=None, organisation=personas.ets_a, name="X", hsds_id="x")


def test_it_records_which_fields_changed_from_what_to_what(personas: Personas) -> None:
    service = make_service(personas, description="Prima")
    services.service_update(service=service, by=personas.referent, description="Dopo",
                            status=ServiceStatus.TEMPORARILY_CLOSED, requires_isee=True, name="Doposcuola Alfa")
    revision = ServiceRevision.objects.filter(service=service, action=RevisionAction.UPDATE).get()
    assert revision.changes == {
        "description": ["Prima", "Dopo"],
        "status": ["active", "temporarily_closed"],
        "requires_isee": [False, True],
    }
    assert revision.by == personas.referent
    service.refresh_from_db()
    assert service.description == "Dopo"


def test_it_writes_nothing_when_nothing_changes(personas: Personas) -> None:
    service = make_service(personas, description="Uguale")
    services.service_update(service=service, by=personas.referent, description="Uguale")
    assert not ServiceRevision.objects.filter(service=service, action=RevisionAction.UPDATE).exists()


def test_it_keeps_the_history_of_target_groups(personas: Personas) -> None:
    service = make_service(personas)
    services.service_set_target_groups(service=service, by=personas.referent,
                                       target_groups=TargetGroup.objects.filter(code__in=["0-6", "famiglie"]))
    revision = ServiceRevision.objects.filter(service=service, action=RevisionAction.UPDATE).get()
    assert revision.changes == {"target_groups": [[], ["0-6", "famiglie"]]}


def test_it_verifies_a_service(personas: Personas) -> None:
    service = make_service(personas)
    old = timezone.localdate() - dt.timedelta(days=300)
    services.service_verify(service=service, by=personas.referent, on=old)
    assert service.is_stale
    services.service_verify(service=service, by=personas.proximity)
    service.refresh_from_db()
    assert not service.is_stale
    assert service.verified_by == personas.proximity
    assert ServiceRevision.objects.filter(service=service, action=RevisionAction.VERIFY).count() == 2
    with pytest.raises(ApplicationError):
        services.service_verify(service=service, by=None, on=timezone.localdate() + dt.timedelta(days=1))


def test_it_refuses_unknown_fields(personas: Personas) -> None:
    service = make_service(personas)
    with pytest.raises(ApplicationError) as info:
        services.service_update(service=service, by=None, last_verified_on=dt.date(2020, 1, 1))
    assert "last_verified_on" in info.value.message
