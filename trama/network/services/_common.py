"""Helpers shared by the network services: field updates, date checks, slugs (validation: core.errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trama.core.errors import ApplicationError


def apply_changes(obj: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed attributes that actually change; return their names (for save and the audit trail)."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        # A programming error, not a user's: the message names the fields for the developer.
        raise ApplicationError(
            _("Campi non modificabili: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 120) -> str:
    base = slugify(text)[: max_length - 5].strip("-") or "x"
    slug = base
    suffix = 2
    while model._default_manager.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def check_dates_ordered(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and until < since:
        raise ApplicationError(_("La data di fine precede quella di inizio."), field="until")


def overlapping(
    queryset: models.QuerySet[Any], since: dt.date | None, until: dt.date | None
) -> models.QuerySet[Any]:
    """Rows of a queryset with since/until fields whose period overlaps [since, until]."""
    if until is not None:
        queryset = queryset.filter(models.Q(since__isnull=True) | models.Q(since__lte=until))
    if since is not None:
        queryset = queryset.filter(models.Q(until__isnull=True) | models.Q(until__gte=since))
    return queryset
