"""The operator's home ("Il mio lavoro"): households, referrals in and out, plan actions due, transfers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trama.core.pages import line, paginate, url_for_each
from trama.records.consent import notifications_for
from trama.referrals.access import before_deadline, operator_home, outbox, received
from trama.referrals.models import FINAL_STATUSES, Referral, ReferralStatus


def _days(waited: dt.timedelta | None) -> int | None:
    return waited.days if waited is not None else None


@dataclass(frozen=True)
class HomeRow:
    """A referral as the home lists it, its link and lines written once here: a `{% url %}` and two or three
    `{% blocktranslate %}` per row took a sixth of the page's time."""

    referral: Referral
    days: int | None
    url: str
    title: SafeString  # "n. 12 — Doposcuola Beta"
    party: SafeString  # "da …" (received) or "a …" (sent), or the household's code (drafts)
    waiting: SafeString  # "in attesa da 3 giorni" (received), "da 3 giorni" (sent); empty when not waiting


def _rows(referrals: Iterable[Referral], *, now: dt.datetime, kind: str) -> list[HomeRow]:
    detail = url_for_each("referrals:detail")
    title = _("n. %(number)s — %(service)s")
    party = {"in": _("da %(org)s"), "out": _("a %(org)s"), "draft": _("Nucleo %(code)s")}[kind]
    rows = []
    for referral in referrals:
        days = _days(referral.waiting_for(now)) if kind != "draft" else None
        if kind == "in":
            count = days or 0
            waiting = line(ngettext("in attesa da %(counter)s giorno", "in attesa da %(counter)s giorni", count),
                           counter=count)
        elif days is not None:
            waiting = line(ngettext("da %(counter)s giorno", "da %(counter)s giorni", days), counter=days)
        else:
            waiting = SafeString("")
        org = referral.from_organisation.name if kind == "in" else referral.to_organisation.name
        rows.append(HomeRow(
            referral=referral, days=days, url=detail(referral.pk),
            title=line(title, number=referral.pk, service=referral.service.name),
            party=line(party, code=referral.household.reference_code) if kind == "draft" else line(party, org=org),
            waiting=waiting))
    return rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    data = operator_home(request.user)
    household_url = url_for_each("records:household_detail")
    households = [(household, household_url(household.pk)) for household in data.households]
    actions_due = [(action, household_url(action.goal.plan.household_id)) for action in data.actions_due]
    return render(request, "referrals/home.html", {
        "home": data, "households": households,
        "incoming": _rows(data.incoming, now=data.now, kind="in"),
        "outgoing": _rows(data.outgoing, now=data.now, kind="out"),
        "answered": _rows(data.answered, now=data.now, kind="out"),
        "unread_notifications": notifications_for(request.user).filter(read_at__isnull=True).count(),
        "actions_due": actions_due, "transfers_in": list(data.transfers_in),
        "drafts": _rows(data.drafts, now=data.now, kind="draft"), "transfers_out": list(data.transfers_out),
        "today": timezone.localdate(data.now),
    })


# --- Every referral received or sent ---------------------------------------------------------------------

# The status groups a list can be narrowed to (the home shows only the first ones waiting of each).
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "waiting": (ReferralStatus.SENT,),
    "open": (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
    "closed": tuple(FINAL_STATUSES),
    "draft": (ReferralStatus.DRAFT,),
}
_LIST_FIELDS = ("status", "urgency", "sent_at", "created_at", "updated_at", "expires_at", "outcome",
                "decline_reason", "household__reference_code", "service__name", "from_organisation__name",
                "to_organisation__name")


def _status_choices(direction: str) -> list[tuple[str, str]]:
    choices = [("", _("Tutte")), ("waiting", _("In attesa di risposta")), ("open", _("Accettate o in corso")),
               ("closed", _("Chiuse (concluse, rifiutate, scadute, annullate)"))]
    if direction == "out":
        choices.append(("draft", _("Bozze")))
    return choices


def _listing(request: HttpRequest, direction: str) -> HttpResponse:
    """Every referral sent to the user's organisations (`in`) or by them (`out`, drafts included), newest first,
    narrowed to a status group, a page at a time: the home page shows only the first of each kind."""
    referrals = received(request.user) if direction == "in" else outbox(request.user)
    status = request.GET.get("status", "")
    choices = _status_choices(direction)
    if status not in dict(choices):
        status = ""
    if status:
        referrals = referrals.filter(status__in=STATUS_GROUPS[status])
    now = timezone.now()
    if status == "waiting":  # as on the home: not those whose time to answer is over, which can't be answered
        referrals = referrals.filter(before_deadline(now))
    page, query = paginate(request, referrals.only(*_LIST_FIELDS))
    page.object_list = [(r, _days(r.waiting_for(now))) for r in page.object_list]
    return render(request, "referrals/list.html", {
        "direction": direction, "page": page, "query": query, "status": status, "status_choices": choices, "now": now,
        "title": _("Segnalazioni ricevute") if direction == "in" else _("Segnalazioni inviate"),
    })


@login_required
def referrals_received(request: HttpRequest) -> HttpResponse:
    return _listing(request, "in")


@login_required
def referrals_sent(request: HttpRequest) -> HttpResponse:
    return _listing(request, "out")
