"""The referrals of one household, for whoever may open the household: the sender sees what happened to each one
(accepted, declined with the reason, completed with the outcome), the receiver the ones it received."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trama.core.pages import paginate
from trama.records.access import open_household
from trama.referrals.access import household_referrals


@login_required
def household(request: HttpRequest, household_pk: int) -> HttpResponse:
    # Through the records funnel first: 404 (audited) for a household the user may not see.
    opened = open_household(request.user, household_pk, purpose="referrals", request=request)
    page, query = paginate(request, household_referrals(request.user, opened.household))
    return render(request, "referrals/household.html", {
        "opened": opened, "household": opened.household, "page": page, "query": query,
        "is_owner": "own" in opened.via, "break_glass": "break_glass" in opened.via,
    })
