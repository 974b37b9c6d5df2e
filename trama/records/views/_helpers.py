"""What every records view shares: opening a household for a page, the dimensions a user may see, labels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from trama.core.pages import paginate, run_service, user_of
from trama.records.access import HouseholdAccess, Via, open_household
from trama.records.models import Dimension
from trama.records.selectors import plan_dimensions

__all__ = ["dimensions_for", "household_url", "open_for", "page_context", "paginate", "run_service", "user_of"]


def open_for(request: HttpRequest, pk: int, *, write: bool = False, purpose: str = "view") -> HouseholdAccess:
    """The household through the funnel: 404 outside, 403 on a write for read-only users, audited either way."""
    return open_household(request.user, pk, write=write, purpose=purpose, request=request)


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
