"""The access funnel of referrals and case transfers, built on trama/accounts/access.py like records/access.py.

- **see** a referral: a user whose role in the sending or the receiving organisation holds `referrals.manage` or
  `records.view`. On the sending side (the organisation holding the household) a membership scoped to a network
  (a Municipio's) reaches only households of that network's area, or created by the user, as the records funnel's
  "own" source does; on the receiving side every member with the role does, as the funnel's "referral" source
  does. Drafts are the sender's only.
  `referrals_visible_to(user)` (lists) and `get_referral_for(user, pk)` (one referral) use the same predicate,
  so lists and openings agree.
- **act** on it (`write=True`): `referrals.manage` in one of the two organisations (which side may do what is
  checked by the services). Read-only access to a write endpoint gives 403; no access at all gives 404.
- Every opening and every denial writes an audit event.
- The household itself is never opened here: the receiving organisation reads it through the records funnel
  (trama/records/access.py, source "referral"), limited to the referred members and the shared categories.
- The reason, the notes and the thread are encrypted; they are revealed only through an `OpenedReferral` (the two
  parties of the referral), with `reveal_text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateTimeField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.http import Http404, HttpRequest
from django.utils import timezone

from trama.accounts import access as accounts_access
from trama.accounts.roles import Perm
from trama.core import audit
from trama.core.sql import in_codes
from trama.lib import crypto
from trama.records.fields import EncryptedField, Sealed
from trama.referrals.models import (
    CANCELLABLE_STATUSES,
    URGENCY_RANK,
    CaseTransfer,
    Referral,
    ReferralMessage,
    ReferralStatus,
    TransferStatus,
)

if TYPE_CHECKING:
    from django.db import models

    from trama.accounts.access import AnyUser
    from trama.accounts.models import User
    from trama.records.models import Household, PlanAction

OBJECT_TYPE = "referrals.referral"
TRANSFER_OBJECT_TYPE = "referrals.casetransfer"
READ_PERMS = (Perm.REFERRALS_MANAGE, Perm.RECORDS_VIEW)


def _user_or_none(user: AnyUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return cast("User", user)


def reader_org_ids(user: AnyUser | None) -> frozenset[int]:
    """Organisations for which the user may see referrals (referrals.manage or records.view)."""
    real = _user_or_none(user)
    if real is None:
        return frozenset()
    return frozenset(g.organisation_id for g in accounts_access.grants_of(real)
                     if any(perm in g.permissions for perm in READ_PERMS))


def manager_org_ids(user: AnyUser | None) -> frozenset[int]:
    """Organisations for which the user may act on referrals (referrals.manage)."""
    real = _user_or_none(user)
    if real is None:
        return frozenset()
    return accounts_access.organisation_ids_for(real, perm=Perm.REFERRALS_MANAGE)


@dataclass(frozen=True)
class Reach:
    """The organisations a user reads referrals and transfers for, as the household's holder: `whole` in full,
    `areas` (network-scoped memberships) only about households located in those areas or created by the user.
    As the receiving party, every one of them in full (`receiving`)."""

    user_id: int
    whole: frozenset[int]
    areas: tuple[tuple[int, frozenset[int]], ...]

    @property
    def receiving(self) -> frozenset[int]:
        return self.whole | {organisation_id for organisation_id, _areas in self.areas}

    def condition(self, column: str) -> Q:
        """Rows whose `column` is an organisation reached as the holder (from_organisation) or as the receiving
        party (to_organisation)."""
        if column == "to_organisation":
            return Q(to_organisation_id__in=self.receiving)
        from trama.records.access import located_within

        condition = Q(**{f"{column}_id__in": self.whole})
        for organisation_id, area_ids in self.areas:
            condition |= Q(**{f"{column}_id": organisation_id}) & located_within(area_ids, self.user_id,
                                                                                 "household__")
        return condition

    def reaches(self, organisation_id: int, household: Household, *, receiving: bool = False) -> bool:
        """The same test in Python, for one row already loaded."""
        if organisation_id in self.whole or (receiving and organisation_id in self.receiving):
            return True
        return any(organisation_id == scoped and (household.municipio_id in area_ids or household.nil_id in area_ids
                                                  or household.created_by_id == self.user_id)
                   for scoped, area_ids in self.areas)


def reach_of(user: AnyUser | None, perms: tuple[str, ...] = READ_PERMS) -> Reach:
    from trama.records.access import network_area_ids

    real = _user_or_none(user)
    if real is None:
        return Reach(0, frozenset(), ())

    def compute() -> Reach:
        grants = [g for g in accounts_access.grants_of(real) if any(perm in g.permissions for perm in perms)]
        whole = frozenset(g.organisation_id for g in grants if g.network_id is None)
        areas: dict[int, set[int]] = {}
        for grant in grants:
            if grant.network_id is not None and grant.organisation_id not in whole:
                areas.setdefault(grant.organisation_id, set()).update(network_area_ids(real, grant.network_id))
        return Reach(real.pk, whole, tuple((org, frozenset(ids)) for org, ids in sorted(areas.items())))

    return accounts_access.memoised(real, ("referrals.reach", perms), compute)  # type: ignore[no-any-return]


def _sender_condition(reach: Reach) -> Q:
    return reach.condition("from_organisation")


def _receiver_condition(reach: Reach) -> Q:
    return reach.condition("to_organisation") & Q(sent_at__isnull=False)


def referrals_visible_to(user: AnyUser | None) -> QuerySet[Referral]:
    """Every referral the user may open: sent by, or (once sent) addressed to, one of their organisations (within
    a scoped membership's area)."""
    reach = reach_of(user)
    if not (reach.whole or reach.areas):
        return Referral.objects.none()
    return Referral.objects.filter(_sender_condition(reach) | _receiver_condition(reach))


def may_act(user: AnyUser | None, referral: Referral, *, side: str) -> bool:
    """Whether the user manages referrals for the referral's sending (`side="sender"`) or receiving organisation,
    within a scoped membership's area."""
    sender = side == "sender"
    organisation_id = referral.from_organisation_id if sender else referral.to_organisation_id
    return reach_of(user, (Perm.REFERRALS_MANAGE,)).reaches(organisation_id, referral.household,
                                                            receiving=not sender)


@dataclass(frozen=True)
class OpenedReferral:
    referral: Referral
    is_sender: bool  # the user may see it for the sending organisation
    is_receiver: bool  # … for the receiving organisation
    can_act_as_sender: bool
    can_act_as_receiver: bool
    # The consent or legal-basis record the referral rests on is still in force. Once it is withdrawn or lapses,
    # the receiver no longer reads the referral's texts (reason, notes, thread: about the family), and nobody
    # writes in the thread or moves the referral forward (accept, start); it may still be closed.
    basis_in_force: bool = True

    @property
    def can_act(self) -> bool:
        return self.can_act_as_sender or self.can_act_as_receiver

    @property
    def texts_shared(self) -> bool:
        return self.is_sender or self.basis_in_force

    def actions(self) -> dict[str, bool]:
        """What the user may do with the referral now (the pages' buttons and the API's `actions`)."""
        status = self.referral.status
        receiver, sender = self.can_act_as_receiver, self.can_act_as_sender
        answerable = status == ReferralStatus.SENT and not self.referral.deadline_passed()
        return {
            "accept": receiver and answerable and self.basis_in_force,
            "decline": receiver and answerable,
            "start": receiver and status == ReferralStatus.ACCEPTED and self.basis_in_force,
            "complete": receiver and status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
            "cancel": sender and status in CANCELLABLE_STATUSES,
            "send": sender and status == ReferralStatus.DRAFT,
            "message": self.can_act and self.referral.sent_at is not None and self.basis_in_force,
        }


def _deny(user: AnyUser | None, key: object, *, object_type: str, write: bool, status: int,
          request: HttpRequest | None) -> None:
    audit.record(action="access.denied", actor=_user_or_none(user), object_type=object_type, object_id=str(key),
                 request=request, details={"write": write, "status": status})


def _key(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _opened(user: User | None, referral: Referral) -> OpenedReferral:
    reach, household = reach_of(user), referral.household
    sent = referral.sent_at is not None
    return OpenedReferral(
        referral=referral,
        is_sender=reach.reaches(referral.from_organisation_id, household),
        is_receiver=sent and referral.to_organisation_id in reach.receiving,
        can_act_as_sender=may_act(user, referral, side="sender"),
        can_act_as_receiver=sent and may_act(user, referral, side="receiver"),
        basis_in_force=referral.basis_in_force(),
    )


def after_action(user: AnyUser | None, opened: OpenedReferral) -> OpenedReferral:
    """The referral the user just acted on (opened with `write=True`, audited then), read again with what the
    user may now do: a draft just sent has a basis in force and a thread. No new audit event."""
    opened.referral.refresh_from_db()
    return _opened(_user_or_none(user), opened.referral)


def get_referral_for(user: AnyUser | None, pk: object, *, write: bool = False,
                     request: HttpRequest | None = None) -> OpenedReferral:
    """One referral, audited. 404 (audited) if the user may not see it; 403 (audited) if `write` and they may
    only read it."""
    real = _user_or_none(user)
    key = _key(pk)
    referral = None
    if key is not None and real is not None:
        referral = (referrals_visible_to(real).filter(pk=key)
                    .select_related("household", "service", "from_organisation", "to_organisation",
                                    "service_at_location").first())
    if referral is None:
        _deny(user, pk, object_type=OBJECT_TYPE, write=write, status=404, request=request)
        raise Http404()
    opened = _opened(real, referral)
    if write and not opened.can_act:
        _deny(user, key, object_type=OBJECT_TYPE, write=True, status=403, request=request)
        raise PermissionDenied()
    audit.record(action="referrals.referral.view" if not write else "referrals.referral.open_for_change",
                 actor=real, obj=referral, request=request,
                 details={"household": referral.household_id, "sender": opened.is_sender,
                          "receiver": opened.is_receiver})
    return opened


def reveal_text(opened: OpenedReferral, obj: models.Model, field_name: str) -> Any:
    """The plaintext of an encrypted field of the opened referral (reason, decline_note, outcome_note) or of one
    of its messages — for the two parties only, since only `get_referral_for` makes an OpenedReferral; None for
    the receiver once the basis of the referral is no longer in force."""
    if not isinstance(opened, OpenedReferral):
        raise PermissionDenied("Open the referral through get_referral_for first.")
    if isinstance(obj, Referral):
        if obj.pk != opened.referral.pk:
            raise PermissionDenied("Another referral.")
    elif isinstance(obj, ReferralMessage):
        if obj.referral_id != opened.referral.pk:
            raise PermissionDenied("A message of another referral.")
    else:
        raise PermissionDenied("Not a referral's field.")
    if not opened.texts_shared:  # the receiver, after the family's consent was withdrawn or lapsed
        return None
    return _plaintext(obj, field_name)


def _plaintext(obj: models.Model, field_name: str) -> Any:
    """Decrypt one encrypted field of a referral, a referral message or a case transfer (callers check who asks)."""
    from trama.records.protection import associated_data, key_ring

    model_field = obj._meta.get_field(field_name)
    if not isinstance(model_field, EncryptedField):
        raise ValueError(f"{obj._meta.label}.{field_name} is not an encrypted field.")
    value = getattr(obj, model_field.attname)
    if value is None:
        return None
    assert isinstance(value, Sealed)
    if value.is_pending:
        return value._pending_value()
    data = crypto.decrypt(key_ring(), value.token or "",
                          associated_data=associated_data(obj, model_field.column, obj.uuid))  # type: ignore[attr-defined]
    return model_field.decode_plain(data)


def reveal_transfer_text(user: AnyUser | None, transfer: CaseTransfer, field_name: str) -> str:
    """The plaintext of a case transfer's reason or response note, for the two parties only."""
    if not {transfer.from_organisation_id, transfer.to_organisation_id} & reader_org_ids(user):
        raise PermissionDenied("Not a party of this transfer.")
    if field_name not in ("reason", "response_note"):
        raise PermissionDenied("Not a transfer's text.")
    return str(_plaintext(transfer, field_name) or "")


def messages_of(opened: OpenedReferral) -> QuerySet[ReferralMessage]:
    return opened.referral.messages.select_related("author", "organisation").order_by("created_at", "pk")


# --- Inbox, outbox, operator home ----------------------------------------------------------------------


def before_deadline(now: dt.datetime | None = None) -> Q:
    """Referrals whose time to answer is not over (`Referral.deadline_passed` false), whether or not the daily
    expiry job has run: one past it can no longer be answered.

    One comparison, with no deadline as the far future, rather than "no deadline OR deadline later": PostgreSQL
    answered the OR from the expiry index of every sent referral in the city (tens of thousands of entries) and
    intersected it with the organisation's, where the inbox index gives the organisation's few waiting ones."""
    return Q(GreaterThan(Coalesce("expires_at", Value(_NO_DEADLINE, output_field=DateTimeField())),
                         now or timezone.now()))


_NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def inbox(user: AnyUser | None) -> QuerySet[Referral]:
    """Referrals waiting for an answer from the user's organisations, oldest first (the page shows each one's
    age with `referral.waiting_for(now)` and sorts urgent ones first with `by_urgency`). Not those whose time to
    answer is over, which the daily expiry job has not marked yet: they can no longer be answered."""
    reach = reach_of(user)
    if not (reach.whole or reach.areas):
        return Referral.objects.none()
    return (Referral.objects.filter(_receiver_condition(reach), before_deadline(), status=ReferralStatus.SENT)
            .select_related("household", "service", "from_organisation", "to_organisation")
            .order_by("sent_at", "pk"))


def by_urgency(referrals: list[Referral]) -> list[Referral]:
    """Urgent first, then the longest waiting."""
    return sorted(referrals, key=lambda r: (URGENCY_RANK.get(r.urgency, 9), r.sent_at or timezone.now(), r.pk))


def outbox(user: AnyUser | None) -> QuerySet[Referral]:
    """What the user's organisations sent (drafts included), newest first, so the sender sees what happened."""
    reach = reach_of(user)
    if not (reach.whole or reach.areas):
        return Referral.objects.none()
    return (Referral.objects.filter(_sender_condition(reach))
            .select_related("household", "service", "from_organisation", "to_organisation")
            .order_by("-created_at", "-pk"))


def received(user: AnyUser | None) -> QuerySet[Referral]:
    """Every referral ever sent to the user's organisations (never its drafts, even cancelled ones), newest first."""
    reach = reach_of(user)
    if not (reach.whole or reach.areas):
        return Referral.objects.none()
    return (Referral.objects.filter(_receiver_condition(reach))
            .select_related("household", "service", "from_organisation", "to_organisation")
            .order_by("-sent_at", "-pk"))


def household_referrals(user: AnyUser | None, household: Household) -> QuerySet[Referral]:
    """The referrals of one household the user may see (sent by or to their organisations; drafts only to the
    sender), newest first. The caller has opened the household through the records funnel."""
    return (referrals_visible_to(user).filter(household=household)
            .select_related("service", "from_organisation", "to_organisation").order_by("-created_at", "-pk"))


def transfers_visible_to(user: AnyUser | None) -> QuerySet[CaseTransfer]:
    reach = reach_of(user)
    if not (reach.whole or reach.areas):
        return CaseTransfer.objects.none()
    return CaseTransfer.objects.filter(reach.condition("from_organisation") | reach.condition("to_organisation"))


def get_transfer_for(user: AnyUser | None, pk: object, *, write: bool = False,
                     request: HttpRequest | None = None) -> CaseTransfer:
    real = _user_or_none(user)
    key = _key(pk)
    transfer = None
    if key is not None and real is not None:
        transfer = (transfers_visible_to(real).filter(pk=key)
                    .select_related("household", "from_organisation", "to_organisation").first())
    if transfer is None:
        _deny(user, pk, object_type=TRANSFER_OBJECT_TYPE, write=write, status=404, request=request)
        raise Http404()
    managers = reach_of(real, (Perm.REFERRALS_MANAGE,))
    if write and not (managers.reaches(transfer.from_organisation_id, transfer.household)
                      or transfer.to_organisation_id in managers.receiving):
        _deny(user, key, object_type=TRANSFER_OBJECT_TYPE, write=True, status=403, request=request)
        raise PermissionDenied()
    audit.record(action="referrals.transfer.view", actor=real, obj=transfer, request=request,
                 details={"household": transfer.household_id})
    return transfer


def pending_transfers_in(user: AnyUser | None) -> QuerySet[CaseTransfer]:
    return (transfers_visible_to(user).filter(reach_of(user).condition("to_organisation"),
                                              status=TransferStatus.REQUESTED)
            .select_related("household", "from_organisation", "to_organisation").order_by("requested_at"))


def pending_transfers_out(user: AnyUser | None) -> QuerySet[CaseTransfer]:
    """Transfers the user's organisations asked for, still waiting for an answer, oldest first."""
    return (transfers_visible_to(user).filter(reach_of(user).condition("from_organisation"),
                                              status=TransferStatus.REQUESTED)
            .select_related("household", "from_organisation", "to_organisation").order_by("requested_at"))


def plan_actions_due(user: AnyUser | None, *, within_days: int = 7,
                     on: dt.date | None = None) -> QuerySet[PlanAction]:
    """Open plan actions (to do or in progress) due within `within_days` (overdue ones included), assigned to
    the user or to one of their organisations, in open households whose plan the user may read: the household
    page's rule — the needs-and-plan category, and the health category for a health goal. The page shows the
    description only after opening the household through the records funnel (it is encrypted)."""
    from trama.records.access import plan_categories
    from trama.records.categories import DataCategory
    from trama.records.models import ActionStatus, Dimension, HouseholdStatus, PlanAction

    real = _user_or_none(user)
    if real is None:
        return PlanAction.objects.none()
    day = on or timezone.localdate()
    org_ids = accounts_access.organisation_ids_for(real)
    # A closed household's plan can no longer change: its actions are not waiting for anyone.
    due = PlanAction.objects.filter(Q(by_operator=real) | Q(by_organisation_id__in=org_ids),
                                    status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
                                    goal__plan__household__status=HouseholdStatus.OPEN,
                                    due_date__isnull=False, due_date__lte=day + dt.timedelta(days=within_days))
    # The actions due are few, the households the user may open many: the categories are worked out for the
    # households of the actions due only, rather than the actions filtered by the whole visible set.
    candidates = set(due.values_list("goal__plan__household_id", flat=True))
    readable = plan_categories(real, candidates) if candidates else {}
    plan = [pk for pk, categories in readable.items() if DataCategory.NEEDS_AND_PLAN in categories]
    health = [pk for pk in plan if DataCategory.HEALTH in readable[pk]]
    return (due.filter(Q(goal__plan__household_id__in=health)
                       | (Q(goal__plan__household_id__in=plan) & ~Q(goal__dimension=Dimension.HEALTH)))
            .select_related("goal__plan__household").order_by("due_date", "pk"))


# What the home page shows of each row: loading only these (not every column of the referral, its household,
# service and organisations, with their dates to convert) halves the page's time.
_HOME_REFERRAL_FIELDS = ("status", "urgency", "sent_at", "created_at", "household__reference_code", "service__name",
                        "from_organisation__name", "to_organisation__name")
_FINAL_ANSWERS = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.EXPIRED)
ANSWERED_DAYS = 30  # how long the home keeps showing what happened to a referral sent
_HOME_TRANSFER_FIELDS = ("requested_at", "household__reference_code", "from_organisation__name",
                        "to_organisation__name")


@dataclass(frozen=True)
class OperatorHome:
    households: QuerySet[Household]
    incoming: list[Referral]  # waiting for the user's organisations: urgent first, then the oldest
    outgoing: QuerySet[Referral]  # sent by the user's organisations, still open (sent, accepted, in progress)
    answered: QuerySet[Referral]  # sent by them and closed (completed, declined, expired) in the last weeks
    actions_due: QuerySet[PlanAction]
    transfers_in: QuerySet[CaseTransfer]
    drafts: QuerySet[Referral]  # not yet sent, newest first
    transfers_out: QuerySet[CaseTransfer]  # asked by the user's organisations, waiting for an answer
    now: dt.datetime

    def waiting(self, referral: Referral) -> dt.timedelta | None:
        return referral.waiting_for(self.now)


def operator_home(user: AnyUser | None, *, limit: int = 20, now: dt.datetime | None = None) -> OperatorHome:
    """What the operator's home page shows: their open households (most recently changed first), referrals in
    and out with waiting times, drafts, plan actions due, case transfers waiting for them or asked by them.

    "Their" households are those of the funnel's own source (their organisation's, within a scoped membership's
    area): the page shows each one's label, which is identity data, and households shared with them are reached
    from the list of households and from the referrals."""
    from trama.records.access import own_households_condition
    from trama.records.models import Household, HouseholdStatus

    now = now or timezone.now()
    households = (Household.objects.filter(own_households_condition(user), status=HouseholdStatus.OPEN)
                  .only("reference_code", "label").order_by("-updated_at", "-pk")[:limit])
    outgoing = (outbox(user).filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED,
                                                ReferralStatus.IN_PROGRESS]).only(*_HOME_REFERRAL_FIELDS)[:limit])
    answered = (outbox(user).filter(in_codes("status", _FINAL_ANSWERS),  # the partial index on those statuses
                                    updated_at__gte=now - dt.timedelta(days=ANSWERED_DAYS))
                .only(*_HOME_REFERRAL_FIELDS, "outcome", "decline_reason", "updated_at")
                .order_by("-updated_at", "-pk")[:limit])
    # Urgent first, then the longest waiting — in the query, so that the limit never leaves an urgent one out.
    rank = Case(*(When(urgency=code, then=Value(position)) for code, position in URGENCY_RANK.items()),
                default=Value(len(URGENCY_RANK)), output_field=IntegerField())
    # The first ones chosen on the referral's own columns, then joined to their household, service and
    # organisations: both databases joined every waiting referral (hundreds) before keeping the first 20.
    first = inbox(user).annotate(rank=rank).order_by("rank", "sent_at", "pk").values("pk")[:limit]
    incoming = (Referral.objects.filter(pk__in=first)
                .select_related("household", "service", "from_organisation", "to_organisation")
                .only(*_HOME_REFERRAL_FIELDS).annotate(rank=rank).order_by("rank", "sent_at", "pk"))
    return OperatorHome(
        households=households,
        incoming=list(incoming),
        outgoing=outgoing,
        answered=answered,
        actions_due=plan_actions_due(user, on=timezone.localtime(now).date())
        .only("due_date", "goal__plan__household__reference_code")[:limit],
        transfers_in=pending_transfers_in(user).only(*_HOME_TRANSFER_FIELDS)[:limit],
        drafts=outbox(user).filter(status=ReferralStatus.DRAFT).only(*_HOME_REFERRAL_FIELDS)[:limit],
        transfers_out=pending_transfers_out(user).only(*_HOME_TRANSFER_FIELDS)[:limit],
        now=now,
    )
