"""Who sees and acts on referrals (trama/referrals/access.py); inbox, outbox and the operator's home."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.records import services as records_services
from trama.referrals import access, services
from trama.referrals.tests.helpers import draft, give_consent, make_family, sent


def test_both_parties_see_a_sent_referral_others_get_404(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = draft(p, family)
    assert list(access.referrals_visible_to(p.proximity)) == [referral]
    assert list(access.referrals_visible_to(p.proximity_b)) == []  # a draft is the sender's only
    services.referral_send(referral=referral, by=p.proximity)
    for user in (p.proximity, p.referent, p.proximity_b, p.referent_b):
        assert list(access.referrals_visible_to(user)) == [referral]
        assert access.get_referral_for(user, referral.pk).referral == referral
    for user in (p.referent_other, p.evaluator, p.facilitator, p.nobody, p.admin):
        assert list(access.referrals_visible_to(user)) == []
        with pytest.raises(Http404):
            access.get_referral_for(user, referral.pk)
    with pytest.raises(Http404):
        access.get_referral_for(p.proximity, "not-a-number")
    assert AuditEvent.objects.filter(action="access.denied", object_type="referrals.referral").count() == 6
    assert AuditEvent.objects.filter(action="referrals.referral.view").count() == 4


def test_read_only_roles_get_403_on_write(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    referral = sent(p, family)
    opened = access.get_referral_for(p.proximity_b, referral.pk, write=True)
    assert opened.can_act_as_receiver and not opened.can_act_as_sender
    sender = access.get_referral_for(p.proximity, referral.pk, write=True)
    assert sender.can_act_as_sender and not sender.can_act_as_receiver
    # A reader without referrals.manage in either party (the unit lead role holds records.view only) gets 403.
    from trama.accounts.models import Membership
    from trama.accounts.roles import Role

    Membership.objects.create(user=p.unit_lead, organisation=p.ets_b, role=Role.MUNICIPAL_UNIT_LEAD,
                              valid_from=dt.date(2024, 5, 8))
    assert access.get_referral_for(p.unit_lead, referral.pk).is_receiver
    with pytest.raises(PermissionDenied):
        access.get_referral_for(p.unit_lead, referral.pk, write=True)


def test_inbox_waits_urgent_first_and_outbox_shows_what_happened(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    routine = sent(p, family)
    urgent = sent(p, family, urgency="urgent")
    answered = sent(p, family)
    services.referral_accept(referral=answered, by=p.proximity_b)
    assert list(access.inbox(p.proximity_b)) == [routine, urgent]
    assert access.by_urgency(list(access.inbox(p.proximity_b))) == [urgent, routine]
    later = timezone.now() + dt.timedelta(days=2)
    waiting = routine.waiting_for(later)
    assert waiting is not None and waiting >= dt.timedelta(days=2)
    assert answered.waiting_for(later) is None
    assert list(access.inbox(p.proximity)) == []
    assert set(access.outbox(p.proximity)) == {routine, urgent, answered}
    assert list(access.received(p.proximity_b))[0] == answered


def test_operator_home_lists_households_referrals_and_actions_due(personas: Personas) -> None:
    p = personas
    family = make_family(p)
    give_consent(p, family)
    outgoing = sent(p, family)
    goal = records_services.plan_goal_add(household=family.household, by=p.proximity, dimension="education",
                                          description="Iscrizione al doposcuola")
    today = timezone.localdate()
    mine = records_services.plan_action_add(goal=goal, by=p.proximity, description="Chiamare la scuola",
                                            by_operator=p.proximity, due_date=today + dt.timedelta(days=2))
    ours = records_services.plan_action_add(goal=goal, by=p.proximity, description="Colloquio",
                                            by_organisation=p.ets_a, due_date=today - dt.timedelta(days=1))
    records_services.plan_action_add(goal=goal, by=p.proximity, description="Più avanti",
                                     by_operator=p.proximity, due_date=today + dt.timedelta(days=30))
    done = records_services.plan_action_add(goal=goal, by=p.proximity, description="Fatto",
                                            by_operator=p.proximity, due_date=today)
    records_services.plan_action_update(action=done, by=p.proximity, status="done")
    home = access.operator_home(p.proximity)
    assert list(home.households) == [family.household]
    assert list(home.outgoing) == [outgoing]
    assert home.incoming == []
    # Overdue first; neither the one due in a month nor the one done.
    assert [a.pk for a in home.actions_due] == [ours.pk, mine.pk]

    other = access.operator_home(p.proximity_b)
    assert other.incoming == [outgoing]
    # Shared with Beta by consent, but not Beta's household: not on its home page (which shows labels).
    assert list(other.households) == []
    assert other.waiting(outgoing) is not None
    assert list(other.actions_due) == []  # assigned to Alfa, and Beta cannot open the plan's household anyway
    assert list(access.operator_home(p.nobody).households) == []


def test_home_lists_actions_due_only_where_the_plan_is_readable_and_the_household_open(personas: Personas) -> None:
    from trama.records import consent as consent_services
    from trama.records.tests.helpers import make_household, make_person

    p = personas
    today = timezone.localdate()
    household = make_household(p, opened_on=today - dt.timedelta(days=30))
    make_person(p, household)
    health = records_services.plan_goal_add(household=household, by=p.proximity, dimension="health",
                                            description="Visita")
    school = records_services.plan_goal_add(household=household, by=p.proximity, dimension="education",
                                            description="Iscrizione")
    for goal in (health, school):
        records_services.plan_action_add(goal=goal, by=p.proximity, description="Prenotare", by_organisation=p.ets_b,
                                         due_date=today - dt.timedelta(days=1))

    def shared_with_beta(categories: list[str]) -> None:
        consent_services.consent_record(
            household=household, by=p.proximity, purposes=["share_named_organisations"], categories=categories,
            given_on=today, notice_version="2026-11", notice_language="it", recipient_organisations=[p.ets_b],
            given_by_name="Amina")

    def goals_due() -> list[str]:
        return [a.goal.dimension for a in access.plan_actions_due(p.proximity_b)]

    shared_with_beta(["identity"])  # Beta opens the household, not its plan: the home shows none of it
    assert goals_due() == []
    shared_with_beta(["identity", "needs_and_plan"])  # the plan, but not the health goal
    assert goals_due() == ["education"]
    shared_with_beta(["identity", "needs_and_plan", "health"])  # a proximity worker reads special categories
    assert sorted(goals_due()) == ["education", "health"]
    # Assigned to Beta, so on the home of each of its members; the referent does not read special categories.
    assert [a.goal.dimension for a in access.plan_actions_due(p.referent_b)] == ["education"]
    # Own household: the plan is readable, its health goals with the special permission; once closed, its
    # actions wait for no one.
    assert sorted(a.goal.dimension for a in access.plan_actions_due(p.proximity)) == []  # assigned to Beta
    for goal in (health, school):
        records_services.plan_action_add(goal=goal, by=p.proximity, description="Telefonare",
                                         by_organisation=p.ets_a, due_date=today)
    assert sorted(a.goal.dimension for a in access.plan_actions_due(p.proximity)) == ["education", "health"]
    assert [a.goal.dimension for a in access.plan_actions_due(p.referent)] == ["education"]
    records_services.household_close(household=household, by=p.proximity, reason="moved_away")
    assert goals_due() == []


def test_the_home_reads_the_plan_categories_of_shared_households_in_a_fixed_number_of_queries(
        personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = personas

    def shared_household_with_an_action_for_beta() -> None:
        family = make_family(p)
        give_consent(p, family)  # identity, needs and plan, contacts: to Beta
        goal = records_services.plan_goal_add(household=family.household, by=p.proximity, dimension="education",
                                              description="Iscrizione")
        records_services.plan_action_add(goal=goal, by=p.proximity, description="Colloquio",
                                         by_organisation=p.ets_b, due_date=timezone.localdate())

    def rows_and_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = list(access.plan_actions_due(p.proximity_b))
        return len(rows), len(captured.captured_queries)

    shared_household_with_an_action_for_beta()
    one = rows_and_queries()
    for _ in range(4):
        shared_household_with_an_action_for_beta()
    five = rows_and_queries()
    assert (one[0], five[0]) == (1, 5) and five[1] == one[1]
