"""Writing audit events. Services call `record`; nothing else writes AuditEvent."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from trama.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from trama.accounts.models import User
    from trama.network.models import Organisation


# The request being served, set by core.middleware.AuditContextMiddleware.
current_request: ContextVar[HttpRequest | None] = ContextVar("trama_current_request", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. X-Forwarded-For is trusted only for TRAMA_TRUSTED_PROXIES hops (docs/operations.md):
    each trusted proxy appends the address it saw, so the client is the entry that many places from the end."""
    if request is None:
        return None
    proxies = settings.TRAMA_TRUSTED_PROXIES
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: str,
    actor: User | None = None,
    acting_for: Organisation | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    if request is None:
        request = current_request.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if request is not None:
        if actor is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            actor = request.user  # type: ignore[assignment]
        if acting_for is None:
            # request.acting_for is a lazy object; it is falsy when it wraps None.
            acting_for = getattr(request, "acting_for", None) or None
    details = details or {}
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        acting_for=acting_for,
        object_type=object_type,
        object_id=str(object_id),
        ip=client_ip(request),
        details=details,
        household_id=household_key(object_type, object_id, details),
    )


HOUSEHOLD_TYPE = "records.household"
_MAX_KEY = 2**63 - 1


def household_key(object_type: str, object_id: str | int, details: dict[str, Any]) -> int | None:
    """The household an event concerns: the one its details name, else the object itself if it is one. An id
    that is not a whole number within a 64-bit key (a refused request for `/records/abc/`) concerns none."""
    named = details.get("household")
    if isinstance(named, int) and not isinstance(named, bool):
        candidate: object = named
    elif object_type == HOUSEHOLD_TYPE:
        candidate = object_id
    else:
        return None
    text = str(candidate)
    if not text.isascii() or not text.isdigit():
        return None
    key = int(text)
    return key if 0 < key <= _MAX_KEY else None
