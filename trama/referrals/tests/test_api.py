"""The staff JSON API of referrals (/api/referrals): the funnel, the consent gate, the lifecycle, the thread.
(Concurrent acceptance is tested on the services, test_concurrency.py.)"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records.models import OrganisationNotification
from trama.referrals.models import Referral, ReferralMessage, ReferralStatus
from trama.referrals.tests.helpers import C, Family, draft, give_consent, make_family, sent


def _body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def _payload(family: Family, **extra: Any) -> dict[str, Any]:
    return {"household": family.household.pk, "people": [family.child.pk], "service": family.service.pk,
            "reason": "Ha bisogno di aiuto con i compiti", "urgency": "soon",
            "categories": [C.IDENTITY, C.NEEDS_AND_PLAN], **extra}


def test_create_a_draft_and_sending_without_consent_is_refused_with_the_explanation(personas: Personas,  # type: ignore[no-untyped-def]
                                                                                     client_as) -> None:
    p = personas
    family = make_family(p)
    client = client_as(p.proximity)
    created = _post(client, "/api/referrals", _payload(family))
    assert created.status_code == 201, created.content
    referral = _body(created)
    assert referral["status"] == "draft" and referral["direction"] == "out"
    assert referral["reason"] == "Ha bisogno di aiuto con i compiti" and referral["people"] == ["Yusuf"]
    assert set(referral["actions"]) == {"send", "cancel"}

    refused = _post(client, f"/api/referrals/{referral['id']}/send")
    assert refused.status_code == 400
    body = _body(refused)
    assert "nessun consenso in vigore" in body["detail"] and body["errors"]["consent"] == [body["detail"]]
    assert Referral.objects.get(pk=referral["id"]).status == ReferralStatus.DRAFT

    give_consent(p, family)
    sent_now = _post(client, f"/api/referrals/{referral['id']}/send")
    assert sent_now.status_code == 200, sent_now.content
    assert _body(sent_now)["status"] == "sent" and _body(sent_now)["consent_id"] is not None
    assert _post(client, f"/api/referrals/{referral['id']}/send").status_code == 409


def test_create_checks_its_input(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    other = make_family(p)
    client = client_as(p.proximity)
    stranger = _post(client, "/api/referrals", _payload(family, people=[other.child.pk]))
    assert stranger.status_code == 400 and "people" in _body(stranger)["errors"]
    no_service = _post(client, "/api/referrals", _payload(family, service=999999))
    assert no_service.status_code == 400 and "service" in _body(no_service)["errors"]
    no_reason = _post(client, "/api/referrals", _payload(family, reason=" "))
    assert no_reason.status_code == 400 and "reason" in _body(no_reason)["errors"]
    bad_urgency = _post(client, "/api/referrals", _payload(family, urgency="subito"))
    assert bad_urgency.status_code == 400 and "urgency" in _body(bad_urgency)["errors"]
    assert not Referral.objects.exists()


def test_a_household_of_another_organisation_is_404(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    response = _post(client_as(p.referent_other), "/api/referrals", _payload(family))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(family.household.pk),
                                     actor=p.referent_other).exists()


def test_the_receiver_accepts_sees_only_what_is_shared_and_completes(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family, categories=[C.IDENTITY, C.NEEDS_AND_PLAN])
    referral = sent(p, family)
    receiver = Client()
    receiver.force_login(p.proximity_b)

    inbox = _body(receiver.get("/api/referrals?direction=in"))
    assert inbox["count"] == 1 and inbox["results"][0]["direction"] == "in"
    assert _body(receiver.get("/api/referrals?direction=out"))["count"] == 0
    assert _body(receiver.get("/api/referrals?status=accepted"))["count"] == 0

    accepted = _post(receiver, f"/api/referrals/{referral.pk}/accept")
    assert accepted.status_code == 200 and _body(accepted)["status"] == "accepted"
    assert _post(receiver, f"/api/referrals/{referral.pk}/accept").status_code == 409

    # Through the referral the receiver reads the referred child only, and only the shared categories.
    household = _body(receiver.get(f"/api/households/{family.household.pk}"))
    assert "referral" in household["via"] or "consent" in household["via"]
    people = _body(receiver.get(f"/api/households/{family.household.pk}/people"))["results"]
    assert all(person["health_notes"] is None and person["phones"] is None for person in people)

    missing = _post(receiver, f"/api/referrals/{referral.pk}/complete")
    assert missing.status_code == 400 and _body(missing)["errors"] == {"outcome": ["Campo obbligatorio."]}
    started = _post(receiver, f"/api/referrals/{referral.pk}/start")
    assert _body(started)["status"] == "in_progress"
    done = _post(receiver, f"/api/referrals/{referral.pk}/complete", {"outcome": "got_help", "note": "Bene"})
    assert done.status_code == 200
    assert _body(done)["outcome"] == "got_help" and _body(done)["outcome_note"] == "Bene"

    sender = Client()
    sender.force_login(p.proximity)
    seen = _body(sender.get(f"/api/referrals/{referral.pk}"))
    assert seen["status"] == "completed" and seen["outcome"] == "got_help"
    assert [e["kind"] for e in seen["events"]] == ["created", "sent", "accepted", "started", "completed"]


def test_decline_needs_a_reason(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    client = client_as(p.referent_b)
    missing = _post(client, f"/api/referrals/{referral.pk}/decline")
    assert missing.status_code == 400 and "reason" in _body(missing)["errors"]
    other = _post(client, f"/api/referrals/{referral.pk}/decline", {"reason": "other"})
    assert other.status_code == 400 and "note" in _body(other)["errors"]
    declined = _post(client, f"/api/referrals/{referral.pk}/decline", {"reason": "no_capacity"})
    assert declined.status_code == 200 and _body(declined)["decline_reason"] == "no_capacity"


def test_the_sender_may_not_accept_its_own_referral(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    # The funnel lets the sender act on the referral; the service refuses this action: a clean 400, like the page.
    response = _post(client_as(p.proximity), f"/api/referrals/{referral.pk}/accept")
    assert response.status_code == 400
    assert "ricevente" in _body(response)["detail"]


def test_an_unrelated_organisation_gets_404_audited(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    client = client_as(p.referent_other)
    for url in (f"/api/referrals/{referral.pk}", f"/api/referrals/{referral.pk}/messages"):
        assert client.get(url).status_code == 404
    assert _post(client, f"/api/referrals/{referral.pk}/accept").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(referral.pk),
                                     actor=p.referent_other).count() == 3
    assert _body(client.get("/api/referrals"))["count"] == 0


def test_a_draft_is_hidden_from_the_receiver(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = draft(p, make_family(p))
    client = client_as(p.proximity_b)
    assert client.get(f"/api/referrals/{referral.pk}").status_code == 404
    assert _body(client.get("/api/referrals"))["count"] == 0


def test_the_thread(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    sender, receiver = Client(), Client()
    sender.force_login(p.proximity)
    receiver.force_login(p.proximity_b)
    written = _post(sender, f"/api/referrals/{referral.pk}/messages", {"text": "Potete chiamarci?"})
    assert written.status_code == 201 and _body(written)["organisation"]["id"] == p.ets_a.pk
    assert _post(receiver, f"/api/referrals/{referral.pk}/messages", {"text": "Sì"}).status_code == 201
    empty = _post(receiver, f"/api/referrals/{referral.pk}/messages", {"text": "  "})
    assert empty.status_code == 400 and "text" in _body(empty)["errors"]
    thread = _body(receiver.get(f"/api/referrals/{referral.pk}/messages?per_page=1"))
    assert thread["count"] == 2 and thread["pages"] == 2
    assert thread["results"][0]["text"] == "Potete chiamarci?"
    assert ReferralMessage.objects.filter(referral=referral).count() == 2
    assert OrganisationNotification.objects.filter(organisation=p.ets_b, kind="referral_message").exists()


def test_the_sender_cancels_a_draft(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = draft(p, make_family(p))
    response = _post(client_as(p.proximity), f"/api/referrals/{referral.pk}/cancel")
    assert response.status_code == 200, response.content
    assert _body(response)["status"] == "cancelled" and _body(response)["actions"] == []


def _patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_the_sender_changes_a_draft_before_sending_it(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    referral = draft(p, family)
    url = f"/api/referrals/{referral.pk}"
    client = client_as(p.proximity)
    changed = _patch(client, url, {"people": [family.parent.pk, family.child.pk], "urgency": "urgent",
                                   "reason": "Anche la mamma"})
    assert changed.status_code == 200, changed.content
    body = _body(changed)
    assert sorted(body["people"]) == ["Amina", "Yusuf"] and body["urgency"] == "urgent"
    assert body["reason"] == "Anche la mamma" and body["status"] == "draft"
    # Only what is sent changes.
    narrower = _body(_patch(client, url, {"categories": [C.IDENTITY]}))
    assert narrower["categories"] == [C.IDENTITY] and narrower["reason"] == "Anche la mamma"
    assert sorted(narrower["people"]) == ["Amina", "Yusuf"] and narrower["urgency"] == "urgent"
    assert AuditEvent.objects.filter(action="referrals.referral.update", object_id=str(referral.pk),
                                     actor=p.proximity).count() == 2

    # Bad input is explained and changes nothing.
    for bad, field in (({"reason": None}, "reason"), ({"reason": "  "}, "reason"), ({"people": []}, "people"),
                       ({"service": 999999}, "service"), ({"consent": 999999}, "consent"),
                       ({"urgency": "subito"}, "urgency")):
        response = _patch(client, url, bad)
        assert response.status_code == 400 and field in _body(response)["errors"], (bad, response.content)
    assert _patch(client, url, {"colour": "red"}).status_code == 400
    assert client.patch(url, data="[]", content_type="application/json").status_code == 400
    stranger = make_family(p)
    assert _patch(client, url, {"people": [stranger.child.pk]}).status_code == 400
    assert Referral.objects.get(pk=referral.pk).people.count() == 2

    # Who manages referrals without changing records, the receiver (a draft is hidden) and outsiders may not.
    assert _patch(client_as(p.referent), url, {"urgency": "soon"}).status_code == 403
    assert _patch(client_as(p.proximity_b), url, {"urgency": "soon"}).status_code == 404
    assert _patch(client_as(p.referent_other), url, {"urgency": "soon"}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).urgency == "urgent"

    # A basis named stays until changed; null names none.
    consent = give_consent(p, family)
    client = client_as(p.proximity)
    assert _body(_patch(client, url, {"consent": consent.pk}))["consent_id"] == consent.pk
    assert _body(_patch(client, url, {"urgency": "soon"}))["consent_id"] == consent.pk
    assert _body(_patch(client, url, {"consent": None}))["consent_id"] is None

    # Once sent, it is the receiver's to answer: 409.
    assert _post(client, f"{url}/send").status_code == 200
    late = _patch(client, url, {"urgency": "soon"})
    assert late.status_code == 409 and "solo una bozza" in _body(late)["detail"]
