"""A need, a wish or a resource is corrected or removed when recorded wrong: on the page and through the API, by
those who may change the household, audited, never on a closed household, never overwriting a change made
meanwhile."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.directory.models import TaxonomyTerm
from trama.records import consent as consent_services
from trama.records import services
from trama.records.models import NEEDS_TAXONOMY_CODE, Household, Statement
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(personas: Personas) -> Household:
    return make_household(personas, label="Famiglia S.", opened_on=dt.date(2026, 1, 1))


def _statement(p: Personas, household: Household, text: str = "Casa troppo piccola") -> Statement:
    return services.statement_add(household=household, by=p.proximity, kind="need", text=text)


def test_the_service_changes_only_what_changes_and_audits_it(personas: Personas, household: Household) -> None:
    statement = _statement(personas, household)
    amina = make_person(personas, household)
    same = services.statement_update(statement=statement, by=personas.proximity, text=" Casa troppo piccola ")
    assert same.updated_at is None and not AuditEvent.objects.filter(action="records.statement.update").exists()
    changed = services.statement_update(statement=statement, by=personas.proximity, kind="wish",
                                        text="Una casa più grande", person=amina)
    assert (changed.kind, changed.text, changed.person_id) == ("wish", "Una casa più grande", amina.pk)
    assert changed.updated_at is not None and changed.recorded_at < changed.updated_at
    event = AuditEvent.objects.get(action="records.statement.update")
    assert event.details["fields"] == ["kind", "person", "text"] and event.details["categories"] == ["needs_and_plan"]
    assert event.household_id == household.pk and event.actor == personas.proximity
    with pytest.raises(ApplicationError):
        services.statement_update(statement=statement, by=personas.proximity, text="   ")
    with pytest.raises(ApplicationError):
        services.statement_update(statement=statement, by=personas.proximity, kind="dream")
    with pytest.raises(ApplicationError):
        services.statement_update(statement=statement, by=personas.proximity, recorded_by=personas.admin)
    assert Statement.objects.get(pk=statement.pk).text == "Una casa più grande"


def test_removing_keeps_the_fact_in_the_log_not_the_words(personas: Personas, household: Household) -> None:
    statement = _statement(personas, household, "Parole da non conservare")
    services.statement_remove(statement=statement, by=personas.proximity)
    assert not Statement.objects.filter(pk=statement.pk).exists()
    event = AuditEvent.objects.get(action="records.statement.remove")
    assert event.object_id == str(statement.pk) and event.household_id == household.pk
    assert "Parole da non conservare" not in json.dumps(event.details)


def test_a_statement_removed_meanwhile_is_refused_not_a_crash(personas: Personas, household: Household) -> None:
    statement = _statement(personas, household)
    copy = Statement.objects.get(pk=statement.pk)  # another request's copy
    services.statement_remove(statement=statement, by=personas.proximity)
    for call in (lambda: services.statement_update(statement=copy, by=personas.proximity, text="Altro"),
                 lambda: services.statement_remove(statement=copy, by=personas.proximity)):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "gone"


def test_a_closed_household_keeps_its_statements(personas: Personas, household: Household) -> None:
    statement = _statement(personas, household)
    services.household_close(household=household, by=personas.proximity, reason="goals_achieved",
                             outcomes={"housing": services.DimensionOutcome(result="improved", evidence="")})
    for call in (lambda: services.statement_update(statement=statement, by=personas.proximity, text="Altro"),
                 lambda: services.statement_remove(statement=statement, by=personas.proximity)):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "closed"
    assert Statement.objects.get(pk=statement.pk).text == "Casa troppo piccola"


def test_the_page_corrects_and_removes(personas: Personas, household: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    statement = _statement(personas, household)
    client = client_as(personas.proximity)
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    edit = reverse("records:statement_edit", args=[household.pk, statement.pk])
    assert f'href="{edit}"' in page
    form = client.get(edit)
    assert form.status_code == 200 and "Casa troppo piccola" in form.content.decode()
    seen = form.context["form"]["seen"].value()
    saved = client.post(edit, {"kind": "need", "text": "Casa senza riscaldamento", "person": "", "term": "",
                               "seen": seen})
    assert saved.status_code == 302
    page = client.get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "Casa senza riscaldamento" in page and "modificato il" in page
    # Nothing to correct is refused with the reason, the text typed kept.
    empty = client.post(edit, {"kind": "need", "text": "  ", "person": "", "term": "", "seen": ""})
    assert empty.status_code == 200 and "obbligatorio" in empty.content.decode().lower()

    remove = reverse("records:statement_remove", args=[household.pk, statement.pk])
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Casa senza riscaldamento" in confirm.content.decode()
    assert Statement.objects.filter(pk=statement.pk).exists()  # asking is not removing
    assert client.post(remove, {}).status_code == 302
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert client.get(edit).status_code == 404  # gone: 404, audited
    assert AuditEvent.objects.filter(action="access.denied", object_type="records.statement",
                                     object_id=str(statement.pk)).exists()


def test_the_page_does_not_undo_a_change_made_meanwhile(personas: Personas, household: Household,  # type: ignore[no-untyped-def]
                                                        client_as) -> None:
    statement = _statement(personas, household)
    edit = reverse("records:statement_edit", args=[household.pk, statement.pk])
    client = client_as(personas.reception)
    seen = client.get(edit).context["form"]["seen"].value()  # B opens the form
    services.statement_update(statement=statement, by=personas.proximity, text="Sfratto a marzo")  # A saves
    posted = {"kind": "wish", "text": "Casa troppo piccola", "person": "", "term": "", "seen": seen}
    refused = client.post(edit, posted)  # B changes the kind from a form showing the old words
    assert refused.status_code == 200 and "Nel frattempo qualcuno ha modificato" in refused.content.decode()
    assert Statement.objects.get(pk=statement.pk).text == "Sfratto a marzo"
    again = refused.context["form"]
    assert again["kind"].value() == "wish" and again["seen"].value() != seen
    assert client.post(edit, {**posted, "seen": again["seen"].value()}).status_code == 302
    assert Statement.objects.get(pk=statement.pk).kind == "wish"


def test_who_may_not_change_the_household_may_not_touch_its_statements(personas: Personas,  # type: ignore[no-untyped-def]
                                                                       household: Household, client_as) -> None:
    statement = _statement(personas, household)
    consent_services.consent_record(
        household=household, by=personas.proximity, purposes=["share_named_organisations"],
        categories=["identity", "needs_and_plan"], given_on=dt.date(2026, 2, 1), notice_version="2026-11",
        notice_language="it", given_by_name="Amina", recipient_organisations=[personas.ets_b])
    for name in ("records:statement_edit", "records:statement_remove"):
        url = reverse(name, args=[household.pk, statement.pk])
        assert client_as(personas.referent).get(url).status_code == 403  # the owner's read-only member
        assert client_as(personas.proximity_b).post(url, {"kind": "need", "text": "X"}).status_code == 403
        assert client_as(personas.referent_other).get(url).status_code == 404
    other = make_household(personas, label="Altra")
    foreign = reverse("records:statement_edit", args=[other.pk, statement.pk])  # another household's statement
    assert client_as(personas.proximity).get(foreign).status_code == 404
    assert Statement.objects.get(pk=statement.pk).text == "Casa troppo piccola"


def _patch(client: Any, url: str, data: Any) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_the_api_corrects_and_removes(personas: Personas, household: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    statement = _statement(personas, household)
    amina = make_person(personas, household)
    url = f"/api/households/{household.pk}/statements/{statement.pk}"
    client = client_as(personas.proximity)
    response = _patch(client, url, {"text": "Casa umida", "person": amina.pk})
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert (body["text"], body["kind"], body["person_id"]) == ("Casa umida", "need", amina.pk)
    term = TaxonomyTerm.objects.filter(taxonomy__code=NEEDS_TAXONOMY_CODE).first()
    assert term is not None
    assert json.loads(_patch(client, url, {"term": term.pk}).content)["term"] is not None
    cleared = json.loads(_patch(client, url, {"person": None, "term": None}).content)
    assert cleared["person_id"] is None and cleared["term"] is None and cleared["text"] == "Casa umida"
    for bad, field in (({"text": None}, "text"), ({"kind": None}, "kind"), ({"kind": "dream"}, "kind"),
                       ({"term": 999999}, "term"), ({"person": 999999}, "person")):
        refused = _patch(client, url, bad)
        assert refused.status_code == 400 and field in json.loads(refused.content)["errors"], (bad, refused.content)
    assert _patch(client, url, {"recorded_by": 1}).status_code == 400
    assert client_as(personas.referent).delete(url).status_code == 403
    assert client_as(personas.referent_other).delete(url).status_code == 404
    client = client_as(personas.proximity)
    assert client.delete(url).status_code == 204
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert client.delete(url).status_code == 404
