"""The service's staff page, its create/edit forms and verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory import services
from trama.directory.models import (
    RevisionAction,
    Service,
    ServiceAtLocation,
    ServiceRevision,
    TargetGroup,
    TaxonomyTerm,
)
from trama.directory.services import ScheduleSpec
from trama.directory.tests.helpers import make_location, make_service

ClientAs = Callable[..., Client]
T = dt.time


def _assert_login_required(client: Client, url: str, *, post: bool = False) -> None:
    response = client.post(url) if post else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _desk(p: Personas, **fields: Any) -> tuple[Service, ServiceAtLocation]:
    """A doposcuola of ets_a offered at one place on Tuesday mornings."""
    fields.setdefault("requires_appointment", True)
    fields.setdefault("is_free", True)
    service = make_service(p, description="Aiuto compiti per ragazzi.", minimum_age=6, maximum_age=14, **fields)
    location = make_location(p, name="Sede Quarto Oggiaro")
    link = services.service_at_location_attach(service=service, location=location, by=p.referent)
    services.schedule_set(by=p.referent, service_at_location=link,
                          windows=[ScheduleSpec(byday="TU", opens_at=T(10), closes_at=T(13))])
    return service, link


def _detail(service: Service) -> str:
    return reverse("directory:service_detail", args=[service.pk])


def _form_data(p: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": p.ets_a.pk, "maintainer": p.ets_a.pk, "name": "Spazio mamme e bimbi",
        "status": "active", "description": "Uno spazio per mamme con bambini piccoli.",
        "minimum_age": "0", "maximum_age": "6", "is_free": "on", "is_public": "on",
        "target_groups": [TargetGroup.objects.get(code="0-6").pk],
        "needs": [TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola").pk],
    }
    data.update(overrides)
    return data


# --- Service page ---------------------------------------------------------------------------------


def test_it_shows_what_for_whom_where_and_when(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    services.phone_add(by=personas.referent, service=service, number="02 1234 5678")
    services.language_add(by=personas.referent, service=service, code="ar")
    services.required_document_add(service=service, by=personas.referent, kind="identity")
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola")
    services.taxonomy_term_assign(service=service, term=term, by=personas.referent)
    services.service_set_target_groups(service=service, by=personas.referent,
                                       target_groups=TargetGroup.objects.filter(code="6-14"))
    response = client_as(personas.volunteer).get(_detail(service))
    assert response.status_code == 200
    content = response.content.decode()
    # An identity document asked: documents are needed, whatever the flag (as on the portal).
    assert "Non servono documenti" not in content
    for text in ("Aiuto compiti per ragazzi.", "Non serve la residenza", "Servono documenti o permesso", "Gratuito",
                 "Serve appuntamento", "da 6 a 14 anni", "Ragazzi 6-14 anni", 'href="tel:0212345678"',
                 "Documento d&#x27;identità", "Doposcuola", "Via Padova 36, Milano", "Martedì", "10:00–13:00",
                 "Prossima apertura:", "Sede Quarto Oggiaro", "Cooperativa Alfa (test)", "Storia delle modifiche",
                 "Rita Referente"):
        assert text in content, text
    # A read-only member sees the page but no edit buttons.
    assert reverse("directory:service_edit", args=[service.pk]) not in content
    assert "da verificare" not in content


def test_it_labels_taxonomy_terms_in_the_current_language(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    term = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="doposcuola")
    services.taxonomy_term_assign(service=service, term=term, by=personas.referent)
    client = client_as(personas.volunteer)
    content = client.get(_detail(service), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "After-school" in content


def test_it_says_open_now_during_a_window(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    link = services.service_at_location_attach(service=service, location=make_location(personas), by=None)
    services.schedule_set(by=None, service_at_location=link, windows=[
        ScheduleSpec(byday=day, opens_at=T(0), closes_at=T(23, 59)) for day in ("MO", "TU", "WE", "TH", "FR",
                                                                               "SA", "SU")
    ])
    content = client_as(personas.volunteer).get(_detail(service)).content.decode()
    assert "Aperto ora" in content


def test_it_marks_a_stale_service_and_shows_the_editor_its_buttons(
    personas: Personas, client_as: ClientAs
) -> None:
    service, _link = _desk(personas)
    Service.objects.filter(pk=service.pk).update(last_verified_on=timezone.localdate() - dt.timedelta(days=200))
    content = client_as(personas.referent).get(_detail(service)).content.decode()
    assert "da verificare" in content
    assert reverse("directory:service_edit", args=[service.pk]) in content
    assert reverse("directory:service_verify", args=[service.pk]) in content


def test_it_hides_a_confidential_address_from_other_organisations(
    personas: Personas, client_as: ClientAs
) -> None:
    service = make_service(personas, name="Casa rifugio")
    shelter = make_location(personas, name="Rifugio", address_text="Viale Monza 12", confidential_address=True)
    services.service_at_location_attach(service=service, location=shelter, by=None)
    other = client_as(personas.referent_b).get(_detail(service)).content.decode()
    assert "Rifugio" in other and "Indirizzo riservato" in other
    assert "Viale Monza" not in other
    assert "45.4" not in other  # no point on the map either
    own = client_as(personas.volunteer).get(_detail(service)).content.decode()
    assert "Viale Monza 12, Milano" in own


def test_it_requires_login_for_the_service_page(personas: Personas, client: Client) -> None:
    service = make_service(personas)
    _assert_login_required(client, _detail(service))


def test_it_gives_404_to_who_may_not_read_the_directory(personas: Personas, client_as: ClientAs) -> None:
    service = make_service(personas)
    assert client_as(personas.nobody).get(_detail(service)).status_code == 404
    assert client_as(personas.referent).get(reverse("directory:service_detail", args=[999_999])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(service.pk)).exists()


def test_it_shows_a_service_page_with_a_bounded_number_of_queries(
    personas: Personas, client_as: ClientAs
) -> None:
    service, _link = _desk(personas)
    client = client_as(personas.referent)
    url = _detail(service)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(5):
        location = make_location(personas, name=f"Sede {i}", address_text="Viale Monza 12")
        link = services.service_at_location_attach(service=service, location=location, by=personas.referent)
        services.schedule_set(by=personas.referent, service_at_location=link, windows=[
            ScheduleSpec(byday="MO", opens_at=T(9), closes_at=T(12)),
            ScheduleSpec(byday="MO", opens_at=T(14), closes_at=T(17)),
        ])
        services.phone_add(by=personas.referent, service=service, number=f"02 000 00{i}")
        services.language_add(by=personas.referent, service=service, code=("en", "fr", "es", "ar", "uk")[i])
        services.closure_add(by=personas.referent, location=location,
                             start_date=timezone.localdate() + dt.timedelta(days=i + 1))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) <= len(few)
    assert len(many) <= 40


# --- Create ---------------------------------------------------------------------------------------


def test_it_creates_a_service_with_groups_needs_and_flags(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    assert client.get(reverse("directory:service_create")).status_code == 200
    response = client.post(reverse("directory:service_create"), _form_data(personas))
    service = Service.objects.get(name="Spazio mamme e bimbi")
    assert response.status_code == 302 and response["Location"] == _detail(service)
    assert service.is_free and not service.requires_residency and service.maximum_age == 6
    assert service.maintainer == personas.ets_a
    assert service.last_verified_on == timezone.localdate()
    assert [g.code for g in service.target_groups.all()] == ["0-6"]
    assert [a.term.code for a in service.attributes.all()] == ["doposcuola"]
    assert ServiceRevision.objects.filter(service=service, action=RevisionAction.CREATE).exists()
    assert AuditEvent.objects.filter(action="directory.service.create", actor=personas.referent).exists()


def test_it_validates_the_service_form_in_italian(personas: Personas, client_as: ClientAs) -> None:
    client = client_as(personas.referent)
    response = client.post(reverse("directory:service_create"),
                           _form_data(personas, name="", minimum_age="10", maximum_age="6", url="non un sito"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Questo campo è obbligatorio." in content
    assert "L&#x27;età massima deve essere almeno uguale a quella minima." in content
    assert "Inserisci un URL valido." in content
    assert not Service.objects.exists()


def test_it_offers_only_organisations_one_edits_as_maintainer(personas: Personas, client_as: ClientAs) -> None:
    response = client_as(personas.referent).post(
        reverse("directory:service_create"), _form_data(personas, maintainer=personas.ets_b.pk)
    )
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize("key", ["volunteer", "proximity", "evaluator", "nobody"])
def test_it_refuses_creation_to_who_may_not_edit(personas: Personas, client_as: ClientAs, key: str) -> None:
    client = client_as(getattr(personas, key))
    assert client.get(reverse("directory:service_create")).status_code == 403
    assert client.post(reverse("directory:service_create"), _form_data(personas)).status_code == 403
    assert not Service.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", object_type="directory.service").exists()


def test_it_requires_login_to_create(client: Client) -> None:
    _assert_login_required(client, reverse("directory:service_create"))


# --- Edit -----------------------------------------------------------------------------------------


def test_it_edits_a_service_and_its_needs(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    food = TaxonomyTerm.objects.get(taxonomy__code="bisogni", code="cibo")
    services.taxonomy_term_assign(service=service, term=food, by=personas.referent)
    client = client_as(personas.officer)
    url = reverse("directory:service_edit", args=[service.pk])
    page = client.get(url).content.decode()
    assert 'value="Doposcuola Alfa"' in page
    response = client.post(url, _form_data(personas, name="Doposcuola Alfa rinnovato", requires_residency="on"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Doposcuola Alfa rinnovato" and service.requires_residency
    assert [a.term.code for a in service.attributes.all()] == ["doposcuola"]
    updates = ServiceRevision.objects.filter(service=service, object_type="directory.service",
                                             action=RevisionAction.UPDATE)
    assert {revision.by for revision in updates} == {personas.officer}
    assert any("name" in revision.changes for revision in updates)
    assert ServiceRevision.objects.filter(service=service, object_type="directory.attribute",
                                          action=RevisionAction.DELETE).exists()
    content = client.get(_detail(service)).content.decode()
    assert "Olga Amministrativa" in content and "nome" in content


@pytest.mark.parametrize("key", ["referent_b", "referent_other", "volunteer", "social_worker"])
def test_it_gives_403_to_who_sees_a_service_but_may_not_edit_it(
    personas: Personas, client_as: ClientAs, key: str
) -> None:
    service, _link = _desk(personas)
    client = client_as(getattr(personas, key))
    url = reverse("directory:service_edit", args=[service.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(personas, name="Preso")).status_code == 403
    service.refresh_from_db()
    assert service.name == "Doposcuola Alfa"
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(service.pk),
                                     actor=getattr(personas, key)).exists()


def test_it_gives_404_on_edit_to_who_cannot_see(personas: Personas, client_as: ClientAs, client: Client) -> None:
    service, _link = _desk(personas)
    url = reverse("directory:service_edit", args=[service.pk])
    _assert_login_required(client, url)
    assert client_as(personas.nobody).get(url).status_code == 404


def test_it_lets_the_city_coordinator_edit_any_service(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    response = client_as(personas.coordinator).post(
        reverse("directory:service_edit", args=[service.pk]), _form_data(personas, name="Rinominato")
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Rinominato"


# --- Verify ---------------------------------------------------------------------------------------


def test_it_verifies_a_service_today_with_audit_and_revision(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    Service.objects.filter(pk=service.pk).update(last_verified_on=dt.date(2020, 1, 1))
    url = reverse("directory:service_verify", args=[service.pk])
    response = client_as(personas.referent).post(url)
    assert response.status_code == 302 and response["Location"] == _detail(service)
    service.refresh_from_db()
    assert service.last_verified_on == timezone.localdate()
    assert service.verified_by == personas.referent
    assert AuditEvent.objects.filter(action="directory.service.verify", object_id=str(service.pk),
                                     actor=personas.referent).exists()
    revision = ServiceRevision.objects.get(service=service, action=RevisionAction.VERIFY)
    assert revision.changes["last_verified_on"] == ["2020-01-01", timezone.localdate().isoformat()]


def test_it_verifies_only_by_post_and_only_for_maintainers(
    personas: Personas, client_as: ClientAs, client: Client
) -> None:
    service, _link = _desk(personas)
    url = reverse("directory:service_verify", args=[service.pk])
    _assert_login_required(client, url, post=True)
    assert client_as(personas.referent).get(url).status_code == 405
    assert client_as(personas.referent_b).post(url).status_code == 403
    assert client_as(personas.volunteer).post(url).status_code == 403
    assert client_as(personas.nobody).post(url).status_code == 404
    assert not ServiceRevision.objects.filter(service=service, action=RevisionAction.VERIFY).exists()


def test_it_goes_back_to_a_safe_next_page_after_verifying(personas: Personas, client_as: ClientAs) -> None:
    service, _link = _desk(personas)
    url = reverse("directory:service_verify", args=[service.pk])
    client = client_as(personas.referent)
    queue = reverse("directory:stale_queue")
    assert client.post(url, {"next": queue})["Location"] == queue
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == _detail(service)
