"""Answering a referral: not past its deadline (accept or decline), not once the receiver has left the network
the consent names; urgent ones first on the home page whatever the limit; reminders audited one by one; a
draft shows no lapsed-consent warning; the API names a consent that does not exist as such."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network.models import NetworkMembership
from trama.referrals import access, services
from trama.referrals.models import Referral, ReferralStatus, Urgency
from trama.referrals.tests.helpers import draft, give_consent, make_family, sent

pytestmark = pytest.mark.django_db


def _past_deadline(referral: Referral) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    referral.refresh_from_db()
    return referral


def test_past_its_deadline_a_referral_is_neither_accepted_nor_declined(personas: Personas, client_as: Any) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = _past_deadline(sent(p, family))
    for answer in (lambda: services.referral_accept(referral=referral, by=p.referent_b),
                   lambda: services.referral_decline(referral=referral, by=p.referent_b, reason="no_capacity")):
        with pytest.raises(ApplicationError) as refused:
            answer()
        assert refused.value.code == "expired"
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT  # the daily job marks it expired
    opened = access.get_referral_for(p.referent_b, referral.pk)
    assert not opened.actions()["accept"] and not opened.actions()["decline"]
    response = client_as(p.referent_b).post(f"/api/referrals/{referral.pk}/decline",
                                            data=json.dumps({"reason": "no_capacity"}),
                                            content_type="application/json")
    assert response.status_code == 409


def test_a_receiver_that_left_the_consented_network_cannot_accept(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family, networks=[p.network8])
    referral = sent(p, family)
    NetworkMembership.objects.filter(network=p.network8, organisation=p.ets_b).update(
        until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        services.referral_accept(referral=referral, by=p.referent_b)
    assert refused.value.code == "basis_lapsed" and "Associazione Beta" in str(refused.value)


def test_the_home_page_shows_an_urgent_referral_whatever_the_limit(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    routine = [sent(p, family) for _ in range(3)]
    urgent = sent(p, family, urgency=Urgency.URGENT)
    home = access.operator_home(p.referent_b, limit=2)
    assert [r.pk for r in home.incoming] == [urgent.pk, routine[0].pk]


def test_each_reminder_is_audited_on_its_referral(personas: Personas, settings: Any) -> None:
    settings.TRAMA_REFERRAL_REMINDER_DAYS = 30
    p = personas
    family = make_family(p)
    give_consent(p, family)
    first, second = sent(p, family), sent(p, family)
    services.referrals_expire()
    events = AuditEvent.objects.filter(action="referrals.referral.remind")
    assert sorted(int(e.object_id) for e in events) == [first.pk, second.pk]
    assert all(e.details["household"] == family.household.pk for e in events)


def test_a_draft_shows_no_warning_about_a_lapsed_consent(personas: Personas, client_as: Any) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = draft(p, family)
    page = client_as(p.proximity).get(f"/referrals/{referral.pk}/").content.decode()
    assert "non è più in vigore" not in page


def test_the_api_says_when_a_consent_does_not_exist(personas: Personas, client_as: Any) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    client = client_as(p.proximity)
    body = {"household": family.household.pk, "people": [family.child.pk], "service": family.service.pk,
            "reason": "Compiti", "categories": ["identity"], "consent": 999999}
    response = client.post("/api/referrals", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["consent"] == ["Questo nucleo non ha un consenso con questo numero."]
    body["consent"] = 10**30
    assert client.post("/api/referrals", data=json.dumps(body), content_type="application/json").status_code == 400
