"""The staff JSON API of records (/api/, trama/api.py): authentication, the access funnel, categories, consents."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from trama.api import api
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import services
from trama.records.categories import DataCategory
from trama.records.models import Consent, Dimension, Household, HouseholdRole
from trama.records.tests.helpers import make_household, make_person

C = DataCategory
METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC_ROUTES = {"openapi-json", "api-root"}  # the OpenAPI document (no data) and the empty root (404)


def _patterns() -> list[URLPattern]:
    patterns, _app, _namespace = api.urls
    found: list[URLPattern] = []
    for pattern in patterns:
        assert not isinstance(pattern, URLResolver)
        found.append(pattern)
    return found


def _url(pattern: URLPattern) -> str:
    # Every path parameter of the API is an int id (household_id, person_id, consent_id, goal_id, action_id,
    # referral_id).
    route = re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern.pattern))
    return f"/api/{route}"


def _body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def family(personas: Personas) -> Household:
    p = personas
    household = make_household(p, label="Famiglia R.")
    make_person(p, household, first_name_or_alias="Amina", surname="R.", phones=["3331234567"],
                health_notes="asma", documents_status="none", citizenship="MA")
    make_person(p, household, first_name_or_alias="Yusuf", role_in_household=HouseholdRole.CHILD,
                birth_year=timezone.localdate().year - 8)
    return household


def _consent(p: Personas, household: Household, categories: list[str]) -> Consent:
    return consent_services.consent_record(
        household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
        given_on=timezone.localdate(), notice_version="2026-11", notice_language="it",
        recipient_organisations=[p.ets_b], given_by_name="Amina")


# --- Authentication -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_route_answers_401_without_a_session() -> None:
    # Generated from the API's URL patterns: a new route is covered without touching this test. CSRF checks are
    # enforced, so an anonymous POST is a 401 too, never a 403 about the token.
    client = Client(enforce_csrf_checks=True)
    checked = 0
    for pattern in _patterns():
        if pattern.name in PUBLIC_ROUTES:
            continue
        answered = []
        for method in METHODS:
            if method == "get":
                response = client.get(_url(pattern))
            else:
                response = getattr(client, method)(_url(pattern), data="{}", content_type="application/json")
            assert response.status_code in (401, 405), (method, _url(pattern), response.status_code)
            if response.status_code == 401:
                assert _body(response) == {"detail": "Accedi per usare l'API.", "errors": {}}
                answered.append(method)
        assert answered, _url(pattern)
        checked += 1
    assert checked >= 13


@pytest.mark.django_db
def test_the_openapi_document_lists_the_paths(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = _body(response)
    paths = document["paths"]
    for path in ("/api/households", "/api/households/{household_id}", "/api/households/{household_id}/people",
                 "/api/households/{household_id}/people/{person_id}", "/api/households/{household_id}/consents",
                 "/api/households/{household_id}/consents/{consent_id}/withdraw",
                 "/api/households/{household_id}/plan", "/api/households/{household_id}/plan/goals",
                 "/api/households/{household_id}/plan/goals/{goal_id}",
                 "/api/households/{household_id}/plan/goals/{goal_id}/actions",
                 "/api/households/{household_id}/plan/actions/{action_id}",
                 "/api/households/{household_id}/plan/reviews", "/api/households/{household_id}/close",
                 "/api/households/{household_id}/reopen", "/api/referrals", "/api/referrals/{referral_id}",
                 "/api/referrals/{referral_id}/decline", "/api/referrals/{referral_id}/messages"):
        assert path in paths, path
    assert set(paths["/api/households"]) == {"get", "post"}
    assert set(paths["/api/households/{household_id}/plan/goals/{goal_id}"]) == {"patch"}
    assert set(paths["/api/households/{household_id}/people/{person_id}"]) == {"get", "patch"}
    person = document["components"]["schemas"]["PersonOut"]["properties"]
    assert "health" in person["health_notes"]["description"]


def test_a_session_without_the_second_factor_gets_403_json(personas: Personas, client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRAMA_2FA_REQUIRED = True
    client = client_as(personas.proximity)
    response = client.get("/api/households")
    assert response.status_code == 403
    assert "due passaggi" in _body(response)["detail"]
    # The public HSDS API under the same prefix is untouched.
    assert client.get("/api/hsds/").status_code == 200


def test_an_idle_session_gets_401_json(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(personas.proximity)
    session = client.session
    session["trama_last_seen"] = int(time.time()) - 24 * 3600
    session.save()
    response = client.get("/api/households")
    assert response.status_code == 401
    assert "inattività" in _body(response)["detail"]
    assert client.get("/api/households").status_code == 401  # logged out


def test_a_post_without_the_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.proximity)
    response = _post(client, "/api/households", {"label": "X"})
    assert response.status_code == 403
    assert "CSRF" in _body(response)["detail"]
    assert client.get("/api/households").status_code == 200


# --- Households -----------------------------------------------------------------------------------------


def test_the_list_shows_visible_households_only(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    other = make_household(p, organisation=p.ets_other, label="Altra")
    body = _body(client_as(p.proximity).get("/api/households"))
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == family.pk and item["is_own"] and item["label"] == "Famiglia R."
    assert item["members_count"] == 2
    assert all(row["id"] != other.pk for row in body["results"])
    assert _body(client_as(p.referent_other).get("/api/households"))["count"] == 1


def test_the_list_filters_and_caps_the_page_size(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    assert _body(client.get("/api/households?status=closed"))["count"] == 0
    assert _body(client.get(f"/api/households?q={family.reference_code}"))["count"] == 1
    assert _body(client.get("/api/households?q=nessuno"))["count"] == 0
    body = _body(client.get("/api/households?per_page=1000&page=1"))
    assert body["per_page"] == 100 and body["page"] == 1 and body["pages"] == 1
    wrong = client.get("/api/households?status=maybe")
    assert wrong.status_code == 400 and "status" in _body(wrong)["errors"]


def test_the_list_is_newest_first_across_pages(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    days = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(5)]
    ids = {day: make_household(personas, opened_on=day).pk for day in days}
    client = client_as(personas.proximity)
    first = _body(client.get("/api/households?per_page=3"))
    second = _body(client.get("/api/households?per_page=3&page=2"))
    listed = [row["id"] for row in first["results"] + second["results"]]
    assert first["count"] == 6 and first["pages"] == 2
    assert listed == [family.pk] + [ids[day] for day in reversed(days)]  # the family was opened today


def test_a_shared_household_in_the_list_has_no_identity(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    _consent(p, family, [C.NEEDS_AND_PLAN])
    item = _body(client_as(p.proximity_b).get("/api/households"))["results"][0]
    assert item["id"] == family.pk and not item["is_own"]
    assert item["label"] is None and item["municipio"] is None
    assert item["members_count"] is None  # a consent may share some members only: open it to see them


def test_the_owner_reads_the_household_and_the_read_is_audited(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                                client_as) -> None:
    p = personas
    response = client_as(p.proximity).get(f"/api/households/{family.pk}")
    assert response.status_code == 200
    body = _body(response)
    assert body["label"] == "Famiglia R." and body["via"] == ["own"] and body["can_edit"]
    assert set(body["categories"]) == set(C.values)
    assert body["status"] == "open" and body["members_count"] == 2
    event = AuditEvent.objects.filter(action="records.household.view", object_id=str(family.pk)).latest("pk")
    assert event.actor == p.proximity


@pytest.mark.parametrize("suffix", ["", "/people", "/consents", "/plan"])
def test_another_organisations_household_is_404_and_audited(personas: Personas, family: Household, client_as,  # type: ignore[no-untyped-def]
                                                            suffix: str) -> None:
    p = personas
    response = client_as(p.referent_other).get(f"/api/households/{family.pk}{suffix}")
    assert response.status_code == 404
    assert _body(response) == {"detail": "Non trovato.", "errors": {}}
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.pk), actor=p.referent_other,
                                     details__status=404).count() == 1
    assert not AuditEvent.objects.filter(action="records.household.view", actor=p.referent_other).exists()


def test_another_organisations_household_cannot_be_written(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                           client_as) -> None:
    p = personas
    client = client_as(p.referent_other)
    response = _post(client, f"/api/households/{family.pk}/people",
                     {"role_in_household": "other_adult", "first_name_or_alias": "X"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.pk),
                                     details__write=True).exists()
    assert family.members.count() == 2


def test_a_reader_who_may_not_edit_gets_403_on_writes(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    _consent(p, family, [C.IDENTITY])
    response = _post(client_as(p.proximity_b), f"/api/households/{family.pk}/people",
                     {"role_in_household": "other_adult", "first_name_or_alias": "X"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.pk), details__status=403).exists()


def test_create_a_household(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    response = _post(client, "/api/households", {"label": "Famiglia Nuova", "municipio": p.municipio8.pk})
    assert response.status_code == 201, response.content
    body = _body(response)
    assert body["label"] == "Famiglia Nuova" and body["municipio"]["id"] == p.municipio8.pk
    household = Household.objects.get(pk=body["id"])
    assert household.organisation == p.ets_a
    wrong = _post(client, "/api/households", {"municipio": p.city.pk, "opened_on": "ieri"})
    assert wrong.status_code == 400
    assert set(_body(wrong)["errors"]) == {"opened_on"}
    wrong = _post(client, "/api/households", {"municipio": p.city.pk})
    assert wrong.status_code == 400 and "municipio" in _body(wrong)["errors"]
    refused = _post(client_as(p.evaluator), "/api/households", {"label": "X"})
    assert refused.status_code == 403


def test_a_future_opening_date_is_a_clean_400(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    response = _post(client_as(personas.proximity), "/api/households", {"opened_on": "2999-01-01"})
    assert response.status_code == 400
    body = _body(response)
    assert body["errors"] == {"opened_on": [body["detail"]]}


# --- People and categories ------------------------------------------------------------------------------


def test_the_owner_reads_every_field_of_a_member(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    body = _body(client_as(p.proximity).get(f"/api/households/{family.pk}/people"))
    assert body["count"] == 2
    amina = body["results"][0]
    assert amina["first_name_or_alias"] == "Amina" and amina["phones"] == ["3331234567"]
    assert amina["health_notes"] == "asma" and amina["documents_status"] == "none" and amina["citizenship"] == "MA"
    child = _body(client_as(p.proximity).get(f"/api/households/{family.pk}/people/{body['results'][1]['id']}"))
    assert child["is_minor"] is True


def test_categories_not_shared_are_absent_for_a_recipient(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                          client_as) -> None:
    p = personas
    _consent(p, family, [C.IDENTITY, C.NEEDS_AND_PLAN])
    client = client_as(p.proximity_b)
    household = _body(client.get(f"/api/households/{family.pk}"))
    assert household["categories"] == [C.IDENTITY, C.NEEDS_AND_PLAN] and household["via"] == ["consent"]
    assert not household["can_edit"]
    amina = _body(client.get(f"/api/households/{family.pk}/people"))["results"][0]
    assert amina["first_name_or_alias"] == "Amina"
    for name in ("phones", "emails", "health_notes", "disability", "documents_status", "residency_status",
                 "citizenship"):
        assert amina[name] is None, name
    assert b"asma" not in client.get(f"/api/households/{family.pk}/people/{amina['id']}").content


def test_without_identity_a_recipient_sees_no_names(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    _consent(p, family, [C.NEEDS_AND_PLAN])
    client = client_as(p.proximity_b)
    household = _body(client.get(f"/api/households/{family.pk}"))
    assert household["label"] is None and household["status"] == "open"
    people = client.get(f"/api/households/{family.pk}/people")
    assert b"Amina" not in people.content
    assert _body(people)["results"][0]["first_name_or_alias"] is None


def test_add_a_member_with_the_duplicate_warning(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/people"
    response = _post(client, url, {"role_in_household": "other_adult", "first_name_or_alias": "Nonna",
                                   "languages": ["ar"], "phones": ["3330000000"]})
    assert response.status_code == 201, response.content
    assert _body(response)["languages"] == ["ar"]
    services.person_update(person=family.members.get(first_name_or_alias="Amina"), by=p.proximity,
                           birth_year=1990)
    twice = _post(client, url, {"role_in_household": "other_adult", "first_name_or_alias": "Amina",
                                "surname": "R.", "birth_year": 1990})
    assert twice.status_code == 409
    body = _body(twice)
    assert "confirm_duplicate" in body["errors"] and body["duplicates"][0]["household"] == family.reference_code
    confirmed = _post(client, url, {"role_in_household": "other_adult", "first_name_or_alias": "Amina",
                                    "surname": "R.", "birth_year": 1990, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    missing = _post(client, url, {"role_in_household": "other_adult"})
    assert missing.status_code == 400
    assert _body(missing)["errors"] == {"first_name_or_alias": ["Campo obbligatorio."]}
    wrong = _post(client, url, {"role_in_household": "other_adult", "first_name_or_alias": "Z",
                                "fiscal_code": "NONVALIDO"})
    assert wrong.status_code == 400 and "fiscal_code" in _body(wrong)["errors"]


def test_a_member_changed_into_someone_already_recorded_is_warned_of(  # type: ignore[no-untyped-def]
        personas: Personas, family: Household, client_as) -> None:
    p = personas
    amina = family.members.get(first_name_or_alias="Amina")
    services.person_update(person=amina, by=p.proximity, surname="R.", birth_year=1990)
    other = make_household(p, label="Altra famiglia")
    nadia = make_person(p, other, first_name_or_alias="Nadia")
    client = client_as(p.proximity)
    url = f"/api/households/{other.pk}/people/{nadia.pk}"
    # Only the name sent, but with the birth year already recorded the person now looks like Amina.
    services.person_update(person=nadia, by=p.proximity, birth_year=1990)
    response = _patch(client, url, {"first_name_or_alias": "Amina", "surname": "R."})
    assert response.status_code == 409, response.content
    body = _body(response)
    assert "confirm_duplicate" in body["errors"] and [d["household"] for d in body["duplicates"]] == [
        family.reference_code]
    nadia.refresh_from_db()
    assert nadia.first_name_or_alias == "Nadia"  # nothing changed
    # A change that does not touch who the person is does not ask; neither does the person compared to themself.
    assert _patch(client, url, {"phones": ["3331234567"]}).status_code == 200
    assert _patch(client, f"/api/households/{family.pk}/people/{amina.pk}", {"surname": "R."}).status_code == 200
    confirmed = _patch(client, url, {"first_name_or_alias": "Amina", "surname": "R.", "confirm_duplicate": True})
    assert confirmed.status_code == 200, confirmed.content
    nadia.refresh_from_db()
    assert (nadia.first_name_or_alias, nadia.surname) == ("Amina", "R.")
    # Once confirmed, a client sending the whole person again (identity unchanged) is not asked every time.
    again = _patch(client, url, {"first_name_or_alias": "Amina", "surname": " R. ", "birth_year": 1990,
                                 "phones": ["3339998888"]})
    assert again.status_code == 200, again.content


def test_a_closed_household_refuses_new_members_with_409(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                         client_as) -> None:
    p = personas
    services.household_close(household=family, by=p.proximity, reason="moved_away", note="")
    response = _post(client_as(p.proximity), f"/api/households/{family.pk}/people",
                     {"role_in_household": "other_adult", "first_name_or_alias": "Nuovo"})
    assert response.status_code == 409, response.content


# --- Consents -------------------------------------------------------------------------------------------


def _consent_payload(p: Personas, **extra: Any) -> dict[str, Any]:
    return {"purposes": ["share_named_organisations"], "categories": [C.IDENTITY, C.NEEDS_AND_PLAN],
            "recipient_organisations": [p.ets_b.pk], "given_by_kind": "person", "given_by_name": "Amina R.",
            "notice_language": "it", "given_on": timezone.localdate().isoformat(), **extra}


def test_record_a_consent_and_withdraw_it_effective_on_the_next_request(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                                        client_as) -> None:
    p = personas
    owner = Client()
    owner.force_login(p.proximity)
    recipient = Client()
    recipient.force_login(p.proximity_b)
    assert recipient.get(f"/api/households/{family.pk}").status_code == 404

    response = _post(owner, f"/api/households/{family.pk}/consents", _consent_payload(p))
    assert response.status_code == 201, response.content
    consent = _body(response)
    assert consent["active"] and consent["recipients"][0]["organisation"]["id"] == p.ets_b.pk
    assert recipient.get(f"/api/households/{family.pk}").status_code == 200
    listed = _body(owner.get(f"/api/households/{family.pk}/consents"))
    assert listed["count"] == 1 and listed["results"][0]["given_by_name"] == "Amina R."

    withdrawn = _post(owner, f"/api/households/{family.pk}/consents/{consent['id']}/withdraw",
                      {"reason": "Ci ha ripensato"})
    assert withdrawn.status_code == 200 and _body(withdrawn)["active"] is False
    assert recipient.get(f"/api/households/{family.pk}").status_code == 404
    assert recipient.get(f"/api/households/{family.pk}/people").status_code == 404
    again = _post(owner, f"/api/households/{family.pk}/consents/{consent['id']}/withdraw")
    assert again.status_code == 409


def test_an_unknown_key_in_a_body_is_refused_and_nothing_is_saved(personas: Personas, family: Household,  # type: ignore[no-untyped-def]
                                                                     client_as) -> None:
    # `person_id` (the name the answers use) for `person`: dropped, it made a one-member consent household-wide.
    p = personas
    client = client_as(p.proximity)
    child = family.members.get(first_name_or_alias="Yusuf")
    consents, people, notes = Consent.objects.count(), family.members.count(), family.notes.count()
    for url, body in [
        (f"/api/households/{family.pk}/consents", _consent_payload(p, person_id=child.pk)),
        (f"/api/households/{family.pk}/people", {"first_name_or_alias": "Omar", "role_in_household": "child",
                                                 "surnme": "R."}),
        (f"/api/households/{family.pk}/notes", {"text": "Nota su Yusuf", "visibility": "shared",
                                                "person_id": child.pk}),
    ]:
        response = _post(client, url, body)
        assert response.status_code == 400, (url, response.content)
        assert list(_body(response)["errors"].values()) == [["Campo non previsto."]]
    assert (Consent.objects.count(), family.members.count(), family.notes.count()) == (consents, people, notes)


def test_a_consent_is_checked_like_the_page_form(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/consents"
    child = family.members.get(first_name_or_alias="Yusuf")
    minor = _post(client, url, _consent_payload(p, person=child.pk))
    assert minor.status_code == 400
    assert "given_by_kind" in _body(minor)["errors"]
    owner_as_recipient = _post(client, url, _consent_payload(p, recipient_organisations=[p.ets_a.pk]))
    assert owner_as_recipient.status_code == 400
    assert "recipient_organisations" in _body(owner_as_recipient)["errors"]
    stranger = make_person(p, make_household(p), first_name_or_alias="Altro")
    elsewhere = _post(client, url, _consent_payload(p, person=stranger.pk))
    assert elsewhere.status_code == 400 and "person" in _body(elsewhere)["errors"]
    no_purpose = _post(client, url, _consent_payload(p, purposes=[]))
    assert no_purpose.status_code == 400 and _body(no_purpose)["errors"]
    for bad, field in (({"legal_basis": "friendship"}, "legal_basis"),
                       ({"categories": ["identity", "health"], "special_condition": "none"}, "special_condition"),
                       ({"special_condition": "explicit_consent"}, "special_condition")):
        refused = _post(client, url, _consent_payload(p, **bad))
        assert refused.status_code == 400 and field in _body(refused)["errors"], (bad, refused.content)
    assert not Consent.objects.filter(household=family).exists()
    # Another legal basis is the decision of the role that records legal bases, not of a proximity worker.
    refused = _post(client, url, _consent_payload(p, categories=["identity", "health"], legal_basis="public_task",
                                                  special_condition="social_care_law"))
    assert refused.status_code == 400 and "legal_basis" in _body(refused)["errors"], refused.content
    assert not Consent.objects.filter(household=family).exists()


def test_a_recipient_may_not_withdraw(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    consent = _consent(p, family, [C.IDENTITY])
    response = _post(client_as(p.proximity_b), f"/api/households/{family.pk}/consents/{consent.pk}/withdraw")
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- Plan -----------------------------------------------------------------------------------------------


def _plan(p: Personas, household: Household) -> None:
    goal = services.plan_goal_add(household=household, by=p.proximity, dimension=Dimension.HOUSING,
                                  description="Trovare una casa")
    services.plan_goal_add(household=household, by=p.proximity, dimension=Dimension.HEALTH,
                           description="Visita medica")
    services.plan_action_add(goal=goal, by=p.proximity, description="Domanda casa popolare",
                             by_organisation=p.ets_a)
    services.assessment_record(household=household, by=p.proximity, assessed_on=timezone.localdate(),
                               scores={Dimension.HOUSING: services.DimensionScore(score=2, notes="sfratto"),
                                       Dimension.HEALTH: services.DimensionScore(score=3, notes="asma")})


def test_the_plan_for_the_owner_and_for_a_recipient(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    _plan(p, family)
    plan = _body(client_as(p.proximity).get(f"/api/households/{family.pk}/plan"))
    assert {g["dimension"] for g in plan["goals"]} == {"housing", "health"}
    housing = next(g for g in plan["goals"] if g["dimension"] == "housing")
    assert housing["description"] == "Trovare una casa"
    assert housing["actions"][0]["assignee"] == {"kind": "organisation", "name": str(p.ets_a)}
    assert {s["dimension"] for s in plan["latest_assessment"]["scores"]} == {"housing", "health"}

    _consent(p, family, [C.NEEDS_AND_PLAN])
    shared = client_as(p.proximity_b).get(f"/api/households/{family.pk}/plan")
    assert shared.status_code == 200
    body = _body(shared)
    assert [g["dimension"] for g in body["goals"]] == ["housing"]
    assert [s["dimension"] for s in body["latest_assessment"]["scores"]] == ["housing"]
    assert b"asma" not in shared.content and b"Visita medica" not in shared.content


def test_without_needs_and_plan_the_plan_is_null(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    _plan(p, family)
    _consent(p, family, [C.IDENTITY])
    response = client_as(p.proximity_b).get(f"/api/households/{family.pk}/plan")
    assert response.status_code == 200
    assert _body(response) == {"household_id": family.pk, "shared": False, "version": None, "goals": None,
                               "reviews": None, "latest_assessment": None}
    assert AuditEvent.objects.filter(action="records.household.view", object_id=str(family.pk),
                                     actor=p.proximity_b).exists()


# --- Plan writes ----------------------------------------------------------------------------------------


def _patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_the_owner_writes_the_plan_through_the_api(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    base = f"/api/households/{family.pk}/plan"
    created = _post(client, f"{base}/goals", {"dimension": "housing", "description": "Trovare una casa",
                                              "target_date": "2027-06-30"})
    assert created.status_code == 201, created.content
    goal = _body(created)
    assert goal["description"] == "Trovare una casa" and goal["status"] == "planned" and goal["actions"] == []

    changed = _patch(client, f"{base}/goals/{goal['id']}", {"status": "in_progress", "target_date": None})
    assert changed.status_code == 200, changed.content
    assert _body(changed)["status"] == "in_progress" and _body(changed)["target_date"] is None
    assert _body(changed)["description"] == "Trovare una casa"  # not sent: unchanged

    amina = family.members.get(first_name_or_alias="Amina")
    action = _post(client, f"{base}/goals/{goal['id']}/actions",
                   {"description": "Domanda casa popolare", "by_organisation": p.ets_b.pk, "due_date": "2027-01-15"})
    assert action.status_code == 201, action.content
    action_id = _body(action)["id"]
    assert _body(action)["assignee"] == {"kind": "organisation", "name": str(p.ets_b)}
    # Sending one assignee replaces the other: the organisation is cleared.
    moved = _patch(client, f"{base}/actions/{action_id}", {"by_member": amina.pk, "status": "in_progress"})
    assert moved.status_code == 200, moved.content
    assert _body(moved)["assignee"] == {"kind": "member", "name": amina.display_name}
    assert _body(moved)["status"] == "in_progress"

    review = _post(client, f"{base}/reviews", {"reviewed_on": timezone.localdate().isoformat(),
                                               "outcomes": {"housing": {"result": "improved",
                                                                        "evidence": "Domanda accolta"}}})
    assert review.status_code == 201, review.content
    assert _body(review)["outcomes"] == [{"dimension": "housing", "result": "improved",
                                          "evidence": "Domanda accolta"}]

    plan = _body(client.get(base))
    assert plan["version"] == 4  # goal added, goal changed, action added, action changed
    assert [g["id"] for g in plan["goals"]] == [goal["id"]]
    assert plan["goals"][0]["actions"][0]["assignee"]["kind"] == "member"
    assert [r["id"] for r in plan["reviews"]] == [_body(review)["id"]]
    actions = list(AuditEvent.objects.filter(actor=p.proximity, action__startswith="records.plan.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["records.plan.goal_add", "records.plan.goal_update", "records.plan.action_add",
                       "records.plan.action_update", "records.plan.review"]


def test_plan_writes_are_validated_in_italian_and_save_nothing_when_refused(  # type: ignore[no-untyped-def]
        personas: Personas, family: Household, client_as) -> None:
    p = personas
    client = client_as(p.proximity)
    base = f"/api/households/{family.pk}/plan"
    goal = services.plan_goal_add(household=family, by=p.proximity, dimension=Dimension.HOUSING,
                                  description="Trovare una casa")
    other = make_household(p, label="Altra famiglia")
    stranger = make_person(p, other, first_name_or_alias="Omar")
    today = timezone.localdate().isoformat()
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        (f"{base}/goals", {"dimension": "weather", "description": "x"}, "dimension", "Dimensione non prevista"),
        (f"{base}/goals", {"dimension": "housing", "description": "   "}, "description", "Descrivi l'obiettivo"),
        (f"{base}/goals", {"dimension": "housing", "description": "x", "status": "maybe"}, "status",
         "Stato dell'obiettivo"),
        (f"{base}/goals", {"dimension": "housing"}, "description", "Campo obbligatorio"),
        (f"{base}/goals/{goal.pk}/actions", {"description": "x"}, "by_organisation", "Indica chi se ne occupa"),
        (f"{base}/goals/{goal.pk}/actions", {"description": "x", "by_organisation": p.ets_b.pk,
                                             "by_operator": p.proximity.pk}, "by_organisation",
         "Indica chi se ne occupa"),
        (f"{base}/goals/{goal.pk}/actions", {"description": "x", "by_operator": p.proximity_b.pk}, "by_operator",
         "Operatore non disponibile"),
        (f"{base}/goals/{goal.pk}/actions", {"description": "x", "by_member": stranger.pk}, "by_member",
         "non fa parte di questo nucleo"),
        (f"{base}/reviews", {"reviewed_on": "2999-01-01", "outcomes": {"housing": {"result": "improved"}}},
         "reviewed_on", "futuro"),
        (f"{base}/reviews", {"reviewed_on": today, "outcomes": {"housing": {"result": "better"}}},
         "outcomes", "Esito non previsto"),
        (f"{base}/reviews", {"reviewed_on": today, "outcomes": {}}, "outcomes", "almeno una dimensione"),
        (f"{base}/reviews", {"reviewed_on": "1990-01-01", "outcomes": {"housing": {"result": "improved"}}},
         "reviewed_on", "apertura del nucleo"),
    ]
    for url, data, field, text in cases:
        response = _post(client, url, data)
        assert response.status_code == 400, (data, response.content)
        body = _body(response)
        assert any(text in message for message in body["errors"][field]), (data, body)
    response = _patch(client, f"{base}/goals/{goal.pk}", {"description": None})
    assert response.status_code == 400 and _body(response)["errors"] == {"description": ["Campo obbligatorio."]}
    goal.refresh_from_db()
    assert goal.plan.goals.count() == 1 and not goal.actions.exists() and not family.reviews.exists()
    assert goal.plan.version == 1


def test_plan_writes_follow_the_funnel(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    goal = services.plan_goal_add(household=family, by=p.proximity, dimension=Dimension.HOUSING,
                                  description="Trovare una casa")
    base = f"/api/households/{family.pk}/plan"
    # A recipient of the plan reads it but may not change it: 403, audited as a denial.
    _consent(p, family, [C.IDENTITY, C.NEEDS_AND_PLAN])
    shared = client_as(p.proximity_b)
    assert shared.get(base).status_code == 200
    response = _patch(shared, f"{base}/goals/{goal.pk}", {"status": "achieved"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=p.proximity_b, object_id=str(family.pk),
                                     details__status=403).exists()
    # Another organisation without consent: 404, as if the household did not exist.
    assert _post(client_as(p.referent_other), f"{base}/goals",
                 {"dimension": "housing", "description": "x"}).status_code == 404
    # A goal of another household is not found through this one.
    other = make_household(p, label="Altra famiglia")
    foreign = services.plan_goal_add(household=other, by=p.proximity, dimension=Dimension.HOUSING,
                                     description="Altro")
    owner = client_as(p.proximity)
    assert _patch(owner, f"{base}/goals/{foreign.pk}", {"status": "achieved"}).status_code == 404
    assert _post(owner, f"{base}/goals/{foreign.pk}/actions",
                 {"description": "x", "by_organisation": p.ets_a.pk}).status_code == 404
    goal.refresh_from_db()
    assert goal.status == "planned"
    # A closed household's plan is final: 409.
    services.household_close(household=family, by=p.proximity, reason="moved_away")
    response = _post(owner, f"{base}/goals", {"dimension": "housing", "description": "Nuovo"})
    assert response.status_code == 409, response.content


# --- Changing a member; closing and reopening --------------------------------------------------------------


def test_the_owner_changes_a_member_through_the_api(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    amina = family.members.get(first_name_or_alias="Amina")
    url = f"/api/households/{family.pk}/people/{amina.pk}"
    client = client_as(p.proximity)
    response = _patch(client, url, {"surname": "Rossi", "phones": None, "health_notes": "asma lieve"})
    assert response.status_code == 200, response.content
    body = _body(response)
    assert body["surname"] == "Rossi" and body["phones"] == [] and body["health_notes"] == "asma lieve"
    assert body["first_name_or_alias"] == "Amina" and body["documents_status"] == "none"  # not sent: unchanged
    amina.refresh_from_db()
    assert amina.surname == "Rossi" and amina.phones == []
    event = AuditEvent.objects.filter(action="records.person.update", object_id=str(amina.pk)).get()
    assert sorted(event.details["fields"]) == ["health_notes", "phones", "surname"]

    for data, field in (({"first_name_or_alias": None}, "first_name_or_alias"),
                        ({"first_name_or_alias": "   "}, "first_name_or_alias"),
                        ({"fiscal_code": "RSSMRA80A01F205Z"}, "fiscal_code"),
                        ({"birth_date": "2999-01-01"}, "birth_date")):
        refused = _patch(client, url, data)
        assert refused.status_code == 400, (data, refused.content)
        assert field in _body(refused)["errors"], (data, _body(refused))
    amina.refresh_from_db()
    assert amina.first_name_or_alias == "Amina" and amina.fiscal_code == ""

    # A recipient may read the member but not change it; a member of another household is not found here.
    _consent(p, family, [C.IDENTITY])
    assert _patch(client_as(p.proximity_b), url, {"surname": "X"}).status_code == 403
    other = make_household(p, label="Altra famiglia")
    omar = make_person(p, other, first_name_or_alias="Omar")
    assert _patch(client_as(p.proximity), f"/api/households/{family.pk}/people/{omar.pk}",
                  {"surname": "X"}).status_code == 404


def test_closing_and_reopening_through_the_api(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    client = client_as(p.proximity)
    base = f"/api/households/{family.pk}"
    refused = _post(client, f"{base}/close", {"reason": "other"})
    assert refused.status_code == 400 and "note" in _body(refused)["errors"]
    refused = _post(client, f"{base}/close", {"reason": "goals_achieved"})
    assert refused.status_code == 400 and "outcomes" in _body(refused)["errors"]
    assert _post(client_as(p.volunteer), f"{base}/close", {"reason": "moved_away"}).status_code == 404
    client = client_as(p.proximity)  # one test client, signed in again
    closed = _post(client, f"{base}/close", {"reason": "goals_achieved", "note": "Casa trovata",
                                             "outcomes": {"housing": {"result": "improved", "evidence": "Contratto"}}})
    assert closed.status_code == 200, closed.content
    assert _body(closed)["status"] == "closed" and _body(closed)["closure_reason"] == "goals_achieved"
    review = family.reviews.get()
    assert review.kind == "closure" and review.outcomes.get().result == "improved"
    assert _post(client, f"{base}/close", {"reason": "moved_away"}).status_code == 409
    # Closed: the record is final until reopened.
    amina = family.members.get(first_name_or_alias="Amina")
    assert _patch(client, f"{base}/people/{amina.pk}", {"surname": "X"}).status_code == 409

    assert _post(client, f"{base}/reopen", {"note": ""}).status_code == 400
    reopened = _post(client, f"{base}/reopen", {"note": "La famiglia è tornata"})
    assert reopened.status_code == 200, reopened.content
    assert _body(reopened)["status"] == "open" and _body(reopened)["closed_on"] is None
    assert _post(client, f"{base}/reopen", {"note": "di nuovo"}).status_code == 409
    # The service's events (each opening is audited too, under the same action with its purpose).
    assert AuditEvent.objects.filter(action="records.household.close", details__reason="goals_achieved").count() == 1
    assert [e.kind for e in family.events.order_by("id")][-2:] == ["closed", "reopened"]


def test_patches_refuse_unknown_fields_and_bodies_that_are_not_objects(  # type: ignore[no-untyped-def]
        personas: Personas, family: Household, client_as) -> None:
    p = personas
    goal = services.plan_goal_add(household=family, by=p.proximity, dimension=Dimension.HOUSING,
                                  description="Trovare una casa")
    amina = family.members.get(first_name_or_alias="Amina")
    client = client_as(p.proximity)
    url = f"/api/households/{family.pk}/plan/goals/{goal.pk}"
    typo = _patch(client, url, {"target": "2027-01-01"})
    assert typo.status_code == 400 and _body(typo)["errors"] == {"target": ["Campo non previsto."]}
    for raw in ("[]", "null", '"x"', "5"):
        response = client.patch(url, data=raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    person = _patch(client, f"/api/households/{family.pk}/people/{amina.pk}", {"nickname": "A"})
    assert person.status_code == 400 and "nickname" in _body(person)["errors"]
    # Null clears an optional field, encrypted or not; fields not sent stay.
    cleared = _patch(client, f"/api/households/{family.pk}/people/{amina.pk}",
                     {"documents_status": None, "birth_year": None, "interpreter_needed": None})
    assert cleared.status_code == 200, cleared.content
    body = _body(cleared)
    assert body["documents_status"] in ("", None) and body["birth_year"] is None and body["interpreter_needed"] is None
    assert body["health_notes"] == "asma"


def test_action_patches_check_the_assignee_like_the_page(personas: Personas, family: Household, client_as) -> None:  # type: ignore[no-untyped-def]
    from trama.accounts.models import Membership
    from trama.accounts.roles import Role

    p = personas
    today = timezone.localdate()
    goal = services.plan_goal_add(household=family, by=p.proximity, dimension=Dimension.HOUSING,
                                  description="Trovare una casa")
    action = services.plan_action_add(goal=goal, by=p.proximity, description="Domanda", by_operator=p.facilitator)
    base = f"/api/households/{family.pk}/plan"
    client = client_as(p.proximity)
    other = make_household(p, label="Altra famiglia")
    omar = make_person(p, other, first_name_or_alias="Omar")
    for data, field in (({"by_member": omar.pk}, "by_member"), ({"by_operator": p.proximity_b.pk}, "by_operator"),
                        ({"by_organisation": None}, "by_organisation")):
        response = _patch(client, f"{base}/actions/{action.pk}", data)
        assert response.status_code == 400 and field in _body(response)["errors"], (data, response.content)
    # An action of another household is not found through this one.
    foreign_goal = services.plan_goal_add(household=other, by=p.proximity, dimension=Dimension.HOUSING,
                                          description="Altro")
    foreign = services.plan_action_add(goal=foreign_goal, by=p.proximity, description="x", by_organisation=p.ets_a)
    assert _patch(client, f"{base}/actions/{foreign.pk}", {"status": "done"}).status_code == 404

    # The operator leaves the organisation: they can no longer be chosen, and the action must be reassigned
    # before any other change (the page's form would refuse it too).
    Membership.objects.filter(user=p.facilitator).update(valid_until=today - dt.timedelta(days=1))
    stale = _patch(client, f"{base}/actions/{action.pk}", {"status": "done"})
    assert stale.status_code == 400 and "by_operator" in _body(stale)["errors"], stale.content
    assert _post(client, f"{base}/goals/{goal.pk}/actions",
                 {"description": "x", "by_operator": p.facilitator.pk}).status_code == 400
    moved = _patch(client, f"{base}/actions/{action.pk}", {"by_operator": p.referent.pk, "status": "done"})
    assert moved.status_code == 200, moved.content
    assert _body(moved)["assignee"]["name"] == p.referent.full_name and _body(moved)["status"] == "done"
    # A membership ending in the future still counts.
    Membership.objects.create(user=p.facilitator, organisation=p.ets_a, role=Role.LAB_FACILITATOR,
                              valid_from=today - dt.timedelta(days=1), valid_until=today + dt.timedelta(days=30))
    assert _patch(client, f"{base}/actions/{action.pk}", {"by_operator": p.facilitator.pk}).status_code == 200


def test_without_the_health_category_an_editor_cannot_touch_health(  # type: ignore[no-untyped-def]
        personas: Personas, family: Household, client_as, monkeypatch) -> None:
    from trama.accounts.roles import ROLE_PERMISSIONS, Perm, Role

    p = personas
    health_goal = services.plan_goal_add(household=family, by=p.proximity, dimension=Dimension.HEALTH,
                                         description="Visita medica")
    health_action = services.plan_action_add(goal=health_goal, by=p.proximity, description="Prenotare",
                                             by_organisation=p.ets_a)
    amina = family.members.get(first_name_or_alias="Amina")
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PROXIMITY_WORKER,
                        ROLE_PERMISSIONS[Role.PROXIMITY_WORKER] - {Perm.RECORDS_SPECIAL})
    client = client_as(p.proximity)
    base = f"/api/households/{family.pk}"
    assert _patch(client, f"{base}/plan/goals/{health_goal.pk}", {"status": "achieved"}).status_code == 404
    assert _patch(client, f"{base}/plan/actions/{health_action.pk}", {"status": "done"}).status_code == 404
    for url, data, field in (
            (f"{base}/plan/goals", {"dimension": "health", "description": "x"}, "dimension"),
            (f"{base}/plan/reviews", {"reviewed_on": timezone.localdate().isoformat(),
                                      "outcomes": {"health": {"result": "improved"}}},
             "outcomes"),
            (f"{base}/close", {"reason": "moved_away", "outcomes": {"health": {"result": "improved"}}}, "outcomes")):
        response = _post(client, url, data)
        assert response.status_code == 400 and field in _body(response)["errors"], (url, response.content)
    for hidden in ({"health_notes": None}, {"citizenship": "IT"}):
        response = _patch(client, f"{base}/people/{amina.pk}", hidden)
        assert response.status_code == 400 and set(_body(response)["errors"]) == set(hidden), response.content
    health_goal.refresh_from_db()
    amina.refresh_from_db()
    family.refresh_from_db()
    assert health_goal.status == "planned" and family.status == "open"
    assert services.protection.unseal_for_copy(amina, "health_notes") == "asma"
