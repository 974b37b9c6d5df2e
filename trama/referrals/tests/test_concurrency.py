"""Two operators accept the same referral at once: exactly one acceptance is recorded (conditional UPDATE)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from trama.core.errors import ApplicationError
from trama.core.testing import build_personas
from trama.referrals import services
from trama.referrals.models import Referral, ReferralEvent, ReferralStatus
from trama.referrals.tests.helpers import give_consent, make_family, sent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (IMMEDIATE transactions); the in-memory test database cannot run concurrent "
           "writers")


def _race(actions: list[Callable[[], object]]) -> tuple[int, list[BaseException]]:
    barrier = threading.Barrier(len(actions))
    wins: list[object] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            wins.append(action())
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(wins), errors


def test_concurrent_acceptances_exactly_one_wins(transactional_db: None) -> None:
    p = build_personas()
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    users = [p.proximity_b, p.referent_b] * 3

    def accept(user: object) -> Callable[[], object]:
        return lambda: services.referral_accept(referral=Referral.objects.get(pk=referral.pk), by=user)  # type: ignore[arg-type]

    wins, errors = _race([accept(user) for user in users])
    assert wins == 1
    assert len(errors) == len(users) - 1
    assert all(isinstance(e, ApplicationError) and e.code == "already_answered" for e in errors)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert ReferralEvent.objects.filter(referral_id=referral.pk, kind="accepted").count() == 1


def test_an_acceptance_and_a_decline_at_once_one_wins(transactional_db: None) -> None:
    p = build_personas()
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    wins, errors = _race([
        lambda: services.referral_accept(referral=Referral.objects.get(pk=referral.pk), by=p.proximity_b),
        lambda: services.referral_decline(referral=Referral.objects.get(pk=referral.pk), by=p.referent_b,
                                          reason="no_capacity"),
    ])
    assert wins == 1 and len(errors) == 1
    assert ReferralEvent.objects.filter(referral_id=referral.pk, kind__in=["accepted", "declined"]).count() == 1
