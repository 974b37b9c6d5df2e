from __future__ import annotations

from decimal import Decimal

import pytest

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import (
    Attribute,
    DocumentKind,
    Language,
    Phone,
    RevisionAction,
    ServiceRevision,
    TaxonomyTerm,
)
from trama.directory.tests.helpers import make_location, make_service


def test_it_adds_and_removes_phones_with_history(personas: Personas) -> None:
    service = make_service(personas)
    phone = services.phone_add(by=personas.referent, service=service, number=" 02  8845 1234 ",
                               description="Segreteria")
    assert phone.number == "02 8845 1234"
    assert phone.tel_uri == "tel:0288451234"
    with pytest.raises(ApplicationError) as info:
        services.phone_add(by=None, service=service, number="ab")
    assert info.value.field == "number"
    services.phone_remove(phone=phone, by=personas.referent)
    assert not Phone.objects.exists()
    actions = list(ServiceRevision.objects.filter(service=service, object_type="directory.phone")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == [RevisionAction.CREATE, RevisionAction.DELETE]
    assert AuditEvent.objects.filter(action="directory.phone.remove").exists()


def test_it_adds_contacts_with_phones(personas: Personas) -> None:
    service = make_service(personas)
    contact = services.contact_add(by=None, service=service, name="Marta Rossi", email="marta@example.org")
    phone = services.phone_add(by=None, contact=contact, number="333 1234567")
    assert ServiceRevision.objects.filter(service=service, object_type="directory.phone").exists()
    assert list(contact.phones.all()) == [phone]
    with pytest.raises(ApplicationError):
        services.contact_add(by=None, service=service)
    services.contact_remove(contact=contact, by=None)


def test_it_adds_languages_by_iso_639_code(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    services.language_add(by=None, service=service, code="AR", name="Arabo", note="Il martedì")
    services.language_add(by=None, location=location, code="tir", name="Tigrino")
    assert set(Language.objects.values_list("code", flat=True)) == {"ar", "tir"}
    with pytest.raises(ApplicationError) as info:
        services.language_add(by=None, service=service, code="ar")
    assert info.value.code == "duplicate"
    with pytest.raises(ApplicationError) as info:
        services.language_add(by=None, service=service, code="arabic")
    assert "ISO 639" in info.value.message


def test_it_adds_costs_documents_areas_and_accessibility(personas: Personas) -> None:
    service = make_service(personas)
    location = make_location(personas)
    cost = services.cost_option_add(service=service, by=None, option="Quota mensile", amount=Decimal("10.50"))
    assert ServiceRevision.objects.get(object_type="directory.costoption").changes["amount"] == [None, "10.50"]
    with pytest.raises(ApplicationError):
        services.cost_option_add(service=service, by=None, amount=Decimal("-1"))
    document = services.required_document_add(service=service, by=None, kind=DocumentKind.ISEE)
    assert document.document == "Attestazione ISEE"
    with pytest.raises(ApplicationError):
        services.required_document_add(service=service, by=None)
    area = services.service_area_add(service=service, by=None, area=personas.municipio8)
    assert area.name == "Municipio 8"
    access = services.accessibility_add(location=location, by=None, description="Ingresso senza gradini")
    assert ServiceRevision.objects.filter(location=location, object_type="directory.accessibility").exists()
    services.cost_option_remove(cost_option=cost, by=None)
    services.required_document_remove(required_document=document, by=None)
    services.service_area_remove(service_area=area, by=None)
    services.accessibility_remove(accessibility=access, by=None)
    assert not service.cost_options.exists() and not service.required_documents.exists()


def test_it_assigns_taxonomy_terms_once(personas: Personas) -> None:
    service = make_service(personas)
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola.compiti")
    line = TaxonomyTerm.objects.get(taxonomy__code="linee-azione", code="prossimita")
    services.taxonomy_term_assign(service=service, term=term, by=personas.referent)
    services.taxonomy_term_assign(service=service, term=line, by=personas.referent)
    with pytest.raises(ApplicationError) as info:
        services.taxonomy_term_assign(service=service, term=term, by=personas.referent)
    assert "Aiuto compiti" in info.value.message
    assert set(Attribute.objects.filter(service=service).values_list("term__code", flat=True)) == {
        "doposcuola.compiti", "prossimita"}
    services.taxonomy_term_unassign(service=service, term=term, by=personas.referent)
    with pytest.raises(ApplicationError):
        services.taxonomy_term_unassign(service=service, term=term, by=personas.referent)
    assert ServiceRevision.objects.filter(service=service, object_type="directory.attribute").count() == 3
