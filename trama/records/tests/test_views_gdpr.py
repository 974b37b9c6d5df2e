"""GDPR pages: a person's export (JSON, PDF), anonymisation of a person or the household with a confirmation step
and the retention rule's blockers, reopening refused once anonymised, the register of processing activities."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import gdpr, services
from trama.records.models import ClosureReason, Household, HouseholdStatus, Person
from trama.records.tests.helpers import make_household, make_person


def _family(p: Personas, *, organisation=None) -> tuple[Household, Person, Person]:  # type: ignore[no-untyped-def]
    household = make_household(p, label="Famiglia R.", organisation=organisation)
    parent = make_person(p, household, first_name_or_alias="Amina", surname="Rossi", health_notes="asma")
    child = make_person(p, household, first_name_or_alias="Yusuf", surname="Rossi", role_in_household="child")
    return household, parent, child


def _close(p: Personas, household: Household) -> None:
    services.household_close(household=household, by=p.proximity, reason=ClosureReason.MOVED_AWAY)


# --- Export --------------------------------------------------------------------------------------------------


def test_the_owner_exports_a_person_as_json_and_pdf_and_both_are_audited(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, child = _family(p)
    client = client_as(p.proximity)
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    url = reverse("records:person_export", args=[household.pk, parent.pk])
    assert url in page and reverse("records:person_export_pdf", args=[household.pk, parent.pk]) in page
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["first_name_or_alias"] == "Amina" and data["person"]["health_notes"] == "asma"
    assert "Yusuf" not in response.content.decode()
    pdf = client.get(reverse("records:person_export_pdf", args=[household.pk, parent.pk]), {"language": "en"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    exports = AuditEvent.objects.filter(action="records.person.export", object_id=str(parent.pk))
    assert sorted(e.details["format"] for e in exports) == ["json", "pdf"]
    assert AuditEvent.objects.filter(action="records.household.export", object_id=str(household.pk)).count() == 2


def test_export_is_refused_to_who_lacks_a_complete_view(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, _child = _family(p)
    url = reverse("records:person_export", args=[household.pk, parent.pk])
    # The network referent of the same organisation sees the household, but not its special categories.
    response = client_as(p.referent).get(url)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(household.pk),
                                     details__status=403).exists()
    assert url not in client_as(p.referent).get(reverse("records:household_detail",
                                                        args=[household.pk])).content.decode()
    # Another organisation does not even see it.
    assert client_as(p.referent_other).get(url).status_code == 404
    # A person of another household through this household's URL: 404.
    other, stranger, _ = _family(p)
    assert client_as(p.proximity).get(reverse("records:person_export",
                                              args=[household.pk, stranger.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="records.person.export").exists()
    assert other.pk != household.pk


# --- Anonymisation -------------------------------------------------------------------------------------------


def test_an_open_household_shows_the_blockers_and_cannot_be_anonymised(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, _child = _family(p)
    client = client_as(p.proximity)
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "Il nucleo è aperto" in page
    assert reverse("records:household_anonymise", args=[household.pk]) not in page
    url = reverse("records:person_anonymise", args=[household.pk, parent.pk])
    response = client.post(url, {"reason": "erasure_request", "confirm": "on"})
    assert response.status_code == 400 and "Il nucleo è aperto" in response.content.decode()
    parent.refresh_from_db()
    assert parent.first_name_or_alias == "Amina"


def test_anonymising_a_person_asks_for_a_reason_then_a_confirmation(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, child = _family(p)
    _close(p, household)
    client = client_as(p.proximity)
    url = reverse("records:person_anonymise", args=[household.pk, parent.pk])
    assert url in client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert client.get(url).status_code == 200
    missing = client.post(url, {})
    assert missing.status_code == 400 and "Indica il motivo dell&#x27;anonimizzazione." in missing.content.decode()
    step = client.post(url, {"reason": "erasure_request"})
    body = step.content.decode()
    assert step.status_code == 200 and "Confermi?" in body and 'value="erasure_request"' in body
    parent.refresh_from_db()
    assert parent.first_name_or_alias == "Amina"  # nothing happens before the confirmation
    done = client.post(url, {"reason": "erasure_request", "confirm": "on"})
    assert done.status_code == 302
    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.first_name_or_alias == gdpr.ANONYMOUS_NAME and child.first_name_or_alias == "Yusuf"
    assert AuditEvent.objects.filter(action="records.person.anonymise", object_id=str(parent.pk)).exists()
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "anonimizzato" in page and url not in page
    again = client.post(url, {"reason": "erasure_request", "confirm": "on"})
    assert again.status_code == 400 and "già stata anonimizzata" in again.content.decode()


def test_anonymising_the_household_shows_the_state_and_refuses_reopening(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, child = _family(p)
    _close(p, household)
    client = client_as(p.proximity)
    url = reverse("records:household_anonymise", args=[household.pk])
    response = client.post(url, {"reason": "consent_withdrawn", "confirm": "on"})
    assert response.status_code == 302
    assert gdpr.is_anonymised(household)
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "Nucleo anonimizzato" in page and "Amina" not in page
    assert reverse("records:household_reopen", args=[household.pk]) not in page
    refused = client.post(reverse("records:household_reopen", args=[household.pk]), {"note": "Tornati"})
    assert refused.status_code == 200 and "anonimizzato: non si può riaprire" in refused.content.decode()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED


def test_reopen_service_refuses_an_anonymised_household(personas: Personas) -> None:
    p = personas
    household, _parent, _child = _family(p)
    _close(p, household)
    gdpr.household_anonymise(household=household, by=p.proximity, reason="erasure_request")
    with pytest.raises(ApplicationError, match="anonimizzato") as caught:
        services.household_reopen(household=household, by=p.proximity, note="Sono tornati")
    assert caught.value.code == "anonymised"
    # A household that is only closed reopens as before.
    other, _, _ = _family(p)
    _close(p, other)
    services.household_reopen(household=other, by=p.proximity, note="Sono tornati")


def test_who_may_anonymise(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    household, parent, _child = _family(p)
    _close(p, household)
    url = reverse("records:household_anonymise", args=[household.pk])
    assert client_as(p.referent).get(url).status_code == 403  # sees it, may not change it
    assert client_as(p.referent_other).get(url).status_code == 404
    assert client_as(p.reception).get(url).status_code == 200
    # The Comune's unit lead, for the Comune's households: the page opens, with the retention blockers (a
    # public office keeps its records for the retention period).
    comune_household = services.household_create(organisation=p.comune, by=p.social_worker)
    response = client_as(p.unit_lead).get(reverse("records:household_anonymise", args=[comune_household.pk]))
    assert response.status_code == 200 and "Il nucleo è aperto" in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(household.pk)).count() == 2


# --- Register ------------------------------------------------------------------------------------------------


def test_the_register_of_processing_activities(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    url = reverse("records:processing_register")
    for user in (p.proximity, p.referent, p.unit_lead, p.admin):
        response = client_as(user).get(url)
        assert response.status_code == 200, user
        assert "Registro delle attività di trattamento" in response.content.decode()
        assert "data-print" in response.content.decode()  # the print button (core/trama.js)
    for user in (p.evaluator, p.volunteer, p.coordinator):
        assert client_as(user).get(url).status_code == 403
