"""Writes on governance: bodies and their members, meetings, attendance, minutes, decisions, action items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trama.accounts.access import networks_for
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.errors import ApplicationError, full_clean
from trama.network.models import (
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
    Network,
    NetworkLevel,
    NetworkMembership,
    Organisation,
    Person,
)
from trama.network.models.governance import new_calendar_token
from trama.network.services._common import apply_changes, check_dates_ordered, overlapping

if TYPE_CHECKING:
    from trama.accounts.models import User

BODY_FIELDS = frozenset({"kind", "name", "theme", "description", "is_active"})
MEETING_FIELDS = frozenset({"title", "starts_at", "ends_at", "place", "agenda"})

# Steering committees belong to one level of the network tree, and each network has at most one active.
STEERING_LEVEL: dict[str, str] = {
    BodyKind.INTEGRATED_STEERING: NetworkLevel.CITY,
    BodyKind.MUNICIPAL_STEERING: NetworkLevel.MUNICIPAL,
}


# --- Bodies ---------------------------------------------------------------------------------------


def _check_body(body: GovernanceBody) -> None:
    if not body.name.strip():
        raise ApplicationError(_("Il nome è obbligatorio."), field="name")
    level = STEERING_LEVEL.get(body.kind)
    if level is not None:
        if body.network.level != level:
            raise ApplicationError(
                _("Una %(kind)s appartiene a una %(level)s.")
                % {
                    "kind": BodyKind(body.kind).label,
                    "level": NetworkLevel(level).label.lower(),
                },
                field="kind",
            )
        others = GovernanceBody.objects.filter(network=body.network, kind=body.kind, is_active=True)
        if body.pk is not None:
            others = others.exclude(pk=body.pk)
        if body.is_active and others.exists():
            raise ApplicationError(
                _("Questa rete ha già una %(kind)s attiva.") % {"kind": BodyKind(body.kind).label},
                field="kind",
            )
    full_clean(body)


@transaction.atomic
def body_create(
    *, network: Network, by: User | None, kind: str, name: str, theme: str = "", description: str = ""
) -> GovernanceBody:
    if not network.is_active:
        raise ApplicationError(_("La rete non è attiva."))
    body = GovernanceBody(
        network=network, kind=kind, name=name.strip(), theme=theme.strip(), description=description
    )
    _check_body(body)
    body.save()
    audit.record(
        action="network.body.create",
        actor=by,
        obj=body,
        details={"network": network.pk, "kind": kind, "name": body.name},
    )
    return body


@transaction.atomic
def body_update(*, body: GovernanceBody, by: User | None, **changes: Any) -> GovernanceBody:
    """Change the given fields (any of BODY_FIELDS); `is_active=False` closes a table that ended its work."""
    changed = apply_changes(body, changes, BODY_FIELDS)
    _check_body(body)
    if changed:
        body.save(update_fields=[*changed, "updated_at"])
        audit.record(action="network.body.update", actor=by, obj=body, details={"changed": changed})
    return body


@transaction.atomic
def body_calendar_token_rotate(*, body: GovernanceBody, by: User | None) -> GovernanceBody:
    """A new secret for the calendar subscription URL: the old URL stops working (e.g. after it leaked)."""
    body.calendar_token = new_calendar_token()
    body.save(update_fields=["calendar_token", "updated_at"])
    audit.record(action="network.body.calendar_token_rotate", actor=by, obj=body)
    return body


def _acts_in_network(organisation_id: int, network: Network, on: dt.date) -> bool:
    """An organisation sits in a network's bodies if it is an active member of the network or of a network
    above it (the Comune, member of the city network, sits in every municipal cabina)."""
    network_ids = []
    node: Network | None = network
    while node is not None:
        network_ids.append(node.pk)
        node = node.parent
    return (
        NetworkMembership.objects.filter(organisation_id=organisation_id, network_id__in=network_ids)
        .filter(Q(since__isnull=True) | Q(since__lte=on))
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .exists()
    )


@transaction.atomic
def body_member_add(
    *,
    body: GovernanceBody,
    by: User | None,
    role: str = BodyRole.MEMBER,
    person: Person | None = None,
    organisation: Organisation | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> BodyMember:
    """A person (staff contact) or an organisation joins a body; one of the two, from the body's network."""
    if (person is None) == (organisation is None):
        raise ApplicationError(_("Indica una persona oppure un'organizzazione."), field="person")
    if person is not None and not person.is_active:
        raise ApplicationError(_("Questa persona non è più attiva."), field="person")
    check_dates_ordered(since, until)
    if person is not None:
        organisation_id = person.organisation_id
    else:
        assert organisation is not None
        organisation_id = organisation.pk
    if not _acts_in_network(organisation_id, body.network, since or timezone.localdate()):
        raise ApplicationError(
            _("L'organizzazione non fa parte della rete «%(network)s».") % {"network": body.network},
            field="organisation" if person is None else "person",
        )
    # Lock the body row so concurrent adds are checked one after the other (see network_membership_add).
    GovernanceBody.objects.select_for_update().filter(pk=body.pk).first()
    existing = BodyMember.objects.filter(body=body)
    existing = (
        existing.filter(person=person) if person is not None else existing.filter(organisation=organisation)
    )
    if overlapping(existing, since, until).exists():
        raise ApplicationError(
            _("È già componente di questo organo nello stesso periodo."),
            field="organisation" if person is None else "person",
        )
    member = BodyMember(
        body=body, person=person, organisation=organisation, role=role, since=since, until=until
    )
    full_clean(member, exclude=["body", "person", "organisation"])
    member.save()
    audit.record(
        action="network.body_member.add",
        actor=by,
        obj=member,
        details={
            "body": body.pk,
            "person": person.pk if person else None,
            "organisation": organisation.pk if organisation else None,
            "role": role,
        },
    )
    return member


@transaction.atomic
def body_member_remove(
    *, member: BodyMember, by: User | None, on: dt.date | None = None
) -> BodyMember | None:
    """Ends a membership on `on` (today by default), keeping its history; one that had not started yet is
    deleted. Returns the ended member, or None when deleted."""
    on = on or timezone.localdate()
    if member.until is not None and member.until <= on:
        raise ApplicationError(_("Non fa già più parte di questo organo."))
    if member.since is not None and member.since > on:
        audit.record(action="network.body_member.remove", actor=by, obj=member, details={"deleted": True})
        member.delete()
        return None
    member.until = on
    member.save(update_fields=["until"])
    audit.record(action="network.body_member.remove", actor=by, obj=member, details={"until": on.isoformat()})
    return member


# --- Meetings -------------------------------------------------------------------------------------


def _check_meeting_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        # Naive datetimes would be read in the server's zone; callers must say which zone they mean.
        raise ApplicationError(_("Data e ora devono indicare il fuso orario."), field="starts_at")
    if ends_at <= starts_at:
        raise ApplicationError(
            _("La fine della riunione deve essere successiva all'inizio."), field="ends_at"
        )


@transaction.atomic
def meeting_create(
    *,
    body: GovernanceBody,
    by: User | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str = "",
    place: str = "",
    agenda: str = "",
) -> Meeting:
    if not body.is_active:
        raise ApplicationError(_("L'organo non è attivo."))
    _check_meeting_times(starts_at, ends_at)
    meeting = Meeting(
        body=body,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title.strip(),
        place=place.strip(),
        agenda=agenda,
        created_by=by,
    )
    full_clean(meeting, exclude=["body", "created_by"])
    meeting.save()
    audit.record(
        action="network.meeting.create",
        actor=by,
        obj=meeting,
        details={"body": body.pk, "starts_at": starts_at.isoformat()},
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User | None, **changes: Any) -> Meeting:
    """Change the given fields (any of MEETING_FIELDS)."""
    changed = apply_changes(meeting, changes, MEETING_FIELDS)
    _check_meeting_times(meeting.starts_at, meeting.ends_at)
    if (
        meeting.status == MeetingStatus.HELD
        and {"starts_at", "ends_at"} & set(changed)
        and meeting.starts_at > timezone.now()
    ):
        raise ApplicationError(
            _("Una riunione già svolta non può essere spostata nel futuro."), field="starts_at"
        )
    full_clean(meeting, exclude=["body", "created_by"])
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
        audit.record(action="network.meeting.update", actor=by, obj=meeting, details={"changed": changed})
    return meeting


# Allowed status changes: a held meeting has minutes and decisions, so it stays held.
_MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.CANCELLED: frozenset({MeetingStatus.PLANNED}),
    MeetingStatus.HELD: frozenset(),
}


def _require_started(meeting: Meeting, message: str) -> None:
    if meeting.starts_at > timezone.now():
        raise ApplicationError(message)


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, by: User | None, status: str) -> Meeting:
    if status == meeting.status:
        return meeting
    if status not in _MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        raise ApplicationError(
            _("Una riunione «%(old)s» non può diventare «%(new)s».")
            % {
                "old": MeetingStatus(meeting.status).label,
                "new": MeetingStatus(status).label,
            },
            field="status",
        )
    if status == MeetingStatus.HELD:
        _require_started(meeting, _("La riunione non è ancora iniziata."))
    old = meeting.status
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(action="network.meeting.status", actor=by, obj=meeting, details={"from": old, "to": status})
    return meeting


@transaction.atomic
def meeting_record_minutes(*, meeting: Meeting, by: User | None, minutes: str) -> Meeting:
    """Write (or correct) the minutes; a planned meeting that has started becomes held."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError(_("La riunione è stata annullata: non ha un verbale."))
    _require_started(meeting, _("Il verbale si scrive dopo l'inizio della riunione."))
    if not minutes.strip():
        raise ApplicationError(_("Il verbale è vuoto."), field="minutes")
    meeting.minutes = minutes
    fields = ["minutes", "updated_at"]
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        fields.append("status")
    meeting.save(update_fields=fields)
    audit.record(action="network.meeting.minutes", actor=by, obj=meeting, details={"length": len(minutes)})
    return meeting


# --- Attendance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of an attendance sheet; `status=None` removes the line."""

    status: str | None
    person: Person | None = None
    organisation: Organisation | None = None
    note: str = ""


def _check_attendance(meeting: Meeting, entry: AttendanceEntry) -> None:
    if (entry.person is None) == (entry.organisation is None):
        raise ApplicationError(_("Indica una persona oppure un'organizzazione."))
    if entry.status is not None and entry.status not in AttendanceStatus.values:
        raise ApplicationError(_("Stato di presenza sconosciuto."), field="status")
    if meeting.status == MeetingStatus.CANCELLED and entry.status is not None:
        raise ApplicationError(_("La riunione è stata annullata: non si registrano presenze."))
    if entry.status == AttendanceStatus.PRESENT:
        _require_started(meeting, _("Le presenze si registrano dopo l'inizio della riunione."))


def _apply_attendance(meeting: Meeting, entry: AttendanceEntry) -> Attendance | None:
    lookup: dict[str, Any] = {"meeting": meeting}
    if entry.person is not None:
        lookup["person"] = entry.person
    else:
        lookup["organisation"] = entry.organisation
    if entry.status is None:
        Attendance.objects.filter(**lookup).delete()
        return None
    attendance, _created = Attendance.objects.update_or_create(
        **lookup, defaults={"status": entry.status, "note": entry.note.strip()[:250]}
    )
    return attendance


@transaction.atomic
def attendance_set(
    *,
    meeting: Meeting,
    by: User | None,
    status: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    note: str = "",
) -> Attendance:
    """Record one person's or organisation's attendance (present / absent / excused)."""
    entry = AttendanceEntry(status=status, person=person, organisation=organisation, note=note)
    _check_attendance(meeting, entry)
    attendance = _apply_attendance(meeting, entry)
    assert attendance is not None
    audit.record(
        action="network.attendance.set",
        actor=by,
        obj=meeting,
        details={
            "person": person.pk if person else None,
            "organisation": organisation.pk if organisation else None,
            "status": status,
        },
    )
    return attendance


@transaction.atomic
def attendance_record(*, meeting: Meeting, by: User | None, entries: Sequence[AttendanceEntry]) -> int:
    """Record a whole attendance sheet at once (all or nothing); returns the number of lines recorded."""
    for entry in entries:
        _check_attendance(meeting, entry)
    recorded = sum(1 for entry in entries if _apply_attendance(meeting, entry) is not None)
    audit.record(
        action="network.attendance.set",
        actor=by,
        obj=meeting,
        details={"lines": len(entries), "recorded": recorded},
    )
    return recorded


# --- Decisions ------------------------------------------------------------------------------------


@transaction.atomic
def decision_add(*, meeting: Meeting, by: User | None, text: str) -> Decision:
    """Record a decision of a meeting, numbered after the previous ones."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError(_("La riunione è stata annullata: non può prendere decisioni."))
    _require_started(meeting, _("Le decisioni si registrano dopo l'inizio della riunione."))
    if not text.strip():
        raise ApplicationError(_("Scrivi il testo della decisione."), field="text")
    # Lock the meeting row so two decisions recorded at once do not get the same number.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = Decision.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"] or 0
    decision = Decision.objects.create(meeting=meeting, number=last + 1, text=text.strip(), created_by=by)
    audit.record(
        action="network.decision.add",
        actor=by,
        obj=decision,
        details={"meeting": meeting.pk, "number": decision.number},
    )
    return decision


# --- Action items ---------------------------------------------------------------------------------


def _check_owner(owner: User, network: Network) -> None:
    if not owner.is_active:
        raise ApplicationError(_("Il responsabile non ha un account attivo."), field="owner")
    # The owner must be able to open the item: someone acting for the body's network.
    if not networks_for(owner, perm=Perm.NETWORK_VIEW).filter(pk=network.pk).exists():
        raise ApplicationError(
            _("%(owner)s non lavora per la rete «%(network)s».") % {"owner": owner, "network": network},
            field="owner",
        )


@transaction.atomic
def action_item_create(
    *,
    body: GovernanceBody,
    by: User | None,
    title: str,
    owner: User,
    due_on: dt.date,
    meeting: Meeting | None = None,
    decision: Decision | None = None,
    description: str = "",
) -> ActionItem:
    """An action with an owner and a due date, from a body (and, optionally, a meeting and one of its
    decisions)."""
    if not title.strip():
        raise ApplicationError(_("Descrivi l'azione."), field="title")
    if decision is not None:
        if meeting is None:
            meeting = decision.meeting
        elif decision.meeting_id != meeting.pk:
            raise ApplicationError(_("La decisione non appartiene a questa riunione."), field="decision")
    if meeting is not None and meeting.body_id != body.pk:
        raise ApplicationError(_("La riunione non appartiene a questo organo."), field="meeting")
    earliest = timezone.localdate(meeting.starts_at) if meeting is not None else timezone.localdate()
    if due_on < earliest:
        raise ApplicationError(
            _("La scadenza non può precedere la riunione.")
            if meeting is not None
            else _("La scadenza non può essere nel passato."),
            field="due_on",
        )
    _check_owner(owner, body.network)
    item = ActionItem(
        body=body,
        meeting=meeting,
        decision=decision,
        title=title.strip(),
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    full_clean(item, exclude=["body", "meeting", "decision", "owner", "created_by"])
    item.save()
    audit.record(
        action="network.action.create",
        actor=by,
        obj=item,
        details={"body": body.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic
def action_item_update_status(
    *, item: ActionItem, by: User | None, status: str, done_on: dt.date | None = None
) -> ActionItem:
    """Move an action item to open / in progress / done / cancelled; done items carry the date they were done
    (today unless given), the others none."""
    if status not in ActionStatus.values:
        raise ApplicationError(_("Stato sconosciuto."), field="status")
    today = timezone.localdate()
    if status == ActionStatus.DONE:
        done_on = done_on or today
        if done_on > today:
            raise ApplicationError(_("La data di completamento non può essere nel futuro."), field="done_on")
        if item.meeting is not None and done_on < timezone.localdate(item.meeting.starts_at):
            raise ApplicationError(_("La data di completamento precede la riunione."), field="done_on")
    elif done_on is not None:
        raise ApplicationError(_("Solo un'azione completata ha una data di completamento."), field="done_on")
    if status == item.status and done_on == item.done_on:
        return item
    old = item.status
    item.status = status
    item.done_on = done_on
    item.save(update_fields=["status", "done_on", "updated_at"])
    audit.record(action="network.action.status", actor=by, obj=item, details={"from": old, "to": status})
    return item
