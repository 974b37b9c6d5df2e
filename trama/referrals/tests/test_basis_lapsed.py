"""What sending a referral checked may change before it is answered: the family's consent withdrawn, the
household closed, the deadline passed. Then the receiver no longer reads the referral's texts, nobody writes in
its thread, and it cannot be accepted or started (it can still be declined, completed or cancelled)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.testing import Personas
from trama.records import consent as consent_services
from trama.records import services as records_services
from trama.referrals import services
from trama.referrals.models import Referral, ReferralStatus
from trama.referrals.tests.helpers import give_consent, make_family, sent


def _withdrawn(p: Personas) -> Referral:
    family = make_family(p)
    consent = give_consent(p, family)
    referral = sent(p, family, consent=consent)
    services.referral_message_add(referral=referral, by=p.proximity, organisation=p.ets_a, text="Ci sentiamo lunedì")
    consent_services.consent_withdraw(consent=consent, by=p.proximity)
    return referral


def test_after_withdrawal_the_receiver_reads_no_texts_and_the_thread_is_closed(personas: Personas,  # type: ignore[no-untyped-def]
                                                                             client_as) -> None:
    p = personas
    referral = _withdrawn(p)
    receiver = client_as(p.proximity_b)
    body = receiver.get(f"/api/referrals/{referral.pk}").json()
    assert body["reason"] == "" and "accept" not in body["actions"] and "message" not in body["actions"]
    assert "decline" in body["actions"]
    assert receiver.get(f"/api/referrals/{referral.pk}/messages").json()["results"][0]["text"] == ""
    page = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Ha bisogno di aiuto con i compiti" not in page and "Ci sentiamo lunedì" not in page
    assert "non sono più visibili alla tua organizzazione" in page
    posted = receiver.post(f"/api/referrals/{referral.pk}/messages", data=json.dumps({"text": "Ricevuto"}),
                           content_type="application/json")
    assert posted.status_code == 409 and "non è più in vigore" in posted.json()["detail"]
    accepted = receiver.post(f"/api/referrals/{referral.pk}/accept", data="{}", content_type="application/json")
    assert accepted.status_code in (400, 409)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    sender = client_as(p.proximity).get(f"/api/referrals/{referral.pk}").json()
    assert sender["reason"] == "Ha bisogno di aiuto con i compiti" and "cancel" in sender["actions"]
    assert "message" not in sender["actions"]


def test_an_accepted_referral_is_not_started_once_the_consent_is_withdrawn(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    consent = give_consent(p, family)
    referral = services.referral_accept(referral=sent(p, family, consent=consent), by=p.proximity_b)
    consent_services.consent_withdraw(consent=consent, by=p.proximity)
    with pytest.raises(ApplicationError) as error:
        services.referral_start(referral=referral, by=p.proximity_b)
    assert error.value.code == "basis_lapsed"
    services.referral_complete(referral=referral, by=p.proximity_b, outcome="no_longer_interested")


def test_no_acceptance_past_the_deadline_or_of_a_closed_household(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    consent = give_consent(p, family)
    late = sent(p, family, consent=consent)
    Referral.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    late.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        services.referral_accept(referral=late, by=p.proximity_b)
    assert error.value.code == "expired"
    closed = sent(p, family, consent=consent)
    records_services.household_close(household=family.household, by=p.proximity, reason="moved_away")
    with pytest.raises(ApplicationError) as error:
        services.referral_accept(referral=closed, by=p.proximity_b)
    assert error.value.code == "closed"
    assert Referral.objects.get(pk=closed.pk).status == ReferralStatus.SENT


def test_the_receiver_of_an_open_referral_is_told_when_its_consent_is_withdrawn(personas: Personas) -> None:
    from trama.records.models import OrganisationNotification

    p = personas
    family = make_family(p)
    consent = give_consent(p, family)
    waiting, closed = sent(p, family), sent(p, family)
    services.referral_decline(referral=closed, by=p.proximity_b, reason="no_capacity")
    consent_services.consent_withdraw(consent=consent, by=p.proximity)
    told = list(OrganisationNotification.objects.filter(organisation=p.ets_b, kind="consent_withdrawn")
                .values_list("text", flat=True))
    assert len(told) == 1 and f"n. {waiting.pk} " in told[0]  # the declined one is closed already
