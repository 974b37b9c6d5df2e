"""The demo's governance: the bodies the seeds prescribe (real), their members, meetings, attendance, minutes,
decisions and action items (fictional, from `scenario.GOVERNANCE`), written through the network services."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from trama.core.demo import scenario, seeds
from trama.network.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    BodyMember,
    BodyRole,
    GovernanceBody,
    Meeting,
    Network,
)
from trama.network.services.governance import (
    AttendanceEntry,
    action_item_create,
    action_item_update_status,
    attendance_record,
    body_create,
    body_member_add,
    decision_add,
    meeting_create,
    meeting_record_minutes,
)

if TYPE_CHECKING:
    from trama.core.demo.build import DemoBuilder

ROME = ZoneInfo("Europe/Rome")


def build_governance(builder: DemoBuilder) -> None:
    qubi = seeds.qubi()
    city = builder.networks[qubi.city_network.slug]
    for spec in qubi.city_bodies:
        _ensure_body(builder, city, spec.name, spec)

    for municipal in qubi.municipal_networks:
        network = builder.networks[municipal.slug]
        for spec in qubi.municipal_bodies:
            body = _ensure_body(builder, network, spec.name.format(n=municipal.municipio), spec)
            # The Comune and the ETS representing the Municipio's neighbourhood networks sit in its cabina.
            _ensure_organisation_member(builder, body, scenario.COMUNE, BodyRole.MEMBER)
            for neighbourhood in qubi.neighbourhood_networks:
                if neighbourhood.municipio == municipal.municipio:
                    for slug in neighbourhood.representatives:
                        _ensure_organisation_member(builder, body, slug, BodyRole.MEMBER)

    municipio8 = builder.networks[qubi.municipal_network(scenario.MUNICIPIO).slug]
    for spec in qubi.municipio8_bodies:
        _ensure_body(builder, municipio8, spec.name, spec)

    reception = seeds.reception()
    for spec in reception.bodies:
        _ensure_body(builder, builder.networks[reception.network.slug], spec.name, spec)

    # Bodies the seeds call for without naming one (a community lab's consulta): fictional, labelled as such.
    for fictional in scenario.FICTIONAL_BODIES:
        body_spec = seeds.BodySpec(key="", name=fictional.name, kind=fictional.kind, theme=fictional.theme,
                                   level="operational", purpose=fictional.description)
        _ensure_body(builder, builder.networks[fictional.network], fictional.name, body_spec)

    for body_scenario in scenario.GOVERNANCE:
        network = builder.networks[body_scenario.network]
        body = GovernanceBody.objects.get(network=network, name=body_scenario.name)
        for key, role in body_scenario.members:
            if not BodyMember.objects.filter(body=body, person=builder.people[key]).exists():
                body_member_add(body=body, by=None, role=role, person=builder.people[key],
                                since=seeds.qubi().programme.starts_on)
                builder.result.created["body member"] += 1
        for slug, role in body_scenario.organisation_members:
            _ensure_organisation_member(builder, body, slug, role)
        for meeting_spec in body_scenario.meetings:
            _ensure_meeting(builder, body, meeting_spec)


def _ensure_body(builder: DemoBuilder, network: Network, name: str, spec: seeds.BodySpec) -> GovernanceBody:
    body = GovernanceBody.objects.filter(network=network, name=name).first()
    if body is None:
        body = body_create(network=network, by=None, kind=spec.kind, name=name, theme=spec.theme,
                           description=spec.purpose)
        builder.result.created["governance body"] += 1
    return body


def _ensure_organisation_member(builder: DemoBuilder, body: GovernanceBody, slug: str, role: str) -> None:
    organisation = builder.organisations[slug]
    if BodyMember.objects.filter(body=body, organisation=organisation).exists():
        return
    body_member_add(body=body, by=None, role=role, organisation=organisation,
                    since=seeds.qubi().programme.starts_on)
    builder.result.created["body member"] += 1


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ROME)


def _ensure_meeting(builder: DemoBuilder, body: GovernanceBody, spec: scenario.MeetingSpec) -> None:
    """Create the meeting if missing, then whatever of its record is missing (minutes, attendance, decisions,
    action items), each through its service and in the order a secretary would record them."""
    by = builder.users[spec.recorded_by]
    day = builder.today + dt.timedelta(days=spec.in_days)
    meeting = Meeting.objects.filter(body=body, title=spec.title).first()
    if meeting is None:
        starts_at = _at(day, spec.start_hour)
        meeting = meeting_create(body=body, by=by, title=spec.title, place=spec.place, agenda=spec.agenda,
                                 starts_at=starts_at,
                                 ends_at=starts_at + dt.timedelta(minutes=spec.duration_minutes))
        builder.result.created["meeting"] += 1
    if spec.minutes and not meeting.minutes:
        meeting_record_minutes(meeting=meeting, by=by, minutes=spec.minutes)
    _ensure_attendance(builder, meeting, spec)
    decisions = {d.number: d for d in meeting.decisions.all()}
    for number, text in enumerate(spec.decisions, start=1):
        if number not in decisions:
            decisions[number] = decision_add(meeting=meeting, by=by, text=text)
            builder.result.created["decision"] += 1
    for action in spec.actions:
        if ActionItem.objects.filter(body=body, title=action.title).exists():
            continue
        item = action_item_create(
            body=body, by=by, title=action.title, description=action.description,
            owner=builder.users[action.owner],
            due_on=builder.today + dt.timedelta(days=action.due_in_days), meeting=meeting,
            decision=decisions[action.decision] if action.decision is not None else None,
        )
        builder.result.created["action item"] += 1
        if action.status != ActionStatus.OPEN:
            done_on = (builder.today + dt.timedelta(days=action.done_in_days)
                       if action.done_in_days is not None else None)
            # The owner reports progress on their own item.
            action_item_update_status(item=item, by=builder.users[action.owner], status=action.status,
                                      done_on=done_on)


def _ensure_attendance(builder: DemoBuilder, meeting: Meeting, spec: scenario.MeetingSpec) -> None:
    wanted: list[AttendanceEntry] = []
    for keys, status in ((spec.present, AttendanceStatus.PRESENT), (spec.excused, AttendanceStatus.EXCUSED),
                         (spec.absent, AttendanceStatus.ABSENT)):
        for key in keys:
            person = builder.people[key]
            if not Attendance.objects.filter(meeting=meeting, person=person).exists():
                wanted.append(AttendanceEntry(status=status, person=person))
    for slug in spec.organisations_present:
        organisation = builder.organisations[slug]
        if not Attendance.objects.filter(meeting=meeting, organisation=organisation).exists():
            wanted.append(AttendanceEntry(status=AttendanceStatus.PRESENT, organisation=organisation))
    if wanted:
        attendance_record(meeting=meeting, by=builder.users[spec.recorded_by], entries=wanted)
        builder.result.created["attendance"] += len(wanted)
