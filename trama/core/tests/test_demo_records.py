"""The demo's social records (trama/core/demo/records.py): built once for the module by `manage.py demo`, rolled
back at the end (as test_demo.py)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from trama.accounts.models import User
from trama.core.demo import scenario
from trama.core.demo.records import LABEL_MARK
from trama.core.models import AuditEvent
from trama.records.access import households_visible_to
from trama.records.models import (
    Assessment,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Household,
    HouseholdStatus,
    LegalBasisRecord,
    Note,
    NoteVisibility,
    PlanAction,
    PlanGoal,
    PlanReview,
    ReviewOutcome,
    Statement,
)
from trama.records.models import Person as Member
from trama.referrals.models import Referral, ReferralStatus


@dataclass
class DemoRun:
    output: str
    audit_events: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoRun]:
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield DemoRun(output=out.getvalue(), audit_events=AuditEvent.objects.count())
        transaction.set_rollback(True)


def _persona(key: str) -> User:
    spec = next(spec for spec in scenario.PERSONAS if spec.key == key)
    return User.objects.get(email=spec.email)


@pytest.mark.django_db
def test_it_builds_a_dozen_clearly_fictional_households(demo: DemoRun) -> None:
    households = Household.objects.all()
    assert 10 <= households.count() <= 15
    assert all(h.label.endswith(LABEL_MARK) for h in households)
    assert set(households.values_list("organisation__slug", flat=True)) == {scenario.ETS_A, scenario.ETS_B}
    assert not Member.objects.exclude(fiscal_code="").exists()
    assert Member.objects.count() >= 20


@pytest.mark.django_db
def test_it_covers_the_cases_issue_4_names(demo: DemoRun) -> None:
    # A family without documents, an unaccompanied minor, a closed household.
    assert Household.objects.filter(label__startswith="Famiglia Esempio", members__isnull=False).exists()
    assert Member.objects.filter(role_in_household="other_minor", household__label__startswith="Minore").exists()
    assert Household.objects.filter(status=HouseholdStatus.CLOSED).count() == 1
    # Assessments repeated over time, a plan with goals, actions and a review with outcomes.
    assert Assessment.objects.filter(household__label__startswith="Famiglia Prova").count() >= 3
    assert PlanGoal.objects.exists() and PlanAction.objects.exists()
    assert ReviewOutcome.objects.filter(review__kind="periodic").exists()
    assert PlanReview.objects.filter(kind="closure").count() == 1
    assert set(Note.objects.values_list("visibility", flat=True)) == set(NoteVisibility.values)
    assert Statement.objects.filter(term__isnull=False).exists()


@pytest.mark.django_db
def test_it_records_consents_a_withdrawal_and_a_legal_basis(demo: DemoRun) -> None:
    network = ConsentRecipient.objects.filter(network__slug=scenario.MUNICIPAL_NETWORK)
    named = ConsentRecipient.objects.filter(organisation__isnull=False)
    assert network.exists() and named.exists()
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 1
    assert Consent.objects.filter(given_by_kind="guardian", guardian_evidence__isnull=False).exists()
    assert Consent.objects.filter(person__isnull=False).exists()
    assert any(ConsentPurpose.MONITORING_STATISTICS in c.purposes for c in Consent.objects.all())
    basis = LegalBasisRecord.objects.get()
    assert basis.recorded_by == _persona("social_worker")
    assert basis.organisation is not None and basis.organisation.slug == scenario.COMUNE


@pytest.mark.django_db
def test_it_has_referrals_in_every_state(demo: DemoRun) -> None:
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS,
                   ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.EXPIRED):
        assert statuses[status] >= 1, status
    assert not Referral.objects.filter(status=ReferralStatus.COMPLETED, outcome="").exists()
    # Both ETS send and receive.
    assert set(Referral.objects.values_list("to_organisation__slug", flat=True)) == {scenario.ETS_A, scenario.ETS_B}


@pytest.mark.django_db
def test_it_writes_through_the_services_with_an_audit_trail(demo: DemoRun) -> None:
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["records.household.create"] == Household.objects.count()
    assert actions["records.person.add"] == Member.objects.count()
    assert actions["records.consent.record"] == Consent.objects.count()
    assert actions["records.consent.withdraw"] == 1
    assert actions["records.legal_basis.record"] == 1
    assert actions["referrals.referral.send"] == Referral.objects.count()
    assert actions["referrals.referral.expire"] == 1


@pytest.mark.django_db
def test_the_personas_see_what_the_funnel_allows(demo: DemoRun) -> None:
    paolo, bianca, sara = _persona("proximity"), _persona("proximity_b"), _persona("social_worker")
    own_a = Household.objects.filter(organisation__slug=scenario.ETS_A)
    assert set(own_a) <= set(households_visible_to(paolo))
    seen_by_bianca = households_visible_to(bianca)
    # Ripari sees Farsi Prossimo's households only through consents and referrals, never the one whose consent
    # was withdrawn nor the elderly man's (no consent).
    assert not seen_by_bianca.filter(label__startswith="Famiglia Revoca").exists()
    assert not seen_by_bianca.filter(label__startswith="Signor Solitario").exists()
    assert seen_by_bianca.filter(label__startswith="Famiglia Esempio").exists()
    assert households_visible_to(sara).filter(label__startswith="Minore").exists()
    assert not households_visible_to(_persona("evaluator")).exists()


@pytest.mark.django_db
def test_the_pages_show_the_demo_records(demo: DemoRun) -> None:
    client = Client()
    client.force_login(_persona("proximity"))
    response = client.get(reverse("records:household_list"))
    assert response.status_code == 200
    assert "Famiglia Prova" in response.content.decode()
    household = Household.objects.get(label__startswith="Famiglia Prova")
    response = client.get(reverse("records:household_detail", args=[household.pk]))
    assert response.status_code == 200
    assert "Giulia" in response.content.decode()
    bianca = Client()
    bianca.force_login(_persona("proximity_b"))
    response = bianca.get(reverse("referrals:home"))
    assert response.status_code == 200
    waiting = Referral.objects.get(status=ReferralStatus.SENT, to_organisation__slug=scenario.ETS_B)
    assert reverse("referrals:detail", args=[waiting.pk]) in response.content.decode()  # in her inbox


@pytest.mark.django_db
def test_it_changes_nothing_when_run_again(demo: DemoRun) -> None:
    models = (Household, Member, Consent, LegalBasisRecord, Referral, Assessment, Note, PlanGoal, Statement)
    before = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("demo", stdout=out)
    after = {model.__name__: model.objects.count() for model in models}  # type: ignore[attr-defined]
    assert after == before
    assert AuditEvent.objects.count() == demo.audit_events
    assert "Niente da creare" in out.getvalue()
