"""The operator home ("Il mio lavoro"): what each persona sees, empty states, a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trama.core.testing import Personas
from trama.records import services as records_services
from trama.referrals.tests.helpers import draft, give_consent, make_family, sent


def test_the_receiver_sees_waiting_referrals_urgent_first(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    routine = sent(p, family)
    urgent = sent(p, family, urgency="urgent")
    response = client_as(p.proximity_b).get(reverse("referrals:home"))
    assert response.status_code == 200
    assert [row.referral.pk for row in response.context["incoming"]] == [urgent.pk, routine.pk]
    body = response.content.decode()
    assert body.index(reverse("referrals:detail", args=[urgent.pk])) < body.index(
        reverse("referrals:detail", args=[routine.pk]))
    assert "in attesa da 0 giorni" in body
    assert "Nessuna segnalazione inviata ancora aperta." in body  # ets_b sent nothing


def test_the_sender_sees_its_households_sent_referrals_and_actions_due(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    outgoing = sent(p, family)
    goal = records_services.plan_goal_add(household=family.household, by=p.proximity, dimension="education",
                                          description="Iscrizione al doposcuola")
    records_services.plan_action_add(goal=goal, by=p.proximity, description="Chiamare la scuola segreta",
                                     by_operator=p.proximity, due_date=timezone.localdate() - dt.timedelta(days=1))
    response = client_as(p.proximity).get(reverse("referrals:home"))
    body = response.content.decode()
    assert reverse("referrals:detail", args=[outgoing.pk]) in body
    assert family.household.reference_code in body
    assert reverse("records:household_detail", args=[family.household.pk]) in body
    assert len(response.context["actions_due"]) == 1
    assert "Chiamare la scuola segreta" not in body  # descriptions are encrypted: only the code and date
    assert "scaduta il" in body
    assert "Nessuna segnalazione in attesa di risposta." in body


def test_empty_states_and_login(personas: Personas, client, client_as) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("referrals:home")).status_code == 302
    body = client_as(personas.nobody).get(reverse("referrals:home")).content.decode()
    assert "Nessuna segnalazione in attesa di risposta." in body
    assert "La tua organizzazione non ha nuclei aperti." in body
    assert "Nessun passaggio in attesa." in body


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_home_renders_in_both_languages(personas: Personas, client_as, lang: str) -> None:  # type: ignore[no-untyped-def]
    response = client_as(personas.proximity).get(reverse("referrals:home"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200


def test_the_home_query_count_does_not_grow_with_the_rows(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    family = make_family(p)
    give_consent(p, family)
    sent(p, family)
    client = client_as(p.proximity_b)
    client.get(reverse("referrals:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("referrals:home"))
    for _ in range(4):
        other = make_family(p)
        give_consent(p, other)
        sent(p, other)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("referrals:home"))
    assert len(response.context["incoming"]) == 5
    assert len(many) == len(few)


def test_drafts_are_listed_for_the_sender_only(personas: Personas, client_as) -> None:  # type: ignore[no-untyped-def]
    p = personas
    referral = draft(p, make_family(p))
    link = reverse("referrals:detail", args=[referral.pk])
    assert link in client_as(p.proximity).get(reverse("referrals:home")).content.decode()
    assert link not in client_as(p.proximity_b).get(reverse("referrals:home")).content.decode()


def test_today_is_the_day_in_rome_after_midnight(personas: Personas, client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # 23:30 UTC on 21 November is 00:30 on the 22nd in Rome: an action due on the 21st is overdue.
    from trama.referrals import access as referrals_access

    late = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(referrals_access.timezone, "now", lambda: late)
    response = client_as(personas.proximity).get(reverse("referrals:home"))
    assert response.context["today"] == dt.date(2026, 11, 22)
