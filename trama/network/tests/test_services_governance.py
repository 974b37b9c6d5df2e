from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trama.core.errors import ApplicationError
from trama.core.models import AuditEvent
from trama.core.testing import Personas
from trama.network import services
from trama.network.models import (
    ActionStatus,
    AttendanceStatus,
    BodyKind,
    BodyRole,
    MeetingStatus,
)
from trama.network.tests.conftest import Governance, at

# --- bodies ---------------------------------------------------------------------------------------


def test_it_puts_the_integrated_steering_committee_on_the_city_network_only(personas: Personas) -> None:
    cabina = services.body_create(
        network=personas.city_network,
        by=None,
        kind=BodyKind.INTEGRATED_STEERING,
        name="Cabina di Regia Integrata",
    )
    assert cabina.network == personas.city_network
    with pytest.raises(ApplicationError) as info:
        services.body_create(network=personas.network8, by=None, kind=BodyKind.INTEGRATED_STEERING, name="No")
    assert info.value.field == "kind"
    with pytest.raises(ApplicationError):
        services.body_create(
            network=personas.city_network, by=None, kind=BodyKind.MUNICIPAL_STEERING, name="No"
        )


def test_it_allows_one_active_cabina_per_network(personas: Personas, gov: Governance) -> None:
    with pytest.raises(ApplicationError):
        services.body_create(network=personas.network8, by=None, kind=BodyKind.MUNICIPAL_STEERING, name="Bis")
    services.body_update(body=gov.body, by=None, is_active=False)
    services.body_create(network=personas.network8, by=None, kind=BodyKind.MUNICIPAL_STEERING, name="Nuova")


def test_it_refuses_two_bodies_with_the_same_name_in_a_network(personas: Personas) -> None:
    services.body_create(
        network=personas.network8, by=None, kind=BodyKind.THEMATIC_TABLE, name="0-1000 giorni"
    )
    with pytest.raises(ApplicationError):
        services.body_create(
            network=personas.network8, by=None, kind=BodyKind.PROJECT_GROUP, name="0-1000 giorni"
        )


def test_it_adds_body_members_from_the_network_or_above(personas: Personas, gov: Governance) -> None:
    # The Comune is a member of the city network, above network 8.
    comune = services.body_member_add(
        body=gov.body, by=None, organisation=personas.comune, role=BodyRole.COMMUNITY_SOCIAL_WORKER
    )
    assert comune.who == personas.comune
    with pytest.raises(ApplicationError) as info:
        services.body_member_add(body=gov.body, by=None, organisation=personas.ets_other)
    assert info.value.field == "organisation"
    with pytest.raises(ApplicationError):
        services.body_member_add(body=gov.body, by=None, person=gov.person, organisation=personas.ets_a)
    with pytest.raises(ApplicationError):
        services.body_member_add(body=gov.body, by=None)


def test_it_refuses_a_body_member_twice_in_the_same_period(gov: Governance) -> None:
    with pytest.raises(ApplicationError):
        services.body_member_add(body=gov.body, by=None, person=gov.person, role=BodyRole.CHAIR)


def test_it_removes_a_body_member_keeping_the_history(gov: Governance) -> None:
    ended = services.body_member_remove(member=gov.member, by=None)
    assert ended is not None
    assert ended.until == timezone.localdate()
    with pytest.raises(ApplicationError):
        services.body_member_remove(member=gov.member, by=None)
    future = services.body_member_add(
        body=gov.body, by=None, person=gov.person, since=timezone.localdate() + dt.timedelta(days=30)
    )
    assert services.body_member_remove(member=future, by=None) is None


# --- meetings -------------------------------------------------------------------------------------


def test_it_requires_a_meeting_to_end_after_it_starts(gov: Governance) -> None:
    with pytest.raises(ApplicationError) as info:
        services.meeting_create(body=gov.body, by=None, starts_at=at(3, 12), ends_at=at(3, 10))
    assert info.value.field == "ends_at"
    with pytest.raises(ApplicationError):
        services.meeting_update(meeting=gov.future, by=None, ends_at=gov.future.starts_at)


def test_it_requires_timezone_aware_times(gov: Governance) -> None:
    naive = dt.datetime(2025, 5, 1, 10)
    with pytest.raises(ApplicationError):
        services.meeting_create(
            body=gov.body, by=None, starts_at=naive, ends_at=naive + dt.timedelta(hours=1)
        )


def test_it_stores_meeting_times_as_given_in_rome(gov: Governance) -> None:
    gov.future.refresh_from_db()
    assert timezone.localtime(gov.future.starts_at).hour == 10
    assert str(timezone.localtime(gov.future.starts_at).tzinfo) == "Europe/Rome"


def test_it_moves_meetings_through_their_statuses(gov: Governance) -> None:
    with pytest.raises(ApplicationError):
        services.meeting_set_status(meeting=gov.future, by=None, status=MeetingStatus.HELD)  # not started yet
    services.meeting_set_status(meeting=gov.future, by=None, status=MeetingStatus.CANCELLED)
    services.meeting_set_status(meeting=gov.future, by=None, status=MeetingStatus.PLANNED)
    with pytest.raises(ApplicationError):
        services.meeting_set_status(meeting=gov.past, by=None, status=MeetingStatus.CANCELLED)  # already held
    assert AuditEvent.objects.filter(action="network.meeting.status").count() == 2


def test_it_records_minutes_only_after_the_start_and_marks_the_meeting_held(gov: Governance) -> None:
    assert gov.past.status == MeetingStatus.HELD
    with pytest.raises(ApplicationError):
        services.meeting_record_minutes(meeting=gov.future, by=None, minutes="Troppo presto")
    services.meeting_set_status(meeting=gov.future, by=None, status=MeetingStatus.CANCELLED)
    with pytest.raises(ApplicationError):
        services.meeting_record_minutes(meeting=gov.future, by=None, minutes="Annullata")


def test_it_records_attendance_and_replaces_it(personas: Personas, gov: Governance) -> None:
    services.attendance_set(meeting=gov.past, by=None, person=gov.person, status=AttendanceStatus.PRESENT)
    line = services.attendance_set(
        meeting=gov.past, by=None, person=gov.person, status=AttendanceStatus.EXCUSED
    )
    assert gov.past.attendance.count() == 1
    assert line.status == AttendanceStatus.EXCUSED
    recorded = services.attendance_record(
        meeting=gov.past,
        by=None,
        entries=[
            services.AttendanceEntry(status=None, person=gov.person),
            services.AttendanceEntry(status=AttendanceStatus.PRESENT, organisation=personas.ets_b),
        ],
    )
    assert recorded == 1
    assert list(gov.past.attendance.values_list("organisation", "status")) == [
        (personas.ets_b.pk, AttendanceStatus.PRESENT)
    ]


def test_it_refuses_presence_at_a_meeting_that_has_not_started(gov: Governance) -> None:
    with pytest.raises(ApplicationError):
        services.attendance_set(
            meeting=gov.future, by=None, person=gov.person, status=AttendanceStatus.PRESENT
        )
    excused = services.attendance_set(
        meeting=gov.future, by=None, person=gov.person, status=AttendanceStatus.EXCUSED
    )
    assert excused.pk is not None


def test_it_numbers_decisions_within_the_meeting(gov: Governance) -> None:
    second = services.decision_add(meeting=gov.past, by=None, text="Seconda decisione")
    assert (gov.decision.number, second.number) == (1, 2)
    with pytest.raises(ApplicationError):
        services.decision_add(meeting=gov.future, by=None, text="Prima della riunione")
    with pytest.raises(ApplicationError):
        services.decision_add(meeting=gov.past, by=None, text="   ")


# --- action items ---------------------------------------------------------------------------------


def test_it_creates_an_action_item_linked_to_its_decision(personas: Personas, gov: Governance) -> None:
    item = services.action_item_create(
        body=gov.body,
        by=None,
        decision=gov.decision,
        title="Convocare le scuole",
        owner=personas.referent_b,
        due_on=timezone.localdate(),
    )
    assert item.meeting == gov.past
    assert item.status == ActionStatus.OPEN


def test_it_refuses_a_due_date_before_the_meeting_or_in_the_past(personas: Personas, gov: Governance) -> None:
    with pytest.raises(ApplicationError) as info:
        services.action_item_create(
            body=gov.body,
            by=None,
            meeting=gov.past,
            title="X",
            owner=personas.referent,
            due_on=timezone.localdate(gov.past.starts_at) - dt.timedelta(days=1),
        )
    assert info.value.field == "due_on"
    with pytest.raises(ApplicationError):
        services.action_item_create(
            body=gov.body,
            by=None,
            title="X",
            owner=personas.referent,
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_it_requires_an_owner_who_works_for_the_network(personas: Personas, gov: Governance) -> None:
    with pytest.raises(ApplicationError) as info:
        services.action_item_create(
            body=gov.body, by=None, title="X", owner=personas.referent_other, due_on=timezone.localdate()
        )
    assert info.value.field == "owner"
    with pytest.raises(ApplicationError):
        services.action_item_create(
            body=gov.body, by=None, title="X", owner=personas.nobody, due_on=timezone.localdate()
        )


def test_it_refuses_a_meeting_or_decision_of_another_body(personas: Personas, gov: Governance) -> None:
    with pytest.raises(ApplicationError) as info:
        services.action_item_create(
            body=gov.body,
            by=None,
            meeting=gov.other_meeting,
            title="X",
            owner=personas.referent,
            due_on=at(30).date(),
        )
    assert info.value.field == "meeting"
    with pytest.raises(ApplicationError):
        services.action_item_create(
            body=gov.body,
            by=None,
            meeting=gov.future,
            decision=gov.decision,
            title="X",
            owner=personas.referent,
            due_on=at(30).date(),
        )


def test_it_completes_an_action_with_its_date_and_reopens_it(gov: Governance) -> None:
    services.action_item_update_status(item=gov.action, by=None, status=ActionStatus.DONE)
    assert gov.action.done_on == timezone.localdate()
    services.action_item_update_status(item=gov.action, by=None, status=ActionStatus.IN_PROGRESS)
    gov.action.refresh_from_db()
    assert gov.action.done_on is None
    assert gov.action.status == ActionStatus.IN_PROGRESS


def test_it_checks_the_completion_date(gov: Governance) -> None:
    with pytest.raises(ApplicationError):
        services.action_item_update_status(
            item=gov.action,
            by=None,
            status=ActionStatus.DONE,
            done_on=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(ApplicationError):
        services.action_item_update_status(
            item=gov.action,
            by=None,
            status=ActionStatus.DONE,
            done_on=timezone.localdate(gov.past.starts_at) - dt.timedelta(days=1),
        )
    with pytest.raises(ApplicationError):
        services.action_item_update_status(
            item=gov.action, by=None, status=ActionStatus.OPEN, done_on=timezone.localdate()
        )
    with pytest.raises(ApplicationError):
        services.action_item_update_status(item=gov.action, by=None, status="finished")


def test_it_audits_every_governance_write(gov: Governance) -> None:
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "network.body.create",
        "network.body_member.add",
        "network.meeting.create",
        "network.meeting.minutes",
        "network.decision.add",
        "network.action.create",
        "network.person.add",
    } <= actions
