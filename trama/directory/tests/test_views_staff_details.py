"""The service page's detail forms (phones, contacts, languages, costs, documents, areas, accessibility, action
lines), the translations form and editing a place."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.forms import clean_phone_number
from trama.directory.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Phone,
    RequiredDocument,
    RevisionAction,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceRevision,
    TaxonomyTerm,
)
from trama.directory.tests.helpers import make_location, make_service

ClientAs = Callable[..., Client]
HTMX = {"HX-Request": "true"}


def _add(service: Service, kind: str) -> str:
    return reverse("directory:detail_add", args=[service.pk, kind])


def _remove(service: Service, kind: str, pk: int) -> str:
    return reverse("directory:detail_remove", args=[service.pk, kind, pk])


def _detail(service: Service) -> str:
    return reverse("directory:service_detail", args=[service.pk])


def _with_place(p: Personas, **fields: Any) -> tuple[Service, ServiceAtLocation]:
    service = make_service(p, **fields)
    link = services.service_at_location_attach(service=service, location=make_location(p), by=p.referent)
    return service, link


def _revisions(service: Service, object_type: str, action: str) -> int:
    return ServiceRevision.objects.filter(service=service, object_type=object_type, action=action).count()


# --- Phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "kept"), [
    ("02 8845 1234", "02 8845 1234"),
    ("+39 02 88451234", "+39 02 88451234"),
    ("0039 340 123 4567", "+39 340 123 4567"),
    ("340/123.45.67", "340 123 45 67"),
    ("(02) 1234-5678", "02 1234 5678"),
    ("800 123 456", "800 123 456"),
    ("1522", "1522"),
    ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
])
def test_it_accepts_italian_and_international_numbers(typed: str, kept: str) -> None:
    assert clean_phone_number(typed) == kept


@pytest.mark.parametrize("typed", ["12", "02 12", "abc 1234", "+39 1522", "3401234", "9123456", "02+1234567",
                                   "+1 23", ""])
def test_it_refuses_what_is_not_a_phone_number(typed: str) -> None:
    with pytest.raises(forms.ValidationError):
        clean_phone_number(typed)


def test_it_adds_a_phone_to_the_service_and_to_one_of_its_places(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    client = client_as(personas.referent)
    response = client.post(_add(service, "phones"), {"phone-number": "0039 02 8845 1234", "phone-type": "voice",
                                                     "phone-description": "Segreteria"})
    assert response.status_code == 302
    assert response["Location"] == f"{_detail(service)}#detail-phones"
    phone = Phone.objects.get(service=service)
    assert (phone.number, phone.description) == ("+39 02 8845 1234", "Segreteria")
    client.post(_add(service, "phones"), {"phone-number": "340 1234567", "phone-type": "cell",
                                          "phone-where": str(link.pk)})
    assert Phone.objects.get(service_at_location=link).type == "cell"
    page = client.get(_detail(service)).content.decode()
    assert "+39 02 8845 1234" in page and "340 1234567" in page
    assert _revisions(service, "directory.phone", RevisionAction.CREATE) == 2
    assert AuditEvent.objects.filter(action="directory.phone.add", actor=personas.referent).count() == 2


def test_it_explains_a_wrong_number_in_italian_and_keeps_what_was_typed(personas: Personas,
                                                                        client_as: ClientAs) -> None:
    service = make_service(personas)
    response = client_as(personas.referent).post(_add(service, "phones"), {
        "phone-number": "02 12", "phone-type": "voice", "phone-description": "Solo il martedì"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Numero di telefono non valido" in content
    assert 'value="Solo il martedì"' in content
    assert not Phone.objects.exists()


def test_htmx_answers_with_the_section_alone(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    added = client.post(_add(service, "phones"), {"phone-number": "02 4567 8901", "phone-type": "voice"}, headers=HTMX)
    content = added.content.decode()
    assert added.status_code == 200
    assert content.lstrip().startswith('<section id="detail-phones"')
    assert "Telefono aggiunto." in content and "02 4567 8901" in content
    assert "<html" not in content
    wrong = client.post(_add(service, "phones"), {"phone-number": "1", "phone-type": "voice"}, headers=HTMX).content
    assert b"Numero di telefono non valido" in wrong and b"<details class=\"trama-detail-add\" open>" in wrong
    phone = Phone.objects.get()
    removed = client.post(_remove(service, "phones", phone.pk), headers=HTMX).content.decode()
    assert "Telefono rimosso." in removed and "02 4567 8901" not in removed
    assert not Phone.objects.exists()


def test_it_removes_a_phone_with_a_revision(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    phone = services.phone_add(by=personas.referent, service=service, number="02 8845 1234")
    response = client_as(personas.referent).post(_remove(service, "phones", phone.pk))
    assert response.status_code == 302 and not Phone.objects.exists()
    assert _revisions(service, "directory.phone", RevisionAction.DELETE) == 1
    assert AuditEvent.objects.filter(action="directory.phone.remove").exists()


# --- Who may use the forms ------------------------------------------------------------------------


KINDS_DATA: dict[str, dict[str, str]] = {
    "phones": {"phone-number": "02 8845 1234", "phone-type": "voice"},
    "contacts": {"contact-name": "Anna Bianchi"},
    "languages": {"language-code": "ar"},
    "costs": {"cost-option": "Iscrizione", "cost-amount": "10", "cost-currency": "EUR"},
    "documents": {"document-kind": "isee"},
    "action_lines": {},
}


@pytest.mark.parametrize("kind", list(KINDS_DATA))
def test_only_the_maintainers_use_the_forms(personas: Personas, client_as: ClientAs, client: Client,
                                            kind: str) -> None:
    service = make_service(personas)
    data = dict(KINDS_DATA[kind])
    if kind == "action_lines":
        data = {"action_line-term": str(TaxonomyTerm.objects.get(taxonomy__code="linee-azione",
                                                                 code="prossimita").pk)}
    response = client.post(_add(service, kind), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client_as(personas.volunteer).post(_add(service, kind), data).status_code == 403
    assert client_as(personas.referent_b).post(_add(service, kind), data).status_code == 403
    assert client_as(personas.nobody).post(_add(service, kind), data).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 3
    assert ServiceRevision.objects.filter(service=service).exclude(object_type="directory.service").count() == 0
    assert client_as(personas.coordinator).post(_add(service, kind), data).status_code == 302
    assert ServiceRevision.objects.filter(service=service, by=personas.coordinator).count() == 1


def test_read_only_people_see_the_details_but_no_forms(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    services.phone_add(by=personas.referent, service=service, number="02 8845 1234")
    services.contact_add(by=personas.referent, service=service, name="Anna Bianchi", email="anna@example.org")
    page = client_as(personas.volunteer).get(_detail(service)).content.decode()
    assert "02 8845 1234" in page and "Anna Bianchi" in page
    assert "detail-phones" not in page and _add(service, "phones") not in page
    editor = client_as(personas.referent).get(_detail(service)).content.decode()
    assert 'id="detail-phones"' in editor and _add(service, "contacts") in editor


def test_rows_of_another_service_are_not_found(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    theirs = make_service(personas, name="Servizio Beta", maintainer=personas.ets_b)
    phone = services.phone_add(by=personas.referent_b, service=theirs, number="02 8845 1234")
    language = services.language_add(by=personas.referent_b, service=theirs, code="fr")
    client = client_as(personas.referent)
    assert client.post(_remove(service, "phones", phone.pk)).status_code == 404
    assert client.post(_remove(service, "languages", language.pk)).status_code == 404
    assert client.post(_remove(theirs, "phones", phone.pk)).status_code == 403
    assert client.post(_add(service, "nonsense")).status_code == 404
    assert client.get(_remove(service, "phones", phone.pk)).status_code == 405
    assert Phone.objects.filter(pk=phone.pk).exists() and Language.objects.filter(pk=language.pk).exists()


# --- The other kinds ------------------------------------------------------------------------------


def test_contacts_need_a_name_an_office_or_an_email(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    empty = client.post(_add(service, "contacts"), {"contact-title": "Coordinatrice"}).content.decode()
    assert "Indica il nome, l&#x27;ufficio o l&#x27;e-mail del referente." in empty
    bad = client.post(_add(service, "contacts"), {"contact-email": "anna@"}).content.decode()
    assert "Indica un indirizzo e-mail valido." in bad
    client.post(_add(service, "contacts"), {"contact-name": "Anna Bianchi", "contact-title": "Coordinatrice",
                                            "contact-email": "anna@example.org"})
    contact = Contact.objects.get(service=service)
    assert (contact.name, contact.title, contact.email) == ("Anna Bianchi", "Coordinatrice", "anna@example.org")
    assert _revisions(service, "directory.contact", RevisionAction.CREATE) == 1


def test_languages_come_from_a_list_named_in_the_current_language(personas: Personas,
                                                                  client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    form = client.get(_add(service, "languages")).content.decode()
    assert '<option value="ar">arabo</option>' in form
    client.post(_add(service, "languages"), {"language-code": "ar", "language-note": "con mediatrice"})
    language = Language.objects.get(service=service)
    assert (language.code, language.name, language.note) == ("ar", "arabo", "con mediatrice")
    twice = client.post(_add(service, "languages"), {"language-code": "ar"}).content.decode()
    assert "La lingua «ar» è già indicata." in twice
    other = client.post(_add(service, "languages"), {"language-code": "other", "language-other_code": "l1"})
    assert "Usa un codice ISO 639-1" in other.content.decode()
    client.post(_add(service, "languages"), {"language-code": "other", "language-other_code": "LN"})
    assert Language.objects.filter(service=service, code="ln").exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(_add(service, "languages")).content.decode()
    assert '<option value="ar">Arabic</option>' in english


@pytest.mark.parametrize(("typed", "amount"), [("12,50", Decimal("12.50")), ("€ 25", Decimal("25")),
                                               ("1.250,00", Decimal("1250.00")), ("", None)])
def test_cost_amounts_are_read_the_italian_way(personas: Personas, client_as: ClientAs, typed: str,
                                               amount: Decimal | None) -> None:
    service = make_service(personas)
    client_as(personas.referent).post(_add(service, "costs"), {
        "cost-option": "Quota mensile", "cost-amount": typed, "cost-currency": "EUR"})
    assert CostOption.objects.get(service=service).amount == amount


@pytest.mark.parametrize(("typed", "message"), [
    ("-5", "L&#x27;importo non può essere negativo."),
    ("12,505", "Importo non valido"),
    ("dieci", "Importo non valido"),
])
def test_wrong_amounts_are_explained(personas: Personas, client_as: ClientAs, typed: str, message: str) -> None:
    service = make_service(personas)
    response = client_as(personas.referent).post(_add(service, "costs"), {
        "cost-option": "Quota", "cost-amount": typed, "cost-currency": "EUR"})
    assert message in response.content.decode()
    assert not CostOption.objects.exists()


def test_an_empty_cost_is_refused(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    content = client_as(personas.referent).post(_add(service, "costs"), {"cost-currency": "EUR"}).content
    assert "Indica almeno la voce, l&#x27;importo o i dettagli del costo." in content.decode()


def test_required_documents_use_the_kind_label_or_a_text(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    client.post(_add(service, "documents"), {"document-kind": "isee"})
    missing = client.post(_add(service, "documents"), {"document-kind": "other"}).content.decode()
    assert "Indica il documento richiesto." in missing
    client.post(_add(service, "documents"), {"document-kind": "other", "document-document": "Foto tessera",
                                             "document-uri": "example.org/modulo"})
    rows = list(RequiredDocument.objects.filter(service=service).order_by("pk"))
    assert [r.document for r in rows] == ["Attestazione ISEE", "Foto tessera"]
    assert rows[1].uri == "https://example.org/modulo"


def test_service_areas_are_municipi_or_nil(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    client = client_as(personas.referent)
    form = client.get(_add(service, "areas")).content.decode()
    assert personas.municipio8.name in form and personas.city.name not in form
    refused = client.post(_add(service, "areas"), {"area-area": str(personas.city.pk)}).content.decode()
    assert "Scegli un Municipio o un NIL dell&#x27;elenco." in refused
    client.post(_add(service, "areas"), {"area-area": str(personas.municipio8.pk), "area-description": "Residenti"})
    area = ServiceArea.objects.get(service=service)
    assert area.area == personas.municipio8 and area.name == personas.municipio8.name
    twice = client.post(_add(service, "areas"), {"area-area": str(personas.municipio8.pk)}).content.decode()
    assert "è già indicata" in twice
    assert _revisions(service, "directory.servicearea", RevisionAction.CREATE) == 1


def test_accessibility_notes_go_to_a_place_the_user_keeps(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    theirs = make_location(personas, name="Sede Beta", maintainer=personas.ets_b)
    other_link = services.service_at_location_attach(service=service, location=theirs, by=personas.referent)
    client = client_as(personas.referent)
    missing = client.post(_add(service, "accessibility"), {"accessibility-where": str(link.pk)}).content.decode()
    assert "Descrivi l&#x27;accessibilità della sede." in missing
    refused = client.post(_add(service, "accessibility"), {
        "accessibility-where": str(other_link.pk), "accessibility-description": "Rampa"}).content.decode()
    assert "Scegli una delle sedi del servizio." in refused
    client.post(_add(service, "accessibility"), {"accessibility-where": str(link.pk),
                                                 "accessibility-description": "Ingresso senza gradini"})
    row = Accessibility.objects.get()
    assert row.location == link.location
    assert ServiceRevision.objects.filter(location=link.location, object_type="directory.accessibility").exists()
    beta_row = services.accessibility_add(location=theirs, by=personas.referent_b, description="Ascensore")
    assert client.post(_remove(service, "accessibility", beta_row.pk)).status_code == 403
    assert "Ingresso senza gradini" in client.get(_detail(service)).content.decode()


def test_accessibility_needs_a_place_first(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    page = client_as(personas.referent).get(_add(service, "accessibility")).content.decode()
    assert "Aggiungi prima una sede del servizio" in page


def test_action_lines_are_added_and_removed(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    line = TaxonomyTerm.objects.get(taxonomy__code="linee-azione", code="prossimita")
    need = TaxonomyTerm.objects.filter(taxonomy__code="bisogni").first()
    assert need is not None
    client = client_as(personas.referent)
    refused = client.post(_add(service, "action_lines"), {"action_line-term": str(need.pk)}).content.decode()
    assert "Scegli una linea d&#x27;azione dell&#x27;elenco." in refused
    client.post(_add(service, "action_lines"), {"action_line-term": str(line.pk)})
    attribute = Attribute.objects.get(service=service, term=line)
    assert line.name in client.get(_detail(service)).content.decode()
    client.post(_remove(service, "action_lines", attribute.pk))
    assert not Attribute.objects.filter(service=service).exists()
    assert AuditEvent.objects.filter(action="directory.attribute.remove").exists()


# --- Translations ---------------------------------------------------------------------------------


def _translations(service: Service) -> str:
    return reverse("directory:service_translations", args=[service.pk])


def test_translations_are_saved_and_shown(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas, description="Aiuto compiti.")
    client = client_as(personas.referent)
    form = client.get(_translations(service)).content.decode()
    assert 'name="ar__name"' in form and 'dir="rtl"' in form and 'name="zh__description"' in form
    assert "In italiano: «Aiuto compiti.»" in form
    response = client.post(_translations(service), {"en__name": "  After-school  club ",
                                                     "en__description": "Homework help.",
                                                     "ar__name": "مساعدة في الواجبات", "fr__name": ""})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.translations == {"en": {"name": "After-school club", "description": "Homework help."},
                                    "ar": {"name": "مساعدة في الواجبات"}}
    assert service.translated("name", "ar") == "مساعدة في الواجبات"
    assert service.translated("name", "fr") == "Doposcuola Alfa"
    revision = ServiceRevision.objects.filter(service=service, action=RevisionAction.UPDATE).get()
    assert set(revision.changes) == {"translations"}
    assert AuditEvent.objects.filter(action="directory.service.update", actor=personas.referent).exists()
    page = client.get(_detail(service)).content.decode()
    assert "Tradotto in" in page and "English" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(_detail(service)).content.decode()
    assert "<h1 class=\"h3 mb-1\">After-school club</h1>" in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    again = client.get(_translations(service)).content.decode()
    assert "Homework help." in again
    client.post(_translations(service), {"en__name": "After-school club"})
    service.refresh_from_db()
    assert service.translations == {"en": {"name": "After-school club"}}


def test_translations_check_lengths_and_permissions(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    too_long = client_as(personas.referent).post(_translations(service), {"en__name": "x" * 300}).content
    assert "Assicurati che questo valore" in too_long.decode()
    assert client_as(personas.volunteer).get(_translations(service)).status_code == 403
    assert client_as(personas.nobody).get(_translations(service)).status_code == 404
    service.refresh_from_db()
    assert service.translations == {}


# --- Editing a place ------------------------------------------------------------------------------


def _edit(service: Service, link: ServiceAtLocation) -> str:
    return reverse("directory:service_location_edit", args=[service.pk, link.pk])


def _place_data(**overrides: str) -> dict[str, str]:
    data = {"name": "Sede Alfa", "location_type": "physical", "address_text": "Via Padova 36",
            "description": "", "transportation": "", "accessibility_notes": "", "link_description": ""}
    data.update(overrides)
    return data


def test_editing_a_place_geocodes_its_new_address(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    client = client_as(personas.referent)
    page = client.get(_edit(service, link)).content.decode()
    assert 'value="Via Padova 36"' in page and "Posizione attuale" in page
    before = (link.location.latitude, link.location.longitude)
    response = client.post(_edit(service, link), _place_data(name="Sede Alfa Centro", address_text="Viale Monza 12",
                                                             link_description="Citofonare Alfa"))
    assert response.status_code == 302 and response["Location"] == _detail(service)
    location = link.location
    location.refresh_from_db()
    link.refresh_from_db()
    assert location.name == "Sede Alfa Centro" and location.normalised_address.startswith("Viale Monza 12")
    assert (location.latitude, location.longitude) != before and location.has_point
    assert link.description == "Citofonare Alfa"
    revision = ServiceRevision.objects.filter(location=location, object_type="directory.location",
                                              action=RevisionAction.UPDATE).get()
    assert {"name", "address_text", "latitude"} <= set(revision.changes)
    assert AuditEvent.objects.filter(action="directory.location.update").exists()
    assert AuditEvent.objects.filter(action="directory.service_at_location.update").exists()


def test_an_address_not_found_is_explained_with_suggestions(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    response = client_as(personas.referent).post(_edit(service, link), _place_data(address_text="Via Padovva 36"))
    content = response.content.decode()
    assert response.status_code == 200 and "Forse intendevi" in content
    assert 'data-fill-address="Via Padova 36, Milano"' in content and 'value="Via Padovva 36"' in content
    link.location.refresh_from_db()
    assert link.location.address_text == "Via Padova 36"


def test_a_place_can_become_confidential_or_online(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    client = client_as(personas.referent)
    client.post(_edit(service, link), _place_data(confidential_address="on"))
    link.location.refresh_from_db()
    assert link.location.confidential_address
    # Staff of another organisation read the service but not the shelter's address.
    other = client_as(personas.referent_other).get(_detail(service)).content.decode()
    assert "Via Padova" not in other and "Indirizzo riservato" in other
    missing = client_as(personas.referent).post(_edit(service, link), _place_data(location_type="virtual"))
    assert "Indica l&#x27;indirizzo web della sede online." in missing.content.decode()
    client.post(_edit(service, link), _place_data(location_type="virtual", url="meet.example.org/alfa"))
    link.location.refresh_from_db()
    assert link.location.location_type == "virtual" and not link.location.has_point
    assert link.location.url == "https://meet.example.org/alfa"


def test_editing_a_place_is_for_its_maintainers(personas: Personas, client_as: ClientAs) -> None:
    service, link = _with_place(personas)
    theirs = services.service_at_location_attach(
        service=service, location=make_location(personas, name="Sede Beta", maintainer=personas.ets_b),
        by=personas.referent)
    client = client_as(personas.referent)
    assert client.get(_edit(service, theirs)).status_code == 403
    assert client_as(personas.volunteer).get(_edit(service, link)).status_code == 403
    assert client_as(personas.nobody).get(_edit(service, link)).status_code == 404
    other = make_service(personas, name="Altro")
    assert client_as(personas.referent).get(_edit(other, link)).status_code == 404
    page = client_as(personas.referent).get(_detail(service)).content.decode()
    assert _edit(service, link) in page and _edit(service, theirs) not in page
    assert not ServiceRevision.objects.filter(action=RevisionAction.UPDATE, object_type="directory.location")
