"""The referrals of a household, and the outcomes the sender finds on its home page: the loop closes where the
sender looks."""

from __future__ import annotations

from django.urls import reverse

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.referrals import services
from trama.referrals.tests.helpers import draft, give_consent, make_family, sent


def test_the_sender_finds_what_happened_to_each_referral(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    completed = sent(p, family)
    services.referral_accept(referral=completed, by=p.proximity_b)
    services.referral_complete(referral=completed, by=p.proximity_b, outcome="got_help")
    declined = sent(p, family)
    services.referral_decline(referral=declined, by=p.proximity_b, reason="no_capacity")
    waiting = draft(p, family)
    client = client_as(p.proximity)
    page = client.get(reverse("referrals:household", args=[family.household.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for referral in (completed, declined, waiting):
        assert reverse("referrals:detail", args=[referral.pk]) in body
    assert "Ha ricevuto aiuto" in body and "Nessun posto disponibile" in body
    assert AuditEvent.objects.filter(action="records.household.referrals", actor=p.proximity).exists()
    # The home keeps the answers of the last weeks with their outcome; open ones stay under "sent".
    home = client.get(reverse("referrals:home"))
    assert [row.referral.pk for row in home.context["answered"]] == [declined.pk, completed.pk]
    assert "Esiti delle segnalazioni inviate" in home.content.decode()
    # The household page links to the list.
    detail = client.get(reverse("records:household_detail", args=[family.household.pk])).content.decode()
    assert reverse("referrals:household", args=[family.household.pk]) in detail


def test_outsiders_get_404_and_receivers_see_only_what_they_received(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    received = sent(p, family)
    services.referral_accept(referral=received, by=p.proximity_b)
    hidden = draft(p, family)  # a draft is the sender's only
    url = reverse("referrals:household", args=[family.household.pk])
    assert client_as(p.referent_other).get(url).status_code == 404
    body = client_as(p.proximity_b).get(url).content.decode()
    assert reverse("referrals:detail", args=[received.pk]) in body
    assert reverse("referrals:detail", args=[hidden.pk]) not in body


def test_the_owners_access_log_shows_who_read_the_referral(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family, organisations=[p.ets_b])
    referral = sent(p, family)
    assert client_as(p.proximity_b).get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    log = client_as(p.proximity).get(reverse("records:access_log", args=[family.household.pk])).content.decode()
    assert "referrals.referral.view" in log and p.proximity_b.email in log
