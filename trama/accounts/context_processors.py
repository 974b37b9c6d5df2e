from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from trama.accounts.access import acting_organisations


def acting(request: HttpRequest) -> dict[str, Any]:
    """The organisations the user may act for, for the switch in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting_choices": []}
    return {"acting_choices": acting_organisations(user)}
