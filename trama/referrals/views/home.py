"""The operator's home ("Il mio lavoro"): households, referrals in and out, plan actions due, transfers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trama.referrals.access import (
    HOME_REFERRAL_FIELDS,
    operator_home,
    outbox,
    reader_org_ids,
    transfers_visible_to,
)
from trama.referrals.models import ReferralStatus, TransferStatus

DRAFTS_SHOWN = 20


def _days(waited: dt.timedelta | None) -> int | None:
    return waited.days if waited is not None else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    data = operator_home(request.user)
    incoming = [(r, _days(data.waiting(r))) for r in data.incoming]
    outgoing = [(r, _days(data.waiting(r))) for r in data.outgoing]
    transfers_out = (transfers_visible_to(request.user)
                     .filter(from_organisation_id__in=reader_org_ids(request.user), status=TransferStatus.REQUESTED)
                     .select_related("household", "to_organisation")
                     .only("requested_at", "household__reference_code", "to_organisation__name")
                     .order_by("requested_at"))
    return render(request, "referrals/home.html", {
        "home": data, "households": list(data.households), "incoming": incoming, "outgoing": outgoing,
        "actions_due": list(data.actions_due), "transfers_in": list(data.transfers_in),
        "drafts": list(outbox(request.user).filter(status=ReferralStatus.DRAFT).only(*HOME_REFERRAL_FIELDS)
                       [:DRAFTS_SHOWN]),
        "transfers_out": list(transfers_out[:DRAFTS_SHOWN]),
        "today": data.now.date(),
    })
