"""The operator's home ("Il mio lavoro"): households, referrals in and out, plan actions due, transfers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from trama.records.consent import notifications_for
from trama.referrals.access import operator_home


def _days(waited: dt.timedelta | None) -> int | None:
    return waited.days if waited is not None else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    data = operator_home(request.user)
    incoming = [(r, _days(data.waiting(r))) for r in data.incoming]
    outgoing = [(r, _days(data.waiting(r))) for r in data.outgoing]
    return render(request, "referrals/home.html", {
        "home": data, "households": list(data.households), "incoming": incoming, "outgoing": outgoing,
        "answered": list(data.answered),
        "unread_notifications": notifications_for(request.user).filter(read_at__isnull=True).count(),
        "actions_due": list(data.actions_due), "transfers_in": list(data.transfers_in),
        "drafts": list(data.drafts), "transfers_out": list(data.transfers_out), "today": timezone.localdate(data.now),
    })
