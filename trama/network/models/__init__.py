"""Organisations, networks (city → municipal → neighbourhood) and their governance.

A package: organisations (with addresses, staff contacts and ATS groupings), networks and memberships, and
governance (bodies, meetings, attendance, decisions, action items). Import from `trama.network.models`."""

from __future__ import annotations

from trama.network.models.governance import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    BodyKind,
    BodyMember,
    BodyRole,
    Decision,
    GovernanceBody,
    Meeting,
    MeetingStatus,
)
from trama.network.models.networks import (
    AREA_KINDS,
    PARENT_LEVEL,
    Network,
    NetworkLevel,
    NetworkMembership,
    NetworkRole,
    Programme,
)
from trama.network.models.organisations import (
    ATSMember,
    ATSRole,
    LegalForm,
    Organisation,
    OrganisationAddress,
    OrganisationKind,
    Person,
)

__all__ = [
    "AREA_KINDS",
    "ATSMember",
    "ATSRole",
    "ActionItem",
    "ActionStatus",
    "Attendance",
    "AttendanceStatus",
    "BodyKind",
    "BodyMember",
    "BodyRole",
    "Decision",
    "GovernanceBody",
    "LegalForm",
    "Meeting",
    "MeetingStatus",
    "Network",
    "NetworkLevel",
    "NetworkMembership",
    "NetworkRole",
    "OPEN_ACTION_STATUSES",
    "Organisation",
    "OrganisationAddress",
    "OrganisationKind",
    "PARENT_LEVEL",
    "Person",
    "Programme",
]
