"""The write pages of a household: each works for the owner with records.edit, refuses read-only members (403),
hides the household from outsiders (404) and keeps what was typed when a rule is broken."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent, gdpr, services
from trama.records.models import (
    Assessment,
    Consent,
    ConsentEvent,
    Household,
    HouseholdStatus,
    LegalBasisRecord,
    Note,
    OrganisationNotification,
    Person,
    PlanAction,
    PlanGoal,
    PlanReview,
    Statement,
)
from trama.records.tests.helpers import make_household, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def household(personas: Personas) -> Household:
    return make_household(personas, label="Famiglia T.", opened_on=dt.date(2026, 1, 1))


def _goal(p: Personas, household: Household) -> PlanGoal:
    return services.plan_goal_add(household=household, by=p.proximity, dimension="housing",
                                  description="Trovare una casa")


WRITE_URLS = [
    "records:person_add", "records:statement_add", "records:assessment_add", "records:goal_add",
    "records:review_add", "records:note_add", "records:consent_add", "records:household_close",
    "records:consent_form_blank",
]


@pytest.mark.parametrize("name", WRITE_URLS)
def test_write_pages_refuse_read_only_and_hide_from_outsiders(personas: Personas, household: Household, client_as,
                                                              name: str) -> None:
    url = reverse(name, args=[household.pk])
    assert client_as(personas.proximity).get(url).status_code == 200
    assert client_as(personas.referent).get(url).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=personas.referent,
                                     details__status=403).exists()
    for outsider in (personas.proximity_b, personas.evaluator, personas.admin):
        assert client_as(outsider).get(url).status_code == 404


def test_write_pages_require_login(household: Household, client: Client) -> None:
    response = client.get(reverse("records:person_add", args=[household.pk]))
    assert response.status_code == 302 and "/account/login" in response["Location"]


def test_posts_need_the_csrf_token(personas: Personas, household: Household) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.proximity)
    response = client.post(reverse("records:note_add", args=[household.pk]), {"visibility": "organisation",
                                                                               "text": "x"})
    assert response.status_code == 403
    assert not Note.objects.exists()


def test_it_creates_a_household(personas: Personas, client_as) -> None:
    client = client_as(personas.proximity)
    assert client.get(reverse("records:household_create")).status_code == 200
    response = client.post(reverse("records:household_create"), {
        "organisation": personas.ets_a.pk, "label": "Famiglia Z.", "municipio": personas.municipio8.pk})
    household = Household.objects.get(label="Famiglia Z.")
    assert response.status_code == 302 and response["Location"] == reverse("records:household_detail",
                                                                           args=[household.pk])
    assert household.organisation == personas.ets_a and household.created_by == personas.proximity


def test_creating_households_is_refused_without_records_edit(personas: Personas, client_as) -> None:
    assert client_as(personas.referent).get(reverse("records:household_create")).status_code == 403
    response = client_as(personas.proximity).post(reverse("records:household_create"), {
        "organisation": personas.ets_b.pk, "label": "Altrui"})
    assert response.status_code == 200 and not Household.objects.filter(label="Altrui").exists()


def test_an_invisible_person_needs_only_a_first_name(personas: Personas, household: Household, client_as) -> None:
    response = client_as(personas.proximity).post(reverse("records:person_add", args=[household.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Fatou"})
    assert response.status_code == 302
    person = Person.objects.get(household=household)
    assert person.first_name_or_alias == "Fatou" and person.fiscal_code == ""


def test_a_wrong_fiscal_code_is_explained_and_nothing_is_lost(personas: Personas, household: Household,
                                                              client_as) -> None:
    response = client_as(personas.proximity).post(reverse("records:person_add", args=[household.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Fatou", "surname": "Diallo",
        "fiscal_code": "RSSMRA80A01F205Y", "health_notes": "diabete"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "codice fiscale" in html.lower() and 'value="Diallo"' in html and "diabete" in html
    assert not Person.objects.exists()


def test_it_warns_of_possible_duplicates_only_among_visible_people(personas: Personas, household: Household,
                                                                   client_as) -> None:
    make_person(personas, household, first_name_or_alias="Amina", surname="Rossi", birth_year=1985)
    elsewhere = services.household_create(organisation=personas.ets_b, by=personas.proximity_b)
    services.person_add(household=elsewhere, by=personas.proximity_b, role_in_household="parent",
                        first_name_or_alias="Omar", surname="Bianchi", birth_year=1990)
    client = client_as(personas.proximity)
    url = reverse("records:person_add", args=[household.pk])
    data = {"role_in_household": "parent", "first_name_or_alias": "Rossi", "surname": "Amina", "birth_year": "1985"}
    warned = client.post(url, data)
    assert warned.status_code == 200 and household.reference_code in warned.content.decode()
    assert Person.objects.filter(household=household).count() == 1
    confirmed = client.post(url, {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302 and Person.objects.filter(household=household).count() == 2
    # Another organisation's person with the same data is never mentioned.
    other = client.post(url, {"role_in_household": "parent", "first_name_or_alias": "Omar", "surname": "Bianchi",
                              "birth_year": "1990"})
    assert other.status_code == 302 and elsewhere.reference_code not in other.content.decode()


def test_a_member_corrected_into_someone_already_recorded_is_warned_of(personas: Personas, household: Household,
                                                                       client_as) -> None:
    """Changing a name or a birth year may make a member match another already recorded: the edit warns as the
    addition does, and saves once confirmed; a change of another field does not ask."""
    make_person(personas, household, first_name_or_alias="Amina", surname="Rossi", birth_year=1985)
    other = services.household_create(organisation=personas.ets_a, by=personas.proximity)
    member = make_person(personas, other, first_name_or_alias="Amina", surname="Russo", birth_year=1985)
    client = client_as(personas.proximity)
    url = reverse("records:person_edit", args=[other.pk, member.pk])
    data = {"role_in_household": "parent", "first_name_or_alias": "Amina", "surname": "Rossi", "birth_year": "1985"}
    warned = client.post(url, data)
    assert warned.status_code == 200 and household.reference_code in warned.content.decode()
    member.refresh_from_db()
    assert member.surname == "Russo"
    assert client.post(url, {**data, "confirm_duplicate": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.surname == "Rossi"
    # A change of another field alone does not ask again.
    assert client.post(url, {**data, "role_in_household": "other_adult"}).status_code == 302


def test_the_duplicate_warning_never_names_a_shared_household(personas: Personas, household: Household,
                                                              client_as) -> None:
    # ETS B shared only its child with ETS A: the mother's identity was not shared, so adding someone with her
    # fiscal code to an ETS A household must not name ETS B's household.
    from trama.records import consent as consent_services

    elsewhere = services.household_create(organisation=personas.ets_b, by=personas.proximity_b)
    services.person_add(household=elsewhere, by=personas.proximity_b, role_in_household="parent",
                        first_name_or_alias="Maria", surname="Rossi", fiscal_code="RSSMRA85T10A562S")
    child = services.person_add(household=elsewhere, by=personas.proximity_b, role_in_household="child",
                                first_name_or_alias="Luca")
    consent_services.consent_record(
        household=elsewhere, by=personas.proximity_b, purposes=["share_named_organisations"],
        categories=["identity"], given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_organisations=[personas.ets_a], given_by_name="Maria", person=child, given_by_kind="parent")
    client = client_as(personas.proximity)
    added = client.post(reverse("records:person_add", args=[household.pk]), {
        "role_in_household": "parent", "first_name_or_alias": "Maria", "fiscal_code": "RSSMRA85T10A562S"})
    assert added.status_code == 302
    assert elsewhere.reference_code not in client.get(added["Location"]).content.decode()


def test_it_edits_a_person(personas: Personas, household: Household, client_as) -> None:
    person = make_person(personas, household, first_name_or_alias="Amina", health_notes="asma")
    url = reverse("records:person_edit", args=[household.pk, person.pk])
    client = client_as(personas.proximity)
    assert "asma" in client.get(url).content.decode()
    response = client.post(url, {"role_in_household": "parent", "first_name_or_alias": "Amina",
                                 "surname": "Rossi", "health_notes": "asma", "languages": "ar, fr"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.surname == "Rossi" and person.languages == ["ar", "fr"]
    event = AuditEvent.objects.filter(action="records.person.update").latest("id")
    assert event.details["fields"] == ["languages", "surname"]


def test_it_records_statements_assessments_and_the_plan(personas: Personas, household: Household,
                                                        client_as) -> None:
    client = client_as(personas.proximity)
    pk = household.pk
    assert client.post(reverse("records:statement_add", args=[pk]), {
        "kind": "wish", "text": "Vorrei che mia figlia facesse sport"}).status_code == 302
    assert Statement.objects.get(household=household).kind == "wish"

    empty = client.post(reverse("records:assessment_add", args=[pk]), {"assessed_on": TODAY})
    assert empty.status_code == 200 and "almeno una dimensione" in empty.content.decode()
    assert client.post(reverse("records:assessment_add", args=[pk]), {
        "assessed_on": TODAY, "score_housing": "2", "notes_housing": "sovraffollamento",
        "score_health": "4"}).status_code == 302
    assessment = Assessment.objects.get(household=household)
    assert sorted(s.dimension for s in assessment.scores.all()) == ["health", "housing"]

    assert client.post(reverse("records:goal_add", args=[pk]), {
        "dimension": "housing", "description": "Casa più grande", "status": "planned"}).status_code == 302
    goal = PlanGoal.objects.get(plan__household=household)
    assert client.post(reverse("records:goal_edit", args=[pk, goal.pk]), {
        "dimension": "housing", "description": "Casa più grande", "status": "in_progress"}).status_code == 302
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    two = client.post(reverse("records:action_add", args=[pk, goal.pk]), {
        "description": "Domanda ERP", "by_organisation": personas.ets_a.pk, "by_operator": personas.proximity.pk})
    assert two.status_code == 200 and "uno solo" in two.content.decode()
    assert client.post(reverse("records:action_add", args=[pk, goal.pk]), {
        "description": "Domanda ERP", "by_operator": personas.proximity.pk}).status_code == 302
    action = PlanAction.objects.get(goal=goal)
    assert client.post(reverse("records:action_edit", args=[pk, action.pk]), {
        "description": "Domanda ERP", "by_organisation": personas.ets_a.pk, "status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.by_operator_id is None and action.by_organisation == personas.ets_a
    assert client.post(reverse("records:review_add", args=[pk]), {
        "reviewed_on": TODAY, "result_housing": "improved", "evidence_housing": "graduatoria"}).status_code == 302
    assert PlanReview.objects.get(household=household).outcomes.get().result == "improved"

    html = client.get(reverse("records:household_detail", args=[pk])).content.decode()
    assert "Casa più grande" in html and "Domanda ERP" in html and "graduatoria" in html
    assert "sovraffollamento" in html and "Versione 4" in html


def test_health_goals_and_scores_stay_hidden_without_the_health_category(personas: Personas,
                                                                         household: Household,
                                                                         client_as) -> None:
    services.plan_goal_add(household=household, by=personas.proximity, dimension="health",
                           description="Visita cardiologica")
    services.assessment_record(household=household, by=personas.proximity, assessed_on=dt.date(2026, 11, 1),
                               scores={"health": services.DimensionScore(score=1, notes="cardiopatia")})
    html = client_as(personas.referent).get(reverse("records:household_detail", args=[household.pk])).content.decode()
    assert "Visita cardiologica" not in html and "cardiopatia" not in html


def test_it_adds_notes_with_visibility(personas: Personas, household: Household, client_as) -> None:
    client = client_as(personas.proximity)
    response = client.post(reverse("records:note_add", args=[household.pk]), {
        "visibility": "sensitive", "text": "segnalazione tribunale"})
    assert response.status_code == 302
    note = Note.objects.get(household=household)
    assert note.visibility == "sensitive" and note.organisation == personas.ets_a


def test_it_closes_and_reopens(personas: Personas, household: Household, client_as) -> None:
    client = client_as(personas.proximity)
    missing = client.post(reverse("records:household_close", args=[household.pk]), {"reason": "goals_achieved"})
    assert missing.status_code == 200 and "almeno una dimensione" in missing.content.decode()
    assert client.post(reverse("records:household_close", args=[household.pk]), {
        "reason": "goals_achieved", "result_housing": "improved"}).status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED
    assert client_as(personas.referent).get(reverse("records:household_reopen", args=[household.pk])
                                            ).status_code == 403
    client = client_as(personas.proximity)
    assert client.post(reverse("records:household_reopen", args=[household.pk]), {
        "note": "Nuova richiesta"}).status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OPEN


def test_a_closed_household_offers_no_change_forms_and_loses_no_text_sent(personas: Personas,
                                                                          household: Household, client_as) -> None:
    person = make_person(personas, household)
    goal = _goal(personas, household)
    action = services.plan_action_add(goal=goal, by=personas.proximity, description="Chiamare l'ALER",
                                      by_member=person)
    statement = services.statement_add(household=household, by=personas.proximity, kind="need", text="Casa")
    services.household_close(household=household, by=personas.proximity, reason="goals_achieved",
                             outcomes={"housing": services.DimensionOutcome(result="improved", evidence="")})
    client = client_as(personas.proximity)
    page = reverse("records:household_detail", args=[household.pk])
    forms = [reverse(name, args=[household.pk]) for name in (
        "records:person_add", "records:statement_add", "records:assessment_add", "records:goal_add",
        "records:review_add", "records:note_add")] + [
        reverse("records:person_edit", args=[household.pk, person.pk]),
        reverse("records:goal_edit", args=[household.pk, goal.pk]),
        reverse("records:action_add", args=[household.pk, goal.pk]),
        reverse("records:action_edit", args=[household.pk, action.pk]),
        reverse("records:statement_edit", args=[household.pk, statement.pk]),
        reverse("records:statement_remove", args=[household.pk, statement.pk])]
    for url in forms:
        response = client.get(url, follow=True)
        assert response.redirect_chain == [(page, 302)], url
        assert "Il nucleo è chiuso: riaprilo prima di modificarlo." in response.content.decode(), url
    # A note written while someone else closed the household comes back with the reason, its text kept.
    sent = client.post(reverse("records:note_add", args=[household.pk]),
                       {"text": "Colloquio lungo, da non perdere", "visibility": "organisation"})
    assert sent.status_code == 200
    assert "riaprilo prima di modificarlo" in sent.content.decode()
    assert "Colloquio lungo, da non perdere" in sent.content.decode()
    # The read-only and the outsiders are refused as before, not redirected.
    assert client_as(personas.referent).get(forms[0]).status_code == 403
    assert client_as(personas.proximity_b).get(forms[0]).status_code == 404


def test_a_text_written_for_a_dimension_without_its_value_is_not_dropped(personas: Personas,  # type: ignore[no-untyped-def]
                                                                          household: Household, client_as) -> None:
    client = client_as(personas.proximity)
    pk = household.pk
    evidence = "Ha firmato un contratto d'affitto"
    for name, data, message in [
        ("records:assessment_add", {"assessed_on": TODAY, "notes_housing": evidence, "score_health": "4"},
         "Indica il punteggio per le note scritte."),
        ("records:review_add", {"reviewed_on": TODAY, "evidence_housing": evidence, "result_income_work": "improved"},
         "Indica l&#x27;esito per le evidenze scritte."),
        ("records:household_close", {"reason": "goals_achieved", "evidence_housing": evidence,
                                     "result_income_work": "improved"}, "Indica l&#x27;esito per le evidenze scritte."),
    ]:
        response = client.post(reverse(name, args=[pk]), data)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert message in body and evidence.replace("'", "&#x27;") in body, name  # the text is still in the form
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OPEN and not Assessment.objects.filter(household=household).exists()


def test_it_records_a_consent_and_prints_the_forms(personas: Personas, household: Household, client_as) -> None:
    make_person(personas, household, first_name_or_alias="Amina")
    client = client_as(personas.proximity)
    url = reverse("records:consent_add", args=[household.pk])
    incomplete = client.post(url, {"purposes": ["share_named_organisations"], "categories": ["identity"],
                                   "given_by_kind": "person", "given_by_name": "Amina", "notice_version": "2026-11",
                                   "notice_language": "ar", "given_on": "2026-11-21"})
    assert incomplete.status_code == 200 and "almeno un'organizzazione" in incomplete.content.decode().replace(
        "&#x27;", "'")
    response = client.post(url, {"purposes": ["share_named_organisations"], "categories": ["identity", "notes"],
                                 "recipient_organisations": [personas.ets_b.pk], "given_by_kind": "person",
                                 "given_by_name": "Amina", "notice_version": "2026-11", "notice_language": "ar",
                                 "given_on": "2026-11-21"})
    assert response.status_code == 302
    given = Consent.objects.get(household=household)
    assert [r.organisation for r in given.recipients.all()] == [personas.ets_b]
    assert given.legal_basis == "consent" and given.special_condition == "none"  # the defaults
    # Health data with its art. 9 condition; without one it is refused, naming the field.
    terms = {"purposes": ["share_named_organisations"], "categories": ["identity", "health"],
             "recipient_organisations": [personas.ets_b.pk], "given_by_kind": "person", "given_by_name": "Amina",
             "notice_version": "2026-11", "notice_language": "it", "given_on": "2026-11-21",
             "legal_basis": "consent"}
    refused = client.post(url, {**terms, "special_condition": "none"})
    assert refused.status_code == 200 and "categorie particolari" in refused.content.decode()
    assert client.post(url, {**terms, "special_condition": "explicit_consent"}).status_code == 302
    assert Consent.objects.filter(household=household, legal_basis="consent",
                                  special_condition="explicit_consent").exists()
    # Another legal basis is not the proximity worker's to record (it has no records.legal_basis).
    other_basis = client.post(url, {**terms, "legal_basis": "public_task", "special_condition": "social_care_law"})
    assert other_basis.status_code == 200 and "base giuridica diversa dal consenso" in other_basis.content.decode()
    assert not Consent.objects.filter(household=household, legal_basis="public_task").exists()

    blank = client.get(reverse("records:consent_form_blank", args=[household.pk]), {"language": "ar"})
    assert blank.status_code == 200 and blank["Content-Type"] == "application/pdf"
    assert blank.content.startswith(b"%PDF")
    assert client.get(reverse("records:consent_form_blank", args=[household.pk]),
                      {"language": "xx"}).status_code == 404
    filled = client.post(reverse("records:consent_form_filled", args=[household.pk, given.pk]), {"language": "fr"})
    assert filled.status_code == 200 and filled.content.startswith(b"%PDF")
    assert ConsentEvent.objects.filter(consent=given, kind="printed", detail="fr").exists()
    # Without a language asked for, the form is printed in the language the family read (Arabic here).
    again = client.post(reverse("records:consent_form_filled", args=[household.pk, given.pk]))
    assert again.status_code == 200
    assert ConsentEvent.objects.filter(consent=given, kind="printed", detail="ar").exists()
    assert client_as(personas.proximity_b).get(reverse("records:household_detail", args=[household.pk])
                                               ).status_code == 200


def test_a_legal_basis_is_revoked_and_sharing_ends_at_the_next_request(personas: Personas, household: Household,  # type: ignore[no-untyped-def]
                                                                         client_as) -> None:
    p = personas
    record = consent.legal_basis_record(
        household=household, by=p.social_worker, basis="public_task", reference="L. 328/2000 art. 22",
        reason="Presa in carico del servizio sociale", categories=["identity"], organisation=p.comune)
    worker = client_as(p.social_worker)
    assert worker.get(reverse("records:household_detail", args=[household.pk])).status_code == 200
    url = reverse("records:legal_basis_revoke", args=[household.pk])
    page = worker.get(url)
    assert page.status_code == 200 and "L. 328/2000 art. 22" in page.content.decode()
    assert worker.post(url, {}).status_code == 200  # nothing chosen: the form says so
    assert worker.post(url, {"record": record.pk}).status_code == 302
    record.refresh_from_db()
    assert record.revoked_by == p.social_worker and not record.is_active()
    assert worker.get(reverse("records:household_detail", args=[household.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="records.legal_basis.revoke", actor=p.social_worker).count() == 1
    assert OrganisationNotification.objects.filter(organisation=p.ets_a, text__contains="revocata").count() == 1
    assert not any("base giuridica" in b for b in gdpr.erasure_blockers(household))
    assert client_as(p.proximity).get(url).status_code == 403  # the owner's worker holds no records.legal_basis


def test_legal_basis_needs_the_permission_and_a_visible_household(personas: Personas, household: Household,
                                                                  client_as) -> None:
    url = reverse("records:legal_basis_add", args=[household.pk])
    assert client_as(personas.proximity).get(url).status_code == 403  # no records.legal_basis
    assert client_as(personas.social_worker).get(url).status_code == 404  # cannot see the household
    consent.consent_record(household=household, by=personas.proximity, purposes=["share_municipal_network"],
                           categories=["identity"], given_on=dt.date(2026, 11, 20), notice_version="2026-11",
                           notice_language="it", recipient_networks=[personas.network8], given_by_name="Amina")
    client = client_as(personas.social_worker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"basis": "public_task", "reference": "L. 328/2000 art. 22",
                                 "reason": "Presa in carico del servizio sociale", "categories": ["identity",
                                                                                                   "needs_and_plan"],
                                 "organisation": personas.comune.pk})
    assert response.status_code == 302
    assert LegalBasisRecord.objects.get(household=household).reference == "L. 328/2000 art. 22"


def test_saving_an_edit_form_does_not_undo_a_change_made_meanwhile(personas: Personas, household: Household,
                                                                   client_as) -> None:  # type: ignore[no-untyped-def]
    from trama.records.protection import unseal_for_copy

    goal = _goal(personas, household)
    url = reverse("records:goal_edit", args=[household.pk, goal.pk])
    client = client_as(personas.reception)
    form = client.get(url).context["form"]  # B opens the form
    seen = form["seen"].value()
    services.plan_goal_update(goal=goal, by=personas.proximity, description="Casa assegnata")  # A saves first
    posted = {"dimension": "housing", "description": "Trovare una casa", "target_date": "", "status": "in_progress",
              "seen": seen}
    refused = client.post(url, posted)  # B changes only the status, from a form showing the old description
    assert refused.status_code == 200 and "Nel frattempo qualcuno ha modificato" in refused.content.decode()
    stored = PlanGoal.objects.get(pk=goal.pk)
    assert unseal_for_copy(stored, "description") == "Casa assegnata" and stored.status == "planned"
    # Nothing typed is lost, and saving again replaces the goal on purpose.
    again = refused.context["form"]
    assert again["status"].value() == "in_progress" and again["seen"].value() != seen
    assert client.post(url, {**posted, "seen": again["seen"].value()}).status_code == 302
    assert PlanGoal.objects.get(pk=goal.pk).status == "in_progress"
