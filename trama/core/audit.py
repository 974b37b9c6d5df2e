"""Writing audit events. Services call `record`; nothing else writes AuditEvent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from trama.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from trama.accounts.models import User
    from trama.network.models import Organisation


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the production proxy the real address is the first of X-Forwarded-For (docs/operations.md).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return ip or None


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
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if request is not None:
        if actor is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            actor = request.user  # type: ignore[assignment]
        if acting_for is None:
            # request.acting_for is a lazy object; it is falsy when it wraps None.
            acting_for = getattr(request, "acting_for", None) or None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        acting_for=acting_for,
        object_type=object_type,
        object_id=str(object_id),
        ip=client_ip(request),
        details=details or {},
    )
