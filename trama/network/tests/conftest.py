"""Governance objects for the network tests, built through the services on top of the shared personas:
a municipal cabina di regia in network 8 (the personas' network) and a thematic table in network 1 (another
organisation's network, which network-8 personas must not see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from trama.core.testing import Personas
from trama.network import services
from trama.network.models import (
    ActionItem,
    BodyKind,
    BodyMember,
    BodyRole,
    Decision,
    GovernanceBody,
    Meeting,
    Person,
)


@dataclass
class Governance:
    body: GovernanceBody  # cabina di regia of network 8
    past: Meeting  # held two days ago
    future: Meeting  # in a week
    decision: Decision  # of the past meeting
    action: ActionItem  # owned by the proximity worker of ets_a
    person: Person  # ets_a's contact card of the referent
    member: BodyMember  # that person, as network referent
    other_body: GovernanceBody  # thematic table of network 1
    other_meeting: Meeting
    other_action: ActionItem


def at(days: int, hour: int = 10) -> dt.datetime:
    """An aware datetime in Europe/Rome, `days` from today at `hour`."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def gov(personas: Personas) -> Governance:
    p = personas
    by = p.coordinator
    body = services.body_create(
        network=p.network8, by=by, kind=BodyKind.MUNICIPAL_STEERING, name="Cabina di regia Municipio 8"
    )
    person = services.person_add(organisation=p.ets_a, by=by, full_name="Rita Referente", user=p.referent)
    member = services.body_member_add(body=body, by=by, person=person, role=BodyRole.NETWORK_REFERENT)
    services.body_member_add(body=body, by=by, organisation=p.ets_b, role=BodyRole.MEMBER)
    past = services.meeting_create(
        body=body, by=by, starts_at=at(-2), ends_at=at(-2, 12), title="Cabina di aprile", agenda="1. Fondo"
    )
    services.meeting_record_minutes(meeting=past, by=by, minutes="Si è discusso del fondo di comunità.")
    decision = services.decision_add(meeting=past, by=by, text="Approvato il piano del fondo.")
    future = services.meeting_create(
        body=body, by=by, starts_at=at(7), ends_at=at(7, 12), place="Via Padova 36"
    )
    action = services.action_item_create(
        body=body,
        by=by,
        meeting=past,
        decision=decision,
        title="Preparare il piano dei doposcuola",
        owner=p.proximity,
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    other_body = services.body_create(
        network=p.network1, by=by, kind=BodyKind.THEMATIC_TABLE, name="Tavolo 0-18 Municipio 1", theme="0-18"
    )
    other_meeting = services.meeting_create(body=other_body, by=by, starts_at=at(3), ends_at=at(3, 11))
    other_action = services.action_item_create(
        body=other_body,
        by=by,
        title="Mappare i doposcuola",
        owner=p.referent_other,
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    return Governance(
        body=body,
        past=past,
        future=future,
        decision=decision,
        action=action,
        person=person,
        member=member,
        other_body=other_body,
        other_meeting=other_meeting,
        other_action=other_action,
    )
