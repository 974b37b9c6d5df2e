"""What every records view shares: opening a household for a page, the dimensions a user may see, labels."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from trama.core.pages import paginate, run_service, user_of
from trama.records.access import HouseholdAccess, Via, open_household
from trama.records.models import Dimension, HouseholdStatus
from trama.records.selectors import plan_dimensions

__all__ = ["closed_refusal", "dimensions_for", "household_url", "open_for", "page_context", "paginate", "run_service",
           "user_of"]


def open_for(request: HttpRequest, pk: int, *, write: bool = False, purpose: str = "view") -> HouseholdAccess:
    """The household through the funnel: 404 outside, 403 on a write for read-only users, audited either way."""
    return open_household(request.user, pk, write=write, purpose=purpose, request=request)


def closed_refusal(request: HttpRequest, opened: HouseholdAccess) -> HttpResponse | None:
    """A form that would change a closed household is not offered: back to the household's page, with the reason
    (the page offers to reopen it to those who may). Only when asked for the form: one sent while someone else
    closed the household is shown again with the service's refusal, so nothing typed is lost."""
    if request.method == "POST" or opened.household.status == HouseholdStatus.OPEN:
        return None
    messages.warning(request, _("Il nucleo è chiuso: riaprilo prima di modificarlo."))
    return redirect(household_url(opened.household.pk))


def dimensions_for(opened: HouseholdAccess) -> list[tuple[str, str]]:
    """The assessment/plan dimensions this user may read (health only with the health category)."""
    allowed = plan_dimensions(opened.categories)
    return [(code, str(label)) for code, label in Dimension.choices if code in allowed]


def household_url(pk: int, section: str = "") -> str:
    url = reverse("records:household_detail", args=[pk])
    return f"{url}#{section}" if section else url


def page_context(opened: HouseholdAccess, **extra: Any) -> dict[str, Any]:
    """The household header every records page shows."""
    return {
        "opened": opened,
        "household": opened.household,
        "break_glass": Via.BREAK_GLASS in opened.via,
        "is_owner": Via.OWN in opened.via,
        **extra,
    }
