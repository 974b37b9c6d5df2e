"""The referral page: parties see it, others get 404, readers get 403 on actions; actions and messages work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.referrals.models import Referral, ReferralMessage, ReferralStatus
from trama.referrals.tests.helpers import C, draft, give_consent, make_family, sent


def _sent(p: Personas) -> Referral:
    family = make_family(p)
    give_consent(p, family)
    return sent(p, family)


def test_login_is_required(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    referral = _sent(personas)
    for url in (reverse("referrals:home"), reverse("referrals:detail", args=[referral.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_both_parties_see_the_referral_with_its_reason(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    sender = client_as(p.proximity).get(reverse("referrals:detail", args=[referral.pk]))
    assert sender.status_code == 200
    body = sender.content.decode()
    assert "Ha bisogno di aiuto con i compiti" in body
    assert "Yusuf" in body  # the sender owns the household: names are shown
    assert reverse("records:household_detail", args=[referral.household_id]) in body
    assert reverse("referrals:cancel", args=[referral.pk]) in body
    assert reverse("referrals:accept", args=[referral.pk]) not in body
    receiver = client_as(p.proximity_b).get(reverse("referrals:detail", args=[referral.pk]))
    assert receiver.status_code == 200
    assert reverse("referrals:accept", args=[referral.pk]) in receiver.content.decode()
    assert AuditEvent.objects.filter(action="referrals.referral.view", object_id=str(referral.pk)).count() == 2


def test_an_unrelated_organisation_gets_404_audited(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    client = client_as(p.referent_other)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(referral.pk)).count() == 2
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_draft_is_hidden_from_the_receiver(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = draft(p, make_family(p))
    assert client_as(p.proximity_b).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


def test_a_read_only_reader_gets_403_on_actions(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    from trama.accounts.models import Membership
    from trama.accounts.roles import Role

    p = personas
    referral = _sent(p)
    Membership.objects.create(user=p.unit_lead, organisation=p.ets_b, role=Role.MUNICIPAL_UNIT_LEAD,
                              valid_from=dt.date(2024, 5, 8))
    client = client_as(p.unit_lead)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("referrals:accept", args=[referral.pk]) not in body
    assert reverse("referrals:message_add", args=[referral.pk]) not in body
    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 403
    assert client.post(reverse("referrals:message_add", args=[referral.pk]), {"text": "x"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_receiver_accepts_starts_and_completes(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    client = client_as(p.proximity_b)
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    client.post(reverse("referrals:start", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_PROGRESS
    missing = client.post(reverse("referrals:complete", args=[referral.pk]), {"outcome": ""})
    assert missing.status_code == 400
    client.post(reverse("referrals:complete", args=[referral.pk]), {"outcome": "got_help", "note": "Iscritto"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "got_help"
    sender_page = client_as(p.proximity).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Ha ricevuto aiuto" in sender_page and "Iscritto" in sender_page


def test_a_second_answer_shows_the_service_message(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    client = client_as(p.proximity_b)
    client.post(reverse("referrals:accept", args=[referral.pk]))
    again = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert again.status_code == 400
    assert "già stata accettata" in again.content.decode()


def test_decline_needs_a_reason(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    client = client_as(p.proximity_b)
    assert client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": "no_capacity"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_the_sender_cancels(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    assert client_as(p.proximity_b).post(reverse("referrals:cancel", args=[referral.pk])).status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    client_as(p.proximity).post(reverse("referrals:cancel", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_messages_post_into_the_thread(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    client = client_as(p.proximity_b)
    empty = client.post(reverse("referrals:message_add", args=[referral.pk]), {"text": ""})
    assert empty.status_code == 400 and "Scrivi il messaggio." in empty.content.decode()
    client.post(reverse("referrals:message_add", args=[referral.pk]), {"text": "Potete venire martedì?"})
    message = ReferralMessage.objects.get(referral=referral)
    assert message.organisation_id == p.ets_b.pk
    page = client_as(p.proximity).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Potete venire martedì?" in page


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_page_renders_in_both_languages(personas: Personas, client_as, lang: str) -> None:  # type: ignore[no-untyped-def]
    referral = _sent(personas)
    client = client_as(personas.proximity)
    response = client.get(reverse("referrals:detail", args=[referral.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200


def test_without_identity_the_receiver_sees_only_a_count(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family, categories=[C.NEEDS_AND_PLAN])
    referral = sent(p, family, categories=[C.NEEDS_AND_PLAN])
    body = client_as(p.proximity_b).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Yusuf" not in body and "1 persona" in body


def test_with_identity_the_receiver_sees_the_referred_members_only(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = _sent(p)
    body = client_as(p.proximity_b).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Yusuf" in body and "Amina" not in body
