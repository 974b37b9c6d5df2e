from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from trama.core.testing import Personas
from trama.directory.models import Phone, Service, ServiceStatus, TargetGroup, TaxonomyTerm
from trama.directory.tests.helpers import make_service


def test_it_gives_term_labels_in_every_portal_language_with_italian_fallback(db: None) -> None:
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola.compiti")
    assert term.label("it") == "Aiuto compiti"
    assert term.label("en") == "Homework help"
    assert term.label("ar") == "المساعدة في الواجبات المدرسية"
    assert term.label("zh-hans") == "作业辅导"
    assert term.label("de") == "Aiuto compiti"  # not a portal language: Italian
    term.labels = {"it": "Aiuto compiti"}
    assert term.label("uk") == "Aiuto compiti"


def test_it_gives_service_texts_in_a_language_when_translated(personas: Personas) -> None:
    service = make_service(personas, description="Aiuto nei compiti",
                           translations={"en": {"description": "Homework help"}})
    assert service.translated("description", "en") == "Homework help"
    assert service.translated("description", "fr") == "Aiuto nei compiti"
    assert service.translated("name", "en") == "Doposcuola Alfa"
    with pytest.raises(ValueError):
        service.translated("email", "en")


def test_it_marks_services_not_verified_for_180_days_as_stale(personas: Personas) -> None:
    service = make_service(personas)
    today = timezone.localdate()
    assert not service.is_stale
    service.last_verified_on = today - dt.timedelta(days=180)
    assert not service.is_stale
    service.last_verified_on = today - dt.timedelta(days=181)
    assert service.is_stale
    service.last_verified_on = None
    assert service.is_stale
    service.status = ServiceStatus.DEFUNCT
    assert not service.is_stale


def test_it_lists_public_services_only_when_active_and_public(personas: Personas) -> None:
    active = make_service(personas, name="Attivo")
    make_service(personas, name="Non pubblico", is_public=False)
    make_service(personas, name="Chiuso", status=ServiceStatus.TEMPORARILY_CLOSED)
    assert list(Service.objects.public()) == [active]


def test_it_has_hsds_uuids_and_target_groups(personas: Personas) -> None:
    groups = TargetGroup.objects.filter(code__in=["0-6", "neomamme"])
    service = make_service(personas, target_groups=groups)
    assert len(str(service.hsds_id)) == 36
    assert {g.code for g in service.target_groups.all()} == {"0-6", "neomamme"}
    assert TargetGroup.objects.get(code="0-6").label("fr") == "Enfants 0-6 ans"


def test_it_refuses_a_phone_without_owner_in_the_database(db: None) -> None:
    with pytest.raises(IntegrityError):
        Phone.objects.create(number="02 1234")
