"""The network module's writes. Every function takes keyword-only arguments, runs in a transaction, writes an
audit event and raises ApplicationError (with an Italian message and, when it applies, the form field) when a
business rule is broken. Callers check access first (trama.network.access); `by` is the acting user, or None
for system jobs such as the demo loader."""

from __future__ import annotations

from trama.network.services.governance import (
    AttendanceEntry,
    action_item_create,
    action_item_update_status,
    attendance_record,
    attendance_set,
    body_calendar_token_rotate,
    body_create,
    body_member_add,
    body_member_remove,
    body_update,
    decision_add,
    meeting_create,
    meeting_record_minutes,
    meeting_set_status,
    meeting_update,
)
from trama.network.services.networks import (
    network_create,
    network_membership_add,
    network_membership_end,
    network_update,
)
from trama.network.services.organisations import (
    ats_member_add,
    ats_member_end,
    organisation_address_add,
    organisation_address_remove,
    organisation_create,
    organisation_update,
    person_add,
    person_update,
)

__all__ = [
    "AttendanceEntry",
    "action_item_create",
    "action_item_update_status",
    "ats_member_add",
    "ats_member_end",
    "attendance_record",
    "attendance_set",
    "body_calendar_token_rotate",
    "body_create",
    "body_member_add",
    "body_member_remove",
    "body_update",
    "decision_add",
    "meeting_create",
    "meeting_record_minutes",
    "meeting_set_status",
    "meeting_update",
    "network_create",
    "network_membership_add",
    "network_membership_end",
    "network_update",
    "organisation_address_add",
    "organisation_address_remove",
    "organisation_create",
    "organisation_update",
    "person_add",
    "person_update",
]
